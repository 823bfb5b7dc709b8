/// One label matcher of a metric selector, as in PromQL: `feature="amount"`, `model!="b"`,
/// `segment=~"DE|FR"`, `segment!~"test.*"`. Regular expressions are anchored at both ends (PromQL does
/// the same), so `=~"DE"` does not match `"DEV"`.
public struct LabelMatcher: Sendable, Equatable, CustomStringConvertible {
    /// How the label value is compared.
    public enum Operator: String, Sendable, Equatable {
        case equal = "="
        case notEqual = "!="
        case regex = "=~"
        case notRegex = "!~"
    }

    public var label: String
    public var op: Operator
    public var value: String
    private let compiled: CompiledPattern?

    /// Creates a matcher; regex operators compile `value` at once so a bad pattern fails early.
    public init(label: String, op: Operator, value: String) throws(LabelMatcherError) {
        self.label = label
        self.op = op
        self.value = value
        switch op {
        case .equal, .notEqual:
            compiled = nil
        case .regex, .notRegex:
            compiled = try CompiledPattern(value)
        }
    }

    /// Whether a label set passes this matcher. A missing label counts as the empty string (as in PromQL),
    /// so `model!="a"` matches series without a `model` label.
    public func matches(_ labels: Labels) -> Bool {
        let actual = labels[label] ?? ""
        switch op {
        case .equal: return actual == value
        case .notEqual: return actual != value
        case .regex: return compiled?.matchesWhole(actual) ?? false
        case .notRegex: return !(compiled?.matchesWhole(actual) ?? false)
        }
    }

    /// PromQL spelling, quoted so that it parses back to the same value: backslashes and quotes are
    /// escaped (a value ending in a backslash once printed as an unterminated string; found by fuzzing).
    public var description: String {
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\(label)\(op.rawValue)\"\(escaped)\""
    }

    public static func == (a: LabelMatcher, b: LabelMatcher) -> Bool {
        a.label == b.label && a.op == b.op && a.value == b.value
    }
}

/// A regular expression that failed to compile.
public enum LabelMatcherError: Error, Sendable, Equatable {
    case invalidPattern(String, reason: String)
}

/// An anchored, compiled regular expression. `Regex` values are immutable once built and matching does
/// not mutate them, so sharing one between threads is safe; the wrapper exists to say so to the compiler.
private final class CompiledPattern: @unchecked Sendable {
    private let regex: Regex<AnyRegexOutput>

    init(_ pattern: String) throws(LabelMatcherError) {
        do {
            regex = try Regex("(?:" + pattern + ")")
        } catch {
            throw .invalidPattern(pattern, reason: "\(error)")
        }
    }

    func matchesWhole(_ text: String) -> Bool {
        (try? regex.wholeMatch(in: text)) != nil
    }
}
