/// A group's window values as the drift tests take them, for comparing one version's group with another's
/// (`VersionComparison`): the narrow interface through which it reads the aggregates.
extension GroupAccumulator {
    /// The names of the features whose values are kept here (see `FeatureDemand`) and present in the window.
    var keptFeatureNames: [String] {
        featureNames.enumerated().compactMap { slot, name in
            featureDemand.includes(name) && features[slot].present > 0 ? name : nil
        }
    }

    /// A feature's values: sorted finite numbers for a numeric column, category counts for a categorical one,
    /// sorted lengths for free text; nil for a column not kept, absent, empty or mixing numbers and
    /// categories (`feature_type_mixed`).
    mutating func driftColumn(feature name: String) -> ColumnValues? {
        guard featureDemand.includes(name), let slot = featureNames.firstIndex(of: name) else { return nil }
        let f = features[slot]
        switch (f.numbers > 0, f.categoricals > 0) {
        case (true, false):
            let sorted = features[slot].numeric.sorted()
            return sorted.isEmpty ? nil : .sortedNumeric(sorted)
        case (false, true):
            if f.isText {
                let lengths = features[slot].lengths.sorted()
                return lengths.isEmpty ? nil : .textLengths(lengths)
            }
            let counts = f.categoryCounts
            return counts.isEmpty ? nil : .categorical(counts)
        default:
            return nil
        }
    }

    /// The predictions: sorted numbers for a regression, class counts otherwise; nil when there are none.
    mutating func predictionColumn() -> ColumnValues? {
        if regression {
            let sorted = predictionValues.sorted()
            return sorted.isEmpty ? nil : .sortedNumeric(sorted)
        }
        let counts = classCounts.dictionary
        return counts.isEmpty ? nil : .categorical(counts)
    }

    /// Finite scores, sorted.
    mutating func sortedScores() -> [Double] { scoreValues.sorted() }

    /// Finite latencies, sorted.
    mutating func sortedLatencies() -> [Double] { latencies.sorted() }
}
