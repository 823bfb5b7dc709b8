import Foundation
import Testing

/// `sample-data/README.md` promises that `mlwatch check` on the bundled log catches every incident with
/// its rule, inside the incident's window, and nothing else. This runs the real binary and checks that.
@Suite struct SampleDataIncidentTests {
    /// Rule → the event-time window (UTC, 2026-11-22) in which it must first fire.
    static let expected: [String: (from: String, to: String)] = [
        "LatencyP99High": ("07:40:00", "07:55:00"),
        "NullOutputsHigh": ("08:10:00", "08:20:00"),
        "BrokenProducer": ("08:25:00", "08:28:00"),
        "DriverTenureShift": ("08:40:00", "08:50:00"),
        "CarValueDrift": ("08:00:00", "09:30:00"),
        "CanaryOutputMix": ("09:00:00", "10:00:00"),
        "AccuracyDrop": ("09:20:00", "09:55:00"),
        "SelectionRateGap": ("07:10:00", "07:30:00"),
        "ShadowDisagrees": ("08:28:00", "08:40:00"),
    ]

    @Test(.needsBinary) func checkFindsExactlyTheDocumentedIncidents() throws {
        let bin = try #require(TmuxSession.binary)
        let root = TmuxSession.packageRoot.path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.currentDirectoryURL = TmuxSession.packageRoot
        p.arguments = ["check", root + "/sample-data/predictions.jsonl.gz", "--config", root + "/sample-data/mlwatch.yaml",
                       "--format", "json"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 1, "a critical alert fired, so check must exit 1")

        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let alerts = try #require(doc["alerts"] as? [[String: Any]])
        var firstFiring: [String: String] = [:]
        for t in alerts where (t["to"] as? String) == "firing" {
            let rule = t["rule"] as? String ?? "?"
            if firstFiring[rule] == nil { firstFiring[rule] = t["time"] as? String }
        }
        #expect(Set(firstFiring.keys) == Set(Self.expected.keys), "rules that fired: \(firstFiring.keys.sorted())")
        for (rule, window) in Self.expected {
            guard let time = firstFiring[rule] else { continue }
            let clock = String(time.dropFirst(11).prefix(8))
            #expect(time.hasPrefix("2026-11-22T") && clock >= window.from && clock <= window.to,
                    "\(rule) fired at \(time), outside its incident window \(window.from)–\(window.to)")
        }
        // 21,600 requests of v1 and v2, and the shadow v3's answers to every other v1 request.
        #expect((doc["events"] as? Int) == 31_869)
        #expect(((doc["malformed"] as? [String: Any])?["total"] as? Int) == 160)
        #expect((doc["warnings"] as? [Any])?.isEmpty == true, "compare and fairness fit the data: no warning")
        // The last window's versions and fairness metrics (compare and fairness in the config).
        let metrics = try #require(doc["metrics"] as? [[String: Any]])
        func value(_ name: String, _ labels: [String: String]) -> Double? {
            metrics.first { m in
                m["name"] as? String == name && labels.allSatisfy { (m["labels"] as? [String: String])?[$0.key] == $0.value }
            }?["value"] as? Double
        }
        let agreement = try #require(value("shadow_agreement_rate", ["version": "v3", "baseline": "v1"]))
        #expect(agreement > 0.9, "after the accuracy drop the shadow agrees with v1 again")
        #expect(value("shadow_pairs_total", ["version": "v2"]) == 0, "the canary serves other requests")
        #expect(value("traffic_share", ["version": "v2"]) != nil)
        for group in ["A", "B", "C"] { #expect(value("selection_rate", ["version": "v1", "group": group]) != nil) }
        let ratio = try #require(value("demographic_parity_ratio", ["version": "v1"]))
        #expect(ratio >= 0.8)
        // A label of a shadowed request counts for both versions.
        #expect((value("labelled_total", ["version": "v3"]) ?? 0) > 300)
    }
}
