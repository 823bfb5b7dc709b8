/// How a cell looks: colours and attributes.
///
/// `nil` colours mean "the terminal default"; `patched(with:)` lets an overlay (e.g. a selection)
/// change only some properties of what is underneath. Keep styles value types: the buffer compares
/// them cell by cell to find what changed.
public struct Style: Hashable, Sendable {
    public var fg: Color?
    public var bg: Color?
    public var bold: Bool
    public var dim: Bool
    public var underline: Bool
    public var reverse: Bool

    public init(
        fg: Color? = nil, bg: Color? = nil, bold: Bool = false, dim: Bool = false,
        underline: Bool = false, reverse: Bool = false
    ) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.dim = dim
        self.underline = underline
        self.reverse = reverse
    }

    /// Terminal default colours, no attributes.
    public static let plain = Style()

    /// This style with `overlay`'s colours where it sets them and attributes OR-ed in.
    public func patched(with overlay: Style) -> Style {
        Style(
            fg: overlay.fg ?? fg, bg: overlay.bg ?? bg,
            bold: bold || overlay.bold, dim: dim || overlay.dim,
            underline: underline || overlay.underline, reverse: reverse || overlay.reverse
        )
    }

    /// Convenience builders, so call sites read `theme.text.bolded()`.
    public func bolded() -> Style { var copy = self; copy.bold = true; return copy }
    public func reversed() -> Style { var copy = self; copy.reverse = true; return copy }
    public func withForeground(_ color: Color?) -> Style { var copy = self; copy.fg = color; return copy }
    public func withBackground(_ color: Color?) -> Style { var copy = self; copy.bg = color; return copy }
}
