import Foundation
import MLWatchCore

/// Everything the UI remembers between frames: focus, zoom, detail view, filter, sort, selection, pause,
/// the model in view, and the history behind sparklines. Pure and testable: keys go in, commands come out.
public struct DashboardState: Sendable {
    public var focus: PanelID = .software
    public var zoomed = false
    /// The feature whose detail view is open.
    public var detailFeature: String?
    /// The alert whose history view is open (rule + labels).
    public var detailAlert: AlertKey?
    public var helpVisible = false
    /// Lines the help overlay is scrolled by, on terminals too small to show every key at once.
    public var helpScroll = 0
    /// While paused the UI keeps showing `frozen`; collection goes on.
    public var frozen: Snapshot?
    public var filter = ""
    public var editingFilter = false
    /// Text typed for an acknowledgement note (`A`), nil when not typing one.
    public var noteDraft: String?
    /// The threshold being edited (`e` on an alert), nil when not editing one.
    public var thresholdDraft: ThresholdDraft?
    /// Snooze duration menu open (`s`).
    public var snoozeMenu = false
    /// A custom snooze duration being typed (`s` then `5`), nil when not typing one.
    public var snoozeDraft: String?
    public var sort: InputSort = .drift
    public var selection: [PanelID: Int] = [:]
    /// Index into the model/version/segment groups of the snapshot; nil shows every group's first.
    public var groupIndex = 0
    public var history = MetricHistory()
    public var message: String?
    /// Whether the config has alert rules (the Alerts panel says "all clear" rather than "no rules").
    public var rulesConfigured = false
    /// Replaces LIVE/REPLAY in the header (e.g. `REPLAY 10×`).
    public var modeLabel: String?
    /// Replay position and progress bar, shown in the header.
    public var replayStatus: String?
    /// A hint shown in the footer (e.g. how to point mlwatch at real logs).
    public var footerHint: String?

    public struct AlertKey: Equatable, Sendable {
        public var rule: String
        public var labels: Labels
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

    /// Alerts in display order: firing and critical first.
    public static func alerts(in snapshot: Snapshot) -> [AlertInstance] {
        func rank(_ s: AlertState) -> Int {
            switch s {
            case .firing: return 0
            case .pending: return 1
            case .acknowledged: return 2
            case .snoozed: return 3
            case .resolved: return 4
            case .inactive: return 5
            }
        }
        return snapshot.alerts.sorted { a, b in
            if rank(a.state) != rank(b.state) { return rank(a.state) < rank(b.state) }
            if a.severity != b.severity { return a.severity > b.severity }
            return (a.rule, a.labels.description) < (b.rule, b.labels.description)
        }
    }

    public func selected(_ panel: PanelID) -> Int { selection[panel] ?? 0 }

    /// Records a newly published snapshot into the sparkline history.
    public mutating func observe(_ snapshot: Snapshot) {
        history.record(snapshot)
    }

    /// Applies one key. Returns the commands it asks of the outside world.
    public mutating func handle(_ key: Key, snapshot live: Snapshot) -> [DashboardCommand] {
        let snapshot = visible(live)
        message = nil
        if editingFilter { return handleFilterKey(key) }
        if noteDraft != nil { return handleNoteKey(key, snapshot) }
        if thresholdDraft != nil { return handleThresholdKey(key) }
        if snoozeDraft != nil { return handleSnoozeDraftKey(key, snapshot) }
        if snoozeMenu { return handleSnoozeKey(key, snapshot) }
        if helpVisible {
            // The overlay takes every key: q still quits, the movement keys scroll it.
            let limit = lastLayout?.helpScrollLimit ?? 0
            switch key {
            case .char("q"): return [.quit]
            case .char("?"), .escape, .function(1):
                helpVisible = false
                helpScroll = 0
            case .down, .char("j"): helpScroll = min(limit, helpScroll + 1)
            case .up, .char("k"): helpScroll = max(0, min(limit, helpScroll) - 1)
            case .pageDown: helpScroll = min(limit, helpScroll + 10)
            case .pageUp: helpScroll = max(0, min(limit, helpScroll) - 10)
            case .home: helpScroll = 0
            case .end: helpScroll = limit
            case .mouse(_, _, .wheelDown): helpScroll = min(limit, helpScroll + 1)
            case .mouse(_, _, .wheelUp): helpScroll = max(0, min(limit, helpScroll) - 1)
            case .mouse(_, _, .left):
                helpVisible = false
                helpScroll = 0
            default: break
            }
            return []
        }
        switch key {
        case .char("q"), .ctrl("c"): return [.quit]
        case .char("?"), .function(1): helpVisible = true
        case .tab: moveFocus(focus.next)
        case .backTab: moveFocus(focus.previous)
        case .char("1"): moveFocus(.software)
        case .char("2"): moveFocus(.input)
        case .char("3"): moveFocus(.output)
        case .char("4"): moveFocus(.alerts)
        case .up, .char("k"): moveSelection(-1, snapshot)
        case .down, .char("j"): moveSelection(1, snapshot)
        case .pageUp: moveSelection(-10, snapshot)
        case .pageDown: moveSelection(10, snapshot)
        case .home: selection[focus] = 0
        case .end: moveSelection(Int.max / 2, snapshot)
        case .enter: enter(snapshot)
        case .escape:
            if detailFeature != nil { detailFeature = nil }
            else if detailAlert != nil { detailAlert = nil }
            else if zoomed { zoomed = false }
            else if !filter.isEmpty { filter = "" }
        case .char("/"):
            focus = .input
            editingFilter = true
        case .char("p"):
            frozen = frozen == nil ? live : nil
            message = frozen == nil ? "Resumed" : "Paused: the display is frozen, collection goes on (p resumes)"
        case .char("m"):
            let count = DashboardState.groups(in: snapshot).count
            groupIndex = count > 0 ? (groupIndex + 1) % count : 0
        case .char("s") where focus == .input:
            sort = sort.next
            message = "Sorted by \(sort.rawValue)"
        case .char("T"): return [.cycleTheme]
        case .char("r"): return [.reloadConfig]
        case .char("a") where focus == .alerts:
            if let a = selectedAlert(snapshot) { return [.acknowledge(rule: a.rule, labels: a.labels, note: nil)] }
        case .char("A") where focus == .alerts:
            if selectedAlert(snapshot) != nil { noteDraft = "" }
        case .char("s") where focus == .alerts:
            if selectedAlert(snapshot) != nil { snoozeMenu = true }
        case .char("e") where focus == .alerts:
            if let a = selectedAlert(snapshot) { thresholdDraft = ThresholdDraft(rule: a.rule, current: a.threshold) }
        case .char("u") where focus == .alerts:
            if let a = selectedAlert(snapshot) { return [.undo(rule: a.rule, labels: a.labels)] }
        case .mouse(let x, let y, let button): handleMouse(x: x, y: y, button: button, snapshot)
        default: break
        }
        return []
    }

    /// Where each panel was drawn last, for mouse clicks.
    public var lastLayout: DashboardLayout?

    public func selectedAlert(_ snapshot: Snapshot) -> AlertInstance? {
        let list = DashboardState.alerts(in: snapshot)
        guard !list.isEmpty else { return nil }
        return list[min(selected(.alerts), list.count - 1)]
    }

    private mutating func moveFocus(_ panel: PanelID) {
        if panel != focus {
            detailFeature = nil
            detailAlert = nil
        }
        focus = panel
    }

    /// A click focuses the panel under the pointer (or the tab clicked) and, in the Input and Alerts
    /// lists, selects the row; a click on the row already selected opens it like Enter. The wheel moves
    /// the selection of the panel under the pointer. Detail views ignore the mouse (Esc leaves them).
    private mutating func handleMouse(x: Int, y: Int, button: MouseButton, _ snapshot: Snapshot) {
        guard detailFeature == nil, detailAlert == nil, let layout = lastLayout, let panel = layout.panel(atX: x, y: y) else { return }
        let wasFocused = panel == focus
        moveFocus(panel)
        switch button {
        case .wheelUp: moveSelection(-1, snapshot)
        case .wheelDown: moveSelection(1, snapshot)
        case .left:
            guard layout.tabs[panel] == nil, let rect = layout.panels[panel], let row = listRow(panel, rect: rect, y: y, snapshot) else {
                return
            }
            if wasFocused && row == selected(panel) {
                enter(snapshot)
            } else {
                selection[panel] = row
            }
        case .middle, .right: break
        }
    }

    /// The list item of the Input or Alerts panel drawn at screen row `y`, if any.
    private func listRow(_ panel: PanelID, rect: Rect, y: Int, _ snapshot: Snapshot) -> Int? {
        let inner = rect.inset(by: 1)
        switch panel {
        case .input:
            // Row 0 of the table is its header.
            let count = features(in: snapshot).count
            return ScrollWindow.item(atY: y, top: inner.y + 1, selected: selected(.input), rows: inner.height - 1, count: count)
        case .alerts:
            let count = DashboardState.alerts(in: snapshot).count
            return ScrollWindow.item(atY: y, top: inner.y, selected: selected(.alerts), rows: inner.height, count: count)
        case .software, .output:
            return nil
        }
    }

    private mutating func moveSelection(_ delta: Int, _ snapshot: Snapshot) {
        let count: Int
        switch focus {
        case .input: count = features(in: snapshot).count
        case .alerts: count = DashboardState.alerts(in: snapshot).count
        case .output: count = DashboardState.groups(in: snapshot).count
        case .software: count = 0
        }
        guard count > 0 else {
            selection[focus] = 0
            return
        }
        selection[focus] = max(0, min(count - 1, selected(focus) + delta))
        if focus == .output { groupIndex = selected(.output) }
    }

    private mutating func enter(_ snapshot: Snapshot) {
        switch focus {
        case .input:
            let list = features(in: snapshot)
            if !list.isEmpty {
                detailFeature = list[min(selected(.input), list.count - 1)].name
                return
            }
        case .alerts:
            if let a = selectedAlert(snapshot) {
                detailAlert = AlertKey(rule: a.rule, labels: a.labels)
                return
            }
        default: break
        }
        zoomed.toggle()
    }

    private mutating func handleFilterKey(_ key: Key) -> [DashboardCommand] {
        switch key {
        case .enter: editingFilter = false
        case .escape:
            editingFilter = false
            filter = ""
        case .backspace, .delete: if !filter.isEmpty { filter.removeLast() }
        case .char(let c): if filter.count < 40 { filter.append(c) }
        default: break
        }
        selection[.input] = 0
        return []
    }

    private mutating func handleNoteKey(_ key: Key, _ snapshot: Snapshot) -> [DashboardCommand] {
        switch key {
        case .enter:
            let note = noteDraft ?? ""
            noteDraft = nil
            if let a = selectedAlert(snapshot) {
                return [.acknowledge(rule: a.rule, labels: a.labels, note: note.isEmpty ? nil : note)]
            }
        case .escape: noteDraft = nil
        case .backspace, .delete: if noteDraft?.isEmpty == false { noteDraft?.removeLast() }
        case .char(let c): if (noteDraft?.count ?? 0) < 200 { noteDraft?.append(c) }
        default: break
        }
        return []
    }

    private mutating func handleThresholdKey(_ key: Key) -> [DashboardCommand] {
        guard var draft = thresholdDraft else { return [] }
        switch key {
        case .escape:
            thresholdDraft = nil
            message = "Threshold unchanged"
            return []
        case .backspace, .delete:
            if !draft.text.isEmpty { draft.text.removeLast() }
        case .char(let c):
            if draft.text.count < 200 { draft.text.append(c) }
        case .enter:
            switch draft.step {
            case .value:
                let text = draft.text.trimmingCharacters(in: .whitespaces)
                if text.lowercased() == "none" {
                    draft.step = .reason(value: nil)
                } else if let v = Double(text), v.isFinite {
                    draft.step = .reason(value: v)
                } else {
                    message = text.isEmpty
                        ? "Type a number (or none to clear the override), Esc cancels"
                        : "\"\(text)\" is not a number (type e.g. 300, or none to clear the override)"
                    thresholdDraft = draft
                    return []
                }
                draft.text = ""
            case .reason(let value):
                let reason = draft.text.trimmingCharacters(in: .whitespaces)
                thresholdDraft = nil
                return [.overrideThreshold(rule: draft.rule, value: value, reason: reason.isEmpty ? nil : reason)]
            }
        default: break
        }
        thresholdDraft = draft
        return []
    }

    /// Snooze durations offered by `s`, with their keys.
    public static let snoozeChoices: [(key: Character, label: String, seconds: Double)] = [
        ("1", "15m", 900), ("2", "1h", 3600), ("3", "4h", 14_400), ("4", "24h", 86_400),
    ]

    /// The key of the menu entry that asks for a typed duration.
    public static let customSnoozeKey: Character = "5"

    private mutating func handleSnoozeKey(_ key: Key, _ snapshot: Snapshot) -> [DashboardCommand] {
        snoozeMenu = false
        if key == .char(DashboardState.customSnoozeKey), selectedAlert(snapshot) != nil {
            snoozeDraft = ""
            return []
        }
        guard case .char(let c) = key, let choice = DashboardState.snoozeChoices.first(where: { $0.key == c }),
            let a = selectedAlert(snapshot)
        else { return [] }
        return [.snooze(rule: a.rule, labels: a.labels, seconds: choice.seconds)]
    }

    private mutating func handleSnoozeDraftKey(_ key: Key, _ snapshot: Snapshot) -> [DashboardCommand] {
        switch key {
        case .enter:
            let text = snoozeDraft ?? ""
            guard let seconds = DurationText.parse(text), seconds > 0 else {
                message = "snooze: \"\(text)\" is not a duration (e.g. 90m, 2h30m, 1d)"
                return []
            }
            snoozeDraft = nil
            if let a = selectedAlert(snapshot) { return [.snooze(rule: a.rule, labels: a.labels, seconds: seconds)] }
        case .escape: snoozeDraft = nil
        case .backspace, .delete: if snoozeDraft?.isEmpty == false { snoozeDraft?.removeLast() }
        case .char(let c): if (snoozeDraft?.count ?? 0) < 20 { snoozeDraft?.append(c) }
        default: break
        }
        return []
    }
}
