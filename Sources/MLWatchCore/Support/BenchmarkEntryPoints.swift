/// Internals that `mlwatch-bench` times on their own and that are not public API. SPI
/// (`@_spi(Benchmarks) import`), so the public surface of MLWatchCore does not change.
@_spi(Benchmarks) public enum BenchmarkEntryPoints {
    /// KS statistic and raw Wasserstein distance of a sorted, finite current sample against a reference:
    /// by the merge of both samples, or by binary searches into the reference (`TwoSampleSweep+Search`).
    public static func sweep(_ reference: NumericReference, sortedCurrent: [Double], search: Bool)
        -> (ks: Double, wasserstein: Double)
    {
        let s = search
            ? TwoSampleSweep.search(reference: reference, sortedCurrent: sortedCurrent)
            : TwoSampleSweep.run(sortedA: reference.sortedValues, sortedB: sortedCurrent)
        return (s.ksStatistic, s.wassersteinRaw)
    }

    /// Whether `DriftCalculator` takes the search path for these sizes.
    public static func searchIsCheaper(current n: Int, reference m: Int) -> Bool {
        TwoSampleSweep.searchIsCheaper(current: n, reference: m)
    }
}
