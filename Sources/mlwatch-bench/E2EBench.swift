import Foundation
import MLWatchCore

/// `mlwatch-bench e2e [ingest|drift|profile|memory]… [--dir DIR] [--reps 3] [--lines 1000000]
///  [--mlwatch PATH] [--base PATH] [--python python3] [--scripts DIR]`
///
/// End-to-end figures of the real release `mlwatch` (by default the one next to this executable), each
/// against its baseline in the same run, runs interleaved, minimum wall time of `reps` (the machine is
/// shared: the minimum is the run least disturbed). Peak RSS is the child's `ru_maxrss` (`wait4`), what
/// `/usr/bin/time -v` prints as "Maximum resident set size". `--base PATH` adds a second mlwatch binary
/// (e.g. a build of an earlier commit), interleaved with the first. Data files are generated into `--dir`
/// (default: a temporary directory, removed at the end) by `mlwatch-bench gen`'s generators.
/// - `ingest`: `mlwatch check` on the realistic log (`RealisticLineGenerator`, 8 features, one free text)
///   and on its twin without the text, against `python3 scripts/json_loads_bench.py` on the same file.
/// - `drift`: `mlwatch check CUR --reference REF --window all` on 20 numeric features × 100k events against
///   `python3 scripts/drift_e2e_python.py REF CUR` (json + numpy + scipy `ks_2samp` + `wasserstein_distance`).
/// - `profile`: reading the reference log into a profile (`LogTailer` + `EventParser` +
///   `ReferenceProfileBuilder`, what `baseline` and `check --reference LOG` do) against
///   `ReferenceProfile.load` of the saved profile, in this process; then `baseline` and `check --reference`
///   with the log and with the profile, as commands.
/// - `sparse`: the same 50,000 realistic lines as a reference log spaced 10 and 100 minutes apart (≈ a year
///   and ≈ 9.5 years of event time) and 50 ms apart (their dense twin, the baseline), with 100 current lines
///   after each:
///   `check CUR --reference REF --window all`, and `check REF` with a 10m/30s window, a fixed and an
///   adaptive rule (`--config`), whose reference is REF itself; the outputs' events and alert counts.
/// - `memory`: peak RSS of `check --window 10m` against `--window 5000` on the realistic log at 500
///   predictions/s (300k predictions in 10 minutes): bytes per windowed event; then peak RSS of
///   `check` at 1M, 5M and 10M lines (`--lines-list 1000000,5000000,10000000`).
enum E2EBench {
    struct Options {
        var reps = 3
        var lines = 1_000_000
        var mlwatch = ""
        var base: String?
        var python = "python3"
        var scripts = "scripts"
        var dir = ""
        var linesList = [1_000_000, 5_000_000, 10_000_000]
        /// Whether `dir` is this run's own temporary directory (large logs are then deleted once used).
        var ownDir = true
    }

    @Sendable static func run(_ args: [String]) -> Int32 {
        let a = BenchArguments(args: args)
        var o = Options()
        o.reps = a.int("--reps", 3)
        o.lines = a.int("--lines", 1_000_000)
        o.mlwatch = a.string("--mlwatch") ?? sibling("mlwatch")
        o.base = a.string("--base")
        o.python = a.string("--python") ?? "python3"
        o.scripts = a.string("--scripts") ?? "scripts"
        if let list = a.string("--lines-list") { o.linesList = list.split(separator: ",").compactMap { Int($0) } }
        let keepDir = a.string("--dir")
        o.dir = keepDir ?? NSTemporaryDirectory() + "mlwatch-e2e-\(getpid())"
        o.ownDir = keepDir == nil
        try? FileManager.default.createDirectory(atPath: o.dir, withIntermediateDirectories: true)
        defer { if keepDir == nil { try? FileManager.default.removeItem(atPath: o.dir) } }
        guard FileManager.default.isExecutableFile(atPath: o.mlwatch) else {
            print("e2e: no mlwatch at \(o.mlwatch) (swift build -c release --product mlwatch, or --mlwatch PATH)")
            return 1
        }
        let known = ["ingest", "drift", "profile", "sparse", "memory"]
        var suites = args.filter { known.contains($0) }
        if suites.isEmpty { suites = known }
        print("e2e: mlwatch \(o.mlwatch)\(o.base.map { ", base \($0)" } ?? ""); minimum wall time of \(o.reps) interleaved runs")
        for s in suites {
            switch s {
            case "ingest": ingest(o)
            case "drift": drift(o)
            case "profile": profile(o)
            case "sparse": sparse(o)
            default: memory(o)
            }
        }
        return 0
    }

    static func sibling(_ name: String) -> String {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent(name).path
    }

    // MARK: Suites

    static func ingest(_ o: Options) {
        let text = file(o, "realistic-\(o.lines).jsonl") { path in
            var g = RealisticLineGenerator()
            return GenerateBench.write(count: o.lines, to: path) { g.next() }
        }
        let plain = file(o, "realistic-notext-\(o.lines).jsonl") { path in
            var g = RealisticLineGenerator(withText: false)
            return GenerateBench.write(count: o.lines, to: path) { g.next() }
        }
        for (label, path) in [("8 features, one free text", text), ("7 features, no free text", plain)] {
            print("\ningest: \(o.lines) lines (\(label)), \(path)")
            var commands: [(String, [String])] = [
                ("python json.loads loop (baseline)", [o.python, o.scripts + "/json_loads_bench.py", path]),
                ("mlwatch check", [o.mlwatch, "check", path, "--format", "json"]),
            ]
            if let base = o.base { commands.append(("base mlwatch check", [base, "check", path, "--format", "json"])) }
            let results = interleave(commands, reps: o.reps)
            let baseline = results[0].seconds
            for r in results {
                print("  \(pad(r.label, 36)) \(secs(r.seconds))  \(String(format: "%6.2f", Double(o.lines) / r.seconds / 1e6)) M lines/s"
                    + "  ×\(String(format: "%.2f", baseline / r.seconds)) python   peak RSS \(mb(r.maxRSS))")
            }
        }
    }

    static func drift(_ o: Options) {
        let ref = file(o, "drift-ref.jsonl") { path in
            var g = DriftLineGenerator(features: 20, current: false)
            return GenerateBench.write(count: 100_000, to: path) { g.next() }
        }
        let cur = file(o, "drift-cur.jsonl") { path in
            var g = DriftLineGenerator(features: 20, current: true)
            return GenerateBench.write(count: 100_000, to: path) { g.next() }
        }
        print("\ndrift: 20 numeric features, 100,000 current vs 100,000 reference events (logs), whole process each")
        var commands: [(String, [String])] = [
            ("python json + numpy + scipy (baseline)", [o.python, o.scripts + "/drift_e2e_python.py", ref, cur]),
            ("mlwatch check --reference LOG", [o.mlwatch, "check", cur, "--reference", ref, "--window", "all", "--format", "json"]),
        ]
        if let base = o.base {
            commands.append(("base mlwatch check --reference LOG", [base, "check", cur, "--reference", ref, "--window", "all", "--format", "json"]))
        }
        let results = interleave(commands, reps: o.reps)
        for r in results {
            print("  \(pad(r.label, 40)) \(secs(r.seconds))  ×\(String(format: "%.1f", results[0].seconds / r.seconds)) python")
        }
    }

    static func profile(_ o: Options) {
        let ref = file(o, "drift-ref.jsonl") { path in
            var g = DriftLineGenerator(features: 20, current: false)
            return GenerateBench.write(count: 100_000, to: path) { g.next() }
        }
        let cur = file(o, "drift-cur.jsonl") { path in
            var g = DriftLineGenerator(features: 20, current: true)
            return GenerateBench.write(count: 100_000, to: path) { g.next() }
        }
        let saved = o.dir + "/drift-ref.profile"
        print("\nprofile: the 100,000-event × 20-feature reference, as its log and as a saved profile")
        _ = runCommand([o.mlwatch, "baseline", ref, "-o", saved])
        var fromLog = [Double](), fromProfile = [Double]()
        var same = true
        for _ in 0..<max(o.reps, 5) {
            var built: ReferenceProfile?
            fromLog.append(seconds { built = buildFromLog(ref) })
            var loaded: ReferenceProfile?
            fromProfile.append(seconds { loaded = try? ReferenceProfile.load(path: saved) })
            if var b = built, let loaded {
                b.sources = loaded.sources
                same = same && b == loaded
            } else {
                same = false
            }
        }
        let logMin = fromLog.min()!, profileMin = fromProfile.min()!
        print("  in process: read + parse + build from the log (baseline)  \(secs(logMin))")
        print("  in process: ReferenceProfile.load                        \(secs(profileMin))  ×\(String(format: "%.0f", logMin / profileMin)) faster"
            + "; loaded == built from the log: \(same ? "yes" : "NO")")
        var commands: [(String, [String])] = [
            ("check --reference LOG (baseline)", [o.mlwatch, "check", cur, "--reference", ref, "--window", "all", "--format", "json"]),
            ("check --reference PROFILE", [o.mlwatch, "check", cur, "--reference", saved, "--window", "all", "--format", "json"]),
            ("baseline LOG -o PROFILE", [o.mlwatch, "baseline", ref, "-o", saved]),
        ]
        if let base = o.base {
            let old = o.dir + "/drift-ref.base-profile.json"
            commands.append(("base: baseline LOG -o PROFILE", [base, "baseline", ref, "-o", old]))
            commands.append(("base: check --reference PROFILE", [base, "check", cur, "--reference", old, "--window", "all", "--format", "json"]))
        }
        let results = interleave(commands, reps: o.reps)
        for r in results { print("  \(pad(r.label, 40)) \(secs(r.seconds))") }
        let a = runCommand(commands[0].1), b = runCommand(commands[1].1)
        print("  check output with the profile == with the log: \(a.stdout == b.stdout ? "yes" : "NO") (\(a.stdout.count) bytes)")
    }

    static func sparse(_ o: Options) {
        let source = file(o, "realistic-50100.jsonl") { path in
            var g = RealisticLineGenerator()
            return GenerateBench.write(count: 50_100, to: path) { g.next() }
        }
        guard let lines = GenerateBench.readLines(source, limit: 50_100), lines.count == 50_100 else {
            print("sparse: cannot read \(source)")
            return
        }
        let start = 1_700_000_000.0
        let config = o.dir + "/sparse.yaml"
        var commands: [(String, [String])] = []
        for (name, gap, tag) in [("dense, 50 ms apart", 0.05, "dense"), ("sparse, 10 min apart", 600.0, "sparse"),
                                 ("sparser, 100 min apart", 6000.0, "sparser")] {
            let ref = o.dir + "/\(tag)-ref.jsonl", cur = o.dir + "/\(tag)-cur.jsonl"
            var i = 0
            _ = GenerateBench.write(count: 50_000, to: ref) {
                defer { i += 1 }
                return GenerateBench.respaced(lines[i], at: start + Double(i) * gap)
            }
            _ = GenerateBench.write(count: 100, to: cur) {
                defer { i += 1 }
                return GenerateBench.respaced(lines[i], at: start + Double(i) * gap)
            }
            try? """
                window: {size: 10m, slide: 30s}
                reference: {file: \(ref)}
                rules:
                  - alert: LatencyHigh
                    expr: latency_p99_ms > 250
                    for: 1m
                  - alert: LatencyAboveNormal
                    expr: latency_p99_ms > adaptive(mean + 3 * stddev)
                    for: 2m
                """.write(toFile: config.replacingOccurrences(of: ".yaml", with: "-\(tag).yaml"), atomically: true, encoding: .utf8)
            commands.append(("\(name): check CUR --reference REF --window all", [o.mlwatch, "check", cur, "--reference", ref, "--window", "all", "--format", "json"]))
            commands.append(("\(name): check REF --config (10m/30s, 2 rules)", [o.mlwatch, "check", ref, "--config", config.replacingOccurrences(of: ".yaml", with: "-\(tag).yaml"), "--format", "json"]))
        }
        print("\nsparse vs dense: 50,000 realistic lines as the reference, 100 current lines after it; dense (baseline) vs 10 and 100 minutes apart (\(String(format: "%.0f", 50_000 * 600.0 / 86_400)) and \(String(format: "%.0f", 50_000 * 6000.0 / 86_400)) days)")
        let results = interleave(commands, reps: o.reps)
        for (k, r) in results.enumerated() {
            let run = runCommand(commands[k].1)
            let doc = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8))) as? [String: Any]
            let alerts = (doc?["alerts"] as? [Any])?.count ?? 0
            print("  \(pad(r.label, 60)) \(secs(r.seconds))  peak RSS \(mb(r.maxRSS))  ×\(String(format: "%.2f", r.seconds / results[k % 2].seconds)) dense"
                + "  events \(doc?["events"] as? Int ?? -1), alert transitions \(alerts)")
        }
    }

    static func memory(_ o: Options) {
        let path = file(o, "realistic-\(o.lines).jsonl") { path in
            var g = RealisticLineGenerator()
            return GenerateBench.write(count: o.lines, to: path) { g.next() }
        }
        print("\nmemory per windowed event: realistic log at 500 predictions/s, `check --window 10m` (300,000 predictions in the window) vs `--window 5000`")
        var commands: [(String, [String])] = [
            ("check --window 5000 (baseline)", [o.mlwatch, "check", path, "--window", "5000", "--format", "json"]),
            ("check --window 10m", [o.mlwatch, "check", path, "--window", "10m", "--format", "json"]),
        ]
        if let base = o.base {
            commands.append(("base: check --window 5000", [base, "check", path, "--window", "5000", "--format", "json"]))
            commands.append(("base: check --window 10m", [base, "check", path, "--window", "10m", "--format", "json"]))
        }
        let results = interleave(commands, reps: o.reps, minimumRSS: true)
        for r in results { print("  \(pad(r.label, 36)) peak RSS \(mb(r.maxRSS))  \(secs(r.seconds))") }
        for k in stride(from: 0, to: results.count, by: 2) {
            let bytes = Double(results[k + 1].maxRSS - results[k].maxRSS) * 1024 / Double(300_000 - 5000)
            print("  \(k == 0 ? "" : "base: ")bytes per windowed event: \(String(format: "%.0f", bytes))")
        }

        print("\npeak RSS of `check` (10m window) as the log grows")
        for n in o.linesList {
            let p = file(o, "realistic-\(n).jsonl") { path in
                var g = RealisticLineGenerator()
                return GenerateBench.write(count: n, to: path) { g.next() }
            }
            var runs = [(String, [String])]()
            runs.append(("mlwatch check, \(n) lines", [o.mlwatch, "check", p, "--format", "json"]))
            if let base = o.base { runs.append(("base mlwatch check, \(n) lines", [base, "check", p, "--format", "json"])) }
            for r in interleave(runs, reps: 1) { print("  \(pad(r.label, 36)) peak RSS \(mb(r.maxRSS))  \(secs(r.seconds))") }
            if n != o.lines && o.ownDir { unlink(p) }
        }
    }

    // MARK: Helpers

    /// The profile of a log as `baseline` builds it.
    static func buildFromLog(_ path: String) -> ReferenceProfile? {
        var builder = ReferenceProfileBuilder()
        let parser = EventParser()
        do {
            let tailer = try LogTailer(paths: [path], options: TailerOptions(fromStart: true, follow: false))
            try tailer.readToEnd { batch in
                batch.bytes.withUnsafeBufferPointer { buf in
                    for r in batch.lines {
                        if case .event(.prediction(let p)) = parser.parse(UnsafeBufferPointer(rebasing: buf[r])) { builder.add(p) }
                    }
                }
            }
        } catch {
            return nil
        }
        return builder.build(sources: [path])
    }

    /// `dir/name`, generated by `make` unless it exists.
    static func file(_ o: Options, _ name: String, _ make: (String) -> Int?) -> String {
        let path = o.dir + "/" + name
        if !FileManager.default.fileExists(atPath: path) {
            print("e2e: writing \(path)")
            _ = make(path)
        }
        return path
    }

    struct Result {
        var label: String
        var seconds: Double
        var maxRSS: Int
    }

    /// Runs every command once per round, `reps` rounds; the minimum time (and RSS) of each.
    static func interleave(_ commands: [(String, [String])], reps: Int, minimumRSS: Bool = false) -> [Result] {
        var results = commands.map { Result(label: $0.0, seconds: .infinity, maxRSS: minimumRSS ? .max : 0) }
        for _ in 0..<max(1, reps) {
            for (i, c) in commands.enumerated() {
                let r = runCommand(c.1)
                if r.status != 0 && !(c.1.count > 1 && c.1[1] == "check" && r.status == 1) {
                    print("  \(c.0): exit \(r.status): \(r.stderr.prefix(300))")
                }
                results[i].seconds = min(results[i].seconds, r.seconds)
                results[i].maxRSS = minimumRSS ? min(results[i].maxRSS, r.maxRSS) : max(results[i].maxRSS, r.maxRSS)
            }
        }
        return results
    }

    struct Run {
        var status: Int32
        var seconds: Double
        var maxRSS: Int
        var stdout: String
        var stderr: String
    }

    /// Runs a command to its end: wall time, peak RSS in kB (`wait4`), its output (through temporary files,
    /// so that nothing in this process competes with the child while it runs).
    static func runCommand(_ argv: [String]) -> Run {
        let outPath = NSTemporaryDirectory() + "mlwatch-e2e-out-\(getpid())"
        let errPath = NSTemporaryDirectory() + "mlwatch-e2e-err-\(getpid())"
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for a in cArgs { free(a) } }
        let clock = ContinuousClock()
        let start = clock.now
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ)
        guard spawned == 0 else {
            return Run(status: -1, seconds: .infinity, maxRSS: 0, stdout: "", stderr: "cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let elapsed = clock.now - start
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Run(status: code, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                   maxRSS: usage.ru_maxrss, stdout: stdout, stderr: stderr)
    }

    static func seconds(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let d = clock.measure(body)
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
    static func secs(_ s: Double) -> String { String(format: "%7.3f s", s) }
    static func mb(_ kB: Int) -> String { String(format: "%7.1f MB", Double(kB) / 1024) }
}
