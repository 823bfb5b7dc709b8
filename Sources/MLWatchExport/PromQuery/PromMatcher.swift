/// One PromQL label matcher (`job="mlwatch"`, `instance=~"10\\.0\\..*"`), as `--match` takes them and as the
/// fleet dashboard adds them to every selector of its queries.
public struct PromMatcher: Sendable, Hashable, CustomStringConvertible {
    public enum Op: String, Sendable, Hashable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case regex = "=~"
        case notRegex = "!~"
    }

    public var name: String
    public var op: Op
    public var value: String

    public init(_ name: String, _ op: Op = .equal, _ value: String) {
        self.name = name
        self.op = op
        self.value = value
    }

    /// PromQL spelling: `job="mlwatch"` (the value quoted with Go's escapes).
    public var description: String { name + op.rawValue + PromQLTranslation.quoted(value) }

    /// Whether a series with these labels is selected (equality matchers only; regular expressions are
    /// Prometheus' to evaluate, so they count as matching here).
    public func admits(_ labels: [String: String]) -> Bool {
        let have = labels[name] ?? ""
        switch op {
        case .equal: return have == value
        case .notEqual: return have != value
        case .regex, .notRegex: return true
        }
    }

    /// `{a="b", c=~"d"}` → matchers. Braces are optional; `{}` and the empty string are no matchers.
    /// Strings may be double-quoted (Go escapes), single-quoted or back-quoted (raw), as in PromQL.
    public static func parseSelector(_ text: String) throws(PromSelectorError) -> [PromMatcher] {
        var parser = SelectorParser(Array(text.unicodeScalars))
        return try parser.parse()
    }

    /// The matchers as the inside of a selector, `a="b", c="d"` (empty for none).
    static func render(_ matchers: [PromMatcher]) -> String {
        matchers.map(\.description).joined(separator: ", ")
    }
}

/// Why a `--match` selector was refused, with the column (1-based) where it went wrong.
public struct PromSelectorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var column: Int
    public var reason: String

    public var description: String {
        "column \(column): \(reason) (expected a selector such as '{job=\"mlwatch\"}')"
    }
}

/// A recursive-descent reader of `{name op "value", …}` (the label-matcher part of a PromQL selector).
private struct SelectorParser {
    let s: [Unicode.Scalar]
    var i = 0

    init(_ s: [Unicode.Scalar]) {
        self.s = s
    }

    mutating func parse() throws(PromSelectorError) -> [PromMatcher] {
        skipSpace()
        let braced = peek == "{"
        if braced { i += 1 }
        var out: [PromMatcher] = []
        while true {
            skipSpace()
            if braced, peek == "}" {
                i += 1
                break
            }
            if !braced, i >= s.count { break }
            out.append(try matcher())
            skipSpace()
            if peek == "," {
                i += 1
                continue
            }
            if braced {
                guard peek == "}" else { throw fail(i >= s.count ? "missing }" : "expected , or }") }
                i += 1
                break
            }
            guard i >= s.count else { throw fail("expected , between matchers") }
            break
        }
        skipSpace()
        guard i >= s.count else { throw fail("unexpected text after the selector") }
        if out.count > 64 { throw PromSelectorError(column: 1, reason: "more than 64 matchers") }
        return out
    }

    private var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }

    private mutating func skipSpace() {
        while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1 }
    }

    private func fail(_ reason: String) -> PromSelectorError {
        PromSelectorError(column: i + 1, reason: reason)
    }

    private mutating func matcher() throws(PromSelectorError) -> PromMatcher {
        let start = i
        while let c = peek, c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || (i > start && ("0"..."9").contains(c)) {
            i += 1
        }
        guard i > start else { throw fail("expected a label name") }
        let name = String(String.UnicodeScalarView(s[start..<i]))
        skipSpace()
        let op: PromMatcher.Op
        switch (peek, i + 1 < s.count ? s[i + 1] : nil) {
        case ("=", "~"): op = .regex; i += 2
        case ("!", "~"): op = .notRegex; i += 2
        case ("!", "="): op = .notEqual; i += 2
        case ("=", _): op = .equal; i += 1
        default: throw fail("expected =, !=, =~ or !~ after \(name)")
        }
        skipSpace()
        return PromMatcher(name, op, try string())
    }

    private mutating func string() throws(PromSelectorError) -> String {
        guard let quote = peek, quote == "\"" || quote == "'" || quote == "`" else { throw fail("expected a quoted value") }
        i += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek else { throw fail("unterminated string") }
            i += 1
            if c == quote { break }
            if c == "\\", quote != "`" {
                guard let e = peek else { throw fail("unterminated string") }
                i += 1
                switch e {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "\\", "\"", "'": out.append(e)
                default: throw PromSelectorError(column: i, reason: "unsupported escape \\\(e)")
                }
                continue
            }
            if c == "\n", quote != "`" { throw fail("line break in a string") }
            out.append(c)
        }
        return String(out)
    }
}
