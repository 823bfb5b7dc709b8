/// Pairs each non-baseline version's predictions with the baseline's by request id, within one window:
/// `shadow_pairs_total{model,version,baseline}` counts the request ids both answered, and
/// `shadow_agreement_rate{…}` is the share of those with the same prediction (same class, or the same
/// number). A null output is not an answer (a burst of them shows in `output_null_rate`, not here). A
/// canary serves other requests than the baseline: it has no pairs, `shadow_pairs_total` 0 and no
/// agreement rate. When a version answers an id twice in the window (a retry), its newest answer counts.
///
/// Fed once per prediction of the window (`add`), then read (`finish`).
/// - Complexity: O(n) expected for n predictions with a request id (two dictionaries of ids), memory O(n).
struct ShadowPairing {
    let baseline: String
    /// How many disagreeing request ids a summary keeps (the newest).
    static let maxDisagreements = 5

    private struct Answer {
        var prediction: OutputValue
        var time: Double
    }

    private struct VersionKey: Hashable {
        var model: String
        var version: String
    }

    /// Each model's baseline answers by request id, and each other version's; found by the last slot
    /// used (consecutive predictions mostly share their version), not by hashing model and version.
    private var versions: [VersionKey] = []
    private var answers: [[String: Answer]] = []
    private var slots: [VersionKey: Int] = [:]
    private var last: (model: String, version: String, slot: Int)?
    /// Capacity to reserve for a version's answers (the window's size): no rehashing while it fills.
    private let expected: Int

    /// - Parameter expected: about how many predictions will be added.
    init(baseline: String, expected: Int = 0) {
        self.baseline = baseline
        self.expected = expected
    }

    private mutating func slot(model: String, version: String) -> Int {
        if let last, last.model == model, last.version == version { return last.slot }
        let key = VersionKey(model: model, version: version)
        let slot = slots[key] ?? {
            versions.append(key)
            var fresh: [String: Answer] = [:]
            fresh.reserveCapacity(version == baseline ? expected : expected / 2)
            answers.append(fresh)
            slots[key] = versions.count - 1
            return versions.count - 1
        }()
        last = (model, version, slot)
        return slot
    }

    mutating func add<P: PredictionFields>(_ e: P) {
        guard e.prediction != .null, let id = e.requestID, !id.isEmpty else { return }
        let s = slot(model: e.model, version: e.version)
        let answer = Answer(prediction: e.prediction, time: e.timestamp)
        // The newest answer of a version to an id counts (a retry replaces an earlier one); one lookup.
        func keepNewest(_ kept: inout Answer) { if answer.time >= kept.time { kept = answer } }
        keepNewest(&answers[s][id, default: answer])
    }

    /// Whether two (non-null) answers to one request agree.
    static func agree(_ a: OutputValue, _ b: OutputValue) -> Bool {
        a.sameClass(as: b)
    }

    /// One summary per non-baseline version of a model whose baseline answered in the window, in label order.
    func finish() -> [ShadowSummary] {
        var out: [ShadowSummary] = []
        for (i, key) in versions.enumerated().sorted(by: { ($0.element.model, $0.element.version) < ($1.element.model, $1.element.version) })
        where key.version != baseline {
            guard let b = slots[VersionKey(model: key.model, version: baseline)] else { continue }
            let base = answers[b]
            var s = ShadowSummary(labels: Labels(["model": key.model, "version": key.version, "baseline": baseline]))
            // The newest disagreements, kept sorted newest first while the pairs are counted.
            var newest: [ShadowSummary.Disagreement] = []
            func newer(_ a: ShadowSummary.Disagreement, _ b: ShadowSummary.Disagreement) -> Bool {
                (a.time, a.requestID) > (b.time, b.requestID)
            }
            for (id, answer) in answers[i] {
                guard let b = base[id] else { continue }
                s.pairs += 1
                if Self.agree(b.prediction, answer.prediction) {
                    s.agreements += 1
                    continue
                }
                let d = ShadowSummary.Disagreement(requestID: id, baselinePrediction: b.prediction, prediction: answer.prediction,
                                                   time: max(b.time, answer.time))
                if newest.count == Self.maxDisagreements, let oldest = newest.last, !newer(d, oldest) { continue }
                newest.insert(d, at: newest.firstIndex { newer(d, $0) } ?? newest.count)
                if newest.count > Self.maxDisagreements { newest.removeLast() }
            }
            s.disagreements = newest
            out.append(s)
        }
        return out
    }

    /// The metric samples of the summaries.
    static func emit(_ summaries: [ShadowSummary], into out: inout [MetricSample]) {
        for s in summaries {
            out.append(MetricSample(name: "shadow_pairs_total", labels: s.labels, value: Double(s.pairs)))
            if let rate = s.agreementRate { out.append(MetricSample(name: "shadow_agreement_rate", labels: s.labels, value: rate)) }
        }
    }

    static let metricNames: Set<String> = ["shadow_pairs_total", "shadow_agreement_rate"]
}
