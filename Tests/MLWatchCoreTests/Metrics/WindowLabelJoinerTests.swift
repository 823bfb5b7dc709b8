import Testing
@testable import MLWatchCore

@Suite("Window label joiner")
struct WindowLabelJoinerTests {
    @Test("a label names the prediction it belongs to; an unknown or second one is unmatched")
    func labelMatchesItsPrediction() {
        var j = LabelJoiner()
        j.expect("a", at: 10, sequence: 0)
        j.expect("b", at: 11, sequence: 1)
        #expect(j.receive(LabelEvent(timestamp: 700, requestID: "b", label: .number(0))) == .init(time: 11, sequence: 1))
        #expect(j.receive(LabelEvent(timestamp: 701, requestID: "b", label: .number(1))) == nil)
        #expect(j.receive(LabelEvent(timestamp: 702, requestID: "zz", label: .number(1))) == nil)
        #expect(j.matched == 1 && j.unmatched == 2 && j.pendingCount == 1)
    }

    @Test("a re-used request id is matched to its newest prediction")
    func reusedIDMatchesNewest() {
        var j = LabelJoiner()
        j.expect("a", at: 10, sequence: 0)
        j.expect("a", at: 20, sequence: 5)
        #expect(j.receive(LabelEvent(timestamp: 30, requestID: "a", label: .label("x"))) == .init(time: 20, sequence: 5))
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
            if i % 2 == 0 { _ = j.receive(LabelEvent(timestamp: Double(i), requestID: id, label: .number(1))) }
        }
        #expect(j.pendingCount <= 1000)
        #expect(j.queuedCount <= 2 * 1000 + 1025)
        #expect(j.matched == 100_000 && j.expired == 100_000 - 1000)
    }
}

@Suite("Pending table")
struct PendingTableTests {
    /// Random inserts, replacements and removals (which shift entries back) against a Dictionary, with
    /// few distinct ids so that probe chains wrap and collide.
    @Test("agrees with a Dictionary under random set/remove")
    func matchesDictionary() {
        var rng = PTRandom(seed: 5)
        var table = PendingTable()
        var reference: [String: LabelJoiner.Match] = [:]
        for step in 0..<200_000 {
            let universe = step < 100_000 ? 300 : 5000
            let id = "req-\(rng.next() % UInt64(universe))"
            let hash = PendingTable.key(id)
            if rng.chance(0.55) {
                let m = LabelJoiner.Match(time: Double(step), sequence: step)
                table.set(id, hash: hash, m)
                reference[id] = m
            } else {
                #expect(table.remove(id, hash: hash) == reference.removeValue(forKey: id))
            }
            #expect(table.count == reference.count)
            if step % 10_000 == 0 {
                for (k, v) in reference {
                    #expect(table.find(k, hash: PendingTable.key(k)).map { table.match(at: $0) } == v)
                }
            }
        }
    }
}
