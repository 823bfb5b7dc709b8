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
        #expect((doc["events"] as? Int) == 21_600)
        #expect(((doc["malformed"] as? [String: Any])?["total"] as? Int) == 160)
    }
}
