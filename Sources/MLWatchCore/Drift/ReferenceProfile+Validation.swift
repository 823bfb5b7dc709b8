/// Field-by-field checks of a profile read from a file (either format), before any of it is used: a
/// hand-edited or damaged profile is rejected with the reason, never trusted into an overflow, a trap or a
/// drift test that runs for minutes.
extension ReferenceProfile {
    /// Most categories a column of a profile may have: past this a file was not written by `baseline`
    /// (a feature with that many distinct values is free text), and each drift test would sort every
    /// category.
    public static let maxCategoriesPerColumn = 100_000
    /// Largest total count of a column: counts are added and converted to `Double` exactly below 2^53.
    static let maxTotalCount = 1 << 53

    /// A numeric (or text-length) reference from sorted values read from a file: every value finite and
    /// in ascending order, the dropped count non-negative. The statistics are computed again from the
    /// values (as `baseline` computed them), never read.
    /// - Complexity: O(n).
    static func validatedNumeric(sorted values: [Double], dropped: Int, column: String, path: String)
        throws(ReferenceError) -> NumericReference
    {
        func bad(_ reason: String) -> ReferenceError { .invalid(path: path, reason: "column \(column): \(reason)") }
        guard dropped >= 0, dropped <= maxTotalCount, values.count <= maxTotalCount - dropped else {
            throw bad("dropped count \(dropped) out of range")
        }
        let ordered: Bool = values.withUnsafeBufferPointer { v in
            var previous = -Double.infinity
            for x in v {
                // `x >= previous` is false for NaN, so one comparison rejects NaN and disorder; ±∞ separately.
                guard x >= previous, x.isFinite else { return false }
                previous = x
            }
            return true
        }
        guard ordered else { throw bad("values must be finite and in ascending order") }
        return NumericReference(sortedFiniteValues: values, droppedCount: dropped)
    }

    /// A categorical reference from category names and counts read from a file: names distinct, counts
    /// non-negative, their sum representable, at most `maxCategoriesPerColumn` categories.
    static func validatedCategorical(categories: [String], counts: [Int], column: String, path: String)
        throws(ReferenceError) -> CategoricalReference
    {
        func bad(_ reason: String) -> ReferenceError { .invalid(path: path, reason: "column \(column): \(reason)") }
        guard categories.count <= maxCategoriesPerColumn else {
            throw bad("\(categories.count) categories (at most \(maxCategoriesPerColumn))")
        }
        var table: [String: Int] = [:]
        table.reserveCapacity(categories.count)
        var total = 0
        for (name, count) in zip(categories, counts) {
            guard count >= 0, count <= maxTotalCount - total else {
                throw bad("count \(count) of category \(name.debugDescription) out of range")
            }
            guard table.updateValue(count, forKey: name) == nil else {
                throw bad("category \(name.debugDescription) appears twice")
            }
            total += count
        }
        return CategoricalReference(counts: table)
    }

    /// Earliest and latest times a profile may record (the years 1 and 9999): what RFC 3339 can write.
    static let timeRange: ClosedRange<Double> = -62_135_596_800 ... 253_402_300_799

    /// The profile's own fields: a non-negative event count, an ordered time range within years 1–9999.
    func validateSummary(path: String) throws(ReferenceError) {
        guard events >= 0, events <= Self.maxTotalCount else {
            throw .invalid(path: path, reason: "event count \(events) out of range")
        }
        if let from, !Self.timeRange.contains(from) { throw .invalid(path: path, reason: "`from` is not a time between the years 1 and 9999") }
        if let to, !Self.timeRange.contains(to) { throw .invalid(path: path, reason: "`to` is not a time between the years 1 and 9999") }
        if let from, let to, from > to { throw .invalid(path: path, reason: "`from` is after `to`") }
    }
}
