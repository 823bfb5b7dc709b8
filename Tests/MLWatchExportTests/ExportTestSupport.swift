import Foundation
@testable import MLWatchCore

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
                     x: Double, country: String) -> String {
        #"{"ts":\#(t),"model":"\#(model)","version":"\#(version)","latency_ms":\#(latency),"status":"\#(status)","features":{"x":\#(x),"country":"\#(country)"},"prediction":1,"score":0.7}"#
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
        return state
    }
}
