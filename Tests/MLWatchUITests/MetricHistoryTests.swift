import MLWatchCore
import Testing
@testable import MLWatchUI

@Suite("Metric history")
struct MetricHistoryTests {
    static func snapshot(at t: Double, _ values: [String: Double]) -> Snapshot {
        Snapshot(windowTo: t, metrics: values.map { MetricSample(name: $0.key, labels: Labels(["model": "m"]), value: $0.value) })
    }

    @Test("a ring keeps the newest `capacity` values of each series")
    func ringCapacity() {
        var h = MetricHistory(capacity: 3)
        for t in 1...5 { h.record(Self.snapshot(at: Double(t), ["a": Double(t) * 10])) }
        #expect(h.values("a", Labels(["model": "m"])) == [30, 40, 50])
        #expect(h.values("b", Labels(["model": "m"])).isEmpty)
    }

    @Test("going back in a replay drops only the values recorded after the new position, wherever they sit")
    func truncateAfterBackwardSeek() {
        var h = MetricHistory(capacity: 100)
        let labels = Labels(["model": "m"])
        // A replay up to t = 10, a jump to the end (t = 50), then the seek back to t = 6.
        for t in 1...10 { h.record(Self.snapshot(at: Double(t), ["a": Double(t), "b": -Double(t)])) }
        h.record(Self.snapshot(at: 50, ["a": 50, "c": 1]))
        // The UI records the first snapshot after the seek before it learns of the rebuild.
        h.record(Self.snapshot(at: 6, ["a": 6.5]))
        h.truncate(after: 6)
        #expect(h.values("a", labels) == [1, 2, 3, 4, 5, 6, 6.5])
        #expect(h.values("b", labels) == [-1, -2, -3, -4, -5, -6])
        #expect(h.values("c", labels).isEmpty)
        h.record(Self.snapshot(at: 7, ["a": 7, "c": 2]))
        #expect(h.values("a", labels).suffix(2) == [6.5, 7])
        #expect(h.values("c", labels) == [2])
    }
}
