/// The lifecycle of one alert (one rule × one label set), after Prometheus (pending, `for`,
/// `keep_firing_for`) and PagerDuty (acknowledged, resolved; a new trigger after resolve is a new incident).
public enum AlertState: String, Sendable, Codable, CaseIterable {
    case inactive
    case pending
    case firing
    case acknowledged
    case snoozed
    case resolved
}

/// Alert severity, from the rule's `labels: {severity: …}`; unknown spellings are `info`.
public enum AlertSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case info
    case warning
    case critical

    public init(label: String?) {
        self = AlertSeverity(rawValue: (label ?? "").lowercased()) ?? .info
    }

    private var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .critical: return 2
        }
    }

    public static func < (a: AlertSeverity, b: AlertSeverity) -> Bool { a.rank < b.rank }
}
