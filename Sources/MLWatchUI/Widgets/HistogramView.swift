/// Two distributions over the same bins, reference vs current, for the drift view of a feature.
///
/// Both are given as per-bin weights (counts or shares; each series is normalised to its own total,
/// so different sample sizes compare fairly) and scaled so the tallest bin of either fills the height.
/// Two layouts:
/// - `.sideBySide`: each bin gets a pair of vertical bars, reference then current, in 1/8-row steps
///   (`▁…█`). Needs two columns per bin; with less room it falls back to `.halfBlock`.
/// - `.halfBlock`: one column per bin; the left half of each cell is the reference and the right half
///   the current (`▌` in the reference colour on the current colour as background), one row per step.
///   Compact, but relies on colour: prefer `.sideBySide` in monochrome.
public struct HistogramView: Sendable {
    public enum Layout: Sendable, Hashable {
        case sideBySide
        case halfBlock
    }

    public var reference: [Double]
    public var current: [Double]
    public var referenceStyle: Style
    public var currentStyle: Style
    public var layout: Layout

    public init(
        reference: [Double], current: [Double], referenceStyle: Style, currentStyle: Style,
        layout: Layout = .sideBySide
    ) {
        self.reference = reference
        self.current = current
        self.referenceStyle = referenceStyle
        self.currentStyle = currentStyle
        self.layout = layout
    }

    /// Draws the bins left-aligned in `area`, each bin `area.width / bins` columns wide.
    /// - Complexity: O(area).
    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        let bins = max(reference.count, current.count)
        guard !area.isEmpty, bins > 0 else { return }
        let ref = HistogramView.normalised(reference, count: bins)
        let cur = HistogramView.normalised(current, count: bins)
        let peak = max(ref.max() ?? 0, cur.max() ?? 0)
        guard peak > 0 else { return }
        let slot = area.width / bins
        if layout == .sideBySide, slot >= 2 {
            let barWidth = slot / 2
            for bin in 0 ..< bins {
                let x = area.x + bin * slot
                drawBar(ref[bin] / peak, x: x, width: barWidth, area: area, style: referenceStyle, into: &buffer)
                drawBar(cur[bin] / peak, x: x + barWidth, width: barWidth, area: area, style: currentStyle, into: &buffer)
            }
        } else if slot >= 1 {
            for bin in 0 ..< bins {
                let refRows = Int((ref[bin] / peak * Double(area.height)).rounded())
                let curRows = Int((cur[bin] / peak * Double(area.height)).rounded())
                for row in 0 ..< area.height {
                    let level = area.height - row  // 1 = bottom row
                    let hasRef = level <= refRows
                    let hasCur = level <= curRows
                    let (text, style): (String, Style)
                    switch (hasRef, hasCur) {
                    case (true, true): (text, style) = ("▌", Style(fg: referenceStyle.fg, bg: currentStyle.fg))
                    case (true, false): (text, style) = ("▌", referenceStyle)
                    case (false, true): (text, style) = ("▐", currentStyle)
                    case (false, false): (text, style) = (" ", .plain)
                    }
                    let cell = String(repeating: text, count: slot)
                    buffer.put(cell, x: area.x + bin * slot, y: area.y + row, style: style)
                }
            }
        }
    }

    private func drawBar(_ fraction: Double, x: Int, width: Int, area: Rect, style: Style, into buffer: inout ScreenBuffer) {
        let eighths = Int((fraction * Double(area.height * 8)).rounded())
        for row in 0 ..< area.height {
            let below = (area.height - 1 - row) * 8
            let inCell = min(8, max(0, eighths - below))
            let character = inCell == 0 ? " " : String(BlockSparkline.levels[inCell - 1])
            buffer.put(String(repeating: character, count: width), x: x, y: area.y + row, style: style)
        }
    }

    /// Weights as shares of their total, padded with zeros to `count` bins; NaN/negative count as 0.
    static func normalised(_ weights: [Double], count: Int) -> [Double] {
        let clean = weights.map { $0.isFinite ? max(0, $0) : 0 } + Array(repeating: 0, count: max(0, count - weights.count))
        let total = clean.reduce(0, +)
        return total > 0 ? clean.map { $0 / total } : clean
    }
}
