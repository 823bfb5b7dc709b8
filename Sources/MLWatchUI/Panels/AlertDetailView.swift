import MLWatchCore

/// One alert in depth: its state, the metric's sparkline with the threshold, and its history of transitions.
struct AlertDetailView {
    let context: PanelContext
    let key: DashboardState.AlertKey

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        let c = context
        let theme = c.theme
        let inner = buffer.drawBox(area, title: "Alert \(PanelContext.clean(key.rule, width: 40)) · Esc back",
                                   style: theme[.focusedBorder], titleStyle: theme[.focusedBorder].bolded(), characters: .rounded)
        guard inner.width > 20, inner.height > 3 else { return }
        var y = inner.y
        let alert = c.snapshot.alerts.first { $0.rule == key.rule && $0.labels == key.labels }
        var head = PanelContext.clean(key.labels.displayDescription, width: inner.width)
        if let a = alert {
            head = "\(theme.severitySymbol(a.severity)) \(a.state.rawValue) · \(a.severity.rawValue) · incident \(a.incident) · " + head
        }
        _ = buffer.put(head, x: inner.x, y: y, style: alert.map { theme.severityStyle($0.severity) } ?? theme[.text], maxWidth: inner.width)
        y += 1
        if let a = alert, !a.summary.isEmpty {
            _ = buffer.put(PanelContext.clean(a.summary, width: inner.width), x: inner.x, y: y, style: theme[.text], maxWidth: inner.width)
            y += 1
        }
        if let a = alert {
            // What an on-call engineer asks first: how bad, since when, and who is on it.
            let now = c.snapshot.newestEventTime ?? 0
            var facts = "value \(Format.number(a.value))"
            if let t = a.threshold { facts += " · threshold \(Format.number(t))" }
            if let since = a.firedAt ?? a.activeSince {
                facts += " · \(a.firedAt != nil ? "firing" : "active") for \(Format.age(now - since)) (since \(Format.time(since)))"
            }
            if let who = a.acknowledgedBy { facts += " · acknowledged by \(TextSanitizer.sanitize(who))" }
            if let until = a.snoozedUntil, a.state == .snoozed { facts += " · snoozed until \(Format.time(until))" }
            if let note = a.note, !note.isEmpty { facts += ": \(note)" }
            _ = buffer.put(PanelContext.clean(facts, width: inner.width), x: inner.x, y: y, style: theme[.text], maxWidth: inner.width)
            y += 1
        }
        if let t = c.snapshot.thresholds.first(where: { $0.rule == key.rule && $0.labels == key.labels })
            ?? c.snapshot.thresholds.first(where: { $0.rule == key.rule })
        {
            let values = c.state.history.values(t.metric, t.labels)
            _ = buffer.put("\(t.metric) \(t.op) \(Format.number(t.value)) (threshold ┄)", x: inner.x, y: y, style: theme[.dimText],
                           maxWidth: inner.width)
            y += 1
            let h = min(4, max(1, inner.maxY - y - 4))
            if values.count > 1 {
                Sparkline(values: values, minimum: 0, style: theme[.sparkline], threshold: t.value, aboveThresholdStyle: theme[.critical])
                    .render(into: &buffer, area: Rect(x: inner.x, y: y, width: inner.width, height: h))
            }
            y += h + 1
        }
        guard y < inner.maxY else { return }
        _ = buffer.put("history (event time)", x: inner.x, y: y, style: theme[.dimText].bolded(), maxWidth: inner.width)
        y += 1
        let history = c.snapshot.timeline.filter { $0.rule == key.rule && Labels($0.labels) == key.labels }
        for t in history.suffix(max(0, inner.maxY - y)) {
            var text = "\(Format.time(t.time, withDate: true))  \(t.from.rawValue) → \(t.to.rawValue)  value \(Format.number(t.value))"
            if let th = t.threshold { text += " threshold \(Format.number(th))" }
            if let who = t.actor { text += " by \(who)" }
            if let note = t.note { text += ": \(note)" }
            _ = buffer.put(PanelContext.clean(text, width: inner.width), x: inner.x, y: y, style: theme[.text], maxWidth: inner.width)
            y += 1
        }
    }
}
