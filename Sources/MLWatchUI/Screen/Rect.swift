/// A rectangle of terminal cells: the area a widget or panel renders into (after ratatui's `Rect`).
///
/// Coordinates are zero-based columns (`x`) and rows (`y`) from the top-left corner of the screen.
/// `maxX`/`maxY` are exclusive, so a rect covers columns `x ..< maxX` and rows `y ..< maxY`.
/// Widths and heights are never negative: every helper clamps at zero, so layout code can subtract
/// freely on a tiny terminal without crashing.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    /// Creates a rect; negative sizes are clamped to zero.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// A rect at the origin with the given size (e.g. the whole screen).
    public init(width: Int, height: Int) {
        self.init(x: 0, y: 0, width: width, height: height)
    }

    /// The empty rect at the origin.
    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    /// One past the last column.
    public var maxX: Int { x + width }
    /// One past the last row.
    public var maxY: Int { y + height }
    /// Number of cells covered.
    public var area: Int { width * height }
    /// True when the rect covers no cell.
    public var isEmpty: Bool { width == 0 || height == 0 }

    /// True when the cell at (`x`, `y`) lies inside the rect.
    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < maxX && py >= y && py < maxY
    }

    /// The rect shrunk by `amount` cells on every side (e.g. `inset(by: 1)` is a box's inner area).
    public func inset(by amount: Int) -> Rect {
        inset(top: amount, left: amount, bottom: amount, right: amount)
    }

    /// The rect shrunk by the given number of cells on each side; never negative in size.
    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: width - left - right, height: height - top - bottom)
    }

    /// The overlapping part of two rects, or an empty rect (size zero) when they do not overlap.
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x)
        let top = max(y, other.y)
        let right = min(maxX, other.maxX)
        let bottom = min(maxY, other.maxY)
        guard right > left, bottom > top else { return Rect(x: left, y: top, width: 0, height: 0) }
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }

    /// The single row `index` (relative to the rect's top) as a rect of height 1, or empty when outside.
    public func row(_ index: Int) -> Rect {
        guard index >= 0, index < height else { return Rect(x: x, y: y + max(0, index), width: 0, height: 0) }
        return Rect(x: x, y: y + index, width: width, height: 1)
    }

    // MARK: Splitting

    /// Splits the width into side-by-side columns (left to right) in proportion to `ratios`.
    ///
    /// The column widths always add up to `width - spacing * (ratios.count - 1)`: leftover cells from
    /// rounding go to the columns with the largest fractional parts (largest-remainder method), so a
    /// resize never leaves a stray gap at the right edge.
    /// - Complexity: O(n log n) in the number of ratios.
    public func splitHorizontally(ratios: [Double], spacing: Int = 0) -> [Rect] {
        let sizes = Rect.distribute(width - spacing * max(0, ratios.count - 1), ratios: ratios)
        return Rect.place(sizes, spacing: spacing) { Rect(x: x + $0, y: y, width: $1, height: height) }
    }

    /// Splits the width into side-by-side columns of fixed `lengths`; a `nil` length takes an equal
    /// share of whatever the fixed columns leave. Columns past the right edge get width 0.
    public func splitHorizontally(lengths: [Int?], spacing: Int = 0) -> [Rect] {
        let sizes = Rect.resolve(width - spacing * max(0, lengths.count - 1), lengths: lengths)
        return Rect.place(sizes, spacing: spacing) { Rect(x: x + $0, y: y, width: $1, height: height) }
    }

    /// Splits the height into stacked rows (top to bottom) in proportion to `ratios`
    /// (see `splitHorizontally(ratios:spacing:)` for the rounding rule).
    public func splitVertically(ratios: [Double], spacing: Int = 0) -> [Rect] {
        let sizes = Rect.distribute(height - spacing * max(0, ratios.count - 1), ratios: ratios)
        return Rect.place(sizes, spacing: spacing) { Rect(x: x, y: y + $0, width: width, height: $1) }
    }

    /// Splits the height into stacked rows of fixed `lengths`; `nil` lengths share the remainder.
    public func splitVertically(lengths: [Int?], spacing: Int = 0) -> [Rect] {
        let sizes = Rect.resolve(height - spacing * max(0, lengths.count - 1), lengths: lengths)
        return Rect.place(sizes, spacing: spacing) { Rect(x: x, y: y + $0, width: width, height: $1) }
    }

    public var description: String { "Rect(x: \(x), y: \(y), width: \(width), height: \(height))" }

    // MARK: Private helpers

    /// Largest-remainder apportionment of `total` cells by non-negative weights.
    private static func distribute(_ total: Int, ratios: [Double]) -> [Int] {
        let total = max(0, total)
        let weights = ratios.map { $0.isFinite ? max(0, $0) : 0 }
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return ratios.map { _ in 0 } }
        let exact = weights.map { $0 / sum * Double(total) }
        var sizes = exact.map { Int($0.rounded(.down)) }
        var left = total - sizes.reduce(0, +)
        let order = exact.indices.sorted { (exact[$0] - Double(sizes[$0])) > (exact[$1] - Double(sizes[$1])) }
        for index in order where left > 0 {
            sizes[index] += 1
            left -= 1
        }
        return sizes
    }

    /// Fixed lengths first (clipped to what is left), then equal shares of the rest for `nil`s.
    private static func resolve(_ total: Int, lengths: [Int?]) -> [Int] {
        var remaining = max(0, total)
        var sizes = [Int](repeating: 0, count: lengths.count)
        for (index, length) in lengths.enumerated() {
            guard let length else { continue }
            sizes[index] = min(max(0, length), remaining)
            remaining -= sizes[index]
        }
        let flexible = lengths.indices.filter { lengths[$0] == nil }
        guard !flexible.isEmpty else { return sizes }
        let share = distribute(remaining, ratios: flexible.map { _ in 1 })
        for (slot, index) in flexible.enumerated() { sizes[index] = share[slot] }
        return sizes
    }

    private static func place(_ sizes: [Int], spacing: Int, make: (Int, Int) -> Rect) -> [Rect] {
        var offset = 0
        return sizes.map { size in
            defer { offset += size + spacing }
            return make(offset, size)
        }
    }
}
