/// A width × height grid of `Cell`s that panels and widgets draw into, and backends flush
/// (after ratatui's `Buffer`).
///
/// Drawing never fails and never goes out of bounds: everything is clipped at the buffer edges, so a
/// widget can render into a rect that is partly off screen after a resize. Invariants the methods keep:
/// - every wide grapheme at column `x` is followed by a continuation cell at `x + 1` (same style);
/// - no continuation cell is without its lead cell (overwriting half of a wide grapheme blanks the
///   other half, as a terminal would);
/// - only printable graphemes are stored: controls, escape characters and other zero-width graphemes
///   passed to `put` are dropped, so nothing written here can become a terminal escape sequence.
public struct ScreenBuffer: Hashable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    /// Row-major cells: the cell at (x, y) is `cells[y * width + x]`.
    public private(set) var cells: [Cell]

    /// A buffer of blank cells in `style`.
    public init(width: Int, height: Int, style: Style = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank(style), count: self.width * self.height)
    }

    /// The whole buffer as a rect at the origin.
    public var bounds: Rect { Rect(width: width, height: height) }

    /// The cell at (`x`, `y`); a blank cell when outside the buffer.
    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, x < width, y >= 0, y < height else { return .blank() }
        return cells[y * width + x]
    }

    // MARK: Writing

    /// Writes `text` at (`x`, `y`) grapheme by grapheme, and returns the number of columns advanced.
    ///
    /// - Wide graphemes take two cells. One that would straddle the right edge (or the `maxWidth`
    ///   limit, or the left edge when `x` is negative) is replaced by a space instead of being half drawn.
    /// - Text before column 0 is skipped but still counts towards the return value; writing stops at the
    ///   right edge and after `maxWidth` columns. So `x += buffer.put(…)` continues after the text.
    /// - Zero-width graphemes (controls, lone combining marks, bidi controls) are dropped; pass text
    ///   from logs through `TextSanitizer` first anyway, to get a visible `�` for garbage.
    /// - Returns: columns advanced from `x` (0 when `y` is outside the buffer).
    /// - Complexity: O(n) in the length of `text` (up to the clipping point).
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(maxWidth.map { x + max(0, $0) } ?? Int.max, width)
        var column = x
        for character in text {
            if column >= limit { break }
            let columns = DisplayWidth.of(character)
            if columns == 0 { continue }
            if column + columns > limit {
                // Does not fit before the right edge / maxWidth: a space, never half a glyph.
                if column >= 0 { setCell(x: column, y: y, .blank(style)) }
                column += 1
                break
            }
            if column < 0 {
                // Straddles (or lies before) the left edge: blank the visible half, if any.
                if column + columns > 0 { setCell(x: 0, y: y, .blank(style)) }
            } else if columns == 2 {
                setCell(x: column, y: y, Cell(String(character), style: style))
                setCell(x: column + 1, y: y, .continuation(style))
            } else {
                setCell(x: column, y: y, Cell(String(character), style: style))
            }
            column += columns
        }
        return column - x
    }

    /// Writes one cell, keeping the wide-grapheme invariants. `cell` must have width 1, or be a
    /// continuation written right after its lead (as `put` does).
    private mutating func setCell(x: Int, y: Int, _ cell: Cell) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let index = y * width + x
        let old = cells[index]
        if old.isContinuation, !cell.isContinuation, x > 0 {
            // Overwriting the right half of a wide grapheme: its left half becomes a space.
            let lead = index - 1
            if DisplayWidth.of(cells[lead].grapheme) == 2 { cells[lead] = .blank(cells[lead].style) }
        }
        if !old.isContinuation, DisplayWidth.of(old.grapheme) == 2, x + 1 < width {
            // Overwriting the left half of a wide grapheme: its right half becomes a space.
            if cells[index + 1].isContinuation { cells[index + 1] = .blank(cells[index + 1].style) }
        }
        cells[index] = cell
    }

    /// Sets every cell of `rect` (clipped to the buffer) to `grapheme` (default a space) in `style`.
    /// - Complexity: O(area).
    public mutating func fill(_ rect: Rect, style: Style, with grapheme: Character = " ") {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        let text = DisplayWidth.of(grapheme) == 1 ? String(grapheme) : " "
        for row in area.y ..< area.maxY {
            for column in area.x ..< area.maxX { setCell(x: column, y: row, Cell(text, style: style)) }
        }
    }

    /// Changes only the style of the cells in `rect`, patching it with `overlay` (see `Style.patched`):
    /// for selection highlights and cursor rows drawn over text already in place.
    public mutating func applyStyle(_ overlay: Style, to rect: Rect) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for row in area.y ..< area.maxY {
            for column in area.x ..< area.maxX {
                let index = row * width + column
                cells[index].style = cells[index].style.patched(with: overlay)
            }
        }
        // Keep a clipped wide glyph's halves in one style.
        for row in area.y ..< area.maxY where area.maxX < width {
            let index = row * width + area.maxX
            if cells[index].isContinuation { cells[index].style = cells[index - 1].style }
        }
    }

    /// Resets every cell to a blank in `style`.
    public mutating func clear(style: Style = .plain) {
        for index in cells.indices { cells[index] = .blank(style) }
    }

    /// Draws a border around `rect` with box-drawing characters (never ACS, which turns into `lqqk` on
    /// some terminals), and an optional title in the top border: `┌─ Title ─────┐`.
    ///
    /// Nothing is drawn when `rect` is smaller than 2×2. The title is truncated with `…` to fit.
    /// - Returns: the inner area (`rect.inset(by: 1)`), where the content goes.
    @discardableResult
    public mutating func drawBox(
        _ rect: Rect, title: String? = nil, style: Style = .plain, titleStyle: Style? = nil,
        characters: BoxCharacters = .plain
    ) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return rect.inset(by: 1) }
        let chars = characters
        let horizontal = String(repeating: chars.horizontal, count: rect.width - 2)
        put(String(chars.topLeft) + horizontal + String(chars.topRight), x: rect.x, y: rect.y, style: style)
        put(String(chars.bottomLeft) + horizontal + String(chars.bottomRight), x: rect.x, y: rect.maxY - 1, style: style)
        for row in rect.y + 1 ..< rect.maxY - 1 {
            put(String(chars.vertical), x: rect.x, y: row, style: style)
            put(String(chars.vertical), x: rect.maxX - 1, y: row, style: style)
        }
        if let title, !title.isEmpty, rect.width >= 5 {
            // "┌─ " + title + " ─┐": 2 columns of border on each side, 1 space of padding each side.
            let room = rect.width - 6
            if room > 0 {
                let shown = DisplayWidth.truncate(title, toWidth: room)
                put(" " + shown + " ", x: rect.x + 2, y: rect.y, style: titleStyle ?? style)
            }
        }
        return rect.inset(by: 1)
    }

    // MARK: Reading (flushing and tests)

    /// The row's runs of equal style, left to right, covering the whole row.
    /// - Complexity: O(width).
    public func styleRuns(row y: Int) -> [StyleRun] {
        guard y >= 0, y < height, width > 0 else { return [] }
        var runs: [StyleRun] = []
        var current = StyleRun(x: 0, text: "", width: 0, style: cells[y * width].style)
        for column in 0 ..< width {
            let cell = cells[y * width + column]
            if cell.style != current.style {
                runs.append(current)
                current = StyleRun(x: column, text: "", width: 0, style: cell.style)
            }
            current.text += cell.grapheme
            current.width += 1
        }
        runs.append(current)
        return runs
    }

    /// The row's text (continuation cells skipped, trailing spaces kept), for tests and golden files.
    public func text(row y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var line = ""
        for column in 0 ..< width { line += cells[y * width + column].grapheme }
        return line
    }

    /// Every row's text, top to bottom.
    public var lines: [String] { (0 ..< height).map { text(row: $0) } }

    /// The cells that differ from `previous` (all cells when the sizes differ), in row-major order.
    ///
    /// Continuation cells are never returned: a changed wide grapheme is returned at its lead cell and
    /// the terminal draws both halves. A backend that applies these changes to a screen showing
    /// `previous` ends up showing `self`.
    /// - Complexity: O(width × height).
    public func diff(from previous: ScreenBuffer) -> [CellChange] {
        let sameSize = previous.width == width && previous.height == height
        var changes: [CellChange] = []
        for index in cells.indices {
            let cell = cells[index]
            if cell.isContinuation { continue }
            if sameSize, previous.cells[index] == cell {
                // A narrow cell can still need a redraw when the old right half of a wide glyph sat here;
                // equal cells mean equal previous content, so nothing to do.
                continue
            }
            changes.append(CellChange(x: index % width, y: index / width, cell: cell))
        }
        return changes
    }

    /// Changes the size, keeping the content at the top-left; new cells are blank in `style`, and a
    /// wide grapheme cut by the new right edge becomes a space.
    public mutating func resize(width newWidth: Int, height newHeight: Int, style: Style = .plain) {
        var resized = ScreenBuffer(width: newWidth, height: newHeight, style: style)
        for row in 0 ..< min(height, resized.height) {
            for column in 0 ..< min(width, resized.width) {
                resized.cells[row * resized.width + column] = cells[row * width + column]
            }
            if resized.width > 0, resized.width < width {
                let last = row * resized.width + resized.width - 1
                if !resized.cells[last].isContinuation, DisplayWidth.of(resized.cells[last].grapheme) == 2 {
                    resized.cells[last] = .blank(resized.cells[last].style)
                }
            }
        }
        self = resized
    }
}
