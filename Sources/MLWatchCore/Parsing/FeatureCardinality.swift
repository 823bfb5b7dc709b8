/// Tells a categorical feature from free text: a feature whose string values have taken more than
/// `maxCategories` distinct spellings (a note, an id, an address) is free text from then on, and the parser
/// hands out its values as `.text(length)` instead of `.string`.
///
/// Why: every distinct category costs an interned string in the parser, a slot in each window's
/// `CategoryCounts` and in the reference builder, and a row in every categorical drift test — for a
/// feature with a new value on most lines, one dictionary entry per line, forever (the reference profile of
/// such a log held a category per event, and chi-square over them always says "drift"). Free text is
/// summarised by the length of its values instead (`feature_length_mean`, and drift of the lengths as a
/// numeric column), which costs the same whatever the values. Genuinely categorical features (a country, a
/// device, a plan) stay categories, with Evidently's categorical drift tests.
///
/// The decision is per feature name, sticky, and made in log order by the one parser that reads a
/// stream, so it is the same on every run over the same log, and the same whatever the order of the keys in
/// each line (every value is counted for its own feature: see `ExpectedValues`). Memory: one 8-byte hash per distinct value,
/// at most `maxCategories` per feature, released when the feature turns out to be text.
public struct FeatureCardinality: Sendable {
    /// The default of `max_categories`.
    public static let defaultMaxCategories = 1000
    /// The largest `max_categories` a config may set (and the most categories a saved profile may hold).
    public static let maxCategoriesLimit = 100_000

    public let maxCategories: Int
    /// By feature number (`FeatureSchemaCatalog`): the hashes of the distinct values seen, while categorical.
    private var seen: [Set<UInt64>] = []
    /// By feature number: whether the feature is free text.
    private var text: [Bool] = []
    /// What the line being parsed added (new distinct values, features turned text), until `settle` keeps
    /// or undoes it: only the values of accepted predictions count, as on the mapped path, so that a
    /// malformed line, or one without a timestamp, cannot turn a feature into text.
    private var added: [(id: Int, hash: UInt64)] = []
    private var turned: [Int] = []

    public init(maxCategories: Int = FeatureCardinality.defaultMaxCategories) {
        self.maxCategories = maxCategories
    }

    /// Whether feature `id` is known to be free text.
    @inline(__always)
    func isText(_ id: Int32) -> Bool {
        id >= 0 && Int(id) < text.count && text[Int(id)]
    }

    /// Counts a string value of feature `id` (by the hash of its raw bytes) and returns whether the feature
    /// is free text now, i.e. whether this value is the first past `maxCategories` distinct ones (or later).
    /// Features without a number (`FeatureSchemaCatalog.uncatalogued`) stay categorical.
    /// - Complexity: amortized O(1).
    mutating func note(_ id: Int32, hash: UInt64) -> Bool {
        guard id >= 0 else { return false }
        let k = Int(id)
        if k >= text.count {
            text.append(contentsOf: repeatElement(false, count: k + 1 - text.count))
            seen.append(contentsOf: repeatElement([], count: k + 1 - seen.count))
        }
        if text[k] { return true }
        guard seen[k].insert(hash).inserted else { return false }
        added.append((k, hash))
        if seen[k].count > maxCategories {
            text[k] = true
            turned.append(k)
            return true
        }
        return false
    }

    /// Whether the line being parsed counted anything yet to be kept or undone (see `settle`).
    @inline(__always)
    var unsettled: Bool { !added.isEmpty }

    /// Ends the line's counting: keeps what it added when the line is an accepted prediction, else undoes it.
    /// Returns whether something was undone (values the caller remembered for that line were then not
    /// counted, and must be forgotten).
    /// - Complexity: O(values the line added).
    mutating func settle(keep: Bool) -> Bool {
        guard !added.isEmpty else { return false }
        if keep {
            for k in turned { seen[k] = [] }
        } else {
            for k in turned { text[k] = false }
            for a in added { seen[a.id].remove(a.hash) }
        }
        added.removeAll(keepingCapacity: true)
        turned.removeAll(keepingCapacity: true)
        return !keep
    }
}
