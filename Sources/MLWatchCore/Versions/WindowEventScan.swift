/// The metrics that need each prediction of a window once more, in one pass: shadow agreement (pairs of
/// request ids, `ShadowPairing`) and fairness across groups (`FairnessCalculator`). Only runs when
/// `compare` or `fairness` is configured (and, for rule evaluations, when a rule reads one of them).
/// - Complexity: O(n) for the n predictions of the window.
struct WindowEventScan {
    var pairing: ShadowPairing?
    var fairness: FairnessCalculator?

    /// Nil when there is nothing to compute.
    /// - Parameter expected: about how many predictions the scan will read.
    init?(compare: CompareOptions?, fairness: FairnessOptions?, metricNames: Set<String>?, expected: Int = 0) {
        func wanted(_ names: Set<String>) -> Bool { metricNames.map { !$0.isDisjoint(with: names) } ?? true }
        if let compare, wanted(ShadowPairing.metricNames) { pairing = ShadowPairing(baseline: compare.baseline, expected: expected) }
        if let fairness, wanted(FairnessCalculator.metricNames) { self.fairness = FairnessCalculator(options: fairness) }
        if pairing == nil && self.fairness == nil { return nil }
    }

    /// Reads the predictions at `range` of `window`.
    mutating func scan(_ window: EventWindow, range: Range<Int>) {
        for i in range {
            window.withPrediction(at: i) { e in
                pairing?.add(e)
                fairness?.add(e)
            }
        }
    }

    /// Adds the results to `out`: metrics, summaries (shadows into their version's column) and warnings.
    func finish(into out: inout WindowMetrics) {
        if let pairing {
            let shadows = pairing.finish()
            ShadowPairing.emit(shadows, into: &out.metrics)
            for s in shadows {
                guard let model = s.labels["model"], let version = s.labels["version"],
                      let m = out.versions.firstIndex(where: { $0.model == model }),
                      let v = out.versions[m].versions.firstIndex(where: { $0.version == version })
                else { continue }
                out.versions[m].versions[v].shadow = s
            }
        }
        if let fairness {
            let (metrics, summaries, warnings) = fairness.finish()
            out.metrics.append(contentsOf: metrics)
            out.fairness.append(contentsOf: summaries)
            out.warnings.append(contentsOf: warnings)
        }
    }
}
