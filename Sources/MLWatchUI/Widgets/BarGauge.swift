/// A horizontal bar with 1/8-cell resolution (`▏▎▍▌▋▊▉█`), e.g. a drift share or an error rate against
/// its budget.
public struct BarGauge: Sendable {
    /// Fill from 0 to 1 (clamped; NaN draws an empty bar).
    public var fraction: Double
    public var style: Style
    /// Style of the unfilled part (e.g. a dim background track); nil leaves it blank in `style`.
    public var trackStyle: Style?
    /// Character of the unfilled part.
    public var trackCharacter: Character

    /// Partial blocks for 1/8 … 7/8 of a cell.
    public static let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    public init(fraction: Double, style: Style = .plain, trackStyle: Style? = nil, trackCharacter: Character = " ") {
        self.fraction = fraction
        self.style = style
        self.trackStyle = trackStyle
        self.trackCharacter = trackCharacter
    }

    /// The bar as `width` columns of text: full blocks, one partial block, then the track.
    public static func text(fraction: Double, width: Int, trackCharacter: Character = " ") -> String {
        let (full, partial) = split(fraction: fraction, width: width)
        var text = String(repeating: "█", count: full)
        if partial > 0 { text.append(partials[partial - 1]) }
        let used = full + (partial > 0 ? 1 : 0)
        return text + String(repeating: trackCharacter, count: max(0, width - used))
    }

    /// Draws the bar on every row of `area`.
    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        let (full, partial) = BarGauge.split(fraction: fraction, width: area.width)
        let used = full + (partial > 0 ? 1 : 0)
        var bar = String(repeating: "█", count: full)
        if partial > 0 { bar.append(BarGauge.partials[partial - 1]) }
        let track = String(repeating: trackCharacter, count: area.width - used)
        for row in area.y ..< area.maxY {
            buffer.put(bar, x: area.x, y: row, style: style)
            buffer.put(track, x: area.x + used, y: row, style: trackStyle ?? style)
        }
    }

    /// Full cells and the remaining eighths (0…7) for `fraction` of `width` cells.
    static func split(fraction: Double, width: Int) -> (full: Int, partial: Int) {
        guard width > 0, fraction.isFinite else { return (0, 0) }
        let eighths = Int((min(1, max(0, fraction)) * Double(width * 8)).rounded())
        return (eighths / 8, eighths % 8)
    }
}
