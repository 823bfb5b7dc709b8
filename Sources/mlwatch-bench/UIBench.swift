import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `mlwatch-bench ui [--mlwatch PATH] [--sample sample-data/predictions.jsonl.gz] [--config sample-data/mlwatch.yaml]
///   [--reference sample-data/reference.jsonl.gz] [--idle-seconds 30] [--active-seconds 10] [--rate 200]
///   [--presses 81] [--active-presses 24] [--settle-ms 150]`
///
/// The real `mlwatch watch` dashboard (a release binary, by default the one next to this executable) in a
/// detached 100×30 tmux session of a private tmux server (`tmux -L uibench-PID`), TERM=xterm-256color,
/// LANG=C.UTF-8, XDG_STATE_HOME in a temporary directory, on a copy of the sample log (`--from-start`).
///
/// 1. Idle CPU: once the header's event count is stable, utime+stime of the mlwatch process
///    (`/proc/PID/stat`) over `--idle-seconds`; baselines in the same interval: `cat` blocked in `read` in
///    a second session of the same server, and the tmux server process (which receives mlwatch's output).
///    Then the same while `--rate` lines/s are appended to the log.
/// 2. Key latency: `tmux send-keys`, then `tmux capture-pane` back to back until the screen shows the
///    key's effect; time from before send-keys to the end of the capture that shows it (an upper bound:
///    it includes the send and one capture). Baseline in the same run: the same against `cat` in raw mode
///    (`stty raw -echo`), which writes each typed byte back at once, so the tmux round trips are
///    visible and the difference is mlwatch's own share. Both panes' output also goes to files
///    (`pipe-pane`), whose size is polled every 0.1 ms: the first byte a key makes the program write, without
///    the capture's cost. Then `?` (help on/off) while lines are appended, judged by the help's title.
///
/// Exit code 0 when measured (the budget verdict is printed), 1 on a setup failure.
enum UIBench {
    @Sendable static func run(_ raw: [String]) -> Int32 {
        let args = BenchArguments(args: raw)
        func string(_ name: String, _ def: String) -> String {
            if let i = raw.firstIndex(of: name), i + 1 < raw.count { return raw[i + 1] }
            return def
        }
        let options = Options(
            mlwatch: string("--mlwatch", defaultMLWatch()),
            sample: string("--sample", "sample-data/predictions.jsonl.gz"),
            config: string("--config", "sample-data/mlwatch.yaml"),
            reference: string("--reference", "sample-data/reference.jsonl.gz"),
            idleSeconds: max(1, args.int("--idle-seconds", 30)),
            activeSeconds: max(1, args.int("--active-seconds", 10)),
            rate: max(1, args.int("--rate", 200)),
            presses: max(1, args.int("--presses", 81)),
            activePresses: max(0, args.int("--active-presses", 24)),
            settleMs: max(0, args.int("--settle-ms", 150)))
        let bench: UIBenchRun
        do {
            bench = try UIBenchRun(options)
        } catch {
            print("ui: setup failed: \(error)")
            return 1
        }
        defer { bench.cleanUp() }
        do {
            try bench.measure()
        } catch {
            print("ui: setup failed: \(error)")
            return 1
        }
        return 0
    }

    struct Options {
        var mlwatch: String
        var sample: String
        var config: String
        var reference: String
        var idleSeconds: Int
        var activeSeconds: Int
        var rate: Int
        var presses: Int
        var activePresses: Int
        var settleMs: Int
    }

    struct SetupError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    /// The `mlwatch` in the same directory as this executable (the same build).
    static func defaultMLWatch() -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("mlwatch").path
    }

    /// Monotonic time in ms.
    static func nowMs() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) * 1e3 + Double(ts.tv_nsec) * 1e-6
    }

    static func sleepMs(_ ms: Double) {
        if ms > 0 { usleep(useconds_t(ms * 1000)) }
    }

    static func shellQuote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Runs `argv` (looked up in PATH) with stdin from /dev/null and stdout+stderr into `outputPath`;
    /// returns the exit status (-1 when it did not exit normally or could not start). `posix_spawnp` +
    /// `waitpid`, as in the e2e harness: `Process.waitUntilExit` was seen to hang on tmux clients, and a
    /// pipe would be inherited (and held open) by a tmux server forked by `new-session`.
    static func spawn(_ argv: [String], outputPath: String) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cargs = argv.map { strdup($0) } + [nil]
        defer { for a in cargs { free(a) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, argv[0], &actions, nil, cargs, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }

    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return lstat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    static func readFile(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// `/proc/loadavg`'s first three fields.
    static func loadAverage() -> String {
        readFile("/proc/loadavg").split(separator: " ").prefix(3).joined(separator: " ")
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

/// A CPU sample of one process from /proc.
struct ProcCPU {
    /// utime + stime of all its threads, living and exited, in clock ticks.
    let ticks: Int
    /// Run time of the main thread (`/proc/PID/task/PID/schedstat`), ns.
    let mainThreadNs: Double
    /// Voluntary + involuntary context switches summed over its current threads.
    let switches: Int
    let threads: Int
    /// Per living thread: its name and run time (`schedstat`, ns).
    let threadRunNs: [Int32: (name: String, ns: Double)]
    let timeMs: Double

    static let clockTicks = Double(sysconf(Int32(_SC_CLK_TCK)))

    static func read(_ pid: Int32) -> ProcCPU? {
        let stat = UIBench.readFile("/proc/\(pid)/stat")
        guard let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after "(comm) ": state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let utime = Int(fields[11]), let stime = Int(fields[12]) else { return nil }
        let main = UIBench.readFile("/proc/\(pid)/task/\(pid)/schedstat").split(separator: " ").first.flatMap { Double($0) } ?? 0
        var switches = 0
        var perThread: [Int32: (name: String, ns: Double)] = [:]
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for tid in tasks {
            if let t = Int32(tid), let ns = UIBench.readFile("/proc/\(pid)/task/\(tid)/schedstat").split(separator: " ").first
                .flatMap({ Double($0) }) {
                perThread[t] = (UIBench.readFile("/proc/\(pid)/task/\(tid)/comm").trimmingCharacters(in: .whitespacesAndNewlines), ns)
            }
            for line in UIBench.readFile("/proc/\(pid)/task/\(tid)/status").split(separator: "\n")
            where line.hasPrefix("voluntary_ctxt_switches") || line.hasPrefix("nonvoluntary_ctxt_switches") {
                switches += Int(line.split(separator: "\t").last?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
            }
        }
        return ProcCPU(ticks: utime + stime, mainThreadNs: main, switches: switches, threads: tasks.count,
                       threadRunNs: perThread, timeMs: UIBench.nowMs())
    }

    static func comm(_ pid: Int32) -> String {
        UIBench.readFile("/proc/\(pid)/comm").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// CPU use of one process between two samples.
struct CPUDelta {
    let label: String
    let state: String
    let seconds: Double
    let ticks: Int
    let mainThreadMs: Double
    let switchesPerSecond: Double
    let threads: Int
    /// Run time of each thread alive at both samples, ms, longest first.
    let perThread: [(tid: Int32, name: String, ms: Double)]

    init(label: String, state: String, from a: ProcCPU, to b: ProcCPU) {
        self.label = label
        self.state = state
        seconds = (b.timeMs - a.timeMs) / 1000
        ticks = b.ticks - a.ticks
        mainThreadMs = (b.mainThreadNs - a.mainThreadNs) / 1e6
        switchesPerSecond = Double(b.switches - a.switches) / seconds
        threads = b.threads
        perThread = b.threadRunNs.compactMap { tid, t in
            a.threadRunNs[tid].map { (tid, t.name, (t.ns - $0.ns) / 1e6) }
        }.sorted { $0.ms > $1.ms }
    }

    /// CPU % of one core: ticks / CLK_TCK / elapsed.
    var percent: Double { Double(ticks) / ProcCPU.clockTicks / seconds * 100 }

    var row: String {
        String(format: "| %@ | %@ | %.1f s | %d | **%.2f %%** | %.1f ms | %.1f | %d |", label, state, seconds, ticks, percent,
               mainThreadMs, switchesPerSecond, threads)
    }
}

/// Latencies of one kind of key press, ms.
struct LatencySeries {
    let label: String
    var values: [Double] = []
    var misses = 0
    var captures = 0
    var captureMs: [Double] = []
    var sendMs: [Double] = []
    /// From before send-keys / from send-keys' return, until the pane's first output byte.
    var outputMs: [Double] = []
    var outputAfterSendMs: [Double] = []

    init(_ label: String) { self.label = label }

    var row: String {
        let s = values.sorted()
        guard !s.isEmpty else { return "| \(label) | 0 | – | – | – | – | – | – | – | \(misses) |" }
        func med(_ x: [Double]) -> String {
            x.isEmpty ? "–" : String(format: "%.1f ms", UIBench.percentile(x.sorted(), 0.5))
        }
        let output = outputMs.isEmpty ? "–"
            : med(outputMs) + " / " + med(outputAfterSendMs) + String(format: " (max %.1f)", outputMs.max()!)
        return String(format: "| %@ | %d | **%.1f ms** | %.1f ms | %.1f ms | %@ | %.1f ms | %.1f ms | %.1f | %d |", label, s.count,
                      UIBench.percentile(s, 0.5), UIBench.percentile(s, 0.95), s.last!, output,
                      UIBench.percentile(sendMs.sorted(), 0.5), UIBench.percentile(captureMs.sorted(), 0.5),
                      Double(captures) / Double(s.count + misses), misses)
    }

    mutating func append(_ other: LatencySeries) {
        values += other.values
        misses += other.misses
        captures += other.captures
        captureMs += other.captureMs
        sendMs += other.sendMs
        outputMs += other.outputMs
        outputAfterSendMs += other.outputAfterSendMs
    }
}

/// The tmux client on the bench's private server.
final class UITmux {
    let socket: String
    let outputPath: String

    init(socket: String, outputPath: String) {
        self.socket = socket
        self.outputPath = outputPath
    }

    @discardableResult
    func run(_ args: [String]) -> (status: Int32, output: String) {
        let status = UIBench.spawn(["tmux", "-L", socket] + args, outputPath: outputPath)
        return (status, UIBench.readFile(outputPath))
    }

    /// The pane as text, one string per row (`escapes`: with colour/attribute sequences).
    func capture(_ target: String, escapes: Bool) -> [Substring] {
        run(["capture-pane", "-p", "-t", target] + (escapes ? ["-e"] : [])).output
            .split(separator: "\n", omittingEmptySubsequences: false)
    }
}

/// Appends prediction lines (templates from the sample log, with fresh `ts` and `request_id`) to the log at
/// a steady rate, on its own thread.
final class LineAppender: Sendable {
    private let fd: Int32
    private let heads: [String]
    private let tails: [String]
    private let rate: Int
    private let startEpoch: Double
    private let stopping = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    let written = Atomic<Int>(0)

    /// `templates`: prediction lines with `"ts": "…"` and `"request_id": "…"`; `startEpoch`: event time of the
    /// first appended line (after the sample's last).
    init?(path: String, templates: [String], rate: Int, startEpoch: Double) {
        var heads: [String] = []
        var tails: [String] = []
        for line in templates {
            // {"ts": "<ts>", … "request_id": "<id>", …}  →  head = after the ts value up to the id value.
            guard let ts = line.range(of: "\"ts\": \""), let tsEnd = line[ts.upperBound...].firstIndex(of: "\""),
                  let id = line.range(of: "\"request_id\": \""), id.lowerBound > tsEnd,
                  let idEnd = line[id.upperBound...].firstIndex(of: "\"") else { continue }
            heads.append(String(line[tsEnd..<id.upperBound]))
            tails.append(String(line[idEnd...]))
        }
        guard !heads.isEmpty else { return nil }
        fd = open(path, O_WRONLY | O_APPEND)
        guard fd >= 0 else { return nil }
        self.heads = heads
        self.tails = tails
        self.rate = rate
        self.startEpoch = startEpoch
    }

    func start() {
        let thread = Thread { [self] in self.loop() }
        thread.start()
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        while !finished.load(ordering: .acquiring) { UIBench.sleepMs(5) }
        close(fd)
    }

    private func loop() {
        let t0 = UIBench.nowMs()
        var n = 0
        while !stopping.load(ordering: .acquiring) {
            let due = Int((UIBench.nowMs() - t0) / 1000 * Double(rate))
            if due > n {
                var chunk = ""
                while n < due {
                    let i = n % heads.count
                    chunk += "{\"ts\": \"" + LineAppender.iso(startEpoch + Double(n) / Double(rate)) + heads[i] + "ub-\(n)" + tails[i] + "\n"
                    n += 1
                }
                var bytes = Array(chunk.utf8)
                _ = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
                written.store(n, ordering: .releasing)
            }
            UIBench.sleepMs(20)
        }
        finished.store(true, ordering: .releasing)
    }

    static func iso(_ epoch: Double) -> String {
        var t = time_t(epoch.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        let ms = Int((epoch - epoch.rounded(.down)) * 1000)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), ms)
    }
}

/// One run of the `ui` suite: its temporary files, tmux sessions and measurements.
final class UIBenchRun {
    let options: UIBench.Options
    let dir: String
    let tmux: UITmux
    let mlwatchSession: String
    let catSession: String
    let logPath: String
    var mlwatchPid: Int32 = 0
    var catPid: Int32 = 0
    var serverPid: Int32 = 0
    var socketPath = ""
    var sessionsStarted: [String] = []
    let loadStart: String
    let root = FileManager.default.currentDirectoryPath

    init(_ options: UIBench.Options) throws {
        self.options = options
        loadStart = UIBench.loadAverage()
        let pid = getpid()
        var template = Array("/tmp/mlwatch-uibench-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw UIBench.SetupError("cannot create a temporary directory")
        }
        dir = String(cString: made)
        tmux = UITmux(socket: "uibench-\(pid)", outputPath: dir + "/tmux.out")
        mlwatchSession = "uibench-\(pid)-mlwatch"
        catSession = "uibench-\(pid)-cat"
        logPath = dir + "/predictions.jsonl"
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : root + "/" + path
    }

    func cleanUp() {
        for s in sessionsStarted { tmux.run(["kill-session", "-t", s]) }
        // The panes' processes get SIGHUP from tmux; make sure ours are gone.
        for pid in [mlwatchPid, catPid] where pid > 0 {
            let deadline = UIBench.nowMs() + 2000
            while kill(pid, 0) == 0 && UIBench.nowMs() < deadline { UIBench.sleepMs(20) }
            if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        }
        // The private server exits with its last session; its socket file stays behind.
        if serverPid > 0 {
            let deadline = UIBench.nowMs() + 2000
            while kill(serverPid, 0) == 0 && UIBench.nowMs() < deadline { UIBench.sleepMs(20) }
            if kill(serverPid, 0) != 0, !socketPath.isEmpty { try? FileManager.default.removeItem(atPath: socketPath) }
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    func measure() throws {
        let o = options
        guard FileManager.default.isExecutableFile(atPath: o.mlwatch) else {
            throw UIBench.SetupError("no mlwatch binary at \(o.mlwatch) (build it: swift build -c release --product mlwatch, or pass --mlwatch PATH)")
        }
        for f in [o.sample, o.config, o.reference] where !FileManager.default.fileExists(atPath: absolute(f)) {
            throw UIBench.SetupError("\(f) not found (run from the repository root)")
        }
        guard UIBench.spawn(["tmux", "-V"], outputPath: dir + "/tmux.out") == 0 else {
            throw UIBench.SetupError("tmux is not installed")
        }
        // The log: the sample, decompressed.
        let sample = absolute(o.sample)
        let status = sample.hasSuffix(".gz")
            ? UIBench.spawn(["gzip", "-dc", sample], outputPath: logPath)
            : UIBench.spawn(["cp", sample, logPath], outputPath: dir + "/cp.out")
        guard status == 0 else { throw UIBench.SetupError("cannot prepare the log from \(o.sample)") }
        let logText = UIBench.readFile(logPath)
        let lines = logText.split(separator: "\n")
        let templates = lines.prefix(20_000).filter { $0.contains("\"request_id\"") && !$0.contains("\"type\"") }.map(String.init)
        var lastEpoch = Date().timeIntervalSince1970
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for line in lines.suffix(50).reversed() {
            if let r = line.range(of: "\"ts\": \""), let end = line[r.upperBound...].firstIndex(of: "\""),
               let d = iso.date(from: String(line[r.upperBound..<end])) {
                lastEpoch = d.timeIntervalSince1970
                break
            }
        }

        print("ui: the mlwatch dashboard in a detached tmux pane, 100×30, TERM=xterm-256color, LANG=C.UTF-8")
        print("mlwatch: \(o.mlwatch)")
        print("log: \(lines.count) lines (\(o.sample)), --from-start, --config \(o.config), --reference \(o.reference)")
        print("load average at start: \(loadStart)   (\(ProcessInfo.processInfo.activeProcessorCount) cores, CLK_TCK \(Int(ProcCPU.clockTicks)))")

        try startSessions()
        let settle = try waitUntilSettled()
        print(String(format: "settled: header shows events %@, stable from %.1f s after start; the history took %.2f s CPU (%d threads)",
                     settle.events, settle.seconds, settle.cpuSeconds, settle.threads))
        UIBench.sleepMs(2000)

        // 1. Idle CPU, with the baselines over the same interval.
        print("\nidle: \(o.idleSeconds) s, nothing sent to the panes …")
        let idle = cpu(over: Double(o.idleSeconds), state: "quiet log")
        // 2. Key latency, idle, and the cat baseline interleaved press by press.
        print("key latency: \(o.presses) presses each, against cat (baseline) and mlwatch …")
        let keys = try keyLatency()
        // 3. While lines are appended.
        guard let appender = LineAppender(path: logPath, templates: templates, rate: o.rate, startEpoch: lastEpoch + 1) else {
            throw UIBench.SetupError("no prediction lines with ts and request_id in \(o.sample) to append")
        }
        print("active: appending \(o.rate) lines/s for \(o.activeSeconds) s, then \(o.activePresses) `?` presses while appending …")
        appender.start()
        UIBench.sleepMs(1000)
        let active = cpu(over: Double(o.activeSeconds), state: "\(o.rate) lines/s appended")
        let activeKeys = helpLatency(presses: o.activePresses)
        appender.stop()
        let appended = appender.written.load(ordering: .acquiring)
        let loadEnd = UIBench.loadAverage()

        print("\nCPU (utime+stime from /proc/PID/stat; main-thread run time from schedstat; wake-ups = context switches of its threads)\n")
        print("| process | state | interval | ticks | CPU | main thread | switches/s | threads |")
        print("|---|---|---|---|---|---|---|---|")
        for d in idle + active { print(d.row) }
        for d in idle + active where d.label.contains("mlwatch") {
            let list = d.perThread.map { String(format: "%@ (tid %d) %.1f ms", $0.name, $0.tid, $0.ms) }.joined(separator: ", ")
            print("\nmlwatch threads, \(d.state): \(list)")
        }
        print("\n(\(appended) lines appended in the active phase)")

        print("\nkey → visible change (send-keys until capture-pane shows it; includes one send and ≥ 1 capture)\n")
        print("| target | presses | median | p95 | max | first output byte: median from send / after send-keys returned (max) | send-keys (median) | one capture (median) | captures/press | missed |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        print(keys.cat.row)
        var all = LatencySeries("**mlwatch, all keys**")
        var noEsc = LatencySeries("mlwatch, all but Escape")
        for k in keys.mlwatch {
            all.append(k)
            if !k.label.contains("Escape") { noEsc.append(k) }
        }
        print(all.row)
        print(noEsc.row)
        for k in keys.mlwatch { print(k.row) }
        print(activeKeys.row)

        let mlIdle = idle[0]
        let sortedAll = all.values.sorted()
        let medianCat = UIBench.percentile(keys.cat.values.sorted(), 0.5)
        let medianMl = UIBench.percentile(sortedAll, 0.5)
        print("")
        print(String(format: "verdict: idle CPU %.2f %% over %.0f s — budget ≤ 1 %%: %@", mlIdle.percent, mlIdle.seconds,
                     mlIdle.percent <= 1 ? "met" : "NOT met"))
        print(String(format: "verdict: key → screen p95 %.1f ms, max %.1f ms (median %.1f ms; cat baseline median %.1f ms, so mlwatch's own share ≈ %.1f ms) — budget ≤ 50 ms: %@",
                     UIBench.percentile(sortedAll, 0.95), sortedAll.last ?? .nan, medianMl, medianCat, medianMl - medianCat,
                     (sortedAll.last ?? .infinity) <= 50 && all.misses == 0 ? "met (every press)"
                         : UIBench.percentile(sortedAll, 0.95) <= 50 && all.misses == 0 ? "met at p95, not every press" : "NOT met"))
        print("load average at end: \(loadEnd)")
    }

    // MARK: Sessions

    private func startSessions() throws {
        let o = options
        let state = dir + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let q = UIBench.shellQuote
        // `exec env …`: the pane's process is mlwatch itself (env execs it), not a shell.
        let command = "exec env TERM=xterm-256color LANG=C.UTF-8 XDG_STATE_HOME=\(q(state)) \(q(o.mlwatch)) watch \(q(logPath))"
            + " --from-start --config \(q(absolute(o.config))) --reference \(q(absolute(o.reference))) 2>\(q(dir + "/mlwatch.err"))"
        for (name, cmd) in [(mlwatchSession, command), (catSession, "stty raw -echo; exec cat")] {
            let r = tmux.run(["new-session", "-d", "-s", name, "-x", "100", "-y", "30", "-c", dir, "-e", "LANG=C.UTF-8", cmd])
            guard r.status == 0 else { throw UIBench.SetupError("tmux new-session: \(r.output)") }
            sessionsStarted.append(name)
        }
        mlwatchPid = try panePid(mlwatchSession, expecting: "mlwatch")
        catPid = try panePid(catSession, expecting: "cat")
        serverPid = Int32(tmux.run(["display-message", "-p", "-t", mlwatchSession, "#{pid}"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        socketPath = tmux.run(["display-message", "-p", "-t", mlwatchSession, "#{socket_path}"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let size = tmux.run(["display-message", "-p", "-t", mlwatchSession, "#{pane_width}x#{pane_height}"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        print("tmux -L \(tmux.socket): server pid \(serverPid), mlwatch pid \(mlwatchPid) (pane \(size)), cat pid \(catPid)")
        guard serverPid > 0, size == "100x30" else { throw UIBench.SetupError("unexpected tmux server pid or pane size \(size)") }
    }

    /// The pane's process, once it is `expecting` (the shell has exec'd it).
    private func panePid(_ session: String, expecting comm: String) throws -> Int32 {
        let deadline = UIBench.nowMs() + 10_000
        var last = ""
        while UIBench.nowMs() < deadline {
            let r = tmux.run(["list-panes", "-t", session, "-F", "#{pane_pid}"])
            if r.status == 0, let pid = Int32(r.output.trimmingCharacters(in: .whitespacesAndNewlines)) {
                last = ProcCPU.comm(pid)
                if last == comm { return pid }
            }
            UIBench.sleepMs(20)
        }
        let err = UIBench.readFile(dir + "/mlwatch.err")
        throw UIBench.SetupError("the pane of \(session) runs '\(last)', not \(comm)\(err.isEmpty ? "" : "; mlwatch stderr: \(err)")")
    }

    /// Waits until the header's "events N" is unchanged for 3 s.
    private func waitUntilSettled() throws -> (events: String, seconds: Double, cpuSeconds: Double, threads: Int) {
        let start = UIBench.nowMs()
        var last = ""
        var since = start
        while UIBench.nowMs() - start < 180_000 {
            guard kill(mlwatchPid, 0) == 0 else {
                throw UIBench.SetupError("mlwatch exited: \(UIBench.readFile(dir + "/mlwatch.err"))")
            }
            let screen = tmux.capture(mlwatchSession, escapes: false)
            var events = ""
            for row in screen.prefix(3) {
                if let r = row.range(of: "events ") {
                    events = String(row[r.upperBound...].prefix { $0 != " " })
                }
            }
            if events != last {
                last = events
                since = UIBench.nowMs()
            } else if !events.isEmpty, events != "0", UIBench.nowMs() - since >= 3000 {
                let cpu = ProcCPU.read(mlwatchPid)
                return (events, (since - start) / 1000, Double(cpu?.ticks ?? 0) / ProcCPU.clockTicks, cpu?.threads ?? 0)
            }
            UIBench.sleepMs(250)
        }
        throw UIBench.SetupError("the header's event count did not settle in 180 s (last: '\(last)')")
    }

    // MARK: CPU

    /// mlwatch, the cat baseline and the tmux server over the same interval.
    private func cpu(over seconds: Double, state: String) -> [CPUDelta] {
        let targets: [(String, Int32, String)] = [
            ("**mlwatch**", mlwatchPid, state), ("cat in a pane (baseline)", catPid, "blocked in read"),
            ("tmux server", serverPid, "gets both panes' output"),
        ]
        let before = targets.map { ProcCPU.read($0.1) }
        UIBench.sleepMs(seconds * 1000)
        let after = targets.map { ProcCPU.read($0.1) }
        var out: [CPUDelta] = []
        for (i, t) in targets.enumerated() {
            if let a = before[i], let b = after[i] { out.append(CPUDelta(label: t.0, state: t.2, from: a, to: b)) }
        }
        return out
    }

    // MARK: Keys

    /// One press: the time from before `send-keys` until a capture satisfies `changed`.
    /// `outputLog`: the pane's output file (`pipe-pane`); when given, first waits (polling its size every
    /// 0.1 ms) for the pane to write anything, which times the program's reaction without the capture cost.
    private func press(_ target: String, _ keys: [String], escapes: Bool, outputLog: String?, into series: inout LatencySeries,
                       changed: ([Substring]) -> Bool) {
        let sizeBefore = outputLog.map(UIBench.fileSize) ?? 0
        let t0 = UIBench.nowMs()
        tmux.run(["send-keys", "-t", target] + keys)
        let sent = UIBench.nowMs()
        series.sendMs.append(sent - t0)
        if let outputLog {
            while UIBench.fileSize(outputLog) <= sizeBefore && UIBench.nowMs() - t0 < 2000 { usleep(100) }
            let t = UIBench.nowMs()
            if t - t0 < 2000 {
                series.outputMs.append(t - t0)
                series.outputAfterSendMs.append(t - sent)
            }
        }
        while true {
            let c0 = UIBench.nowMs()
            let screen = tmux.capture(target, escapes: escapes)
            let t = UIBench.nowMs()
            series.captures += 1
            series.captureMs.append(t - c0)
            if changed(screen) {
                series.values.append(t - t0)
                return
            }
            if t - t0 > 2000 {
                series.misses += 1
                return
            }
        }
    }

    private func keyLatency() throws -> (cat: LatencySeries, mlwatch: [LatencySeries]) {
        // The panel title rows (full layout): a focus change restyles them, help and zoom redraw them.
        let plain = tmux.capture(mlwatchSession, escapes: false)
        let titleRows = plain.indices.filter { plain[$0].contains("1 Software") || plain[$0].contains("3 Output") }
        guard !titleRows.isEmpty else {
            throw UIBench.SetupError("no panel titles on the mlwatch screen:\n" + plain.joined(separator: "\n"))
        }
        // Starts and ends with Software focused, not zoomed, help closed.
        let cycle: [(name: String, key: String)] = [
            ("2 (focus Input)", "2"), ("3 (focus Output)", "3"), ("? (help on)", "?"), ("? (help off)", "?"),
            ("Tab (focus Alerts)", "Tab"), ("BTab (focus Output)", "BTab"), ("Enter (zoom)", "Enter"),
            ("Escape (unzoom)", "Escape"), ("1 (focus Software)", "1"),
        ]
        // The panes' output also goes to files, to time the first byte each key makes the program write.
        let catOutput = dir + "/cat.pane"
        let mlwatchOutput = dir + "/mlwatch.pane"
        for (session, file) in [(catSession, catOutput), (mlwatchSession, mlwatchOutput)] {
            let r = tmux.run(["pipe-pane", "-O", "-t", session, "exec cat >> " + UIBench.shellQuote(file)])
            guard r.status == 0 else { throw UIBench.SetupError("tmux pipe-pane: \(r.output)") }
        }
        defer {
            tmux.run(["pipe-pane", "-t", catSession])
            tmux.run(["pipe-pane", "-t", mlwatchSession])
        }
        UIBench.sleepMs(300)
        var series = cycle.map { LatencySeries("mlwatch `\($0.name)`") }
        var cat = LatencySeries("cat, raw echo (baseline)")
        let settle = Double(options.settleMs)
        var i = 0
        while i < options.presses {
            let k = i % cycle.count
            // Baseline and mlwatch alternate, so both see the same machine load.
            UIBench.sleepMs(settle)
            let catBefore = tmux.capture(catSession, escapes: true)
            press(catSession, ["-l", "x"], escapes: true, outputLog: catOutput, into: &cat) { $0 != catBefore }
            UIBench.sleepMs(settle)
            let before = tmux.capture(mlwatchSession, escapes: true)
            press(mlwatchSession, [cycle[k].key], escapes: true, outputLog: mlwatchOutput, into: &series[k]) { screen in
                titleRows.contains { r in r < screen.count && r < before.count && screen[r] != before[r] }
            }
            i += 1
            if k == cycle.count - 1 {
                // Back where the cycle started? Otherwise resynchronise.
                UIBench.sleepMs(settle)
                let now = tmux.capture(mlwatchSession, escapes: false).joined(separator: "\n")
                if now.contains("Help · keys") || !now.contains("1 Software") || !now.contains("3 Output") {
                    print("ui: the dashboard is not in the expected state after a key cycle; resetting with Escape, 1")
                    tmux.run(["send-keys", "-t", mlwatchSession, "Escape"])
                    UIBench.sleepMs(300)
                    tmux.run(["send-keys", "-t", mlwatchSession, "1"])
                }
            }
        }
        return (cat, series)
    }

    /// `?` on and off while the screen also changes with the data: judged by the help overlay's title.
    private func helpLatency(presses: Int) -> LatencySeries {
        var series = LatencySeries("mlwatch `?` help on/off, \(options.rate) lines/s appended")
        for i in 0..<presses {
            UIBench.sleepMs(Double(options.settleMs))
            let opening = i % 2 == 0
            press(mlwatchSession, ["?"], escapes: false, outputLog: nil, into: &series) { screen in
                screen.contains { $0.contains("Help · keys") } == opening
            }
        }
        if presses % 2 == 1 { tmux.run(["send-keys", "-t", mlwatchSession, "?"]) }
        return series
    }
}
