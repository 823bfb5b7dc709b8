/// Why a config file was refused. Every case but `unreadable` points at a line and column of the file
/// (1-based), printed compiler-style: `rules.yaml:7:11: unknown duration unit "mm" (use ms, s, m, h, d)`.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The text is not valid YAML.
    case syntax(file: String, line: Int, column: Int, message: String)
    /// A key that the config format does not have (typos must not be silently ignored).
    case unknownKey(file: String, line: Int, column: Int, message: String)
    /// A value of the wrong type or out of range.
    case invalidValue(file: String, line: Int, column: Int, message: String)
    /// A rule's `expr:` that does not parse; line and column point inside the expression.
    case invalidExpression(file: String, line: Int, column: Int, message: String)

    public var file: String {
        switch self {
        case .unreadable(let f, _), .syntax(let f, _, _, _), .unknownKey(let f, _, _, _),
            .invalidValue(let f, _, _, _), .invalidExpression(let f, _, _, _):
            return f
        }
    }

    /// 1-based line (0 for `unreadable`).
    public var line: Int {
        switch self {
        case .unreadable: return 0
        case .syntax(_, let l, _, _), .unknownKey(_, let l, _, _), .invalidValue(_, let l, _, _),
            .invalidExpression(_, let l, _, _):
            return l
        }
    }

    /// 1-based column (0 for `unreadable`).
    public var column: Int {
        switch self {
        case .unreadable: return 0
        case .syntax(_, _, let c, _), .unknownKey(_, _, let c, _), .invalidValue(_, _, let c, _),
            .invalidExpression(_, _, let c, _):
            return c
        }
    }

    /// The problem in words, without the position.
    public var message: String {
        switch self {
        case .unreadable(_, let r): return r
        case .syntax(_, _, _, let m), .unknownKey(_, _, _, let m), .invalidValue(_, _, _, let m),
            .invalidExpression(_, _, _, let m):
            return m
        }
    }

    /// `file:line:col: message` on one line. Messages quote config text, so the line is sanitized
    /// (`TextSanitizer`): a control byte or escape sequence in a config under review never reaches the
    /// reviewer's terminal, and a newline in a quoted value cannot start a fake error line.
    public var description: String {
        if case .unreadable(let f, let r) = self { return TextSanitizer.sanitize("\(f): \(r)") }
        return TextSanitizer.sanitize("\(file):\(line):\(column): \(message)")
    }
}
