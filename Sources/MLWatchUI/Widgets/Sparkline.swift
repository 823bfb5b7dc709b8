/// A braille sparkline: each cell shows 2 samples × 4 dot rows, so a `width`-cell sparkline holds
/// `2 * width` samples at 4× the vertical resolution of block characters.
///
/// Samples are drawn right-aligned (newest at the right edge); when there are more than fit, the oldest
/// are dropped; fewer leave the left part blank. Each sample is a filled column of dots from the bottom
/// (an area chart), scaled between `minimum` and `maximum` (by default those of the visible samples).
/// A sample at the minimum still gets one dot, so "zero" reads as a line rather than as no data;
/// NaN/infinite samples are gaps.
///
/// ```swift
/// Sparkline(values: latencies, style: theme[.sparkline], threshold: 250, aboveThresholdStyle: theme[.critical])
///     .render(into: &buffer, area: rect)
/// ```
public struct Sparkline: Sendable {
    public var values: [Double]
    /// Bottom of the scale; nil: the smallest visible sample.
    public var minimum: Double?
    /// Top of the scale; nil: the largest visible sample (and the threshold, when set, so it shows).
    public var maximum: Double?
    public var style: Style
    /// Draws a dotted marker row at this value (and lets `aboveThresholdStyle` flag cells above it).
    public var threshold: Double?
    /// Style of cells holding a sample above `threshold`; nil: `style`.
    public var aboveThresholdStyle: Style?

    public init(
        values: [Double], minimum: Double? = nil, maximum: Double? = nil, style: Style = .plain,
        threshold: Double? = nil, aboveThresholdStyle: Style? = nil
    ) {
        self.values = values
        self.minimum = minimum
        self.maximum = maximum
        self.style = style
        self.threshold = threshold
        self.aboveThresholdStyle = aboveThresholdStyle
    }

    /// Braille dot bits by [column][row from the top] (Unicode's dot numbering 1-2-3-7 / 4-5-6-8).
    static let dotBits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Draws into `area` of `buffer` (clipped to the buffer).
    /// - Complexity: O(area + samples shown).
    public func render(into buffer: inout ScreenBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        let sampleCount = area.width * 2
        let shown = Array(values.suffix(sampleCount))
        let finite = shown.filter(\.isFinite)
        let low = minimum ?? finite.min() ?? 0
        var high = maximum ?? finite.max() ?? 0
        if maximum == nil, let threshold, threshold.isFinite { high = max(high, threshold) }
        let dotRows = area.height * 4
        let offset = sampleCount - shown.count  // blank samples on the left

        // Dots filled from the bottom, per sample slot (0 = gap).
        var levels = [Int](repeating: 0, count: sampleCount)
        var above = [Bool](repeating: false, count: sampleCount)
        for (index, value) in shown.enumerated() where value.isFinite {
            levels[offset + index] = Sparkline.level(value, low: low, high: high, rows: dotRows)
            if let threshold, value > threshold { above[offset + index] = true }
        }
        let thresholdLevel = threshold.map { Sparkline.level($0, low: low, high: high, rows: dotRows) }

        for cellRow in 0 ..< area.height {
            for cellColumn in 0 ..< area.width {
                var bits: UInt32 = 0
                for half in 0 ..< 2 {
                    let level = levels[cellColumn * 2 + half]
                    for dot in 0 ..< 4 {
                        // Dot level counted from the bottom of the whole sparkline, 1-based.
                        let dotLevel = dotRows - (cellRow * 4 + dot)
                        if dotLevel <= level { bits |= Sparkline.dotBits[half][dot] }
                        if half == 0, dotLevel == thresholdLevel { bits |= Sparkline.dotBits[0][dot] }
                    }
                }
                let flagged = above[cellColumn * 2] || above[cellColumn * 2 + 1]
                let cellStyle = flagged ? (aboveThresholdStyle ?? style) : style
                let character = bits == 0 ? " " : String(Character(Unicode.Scalar(0x2800 + bits)!))
                buffer.put(character, x: area.x + cellColumn, y: area.y + cellRow, style: cellStyle)
            }
        }
    }

    /// Number of dots (1…rows) for `value` on a `low…high` scale; a flat scale gives 1.
    static func level(_ value: Double, low: Double, high: Double, rows: Int) -> Int {
        guard high > low else { return 1 }
        let fraction = min(1, max(0, (value - low) / (high - low)))
        return max(1, Int((fraction * Double(rows)).rounded()))
    }
}
