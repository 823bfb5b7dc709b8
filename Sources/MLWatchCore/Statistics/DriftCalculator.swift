/// Computes drift of one column against its prepared reference: cleans the current window as
/// Evidently does (drops NaN, ±∞, missing), computes every applicable statistic in one call and
/// decides with Evidently's default test (or the caller's).
public enum DriftCalculator {
    /// Numeric drift: KS (statistic, p-value), Wasserstein (raw and normed), PSI, KL and JS on
    /// Evidently's bins; chi-square and z as well when reference ∪ current has few distinct
    /// values (≤ 20; z only when ≤ 2) or when forced.
    /// - Complexity: O(n) for the current window (radix sort plus linear merges); for a window much smaller
    ///   than the reference O(n·log m) (binary searches, see `TwoSampleSweep+Search.swift`), except the
    ///   exact KS p-value, O(n1·n2·D) worst case when both sizes ≤ 10000, and the discrete bins of a
    ///   reference with many distinct values when chi-square or z is forced.
    public static func numeric(
        reference: NumericReference, current: [Double], options: DriftOptions = .default, ksPValue: Bool = true
    ) throws(DriftError) -> DriftResult {
        try numeric(reference: reference, sortedCurrent: DoubleRadixSort.finiteSorted(current), options: options,
                    ksPValue: ksPValue)
    }

    /// As `numeric(reference:current:options:)` with missing values as `nil`.
    public static func numeric(
        reference: NumericReference, current: [Double?], options: DriftOptions = .default
    ) throws(DriftError) -> DriftResult {
        try numeric(reference: reference, current: current.map { $0 ?? .nan }, options: options)
    }

    /// Numeric drift on an already cleaned and sorted current window.
    /// - Parameter ksPValue: compute the KS p-value even when KS is not the chosen test. Its exact form
    ///   costs O(n1·n2); rule evaluations that do not read it skip it (`ksPValue` is then nil).
    public static func numeric(
        reference: NumericReference, sortedCurrent cur: [Double], options: DriftOptions, ksPValue: Bool = true
    ) throws(DriftError) -> DriftResult {
        let ref = reference.sortedValues
        guard !ref.isEmpty else { throw .emptyReference }
        guard !cur.isEmpty else { throw .emptyCurrent }

        let sweep = TwoSampleSweep.run(reference: reference, sortedCurrent: cur)
        let raw = sweep.wassersteinRaw
        let normed = WassersteinDistance.normed(raw: raw, referenceStd: reference.standardDeviation)
        let discreteLimit = HistogramBinning.maxDiscreteReferenceValues
        // The union has at least the reference's distinct values: past the limit, no need to count.
        let nValues = reference.distinctCount > discreteLimit
            ? discreteLimit + 1 : HistogramBinning.unionDistinctCount(ref, cur, limit: discreteLimit)
        let (test, threshold) = DriftTestSelector.resolve(
            kind: .numerical, referenceCount: ref.count, distinctValues: nValues, options: options)
        let ks: KSTest? =
            ksPValue || test == .ks ? KSTest.pValue(statistic: sweep.ksStatistic, n1: ref.count, n2: cur.count) : nil

        // Evidently's bins (`get_binned_data`): Sturges edges when the reference has > 20 values.
        let histogram: DriftHistogram
        var discrete: (values: [Double], reference: [Int], current: [Int])?
        if nValues <= discreteLimit || options.test == .chisquare || options.test == .z {
            discrete = HistogramBinning.discreteCounts(sortedReference: ref, sortedCurrent: cur)
        }
        if reference.distinctCount > discreteLimit {
            let edges = HistogramBinning.sturgesEdges(
                min: Swift.min(ref[0], cur[0]), max: Swift.max(ref[ref.count - 1], cur[cur.count - 1]),
                count: ref.count + cur.count)
            let rc = HistogramBinning.counts(sorted: ref, edges: edges)
            let cc = HistogramBinning.counts(sorted: cur, edges: edges)
            histogram = DriftHistogram(
                bins: .edges(edges), referenceShares: shares(rc, ref.count), currentShares: shares(cc, cur.count))
        } else {
            let d = discrete ?? HistogramBinning.discreteCounts(sortedReference: ref, sortedCurrent: cur)
            discrete = d
            histogram = DriftHistogram(
                bins: .values(d.values), referenceShares: shares(d.reference, ref.count),
                currentShares: shares(d.current, cur.count))
        }
        let psi = PSI.value(reference: histogram.referenceShares, current: histogram.currentShares)
        let kl = KLDivergence.value(reference: histogram.referenceShares, current: histogram.currentShares)
        let js = JensenShannon.distance(histogram.referenceShares, histogram.currentShares)

        var chi: ChiSquareTest?
        var z: ZTest?
        if let d = discrete {
            chi = ChiSquareTest.test(referenceCounts: d.reference, currentCounts: d.current)
            if d.values.count <= 2 || options.test == .z {
                // Keys sorted ascending: the first distinct value is coded 0.
                z = ZTest.test(
                    referenceTotal: ref.count, referenceFirstCategory: d.reference[0],
                    currentTotal: cur.count, currentFirstCategory: d.current[0],
                    singleSameValue: d.values.count == 1)
            }
        }

        let score: Double
        switch test {
        case .ks: score = ks?.pValue ?? .nan
        case .wasserstein: score = normed
        case .psi: score = psi
        case .kl: score = kl
        case .jensenshannon: score = js
        case .chisquare: score = chi?.pValue ?? .nan
        case .z: score = z?.pValue ?? .nan
        }
        return DriftResult(
            test: test, score: score, threshold: threshold,
            detected: test.isDrift(score: score, threshold: threshold),
            ksStatistic: sweep.ksStatistic, ksPValue: ks?.pValue, ksMethod: ks?.method,
            wassersteinNormed: normed, wassersteinRaw: raw,
            psi: psi, kl: kl, js: js,
            chi2Statistic: chi?.statistic, chi2PValue: chi?.pValue, zPValue: z?.pValue,
            unseenCategories: [], vanishedCategories: [],
            histogram: histogram, referenceCount: ref.count, currentCount: cur.count)
    }

    /// Categorical drift: chi-square, z (binary columns, or forced), PSI, KL and JS over the
    /// categories of reference ∪ current, plus unseen and vanished categories.
    /// `current` holds counts of non-missing values (zero counts are ignored).
    public static func categorical(
        reference: CategoricalReference, current: [String: Int], options: DriftOptions = .default
    ) throws(DriftError) -> DriftResult {
        guard !reference.isEmpty else { throw .emptyReference }
        let cur = current.filter { $0.value > 0 }
        let nCur = cur.values.reduce(0, +)
        guard nCur > 0 else { throw .emptyCurrent }
        if let forced = options.test, !forced.applies(to: .categorical) {
            throw .testNotApplicable(forced, .categorical)
        }
        var keySet = Set(reference.counts.keys)
        keySet.formUnion(cur.keys)
        let keys = keySet.sorted(by: CategoricalReference.codePointLess)
        let rc = keys.map { reference.counts[$0] ?? 0 }
        let cc = keys.map { cur[$0] ?? 0 }
        let histogram = DriftHistogram(
            bins: .labels(keys), referenceShares: shares(rc, reference.count), currentShares: shares(cc, nCur))
        let psi = PSI.value(reference: histogram.referenceShares, current: histogram.currentShares)
        let kl = KLDivergence.value(reference: histogram.referenceShares, current: histogram.currentShares)
        let js = JensenShannon.distance(histogram.referenceShares, histogram.currentShares)
        let chi = ChiSquareTest.test(referenceCounts: rc, currentCounts: cc)
        var z: ZTest?
        if keys.count <= 2 || options.test == .z {
            z = ZTest.test(
                referenceTotal: reference.count, referenceFirstCategory: rc[0],
                currentTotal: nCur, currentFirstCategory: cc[0],
                singleSameValue: keys.count == 1)
        }
        let (test, threshold) = DriftTestSelector.resolve(
            kind: .categorical, referenceCount: reference.count, distinctValues: keys.count, options: options)
        let score: Double
        switch test {
        case .psi: score = psi
        case .kl: score = kl
        case .jensenshannon: score = js
        case .chisquare: score = chi.pValue
        case .z: score = z?.pValue ?? .nan
        case .ks, .wasserstein: throw .testNotApplicable(test, .categorical)
        }
        let unseen = keys.filter { reference.counts[$0] == nil }
        let vanished = keys.filter { cur[$0] == nil }
        return DriftResult(
            test: test, score: score, threshold: threshold,
            detected: test.isDrift(score: score, threshold: threshold),
            ksStatistic: nil, ksPValue: nil, ksMethod: nil, wassersteinNormed: nil, wassersteinRaw: nil,
            psi: psi, kl: kl, js: js,
            chi2Statistic: chi.statistic, chi2PValue: chi.pValue, zPValue: z?.pValue,
            unseenCategories: unseen, vanishedCategories: vanished,
            histogram: histogram, referenceCount: reference.count, currentCount: nCur)
    }

    static func shares(_ counts: [Int], _ total: Int) -> [Double] {
        let t = Double(total)
        return counts.map { Double($0) / t }
    }
}
