/// Why a rule expression could not be parsed. `column` is 1-based and counts Unicode scalars inside
/// the expression text; the config loader turns it into a line and column of the YAML file.
public enum RuleParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A token other than the one the grammar allows here.
    case unexpected(found: String, expected: String, column: Int)
    /// A character that starts no token (`latency_p99_ms > 2#0`).
    case invalidCharacter(Character, column: Int)
    /// A quoted string without its closing quote.
    case unterminatedString(column: Int)
    /// A label matcher's regular expression that does not compile.
    case invalidRegex(pattern: String, reason: String, column: Int)
    /// A function or keyword inside `adaptive(…)` that does not exist.
    case unknownFunction(String, column: Int)
    /// A number outside the range a parameter allows (`quantile(1.5)`, `ewma(alpha=0)`).
    case outOfRange(String, column: Int)
    /// `recover` on an operator without a direction (`==`, `!=`).
    case recoverNeedsDirection(column: Int)
    /// Parentheses nested deeper than `limit`.
    case tooDeep(limit: Int, column: Int)
    /// More than `limit` comparisons in one expression.
    case tooManyComparisons(limit: Int, column: Int)

    /// 1-based column inside the expression where the problem starts.
    public var column: Int {
        switch self {
        case .unexpected(_, _, let c), .invalidCharacter(_, let c), .unterminatedString(let c),
            .invalidRegex(_, _, let c), .unknownFunction(_, let c), .outOfRange(_, let c),
            .recoverNeedsDirection(let c), .tooDeep(_, let c), .tooManyComparisons(_, let c):
            return c
        }
    }

    /// The problem in words, without the position.
    public var message: String {
        switch self {
        case .unexpected(let found, let expected, _):
            return "expected \(expected), found \(found)"
        case .invalidCharacter(let ch, _):
            return "unexpected character \"\(ch)\""
        case .unterminatedString:
            return "string is not closed (add the closing quote)"
        case .invalidRegex(let pattern, let reason, _):
            return "invalid regular expression \"\(pattern)\": \(reason)"
        case .unknownFunction(let name, _):
            return "unknown function \"\(name)\" in adaptive(…) (use mean, quantile(q) or ewma(alpha=a), optionally + k * stddev)"
        case .outOfRange(let what, _):
            return what
        case .recoverNeedsDirection:
            return "recover needs a comparison with a direction (>, >=, <, <=), not == or !="
        case .tooDeep(let limit, _):
            return "parentheses nested more than \(limit) deep (the limit): simplify the expression"
        case .tooManyComparisons(let limit, _):
            return "more than \(limit) comparisons in one expression (the limit): split it into several rules, or match several series with one selector (feature=~\"a|b\")"
        }
    }

    public var description: String { "column \(column): \(message)" }
}
