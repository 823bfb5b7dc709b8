import Testing

@testable import MLWatchCore

@Suite("Config: compare and fairness")
struct CompareFairnessConfigTests {
    @Test("compare and fairness reach the metric options, with the drift section's tests")
    func parsed() throws {
        let c = try MLWatchConfig.parse(yaml: """
            drift: {features: {amount: {test: psi, threshold: 0.3}}}
            compare: {baseline: v1}
            fairness: {group_by: applicant_group, positive: 1.0, min_samples: 50}
            """)
        #expect(c.compareBaseline == "v1")
        #expect(c.fairness == FairnessOptions(groupBy: "applicant_group", positive: "1", minSamples: 50))
        let m = c.collectorOptions.metrics
        #expect(m.compare?.baseline == "v1")
        #expect(m.compare?.driftOverrides["amount"] == DriftOptions(test: .psi, threshold: 0.3))
        #expect(m.fairness?.positive == "1")
    }

    @Test("positive defaults to 1 and keeps class names as written")
    func positiveValues() throws {
        #expect(try MLWatchConfig.parse(yaml: "fairness: {group_by: g}").fairness?.positive == "1")
        #expect(try MLWatchConfig.parse(yaml: "fairness: {group_by: g, positive: approve}").fairness?.positive == "approve")
        #expect(try MLWatchConfig.parse(yaml: "fairness: {group_by: g}").fairness?.minSamples == FairnessOptions.defaultMinSamples)
    }

    @Test("mistakes are errors with the place and what to write", arguments: [
        ("compare: {}", "needs baseline"),
        ("compare: {baseline: v1, basline: v2}", "basline"),
        ("fairness: {positive: 1}", "needs group_by"),
        ("fairness: {group_by: g, min_samples: 0}", "min_samples"),
        ("fairness: {group_by: g, positive: \"\"}", "positive"),
        ("fairness: {group_by: g, groupby: h}", "groupby"),
    ])
    func errors(_ yaml: String, _ mentions: String) {
        expectConfigRefused(yaml, mentioning: mentions)
    }
}
