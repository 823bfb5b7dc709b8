import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `mlwatch` binary in a detached tmux session, for end-to-end tests: type keys, read the
/// screen, resize, and wait (polling with a deadline, never sleeping blindly) for text to appear.
final class TmuxSession {
    let name: String
    private(set) var alive = true

    /// The package root, from this file's path (Tests/EndToEndTests/TmuxSession.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The binary under test: `$MLWATCH_BIN`, else the debug build `swift test` just made: the `mlwatch`
    /// next to this test executable (so `swift test --scratch-path X` tests X's build, not a stale
    /// `.build`), else `.build/debug` or `.build/release`.
    static var binary: String? {
        if let env = ProcessInfo.processInfo.environment["MLWATCH_BIN"], FileManager.default.isExecutableFile(atPath: env) {
            return env
        }
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let sibling = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("mlwatch").path
            if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        }
        for config in ["debug", "release"] {
            let path = packageRoot.appendingPathComponent(".build/\(config)/mlwatch").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static var tmuxAvailable: Bool {
        (try? TmuxSession.run(["-V"]))?.status == 0
    }

    /// Why e2e tests cannot run here, or nil when they can.
    static var unavailableReason: String? {
        if !tmuxAvailable { return "tmux is not installed (apt-get install tmux)" }
        if binary == nil { return "the mlwatch binary was not built (.build/debug/mlwatch)" }
        return nil
    }

    /// Starts `command` (a shell command line) in a new session of the given size. The command line is
    /// followed by an exit-status marker so tests can see the process end: `MLWATCH_EXITED <status>`.
    init(_ command: String, width: Int = 100, height: Int = 30, environment: [String: String] = [:]) throws {
        name = "mlwt-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        // `swift test` may run with NO_COLOR=1, which every pane would inherit: colour tests need it unset
        // (an empty NO_COLOR counts as unset), and a test that wants it passes it in `environment`.
        var args = ["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), "-e", "LANG=C.UTF-8",
                    "-e", "NO_COLOR="]
        for (k, v) in environment { args += ["-e", "\(k)=\(v)"] }
        args.append("cd \(TmuxSession.shellQuote(TmuxSession.packageRoot.path)) && \(command); echo MLWATCH_EXITED $?; sleep 600")
        let r = try tmux(args)
        guard r.status == 0 else { throw TmuxError.failed("tmux new-session: \(r.output)") }
    }

    deinit {
        kill()
    }

    func kill() {
        guard alive else { return }
        alive = false
        // Its server, which has no other session, exits with it (`kill-server` was seen to leave it running
        // with tmux 3.3a); its socket file is left behind, so it is removed.
        _ = try? tmux(["kill-session", "-t", name])
        let directory = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(directory)/tmux-\(getuid())/\(name)")
    }

    /// Types keys: tmux key names (`Enter`, `Escape`, `Tab`, `BTab`, `Up`, `C-c`) or literal text.
    func send(_ keys: String...) {
        _ = try? tmux(["send-keys", "-t", name] + keys)
    }

    /// Types text literally (no key-name lookup).
    func type(_ text: String) {
        _ = try? tmux(["send-keys", "-t", name, "-l", text])
    }

    func resize(width: Int, height: Int) {
        _ = try? tmux(["resize-window", "-t", name, "-x", String(width), "-y", String(height)])
    }

    /// The visible screen as text (`escapes`: with colour escape sequences, as `capture-pane -e`).
    func capture(escapes: Bool = false) -> String {
        (try? tmux(["capture-pane", "-p", "-t", name] + (escapes ? ["-e"] : [])))?.output ?? ""
    }

    /// Polls the screen until `predicate` holds or the deadline passes; returns the last screen either way.
    @discardableResult
    func waitFor(timeout: Double = 20, _ predicate: (String) -> Bool) -> (ok: Bool, screen: String) {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = capture()
        while !predicate(screen) {
            if Date() > deadline { return (false, screen) }
            Thread.sleep(forTimeInterval: 0.1)
            screen = capture()
        }
        return (true, screen)
    }

    /// Waits for all of `texts` on screen.
    @discardableResult
    func waitFor(_ texts: String..., timeout: Double = 20) -> (ok: Bool, screen: String) {
        waitFor(timeout: timeout) { screen in texts.allSatisfy { screen.contains($0) } }
    }

    /// Runs tmux against this session's own server (`-L name`): sessions of tests running in parallel, or of
    /// other test runs on the machine, never share a server, so one ending never takes another's down
    /// ("server exited unexpectedly" when a session started just as the shared server's last one ended).
    @discardableResult
    func tmux(_ args: [String]) throws -> (status: Int32, output: String) {
        try TmuxSession.run(["-L", name] + args)
    }

    static func shellQuote(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Runs tmux and returns its status and output. Spawned with `posix_spawnp` and reaped with
    /// `waitpid`: Foundation's `Process.waitUntilExit` was seen to miss the exit of a `tmux new-session`
    /// client (left a zombie, the test hung). Output goes through a temporary file, not a pipe, because
    /// `new-session` may fork the tmux server, which would inherit a pipe and keep it open forever.
    ///
    /// Every other descriptor is closed in the child: a tmux server lives for its whole test and inherited
    /// whatever the test process had open and not close-on-exec at that moment — other tests' child pipes
    /// (their readers saw no end of file), the sockets by which Foundation learns that a child ended (so
    /// `Process.isRunning` stayed true after the exit), listening sockets (their ports stayed bound).
    /// Seen: tmux servers holding the test process's descriptors 29, 30 (sockets) and 251 (a pipe).
    @discardableResult
    static func run(_ args: [String]) throws -> (status: Int32, output: String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-tmux-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        closeInheritedDescriptors(&actions)
        let argv = (["tmux"] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, "tmux", &actions, nil, argv, environ)
        guard rc == 0 else { throw TmuxError.failed("cannot start tmux: \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS, which Swift does not import.
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
        return (exitStatus, output)
    }

    /// Adds to `actions` the closing of every descriptor from 3 up: glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` (2.34+; Swift's Glibc module does not declare it, so it is
    /// looked up), else one close per descriptor open now (as Foundation's `Process` does).
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np"),
           unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3) == 0 {
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }

    enum TmuxError: Error {
        case failed(String)
    }
}

/// Writes small prediction logs for end-to-end tests.
enum FixtureLog {
    /// `count` predictions 250 ms apart from 2026-01-05T08:00Z, with labels, system samples and one
    /// malformed line; `spike` multiplies latency by 15 in the middle third.
    static func write(to path: String, count: Int = 600, spike: Bool = false, featureName: String = "amount") throws {
        var lines: [String] = []
        var seed: UInt64 = 42
        func next() -> Double {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(seed >> 11) / Double(1 << 53)
        }
        let start = 1_767_600_000.0
        for i in 0..<count {
            let t = start + Double(i) * 0.25
            var latency = 10 + 30 * next()
            if spike && i > count / 3 && i < 2 * count / 3 { latency *= 15 }
            let name = jsonEscaped(featureName)
            let feature = "\"\(name)\": \(String(format: "%.2f", 100 + 50 * next())), \"country\": \"\(["DE", "FR", "US"][i % 3])\""
            lines.append("""
                {"ts": \(t), "model": "demo", "version": "v1", "request_id": "r\(i)", "latency_ms": \(String(format: "%.2f", latency)), "status": "\(i % 50 == 0 ? "error" : "ok")", "features": {\(feature)}, "prediction": \(i % 2), "score": \(String(format: "%.3f", next()))}
                """)
            if i % 10 == 0 {
                lines.append("{\"ts\": \(t), \"type\": \"label\", \"request_id\": \"r\(i)\", \"label\": \(i % 2)}")
            }
        }
        lines.append("this line is not JSON")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The inside of a JSON string literal: quotes, backslashes and control characters escaped, as a
    /// producer's JSON encoder writes them (raw control characters make a line invalid JSON).
    static func jsonEscaped(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs an end-to-end test only where tmux and the built binary are there; elsewhere the test is
    /// reported as skipped (never as passed).
    static var needsTmux: Self {
        .enabled(if: TmuxSession.unavailableReason == nil, "needs tmux (apt-get install tmux) and the mlwatch binary")
    }

    /// Runs a test of the real binary only where it was built; elsewhere it is reported as skipped.
    static var needsBinary: Self {
        .enabled(if: CLIBinary.missing == nil, "needs the mlwatch binary (.build/debug/mlwatch, or MLWATCH_BIN)")
    }
}
