import Yams

/// A YAML node of the config with what is needed to report errors at its line and column.
struct ConfigNode {
    let node: Node
    /// Dotted key path for messages, e.g. `rules[2].for`.
    let path: String
    let file: String
    /// The config text split in lines (for positions inside block scalars).
    let lines: [Substring]

    var line: Int { node.mark?.line ?? 1 }
    var column: Int { node.mark?.column ?? 1 }

    func invalid(_ message: String, offset: Int = 0) -> ConfigError {
        let (l, c) = position(ofOffset: offset)
        return .invalidValue(file: file, line: l, column: c, message: "\(path): \(message)")
    }

    /// Line and column of the `offset`-th Unicode scalar of this scalar's value. Exact for plain and quoted
    /// one-line scalars (escapes aside) and for block scalars (`|`, `>`), whose content starts on the next line.
    func position(ofOffset offset: Int) -> (Int, Int) {
        guard case .scalar(let scalar) = node else { return (line, column) }
        switch scalar.style {
        case .literal, .folded:
            var remaining = offset
            for (i, valueLine) in scalar.string.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let count = valueLine.unicodeScalars.count
                if remaining <= count {
                    let sourceLine = line + 1 + i
                    let indent = sourceLine - 1 < lines.count
                        ? lines[sourceLine - 1].unicodeScalars.prefix { $0 == " " }.count : 0
                    return (sourceLine, indent + 1 + remaining)
                }
                remaining -= count + 1
            }
            return (line, column)
        case .singleQuoted, .doubleQuoted:
            return (line, column + 1 + offset)
        case .plain, .any:
            return (line, column + offset)
        }
    }

    func child(_ node: Node, _ key: String) -> ConfigNode {
        ConfigNode(node: node, path: path.isEmpty ? key : "\(path).\(key)", file: file, lines: lines)
    }

    func element(_ node: Node, _ index: Int) -> ConfigNode {
        ConfigNode(node: node, path: "\(path)[\(index)]", file: file, lines: lines)
    }

    // MARK: Typed readers

    var isNull: Bool {
        if case .scalar(let s) = node {
            return s.style == .plain && ["", "~", "null", "Null", "NULL"].contains(s.string)
        }
        return false
    }

    func string() throws(ConfigError) -> String {
        guard case .scalar(let s) = node else { throw invalid("expected a text value, found \(kind)") }
        return s.string
    }

    func double() throws(ConfigError) -> Double {
        let s = try string()
        guard let v = Double(s), v.isFinite else { throw invalid("expected a number, found \(Self.quoted(s))") }
        return v
    }

    /// A whole number in `minimum...maximum`; the message names the limit it breaks.
    func int(minimum: Int = Int.min, maximum: Int = Int.max) throws(ConfigError) -> Int {
        let s = try string().replacingOccurrences(of: "_", with: "")
        guard let v = Int(s) else {
            let digits = s.drop { $0 == "-" || $0 == "+" }
            if !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) {
                throw invalid("\(Self.quoted(s)) is too large (at most \(maximum))")
            }
            throw invalid("expected a whole number, found \(Self.quoted(s))")
        }
        guard v >= minimum else { throw invalid("must be at least \(minimum), found \(v)") }
        guard v <= maximum else { throw invalid("must be at most \(maximum), found \(v)") }
        return v
    }

    func bool() throws(ConfigError) -> Bool {
        let s = try string()
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw invalid("expected true or false, found \(Self.quoted(s))")
        }
    }

    func duration() throws(ConfigError) -> Double {
        let s = try string()
        do {
            return try ConfigDuration.parse(s)
        } catch {
            throw invalid(error.message, offset: error.offset)
        }
    }

    /// A mapping whose keys must be among `allowed` (unknown keys are errors, with a suggestion).
    func mapping(allowed: [String]) throws(ConfigError) -> [(key: String, value: ConfigNode)] {
        var out: [(key: String, value: ConfigNode)] = []
        for entry in try keyedEntries() {
            try checkKey(entry.key, allowed: allowed, line: entry.line, column: entry.column)
            out.append((entry.key, entry.value))
        }
        return out
    }

    /// The entries of a mapping with the position of each key, keys unchecked.
    func keyedEntries() throws(ConfigError) -> [(key: String, line: Int, column: Int, value: ConfigNode)] {
        guard case .mapping(let m) = node else { throw invalid("expected a mapping (key: value), found \(kind)") }
        var out: [(key: String, line: Int, column: Int, value: ConfigNode)] = []
        for (k, v) in m {
            guard case .scalar(let ks) = k else { throw invalid("keys must be plain words") }
            out.append((ks.string, k.mark?.line ?? line, k.mark?.column ?? column, child(v, ks.string)))
        }
        return out
    }

    /// Throws `unknownKey` (with a suggestion) when `key` is not among `allowed`; any key is allowed
    /// when `allowed` is empty.
    func checkKey(_ key: String, allowed: [String], line: Int, column: Int) throws(ConfigError) {
        guard !allowed.isEmpty, !allowed.contains(key) else { return }
        let place = path.isEmpty ? "" : " in \(path)"
        var message = "unknown key \(Self.quoted(key))\(place)"
        if let suggestion = Self.closest(to: key, in: allowed) { message += " (did you mean \"\(suggestion)\"?)" }
        message += "; known keys: " + allowed.joined(separator: ", ")
        throw .unknownKey(file: file, line: line, column: column, message: message)
    }

    /// `text` in quotes for a message, cut to 80 characters: a config value can be megabytes long.
    static func quoted(_ text: String) -> String {
        // Sanitized on its own (not only as part of the whole message): an escape sequence the quoted text
        // leaves open would otherwise swallow the rest of the message, the part that says what is wrong.
        let limit = 80
        guard text.unicodeScalars.count > limit else { return "\"\(TextSanitizer.sanitize(text))\"" }
        return "\"\(TextSanitizer.sanitize(String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit)))))…\""
    }

    func sequence() throws(ConfigError) -> [ConfigNode] {
        guard case .sequence(let s) = node else { throw invalid("expected a list, found \(kind)") }
        return s.enumerated().map { element($0.element, $0.offset) }
    }

    /// A list of strings, or one string.
    func stringList() throws(ConfigError) -> [String] {
        if case .scalar = node { return [try string()] }
        var out: [String] = []
        for e in try sequence() { out.append(try e.string()) }
        return out
    }

    /// A mapping of strings to strings (labels, annotations, fields).
    func stringMap() throws(ConfigError) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in try mapping(allowed: []) { out[k] = try v.string() }
        return out
    }

    var kind: String {
        switch node {
        case .scalar(let s): return Self.quoted(s.string)
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The allowed word nearest to a typo (Levenshtein distance at most 2), for "did you mean".
    static func closest(to word: String, in candidates: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var previous = Array(0...b.count)
            for (i, ca) in a.enumerated() {
                var current = [i + 1]
                for (j, cb) in b.enumerated() {
                    current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
                }
                previous = current
            }
            return previous[b.count]
        }
        let w = Array(word.lowercased())
        let best = candidates.map { ($0, distance(w, Array($0))) }.min { $0.1 < $1.1 }
        if let best, best.1 <= 2 { return best.0 }
        // A truncated or extended key (`keep_firing` for `keep_firing_for`).
        let lower = word.lowercased()
        guard lower.count >= 3 else { return nil }
        return candidates.first { $0.hasPrefix(lower) || lower.hasPrefix($0) }
    }
}
