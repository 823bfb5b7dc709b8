/// A metric's label set (`model`, `version`, `segment`, `feature`, `class`, …), kept sorted by key
/// so that equal sets compare and hash equal whatever order they were built in.
public struct Labels: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByDictionaryLiteral {
    public private(set) var pairs: [(key: String, value: String)]

    public init(_ dict: [String: String] = [:]) {
        pairs = dict.map { (key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        var dict: [String: String] = [:]
        for (k, v) in elements { dict[k] = v }
        self.init(dict)
    }

    public subscript(key: String) -> String? {
        get { pairs.first { $0.key == key }?.value }
        set {
            pairs.removeAll { $0.key == key }
            if let newValue {
                pairs.append((key: key, value: newValue))
                pairs.sort { $0.key < $1.key }
            }
        }
    }

    public var dictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, $0.value) })
    }

    public var isEmpty: Bool { pairs.isEmpty }

    /// A copy with one more label.
    public func with(_ key: String, _ value: String) -> Labels {
        var copy = self
        copy[key] = value
        return copy
    }

    /// Prometheus spelling: `{feature="amount",model="fraud"}`, empty for no labels.
    public var description: String {
        if pairs.isEmpty { return "" }
        return "{" + pairs.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }

    public static func == (a: Labels, b: Labels) -> Bool {
        // An index loop: `zip(…).allSatisfy` instantiated generic metadata at every call, and label sets are
        // compared at every dictionary lookup of the rule engine.
        guard a.pairs.count == b.pairs.count else { return false }
        for i in a.pairs.indices where a.pairs[i].key != b.pairs[i].key || a.pairs[i].value != b.pairs[i].value {
            return false
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        for p in pairs {
            hasher.combine(p.key)
            hasher.combine(p.value)
        }
    }

    public static func < (a: Labels, b: Labels) -> Bool {
        a.description < b.description
    }
}
