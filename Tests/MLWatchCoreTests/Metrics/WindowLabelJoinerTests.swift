import Testing
@testable import MLWatchCore

@Suite("Window label joiner")
struct WindowLabelJoinerTests {
    @Test("a label for a prediction that left every window is counted but not kept")
    func labelAfterEviction() {
        var j = LabelJoiner()
        j.expect("a", at: 0)
        j.expect("b", at: 1)
        j.forget("a")  // evicted before its label came
        j.receive(LabelEvent(timestamp: 700, requestID: "a", label: .number(1)))
        j.receive(LabelEvent(timestamp: 701, requestID: "b", label: .number(0)))
        #expect(j.matched == 2 && j.unmatched == 0)
        #expect(j.label(for: "a") == nil)
        #expect(j.label(for: "b") == .number(0))
        #expect(j.joined.count == 1)
    }

    @Test("a re-used request id expires with its newest prediction")
    func reusedIDExpires() {
        var j = LabelJoiner(ttl: 100)
        j.expect("a", at: 0)
        j.expect("a", at: 50)
        j.expire(now: 120)
        #expect(j.pendingCount == 1 && j.expired == 0)
        j.expire(now: 151)
        #expect(j.pendingCount == 0 && j.expired == 1)
    }

    @Test("memory stays bounded when every prediction is labelled at once, or never")
    func bounded() {
        var j = LabelJoiner(maxPending: 1000, ttl: 1e9)
        for i in 0..<200_000 {
            let id = "r\(i)"
            j.expect(id, at: Double(i))
            if i % 2 == 0 { j.receive(LabelEvent(timestamp: Double(i), requestID: id, label: .number(1))) }
            j.forget(id)
        }
        #expect(j.pendingCount <= 1000)
        #expect(j.queuedCount <= 2 * 1000 + 1025)
        #expect(j.joined.isEmpty)
        #expect(j.matched == 100_000 && j.expired == 100_000 - 1000)
    }
}
