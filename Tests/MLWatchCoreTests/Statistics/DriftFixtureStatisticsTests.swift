import Testing

@testable import MLWatchCore

/// Every statistic against the numbers scipy and Evidently produced for the same data.
@Suite struct DriftFixtureStatisticsTests {
    @Test func fixturesAreLoaded() {
        #expect(DriftFixtures.numeric.count >= 20)
        #expect(DriftFixtures.categorical.count >= 8)
    }

    @Test(arguments: DriftFixtures.numeric)
    func numericCase(_ c: DriftFixtures.NumericCase) throws {
        let e = c.expected
        let reference = NumericReference(values: c.reference.map(\.value))
        let result = try DriftCalculator.numeric(reference: reference, current: c.current.map(\.value))
        #expect(result.referenceCount == e.reference_count)
        #expect(result.currentCount == e.current_count)
        #expect(reference.distinctCount == e.reference_distinct)

        // KS: statistic 1e-9 relative, p-value 1e-6 absolute, same method.
        #expect(closeRelative(result.ksStatistic!, e.ks_statistic), "ks D \(result.ksStatistic!) vs \(e.ks_statistic)")
        #expect(closeAbsolute(result.ksPValue!, e.ks_pvalue), "ks p \(result.ksPValue!) vs \(e.ks_pvalue)")
        #expect(result.ksMethod?.rawValue == e.ks_method)

        #expect(closeRelative(result.wassersteinRaw!, e.wasserstein_raw), "W \(result.wassersteinRaw!) vs \(e.wasserstein_raw)")
        #expect(closeRelative(result.wassersteinNormed!, e.wasserstein_normed))
        #expect(closeRelative(result.psi!, e.psi), "psi \(result.psi!) vs \(e.psi)")
        #expect(closeRelative(result.kl!, e.kl), "kl \(result.kl!) vs \(e.kl)")
        #expect(closeRelative(result.js!, e.js), "js \(result.js!) vs \(e.js)")

        // Bins and shares.
        if let edges = e.bin_edges {
            #expect(result.histogram.edges == edges, "numpy edges differ")
        } else if case .values(let values) = result.histogram.bins {
            #expect(values == e.bin_values)
        } else {
            Issue.record("expected discrete bins")
        }
        #expect(result.histogram.referenceShares == e.reference_shares)
        #expect(result.histogram.currentShares == e.current_shares)

        if let chi = e.chi2_pvalue {
            #expect(closeAbsolute(result.chi2PValue ?? -1, chi.value))
        }
        if let z = e.z_pvalue {
            #expect(closeAbsolute(result.zPValue ?? -1, z.value))
        }

        // Evidently's default test and decision.
        #expect(result.test.rawValue == e.default_test)
        #expect(result.threshold == e.default_threshold)
        #expect(result.detected == e.default_detected)
        if result.test.isPValue {
            #expect(closeAbsolute(result.score, e.default_score.value))
        } else {
            #expect(closeRelative(result.score, e.default_score.value))
        }
    }

    @Test(arguments: DriftFixtures.categorical)
    func categoricalCase(_ c: DriftFixtures.CategoricalCase) throws {
        let e = c.expected
        let result = try DriftCalculator.categorical(
            reference: CategoricalReference(counts: c.reference_counts), current: c.current_counts)
        #expect(closeRelative(result.psi!, e.psi), "psi \(result.psi!) vs \(e.psi)")
        #expect(closeRelative(result.kl!, e.kl), "kl \(result.kl!) vs \(e.kl)")
        #expect(closeRelative(result.js!, e.js), "js \(result.js!) vs \(e.js)")
        #expect(closeRelative(result.chi2Statistic!, e.chi2_statistic.value))
        #expect(closeAbsolute(result.chi2PValue!, e.chi2_pvalue.value))
        if let z = e.z_pvalue {
            #expect(closeAbsolute(result.zPValue ?? -1, z.value))
        }
        #expect(result.unseenCategories.sorted() == e.unseen)
        #expect(result.vanishedCategories.sorted() == e.vanished)
        #expect(result.histogram.labels.count == e.n_values)
        #expect(result.test.rawValue == e.default_test)
        #expect(result.threshold == e.default_threshold)
        #expect(result.detected == e.default_detected)
        #expect(closeAbsolute(result.score, e.default_score.value))
    }
}
