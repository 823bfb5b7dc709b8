/// One line of a metrics panel: `label  value  sparkline`, the value coloured against a threshold.
struct MetricRow {
    var label: String
    var value: String
    var history: [Double]
    var valueStyle: Style
    var threshold: Double?

    /// Rows per metric in a zoomed panel: taller sparklines when there is room (up to 4 rows, one of
    /// them a gap between metrics), one row otherwise.
    static func zoomedHeight(rows: Int, available: Int) -> Int {
        max(1, min(4, available / max(1, rows)))
    }

    /// Draws at row `y` of `area`: label column, value column, then a braille sparkline in the rest,
    /// `chartHeight` rows tall (the label and value stay on the first row).
    func render(into buffer: inout ScreenBuffer, area: Rect, y: Int, labelWidth: Int, valueWidth: Int, theme: Theme,
                chartHeight: Int = 1) {
        guard y >= area.y, y < area.maxY else { return }
        _ = buffer.put(label, x: area.x, y: y, style: theme[.dimText], maxWidth: min(labelWidth, area.width))
        let vx = area.x + labelWidth
        guard vx < area.maxX else { return }
        _ = buffer.put(DisplayWidth.pad(value, toWidth: valueWidth, alignRight: true), x: vx, y: y, style: valueStyle,
                       maxWidth: min(valueWidth, area.maxX - vx))
        let sx = vx + valueWidth + 1
        if sx < area.maxX - 1, history.count > 1 {
            Sparkline(values: history, minimum: 0, style: theme[.sparkline], threshold: threshold,
                      aboveThresholdStyle: theme[.critical])
                .render(into: &buffer, area: Rect(x: sx, y: y, width: area.maxX - sx, height: max(1, min(chartHeight, area.maxY - y))))
        }
    }
}
