import MLWatchCore

/// One feature in depth: reference vs current histogram overlaid, quantiles side by side, every drift
/// test with its value, unseen categories.
struct FeatureDetailView {
    let context: PanelContext
    let feature: FeatureSummary

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        let c = context
        let theme = c.theme
        let name = PanelContext.clean(feature.name, width: 40)
        let inner = buffer.drawBox(area, title: "Feature \(name) · Esc back", style: theme[.focusedBorder],
                                   titleStyle: theme[.focusedBorder].bolded(), characters: .rounded)
        guard inner.width > 20, inner.height > 4 else { return }
        var y = inner.y
        var line = "type \(feature.kind.rawValue) · values \(feature.count) · missing \(Format.percent(feature.missingRate))"
        if let l = feature.lengthMean { line += " · mean length \(Format.number(l))" }
        _ = buffer.put(line, x: inner.x, y: y, style: theme[.text], maxWidth: inner.width)
        y += 1
        let split = inner.width >= 70
        let leftWidth = split ? inner.width * 3 / 5 : inner.width
        let histHeight = max(3, min(12, inner.height - (split ? 3 : 12)))
        if let d = feature.drift, !d.referenceShares.isEmpty {
            _ = buffer.put("■ reference", x: inner.x, y: y, style: theme[.reference], maxWidth: leftWidth)
            _ = buffer.put("■ current", x: inner.x + 13, y: y, style: theme[.current], maxWidth: max(0, leftWidth - 13))
            y += 1
            HistogramView(reference: d.referenceShares, current: d.currentShares, referenceStyle: theme[.reference],
                          currentStyle: theme[.current], layout: .sideBySide)
                .render(into: &buffer, area: Rect(x: inner.x, y: y, width: leftWidth, height: histHeight))
            let slot = leftWidth / max(1, max(d.referenceShares.count, d.currentShares.count))
            if d.binEdges.isEmpty, !d.binLabels.isEmpty, slot >= 3, y + histHeight < inner.maxY {
                // Categories: every bar gets its name underneath.
                for (i, label) in d.binLabels.enumerated() {
                    _ = buffer.put(PanelContext.clean(label, width: slot - 1), x: inner.x + i * slot, y: y + histHeight,
                                   style: theme[.dimText], maxWidth: slot - 1)
                }
            } else if y + histHeight < inner.maxY {
                let lo = d.binEdges.first.map { Format.number($0) } ?? d.binLabels.first.map { PanelContext.clean($0, width: 12) } ?? ""
                let hi = d.binEdges.last.map { Format.number($0) } ?? d.binLabels.last.map { PanelContext.clean($0, width: 12) } ?? ""
                _ = buffer.put(lo, x: inner.x, y: y + histHeight, style: theme[.dimText], maxWidth: leftWidth / 2)
                let w = DisplayWidth.of(hi)
                _ = buffer.put(hi, x: inner.x + max(0, leftWidth - w), y: y + histHeight, style: theme[.dimText])
            }
        } else if let untested = feature.driftUntested {
            // Where the histogram would be: why there is none (a reference there is, with too few values on
            // one side), wrapped rather than cut, as it names whose values were too few.
            for (i, text) in DisplayWidth.wrap("drift " + untested.message, toWidth: leftWidth).prefix(histHeight).enumerated() {
                _ = buffer.put(text, x: inner.x, y: y + i, style: theme[.dimText], maxWidth: leftWidth)
            }
        } else {
            _ = buffer.put("no reference: start with --reference FILE to compare distributions", x: inner.x, y: y,
                           style: theme[.dimText], maxWidth: leftWidth)
        }
        // Right column (or below): quantiles and tests.
        var ry = split ? inner.y + 1 : y + histHeight + 1
        let rx = split ? inner.x + leftWidth + 2 : inner.x
        let rw = split ? inner.width - leftWidth - 2 : inner.width
        func put(_ text: String, _ style: Style) {
            guard ry < inner.maxY else { return }
            _ = buffer.put(text, x: rx, y: ry, style: style, maxWidth: rw)
            ry += 1
        }
        if !feature.quantiles.isEmpty {
            put("quantile  reference   current", theme[.dimText].bolded())
            let ref = feature.drift?.referenceQuantiles ?? []
            for (i, q) in Quantiles.displayed.enumerated() where i < feature.quantiles.count {
                let r = i < ref.count ? Format.number(ref[i]) : "–"
                put(DisplayWidth.pad("p\(Int(q * 100))", toWidth: 8) + DisplayWidth.pad(r, toWidth: 11, alignRight: true)
                    + DisplayWidth.pad(Format.number(feature.quantiles[i]), toWidth: 10, alignRight: true), theme[.text])
            }
            put("mean " + Format.number(feature.mean) + " · std " + Format.number(feature.std), theme[.text])
        } else if let d = feature.drift, !d.binLabels.isEmpty {
            // Categories side by side like the quantiles: reference share, current share.
            let ref = HistogramView.normalised(d.referenceShares, count: d.binLabels.count)
            let cur = HistogramView.normalised(d.currentShares, count: d.binLabels.count)
            let rows = d.binLabels.indices.sorted { max(ref[$0], cur[$0]) > max(ref[$1], cur[$1]) }
            put("category  reference   current", theme[.dimText].bolded())
            for i in rows.prefix(FeatureDetailView.maxCategories) {
                put(DisplayWidth.pad(PanelContext.clean(d.binLabels[i], width: 8), toWidth: 8)
                    + DisplayWidth.pad(Format.percent(ref[i]), toWidth: 11, alignRight: true)
                    + DisplayWidth.pad(Format.percent(cur[i]), toWidth: 10, alignRight: true), theme[.text])
            }
            if rows.count > FeatureDetailView.maxCategories {
                put("… \(rows.count - FeatureDetailView.maxCategories) more", theme[.dimText])
            }
        } else if !feature.topCategories.isEmpty {
            put("category        share", theme[.dimText].bolded())
            for (cat, share) in feature.topCategories {
                put(DisplayWidth.pad(PanelContext.clean(cat, width: 14), toWidth: 15) + Format.percent(share), theme[.text])
            }
        }
        if let d = feature.drift {
            ry += 1
            put("test            value", theme[.dimText].bolded())
            let usedKey = FeatureDetailView.valueKey(forTest: d.test)
            for (key, value) in d.values.sorted(by: { $0.key < $1.key }) {
                let chosen = key == usedKey
                let text = DisplayWidth.pad(key, toWidth: 16) + Format.number(value, digits: 4)
                // "◀ used" when it fits, else just the arrow: the marker matters more than the word.
                let marker = DisplayWidth.of(text) + 8 <= rw ? "  ◀ used" : " ◀"
                put(text + (chosen ? marker : ""), chosen ? (d.detected ? theme[.critical] : theme[.ok]) : theme[.text])
            }
            // Two short lines rather than one that the column cuts off.
            let verdictStyle = d.detected ? theme[.critical] : theme[.ok]
            put((d.detected ? "DRIFT" : "no drift") + " by \(d.test)", verdictStyle.bolded())
            let score = "score \(Format.number(d.score, digits: 4))"
            let threshold = "threshold \(Format.number(d.threshold))"
            if DisplayWidth.of(score + " · " + threshold) <= rw {
                put(score + " · " + threshold, verdictStyle)
            } else {
                put(score, verdictStyle)
                put(threshold, verdictStyle)
            }
            if !d.unseenCategories.isEmpty {
                put("unseen: " + d.unseenCategories.map { PanelContext.clean($0, width: 16) }.joined(separator: ", "), theme[.warning])
            }
        }
    }

    /// Categories listed in the side-by-side table (the most frequent; the rest are counted).
    static let maxCategories = 8

    /// The entry of `DriftSummary.values` that holds a test's score.
    static func valueKey(forTest test: String) -> String {
        switch test {
        case "ks": return "ks_pvalue"
        case "chisquare": return "chi2_pvalue"
        case "z": return "z_pvalue"
        case "jensenshannon": return "js"
        default: return test
        }
    }
}
