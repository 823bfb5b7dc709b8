/// A column whose drift was not tested because too few values stood behind it: a statistic of 3 values
/// against 50,000 is noise (Wasserstein near 1, Jensen–Shannon near 0.5) and would paint the column as
/// drifted. No `drift_*` sample is emitted for it (rules cannot fire on it, `/metrics` exports none), it is
/// left out of `drift_share`, and the panels, the text report and the JSON (`drift_untested`) say why.
public struct DriftUntested: Sendable, Equatable {
    /// Which sample was too small: the current window's values of the column, the drift reference's values
    /// of it (a reference of the first 20 events, a profile of a tiny log, a column mostly null there), or
    /// (against a `compare` baseline) the baseline version's values in the same window.
    public enum Side: String, Sendable, Equatable {
        case window, reference, baseline
    }

    /// The labels the column's `drift_*` samples would have had (`model`, `version`, `feature`, …).
    public var labels: Labels
    /// Non-missing values on the smaller side (`side`).
    public var values: Int
    public var minSamples: Int
    public var side: Side
    /// The window's counts on the reference's fleet bins: still exported, since a fleet sums them over its
    /// instances (and tests the sum).
    public var fleetBins: FleetBins?

    public init(labels: Labels, values: Int, minSamples: Int, side: Side = .window, fleetBins: FleetBins? = nil) {
        self.labels = labels
        self.values = values
        self.minSamples = minSamples
        self.side = side
        self.fleetBins = fleetBins
    }

    /// For a narrow cell: `n 3<30` (`ref 20<30` when the reference is short, `base 3<30` the baseline).
    public var short: String {
        let whose = switch side {
        case .window: "n"
        case .reference: "ref"
        case .baseline: "base"
        }
        return "\(whose) \(values)<\(minSamples)"
    }

    /// For reports: `not tested: 3 values < min_samples 30` (`… the reference has 20 values …`).
    public var message: String {
        let whose = switch side {
        case .window: ""
        case .reference: "the reference has "
        case .baseline: "the baseline has "
        }
        return "not tested: \(whose)\(values) value\(values == 1 ? "" : "s") < min_samples \(minSamples)"
    }

    /// The gate: nil when `values`, `referenceValues` (the drift reference's values of the column) and
    /// `baselineValues` (against a `compare` baseline) reach `minSamples`. A short reference is named first,
    /// whatever the window holds: the column cannot be tested against it until the reference changes.
    static func check(labels: Labels, values: Int, referenceValues: Int? = nil, baselineValues: Int? = nil,
                      minSamples: Int) -> DriftUntested? {
        if let r = referenceValues, r < minSamples {
            return DriftUntested(labels: labels, values: r, minSamples: minSamples, side: .reference)
        }
        if let b = baselineValues, b < minSamples, b <= values {
            return DriftUntested(labels: labels, values: b, minSamples: minSamples, side: .baseline)
        }
        if values < minSamples { return DriftUntested(labels: labels, values: values, minSamples: minSamples) }
        return nil
    }
}

extension ColumnValues {
    /// The values a drift test sees (Evidently drops NaN and ±Inf before testing; the window keeps only
    /// finite numbers, so only raw `numeric` values need counting).
    /// - Complexity: O(1), O(k) for k categories, O(n) for raw numbers.
    var testedCount: Int {
        switch self {
        case .numeric(let values): values.reduce(0) { $1.isFinite ? $0 + 1 : $0 }
        case .sortedNumeric(let values), .textLengths(let values): values.count
        case .categorical(let counts): counts.values.reduce(0, +)
        }
    }
}
