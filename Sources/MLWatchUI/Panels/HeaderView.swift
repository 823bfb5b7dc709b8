import MLWatchCore

/// The top line(s): mode (LIVE / REPLAY / PAUSED), sources, model in view, event time and lag, rates,
/// totals, malformed and late counts, firing alerts by severity.
///
/// The full layout has two lines. The compact and single-panel layouts have one, so its parts are
/// ranked: the mode, the firing-alert counts and the model in view stay; the event time and lag, the
/// rate, the malformed count, the totals and the source names are dropped in reverse order of
/// importance until the line fits (rather than cutting the line off at the right edge, which lost the
/// alert counts at 80 columns).
struct HeaderView {
    let context: PanelContext
    /// Wall-clock now, for the lag behind the newest line.
    let now: Double

    /// One piece of a header line; `rank` orders what is dropped first (lowest) when space runs out.
    private struct Part {
        var text: String
        var style: Style
        var rank: Int
    }

    /// The alert counts' rank: only the mode outranks them.
    private static let alertCountsRank = 9

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        let c = context
        let theme = c.theme
        let s = c.snapshot
        buffer.fill(area, style: theme[.header])
        let twoLines = area.height > 1
        let fleetMode = s.fleet != nil && s.mode == .live ? "FLEET" : nil
        let mode = c.state.paused ? "PAUSED" : (c.state.modeLabel ?? fleetMode ?? s.mode.rawValue)
        let lag = s.newestEventTime.map { max(0, now - $0) }
        let eps = c.value("events_per_second")

        var left: [Part] = [
            Part(text: " mlwatch ", style: theme[.header].bolded(), rank: 5),
            Part(text: " \(mode) ", style: (c.state.paused ? theme[.warning] : theme[.ok]).reversed(), rank: 10),
        ]
        if let g = c.group {
            // The full header names the labels; one line shows only their values ("fraud v3"). Each value is
            // sanitized on its own: one that leaves an escape sequence open must not swallow the next label.
            let clean = g.pairs.map { (key: TextSanitizer.sanitize($0.key), value: TextSanitizer.sanitize($0.value)) }
            let groupText = twoLines
                ? clean.map { "\($0.key) \($0.value)" }.joined(separator: " ")
                : clean.map(\.value).filter { !$0.isEmpty }.joined(separator: " ")
            left.append(Part(text: " " + PanelContext.clean(groupText, width: 40), style: theme[.header], rank: 8))
        }
        if let fleet = s.fleet {
            // Which part of the fleet the panels show: one instance, or the whole fleet and how much of it is up.
            let up = fleet.instances.filter(\.up).count
            let text = fleet.scope.map { "▸ " + PanelContext.clean($0, width: 30) } ?? "fleet \(up)/\(fleet.instances.count) up"
            let style = fleet.scope != nil || up == fleet.instances.count ? theme[.header].bolded() : theme[.warning]
            left.append(Part(text: " │ " + text, style: style, rank: 8))
        }
        if let connection = c.state.connection, connection.isStale(now: now) {
            // The data on screen are the last that arrived: say so, and how old they are.
            let text = connection.dataTime.map { " STALE \(Format.age(now - $0)) " } ?? " NO DATA "
            left.append(Part(text: " " + text, style: theme[.warning].reversed(), rank: 8))
        }
        if let warning = s.warnings.first {
            // `compare` / `fairness` that the data do not support: said here, in full in the views and the JSON.
            let more = s.warnings.count > 1 ? " (+\(s.warnings.count - 1))" : ""
            let text = theme.severitySymbol(.warning) + " " + PanelContext.clean("\(warning.topic): \(warning.short)", width: 40)
            left.append(Part(text: " │ " + text + more, style: theme[.warning], rank: 7))
        }
        if !twoLines {
            if let replay = c.state.replayStatus {
                left.append(Part(text: " │ " + PanelContext.clean(replay, width: 40), style: theme[.header], rank: 7))
            }
            // Shown for a few seconds, it explains the leap of the clock: it outranks the position beside it and,
            // placed after it, the model in view (the smallest screens lose the model's name for those seconds).
            if let skip = c.state.replaySkipNote {
                left.append(Part(text: " │ " + PanelContext.clean(skip, width: 24), style: theme[.header].bolded(), rank: 8))
            }
            var time = Format.time(s.newestEventTime)
            if s.mode == .live, let lag { time += " lag \(Format.age(lag))" }
            left.append(Part(text: " │ " + time, style: theme[.header], rank: 6))
            left.append(Part(text: " │ \(Format.number(eps))/s", style: theme[.header], rank: 4))
            if s.malformed.total > 0 {
                left.append(Part(text: " │ malformed \(s.malformed.total)", style: theme[.warning], rank: 3))
            }
            if s.future.total > 0 {
                left.append(Part(text: " │ future \(s.future.total)", style: theme[.warning], rank: 3))
            }
            left.append(Part(text: " │ events \(s.events)", style: theme[.header], rank: 2))
        }
        let sources = PanelContext.clean(s.sources.map { TextSanitizer.sanitize($0) }.joined(separator: ", "), width: 40)
        if !sources.isEmpty {
            left.append(Part(text: " │ " + sources, style: theme[.header], rank: 1))
        }

        // Alert counts, right-aligned: "✖ 1 critical" on the full header, "✖1" on one line.
        let firing = s.alerts.filter { $0.state == .firing }
        var counts: [String] = []
        for sev in [AlertSeverity.critical, .warning, .info] {
            let n = firing.filter { $0.severity == sev }.count
            if n > 0 { counts.append(twoLines ? "\(theme.severitySymbol(sev)) \(n) \(sev.rawValue)" : "\(theme.severitySymbol(sev))\(n)") }
        }
        let right = counts.isEmpty ? nil
            : Part(text: " " + counts.joined(separator: twoLines ? "  " : " ") + " ",
                   style: theme.severityStyle(firing.map(\.severity).max()).reversed(), rank: HeaderView.alertCountsRank)

        var parts = left + (right.map { [$0] } ?? [])
        while parts.count > 1, parts.reduce(0, { $0 + DisplayWidth.of($1.text) }) > area.width {
            guard let lowest = parts.indices.min(by: { parts[$0].rank < parts[$1].rank }) else { break }
            parts.remove(at: lowest)
        }
        var x = area.x
        for part in parts where part.rank != HeaderView.alertCountsRank {
            x += buffer.put(part.text, x: x, y: area.y, style: part.style, maxWidth: max(0, area.maxX - x))
        }
        if let right, parts.contains(where: { $0.rank == HeaderView.alertCountsRank }) {
            let w = DisplayWidth.of(right.text)
            _ = buffer.put(right.text, x: max(x, area.maxX - w), y: area.y, style: right.style, maxWidth: max(0, area.maxX - x))
        }

        guard twoLines else { return }
        if let connection = c.state.connection, let problem = connection.problem ?? (connection.isStale(now: now) ? "no answer yet" : nil) {
            // Why the data are stale, on the whole line: it matters more than the counts.
            var text = " \(theme.severitySymbol(.warning)) \(connection.target): " + problem
            if let last = connection.lastSuccess { text += " (last full answer \(Format.age(now - last)) ago)" }
            _ = buffer.put(PanelContext.clean(text, width: area.width), x: area.x, y: area.y + 1, style: theme[.warning], maxWidth: area.width)
            return
        }
        var stats = "event time \(Format.time(s.newestEventTime, withDate: true))"
        if s.mode == .live, let lag { stats += " (lag \(Format.age(lag)))" }
        stats += " │ \(Format.number(eps))/s │ events \(s.events) │ malformed \(s.malformed.total) │ late \(s.late)"
        // Events stamped too far ahead, and the log most of them came from (a producer's clock is wrong): its
        // file name, the highest count first, then by name (a stable choice between equal counts).
        if s.future.total > 0 {
            let worst = s.future.bySource.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
            let name = worst.map { " (" + PanelContext.clean(String($0.split(separator: "/").last ?? Substring($0)), width: 24) + ")" }
            stats += " │ future \(s.future.total)"
            // The name only where it fits: a cut "(" would say nothing.
            if let name, DisplayWidth.of(stats) + DisplayWidth.of(name) + 1 <= area.width { stats += name }
        }
        // Live, lines of a backlog held after a jump until later lines confirm it (see `FutureEventGuard`):
        // not counted yet, neither as events nor as future.
        if s.future.held > 0 { stats += " │ held \(s.future.held)" }
        // A rule hit its bound on label sets: its alerts no longer cover every label set seen.
        if let limit = s.alertSeriesLimit, limit.wasHit { stats += " │ rule label sets capped at \(limit.cap)" }
        if let skip = c.state.replaySkipNote { stats = PanelContext.clean(skip, width: 24) + " │ " + stats }
        if let replay = c.state.replayStatus { stats = replay + " │ " + stats }
        let line = " " + stats
        let y = area.y + 1
        _ = buffer.put(line, x: area.x, y: y, style: theme[.header], maxWidth: area.width)
        if s.malformed.total > 0 {
            // Draw the malformed count in the warning colour so a broken producer is noticed.
            let marker = "malformed \(s.malformed.total)"
            if let range = line.range(of: marker) {
                let col = DisplayWidth.of(line[..<range.lowerBound])
                _ = buffer.put(marker, x: area.x + col, y: y, style: theme[.warning], maxWidth: max(0, area.maxX - area.x - col))
            }
        }
        if s.future.total > 0 {
            let marker = "future \(s.future.total)"
            if let range = line.range(of: marker) {
                let col = DisplayWidth.of(line[..<range.lowerBound])
                _ = buffer.put(marker, x: area.x + col, y: y, style: theme[.warning], maxWidth: max(0, area.maxX - area.x - col))
            }
        }
    }
}
