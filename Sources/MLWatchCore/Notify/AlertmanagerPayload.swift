import Foundation

/// The body Alertmanager's `POST /api/v2/alerts` accepts (and what Alertmanager-compatible webhook
/// receivers parse): a JSON array of alerts.
///
/// ```json
/// [{"labels":{"alertname":"LatencyP99High","severity":"critical","model":"fraud"},
///   "annotations":{"summary":"p99 latency 312.5 ms"},
///   "startsAt":"2026-11-22T10:17:03.000Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":""}]
/// ```
/// Labels are the alert's label set plus the rule's labels plus `alertname` (the alert's own labels win
/// over the rule's, `alertname` over both, as in Prometheus). `startsAt` is when the incident started
/// firing; a firing alert has Go's zero time as `endsAt` (no known end), a resolved one the resolve time.
public enum AlertmanagerPayload {
    /// Go's zero `time.Time`, which Alertmanager reads as "no end given".
    public static let noEnd = "0001-01-01T00:00:00Z"

    public struct Alert: Sendable, Equatable, Codable {
        public var labels: [String: String]
        public var annotations: [String: String]
        public var startsAt: String
        public var endsAt: String
        public var generatorURL: String
    }

    /// The alerts of some notifications, in order.
    public static func alerts(_ notifications: [AlertNotification], generatorURL: String = "") -> [Alert] {
        notifications.map { n in
            var labels = n.ruleLabels
            labels.merge(n.labels) { _, own in own }
            labels["alertname"] = n.rule
            if labels["severity"] == nil { labels["severity"] = n.severity.rawValue }
            var annotations = n.annotations
            if let v = n.value { annotations["value"] = AlertTemplate.format(v) }
            if let t = n.threshold { annotations["threshold"] = AlertTemplate.format(t) }
            let ended = n.to == .resolved || n.to == .inactive
            return Alert(
                labels: labels, annotations: annotations, startsAt: n.firedAt ?? n.time,
                endsAt: ended ? n.time : noEnd, generatorURL: generatorURL)
        }
    }

    /// The JSON body (sorted keys, UTF-8).
    public static func encode(_ notifications: [AlertNotification], generatorURL: String = "") -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(alerts(notifications, generatorURL: generatorURL))) ?? Data("[]".utf8)
    }
}
