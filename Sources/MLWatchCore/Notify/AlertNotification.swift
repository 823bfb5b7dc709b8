import Foundation

/// What a notification says about one alert transition: the JSON object written to the stdin of an
/// `--on-fire` command (one object per run), and the source of an Alertmanager alert.
public struct AlertNotification: Sendable, Equatable, Codable {
    /// The rule (`alertname`).
    public var rule: String
    /// The alert's label set (without the rule's own labels such as `severity`).
    public var labels: [String: String]
    public var severity: AlertSeverity
    public var from: AlertState
    public var to: AlertState
    public var value: Double?
    public var threshold: Double?
    /// Event time of the transition, RFC 3339.
    public var time: String
    /// Event time the incident started firing, RFC 3339 (nil when it is not firing).
    public var firedAt: String?
    public var incident: Int
    public var actor: String?
    public var note: String?
    /// The rule's annotations with their templates rendered (`summary`, `description`, …).
    public var annotations: [String: String]
    /// The rule's labels (`severity`, `team`, …) as written in the config.
    public var ruleLabels: [String: String]

    /// - Parameter rule: the transition's rule (for its annotations and labels); nil when unknown.
    public init(_ t: AlertTransition, rule: AlertRule?) {
        self.rule = t.rule
        labels = t.labels
        severity = t.severity
        from = t.from
        to = t.to
        value = t.value.isFinite ? t.value : nil
        threshold = t.threshold.flatMap { $0.isFinite ? $0 : nil }
        time = TimestampParser.format(t.time)
        firedAt = t.firedAt.map(TimestampParser.format)
        incident = t.incident
        actor = t.actor
        note = t.note
        ruleLabels = rule?.labels ?? [:]
        annotations = (rule?.annotations ?? [:]).mapValues {
            AlertTemplate.render($0, value: t.value, threshold: t.threshold, labels: Labels(t.labels))
        }
    }

    /// The environment variables an `--on-fire` command gets besides its own environment, for commands
    /// that do not parse the JSON (`notify-send "$MLWATCH_SUMMARY"`). Labels and annotations come from
    /// logs: every value is sanitized (`TextSanitizer`, one line), so echoing one to a terminal is safe.
    public var environment: [String: String] {
        var env = [
            "MLWATCH_ALERT": rule,
            "MLWATCH_STATE": to.rawValue,
            "MLWATCH_FROM_STATE": from.rawValue,
            "MLWATCH_SEVERITY": severity.rawValue,
            "MLWATCH_LABELS": Labels(labels).displayDescription,
            "MLWATCH_TIME": time,
            "MLWATCH_INCIDENT": String(incident),
            "MLWATCH_VALUE": value.map(AlertTemplate.format) ?? "",
            "MLWATCH_THRESHOLD": threshold.map(AlertTemplate.format) ?? "",
            "MLWATCH_SUMMARY": annotations["summary"] ?? "\(TextSanitizer.sanitize(rule))\(Labels(labels).displayDescription) \(to.rawValue)",
        ]
        for (key, value) in env { env[key] = TextSanitizer.sanitize(value) }
        return env
    }

    /// One JSON object, sorted keys, no trailing newline.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return JSONText.escapingControls(String(decoding: data, as: UTF8.self))
    }
}
