import Testing

@testable import MLWatchCore

/// Spot values of scipy 1.17.1 for each branch of `kstwo.sf` / `smirnov` / `chi2.sf` / `ndtr`.
@Suite struct KolmogorovDistributionStatisticsTests {
    @Test func kstwoMatchesScipy() {
        for (n, x, expected) in Self.kstwoTable {
            let got = KolmogorovDistribution.sf(x, n: n)
            #expect(abs(got - expected) <= 1e-9, "kstwo.sf(\(x), \(n)) = \(got), scipy \(expected)")
        }
    }

    @Test func smirnovMatchesScipy() {
        for (n, x, expected) in Self.smirnovTable {
            let got = KolmogorovDistribution.smirnovSF(n: n, x: x)
            #expect(abs(got - expected) <= 1e-9 * max(1, expected) || abs(got - expected) / expected < 1e-8,
                    "smirnov(\(n), \(x)) = \(got), scipy \(expected)")
        }
    }

    @Test func chiSquareAndNormalMatchScipy() {
        for (dof, x, expected) in Self.chi2Table {
            let got = SpecialFunctions.chiSquareSF(x, degreesOfFreedom: dof)
            #expect(abs(got - expected) <= 1e-12, "chi2.sf(\(x), \(dof)) = \(got), scipy \(expected)")
        }
        #expect(SpecialFunctions.chiSquareSF(.infinity, degreesOfFreedom: 3) == 0)
        #expect(abs(SpecialFunctions.normalCDF(1.959963984540054) - 0.975) < 1e-15)
        #expect(abs(SpecialFunctions.normalSF(8) - 6.22096057427178e-16) < 1e-28)
    }
}
