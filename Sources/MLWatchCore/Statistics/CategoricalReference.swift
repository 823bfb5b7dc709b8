/// A categorical reference column: the count of every category. Saved in the reference profile.
public struct CategoricalReference: Sendable, Codable, Equatable {
    /// Count per category (missing values are not a category; zero counts are dropped).
    public let counts: [String: Int]
    /// Number of non-missing values.
    public let count: Int

    /// A reference from counts.
    public init(counts: [String: Int]) {
        let kept = counts.filter { $0.value > 0 }
        self.counts = kept
        count = kept.values.reduce(0, +)
    }

    /// A reference from raw values; `nil` is missing and dropped.
    public init(values: [String?]) {
        var c: [String: Int] = [:]
        for case let v? in values { c[v, default: 0] += 1 }
        self.init(counts: c)
    }

    /// True when there is no value.
    public var isEmpty: Bool { count == 0 }

    /// Categories in Python's `sorted()` order (Unicode code points), Evidently's z-test order.
    public var sortedCategories: [String] {
        counts.keys.sorted(by: CategoricalReference.codePointLess)
    }

    /// `a < b` comparing Unicode scalars, as Python compares `str`.
    public static func codePointLess(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }
}
