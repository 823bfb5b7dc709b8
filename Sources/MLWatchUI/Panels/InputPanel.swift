import MLWatchCore

/// The feature table: type, mean or top category, missing %, input length, drift score with its test
/// (coloured by its threshold) and a sparkline of drift over time. Sortable, filterable, selectable.
struct InputPanel {
    let context: PanelContext

    /// Every column at 55×14 (the length column from 64 inner columns on, when zoomed).
    static let needs = PanelNeeds(minimum: TerminalSize(width: 40, height: 8), gridMinimum: TerminalSize(width: 44, height: 11),
                                  preferred: TerminalSize(width: 55, height: 14),
                                  whenSmaller: "fewer feature rows (the selection scrolls), no length column")

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        let c = context
        var title = PanelID.input.title + " · sort: \(c.state.sort.rawValue)"
        if !c.state.filter.isEmpty || c.state.editingFilter {
            title += " · /" + PanelContext.clean(c.state.filter, width: 20) + (c.state.editingFilter ? "▏" : "")
        }
        let inner = c.frame(&buffer, area, title: title, number: 2)
        guard inner.width > 10, inner.height > 1 else { return }
        let theme = c.theme
        let features = c.state.features(in: c.snapshot)
        if features.isEmpty {
            let text = c.snapshot.features.isEmpty ? "no features in this window yet" : "no feature matches the filter"
            _ = buffer.put(text, x: inner.x, y: inner.y, style: theme[.dimText], maxWidth: inner.width)
            return
        }
        // Columns: name | type | mean/top | miss | len | drift | trend. The name and the trend share what
        // the fixed columns leave; the trend (≥ 8 cells) only when the name still gets 11.
        let summaryWidth = 9
        let driftWidth = 11
        let showLength = inner.width >= 64
        let fixed = 1 + 3 + 1 + summaryWidth + 6 + (showLength ? 5 : 0) + 2 + driftWidth + 1
        let available = inner.width - fixed
        let showTrend = available >= 19
        let nameWidth = showTrend ? min(22, available - 8) : max(6, min(22, available))
        var header = DisplayWidth.pad("feature", toWidth: nameWidth) + " typ " + DisplayWidth.pad("mean/top", toWidth: summaryWidth)
        header += DisplayWidth.pad("miss", toWidth: 6, alignRight: true)
        if showLength { header += DisplayWidth.pad("len", toWidth: 5, alignRight: true) }
        header += "  " + DisplayWidth.pad("drift test", toWidth: driftWidth) + " "
        if showTrend { header += "trend" }
        _ = buffer.put(header, x: inner.x, y: inner.y, style: theme[.dimText].bolded(), maxWidth: inner.width)
        let rows = inner.height - 1
        let selected = min(c.state.selected(.input), features.count - 1)
        let first = ScrollWindow.first(selected: selected, rows: rows, count: features.count)
        for (row, f) in features.dropFirst(max(0, first)).prefix(rows).enumerated() {
            let y = inner.y + 1 + row
            let isSelected = c.focused && first + row == selected
            var x = inner.x
            let base = isSelected ? theme[.selection] : theme[.text]
            if isSelected { buffer.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: base) }
            func cell(_ text: String, _ width: Int, _ style: Style, right: Bool = false) {
                guard x < inner.maxX else { return }
                let shown = DisplayWidth.pad(DisplayWidth.truncate(text, toWidth: width), toWidth: width, alignRight: right)
                _ = buffer.put(shown, x: x, y: y, style: style, maxWidth: inner.maxX - x)
                x += width
            }
            cell(PanelContext.clean(f.name, width: nameWidth), nameWidth, base)
            cell(" " + kindLabel(f.kind) + " ", 5, isSelected ? base : theme[.dimText])
            let summary: String
            if let mean = f.mean {
                summary = Format.number(mean)
            } else if let top = f.topCategories.first {
                summary = PanelContext.clean(top.0, width: summaryWidth)
            } else {
                summary = "–"
            }
            cell(summary, summaryWidth, base)
            let missStyle = f.missingRate > 0.2 ? theme[.warning] : base
            cell(Format.percent(f.missingRate), 6, isSelected ? base : missStyle, right: true)
            if showLength { cell(f.lengthMean.map { Format.number($0, digits: 2) } ?? "", 5, base, right: true) }
            x += 2
            if let d = f.drift {
                let style = isSelected ? base : d.detected ? theme[.critical] : theme[.ok]
                let symbol = d.detected ? theme.severitySymbol(.critical) : theme.severitySymbol(nil)
                cell("\(symbol)\(InputPanel.score(d.score)) \(InputPanel.shortTest(d.test))", driftWidth, style)
            } else if let untested = f.driftUntested {
                // Too few values to test (`drift.min_samples`): the count, dimmed, never a ✖ or a ✓.
                cell(untested.short, driftWidth, isSelected ? base : theme[.dimText])
            } else {
                cell("no ref.", driftWidth, isSelected ? base : theme[.dimText])
            }
            x += 1
            if showTrend, x < inner.maxX {
                let history = c.state.history.values("drift_score", f.labels)
                if history.count > 1 {
                    Sparkline(values: history, minimum: 0, style: theme[.sparkline])
                        .render(into: &buffer, area: Rect(x: x, y: y, width: inner.maxX - x, height: 1))
                }
            }
        }
    }

    /// A drift score in at most 6 columns: p-values such as `3.7e-154` read as `<0.001`, which is all a
    /// glance needs (the detail view has the exact value).
    static func score(_ value: Double) -> String {
        if value != 0, value.isFinite, abs(value) < 0.001 { return "<0.001" }
        return Format.number(value, digits: 2)
    }

    private func kindLabel(_ k: FeatureSummary.Kind) -> String {
        switch k {
        case .numeric: return "num"
        case .categorical: return "cat"
        case .text: return "txt"
        case .mixed: return "mix"
        case .empty: return "—  "
        }
    }

    /// The short name of a drift test for narrow columns (`KS`, `χ²`, `PSI`, …).
    static func shortTest(_ t: String) -> String {
        switch t {
        case "jensenshannon": return "JS"
        case "wasserstein": return "W"
        case "chisquare": return "χ²"
        case "ks": return "KS"
        case "psi": return "PSI"
        case "kl": return "KL"
        case "z": return "Z"
        default: return t
        }
    }
}
