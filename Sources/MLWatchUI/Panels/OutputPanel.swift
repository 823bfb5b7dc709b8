import MLWatchCore

/// Prediction class shares as bars (or the prediction mean for regression), null outputs, score and
/// low confidence, feedback, and accuracy/MAE once labels arrive — each with a sparkline.
struct OutputPanel {
    let context: PanelContext

    /// Three class-share bars at 45×13; two below.
    static let needs = PanelNeeds(minimum: TerminalSize(width: 40, height: 8), gridMinimum: TerminalSize(width: 36, height: 11),
                                  preferred: TerminalSize(width: 45, height: 13),
                                  whenSmaller: "two class-share bars instead of three")

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        let c = context
        var title = PanelID.output.title
        if let g = c.group {
            title += " · " + PanelContext.clean(g.pairs.map(\.value).filter { !$0.isEmpty }.joined(separator: " "), width: 30)
        }
        let inner = c.frame(&buffer, area, title: title, number: 3)
        guard inner.width > 8, inner.height > 0 else { return }
        let theme = c.theme
        guard let g = c.group, let o = c.snapshot.outputs.first(where: { $0.labels == g }) else {
            _ = buffer.put("no predictions in this window yet", x: inner.x, y: inner.y, style: theme[.dimText], maxWidth: inner.width)
            return
        }
        var y = inner.y
        let labelWidth = min(12, inner.width / 3)
        let valueWidth = min(13, max(6, inner.width - labelWidth - 1))
        // Zoomed, the metric rows get taller sparklines: count them to share the height out.
        let maxBars = c.zoomed ? 8 : c.compact ? 2 : 3
        let bars = min(maxBars, o.classShares.count)
        var metricRows = 3 + o.feedbackRates.count  // null output, accuracy/MAE, prediction drift
        if o.classShares.isEmpty, o.predictionMean != nil { metricRows += 1 }
        if o.scoreMean != nil { metricRows += 1 }
        if o.lowConfidenceRate != nil { metricRows += 1 }
        let step = c.zoomed ? MetricRow.zoomedHeight(rows: metricRows, available: inner.height - bars) : 1
        let chartHeight = step >= 3 ? step - 1 : step
        func row(_ r: MetricRow) {
            guard y < inner.maxY else { return }
            r.render(into: &buffer, area: inner, y: y, labelWidth: labelWidth, valueWidth: valueWidth, theme: theme,
                     chartHeight: chartHeight)
            y += step
        }
        func colour(_ v: Double?, _ metric: String) -> Style {
            guard let v, let t = c.snapshot.thresholdValue(metric, group: g) else { return theme[.text] }
            let op = c.snapshot.thresholds.first { $0.metric == metric }?.op ?? ">"
            let bad = op.hasPrefix("<") ? v < t : v > t
            return bad ? theme[.critical] : theme[.ok]
        }
        // Class shares as bars, most frequent first.
        for (cls, share) in o.classShares.prefix(maxBars) where y < inner.maxY {
            let name = PanelContext.clean(cls, width: labelWidth - 2)
            _ = buffer.put("class " + name, x: inner.x, y: y, style: theme[.dimText], maxWidth: labelWidth)
            _ = buffer.put(DisplayWidth.pad(Format.percent(share), toWidth: valueWidth, alignRight: true),
                           x: inner.x + labelWidth, y: y, style: theme[.text])
            let bx = inner.x + labelWidth + valueWidth + 1
            if bx < inner.maxX - 1 {
                BarGauge(fraction: share, style: theme[.current])
                    .render(into: &buffer, area: Rect(x: bx, y: y, width: inner.maxX - bx, height: 1))
            }
            y += 1
        }
        if o.classShares.isEmpty, let mean = o.predictionMean {
            row(MetricRow(label: "prediction μ", value: Format.number(mean), history: c.history("prediction_mean"),
                          valueStyle: theme[.text]))
        }
        row(MetricRow(label: "null output", value: Format.percent(o.nullRate), history: c.history("output_null_rate"),
                      valueStyle: colour(o.nullRate, "output_null_rate"),
                      threshold: c.snapshot.thresholdValue("output_null_rate", group: g)))
        if let s = o.scoreMean {
            row(MetricRow(label: "score mean", value: Format.number(s), history: c.history("score_mean"), valueStyle: theme[.text]))
        }
        if let lc = o.lowConfidenceRate {
            row(MetricRow(label: "low conf.", value: Format.percent(lc), history: c.history("low_confidence_rate"),
                          valueStyle: colour(lc, "low_confidence_rate")))
        }
        if let acc = o.accuracy {
            row(MetricRow(label: "accuracy", value: Format.percent(acc), history: c.history("accuracy"),
                          valueStyle: colour(acc, "accuracy"), threshold: c.snapshot.thresholdValue("accuracy", group: g)))
        } else if let mae = o.mae {
            row(MetricRow(label: "MAE", value: Format.number(mae), history: c.history("mae"), valueStyle: colour(mae, "mae")))
        } else {
            row(MetricRow(label: "accuracy", value: "no labels", history: [], valueStyle: theme[.dimText]))
        }
        // One row per feedback kind, values in the value column like every other row.
        for (i, (kind, rate)) in o.feedbackRates.enumerated() where y < inner.maxY {
            let name = PanelContext.clean(kind, width: max(1, valueWidth - 7))
            row(MetricRow(label: i == 0 ? "feedback" : "", value: name + " " + Format.percent(rate),
                          history: c.history("feedback_rate", ["kind": kind]), valueStyle: theme[.text]))
        }
        if y < inner.maxY, let d = c.snapshot.metrics.first(where: {
            $0.name == "drift_score" && $0.labels["feature"] == "prediction" && $0.labels.with("feature", "") == g.with("feature", "")
        }) {
            let detected = c.snapshot.metrics.first { $0.name == "drift_detected" && $0.labels == d.labels }?.value == 1
            let test = c.snapshot.metrics.first { $0.name == "drift_test" && $0.labels == d.labels }?.text ?? ""
            let symbol = detected ? theme.severitySymbol(.critical) : theme.severitySymbol(nil)
            row(MetricRow(label: "pred drift", value: "\(symbol)\(InputPanel.score(d.value)) \(InputPanel.shortTest(test))",
                          history: c.state.history.values("drift_score", d.labels),
                          valueStyle: detected ? theme[.critical] : theme[.ok]))
        } else if y < inner.maxY, let untested = o.driftUntested["prediction"] {
            row(MetricRow(label: "pred drift", value: untested.short, history: [], valueStyle: theme[.dimText]))
        }
    }
}
