import Foundation
import Testing
@testable import MLWatchUI

/// File-based snapshot tests of screen buffers (as swift-argument-parser does): the text of every row,
/// then the style runs, compared with `Snapshots/NAME.txt`. Set `MLWATCH_RECORD_SNAPSHOTS=1` to
/// (re-)record the files instead of comparing.
enum GoldenFile {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static var recording: Bool { ProcessInfo.processInfo.environment["MLWATCH_RECORD_SNAPSHOTS"] == "1" }

    /// The golden form of a buffer: rows of text between `|` markers, then its style runs.
    static func render(_ buffer: ScreenBuffer) -> String {
        var out = ""
        for row in 0..<buffer.height {
            out += "|" + buffer.text(row: row) + "|\n"
        }
        out += "--- styles (row: x+width fg/bg/attributes) ---\n"
        for row in 0..<buffer.height {
            let runs = buffer.styleRuns(row: row).map { run in "\(run.x)+\(run.width) \(describe(run.style))" }
            out += "\(row): " + runs.joined(separator: " | ") + "\n"
        }
        return out
    }

    static func describe(_ s: Style) -> String {
        func color(_ c: Color?) -> String {
            guard let c else { return "-" }
            switch c {
            case .default: return "d"
            case .ansi(let n): return "a\(n)"
            case .indexed(let n): return "i\(n)"
            case .rgb(let r, let g, let b): return "#" + [r, g, b].map { String(format: "%02x", $0) }.joined()
            }
        }
        var attrs = ""
        if s.bold { attrs += "b" }
        if s.dim { attrs += "d" }
        if s.underline { attrs += "u" }
        if s.reverse { attrs += "r" }
        return "\(color(s.fg))/\(color(s.bg))/\(attrs)"
    }

    /// Compares `buffer` with the golden file `name.txt` (or records it).
    static func assertMatches(_ buffer: ScreenBuffer, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let actual = render(buffer)
        let url = directory.appendingPathComponent(name + ".txt")
        if recording {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            print("recorded \(url.path)")
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("missing golden file \(url.path): run with MLWATCH_RECORD_SNAPSHOTS=1 to record it", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let diffLine = zip(expected.split(separator: "\n", omittingEmptySubsequences: false),
                               actual.split(separator: "\n", omittingEmptySubsequences: false))
                .enumerated().first { $0.element.0 != $0.element.1 }
            let detail = diffLine.map { "first difference at line \($0.offset + 1):\n expected: \($0.element.0)\n actual:   \($0.element.1)" } ?? "lengths differ"
            try? actual.write(to: url.appendingPathExtension("actual"), atomically: true, encoding: .utf8)
            Issue.record("\(name) differs from its golden file (\(detail)); the actual output is in \(url.lastPathComponent).actual; re-record with MLWATCH_RECORD_SNAPSHOTS=1 if the change is intended",
                         sourceLocation: sourceLocation)
        }
    }
}
