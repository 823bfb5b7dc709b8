import Foundation
import MLWatchTestSupport
import Testing

enum CLIBinary {
    static var path: String? { TmuxSession.binary }

    static var missing: String? {
        path == nil ? "the mlwatch binary was not built (.build/debug/mlwatch; or set MLWATCH_BIN)" : nil
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes.
    static func poll(timeout: Double = 20, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }
}

/// The real binary as a child process, both pipes read in the background (so it never blocks on a full one).
struct CLIProcess {
    let process: Process
    let stdout: PipeCollector
    let stderr: PipeCollector

    /// What a command printed and how it ended.
    struct Result {
        var status: Int32
        var stdoutData: Data
        var stderrData: Data
        var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
        var stderr: String { String(decoding: stderrData, as: UTF8.self) }
    }

    /// Starts `mlwatch args` (the binary `CLIBinary.path` names), both pipes read in the background.
    static func start(_ args: [String]) throws -> CLIProcess {
        let (p, out, err) = try launch(args)
        return CLIProcess(process: p, stdout: PipeCollector(out.fileHandleForReading), stderr: PipeCollector(err.fileHandleForReading))
    }

    /// Runs `mlwatch args` to completion: stdout read to its end on this thread (all of it, however slow
    /// the machine), stderr in the background.
    static func run(_ args: [String]) throws -> Result {
        let (p, out, err) = try launch(args)
        let errors = PipeCollector(err.fileHandleForReading)
        let output = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        _ = CLIBinary.poll(timeout: 10) { errors.isClosed }
        return Result(status: p.terminationStatus, stdoutData: output, stderrData: errors.data)
    }

    private static func launch(_ args: [String]) throws -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLIBinary.path!)
        p.arguments = args
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out, err)
    }
}
