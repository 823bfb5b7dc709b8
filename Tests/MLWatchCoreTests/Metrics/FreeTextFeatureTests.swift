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

    /// Each line's features by name, as the parser gives them.
    static func byName(_ parser: EventParser, _ lines: [String]) -> [[String: FeatureValue]] {
        lines.map { l in
            Dictionary(uniqueKeysWithValues: (PT.prediction(parser.parse(l))?.features ?? []).map { ($0.name, $0.value) })
        }
    }

    /// The same events with their features written in another order on some lines: every value counts
    /// towards its own feature's distinct strings, whatever feature last wrote that spelling at that position
    /// of the object (the parser remembers a few spellings per position to skip the interner). Here "b"
    /// writes "x" and "y" only first in its line, right where "a" wrote them: counted for "a" alone, "b"
    /// stayed categorical forever with 3 distinct values past `maxCategories` 2.
    @Test func theDecisionDoesNotDependOnTheKeyOrderOfTheLines() {
        let pairs = [("x", "z"), ("y", "z"), ("y", "x"), ("x", "y"), ("x", "y"), ("y", "x")]
        let fixed = pairs.enumerated().map { i, p in Self.line(Double(i), #""a":"\#(p.0)","b":"\#(p.1)""#) }
        let varying = pairs.enumerated().map { i, p in
            i < 2 ? Self.line(Double(i), #""a":"\#(p.0)","b":"\#(p.1)""#) : Self.line(Double(i), #""b":"\#(p.1)","a":"\#(p.0)""#)
        }
        let expected: [[String: FeatureValue]] = [
            ["a": .string("x"), "b": .string("z")], ["a": .string("y"), "b": .string("z")],
            ["a": .string("y"), "b": .string("x")], ["a": .string("x"), "b": .text(length: 1)],
            ["a": .string("x"), "b": .text(length: 1)], ["a": .string("y"), "b": .text(length: 1)],
        ]
        #expect(Self.byName(EventParser(maxCategories: 2), fixed) == expected)
        #expect(Self.byName(EventParser(maxCategories: 2), varying) == expected)
    }

    /// Only accepted predictions count towards a feature's distinct values (as on the mapped path): a line
    /// found malformed after its features, one without a timestamp and a system line with features do not,
    /// even the line that would have turned the feature into text; their values are counted when a valid
    /// line brings them (not skipped as remembered spellings).
    @Test func rejectedLinesDoNotCountTowardsFreeText() {
        let parser = EventParser(maxCategories: 2)
        let lines = [
            #"{"ts":1,"features":{"b":"x"},"prediction":1}"#,
            #"{"ts":2,"features":{"b":"y"},"prediction":1,"#,
            #"{"features":{"b":"q"},"prediction":1}"#,
            #"{"ts":3,"type":"system","host":"h","features":{"b":"s"}}"#,
            #"{"ts":4,"features":{"b":"y"},"prediction":1}"#,
            #"{"ts":5,"features":{"b":"w"},"prediction":1} x"#,
            #"{"ts":6,"features":{"b":"y"},"prediction":1}"#,
            #"{"ts":7,"features":{"b":"x"},"prediction":1}"#,
            #"{"ts":8,"features":{"b":"w"},"prediction":1}"#,
            #"{"ts":9,"features":{"b":"x"},"prediction":1}"#,
        ]
        let got = lines.map { Self.value(parser.parse($0), "b") }
        #expect(got == [.string("x"), nil, nil, nil, .string("y"), nil, .string("y"), .string("x"),
                        .text(length: 1), .text(length: 1)])
    }

    /// Random events over shared words, each line written in a fixed and in a random key order: the parser
    /// gives each line the same features (strings, or text from the same line on).
    @Test(arguments: [5, 6, 7] as [UInt64])
    func randomKeyOrdersGiveTheSameFeaturesLineByLine(seed: UInt64) {
        var g = SplitMix64(seed: seed)
        let words = (0..<40).map { "w\($0)" }
        // Distinct values each feature draws from: some stay under `maxCategories` 12, some pass it.
        let pools = [("a", 6), ("b", 11), ("c", 13), ("d", 18), ("e", 40), ("f", 12)]
        var fixed: [String] = []
        var shuffled: [String] = []
        for i in 0..<1500 {
            // Overlapping pools, so that one feature's spellings often stood at another's position.
            let cells = pools.enumerated().map { j, pool in (pool.0, #""\#(pool.0)":"\#(words[(3 * j + g.int(pool.1)) % 40])""#) }
            var order = cells
            for k in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(k, g.int(k + 1)) }
            if g.chance(0.2) { order.removeLast() }
            let kept = Set(order.map(\.0))
            fixed.append(Self.line(Double(i), cells.filter { kept.contains($0.0) }.map(\.1).joined(separator: ",")))
            shuffled.append(Self.line(Double(i), order.map(\.1).joined(separator: ",")))
        }
        let a = Self.byName(EventParser(maxCategories: 12), fixed)
        let b = Self.byName(EventParser(maxCategories: 12), shuffled)
        #expect(a.count == b.count)
        let firstDifference = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstDifference == nil, "line \(firstDifference?.offset ?? -1): \(shuffled[firstDifference?.offset ?? 0])")
        // Both kinds of decision are exercised.
        let last = a.last ?? [:]
        #expect(last.values.contains { if case .text = $0 { true } else { false } })
        #expect(last.values.contains { if case .string = $0 { true } else { false } })
    }

    /// Through the monitor (what `check` reports): the log with varying key orders gives the same feature
    /// summaries and metrics as the one with a fixed order.
    @Test func aMonitorReportsTheSameWhateverTheKeyOrder() throws {
        func report(_ reorder: Bool) -> (features: [String], metrics: [String]) {
            let options = CollectorOptions(window: .time(size: 600, slide: 60), metrics: MetricOptions(maxCategories: 2))
            let state = MonitorState(options: options, mode: .check, drift: DriftMonitor(source: .firstEvents(50), maxCategories: 2))
            let pairs = [("x", "z"), ("y", "z")] + Array(repeating: [("y", "x"), ("x", "y")], count: 100).flatMap { $0 }
            for (i, p) in pairs.enumerated() {
                // (The first two lines, with "z", long before the window: the window alone holds 2 distinct
                // values of "b", and only the parser's decision makes it text.)
                let t = 1_795_000_000 + Double(i) + (i < 2 ? 0 : 10_000)
                state.ingestLine(reorder && i >= 2 ? Self.line(t, #""b":"\#(p.1)","a":"\#(p.0)""#) : Self.line(t, #""a":"\#(p.0)","b":"\#(p.1)""#))
            }
            state.finish()
            let snap = state.snapshot(now: 0)
            // (As text, drift values by name: a NaN p-value is equal to itself there.)
            let features = snap.features.sorted { $0.name < $1.name }.map { f in
                "\(f.name) \(f.kind) \(f.count) \(f.lengthMean ?? -1) \(f.topCategories.map { "\($0.0)=\($0.1)" }) "
                    + "\(f.drift?.test ?? "-") \(f.drift?.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } ?? [])"
            }
            return (features,
                    snap.metrics.map { "\($0.name)\($0.labels) \($0.value) \($0.text ?? "")" }.sorted())
        }
        let fixed = report(false)
        let varying = report(true)
        #expect(fixed.features.count == 2 && fixed.features[0].hasPrefix("a categorical ") && fixed.features[1].hasPrefix("b text "),
                "\(fixed.features)")
        #expect(varying.features == fixed.features)
        #expect(varying.metrics == fixed.metrics)
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
