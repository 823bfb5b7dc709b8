/// What a panel needs of the screen, declared by the panel and read by `DashboardLayout`:
/// - `minimum`: the least size at which it is drawn at all (alone, one panel at a time, with tabs for the
///   others); below the largest minimum the dashboard says the terminal is too small;
/// - `gridMinimum`: the least cell it needs in the four-panel grid; when a cell would be smaller, the
///   dashboard shows one panel at a time instead;
/// - `preferred`: the cell at which it shows everything; a smaller cell gets its compact rendering
///   (`PanelContext.compact`), which `whenSmaller` describes.
/// Sizes include the panel's border.
public struct PanelNeeds: Sendable, Equatable {
    public var minimum: TerminalSize
    public var gridMinimum: TerminalSize
    public var preferred: TerminalSize
    /// What the panel leaves out below `preferred`, for the reader of the code and the layout's tests.
    public var whenSmaller: String

    public init(minimum: TerminalSize, gridMinimum: TerminalSize, preferred: TerminalSize, whenSmaller: String) {
        self.minimum = minimum
        self.gridMinimum = gridMinimum
        self.preferred = preferred
        self.whenSmaller = whenSmaller
    }

    /// Whether a rectangle gives at least `size`.
    static func fits(_ rect: Rect, _ size: TerminalSize) -> Bool {
        rect.width >= size.width && rect.height >= size.height
    }
}
