import Testing
@testable import MLWatchCore

@Suite("Windowed prediction record")
struct WindowedPredictionTests {
    @Test("every output reads back as encoded, and class names go with their last code")
    func outputCodes() {
        var strings = CategoryTable()
        let values: [OutputValue?] = [
            nil, .null, .label(""), .label("fraud"), .label("a class name longer than fifteen bytes"), .label("e\u{301}"),
            .number(0), .number(-0.0), .number(1), .number(0.25), .number(.infinity), .number(-.infinity),
            .number(.greatestFiniteMagnitude), .number(.leastNonzeroMagnitude),
        ]
        let codes = values.map { OutputCode.encode($0, strings: &strings) }
        #expect(strings.count == 4)
        strings.withStrings { s in
            for (v, c) in zip(values, codes) {
                let back = OutputCode.decode(c, strings: s)
                #expect(back == v)
                if case .number(let d)? = v, case .number(let e)? = back { #expect(d.bitPattern == e.bitPattern) }
            }
        }
        // A NaN reads back as a NaN, also one carrying the tag prefix.
        for bits in [Double.nan.bitPattern, FeatureSlab.tagPrefix | 0x1234] {
            let c = OutputCode.encode(.number(Double(bitPattern: bits)), strings: &strings)
            strings.withStrings { s in
                if case .number(let d)? = OutputCode.decode(c, strings: s) { #expect(d.isNaN) } else { Issue.record("not a number") }
            }
        }
        for c in codes { OutputCode.release(c, strings: &strings) }
        #expect(strings.count == 0)
    }

    @Test("a stream is one number while any prediction names it; equal strings of another schema are another stream")
    func streams() {
        var table = StreamTable()
        let schema = FeatureSchema(names: ["a", "b"])
        let other = FeatureSchema(names: ["a", "b"])
        let long = "a model name longer than fifteen bytes"
        let a = table.retain(model: "fraud", version: "v3", schema: schema)
        #expect(table.retain(model: "fraud", version: "v3", schema: schema) == a)
        #expect(table.retain(model: String("fraud".reversed().reversed()), version: "v3", schema: schema) == a)
        let b = table.retain(model: "fraud", version: "v3", schema: other)
        let c = table.retain(model: long, version: "v3", schema: schema)
        #expect(Set([a, b, c]).count == 3)
        #expect(table.retain(model: String(long.reversed().reversed()), version: "v3", schema: schema) == c)
        #expect(table.count == 3)
        table.withStreams { s in
            #expect(s[Int(c)].model == long && s[Int(c)].schema === schema && s[Int(c)].featureCount == 2)
            #expect(s[Int(b)].schema === other)
        }
        for _ in 0..<3 { table.release(a) }
        #expect(table.count == 2)
        // The freed number is reused for a new stream, and the fast path does not answer with the old one.
        let d = table.retain(model: "fraud", version: "v4", schema: schema)
        #expect(d == a)
        let e = table.retain(model: "fraud", version: "v3", schema: schema)
        #expect(e != d)
        table.withStreams { s in
            #expect(s[Int(d)].version == "v4" && s[Int(e)].version == "v3")
        }
    }

    @Test("a window reads back every field of its predictions, finds labelled ones by arrival number among equal times, and empties its tables")
    func windowRoundTrip() {
        var window = EventWindow(spec: .time(size: 60, slide: 10), lateness: 30, keepsRequestIDs: true)
        let schema = FeatureSchema(names: ["x", "kind"])
        func event(_ t: Double, _ i: Int) -> PredictionEvent {
            PredictionEvent(
                timestamp: t, model: i % 3 == 0 ? "m" : "n", version: "v\(i % 2)", requestID: i % 5 == 0 ? nil : "r\(i)",
                latencyMs: i % 4 == 0 ? nil : Double(i), status: i % 7 == 0 ? "ERROR" : "ok",
                features: FeatureRow(schema: schema, values: [.number(Double(i)), .string("k\(i % 4)")]),
                prediction: i % 6 == 0 ? .label("c\(i % 3)") : .number(Double(i % 2)), score: i % 3 == 0 ? nil : 0.5,
                feedback: i % 8 == 0 ? "good" : nil, inlineLabel: i % 9 == 0 ? .label("y") : nil)
        }
        // Several predictions at each time, some out of order.
        let times: [Double] = [1, 2, 2, 2, 3, 1.5, 2, 4, 4, 3.5, 5, 5, 5]
        var expected: [(t: Double, i: Int)] = []
        for (i, t) in times.enumerated() {
            #expect(window.insert(event(t, i)) != nil)
            expected.append((t, i))
        }
        expected.sort { $0.t < $1.t || ($0.t == $1.t && $0.i < $1.i) }
        for (k, x) in expected.enumerated() {
            let e = event(x.t, x.i)
            window.withPrediction(at: k) { p in
                #expect(p.timestamp == e.timestamp && p.model == e.model && p.version == e.version)
                #expect(p.requestID == e.requestID && p.latencyMs == e.latencyMs && p.score == e.score)
                #expect(p.isError == e.isError && p.prediction == e.prediction && p.feedback == e.feedback)
                #expect(p.inlineLabel == e.inlineLabel && p.joinedLabel == nil && p.schema === schema)
                #expect((0..<p.featureCount).map { p.features[$0] } == e.features.values)
            }
            // The label joiner's match: the prediction's time and arrival number.
            #expect(window.predictionIndex(match: LabelJoiner.Match(time: x.t, sequence: x.i)) == k)
        }
        #expect(window.predictionIndex(match: LabelJoiner.Match(time: 2, sequence: 4)) == nil)
        let k = expected.firstIndex { $0.i == 3 }!
        window.setJoinedLabel(.label("late"), at: k)
        window.setJoinedLabel(.number(1), at: k)
        window.withPrediction(at: k) { p in
            #expect(p.joinedLabel == .number(1) && p.label == .number(1) && p.inlineLabel == nil)
        }
        // An inline label stays (a joined one never arrives for it; if it did, it would not count).
        let inline = expected.firstIndex { $0.i == 9 }!
        window.setJoinedLabel(.label("other"), at: inline)
        window.withPrediction(at: inline) { p in #expect(p.label == .label("y") && p.joinedLabel == nil) }
        var evicted = 0
        // Predictions that left the window are not found; those still held are, at their new places.
        window.evict(upTo: 2) { _ in evicted += 1 }
        #expect(evicted == 6)
        #expect(window.predictionIndex(match: LabelJoiner.Match(time: 1.5, sequence: 5)) == nil)
        #expect(window.predictionIndex(match: LabelJoiner.Match(time: 2, sequence: 6)) == nil)
        #expect(window.predictionIndex(match: LabelJoiner.Match(time: 3.5, sequence: 9)) == 1)
        window.evict(upTo: 10) { _ in evicted += 1 }
        #expect(evicted == times.count && window.predictions.isEmpty)
        #expect(window.features.categories.count == 0 && window.streams.count == 0 && window.strings.count == 0)
    }
}
