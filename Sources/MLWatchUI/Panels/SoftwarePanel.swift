import MLWatchCore

/// Throughput, latency, errors with sparklines; model-server resources from `system` events; the
/// monitor's own footprint.
struct SoftwarePanel {
    let context: PanelContext

    /// Throughput, latency, errors and two model servers' resources at 45×14; one server's below.
    static let needs = PanelNeeds(minimum: TerminalSize(width: 40, height: 8), gridMinimum: TerminalSize(width: 36, height: 11),
                                  preferred: TerminalSize(width: 45, height: 14),
                                  whenSmaller: "the resources of one model server instead of two")

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        let c = context
        let inner = c.frame(&buffer, area, title: PanelID.software.title, number: 1)
        guard inner.width > 4, inner.height > 0 else { return }
        let theme = c.theme
        func styled(_ v: Double?, _ metric: String) -> Style {
            guard let v, let t = c.snapshot.thresholdValue(metric, group: c.group) else { return theme[.text] }
            return v > t ? theme[.critical] : theme[.ok]
        }
        let p99 = c.value("latency_p99_ms")
        let err = c.value("error_rate")
        var rows: [MetricRow] = [
            MetricRow(label: "throughput", value: Format.number(c.value("events_per_second")) + "/s",
                      history: c.history("events_per_second"), valueStyle: theme[.text]),
            MetricRow(label: "latency p50", value: Format.millis(c.value("latency_p50_ms")),
                      history: c.history("latency_p50_ms"), valueStyle: styled(c.value("latency_p50_ms"), "latency_p50_ms"),
                      threshold: c.snapshot.thresholdValue("latency_p50_ms", group: c.group)),
            MetricRow(label: "latency p95", value: Format.millis(c.value("latency_p95_ms")),
                      history: c.history("latency_p95_ms"), valueStyle: styled(c.value("latency_p95_ms"), "latency_p95_ms"),
                      threshold: c.snapshot.thresholdValue("latency_p95_ms", group: c.group)),
            MetricRow(label: "latency p99", value: Format.millis(p99),
                      history: c.history("latency_p99_ms"), valueStyle: styled(p99, "latency_p99_ms"),
                      threshold: c.snapshot.thresholdValue("latency_p99_ms", group: c.group)),
            MetricRow(label: "error rate", value: Format.percent(err),
                      history: c.history("error_rate"), valueStyle: styled(err, "error_rate"),
                      threshold: c.snapshot.thresholdValue("error_rate", group: c.group)),
        ]
        // Server resources: the first host reporting (the header of the zoomed panel lists them all).
        let hosts = c.snapshot.metrics.filter { $0.name == "cpu_pct" }.map { $0.labels }
        for host in hosts.prefix(c.compact ? 1 : 2) {
            let name = PanelContext.clean(host["host"] ?? "", width: 10)
            let cpu = c.snapshot.metrics.first { $0.name == "cpu_pct" && $0.labels == host }?.value
            let mem = c.snapshot.metrics.first { $0.name == "mem_mb" && $0.labels == host }?.value
            let load = c.snapshot.metrics.first { $0.name == "load1" && $0.labels == host }?.value
            rows.append(MetricRow(
                label: "cpu " + name, value: Format.number(cpu, digits: 2) + "%",
                history: c.state.history.values("cpu_pct", host), valueStyle: theme[.text]))
            rows.append(MetricRow(
                label: "mem/load", value: Format.number(mem) + "M " + Format.number(load, digits: 2),
                history: c.state.history.values("mem_mb", host), valueStyle: theme[.text]))
        }
        let rss = c.snapshot.value("monitor_rss_mb")
        let cpu = c.snapshot.value("monitor_cpu_pct")
        rows.append(MetricRow(label: "mlwatch", value: Format.number(rss, digits: 2) + "M " + Format.number(cpu, digits: 2) + "%",
                              history: [], valueStyle: theme[.dimText]))
        let labelWidth = min(12, inner.width / 3)
        let valueWidth = min(13, max(6, inner.width - labelWidth - 1))
        // Zoomed, the panel has room for taller sparklines (a row of gap between metrics from 3 rows up).
        let step = c.zoomed ? MetricRow.zoomedHeight(rows: rows.count, available: inner.height) : 1
        let chartHeight = step >= 3 ? step - 1 : step
        for (i, row) in rows.enumerated() where inner.y + i * step < inner.maxY {
            row.render(into: &buffer, area: inner, y: inner.y + i * step, labelWidth: labelWidth, valueWidth: valueWidth, theme: theme,
                       chartHeight: chartHeight)
        }
    }
}
