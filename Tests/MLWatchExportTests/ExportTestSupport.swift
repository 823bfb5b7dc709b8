import Foundation
@testable import MLWatchCore
@testable import MLWatchExport
import MLWatchTestSupport

/// Small deterministic engines and tools for the export tests.
enum ExportTestSupport {
    /// A path to an executable of the Prometheus tooling (`promtool`, `prometheus`,
    /// `prometheus-alertmanager`, `amtool`), from /usr/bin or PATH; nil when it is not installed.
    static func tool(_ name: String) -> String? {
        var dirs = ["/usr/bin", "/usr/local/bin"]
        dirs += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return dirs.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a program to completion with `input` on stdin; returns (status, stdout + stderr).
    static func run(_ path: String, _ args: [String], input: String = "") throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let inPipe = Pipe()
        let outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = outPipe
        try p.run()
        try inPipe.fileHandleForWriting.write(contentsOf: Data(input.utf8))
        try inPipe.fileHandleForWriting.close()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    /// A log line of a prediction.
    static func line(t: Double, model: String = "m", version: String = "v1", latency: Double = 20, status: String = "ok",
                     x: Double, country: String, prediction: Int = 1, score: Double = 0.7) -> String {
        #"{"ts":\#(t),"model":"\#(model)","version":"\#(version)","latency_ms":\#(latency),"status":"\#(status)","features":{"x":\#(x),"country":"\#(country)"},"prediction":\#(prediction),"score":\#(score)}"#
    }

    /// A reference of 1000 predictions: x uniform on 0…100, country mostly DE/FR.
    static func referenceProfile() -> ReferenceProfile {
        var builder = ReferenceProfileBuilder()
        let parser = EventParser(mapping: .standard)
        for i in 0..<1000 {
            var text = line(t: Double(i), x: Double(i % 100) + 0.5, country: ["DE", "FR", "DE", "IT"][i % 4])
            text.withUTF8 { buf in
                if case .event(.prediction(let p)) = parser.parse(UnsafeBufferPointer(rebasing: buf[...])) { builder.add(p) }
            }
        }
        return builder.build(sources: ["test"])
    }

    /// A state with drift against `referenceProfile()`, fed `lines`.
    static func state(lines: [String], rules: RuleEngine? = nil) -> MonitorState {
        let state = MonitorState(options: CollectorOptions(window: .time(size: 600, slide: 30), lateness: 0),
                                 drift: DriftMonitor(source: .profile(referenceProfile())), rules: rules)
        for l in lines { state.ingestLine(l) }
        // The input ends here: a live state takes the first lines of an old log as they are once nothing more
        // comes (see `FutureEventGuard`), as the engine host does when its tailer has read everything.
        state.inputPaused()
        return state
    }
}

/// The real `mlwatch` binary, run in the background with its output collected.
final class MLWatchProcess: @unchecked Sendable {
    static var binary: String? {
        if let env = ProcessInfo.processInfo.environment["MLWATCH_BIN"], FileManager.default.isExecutableFile(atPath: env) {
            return env
        }
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let sibling = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("mlwatch").path
            if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for config in ["debug", "release"] {
            let path = root.appendingPathComponent(".build/\(config)/mlwatch").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    let process = Process()
    private let out: PipeCollector
    private let err: PipeCollector

    init(_ args: [String], cwd: URL? = nil) throws {
        process.executableURL = URL(fileURLWithPath: MLWatchProcess.binary!)
        process.arguments = args
        if let cwd { process.currentDirectoryURL = cwd }
        let o = Pipe()
        let e = Pipe()
        process.standardOutput = o
        process.standardError = e
        process.standardInput = FileHandle.nullDevice
        try process.run()
        out = PipeCollector(o.fileHandleForReading)
        err = PipeCollector(e.fileHandleForReading)
    }

    var stdout: String { out.text }
    var stderr: String { err.text }

    /// Sends `signal` and waits up to `seconds` for the exit; returns the seconds from the signal to the end
    /// of the process as the kernel saw it (not Foundation's later notice of it), nil if it did not end (it
    /// is then killed). Afterwards `process` reports how it ended.
    func stop(_ signal: Int32 = SIGTERM, within seconds: Double) -> Double? {
        let sent = ContinuousClock.now
        kill(process.processIdentifier, signal)
        let took = ChildExit.wait(for: process, since: sent, seconds: seconds)
        if took == nil { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return took
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// A free TCP port on 127.0.0.1 (bound, read, closed: a small race that tests accept).
    static func freePort() throws -> Int {
        let server = try LoopbackHTTPServer(.silent)
        defer { server.close() }
        return server.port
    }

    /// GET over the bounded client; the body as text.
    static func get(_ url: String) -> (Int, String)? {
        guard let u = URL(string: url), case .success(let r) = BoundedHTTPClient(maxResponseBytes: 8 << 20).send(method: "GET", url: u) else {
            return nil
        }
        return (r.status, String(decoding: r.body, as: UTF8.self))
    }

    static func poll(timeout: Double = 20, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }
}
