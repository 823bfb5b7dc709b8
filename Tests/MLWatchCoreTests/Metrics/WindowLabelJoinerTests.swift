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

@Suite("Pending index")
struct PendingIndexTests {
    /// The joiner's semantics written plainly: an arrival-ordered list, a dictionary of the current
    /// entry per id, dead entries popped without effect.
    struct NaiveJoiner {
        let maxPending: Int
        let ttl: Double
        var order: [(id: String, time: Double, sequence: Int, live: Bool)] = []
        var head = 0
        var current: [String: Int] = [:]
        var expired = 0, matched = 0, unmatched = 0

        mutating func expect(_ id: String, at time: Double, sequence: Int) {
            if let k = current[id] { order[k].live = false }
            order.append((id, time, sequence, true))
            current[id] = order.count - 1
            while current.count > maxPending, head < order.count { pop() }
        }

        mutating func receive(_ id: String, at now: Double) -> LabelJoiner.Match? {
            var m: LabelJoiner.Match?
            if let k = current.removeValue(forKey: id) {
                order[k].live = false
                m = LabelJoiner.Match(time: order[k].time, sequence: order[k].sequence)
                matched += 1
            } else {
                unmatched += 1
            }
            expire(now: now)
            return m
        }

        mutating func expire(now: Double) {
            while head < order.count, order[head].time < now - ttl { pop() }
        }

        private mutating func pop() {
            let e = order[head]
            if e.live {
                current[e.id] = nil
                expired += 1
            }
            head += 1
        }
    }

    /// Random predictions (re-used ids, so probe chains collide and entries die by replacement), labels
    /// (known and unknown ids), expiries by time and by `maxPending`, and compactions, against the naive
    /// joiner. Event times never go back, so the compaction of dead entries cannot change which entries
    /// are due (a dead entry at the head never holds back a due one behind it).
    @Test("agrees with a naive joiner under random predictions, labels and expiries")
    func matchesNaiveJoiner() {
        for (seed, maxPending, universe) in [(UInt64(5), 1000, 3000), (6, 50, 200), (7, 100_000, 40_000)] {
            var rng = PTRandom(seed: seed)
            var j = LabelJoiner(maxPending: maxPending, ttl: 500)
            var naive = NaiveJoiner(maxPending: maxPending, ttl: 500)
            var t = 0.0
            for step in 0..<150_000 {
                t += rng.uniform() * 0.02
                let id = "req-\(rng.next() % UInt64(universe))"
                if rng.chance(0.6) {
                    j.expect(id, at: t, sequence: step)
                    naive.expect(id, at: t, sequence: step)
                    if rng.chance(0.5) {
                        j.expire(now: t)
                        naive.expire(now: t)
                    }
                } else {
                    let label = LabelEvent(timestamp: t, requestID: id, label: .number(1))
                    #expect(j.receive(label) == naive.receive(id, at: t))
                }
                if step % 1000 == 0 {
                    #expect(j.pendingCount == naive.current.count)
                    #expect(j.expired == naive.expired && j.matched == naive.matched && j.unmatched == naive.unmatched)
                    #expect(j.queuedCount <= 2 * max(j.pendingCount, maxPending) + 1025)
                }
            }
            #expect(j.pendingCount == naive.current.count)
            #expect(j.expired == naive.expired && j.matched == naive.matched && j.unmatched == naive.unmatched)
        }
    }
}
