import MLWatchCore

/// The top line(s): mode (LIVE / REPLAY / PAUSED), sources, model in view, event time and lag, rates,
/// totals, malformed and late counts, firing alerts by severity.
struct HeaderView {
    let context: PanelContext
    /// Wall-clock now, for the lag behind the newest line.
    let now: Double

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        let c = context
        let theme = c.theme
        let s = c.snapshot
        buffer.fill(area, style: theme[.header])
        let mode = c.state.paused ? "PAUSED" : (c.state.modeLabel ?? s.mode.rawValue)
        var x = area.x
        x += buffer.put(" mlwatch ", x: x, y: area.y, style: theme[.header].bolded())
        x += buffer.put(" \(mode) ", x: x, y: area.y, style: (c.state.paused ? theme[.warning] : theme[.ok]).reversed())
        let source = PanelContext.clean(s.sources.joined(separator: ", "), width: 40)
        x += buffer.put(" " + source, x: x, y: area.y, style: theme[.header], maxWidth: max(0, area.maxX - x))
        if let g = c.group {
            let groupText = g.pairs.map { "\($0.key) \($0.value)" }.joined(separator: " ")
            x += buffer.put(" │ " + PanelContext.clean(groupText, width: 40), x: x, y: area.y, style: theme[.header],
                            maxWidth: max(0, area.maxX - x))
        }
        // Alert counts, right-aligned.
        let firing = s.alerts.filter { $0.state == .firing }
        var counts: [String] = []
        for sev in [AlertSeverity.critical, .warning, .info] {
            let n = firing.filter { $0.severity == sev }.count
            if n > 0 { counts.append("\(theme.severitySymbol(sev)) \(n) \(sev.rawValue)") }
        }
        if !counts.isEmpty {
            let text = " " + counts.joined(separator: "  ") + " "
            let w = DisplayWidth.of(text)
            if area.maxX - w > x {
                let worst = firing.map(\.severity).max()
                _ = buffer.put(text, x: area.maxX - w, y: area.y, style: theme.severityStyle(worst).reversed())
            }
        }
        let lag = s.newestEventTime.map { max(0, now - $0) }
        var stats = "event time \(Format.time(s.newestEventTime, withDate: !c.compact))"
        if s.mode == .live, let lag { stats += " (lag \(Format.age(lag)))" }
        let eps = c.value("events_per_second")
        stats += " │ \(Format.number(eps))/s │ events \(s.events) │ malformed \(s.malformed.total) │ late \(s.late)"
        if let replay = c.state.replayStatus { stats = replay + " │ " + stats }
        let y = area.height > 1 ? area.y + 1 : area.y
        if area.height > 1 {
            _ = buffer.put(" " + stats, x: area.x, y: y, style: theme[.header], maxWidth: area.width)
        } else if x + 3 < area.maxX {
            let compactStats = " │ \(Format.number(eps))/s │ events \(s.events) │ malformed \(s.malformed.total)"
            _ = buffer.put(compactStats, x: x, y: y, style: theme[.header], maxWidth: area.maxX - x)
        }
        if s.malformed.total > 0, area.height > 1 {
            // Draw the malformed count in the warning colour so a broken producer is noticed.
            let marker = "malformed \(s.malformed.total)"
            if let range = (" " + stats).range(of: marker) {
                let col = DisplayWidth.of((" " + stats)[..<range.lowerBound])
                _ = buffer.put(marker, x: area.x + col, y: y, style: theme[.warning], maxWidth: max(0, area.maxX - area.x - col))
            }
        }
    }
}
