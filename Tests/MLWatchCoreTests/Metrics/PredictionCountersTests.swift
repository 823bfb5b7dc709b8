import Foundation
import Testing
@testable import MLWatchCore

@Suite struct PredictionCountersTests {
    private func prediction(_ model: String, _ version: String, latency: Double?, status: String? = "ok",
                            label: OutputValue? = nil) -> PredictionEvent {
        PredictionEvent(timestamp: 0, model: model, version: version, latencyMs: latency, status: status, inlineLabel: label)
    }

    @Test func countsPerModelAndVersionWithALatencyHistogram() {
        var c = PredictionCounters(latencyBuckets: [0.01, 0.1, 1])
        c.record(prediction("a", "v1", latency: 5))      // 0.005 s: first bucket
        c.record(prediction("a", "v1", latency: 10))     // 0.01 s exactly: still the first (le is inclusive)
        c.record(prediction("a", "v1", latency: 50, status: "500"))
        c.record(prediction("b", "v1", latency: 2000))   // above every bound
        c.record(prediction("a", "v1", latency: nil, label: .number(1)))
        c.record(prediction("a", "v1", latency: .nan))
        c.recordLabel(model: "b", version: "v1")
        #expect(c.keys == [.init(model: "a", version: "v1"), .init(model: "b", version: "v1")])
        #expect(c.totals.map(\.events) == [5, 1])
        #expect(c.totals.map(\.errors) == [1, 0])
        #expect(c.totals.map(\.labels) == [1, 1])
        #expect(c.totals.map(\.latencyCount) == [3, 1])
        #expect(abs(c.totals[0].latencySum - 0.065) < 1e-15)
        #expect(c.cumulativeBuckets(0) == [2, 3, 3, 3])
        #expect(c.cumulativeBuckets(1) == [0, 0, 0, 1])
    }

    @Test func boundsAreCleanedAndSorted() {
        let c = PredictionCounters(latencyBuckets: [1, .nan, 0.5, -1, 0.5, .infinity])
        #expect(c.latencyBounds == [0.5, 1])
    }

    @Test func pairsPastTheLimitFoldIntoOther() {
        var c = PredictionCounters(maxSeries: 3)
        for i in 0..<10 { c.record(prediction("m\(i)", "v", latency: 1)) }
        #expect(c.keys.count == 4)
        #expect(c.keys.last == .init(model: "__other__", version: "__other__"))
        #expect(c.totals.map(\.events) == [1, 1, 1, 7])
        // A pair seen before the limit keeps its own series.
        c.record(prediction("m1", "v", latency: 1))
        #expect(c.totals.map(\.events) == [1, 2, 1, 7])
    }

    @Test func monitorStateCountsReadPredictionsAndJoinedLabels() {
        // Live at the end of the log (the wall clock just after it: nothing is held for confirmation).
        let state = MonitorState(options: CollectorOptions(window: .time(size: 600, slide: 30), lateness: 0), wallClock: { 1010 })
        state.ingestLine(#"{"ts":1000,"model":"m","version":"v1","request_id":"r1","latency_ms":20,"status":"ok"}"#)
        state.ingestLine(#"{"ts":1001,"model":"m","version":"v1","request_id":"r2","latency_ms":200,"status":"error"}"#)
        state.ingestLine(#"{"ts":1002,"type":"label","request_id":"r1","label":1}"#)
        state.ingestLine(#"{"ts":990,"model":"m","version":"v1","request_id":"r3","latency_ms":20}"#)  // late: read, not placed
        let snap = state.snapshot(now: 0)
        #expect(snap.counters.keys == [.init(model: "m", version: "v1")])
        #expect(snap.counters.totals.map(\.events) == [3])
        #expect(snap.counters.totals.map(\.errors) == [1])
        #expect(snap.counters.totals.map(\.labels) == [1])
        #expect(snap.counters.totals.map(\.latencyCount) == [3])
        #expect(snap.late == 1)
        #expect(state.copy().counters == state.counters)
    }
}
