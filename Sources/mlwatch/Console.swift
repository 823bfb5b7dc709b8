import Foundation
import MLWatchCore

/// The one way the CLI prints. Text may quote logs (model names, labels), configs (error messages) or
/// peers (a command's stderr), so it passes through `TextSanitizer` (line breaks kept): no escape
/// sequence, BEL, C1 or other control byte reaches the terminal. JSON goes through
/// `JSONText.escapingControls`, which keeps it the same JSON.
enum Console {
    /// Text on stdout, sanitized.
    static func out(_ text: String) {
        write(TextSanitizer.sanitize(text, layout: .multiline), to: .standardOutput)
    }

    /// Text on stderr, sanitized.
    static func error(_ text: String) {
        write(TextSanitizer.sanitize(text, layout: .multiline), to: .standardError)
    }

    /// JSON text on stdout: every control character in it escaped.
    static func json(_ text: String) {
        write(JSONText.escapingControls(text), to: .standardOutput)
    }

    private static func write(_ text: String, to handle: FileHandle) {
        // A closed stdout (`mlwatch check … | head`) must not raise: the write error is dropped.
        try? handle.write(contentsOf: Data(text.utf8))
    }
}
