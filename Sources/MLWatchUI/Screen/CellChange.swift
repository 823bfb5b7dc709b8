/// A cell that differs from the previous frame: what `ScreenBuffer.diff(from:)` returns for flushing.
public struct CellChange: Hashable, Sendable {
    public var x: Int
    public var y: Int
    /// The new content; never a continuation cell (the wide lead cell covers it).
    public var cell: Cell

    public init(x: Int, y: Int, cell: Cell) {
        self.x = x
        self.y = y
        self.cell = cell
    }
}
