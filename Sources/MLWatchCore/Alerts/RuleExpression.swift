/// A parsed alert condition: comparisons of metric selectors with thresholds, combined with `and` / `or`.
///
/// Grammar (PromQL-flavoured, hand-written recursive descent in `RuleExpressionParser`):
/// ```
/// expr       := and ('or' and)*
/// and        := primary ('and' primary)*
/// primary    := '(' expr ')' | comparison
/// comparison := selector op threshold ['recover' threshold]
/// selector   := name ['{' [matcher (',' matcher)* [',']] '}']
/// matcher    := label ('=' | '!=' | '=~' | '!~') string
/// op         := '>' | '>=' | '<' | '<=' | '==' | '!='
/// threshold  := number | 'adaptive' '(' center [('+' | '-') [number '*'] 'stddev'] ')'
/// center     := 'mean' | 'quantile' '(' number ')' | 'ewma' '(' 'alpha' '=' number ')'
/// ```
/// `and` binds tighter than `or`, as in PromQL.
///
/// Combining by label set (kept deliberately simpler than PromQL's `on`/`ignoring`): two label sets
/// *match* when they agree on every label they both have. `a and b` keeps the label sets of `a`, each true
/// when it is true and some matching series of `b` is true. `a or b` keeps every label set of `a` (true when
/// it or a matching series of `b` is true) plus the label sets of `b` that match no series of `a`. The
/// alert's value and threshold are those of the left-most comparison that produced the label set.
public indirect enum RuleExpression: Sendable, Equatable, CustomStringConvertible {
    case comparison(RuleComparison)
    case and(RuleExpression, RuleExpression)
    case or(RuleExpression, RuleExpression)

    /// Most comparisons in one expression. The tree of an `and`/`or` chain is as deep as the chain is
    /// long and everything that walks it recurses (evaluation included), so the parser refuses more.
    public static let maxComparisons = 256
    /// Deepest nesting of parentheses the parser accepts (it recurses once per level).
    public static let maxParenthesisDepth = 64

    /// Parses an expression.
    /// - Throws: `RuleParseError` with the column (1-based, in Unicode scalars) of the problem.
    public static func parse(_ text: String) throws(RuleParseError) -> RuleExpression {
        var parser = try RuleExpressionParser(text)
        return try parser.parseExpression()
    }

    /// All comparisons, left to right (their `index` is their position here).
    /// - Complexity: O(n) in the number of nodes (an explicit stack, no copies of partial results).
    public var comparisons: [RuleComparison] {
        var out: [RuleComparison] = []
        var pending: [RuleExpression] = [self]
        while let next = pending.popLast() {
            switch next {
            case .comparison(let c): out.append(c)
            case .and(let a, let b), .or(let a, let b):
                pending.append(b)
                pending.append(a)
            }
        }
        return out
    }

    /// A copy with `recover` set on the only comparison; nil when there is not exactly one.
    public func withRecover(_ spec: ThresholdSpec) -> RuleExpression? {
        guard case .comparison(var c) = self, c.op.isDirectional else { return nil }
        c.recover = spec
        return .comparison(c)
    }

    public var description: String {
        switch self {
        case .comparison(let c): return c.description
        case .and(let a, let b): return "\(a.parenthesizedForAnd) and \(b.parenthesizedForAnd)"
        case .or(let a, let b): return "\(a) or \(b)"
        }
    }

    private var parenthesizedForAnd: String {
        if case .or = self { return "(\(description))" }
        return description
    }
}
