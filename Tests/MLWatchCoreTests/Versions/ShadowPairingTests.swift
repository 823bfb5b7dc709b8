import Testing

@testable import MLWatchCore

@Suite("Shadow pairing")
struct ShadowPairingTests {
    private func event(_ t: Double, _ version: String, _ id: String?, _ prediction: OutputValue, model: String = "m") -> PredictionEvent {
        PredictionEvent(timestamp: t, model: model, version: version, requestID: id, prediction: prediction)
    }

    private func run(_ events: [PredictionEvent], baseline: String = "v1") -> [ShadowSummary] {
        var p = ShadowPairing(baseline: baseline)
        for e in events { withUnsafePointer(to: e) { p.add($0) } }
        return p.finish()
    }

    @Test("agreement among the request ids both versions answered")
    func agreement() throws {
        var events: [PredictionEvent] = []
        for i in 0..<10 {
            events.append(event(Double(i), "v1", "r\(i)", .number(1)))
            if i < 8 { events.append(event(Double(i) + 0.1, "v2", "r\(i)", .number(i < 6 ? 1 : 0))) }
        }
        // v2 also answers requests v1 never saw: not pairs.
        events.append(event(20, "v2", "lonely", .number(1)))
        let s = try #require(run(events).first)
        #expect(s.labels == Labels(["model": "m", "version": "v2", "baseline": "v1"]))
        #expect(s.pairs == 8 && s.agreements == 6)
        #expect(s.agreementRate == 0.75)
        #expect(s.disagreements.map(\.requestID) == ["r7", "r6"], "newest first")
        #expect(s.disagreements.first?.baselinePrediction == .number(1) && s.disagreements.first?.prediction == .number(0))
    }

    @Test("a canary answers other requests: no pairs, no agreement rate")
    func canaryHasNoPairs() throws {
        let s = try #require(run([event(1, "v1", "a", .number(1)), event(2, "v2", "b", .number(1))]).first)
        #expect(s.pairs == 0 && s.agreementRate == nil)
        var metrics: [MetricSample] = []
        ShadowPairing.emit([s], into: &metrics)
        #expect(metrics.map(\.name) == ["shadow_pairs_total"])
    }

    @Test("a retry counts with its newest answer; classes compare by key; a null output is not an answer")
    func retriesAndClasses() throws {
        let s = try #require(run([
            event(1, "v1", "a", .number(1)), event(2, "v2", "a", .number(0)), event(3, "v2", "a", .label("1")),
            event(4, "v1", "b", .null), event(5, "v2", "b", .null),
            event(6, "v1", "c", .null), event(7, "v2", "c", .number(1)),
            event(8, "v1", "d", .number(0)), event(9, "v2", "d", .number(1)),
            event(10, "v1", nil, .number(1)), event(11, "v2", nil, .number(1)),
        ]).first)
        #expect(s.pairs == 2 && s.agreements == 1)
        #expect(s.disagreements.map(\.requestID) == ["d"])
    }

    @Test("models are paired separately, and only with their own baseline")
    func perModel() {
        let out = run([
            event(1, "v1", "a", .number(1), model: "x"), event(2, "v2", "a", .number(1), model: "x"),
            event(3, "v2", "a", .number(1), model: "y"),
        ])
        #expect(out.count == 1 && out[0].labels["model"] == "x" && out[0].pairs == 1)
    }
}

@Suite("Label joiner siblings (shadow versions)")
struct LabelJoinerSiblingTests {
    private func label(_ id: String, at t: Double = 100) -> LabelEvent {
        LabelEvent(timestamp: t, requestID: id, label: .number(1))
    }

    /// Every prediction a label joins: the first match and its siblings, one per group.
    private func all(_ j: inout LabelJoiner, _ l: LabelEvent) -> [LabelJoiner.Match] {
        guard let first = j.receive(l) else { return [] }
        var out = [first]
        var next = first.sibling
        while let p = next, let m = j.takeSibling(at: p, requestID: l.requestID) {
            out.append(m)
            next = m.sibling
        }
        return out
    }

    @Test("a label joins the prediction of every version that answered the request")
    func joinsBothVersions() {
        var j = LabelJoiner(joinsSiblings: true)
        j.expect("r1", at: 10, sequence: 0, group: 1)
        j.expect("r1", at: 10.5, sequence: 1, group: 2)
        j.expect("r2", at: 11, sequence: 2, group: 1)
        #expect(j.pendingCount == 3)
        let matches = all(&j, label("r1"))
        #expect(matches.map(\.sequence) == [1, 0])
        #expect(matches.map(\.group) == [2, 1])
        #expect(j.pendingCount == 1 && j.matched == 1)
        #expect(all(&j, label("r1")).isEmpty, "a second label finds nothing")
    }

    @Test("without siblings (no compare) a re-used id still waits with its newest prediction only")
    func offKeepsOldBehaviour() {
        var j = LabelJoiner()
        j.expect("r1", at: 10, sequence: 0, group: 1)
        j.expect("r1", at: 11, sequence: 1, group: 2)
        let matches = all(&j, label("r1"))
        #expect(matches.map(\.sequence) == [1])
        #expect(j.pendingCount == 0)
    }

    @Test("a retry of the same version replaces its older prediction and keeps the other version's")
    func sameVersionRetry() {
        var j = LabelJoiner(joinsSiblings: true)
        j.expect("r1", at: 10, sequence: 0, group: 1)
        j.expect("r1", at: 11, sequence: 1, group: 2)
        j.expect("r1", at: 12, sequence: 2, group: 2)
        #expect(j.pendingCount == 2)
        #expect(all(&j, label("r1")).map(\.sequence) == [2, 0])
    }

    @Test("siblings expire with their time and count as expired")
    func siblingsExpire() {
        var j = LabelJoiner(ttl: 100, joinsSiblings: true)
        j.expect("r1", at: 0, sequence: 0, group: 1)
        j.expect("r1", at: 50, sequence: 1, group: 2)
        j.expire(now: 120)
        #expect(j.pendingCount == 1 && j.expired == 1)
        #expect(all(&j, label("r1", at: 120)).map(\.sequence) == [1])
    }

    @Test("links survive compaction and bounded memory with every request shadowed")
    func compactionKeepsLinks() {
        var j = LabelJoiner(maxPending: 10_000, ttl: 1e9, joinsSiblings: true)
        var joined = 0
        var labels = 0
        for i in 0..<50_000 {
            let id = "r\(i)"
            j.expect(id, at: Double(i), sequence: 2 * i, group: 1)
            j.expect(id, at: Double(i), sequence: 2 * i + 1, group: 2)
            // Label most requests soon (dead entries build up and force compactions); every fifth never, so
            // the pending bound pushes old ones out too.
            if i >= 10, i % 5 != 0 {
                labels += 1
                joined += all(&j, label("r\(i - 10)", at: Double(i))).count
            }
        }
        #expect(labels == 39_992)
        #expect(joined == 2 * labels, "each label joined both versions' predictions")
        #expect(j.pendingCount <= 10_000)
        #expect(j.queuedCount <= 2 * 10_000 + 1025)
    }
}
