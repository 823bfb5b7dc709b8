import Testing

@testable import MLWatchCore

/// The search path of the KS/Wasserstein sweep (a small window against a large prepared reference) against
/// the merge: KS bit for bit, Wasserstein within the bound documented in `TwoSampleSweep+Search.swift`.
@Suite struct TwoSampleSearchStatisticsTests {
    enum Shape: CaseIterable { case normal, ties, signedZeros, tiny, huge, withNaN }

    static func values(_ count: Int, _ shape: Shape, seed: UInt64, shift: Double = 0) -> [Double] {
        var g = SplitMix64(seed: seed)
        return (0..<count).map { k in
            let u = Double.random(in: -1..<1, using: &g) + Double.random(in: -1..<1, using: &g) + shift
            switch shape {
            case .normal: return u
            case .ties: return (u * 3).rounded()
            case .signedZeros: return k % 3 == 0 ? (k % 2 == 0 ? -0.0 : 0.0) : (u * 2).rounded()
            case .tiny: return u * 1e-300
            case .huge: return u * 1e300 + 1e305
            case .withNaN: return k % 5 == 0 ? [.nan, .infinity, -.infinity][k % 3] : u
            }
        }
    }

    /// The documented bound: 50·K·u·R + (n + m + K)·u·W (with a little slack in the constants).
    static func wassersteinBound(reference: [Double], current: [Double], merge w: Double) -> Double {
        let u = Double.ulpOfOne / 2
        let k = Double(HistogramBinning.distinctCount(sorted: current) + 1)
        let range = reference[reference.count - 1] - reference[0]
        return 60 * k * u * range + Double(reference.count + current.count + Int(k) + 4) * u * w
    }

    @Test(arguments: Shape.allCases)
    func searchMatchesMerge(_ shape: Shape) {
        var seed: UInt64 = 1
        for m in [1, 2, 9, 40, 700, 5000] {
            let reference = NumericReference(values: Self.values(m, shape, seed: seed))
            guard !reference.isEmpty else { continue }
            for n in [1, 2, 3, 11, 60] {
                for shift in [0.0, 0.4, -3] {
                    seed &+= 1
                    let current = DoubleRadixSort.finiteSorted(Self.values(n, shape, seed: seed, shift: shift))
                    guard !current.isEmpty else { continue }
                    let merge = TwoSampleSweep.run(sortedA: reference.sortedValues, sortedB: current)
                    let search = TwoSampleSweep.search(reference: reference, sortedCurrent: current)
                    #expect(search.ksStatistic.bitPattern == merge.ksStatistic.bitPattern,
                            "KS \(shape) m=\(m) n=\(n): \(search.ksStatistic) vs \(merge.ksStatistic)")
                    #expect(search.ksStatistic == KSTest.statistic(sortedA: reference.sortedValues, sortedB: current))
                    let w = merge.wassersteinRaw
                    let bound = Self.wassersteinBound(reference: reference.sortedValues, current: current, merge: w)
                    #expect(abs(search.wassersteinRaw - w) <= bound,
                            "W \(shape) m=\(m) n=\(n): \(search.wassersteinRaw) vs \(w), bound \(bound)")
                    if m <= TwoSampleSweep.directGaps + 1 {
                        // No segment is summed in closed form: the merge's terms in the merge's order.
                        #expect(search.wassersteinRaw.bitPattern == w.bitPattern)
                    }
                }
            }
        }
    }

    /// Gaps wider than a Double overflow both paths the same way, and both measure them again.
    @Test func extremeValuesFallBackLikeTheMerge() {
        let reference = NumericReference(values: (0..<500).map { Double($0) * 1e303 - 2.5e305 } + [1.7e308, -1.7e308])
        let current = [-1e308, 0, 3, 1.5e308]
        let merge = TwoSampleSweep.run(sortedA: reference.sortedValues, sortedB: current)
        let search = TwoSampleSweep.search(reference: reference, sortedCurrent: current)
        #expect(search.ksStatistic == merge.ksStatistic)
        #expect(search.wassersteinRaw == merge.wassersteinRaw)
        #expect(search.wassersteinRaw == WassersteinDistance.raw(sortedU: reference.sortedValues, sortedV: current))
        #expect(search.wassersteinRaw.isFinite)
    }

    /// The scipy fixtures through the search path, with the tolerances their own test uses.
    @Test(arguments: DriftFixtures.numeric)
    func searchMatchesScipyFixtures(_ c: DriftFixtures.NumericCase) {
        let reference = NumericReference(values: c.reference.map(\.value))
        let current = DoubleRadixSort.finiteSorted(c.current.map(\.value))
        let search = TwoSampleSweep.search(reference: reference, sortedCurrent: current)
        #expect(closeRelative(search.ksStatistic, c.expected.ks_statistic))
        #expect(closeRelative(search.wassersteinRaw, c.expected.wasserstein_raw),
                "W \(search.wassersteinRaw) vs scipy \(c.expected.wasserstein_raw)")
    }

    @Test func pathChoiceFollowsSizes() {
        #expect(TwoSampleSweep.searchIsCheaper(current: 3, reference: 16_000))
        #expect(TwoSampleSweep.searchIsCheaper(current: 100, reference: 20_000))
        #expect(!TwoSampleSweep.searchIsCheaper(current: 3000, reference: 12_000))
        #expect(!TwoSampleSweep.searchIsCheaper(current: 100_000, reference: 100_000))
        #expect(!TwoSampleSweep.searchIsCheaper(current: 10, reference: 10))
        #expect(!TwoSampleSweep.searchIsCheaper(current: 0, reference: 10))
    }

    /// The galloping group skips give the counts of a plain walk, with long runs, −0/+0 and one-sided values.
    @Test func discreteCountsMatchAPlainWalk() {
        var g = SplitMix64(seed: 77)
        for (m, n) in [(0, 5), (5, 0), (1, 1), (3000, 2), (40, 900)] {
            let a = DoubleRadixSort.sorted((0..<m).map { _ in [-0.0, 0.0, 1, 2, 2, 2, 7][Int.random(in: 0..<7, using: &g)] })
            let b = DoubleRadixSort.sorted((0..<n).map { _ in [0.0, 2, 3, 7, 9][Int.random(in: 0..<5, using: &g)] })
            var values: [Double] = [], ra: [Int] = [], cb: [Int] = []
            var i = 0, j = 0
            while i < a.count || j < b.count {
                let v = i < a.count && (j >= b.count || a[i] <= b[j]) ? a[i] : b[j]
                let i0 = i, j0 = j
                while i < a.count && a[i] == v { i += 1 }
                while j < b.count && b[j] == v { j += 1 }
                values.append(v); ra.append(i - i0); cb.append(j - j0)
            }
            let d = HistogramBinning.discreteCounts(sortedReference: a, sortedCurrent: b)
            #expect(d.values.map(\.bitPattern) == values.map(\.bitPattern))
            #expect(d.reference == ra && d.current == cb)
            #expect(HistogramBinning.unionDistinctCount(a, b) == values.count)
            #expect(HistogramBinning.unionDistinctCount(a, b, limit: 2) == min(values.count, 3))
        }
    }
}
