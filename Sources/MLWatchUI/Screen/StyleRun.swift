/// A horizontal run of consecutive cells sharing one style, as returned by `ScreenBuffer.styleRuns(row:)`.
///
/// Backends flush whole runs at a time (one colour switch per run); golden tests compare runs so that
/// a style regression shows up as readable text rather than a cell dump.
public struct StyleRun: Hashable, Sendable, CustomStringConvertible {
    /// Column of the run's first cell.
    public var x: Int
    /// The run's graphemes (continuation cells contribute nothing).
    public var text: String
    /// Number of columns the run spans (including continuation cells).
    public var width: Int
    public var style: Style

    public init(x: Int, text: String, width: Int, style: Style) {
        self.x = x
        self.text = text
        self.width = width
        self.style = style
    }

    public var description: String { "\(x)+\(width) \"\(text)\" \(style)" }
}
