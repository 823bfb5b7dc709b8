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

    /// Per model, the baseline's answers by request id.
    private var baselineAnswers: [String: [String: Answer]] = [:]
    /// Per other version, its answers by request id.
    private var otherAnswers: [VersionKey: [String: Answer]] = [:]

    init(baseline: String) {
        self.baseline = baseline
    }

    mutating func add(_ e: UnsafePointer<PredictionEvent>) {
        guard e.pointee.prediction != .null, let id = e.pointee.requestID, !id.isEmpty else { return }
        let answer = Answer(prediction: e.pointee.prediction, time: e.pointee.timestamp)
        if e.pointee.version == baseline {
            Self.keepNewest(answer, id, in: &baselineAnswers[e.pointee.model, default: [:]])
        } else {
            Self.keepNewest(answer, id, in: &otherAnswers[VersionKey(model: e.pointee.model, version: e.pointee.version), default: [:]])
        }
    }

    private static func keepNewest(_ answer: Answer, _ id: String, in answers: inout [String: Answer]) {
        if let old = answers[id], old.time > answer.time { return }
        answers[id] = answer
    }

    /// Whether two (non-null) answers to one request agree.
    static func agree(_ a: OutputValue, _ b: OutputValue) -> Bool {
        a.sameClass(as: b)
    }

    /// One summary per non-baseline version of a model whose baseline answered in the window, in label order.
    func finish() -> [ShadowSummary] {
        var out: [ShadowSummary] = []
        for key in otherAnswers.keys.sorted(by: { ($0.model, $0.version) < ($1.model, $1.version) }) {
            guard let base = baselineAnswers[key.model] else { continue }
            var s = ShadowSummary(labels: Labels(["model": key.model, "version": key.version, "baseline": baseline]))
            var disagreements: [ShadowSummary.Disagreement] = []
            for (id, answer) in otherAnswers[key]! {
                guard let b = base[id] else { continue }
                s.pairs += 1
                if Self.agree(b.prediction, answer.prediction) {
                    s.agreements += 1
                } else {
                    disagreements.append(.init(requestID: id, baselinePrediction: b.prediction, prediction: answer.prediction,
                                               time: max(b.time, answer.time)))
                }
            }
            s.disagreements = Array(disagreements.sorted { ($0.time, $0.requestID) > ($1.time, $1.requestID) }
                .prefix(Self.maxDisagreements))
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
