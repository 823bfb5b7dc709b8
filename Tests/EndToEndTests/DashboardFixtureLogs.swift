import Foundation

/// Small logs for the dashboard's end-to-end tests whose point is what the screen shows: a feature
/// table whose three sort orders all differ, and a log with two models.
enum DashboardFixtureLogs {
    /// Feature names chosen so that sorting by drift, name and missing rate gives three different orders:
    /// `zz_drift` drifts, `mm_missing` is missing half of the time, `aa_plain` does neither.
    static let sortable = (drifted: "zz_drift", missing: "mm_missing", plain: "aa_plain")

    /// The rows of the Input panel in each sort order (drift: detected first, then by name; missing:
    /// highest rate first).
    static let sortOrders: [(sort: String, names: [String])] = [
        ("drift", [sortable.drifted, sortable.plain, sortable.missing]),
        ("name", [sortable.plain, sortable.missing, sortable.drifted]),
        ("missing", [sortable.missing, sortable.plain, sortable.drifted]),
    ]

    /// Writes a reference log and a current log for the sortable features.
    static func writeSortable(reference: String, current: String) throws {
        func lines(count: Int, start: Double, drifted: Bool, missing: Bool) -> String {
            var random = SeededRandom(seed: drifted ? 7 : 3)
            var out = ""
            for i in 0 ..< count {
                let t = start + Double(i) * 0.25
                let shifted = (drifted ? 200 : 100) + 20 * random.next()
                let plain = random.next()
                let half = missing && i % 2 == 0 ? "null" : String(format: "%.3f", random.next())
                out += """
                    {"ts": \(t), "model": "fraud", "version": "v1", "request_id": "r\(i)", "latency_ms": \(String(format: "%.1f", 10 + 20 * random.next())), "status": "ok", "features": {"\(sortable.drifted)": \(String(format: "%.2f", shifted)), "\(sortable.plain)": \(String(format: "%.3f", plain)), "\(sortable.missing)": \(half)}, "prediction": \(i % 2), "score": 0.5}

                    """
            }
            return out
        }
        try lines(count: 300, start: 1_767_500_000, drifted: false, missing: false)
            .write(toFile: reference, atomically: true, encoding: .utf8)
        try lines(count: 300, start: 1_767_600_000, drifted: true, missing: true)
            .write(toFile: current, atomically: true, encoding: .utf8)
    }

    /// What tells the two models of `writeTwoModels` apart on screen: the header's label text, a
    /// feature only that model has, and one of its prediction classes.
    static let models = [
        (header: "model churn version v1", feature: "tenure_days", predictionClass: "class stay"),
        (header: "model fraud version v3", feature: "amount_eur", predictionClass: "class 1"),
    ]

    /// Writes a log interleaving two models with different features and prediction classes.
    static func writeTwoModels(to path: String) throws {
        var random = SeededRandom(seed: 11)
        var out = ""
        for i in 0 ..< 400 {
            let t = 1_767_600_000 + Double(i) * 0.25
            let latency = String(format: "%.1f", 10 + 20 * random.next())
            if i % 2 == 0 {
                out += """
                    {"ts": \(t), "model": "fraud", "version": "v3", "request_id": "f\(i)", "latency_ms": \(latency), "status": "ok", "features": {"amount_eur": \(String(format: "%.2f", 50 + 100 * random.next()))}, "prediction": \(i % 4 == 0 ? 1 : 0), "score": 0.7}

                    """
            } else {
                out += """
                    {"ts": \(t), "model": "churn", "version": "v1", "request_id": "c\(i)", "latency_ms": \(latency), "status": "ok", "features": {"tenure_days": \(Int(1 + 900 * random.next()))}, "prediction": "\(i % 3 == 0 ? "leave" : "stay")", "score": 0.6}

                    """
            }
        }
        try out.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A small deterministic generator (the logs must be the same on every run).
    struct SeededRandom {
        var seed: UInt64

        mutating func next() -> Double {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(seed >> 11) / Double(1 << 53)
        }
    }
}
