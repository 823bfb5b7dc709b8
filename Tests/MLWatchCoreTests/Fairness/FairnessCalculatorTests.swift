import Foundation
import Testing

@testable import MLWatchCore

/// `FairnessCalculator` against the numbers Fairlearn 0.15 computes for the same predictions
/// (`Fixtures/fairness/fairness.json`, written by `scripts/fairness_fixtures.py`).
@Suite("Fairness against Fairlearn")
struct FairnessCalculatorTests {
    /// A number, a class name, null, or the string "NaN".
    enum Scalar: Decodable {
        case number(Double)
        case text(String)
        case null

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .null
            } else if let d = try? c.decode(Double.self) {
                self = .number(d)
            } else {
                let s = try c.decode(String.self)
                self = s == "NaN" ? .number(.nan) : .text(s)
            }
        }

        var output: OutputValue? {
            switch self {
            case .number(let d): return .number(d)
            case .text(let s): return .label(s)
            case .null: return nil
            }
        }

        var rate: Double? {
            if case .number(let d) = self { return d }
            return nil
        }
    }

    struct Group: Decodable {
        var predictions: Int
        var selected: Int
        var labelled: Int
        var label_positives: Int
        var label_negatives: Int
        var selection_rate: Scalar
        var true_positive_rate: Scalar
        var false_positive_rate: Scalar
    }

    struct Expected: Decodable {
        var groups: [String: Group]
        var demographic_parity_difference: Scalar
        var demographic_parity_ratio: Scalar
        var equalized_odds_difference: Scalar
        var true_positive_rate_gap: Scalar
        var false_positive_rate_gap: Scalar
    }

    struct Case: Decodable, CustomTestStringConvertible {
        var name: String
        var positive: Scalar
        var min_samples: Int
        var rows: [[Scalar]]
        var expected: Expected
        var testDescription: String { name }
    }

    struct Document: Decodable {
        var fairlearn: String
        var cases: [Case]
    }

    static let document: Document? = {
        guard let base = Bundle.module.url(forResource: "Fixtures", withExtension: nil),
              let data = try? Data(contentsOf: base.appendingPathComponent("fairness/fairness.json"))
        else { return nil }
        return try? JSONDecoder().decode(Document.self, from: data)
    }()

    static var cases: [Case] { document?.cases ?? [] }

    @Test func fixturesLoad() throws {
        let doc = try #require(Self.document)
        #expect(doc.fairlearn == "0.15.0")
        #expect(doc.cases.count >= 7)
    }

    /// Within 1e-12: the same counts divided the same way (max − min, min / max) as Fairlearn does.
    static func close(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let a?, let b?): return (a.isNaN && b.isNaN) || abs(a - b) <= 1e-12
        default: return false
        }
    }

    @Test(arguments: cases)
    func matchesFairlearn(_ c: Case) throws {
        let positive: String
        switch c.positive {
        case .number(let d): positive = OutputValue.number(d).classKey!
        case .text(let s): positive = s
        case .null: Issue.record("no positive value"); return
        }
        var calc = FairnessCalculator(options: FairnessOptions(groupBy: "group", positive: positive, minSamples: c.min_samples))
        for (i, row) in c.rows.enumerated() {
            guard case .text(let group) = row[0], let prediction = row[1].output else {
                Issue.record("bad row \(row)")
                continue
            }
            let event = PredictionEvent(timestamp: Double(i), model: "m", version: "v1", requestID: "r\(i)",
                                        features: FeatureRow([FeatureEntry(name: "group", value: .string(group))]),
                                        prediction: prediction, inlineLabel: row[2].output)
            withUnsafePointer(to: event) { calc.add($0) }
        }
        let (metrics, summaries, warnings) = calc.finish()
        #expect(warnings.isEmpty)
        let s = try #require(summaries.first)
        #expect(summaries.count == 1)
        #expect(Set(s.groups.map(\.name)) == Set(c.expected.groups.keys))
        for g in s.groups {
            let e = try #require(c.expected.groups[g.name])
            #expect(g.predictions == e.predictions && g.selected == e.selected && g.labelled == e.labelled)
            #expect(g.labelPositives == e.label_positives && g.labelNegatives == e.label_negatives)
            #expect(Self.close(g.selectionRate, e.selection_rate.rate), "\(c.name) \(g.name) selection rate")
            #expect(Self.close(g.truePositiveRate, e.true_positive_rate.rate), "\(c.name) \(g.name) TPR")
            #expect(Self.close(g.falsePositiveRate, e.false_positive_rate.rate), "\(c.name) \(g.name) FPR")
            // An n/a rate has no metric sample at all (never a 0 that reads as a real rate).
            let labels = Labels(["model": "m", "version": "v1", "group": g.name])
            let selection = metrics.first { $0.name == "selection_rate" && $0.labels == labels }
            #expect((selection == nil) == (g.selectionRate == nil))
            let tpr = metrics.first { $0.name == "true_positive_rate" && $0.labels == labels }
            #expect((tpr == nil) == (g.truePositiveRate == nil))
        }
        let x = c.expected
        #expect(Self.close(s.demographicParityDifference, x.demographic_parity_difference.rate), "\(c.name) DPD")
        #expect(Self.close(s.demographicParityRatio, x.demographic_parity_ratio.rate), "\(c.name) DPR")
        #expect(Self.close(s.truePositiveRateGap, x.true_positive_rate_gap.rate), "\(c.name) TPR gap")
        #expect(Self.close(s.falsePositiveRateGap, x.false_positive_rate_gap.rate), "\(c.name) FPR gap")
        #expect(Self.close(s.equalizedOddsDifference, x.equalized_odds_difference.rate), "\(c.name) EOD")
        let model = Labels(["model": "m", "version": "v1"])
        let eod = metrics.first { $0.name == "equalized_odds_difference" && $0.labels == model }?.value
        #expect(Self.close(eod, x.equalized_odds_difference.rate))
        let dpr = metrics.first { $0.name == "demographic_parity_ratio" && $0.labels == model }?.value
        #expect(Self.close(dpr, x.demographic_parity_ratio.rate))
    }

    @Test("a group without positive labels has no TPR (Fairlearn says 0) and stays out of the TPR gap")
    func groupWithoutPositivesIsNotZero() throws {
        let c = try #require(Self.cases.first { $0.name == "group_without_positive_labels" })
        #expect(c.expected.groups["C"]?.true_positive_rate.rate == nil)
        #expect(c.expected.groups["C"]?.false_positive_rate.rate != nil)
        try matchesFairlearn(c)
    }

    @Test("null outputs are not decisions; missing group values form the group (missing)")
    func nullOutputsAndMissingGroups() {
        var calc = FairnessCalculator(options: FairnessOptions(groupBy: "g", positive: "1", minSamples: 1))
        let rows: [(FeatureValue?, OutputValue)] = [
            (.string("a"), .number(1)), (.string("a"), .null), (nil, .number(0)), (.missing, .number(1)),
            (.number(2.0), .number(1)), (.bool(true), .number(0)), (.number(.nan), .number(0)),
        ]
        for (i, (value, prediction)) in rows.enumerated() {
            let features = value.map { FeatureRow([FeatureEntry(name: "g", value: $0)]) } ?? FeatureRow([FeatureEntry(name: "other", value: .number(1))])
            let e = PredictionEvent(timestamp: Double(i), features: features, prediction: prediction)
            withUnsafePointer(to: e) { calc.add($0) }
        }
        let (_, summaries, warnings) = calc.finish()
        #expect(warnings.isEmpty)
        let groups = Dictionary(uniqueKeysWithValues: (summaries.first?.groups ?? []).map { ($0.name, $0) })
        #expect(groups["a"]?.predictions == 1)
        #expect(groups["(missing)"]?.predictions == 3)
        #expect(groups["2"]?.selected == 1)
        #expect(groups["true"]?.predictions == 1)
    }

    @Test("an unknown group_by feature, too many groups and a positive value never seen are warnings, not silence")
    func badConfigurationWarns() {
        func run(_ options: FairnessOptions, _ make: (Int) -> PredictionEvent) -> ([MetricSample], [MonitorWarning]) {
            var calc = FairnessCalculator(options: options)
            for i in 0..<200 { withUnsafePointer(to: make(i)) { calc.add($0) } }
            let r = calc.finish()
            return (r.metrics, r.warnings)
        }
        let unknown = run(FairnessOptions(groupBy: "applicant_group")) { i in
            PredictionEvent(timestamp: Double(i), model: "loan", version: "v1",
                            features: [FeatureEntry(name: "region", value: .string("x"))], prediction: .number(1))
        }
        #expect(unknown.0.isEmpty)
        #expect(unknown.1.count == 1 && unknown.1[0].message.contains("no feature applicant_group"))
        #expect(unknown.1[0].message.contains("loan v1"))

        let ids = run(FairnessOptions(groupBy: "id")) { i in
            PredictionEvent(timestamp: Double(i), features: [FeatureEntry(name: "id", value: .string("u\(i)"))], prediction: .number(1))
        }
        #expect(ids.0.isEmpty)
        #expect(ids.1.count == 1 && ids.1[0].message.contains("more than \(FairnessCalculator.maxGroups) values"))

        let yes = run(FairnessOptions(groupBy: "g", positive: "yes")) { i in
            PredictionEvent(timestamp: Double(i), features: [FeatureEntry(name: "g", value: .string(i % 2 == 0 ? "a" : "b"))],
                            prediction: .number(Double(i % 2)), inlineLabel: .number(0))
        }
        #expect(yes.1.count == 1 && yes.1[0].message.contains("positive value yes") && yes.1[0].message.contains("seen: 0, 1"))
        #expect(!yes.0.isEmpty, "the rates are still computed (all 0) next to the warning")
    }
}
