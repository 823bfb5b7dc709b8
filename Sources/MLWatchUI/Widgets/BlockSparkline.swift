/// A sparkline of block characters `▁▂▃▄▅▆▇█`: one sample per column, 8 levels per row.
///
/// Coarser than the braille `Sparkline` but readable in every font and on the Linux console.
/// Same conventions: right-aligned, scaled between the visible samples' min and max unless given,
/// the minimum shows as `▁`, NaN/infinite samples are gaps.
public struct BlockSparkline: Sendable {
    public var values: [Double]
    public var minimum: Double?
    public var maximum: Double?
    public var style: Style

    /// Eighths from 1/8 (`▁`) to 8/8 (`█`).
    public static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public init(values: [Double], minimum: Double? = nil, maximum: Double? = nil, style: Style = .plain) {
        self.values = values
        self.minimum = minimum
        self.maximum = maximum
        self.style = style
    }

    /// Draws into `area` of `buffer`.
    /// - Complexity: O(area).
    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        let shown = Array(values.suffix(area.width))
        let finite = shown.filter(\.isFinite)
        let low = minimum ?? finite.min() ?? 0
        let high = maximum ?? finite.max() ?? 0
        let eighths = area.height * 8
        let offset = area.width - shown.count
        for (index, value) in shown.enumerated() {
            let level = value.isFinite ? Sparkline.level(value, low: low, high: high, rows: eighths) : 0
            for row in 0 ..< area.height {
                let below = (area.height - 1 - row) * 8  // eighths under this cell
                let inCell = min(8, max(0, level - below))
                let character = inCell == 0 ? " " : String(BlockSparkline.levels[inCell - 1])
                buffer.put(character, x: area.x + offset + index, y: area.y + row, style: style)
            }
        }
    }

    /// The one-row sparkline as a string, for inline use in tables.
    public static func text(_ values: [Double], width: Int, minimum: Double? = nil, maximum: Double? = nil) -> String {
        var buffer = ScreenBuffer(width: max(0, width), height: 1)
        BlockSparkline(values: values, minimum: minimum, maximum: maximum).render(into: &buffer, area: buffer.bounds)
        return buffer.text(row: 0)
    }
}
