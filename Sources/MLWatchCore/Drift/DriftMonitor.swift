/// Drift of the current window against the reference, per column, with the per-feature test and
/// threshold overrides of the config. The reference is a fixed profile (a file or a saved profile, possibly
/// still being read), or is learned from the stream itself: its first N events, or an event-time range.
public final class DriftMonitor: DriftEvaluating {
    public enum Source: Sendable, Equatable {
        case profile(ReferenceProfile)
        /// A profile read on another thread: the first drift test waits for it (no drift if it fails; the
        /// caller reports the failure from `PendingReference.wait()`).
        case pending(PendingReference)
        case firstEvents(Int)
        case timeRange(from: Double, to: Double)

        public static func == (a: Source, b: Source) -> Bool {
            switch (a, b) {
            case (.profile(let x), .profile(let y)): return x == y
            case (.pending(let x), .pending(let y)): return x === y
            case (.firstEvents(let x), .firstEvents(let y)): return x == y
            case (.timeRange(let f1, let t1), .timeRange(let f2, let t2)): return f1 == f2 && t1 == t2
            default: return false
            }
        }
    }

    private var loaded: ReferenceProfile?
    /// Set until the pending profile has been waited for.
    private var pending: PendingReference?
    /// The reference profile: fixed, learned, or (waiting for it the first time) read on another thread.
    private var profile: ReferenceProfile? {
        get {
            if let p = pending.take() { loaded = try? p.wait().get() }
            return loaded
        }
        set { loaded = newValue }
    }
    private var learning: ReferenceProfileBuilder?
    /// Categorical reference columns as lengths, for windows where the feature turned out to be free text.
    private var lengthReferences: [String: NumericReference] = [:]
    private let source: Source
    private let overrides: [String: DriftOptions]
    private let defaults: DriftOptions
    /// The reference side of each column's fleet bins, worked out on first use (nil: the column has none).
    private var fleetReferences: [String: FleetBinReference?] = [:]
    /// Drift threshold rule of Evidently's dataset drift: share of drifted columns.
    public let shareThreshold: Double

    /// - Parameter maxCategories: for a reference learned from the stream (see `ReferenceProfileBuilder`).
    public init(source: Source, overrides: [String: DriftOptions] = [:], defaults: DriftOptions = .default,
                shareThreshold: Double = 0.5, maxCategories: Int = FeatureCardinality.defaultMaxCategories) {
        self.source = source
        self.overrides = overrides
        self.defaults = defaults
        self.shareThreshold = shareThreshold
        self.maxCategories = maxCategories
        switch source {
        case .profile(let p): loaded = p
        case .pending(let p): pending = p
        case .firstEvents, .timeRange: learning = ReferenceProfileBuilder(maxCategories: maxCategories)
        }
    }

    private let maxCategories: Int

    public func copy() -> any DriftEvaluating {
        let c = DriftMonitor(source: source, overrides: overrides, defaults: defaults, shareThreshold: shareThreshold,
                             maxCategories: maxCategories)
        c.loaded = loaded
        c.pending = pending
        c.learning = learning
        c.lengthReferences = lengthReferences
        c.fleetReferences = fleetReferences
        return c
    }

    /// The reference in use (nil while it is still being learned from the stream).
    public var reference: ReferenceProfile? { profile }

    public var observesEvents: Bool { learning != nil }

    /// Feeds a prediction to a reference that is learned from the stream.
    public func observe(_ e: PredictionEvent) {
        // Taken out while it grows, so it is uniquely referenced: a copy left in `learning` made every `add`
        // copy the builder's arrays (quadratic in the reference size).
        guard var builder = learning.take() else { return }
        switch source {
        case .firstEvents(let n):
            builder.add(e)
            if builder.events >= n {
                profile = builder.build(sources: ["first \(n) events"])
                return
            }
        case .timeRange(let from, let to):
            if e.timestamp >= from && e.timestamp <= to { builder.add(e) }
            if e.timestamp > to {
                profile = builder.build(sources: ["events from \(TimestampParser.format(from)) to \(TimestampParser.format(to))"])
                return
            }
        case .profile, .pending:
            return
        }
        learning = builder
    }

    public func referenceCount(column: String) -> Int? {
        switch profile?.columns[column] {
        case .numeric(let r)?, .text(let r)?: return r.count
        case .categorical(let r)?: return r.count
        case nil: return nil
        }
    }

    public func drift(column: String, current: ColumnValues, ksPValue: Bool, details: Bool) -> DriftSummary? {
        guard let ref = profile?.columns[column] else { return nil }
        let options = overrides[column] ?? defaults
        let result: DriftResult
        do {
            switch (ref, current) {
            case (.numeric(let r), .numeric(let values)):
                result = try DriftCalculator.numeric(reference: r, current: values, options: options, ksPValue: ksPValue)
            case (.numeric(let r), .sortedNumeric(let sorted)):
                result = try DriftCalculator.numeric(reference: r, sortedCurrent: sorted, options: options, ksPValue: ksPValue)
            case (.categorical(let r), .categorical(let counts)):
                result = try DriftCalculator.categorical(reference: r, current: counts, options: options)
            case (.categorical(let r), .numeric(let values)), (.categorical(let r), .sortedNumeric(let values)):
                var counts: [String: Int] = [:]
                for v in values where v.isFinite { counts[OutputValue.number(v).classKey!, default: 0] += 1 }
                result = try DriftCalculator.categorical(reference: r, current: counts, options: options)
            case (.text(let r), .textLengths(let sorted)):
                result = try DriftCalculator.numeric(reference: r, sortedCurrent: sorted, options: options, ksPValue: ksPValue)
            case (.text(let r), .categorical(let counts)):
                // Free text in the reference, still few distinct values in the window: compare their lengths.
                result = try DriftCalculator.numeric(reference: r, current: Self.lengths(counts), options: options,
                                                     ksPValue: ksPValue)
            case (.categorical(let r), .textLengths(let sorted)):
                // Few distinct values in the reference, free text now: compare the lengths of both.
                result = try DriftCalculator.numeric(reference: lengthReference(column, r), sortedCurrent: sorted,
                                                     options: options, ksPValue: ksPValue)
            case (.numeric, .categorical), (.numeric, .textLengths), (.text, .numeric), (.text, .sortedNumeric):
                // The column changed type against the reference; `feature_type_mixed` reports it.
                return nil
            }
        } catch {
            return nil
        }
        guard details else { return DriftMonitor.summary(result, details: false) }
        var summary = DriftMonitor.summary(result)
        summary.fleetBins = fleetReference(column, ref)?.bins(current)
        if case .numeric(let r) = ref, !r.sortedValues.isEmpty {
            summary.referenceQuantiles = Quantiles.displayed.map { NumericReference.quantile(sorted: r.sortedValues, $0) }
        } else if case .text(let r) = ref, !r.sortedValues.isEmpty {
            summary.referenceQuantiles = Quantiles.displayed.map { NumericReference.quantile(sorted: r.sortedValues, $0) }
        }
        return summary
    }

    /// The lengths of a categorical reference's values, prepared once per column.
    private func lengthReference(_ column: String, _ r: CategoricalReference) -> NumericReference {
        if let known = lengthReferences[column] { return known }
        let prepared = NumericReference(values: Self.lengths(r.counts))
        lengthReferences[column] = prepared
        return prepared
    }

    /// The length in characters of every counted value, as the text columns of a profile hold them.
    static func lengths(_ counts: [String: Int]) -> [Double] {
        var out: [Double] = []
        for (value, n) in counts where n > 0 {
            out.append(contentsOf: repeatElement(Double(value.count), count: n))
        }
        return out
    }

    private func fleetReference(_ column: String, _ ref: ColumnReference) -> FleetBinReference? {
        if let known = fleetReferences[column] { return known }
        let made = FleetBinReference(ref)
        fleetReferences[column] = .some(made)
        return made
    }

    /// Flattens a result into the display/metric form; keys are metric names without `drift_`.
    /// - Parameter details: with the bins, their labels and shares and the unseen categories (formatting
    ///   the labels of a window's bins was 14 % of a sparse log's evaluations, which never show them).
    static func summary(_ r: DriftResult, details: Bool = true) -> DriftSummary {
        // Only the values present are inserted (assigning nil would search the table to remove the key).
        var values = [String: Double](minimumCapacity: 10)
        func put(_ key: String, _ value: Double?) { if let value { values[key] = value } }
        put("ks_stat", r.ksStatistic)
        put("ks_pvalue", r.ksPValue)
        put("wasserstein", r.wassersteinNormed)
        put("wasserstein_raw", r.wassersteinRaw)
        put("psi", r.psi)
        put("kl", r.kl)
        put("js", r.js)
        put("chi2_stat", r.chi2Statistic)
        put("chi2_pvalue", r.chi2PValue)
        put("z_pvalue", r.zPValue)
        guard details else {
            return DriftSummary(test: r.testID, score: r.score, threshold: r.threshold, detected: r.detected, values: values)
        }
        return DriftSummary(
            test: r.testID, score: r.score, threshold: r.threshold, detected: r.detected, values: values,
            unseenCategories: r.unseenCategories, binEdges: r.histogram.edges ?? [], binLabels: r.histogram.labels,
            referenceShares: r.histogram.referenceShares, currentShares: r.histogram.currentShares,
            referenceQuantiles: [])
    }
}
