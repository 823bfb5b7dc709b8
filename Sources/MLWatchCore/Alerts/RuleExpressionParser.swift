import Foundation

/// Hand-written recursive-descent parser for `RuleExpression` (the grammar is documented there).
/// Columns are 1-based and count Unicode scalars, like the YAML marks they are added to.
///
/// Bounded for hostile configs (a config is often reviewed from a pull request, and `rules check` must
/// survive anything): recursion follows parentheses only, at most `RuleExpression.maxParenthesisDepth`
/// deep, and an expression has at most `RuleExpression.maxComparisons` comparisons. The tree of a chain
/// of `and`/`or` is as deep as the chain is long, and everything that walks it (evaluation, equality,
/// `description`, deallocation) recurses, so this bound is what keeps those off the end of the stack.
struct RuleExpressionParser {
    private enum Kind: Equatable {
        case identifier(String)
        case number(Double)
        case string(String)
        case symbol(String)
        case end
    }

    private struct Token {
        var kind: Kind
        var column: Int
        var text: String

        var shown: String {
            switch kind {
            case .end: return "end of expression"
            case .string: return "string \(text)"
            default: return "\"\(text)\""
            }
        }
    }

    private var tokens: [Token]
    private var position = 0
    private var comparisonCount = 0
    private var parenthesisDepth = 0

    init(_ text: String) throws(RuleParseError) {
        tokens = try Self.tokenize(text)
    }

    // MARK: Lexer

    private static func tokenize(_ text: String) throws(RuleParseError) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        func isIdentStart(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || c == ":"
        }
        func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
        while i < scalars.count {
            let c = scalars[i]
            let column = i + 1
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
                continue
            }
            if isIdentStart(c) {
                var j = i + 1
                while j < scalars.count, isIdentStart(scalars[j]) || isDigit(scalars[j]) { j += 1 }
                let word = String(String.UnicodeScalarView(scalars[i..<j]))
                // Special number spellings PromQL accepts.
                switch word.lowercased() {
                case "inf": tokens.append(Token(kind: .number(.infinity), column: column, text: word))
                case "nan": tokens.append(Token(kind: .number(.nan), column: column, text: word))
                default: tokens.append(Token(kind: .identifier(word), column: column, text: word))
                }
                i = j
                continue
            }
            if isDigit(c) || (c == "." && i + 1 < scalars.count && isDigit(scalars[i + 1])) {
                var j = i
                while j < scalars.count, isDigit(scalars[j]) || scalars[j] == "." { j += 1 }
                if j < scalars.count, scalars[j] == "e" || scalars[j] == "E" {
                    var k = j + 1
                    if k < scalars.count, scalars[k] == "+" || scalars[k] == "-" { k += 1 }
                    if k < scalars.count, isDigit(scalars[k]) {
                        while k < scalars.count, isDigit(scalars[k]) { k += 1 }
                        j = k
                    }
                }
                let literal = String(String.UnicodeScalarView(scalars[i..<j]))
                guard let value = Double(literal) else {
                    throw .unexpected(found: "\"\(literal)\"", expected: "a number", column: column)
                }
                tokens.append(Token(kind: .number(value), column: column, text: literal))
                i = j
                continue
            }
            if c == "\"" || c == "'" {
                var j = i + 1
                var value = String.UnicodeScalarView()
                var closed = false
                while j < scalars.count {
                    let d = scalars[j]
                    if d == c {
                        closed = true
                        j += 1
                        break
                    }
                    if d == "\\", j + 1 < scalars.count {
                        let e = scalars[j + 1]
                        switch e {
                        case "n": value.append("\n")
                        case "t": value.append("\t")
                        case "\\", "\"", "'": value.append(e)
                        default:
                            // Keep unknown escapes for regexes (`\d`, `\.`), as PromQL's raw-ish strings do.
                            value.append("\\")
                            value.append(e)
                        }
                        j += 2
                        continue
                    }
                    value.append(d)
                    j += 1
                }
                guard closed else { throw .unterminatedString(column: column) }
                tokens.append(Token(kind: .string(String(value)), column: column,
                                    text: String(String.UnicodeScalarView(scalars[i..<j]))))
                i = j
                continue
            }
            let two = i + 1 < scalars.count ? String(String.UnicodeScalarView([c, scalars[i + 1]])) : ""
            if [">=", "<=", "==", "!=", "=~", "!~"].contains(two) {
                tokens.append(Token(kind: .symbol(two), column: column, text: two))
                i += 2
                continue
            }
            let one = String(Character(c))
            if [">", "<", "=", "{", "}", "(", ")", ",", "+", "-", "*"].contains(one) {
                tokens.append(Token(kind: .symbol(one), column: column, text: one))
                i += 1
                continue
            }
            throw .invalidCharacter(Character(c), column: column)
        }
        tokens.append(Token(kind: .end, column: scalars.count + 1, text: ""))
        return tokens
    }

    // MARK: Parser

    private var current: Token { tokens[position] }

    private mutating func advance() -> Token {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    private func isSymbol(_ s: String) -> Bool { current.kind == .symbol(s) }

    private func isKeyword(_ word: String) -> Bool {
        if case .identifier(let w) = current.kind { return w == word }
        return false
    }

    private mutating func expectSymbol(_ s: String, _ expected: String? = nil) throws(RuleParseError) {
        guard isSymbol(s) else {
            throw .unexpected(found: current.shown, expected: expected ?? "\"\(s)\"", column: current.column)
        }
        _ = advance()
    }

    private mutating func expectKeyword(_ word: String) throws(RuleParseError) {
        guard isKeyword(word) else {
            throw .unexpected(found: current.shown, expected: "\"\(word)\"", column: current.column)
        }
        _ = advance()
    }

    mutating func parseExpression() throws(RuleParseError) -> RuleExpression {
        let e = try parseOr()
        guard current.kind == .end else {
            throw .unexpected(found: current.shown, expected: "\"and\", \"or\" or the end of the expression",
                              column: current.column)
        }
        return e
    }

    private mutating func parseOr() throws(RuleParseError) -> RuleExpression {
        var lhs = try parseAnd()
        while isKeyword("or") {
            _ = advance()
            lhs = .or(lhs, try parseAnd())
        }
        return lhs
    }

    private mutating func parseAnd() throws(RuleParseError) -> RuleExpression {
        var lhs = try parsePrimary()
        while isKeyword("and") {
            _ = advance()
            lhs = .and(lhs, try parsePrimary())
        }
        return lhs
    }

    private mutating func parsePrimary() throws(RuleParseError) -> RuleExpression {
        if isSymbol("(") {
            guard parenthesisDepth < RuleExpression.maxParenthesisDepth else {
                throw .tooDeep(limit: RuleExpression.maxParenthesisDepth, column: current.column)
            }
            parenthesisDepth += 1
            _ = advance()
            let inner = try parseOr()
            try expectSymbol(")", "\")\" or a comparison operator")
            parenthesisDepth -= 1
            return inner
        }
        return .comparison(try parseComparison())
    }

    private mutating func parseComparison() throws(RuleParseError) -> RuleComparison {
        guard comparisonCount < RuleExpression.maxComparisons else {
            throw .tooManyComparisons(limit: RuleExpression.maxComparisons, column: current.column)
        }
        let selector = try parseSelector()
        let opToken = current
        guard case .symbol(let s) = opToken.kind, let op = ComparisonOperator(rawValue: s) else {
            throw .unexpected(found: current.shown, expected: "a comparison operator (>, >=, <, <=, ==, !=)",
                              column: current.column)
        }
        _ = advance()
        let threshold = try parseThreshold()
        var recover: ThresholdSpec?
        if isKeyword("recover") {
            let column = current.column
            guard op.isDirectional else { throw .recoverNeedsDirection(column: column) }
            _ = advance()
            recover = try parseThreshold()
        }
        defer { comparisonCount += 1 }
        return RuleComparison(index: comparisonCount, selector: selector, op: op, threshold: threshold, recover: recover)
    }

    private mutating func parseSelector() throws(RuleParseError) -> MetricSelector {
        guard case .identifier(let name) = current.kind, !["and", "or", "recover", "adaptive"].contains(name) else {
            throw .unexpected(found: current.shown, expected: "a metric name", column: current.column)
        }
        _ = advance()
        var matchers: [LabelMatcher] = []
        if isSymbol("{") {
            _ = advance()
            while !isSymbol("}") {
                matchers.append(try parseMatcher())
                if isSymbol(",") {
                    _ = advance()
                } else if !isSymbol("}") {
                    throw .unexpected(found: current.shown, expected: "\",\" or \"}\"", column: current.column)
                }
            }
            _ = advance()
        }
        return MetricSelector(name: name, matchers: matchers)
    }

    private mutating func parseMatcher() throws(RuleParseError) -> LabelMatcher {
        guard case .identifier(let label) = current.kind else {
            throw .unexpected(found: current.shown, expected: "a label name", column: current.column)
        }
        _ = advance()
        guard case .symbol(let s) = current.kind, let op = LabelMatcher.Operator(rawValue: s) else {
            throw .unexpected(found: current.shown, expected: "a label matcher (=, !=, =~, !~)", column: current.column)
        }
        _ = advance()
        let valueToken = current
        guard case .string(let value) = valueToken.kind else {
            throw .unexpected(found: current.shown, expected: "a quoted label value", column: current.column)
        }
        _ = advance()
        do {
            return try LabelMatcher(label: label, op: op, value: value)
        } catch {
            switch error {
            case .invalidPattern(let pattern, let reason):
                throw .invalidRegex(pattern: pattern, reason: reason, column: valueToken.column)
            }
        }
    }

    private mutating func parseNumber() throws(RuleParseError) -> Double {
        var sign = 1.0
        if isSymbol("-") {
            _ = advance()
            sign = -1
        } else if isSymbol("+") {
            _ = advance()
        }
        guard case .number(let v) = current.kind else {
            throw .unexpected(found: current.shown, expected: "a number", column: current.column)
        }
        _ = advance()
        return sign * v
    }

    private mutating func parseThreshold() throws(RuleParseError) -> ThresholdSpec {
        if isKeyword("adaptive") {
            _ = advance()
            try expectSymbol("(")
            let adaptive = try parseAdaptive()
            try expectSymbol(")", "\")\" or \"+ k * stddev\"")
            return .adaptive(adaptive)
        }
        if case .identifier = current.kind {
            throw .unexpected(found: current.shown, expected: "a number or adaptive(…)", column: current.column)
        }
        if case .number = current.kind {} else if !isSymbol("-") && !isSymbol("+") {
            throw .unexpected(found: current.shown, expected: "a number or adaptive(…)", column: current.column)
        }
        return .fixed(try parseNumber())
    }

    private mutating func parseAdaptive() throws(RuleParseError) -> AdaptiveThreshold {
        let nameToken = current
        guard case .identifier(let name) = nameToken.kind else {
            throw .unexpected(found: current.shown, expected: "mean, quantile(q) or ewma(alpha=a)", column: current.column)
        }
        _ = advance()
        let center: AdaptiveThreshold.Center
        switch name {
        case "mean":
            center = .mean
        case "quantile":
            try expectSymbol("(")
            let column = current.column
            let q = try parseNumber()
            guard q >= 0, q <= 1 else { throw .outOfRange("quantile must be between 0 and 1, got \(q)", column: column) }
            try expectSymbol(")")
            center = .quantile(q)
        case "ewma":
            try expectSymbol("(")
            try expectKeyword("alpha")
            try expectSymbol("=")
            let column = current.column
            let alpha = try parseNumber()
            guard alpha > 0, alpha <= 1 else {
                throw .outOfRange("ewma alpha must be in (0, 1], got \(alpha)", column: column)
            }
            try expectSymbol(")")
            center = .ewma(alpha: alpha)
        default:
            throw .unknownFunction(name, column: nameToken.column)
        }
        var k = 0.0
        if isSymbol("+") || isSymbol("-") {
            let sign: Double = isSymbol("-") ? -1 : 1
            _ = advance()
            var factor = 1.0
            if case .number(let v) = current.kind {
                _ = advance()
                factor = v
                try expectSymbol("*")
            }
            guard isKeyword("stddev") else {
                throw .unexpected(found: current.shown, expected: "\"stddev\"", column: current.column)
            }
            _ = advance()
            k = sign * factor
        }
        return AdaptiveThreshold(center: center, k: k)
    }
}
