/// One terminal cell: a grapheme and its style.
///
/// A wide grapheme (CJK, most emoji) occupies two cells: the first holds the grapheme, the second is a
/// *continuation* cell (empty `grapheme`) that carries the same style and is never sent to the terminal
/// on its own — writing the wide grapheme already covers it.
public struct Cell: Hashable, Sendable {
    /// One extended grapheme cluster of display width 1 or 2, or `""` for a continuation cell.
    public var grapheme: String
    public var style: Style

    public init(_ grapheme: String = " ", style: Style = .plain) {
        self.grapheme = grapheme
        self.style = style
    }

    /// A blank cell (a space) with the given style.
    public static func blank(_ style: Style = .plain) -> Cell { Cell(" ", style: style) }

    /// The right half of a wide grapheme.
    public static func continuation(_ style: Style = .plain) -> Cell { Cell("", style: style) }

    /// True for the right half of a wide grapheme.
    public var isContinuation: Bool { grapheme.isEmpty }

    /// Columns this cell's grapheme spans (2 for a wide lead cell, 1 otherwise, 0 for a continuation).
    public var width: Int { isContinuation ? 0 : max(1, DisplayWidth.of(grapheme)) }
}
