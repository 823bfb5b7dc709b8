import MLWatchCore

/// Every scraped instance of a fleet (`i` on a dashboard over Prometheus): up or down, seconds since its
/// last scrape, events per second, error rate, lag behind its newest event, and the alerts firing on it.
/// Down instances and those with firing alerts come first. Enter narrows every panel to the selected
/// instance (marked `▸` while the panels show it); Esc closes the view.
///
/// Below the table: where the alerts come from, and what the last answers left out (capped series,
/// warnings of a partial answer).
struct InstancesView {
    let context: PanelContext
    /// Wall-clock now (the scrape ages were measured at the query time; this view adds nothing to them).
    let now: Double

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        let c = context
        let theme = c.theme
        guard let fleet = c.snapshot.fleet else { return }
        let down = fleet.instances.filter { !$0.up }.count
        var title = "Instances · \(fleet.instances.count - down) up"
        if down > 0 { title += " · \(down) down" }
        title += " · Enter narrows · Esc back"
        let inner = buffer.drawBox(area, title: title, style: theme[.focusedBorder], titleStyle: theme[.focusedBorder].bolded(),
                                   characters: .rounded)
        guard inner.width >= 20, inner.height >= 2 else { return }
        var footer: [(String, Style)] = []
        let alerts = fleet.silences
            ? "alerts: \(fleet.alertSource) · a/s/u on the Alerts panel silence them"
            : "alerts: \(fleet.alertSource) (read-only: --alertmanager URL to silence them)"
        footer.append((alerts, theme[.dimText]))
        for note in fleet.notes.prefix(3) { footer.append(("note: " + note, theme[.warning])) }
        let footerRows = min(footer.count, max(0, inner.height - 3))
        let tableHeight = inner.height - footerRows
        if fleet.instances.isEmpty {
            let text = "no instances: Prometheus lists no target serving mlwatch's metrics (check --match and its scrape config)"
            for (i, line) in DisplayWidth.wrap(text, toWidth: inner.width).prefix(tableHeight).enumerated() {
                _ = buffer.put(line, x: inner.x, y: inner.y + i, style: theme[.dimText], maxWidth: inner.width)
            }
        } else {
            table(fleet, into: &buffer, area: Rect(x: inner.x, y: inner.y, width: inner.width, height: tableHeight))
        }
        for (i, (text, style)) in footer.prefix(footerRows).enumerated() {
            _ = buffer.put(PanelContext.clean(text, width: inner.width), x: inner.x, y: inner.maxY - footerRows + i, style: style,
                           maxWidth: inner.width)
        }
    }

    private func table(_ fleet: FleetInfo, into buffer: inout ScreenBuffer, area: Rect) {
        let c = context
        let theme = c.theme
        // Fixed columns; the job goes first when narrow, the alerts take what is left.
        let showJob = area.width >= 90
        let nameWidth = min(28, max(12, area.width / 4))
        let jobWidth = showJob ? 12 : 0
        var header = DisplayWidth.pad("instance", toWidth: nameWidth + 2)
        if showJob { header += DisplayWidth.pad("job", toWidth: jobWidth) }
        header += DisplayWidth.pad("state", toWidth: 6) + DisplayWidth.pad("scrape", toWidth: 7, alignRight: true)
            + DisplayWidth.pad("events/s", toWidth: 10, alignRight: true) + DisplayWidth.pad("errors", toWidth: 8, alignRight: true)
            + DisplayWidth.pad("lag", toWidth: 7, alignRight: true) + "  alerts"
        _ = buffer.put(header, x: area.x, y: area.y, style: theme[.dimText].bolded(), maxWidth: area.width)
        let rows = area.height - 1
        guard rows > 0 else { return }
        let list = fleet.instances
        let selected = min(c.state.instanceSelection, list.count - 1)
        let first = ScrollWindow.first(selected: selected, rows: rows, count: list.count)
        for (row, instance) in list.dropFirst(first).prefix(rows).enumerated() {
            let y = area.y + 1 + row
            let isSelected = first + row == selected
            let base = isSelected ? theme[.selection] : theme[.text]
            if isSelected { buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: base) }
            var x = area.x
            func cell(_ text: String, _ width: Int, _ style: Style, right: Bool = false) {
                guard x < area.maxX else { return }
                let shown = DisplayWidth.pad(DisplayWidth.truncate(text, toWidth: width), toWidth: width, alignRight: right)
                _ = buffer.put(shown, x: x, y: y, style: isSelected ? base : style, maxWidth: area.maxX - x)
                x += width
            }
            let marker = instance.instance == fleet.scope ? "▸ " : "  "
            cell(marker + PanelContext.clean(instance.instance, width: nameWidth), nameWidth + 2, base)
            if showJob { cell(PanelContext.clean(instance.job, width: jobWidth - 1), jobWidth, theme[.dimText]) }
            cell(instance.up ? "up" : "DOWN", 6, instance.up ? theme[.ok] : theme[.critical].bolded())
            cell(Format.age(instance.scrapeAge), 7, theme[.text], right: true)
            cell(Format.number(instance.eventsPerSecond), 10, theme[.text], right: true)
            cell(Format.percent(instance.errorRate), 8, theme[.text], right: true)
            let lagging = (instance.lag ?? 0) > 300
            cell(Format.age(instance.lag), 7, lagging ? theme[.warning] : theme[.text], right: true)
            x += 2
            guard x < area.maxX else { continue }
            var alerts = instance.firing.map { theme.severitySymbol(.critical) + " " + $0 }.joined(separator: " ")
            if instance.otherAlerts > 0 { alerts += (alerts.isEmpty ? "" : " ") + "+\(instance.otherAlerts) other" }
            if alerts.isEmpty { alerts = "–" }
            let style = instance.firing.isEmpty ? theme[.dimText] : theme.severityStyle(.critical)
            _ = buffer.put(PanelContext.clean(alerts, width: area.maxX - x), x: x, y: y, style: isSelected ? base : style,
                           maxWidth: area.maxX - x)
        }
    }
}
