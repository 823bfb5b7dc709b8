import Foundation
import Testing

@testable import MLWatchCore

/// Free-text features (`FeatureCardinality`): past `maxCategories` distinct strings a feature keeps only the
/// length of its values, in the parser, the window's aggregates, the reference builder and drift.
@Suite struct FreeTextFeatureTests {
    static func line(_ t: Double, _ features: String) -> String {
        #"{"ts":\#(t),"model":"m","features":{\#(features)},"prediction":1}"#
    }

    static func value(_ outcome: ParseOutcome, _ name: String) -> FeatureValue? {
        PT.prediction(outcome)?.feature(name)
    }

    @Test func theParserTurnsAFeatureIntoTextPastMaxCategoriesAndStaysSo() {
        let parser = EventParser(maxCategories: 3)
        var got: [FeatureValue?] = []
        for (i, v) in ["a", "b", "a", "c", "b", "d", "e", "a", "a"].enumerated() {
            got.append(Self.value(parser.parse(Self.line(Double(i), #""note":"\#(v)","country":"DE""#)), "note"))
        }
        #expect(got == [.string("a"), .string("b"), .string("a"), .string("c"), .string("b"),
                        .text(length: 1), .text(length: 1), .text(length: 1), .text(length: 1)])
        // Other features are not affected, and the decision is per feature name, not per position.
        let later = parser.parse(Self.line(10, #""country":"FR","note":"hello""#))
        #expect(Self.value(later, "country") == .string("FR"))
        #expect(Self.value(later, "note") == .text(length: 5))
        // A fresh parser with a larger bound keeps them as categories.
        #expect(Self.value(EventParser(maxCategories: 10).parse(Self.line(0, #""note":"e""#)), "note") == .string("e"))
    }

    @Test func lengthsCountCharactersAsStringCountDoes() {
        let parser = EventParser(maxCategories: 1)
        _ = parser.parse(Self.line(0, #""t":"first""#))
        let cases: [(String, String)] = [
            (#""plain ascii""#, "plain ascii"),
            (#""日本語のメモ""#, "日本語のメモ"),
            ("\"e\u{301}t\u{e9}\"", "e\u{301}t\u{e9}"),
            (#""tab\tand \"quote\"""#, "tab\tand \"quote\""),
            (#""line\r\nbreak""#, "line\r\nbreak"),
            (#""\u00e9\ud83d\ude00""#, "\u{e9}\u{1F600}"),
            (#""""#, ""),
        ]
        for (i, (json, text)) in cases.enumerated() {
            let v = Self.value(parser.parse(Self.line(Double(i + 1), #""t":\#(json)"#)), "t")
            #expect(v == .text(length: text.count), "\(json)")
        }
    }

    @Test func mappedLogsAreBoundedTheSameWay() throws {
        let mapping = try FieldMapping(["ts": "time", "features": "input"])
        let parser = EventParser(mapping: mapping, maxCategories: 2)
        var got: [FeatureValue?] = []
        for (i, v) in ["x", "y", "x", "zz", "x"].enumerated() {
            got.append(Self.value(parser.parse(#"{"time":\#(i),"input":{"note":"\#(v)","n":1}}"#), "note"))
        }
        #expect(got == [.string("x"), .string("y"), .string("x"), .text(length: 2), .text(length: 1)])
    }

    /// Random adds and removes of strings and text values in one accumulator, converting on the way: what
    /// it holds is always the lengths of what was added and not removed.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func anAccumulatorConvertingToTextKeepsExactLengths(seed: UInt64) {
        var g = SplitMix64(seed: seed)
        var acc = FeatureAccumulator(maxCategories: 6)
        var held: [FeatureValue] = []
        let words = ["a", "bb", "ccc", "été", "日本", "x y z", "", "0123456789"]
        for step in 0..<3000 {
            if !held.isEmpty, g.chance(0.45) {
                let v = held.remove(at: g.int(held.count))
                acc.apply(v, sign: -1)
            } else {
                let v: FeatureValue
                switch g.uniform() {
                case ..<0.1: v = .bool(g.chance(0.5))
                case ..<0.2: v = .missing
                case ..<(step < 500 ? 0.99 : 0.6): v = .string(g.pick(words) + (step > 300 ? String(g.int(50)) : ""))
                default: v = .text(length: g.int(80))
                }
                held.append(v)
                acc.apply(v, sign: 1)
            }
        }
        #expect(acc.isText)
        var expected: [Double] = []
        var trues = 0
        for v in held {
            switch v {
            case .string(let s): expected.append(Double(s.count))
            case .text(let n): expected.append(Double(n))
            case .bool(let b): if b { trues += 1 }
            default: break
            }
        }
        #expect(acc.lengths.sorted() == expected.sorted())
        #expect(acc.lengthSum == Int(expected.reduce(0, +)) && acc.lengthCount == expected.count)
        #expect(acc.categoryCounts["true"] ?? 0 == trues)
        #expect(acc.categories.distinctCount == 0)
    }

    /// A monitor on a log with a free-text note: the note is summarised by length (the same mean as the
    /// log's), the categorical feature keeps its shares, and both drift against a reference learned from
    /// the stream.
    @Test func aFreeTextFeatureIsSummarisedByLengthInTheWindow() throws {
        var g = SplitMix64(seed: 11)
        var lines: [String] = []
        var lengths: [(t: Double, n: Int)] = []
        for i in 0..<4000 {
            let t = 1_795_000_000 + Double(i) * 0.1
            let note = g.chance(0.1) ? "ok" : "order \(g.int(1_000_000)) " + String(repeating: "é", count: g.int(20))
            lengths.append((t, note.count))
            lines.append(Self.line(t, #""note":"\#(note)","country":"\#(g.pick(["DE", "FR", "US"]))","x":\#(g.normal())"#))
        }
        let options = CollectorOptions(window: .time(size: 60, slide: 10), metrics: MetricOptions(maxCategories: 50))
        let state = MonitorState(options: options, mode: .check, drift: DriftMonitor(source: .firstEvents(1000), maxCategories: 50))
        for l in lines { state.ingestLine(l) }
        state.finish()
        let snap = state.snapshot(now: 0)
        let note = try #require(snap.features.first { $0.name == "note" })
        #expect(note.kind == .text)
        #expect(note.topCategories.isEmpty)
        let newest = lengths.last!.t
        let inWindow = lengths.filter { $0.t > newest - 60 }.map(\.n)
        let mean = Double(inWindow.reduce(0, +)) / Double(inWindow.count)
        #expect(abs(try #require(note.lengthMean) - mean) < 1e-9)
        #expect(note.drift != nil, "no drift of the note's lengths")
        #expect(snap.value("drift_ks_stat", ["feature": "note"]) != nil)
        let country = try #require(snap.features.first { $0.name == "country" })
        #expect(country.kind == .categorical && country.topCategories.count == 3)
        #expect(!snap.metrics.contains { $0.name == "feature_category_share" && $0.labels["feature"] == "note" })
    }

    @Test func theReferenceBuilderKeepsLengthsOfFreeText() {
        var builder = ReferenceProfileBuilder(maxCategories: 3)
        let notes = ["a", "bb", "a", "ccc", "dddd", "été"]
        for (i, n) in notes.enumerated() {
            builder.add(PredictionEvent(timestamp: Double(i), features: [
                FeatureEntry(name: "note", value: .string(n)),
                FeatureEntry(name: "flag", value: .bool(i % 2 == 0)),
                FeatureEntry(name: "country", value: .string(i % 2 == 0 ? "DE" : "FR")),
            ]))
        }
        builder.add(PredictionEvent(timestamp: 9, features: [FeatureEntry(name: "note", value: .text(length: 40)),
                                                             FeatureEntry(name: "country", value: .missing)]))
        let profile = builder.build(sources: [])
        guard case .text(let r) = profile.columns["note"] else {
            Issue.record("note is \(String(describing: profile.columns["note"]))")
            return
        }
        #expect(r.sortedValues == [1, 1, 2, 3, 3, 4, 40])
        #expect(profile.columns["flag"] == .categorical(CategoricalReference(counts: ["true": 3, "false": 3])))
        #expect(profile.columns["country"] == .categorical(CategoricalReference(counts: ["DE": 3, "FR": 3])))
    }

    @Test func lengthsDriftAgainstEitherKindOfReference() {
        let current = ColumnValues.textLengths([1, 2, 2, 3, 5, 8, 13])
        let text = DriftMonitor(source: .profile(ReferenceProfile(
            sources: [], events: 5, from: nil, to: nil, columns: ["n": .text(NumericReference(values: [1, 2, 3, 4, 5]))])))
        #expect(text.drift(column: "n", current: current, ksPValue: true) != nil)
        // Few distinct values in the reference: its categories' lengths are compared.
        let categorical = DriftMonitor(source: .profile(ReferenceProfile(
            sources: [], events: 5, from: nil, to: nil, columns: ["n": .categorical(CategoricalReference(counts: ["a": 2, "bbb": 3]))])))
        let viaLengths = categorical.drift(column: "n", current: current, ksPValue: true)
        let direct = try? DriftCalculator.numeric(reference: NumericReference(values: [1, 1, 3, 3, 3]), current: [1, 2, 2, 3, 5, 8, 13])
        #expect(viaLengths?.values["ks_stat"] == direct?.ksStatistic)
        // Text reference, still-categorical window: the window's values become lengths.
        #expect(text.drift(column: "n", current: .categorical(["ab": 4]), ksPValue: true) != nil)
        // Numeric reference against text: the type changed, no drift.
        let numeric = DriftMonitor(source: .profile(ReferenceProfile(
            sources: [], events: 5, from: nil, to: nil, columns: ["n": .numeric(NumericReference(values: [1, 2, 3]))])))
        #expect(numeric.drift(column: "n", current: current, ksPValue: true) == nil)
    }

    @Test func maxCategoriesIsAConfigSetting() throws {
        let config = try MLWatchConfig.parse(yaml: "max_categories: 50\n")
        #expect(config.maxCategories == 50 && config.collectorOptions.metrics.maxCategories == 50)
        #expect(throws: ConfigError.self) { try MLWatchConfig.parse(yaml: "max_categories: 0\n") }
        #expect(throws: ConfigError.self) { try MLWatchConfig.parse(yaml: "max_categories: 1000000\n") }
    }
}
