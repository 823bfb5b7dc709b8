import Foundation
import MLWatchCore

/// Everything the UI remembers between frames: focus, zoom, detail view, filter, sort, selection, pause,
/// the model in view, and the history behind sparklines. Pure and testable: keys go in, commands come out.
/// Everything the UI remembers between frames: the newest publication of the engine host (snapshot,
/// replay position, activity), focus, zoom, detail view, filter, sort, selection, pause, the model in view,
/// the input mode and the history behind sparklines. Pure and testable: events go in through `reduce`,
/// effects (commands for the host, bell, quit, theme) come out.
public struct DashboardState: Sendable {
    public var focus: PanelID = .software
    public var zoomed = false
    /// The feature whose detail view is open.
    public var detailFeature: String?
    /// The alert whose history view is open (rule + labels).
    public var detailAlert: AlertKey?
    /// The versions or fairness view, when open (from the Output panel).
    public var comparisonView: ComparisonView?
    /// How many versions the versions view's columns are scrolled past (its first column stays).
    public var comparisonScroll = 0
    /// Whether the Instances view of a fleet is open (`i`), and its selected row.
    public var instancesVisible = false
    public var instanceSelection = 0
    /// Who gets the keys (the panels, the help overlay, a menu or a prompt).
    public var mode: InputMode = .normal
    /// The newest snapshot the host published.
    public var live = Snapshot()
    /// While paused the UI keeps showing `frozen`; collection goes on.
    public var frozen: Snapshot?
    public var filter = ""
    public var sort: InputSort = .drift
    public var selection: [PanelID: Int] = [:]
    /// Index into the model/version/segment groups of the snapshot; nil shows every group's first.
    public var groupIndex = 0
    public var history = MetricHistory()
    public var message: String?
    /// Whether the config has alert rules (the Alerts panel says "all clear" rather than "no rules").
    public var rulesConfigured = false
    /// Where a replay is (nil live): the header's badge and progress bar, and the replay keys.
    public var replay: ReplayStatus?
    /// A long command under way (a config reload reading its reference), shown in the footer.
    public var activity: String?
    /// How a fleet's Prometheus is answering (nil on logs): the header marks stale data and says why.
    public var connection: ConnectionStatus?
    /// A hint shown in the footer (e.g. how to point mlwatch at real logs).
    public var footerHint: String?
    /// Whether a critical alert that starts firing rings the bell.
    public var bellOnCritical = true
    /// The names of the loop's themes (`T` cycles them) and the one in use.
    public var themeNames: [String] = []
    public var themeIndex = 0
    /// Wall-clock time of the last tick (the header's lag behind the newest event).
    public var now: Double = 0
    /// What was taken from the host's publications so far.
    public var seen = Seen()
    /// Where each panel was drawn last, for mouse clicks and the help overlay's scroll limit.
    public var lastLayout: DashboardLayout?

    /// The counters of the host's publication this state has taken in.
    public struct Seen: Equatable, Sendable {
        public var snapshotGeneration = 0
        public var messageSerial = 0
        public var notificationCount = 0
        public var rebuilds = 0
        public var backfillSerial = 0

        public init() {}
    }

    public struct AlertKey: Equatable, Sendable {
        public var rule: String
        public var labels: Labels

        public init(rule: String, labels: Labels) {
            self.rule = rule
            self.labels = labels
        }
    }

    /// The two-step prompt of `e`: first the new threshold, then the reason.
    public struct ThresholdDraft: Equatable, Sendable {
        public enum Step: Equatable, Sendable {
            /// Typing the value (`none` clears the override).
            case value
            /// Typing the reason; `value` is the parsed threshold (nil clears).
            case reason(value: Double?)
        }

        public var rule: String
        /// The threshold in force when editing started (shown in the prompt).
        public var current: Double?
        public var step: Step = .value
        public var text = ""

        public init(rule: String, current: Double?) {
            self.rule = rule
            self.current = current
        }

        /// The prompt line shown in the Alerts panel.
        public var prompt: String {
            switch step {
            case .value:
                let now = current.map { " (now \(Format.number($0)))" } ?? ""
                return "new threshold for \(rule)\(now): \(text)▏ (Enter next · none clears · Esc cancels)"
            case .reason(let value):
                let what = value.map { "set \(rule) threshold to \(Format.number($0))" } ?? "clear \(rule) override"
                return "\(what), reason: \(text)▏ (Enter applies · Esc cancels)"
            }
        }
    }

    public init() {}

    public var paused: Bool { frozen != nil }

    /// Whether the help overlay is open.
    public var helpVisible: Bool {
        if case .help = mode { return true }
        return false
    }

    /// Lines the help overlay is scrolled by (0 when it is closed).
    public var helpScroll: Int {
        if case .help(let scroll) = mode { return scroll }
        return 0
    }

    /// Whether the feature filter is being typed.
    public var editingFilter: Bool { mode == .filter }

    /// The header's mode badge in a replay (`REPLAY 60×`).
    public var modeLabel: String? { replay?.modeLabel }

    /// The header's replay position and progress bar.
    public var replayStatus: String? { replay?.line() }

    /// The header's note on a quiet stretch the replay's clock just jumped over (`skipped 2d3h`).
    public var replaySkipNote: String? { replay?.skipNote }

    /// Whether the dashboard shows a replay (its controls are bound).
    public var isReplay: Bool { replay != nil }

    /// Whether the dashboard shows a fleet read from Prometheus (its keys are bound).
    public var isFleet: Bool { live.fleet != nil }

    /// The instance the panels are narrowed to (nil: the whole fleet, or not a fleet).
    public var scope: String? { live.fleet?.scope }

    /// The snapshot to draw: the frozen one while paused.
    public func visible(_ live: Snapshot) -> Snapshot { frozen ?? live }

    /// The label sets (model, version, segment) present in a snapshot, in a stable order.
    public static func groups(in snapshot: Snapshot) -> [Labels] {
        var seen = Set<Labels>()
        var out: [Labels] = []
        for o in snapshot.outputs where seen.insert(o.labels).inserted { out.append(o.labels) }
        return out.sorted { a, b in
            // Whole-model groups before their segments.
            let sa = a["segment"] == nil ? 0 : 1
            let sb = b["segment"] == nil ? 0 : 1
            return sa != sb ? sa < sb : a < b
        }
    }

    /// The group in view.
    public func group(in snapshot: Snapshot) -> Labels? {
        let g = DashboardState.groups(in: snapshot)
        guard !g.isEmpty else { return nil }
        return g[min(groupIndex, g.count - 1)]
    }

    /// Features of the group in view after the filter, in the chosen order.
    public func features(in snapshot: Snapshot) -> [FeatureSummary] {
        guard let g = group(in: snapshot) else { return [] }
        let f = filter.lowercased()
        let list = snapshot.features.filter { feature in
            feature.labels.with("feature", "") == g.with("feature", "")
                && (f.isEmpty || feature.name.lowercased().contains(f))
        }
        switch sort {
        case .name: return list.sorted { $0.name < $1.name }
        case .missing: return list.sorted { ($0.missingRate, $1.name) > ($1.missingRate, $0.name) }
        case .drift:
            return list.sorted { a, b in
                let da = a.drift.map { $0.detected ? 2.0 : 1.0 } ?? 0
                let db = b.drift.map { $0.detected ? 2.0 : 1.0 } ?? 0
                if da != db { return da > db }
                return a.name < b.name
            }
        }
    }

    /// Alerts in the one display order defined in Core (`AlertInstance.listedBefore`: firing first, then
    /// pending, acknowledged, snoozed, resolved; by severity within a state).
    public static func alerts(in snapshot: Snapshot) -> [AlertInstance] {
        snapshot.alerts.sorted(by: AlertInstance.listedBefore)
    }

    public func selected(_ panel: PanelID) -> Int { selection[panel] ?? 0 }

    /// Shows `snapshot` from now on and records it into the sparkline history.
    public mutating func observe(_ snapshot: Snapshot) {
        live = snapshot
        history.record(snapshot)
    }

    public func selectedAlert(_ snapshot: Snapshot) -> AlertInstance? {
        let list = DashboardState.alerts(in: snapshot)
        guard !list.isEmpty else { return nil }
        return list[min(selected(.alerts), list.count - 1)]
    }
}
