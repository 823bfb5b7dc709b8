import MLWatchCore

/// Firing, pending, acknowledged and snoozed alerts: severity (colour and symbol), state, rule, labels,
/// value against threshold, age. `a`/`A`/`s`/`u`/`e` act on the selected one.
struct AlertsPanel {
    let context: PanelContext

    /// Full state names at 55×13; below 50 inner columns states are abbreviated (`ACKED`).
    static let needs = PanelNeeds(minimum: TerminalSize(width: 40, height: 8), gridMinimum: TerminalSize(width: 44, height: 11),
                                  preferred: TerminalSize(width: 55, height: 13),
                                  whenSmaller: "fewer alert rows (the selection scrolls), abbreviated states")

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        let c = context
        let alerts = DashboardState.alerts(in: c.snapshot)
        let firing = alerts.filter { $0.state == .firing }.count
        let inner = c.frame(&buffer, area, title: PanelID.alerts.title + (firing > 0 ? " · \(firing) firing" : ""), number: 4)
        guard inner.width > 10, inner.height > 0 else { return }
        let theme = c.theme
        if alerts.isEmpty {
            let hasRules = !c.snapshot.thresholds.isEmpty || !c.snapshot.timeline.isEmpty
            let text = hasRules || c.state.rulesConfigured
                ? "\(theme.severitySymbol(nil)) all clear: no alert pending or firing"
                : "no alert rules: add rules to a config (--config mlwatch.yaml)"
            // Wrapped: the hint about --config is the useful part and sat past the edge at 100 columns.
            for (i, line) in DisplayWidth.wrap(text, toWidth: inner.width).prefix(inner.height).enumerated() {
                _ = buffer.put(line, x: inner.x, y: inner.y + i, style: hasRules || c.state.rulesConfigured ? theme[.ok] : theme[.dimText],
                               maxWidth: inner.width)
            }
            return
        }
        var y = inner.y
        if let prompt = AlertsPanel.prompt(for: c.state.mode) {
            _ = buffer.put(prompt, x: inner.x, y: y, style: theme[.warning], maxWidth: inner.width)
            y += 1
        }
        let rows = inner.maxY - y
        guard rows > 0 else { return }
        let selected = min(c.state.selected(.alerts), alerts.count - 1)
        let first = ScrollWindow.first(selected: selected, rows: rows, count: alerts.count)
        let now = c.snapshot.newestEventTime ?? 0
        let group = c.group
        for (i, a) in alerts.dropFirst(first).prefix(rows).enumerated() {
            let isSelected = c.focused && first + i == selected
            let sev = stateStyle(a)
            let style = isSelected ? theme[.selection] : sev
            if isSelected { buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: style) }
            // Narrow panels (80 columns) abbreviate the state so the rule name keeps some room.
            let narrow = inner.width < 50
            let state = narrow && a.state == .acknowledged ? "ACKED" : a.state.rawValue.uppercased()
            // Labels the header already shows (the model and version in view) only take room here.
            let labels = a.labels.pairs.filter { $0.key != "severity" && group?[$0.key] != $0.value }
                .map { "\(TextSanitizer.sanitize($0.key))=\(TextSanitizer.sanitize($0.value))" }.joined(separator: ",")
            var rule = a.rule
            if !labels.isEmpty { rule += "{" + labels + "}" }
            // Value, threshold and age are right-aligned and kept; the rule name gives way first.
            var facts = Format.number(a.value)
            if let t = a.threshold { facts += " vs " + Format.number(t) }
            facts += " · " + Format.age(now - (a.firedAt ?? a.activeSince ?? now))
            var extra = ""
            if let who = a.acknowledgedBy { extra += " · ack " + who }
            if let until = a.snoozedUntil, a.state == .snoozed { extra += " · until " + Format.time(until) }
            let head = "\(theme.severitySymbol(a.severity)) \(DisplayWidth.pad(state, toWidth: narrow ? 9 : 13))"
            let minimumRule = 12
            if DisplayWidth.of(head) + minimumRule + DisplayWidth.of(facts + extra) + 1 <= inner.width { facts += extra }
            let factsText = PanelContext.clean(facts, width: max(0, inner.width - DisplayWidth.of(head) - 2))
            let factsWidth = DisplayWidth.of(factsText)
            let leftWidth = max(0, inner.width - factsWidth - 1)
            _ = buffer.put(PanelContext.clean(head + rule, width: leftWidth), x: inner.x, y: y, style: style, maxWidth: leftWidth)
            _ = buffer.put(factsText, x: inner.maxX - factsWidth, y: y, style: style, maxWidth: factsWidth)
            y += 1
        }
    }

    private func stateStyle(_ a: AlertInstance) -> Style {
        let theme = context.theme
        switch a.state {
        case .acknowledged, .snoozed: return theme[.acknowledged]
        case .pending: return theme[.warning]
        case .resolved: return theme[.ok]
        default: return theme.severityStyle(a.severity)
        }
    }

    /// The prompt line of a menu or prompt about the selected alert, nil in other modes.
    static func prompt(for mode: InputMode) -> String? {
        switch mode {
        case .note(_, let draft):
            return "ack note: " + draft + "▏ (Enter saves, Esc cancels)"
        case .threshold(let draft):
            return draft.prompt
        case .snoozeDuration(_, let draft):
            return "snooze for (e.g. 90m, 2h30m): " + draft + "▏ (Enter snoozes, Esc cancels)"
        case .snoozeMenu:
            // Drawn from the menu's key map, so the keys shown are the keys that work.
            let rows = DashboardKeys.snoozeMenu.bindings
            let choices = rows.filter { !$0.entries.contains { $0.action == .cancel } }.map { "\($0.keyDescription) \($0.help)" }
            let cancel = rows.filter { $0.entries.contains { $0.action == .cancel } }.map { "(\($0.keyDescription) \($0.help))" }
            return "snooze for: " + (choices + cancel).joined(separator: "  ")
        case .normal, .help, .filter:
            return nil
        }
    }
}
