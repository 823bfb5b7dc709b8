import Foundation
import Testing

/// `drift.min_samples` counts the reference's values too, whether the reference is a log (`--reference
/// tiny.jsonl`), a saved profile of it (`mlwatch baseline`) or the stream's first events (`reference:
/// {first: 20}`): a current window of 600 predictions is not tested against 12 reference values, and the JSON
/// and text reports say that the reference, not the window, was too small.
@Suite(.serialized) struct DriftReferenceSizeE2ETests {
    /// The `drift_untested` entries of a `check --format json` document, and whether any `drift_*` metric
    /// was emitted.
    private static func untested(_ json: String) throws -> (entries: [[String: Any]], driftMetrics: Int) {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let entries = try #require(object["drift_untested"] as? [[String: Any]])
        let metrics = try #require(object["metrics"] as? [[String: Any]])
        return (entries, metrics.filter { ($0["name"] as? String)?.hasPrefix("drift_") == true }.count)
    }

    @Test(.needsBinary) func aTinyReferenceLogProfileOrFirstEventsLeavesTheColumnsUntested() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tiny = dir.appendingPathComponent("tiny.jsonl").path
        let current = dir.appendingPathComponent("current.jsonl").path
        let profile = dir.appendingPathComponent("tiny.profile").path
        try FixtureLog.write(to: tiny, count: 12)
        try FixtureLog.write(to: current, count: 600, spike: true)
        let baseline = try CLIProcess.run(["baseline", tiny, "-o", profile])
        #expect(baseline.status == 0, "\(baseline.stderr)")

        for reference in [tiny, profile] {
            let run = try CLIProcess.run(["check", current, "--reference", reference, "--window", "all", "--format", "json"])
            #expect(run.status == 0, "\(run.stderr)")
            let (entries, driftMetrics) = try Self.untested(run.stdout)
            #expect(driftMetrics == 0, "drift tested against 12 reference values (\(reference))")
            let amount = try #require(entries.first { ($0["labels"] as? [String: String])?["feature"] == "amount" }, "\(entries)")
            #expect(amount["side"] as? String == "reference")
            #expect(amount["values"] as? Int == 12)
            #expect(amount["message"] as? String == "not tested: the reference has 12 values < min_samples 30")
        }
        let text = try CLIProcess.run(["check", current, "--reference", profile, "--window", "all", "--format", "text"])
        #expect(text.stdout.contains("not tested: the reference has 12 values < min_samples 30"), "\(text.stdout)")

        // `reference: {first: 20}` in a config: the first 20 events are the reference, too few; at
        // `min_samples: 20` they are enough and the columns are tested.
        let config = dir.appendingPathComponent("mlwatch.yaml").path
        try "reference: {first: 20}\nwindow: all\n".write(toFile: config, atomically: true, encoding: .utf8)
        let first = try CLIProcess.run(["check", current, "--config", config, "--format", "json"])
        let (firstEntries, firstMetrics) = try Self.untested(first.stdout)
        #expect(firstMetrics == 0 && !firstEntries.isEmpty, "\(first.stdout.prefix(600))")
        #expect(firstEntries.allSatisfy { $0["side"] as? String == "reference" && $0["values"] as? Int == 20 }, "\(firstEntries)")
        try "reference: {first: 20}\nwindow: all\ndrift: {min_samples: 20}\n".write(toFile: config, atomically: true, encoding: .utf8)
        let enough = try CLIProcess.run(["check", current, "--config", config, "--format", "json"])
        let (enoughEntries, enoughMetrics) = try Self.untested(enough.stdout)
        #expect(enoughMetrics > 0 && enoughEntries.isEmpty, "\(enoughEntries)")
    }
}
