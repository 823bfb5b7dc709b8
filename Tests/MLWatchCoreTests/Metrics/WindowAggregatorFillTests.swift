import Testing
@testable import MLWatchCore

@Suite("Window aggregator: a fill from empty")
struct WindowAggregatorFillTests {
    /// A window of `n` predictions over many model/version streams (more than the group cap), two schemas,
    /// some predictions without latency, score or features.
    static func window(n: Int, seed: UInt64) -> EventWindow {
        var rng = PTRandom(seed: seed)
        var w = EventWindow(spec: .time(size: 1e9, slide: 1), lateness: 0)
        let schemas = [FeatureSchema(names: ["x", "country", "note"]), FeatureSchema(names: ["country", "x"])]
        for i in 0..<n {
            let model = "m\(rng.next() % (i < n / 2 ? 3 : 12))"
            let schema = schemas[Int(rng.next() % 2)]
            let values: [FeatureValue] = schema.names.map { name in
                switch name {
                case "x": return rng.chance(0.1) ? .missing : .number(rng.normal())
                case "country": return .string(["DE", "FR", "US"][Int(rng.next() % 3)])
                default: return .text(length: Int(rng.next() % 40))
                }
            }
            let e = PredictionEvent(
                timestamp: Double(i), model: model, version: "v\(rng.next() % 2)",
                latencyMs: rng.chance(0.2) ? nil : rng.normal() + 10,
                features: rng.chance(0.05) ? FeatureRow() : FeatureRow(schema: schema, values: values),
                prediction: .number(rng.uniform()), score: rng.chance(0.3) ? nil : rng.uniform())
            _ = w.insert(e)
        }
        return w
    }

    @Test("routing the events first (to size the columns) gives the groups, in the order and with the values, that adding them one by one gives",
          arguments: [nil, "country"])
    func sameAsOneByOne(segmentBy: String?) {
        let n = 9000  // above the size from which a fill is routed first
        let w = Self.window(n: n, seed: segmentBy == nil ? 1 : 2)
        let options = MetricOptions(segmentBy: segmentBy, maxGroups: 6)
        var filled = WindowAggregator(options: options)
        filled.move(from: -1, to: Double(n), window: w)
        // The same events, added one by one without a fill hint.
        var oneByOne = WindowAggregator(options: options)
        for i in 0..<n { w.withPrediction(at: i) { oneByOne.apply($0, sign: 1) } }
        #expect(filled.keys == oneByOne.keys)
        #expect(filled.keys.count > 6)
        for g in filled.groups.indices {
            let (a, b) = (filled.groups[g], oneByOne.groups[g])
            #expect(a.count == b.count && a.errors == b.errors)
            var (x, y) = (a, b)
            #expect(x.sortedLatencies() == y.sortedLatencies())
            #expect(x.sortedScores() == y.sortedScores())
            #expect(x.predictionValues.sorted() == y.predictionValues.sorted())
            #expect(x.featureNames == y.featureNames)
            for f in x.features.indices {
                #expect(x.features[f].numeric.sorted() == y.features[f].numeric.sorted())
                #expect(x.features[f].lengths.sorted() == y.features[f].lengths.sorted())
                #expect(x.features[f].categoryCounts == y.features[f].categoryCounts)
            }
        }
    }
}
