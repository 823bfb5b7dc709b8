import MLWatchCore

/// Fairness of the model version in view across the groups of `fairness.group_by` (`f` from the Output
/// panel; ↑ ↓ or `m` change the version): one row per group with its predictions and its selection rate,
/// true positive rate and false positive rate as bars ("n/a" with the count when fewer than `min_samples`
/// are behind a rate), then the gaps between groups against the thresholds of the rules that watch them.
struct FairnessView {
    let context: PanelContext

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        let c = context
        let theme = c.theme
        let snapshot = c.snapshot
        let model = c.group?["model"]
        let version = c.group?["version"]
        let summary = snapshot.fairness.first { $0.labels["model"] == model && $0.labels["version"] == version }
            ?? snapshot.fairness.first { $0.labels["model"] == model } ?? snapshot.fairness.first
        var title = "Fairness"
        if let s = summary {
            let who = [s.labels["model"], s.labels["version"]].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            title += " · " + PanelContext.clean(who, width: 30) + " · by " + PanelContext.clean(s.feature, width: 24)
                + " · positive " + PanelContext.clean(s.positive, width: 12)
        }
        title += " · Esc back"
        let inner = buffer.drawBox(area, title: title, style: theme[.focusedBorder], titleStyle: theme[.focusedBorder].bolded(),
                                   characters: .rounded)
        guard inner.width >= 12, inner.height >= 1 else { return }
        var y = inner.y
        func line(_ text: String, _ style: Style) {
            guard y < inner.maxY else { return }
            _ = buffer.put(DisplayWidth.truncate(text, toWidth: inner.width), x: inner.x, y: y, style: style, maxWidth: inner.width)
            y += 1
        }
        for w in snapshot.warnings where w.topic == "fairness" {
            line(theme.severitySymbol(.warning) + " " + PanelContext.clean(w.message, width: 400), theme[.warning])
        }
        guard let s = summary else {
            if !snapshot.warnings.contains(where: { $0.topic == "fairness" }) {
                line("no fairness metrics: add fairness: {group_by: FEATURE, positive: 1} to the config", theme[.dimText])
                line("(or start with --fairness-group-by FEATURE)", theme[.dimText])
            }
            return
        }

        // Columns: group, predictions, then one bar cell per rate (fewer rates on narrow screens).
        let nameWidth = min(16, max(6, inner.width / 6))
        let countWidth = 7
        let rest = inner.width - nameWidth - countWidth
        let rates: [(String, KeyPath<FairnessSummary.Group, Double?>, KeyPath<FairnessSummary.Group, Int>)] = [
            (rest >= 3 * 16 ? "selection rate" : "selected", \.selectionRate, \.predictions),
            ("TPR", \.truePositiveRate, \.labelPositives),
            ("FPR", \.falsePositiveRate, \.labelNegatives),
        ]
        let shownRates = rest >= 3 * 14 ? 3 : rest >= 2 * 14 ? 2 : 1
        let cellWidth = max(8, rest / shownRates)
        _ = buffer.put("group", x: inner.x, y: y, style: theme[.dimText].bolded(), maxWidth: nameWidth)
        _ = buffer.put(DisplayWidth.pad("n", toWidth: countWidth - 1, alignRight: true), x: inner.x + nameWidth, y: y,
                       style: theme[.dimText].bolded())
        for (i, rate) in rates.prefix(shownRates).enumerated() {
            let x = inner.x + nameWidth + countWidth + i * cellWidth
            _ = buffer.put(rate.0, x: x, y: y, style: theme[.dimText].bolded(), maxWidth: max(0, min(cellWidth - 1, inner.maxX - x)))
        }
        y += 1

        // The groups first; then the gap lines (3) and the footnote (1) as room allows, keeping at least the
        // demographic parity difference when groups have to be left out.
        let available = inner.maxY - y
        let shownGroups = s.groups.count + 4 <= available ? s.groups.count : max(0, min(s.groups.count, available - 2))
        for g in s.groups.prefix(shownGroups) {
            _ = buffer.put(PanelContext.clean(g.name, width: nameWidth - 1), x: inner.x, y: y, style: theme[.text], maxWidth: nameWidth - 1)
            _ = buffer.put(DisplayWidth.pad(Format.number(Double(g.predictions)), toWidth: countWidth - 1, alignRight: true),
                           x: inner.x + nameWidth, y: y, style: theme[.dimText])
            for (i, rate) in rates.prefix(shownRates).enumerated() {
                let x = inner.x + nameWidth + countWidth + i * cellWidth
                let width = min(cellWidth - 1, inner.maxX - x)
                guard width > 0 else { break }
                if let v = g[keyPath: rate.1] {
                    let value = Format.percent(v)
                    let barWidth = width - DisplayWidth.of(value) - 1
                    if barWidth >= 2 {
                        BarGauge(fraction: v, style: theme[.current], trackStyle: theme[.dimText], trackCharacter: "·")
                            .render(into: &buffer, area: Rect(x: x, y: y, width: barWidth, height: 1))
                        _ = buffer.put(value, x: x + barWidth + 1, y: y, style: theme[.text])
                    } else {
                        _ = buffer.put(value, x: x, y: y, style: theme[.text], maxWidth: width)
                    }
                } else {
                    _ = buffer.put("n/a (\(g[keyPath: rate.2]))", x: x, y: y, style: theme[.dimText], maxWidth: width)
                }
            }
            y += 1
        }
        if shownGroups < s.groups.count {
            line("+\(s.groups.count - shownGroups) more groups", theme[.dimText])
        }

        // The gaps and the rules' thresholds (short names when narrow).
        let short = inner.width < 64
        let labelWidth = short ? min(18, inner.width / 2) : 32
        func gap(_ label: String, _ metric: String, _ value: Double?, _ detail: String = "") {
            guard y < inner.maxY else { return }
            _ = buffer.put(label, x: inner.x, y: y, style: theme[.dimText], maxWidth: labelWidth - 1)
            var x = inner.x + labelWidth
            guard let value else {
                _ = buffer.put("n/a (fewer than 2 groups with a rate)", x: x, y: y, style: theme[.dimText], maxWidth: max(0, inner.maxX - x))
                y += 1
                return
            }
            let threshold = snapshot.thresholds.first { $0.metric == metric && $0.labels == s.labels }
            let bad = threshold.map { t in t.op.hasPrefix("<") ? value < t.value : value > t.value }
            let style = bad == true ? theme[.critical] : bad == false ? theme[.ok] : theme[.text]
            x += buffer.put(Format.number(value), x: x, y: y, style: style, maxWidth: max(0, inner.maxX - x))
            var note: String
            if let t = threshold {
                note = "  rule \(PanelContext.clean(t.rule, width: 24)): \(t.op) \(Format.number(t.value)) "
                    + (bad == true ? theme.severitySymbol(.critical) : theme.severitySymbol(nil))
            } else {
                note = "  no rule"
            }
            if !detail.isEmpty { note += "  " + detail }
            _ = buffer.put(note, x: x, y: y, style: bad == true ? theme[.critical] : theme[.dimText], maxWidth: max(0, inner.maxX - x))
            y += 1
        }
        gap(short ? "parity diff." : "demographic parity difference", "demographic_parity_difference", s.demographicParityDifference)
        gap(short ? "parity ratio" : "demographic parity ratio", "demographic_parity_ratio", s.demographicParityRatio)
        gap(short ? "equal. odds diff." : "equalized odds difference", "equalized_odds_difference", s.equalizedOddsDifference,
            "TPR gap \(Format.number(s.truePositiveRateGap)) · FPR gap \(Format.number(s.falsePositiveRateGap))")
        line("n/a (n): fewer than \(s.minSamples) predictions (selection) or labelled positives / negatives (TPR / FPR)",
             theme[.dimText])
    }
}
