import Foundation
import Testing

@testable import MLWatchCore

/// Properties that must hold whatever the data: symmetry, ranges, identity.
@Suite struct DriftPropertyStatisticsTests {
    static func sample(_ n: Int, seed: UInt64, shift: Double = 0, integers: Bool = false) -> [Double] {
        var g = SplitMix64(seed: seed)
        return (0..<n).map { _ in
            let u = Double.random(in: 0..<1, using: &g) + Double.random(in: 0..<1, using: &g) - 1 + shift
            return integers ? (u * 4).rounded() : u
        }
    }

    @Test(arguments: [(7, 11), (50, 50), (300, 120), (2000, 15000)])
    func ksStatisticIsSymmetric(_ sizes: (Int, Int)) {
        let a = DoubleRadixSort.sorted(Self.sample(sizes.0, seed: 1, shift: 0.1, integers: sizes.0 == 50))
        let b = DoubleRadixSort.sorted(Self.sample(sizes.1, seed: 2, integers: sizes.0 == 50))
        let ab = KSTest.sorted(a, b), ba = KSTest.sorted(b, a)
        #expect(ab.statistic == ba.statistic)
        #expect(abs(ab.pValue - ba.pValue) <= 1e-12)
        #expect(ab.pValue >= 0 && ab.pValue <= 1)
    }

    @Test func identicalSamplesGiveZeroDistanceAndPOne() throws {
        let x = Self.sample(3000, seed: 9)
        let reference = NumericReference(values: x)
        let r = try DriftCalculator.numeric(reference: reference, current: x)
        #expect(r.ksStatistic == 0)
        #expect(r.ksPValue == 1)
        #expect(r.wassersteinRaw == 0)
        #expect(r.psi == 0)
        #expect(r.kl == 0)
        #expect(r.js == 0)
        #expect(!r.detected)
    }

    @Test(arguments: [UInt64(3), 4, 5, 6])
    func psiNonNegativeAndJSInRange(_ seed: UInt64) throws {
        let reference = NumericReference(values: Self.sample(1500, seed: seed))
        let current = Self.sample(900, seed: seed + 100, shift: Double(seed) / 10)
        let r = try DriftCalculator.numeric(reference: reference, current: current)
        #expect(r.psi! >= 0)
        #expect(r.kl! >= 0)
        #expect(r.js! >= 0 && r.js! <= (0.6931471805599453).squareRoot() + 1e-15)
        // Disjoint supports reach JS's maximum √ln 2.
        let far = try DriftCalculator.numeric(reference: reference, current: current.map { $0 + 100 })
        #expect(abs(far.js! - (0.6931471805599453).squareRoot()) < 1e-12)
    }

    @Test func radixSortMatchesStandardSort() {
        var values = Self.sample(10_000, seed: 42).map { $0 * 1e6 }
        values += [0.0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
                   -.greatestFiniteMagnitude, 1, 1, 1, .nan, .infinity, -.infinity]
        let finite = values.filter(\.isFinite)
        #expect(DoubleRadixSort.finiteSorted(values) == finite.sorted())
        #expect(DoubleRadixSort.sorted([3, 1, 2]) == [1, 2, 3])
        #expect(DoubleRadixSort.finiteSorted([]) == [])
    }

    @Test func numpyHistogramEdgesDetails() {
        // np.histogram_bin_edges(np.arange(16.), 'sturges'): log2(16)+1 = 5 exactly.
        let e = HistogramBinning.sturgesEdges(min: 0, max: 15, count: 16)
        #expect(e == [0, 3, 6, 9, 12, 15])
        // Constant data: one bin widened by ±0.5.
        #expect(HistogramBinning.sturgesEdges(min: 2, max: 2, count: 10) == [1.5, 2.5])
        // Last bin closed, others half-open.
        #expect(HistogramBinning.counts(sorted: [0, 1, 1, 2], edges: [0, 1, 2]) == [1, 3])
    }

    @Test func emptyBinFillFollowsEvidently() {
        #expect(HistogramBinning.filledEmptyBins([0.5, 0.5, 0]) == [0.5, 0.5, 0.0001])
        #expect(HistogramBinning.filledEmptyBins([0.99995, 0.00005, 0]) == [0.99995, 0.00005, 0.00005 / 1e6])
    }

    @Test func defaultTestChoice() {
        #expect(DriftTestSelector.defaultTest(kind: .numerical, referenceCount: 1000, distinctValues: 6) == .ks)
        #expect(DriftTestSelector.defaultTest(kind: .numerical, referenceCount: 1000, distinctValues: 5) == .chisquare)
        #expect(DriftTestSelector.defaultTest(kind: .numerical, referenceCount: 10, distinctValues: 2) == .z)
        #expect(DriftTestSelector.defaultTest(kind: .numerical, referenceCount: 1001, distinctValues: 5) == .jensenshannon)
        #expect(DriftTestSelector.defaultTest(kind: .numerical, referenceCount: 1001, distinctValues: 6) == .wasserstein)
        #expect(DriftTestSelector.defaultTest(kind: .categorical, referenceCount: 1000, distinctValues: 3) == .chisquare)
        #expect(DriftTestSelector.defaultTest(kind: .categorical, referenceCount: 1000, distinctValues: 2) == .z)
        #expect(DriftTestSelector.defaultTest(kind: .categorical, referenceCount: 5000, distinctValues: 2) == .jensenshannon)
    }

    @Test func callerOverridesTestAndThreshold() throws {
        let reference = NumericReference(values: Self.sample(2000, seed: 11))
        let current = Self.sample(2000, seed: 12, shift: 0.05)
        let r = try DriftCalculator.numeric(
            reference: reference, current: current, options: DriftOptions(test: .psi, threshold: 0.2))
        #expect(r.test == .psi)
        #expect(r.threshold == 0.2)
        #expect(r.score == r.psi)
        #expect(throws: DriftError.testNotApplicable(.ks, .categorical)) {
            try DriftCalculator.categorical(
                reference: CategoricalReference(counts: ["a": 1]), current: ["a": 1], options: DriftOptions(test: .ks))
        }
        #expect(throws: DriftError.emptyCurrent) {
            try DriftCalculator.numeric(reference: reference, current: [.nan, .infinity])
        }
    }

    @Test func referencesRoundTripThroughJSON() throws {
        let n = NumericReference(values: [3, 1, .nan, 2, 2])
        #expect(n.sortedValues == [1, 2, 2, 3])
        #expect(n.droppedCount == 1)
        #expect(n.distinctCount == 3)
        #expect(n.quantiles[4] == 2)
        let data = try JSONEncoder().encode(n)
        #expect(try JSONDecoder().decode(NumericReference.self, from: data) == n)
        let c = CategoricalReference(values: ["a", nil, "b", "a"])
        #expect(c.counts == ["a": 2, "b": 1])
        #expect(try JSONDecoder().decode(CategoricalReference.self, from: JSONEncoder().encode(c)) == c)
    }
}

/// The fused hot-path sweep agrees with the readable KS and Wasserstein implementations.
@Suite struct TwoSampleSweepStatisticsTests {
    @Test(arguments: [(1, 1), (5, 9), (200, 200), (3000, 1700)])
    func sweepMatchesSeparateImplementations(_ sizes: (Int, Int)) {
        for integers in [false, true] {
            let a = DoubleRadixSort.sorted(DriftPropertyStatisticsTests.sample(sizes.0, seed: 5, integers: integers))
            let b = DoubleRadixSort.sorted(DriftPropertyStatisticsTests.sample(sizes.1, seed: 6, shift: 0.2, integers: integers))
            let s = TwoSampleSweep.run(sortedA: a, sortedB: b)
            #expect(s.ksStatistic == KSTest.statistic(sortedA: a, sortedB: b))
            let w = WassersteinDistance.raw(sortedU: a, sortedV: b)
            #expect(abs(s.wassersteinRaw - w) <= 1e-12 * w)
        }
    }
}
