/// A terminal's size in cells.
public struct TerminalSize: Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// The whole screen as a rect at the origin.
    public var rect: Rect { Rect(width: width, height: height) }

    public var description: String { "\(width)×\(height)" }
}
