/// Which rows of a list are on screen: the list scrolls just enough to keep the selection visible.
/// The panels draw with it and mouse clicks map rows back to items with it, so both agree.
public enum ScrollWindow {
    /// Index of the first visible item of a `count`-item list shown in `rows` rows with item
    /// `selected` selected (clamped into the list).
    public static func first(selected: Int, rows: Int, count: Int) -> Int {
        guard rows > 0, count > 0 else { return 0 }
        let selected = max(0, min(selected, count - 1))
        return max(0, min(selected - rows + 1, count - rows))
    }

    /// The item drawn at screen row `y` when the list's first row is at `top`, or nil outside it.
    public static func item(atY y: Int, top: Int, selected: Int, rows: Int, count: Int) -> Int? {
        guard y >= top, y < top + rows else { return nil }
        let index = first(selected: selected, rows: rows, count: count) + (y - top)
        return index < count ? index : nil
    }
}
