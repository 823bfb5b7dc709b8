import MLWatchCore

/// The versions of the model in view side by side (`v` from the Output panel): versions in columns (the
/// `compare` baseline first), metrics in rows — traffic, latency, errors, prediction mix, score, accuracy,
/// input drift against the baseline, agreement for shadows — each non-baseline value marked by whether it
/// differs significantly from the baseline's (the drift test of the column, or a two-proportion z-test at
/// p < 0.05), then the newest requests a shadow answered differently.
///
/// Without `compare` the columns still show each version's own metrics, and the title says how to get
/// the comparison. Rows that do not fit are dropped from the bottom of the per-feature list first.
struct VersionsView {
    let context: PanelContext

    /// A row: a label and one cell per version column.
    private struct Row {
        var label: String
        var cells: [Cell]
        var labelStyle: ThemeRole = .dimText
    }

    /// A cell's text and whether it differs from the baseline (nil: not compared).
    private struct Cell {
        var text: String
        var differs: Bool?
        var role: ThemeRole = .text

        init(_ text: String, differs: Bool? = nil, role: ThemeRole = .text) {
            self.text = text
            self.differs = differs
            self.role = role
        }
    }

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        let c = context
        let theme = c.theme
        let snapshot = c.snapshot
        let model = c.group?["model"] ?? snapshot.outputs.first?.labels["model"]
        let summary = snapshot.versions.first { $0.model == model }
        var title = "Versions"
        if let model { title += " · " + PanelContext.clean(model, width: 24) }
        if let summary {
            title += " · baseline " + PanelContext.clean(summary.baseline, width: 16)
        } else if snapshot.warnings.contains(where: { $0.topic == "compare" }) {
            title += " · baseline not in window"
        } else {
            title += " · no baseline (compare: {baseline: …})"
        }
        title += " · Esc back"
        let inner = buffer.drawBox(area, title: title, style: theme[.focusedBorder], titleStyle: theme[.focusedBorder].bolded(),
                                   characters: .rounded)
        guard inner.width >= 12, inner.height >= 1 else { return }
        guard let model else {
            _ = buffer.put("no predictions in this window yet", x: inner.x, y: inner.y, style: theme[.dimText], maxWidth: inner.width)
            return
        }

        let outputs = snapshot.outputs.filter { $0.labels["model"] == model && $0.labels["segment"] == nil }
        let all = Self.columns(in: snapshot, model: model)
        let labelWidth = min(15, max(12, inner.width / 5))
        let columnWidth = max(9, min(22, (inner.width - labelWidth) / max(1, all.count)))
        let shown = max(1, min(all.count, (inner.width - labelWidth) / columnWidth))
        // The first column stays; the others scroll (← →) when they do not all fit.
        let scroll = max(0, min(c.state.comparisonScroll, all.count - shown))
        var versions = Array(all.prefix(1))
        if shown > 1 { versions += all.dropFirst(1 + scroll).prefix(shown - 1) }
        let hidden = all.count - versions.count

        func labels(_ version: String) -> Labels { Labels(["model": model, "version": version]) }
        func metric(_ name: String, _ version: String) -> Double? {
            let want = labels(version)
            return snapshot.metrics.first { $0.name == name && $0.labels == want }?.value
        }
        func output(_ version: String) -> OutputSummary? { outputs.first { $0.labels["version"] == version } }
        func compared(_ version: String) -> VersionComparisonSummary.Version? {
            guard version != summary?.baseline else { return nil }
            return summary?.versions.first { $0.version == version }
        }
        func significant(_ p: Double?) -> Bool? { p.map { $0 < VersionComparisonSummary.significance } }

        var rows: [Row] = []
        rows.append(Row(label: "", cells: versions.map { v in
            let role = v == summary?.baseline ? "baseline" : (compared(v)?.shadow?.pairs ?? 0) > 0 ? "shadow" : ""
            let name = PanelContext.clean(v, width: columnWidth - 2)
            // The role when there is room for it next to the name.
            let fits = !role.isEmpty && DisplayWidth.of(name) + 1 + role.count <= columnWidth - 1
            return Cell(fits ? name + " " + role : name, role: .title)
        }))
        rows.append(Row(label: "traffic", cells: versions.map { Cell(Format.percent(metric("traffic_share", $0))) }))
        rows.append(Row(label: "predictions", cells: versions.map { Cell(Format.number(metric("events_total", $0))) }))
        rows.append(Row(label: "p50 latency", cells: versions.map { v in
            Cell(Format.millis(metric("latency_p50_ms", v)), differs: compared(v)?.latencyDrift?.detected)
        }))
        rows.append(Row(label: "p99 latency", cells: versions.map { v in
            Cell(Format.millis(metric("latency_p99_ms", v)), differs: compared(v)?.latencyDrift?.detected)
        }))
        rows.append(Row(label: "error rate", cells: versions.map { v in
            Cell(Format.percent(metric("error_rate", v)), differs: significant(compared(v)?.errorRatePValue))
        }))
        // Prediction mix: the baseline's most frequent classes (or the first column's), the drift test of the
        // prediction column marking the first row.
        let mixSource = output(versions[0])
        let classes = (mixSource?.classShares ?? []).prefix(c.compact ? 2 : 3).map(\.0)
        for (i, cls) in classes.enumerated() {
            rows.append(Row(label: "pred " + PanelContext.clean(cls, width: labelWidth - 6), cells: versions.map { v in
                let share = output(v)?.classShares.first { $0.0 == cls }?.1 ?? (output(v) == nil ? nil : 0)
                return Cell(Format.percent(share), differs: i == 0 ? compared(v)?.predictionDrift?.detected : nil)
            }))
        }
        if classes.isEmpty, outputs.contains(where: { $0.predictionMean != nil }) {
            rows.append(Row(label: "prediction μ", cells: versions.map { v in
                Cell(Format.number(output(v)?.predictionMean), differs: compared(v)?.predictionDrift?.detected)
            }))
        }
        if outputs.contains(where: { $0.scoreMean != nil }) {
            rows.append(Row(label: "score mean", cells: versions.map { v in
                Cell(Format.number(output(v)?.scoreMean), differs: compared(v)?.scoreDrift?.detected)
            }))
        }
        rows.append(Row(label: "accuracy", cells: versions.map { v in
            guard let o = output(v) else { return Cell("–") }
            if let acc = o.accuracy { return Cell(Format.percent(acc), differs: significant(compared(v)?.accuracyPValue)) }
            if let mae = o.mae { return Cell("MAE " + Format.number(mae)) }
            return Cell("no labels", role: .dimText)
        }))
        if summary != nil {
            rows.append(Row(label: "input drift", cells: versions.map { v in
                guard let d = compared(v) else { return Cell(v == summary?.baseline ? "reference" : "–", role: .dimText) }
                guard !d.featureDrift.isEmpty else {
                    // Every feature left uncompared for want of values (`drift.min_samples`) is not "0 drifted".
                    let untested = d.driftUntested.keys.filter { $0 != "prediction" && $0 != "score" }.count
                    return Cell(untested > 0 ? "\(untested) not tested" : "–", role: .dimText)
                }
                return Cell("\(d.driftedFeatures)/\(d.featureDrift.count) drifted", differs: d.driftedFeatures > 0)
            }))
            rows.append(Row(label: "agreement", cells: versions.map { v in
                guard let d = compared(v) else { return Cell("–", role: .dimText) }
                guard let s = d.shadow, let rate = s.agreementRate else { return Cell("no pairs", role: .dimText) }
                return Cell("\(Format.percent(rate)) of \(Format.number(Double(s.pairs)))")
            }))
        }
        // One row per feature compared with the baseline, those drifted in more versions first.
        var drifted: [(name: String, score: Int)] = []
        for v in versions {
            for (name, d) in compared(v)?.featureDrift ?? [:] {
                let score = d.detected ? 1 : 0
                if let i = drifted.firstIndex(where: { $0.name == name }) { drifted[i].score += score } else { drifted.append((name, score)) }
            }
            for name in (compared(v)?.driftUntested ?? [:]).keys where name != "prediction" && name != "score" {
                if !drifted.contains(where: { $0.name == name }) { drifted.append((name, 0)) }
            }
        }
        drifted.sort { ($0.score, $1.name) > ($1.score, $0.name) }
        let featureRows = drifted.map { f in
            Row(label: "  " + PanelContext.clean(f.name, width: labelWidth - 3), cells: versions.map { v in
                guard let d = compared(v)?.featureDrift[f.name] else {
                    return Cell(compared(v)?.driftUntested[f.name]?.short ?? "", role: .dimText)
                }
                return Cell("\(InputPanel.shortTest(d.test)) \(InputPanel.score(d.score))", differs: d.detected)
            })
        }

        // The lines under the table: disagreeing request ids of each shadow, and the legend. Warnings and
        // versions left out for want of width are essential: room is kept for them first.
        var essential: [(String, ThemeRole)] = snapshot.warnings.filter { $0.topic == "compare" }.map { ($0.message, .warning) }
        if hidden > 0 {
            let first = 2 + scroll
            let range = shown == 2 ? "version \(first)" : "versions \(first)–\(first + shown - 2)"
            essential.append((shown > 1 ? "\(range) of \(all.count) shown · ← → scroll"
                                        : "+\(hidden) more version\(hidden == 1 ? "" : "s"): widen the terminal", .dimText))
        }
        var notes: [(String, ThemeRole)] = []
        for v in versions {
            guard let s = compared(v)?.shadow, !s.disagreements.isEmpty, let base = summary?.baseline else { continue }
            let ids = s.disagreements.map { d in
                "\(d.requestID) (\(Self.answer(d.baselinePrediction)) vs \(Self.answer(d.prediction)))"
            }
            notes.append((PanelContext.clean("\(v) vs \(base) disagree on: " + ids.joined(separator: ", "), width: 400), .text))
        }
        if let base = summary?.baseline {
            let mark = theme.severitySymbol(.critical)
            notes.append(("\(mark) differs from \(base) (drift test of the column, or z-test p < 0.05)  · same", .dimText))
        }

        // Fit: essential notes, the table, then as many other notes and feature rows as there is room for.
        let shownEssential = min(essential.count, max(0, inner.height - 1))
        notes = Array(essential.prefix(shownEssential)) + notes
        let available = inner.height - shownEssential
        let tableRows = min(rows.count, available)
        let noteRows = shownEssential + min(notes.count - shownEssential, max(0, available - tableRows))
        let featureRoom = max(0, available - tableRows - noteRows)
        let allRows = Array(rows.prefix(tableRows)) + featureRows.prefix(featureRoom)
        var y = inner.y
        for row in allRows {
            _ = buffer.put(row.label, x: inner.x, y: y, style: theme[row.labelStyle], maxWidth: labelWidth - 1)
            for (i, cell) in row.cells.enumerated() {
                let x = inner.x + labelWidth + i * columnWidth
                let width = min(columnWidth - 1, inner.maxX - x)
                guard width > 0 else { break }
                let marker: String
                switch cell.differs {
                case true?: marker = theme.severitySymbol(.critical)
                case false?: marker = "·"
                case nil: marker = ""
                }
                let textWidth = max(0, width - (marker.isEmpty ? 0 : 2))
                let used = buffer.put(DisplayWidth.truncate(cell.text, toWidth: textWidth), x: x, y: y,
                                      style: cell.role == .title ? theme[.title].bolded() : theme[cell.role], maxWidth: textWidth)
                if !marker.isEmpty {
                    _ = buffer.put(marker, x: x + used + 1, y: y, style: cell.differs == true ? theme[.critical] : theme[.ok],
                                   maxWidth: max(0, width - used - 1))
                }
            }
            y += 1
        }
        for (text, role) in notes.prefix(noteRows) {
            _ = buffer.put(DisplayWidth.truncate(text, toWidth: inner.width), x: inner.x, y: y, style: theme[role],
                           maxWidth: inner.width)
            y += 1
        }
    }

    /// The view's columns for `model`: the `compare` baseline first, then the comparison's versions, then
    /// any other version with predictions in the window, by name.
    static func columns(in snapshot: Snapshot, model: String) -> [String] {
        var versions = snapshot.versions.first { $0.model == model }?.versions.map(\.version) ?? []
        let outputs = snapshot.outputs.filter { $0.labels["model"] == model && $0.labels["segment"] == nil }
        for o in outputs.sorted(by: { ($0.labels["version"] ?? "") < ($1.labels["version"] ?? "") }) {
            if let v = o.labels["version"], !versions.contains(v) { versions.append(v) }
        }
        return versions
    }

    /// A prediction as a short text for the disagreement list.
    static func answer(_ v: OutputValue) -> String {
        switch v {
        case .null: return "null"
        case .number, .label: return PanelContext.clean(v.classKey ?? "?", width: 12)
        }
    }
}
