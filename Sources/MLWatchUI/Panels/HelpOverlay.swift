/// A centred box listing every key binding, by context (the same table the dashboard matches keys with).
///
/// Fitting, in order of preference: one column when the list fits the height; two columns (each
/// context's actions word-wrapped to the column) when it does not; and when even two columns are too
/// tall (a small terminal), one column that scrolls with j/k or the arrows, the bottom border saying
/// so. Contexts that cannot apply are left out (`hiddenContexts`: the Replay keys in a live session),
/// so at 80×24 every key of the live dashboard is on screen at once.
struct HelpOverlay {
    let theme: Theme
    let keyMap: KeyMap
    /// Contexts not listed, e.g. `Replay` outside a replay.
    var hiddenContexts: Set<String> = []
    /// Lines scrolled off the top when the list has to scroll (clamped to what there is).
    var scroll = 0

    /// Columns between the two columns of the two-column layout.
    static let gutter = 3
    /// Two columns narrower than this wrap too much to read; scroll instead.
    static let minimumColumnWidth = 30

    /// One screen line of the list.
    struct Line: Equatable {
        var text: String
        var heading: Bool

        static let blank = Line(text: "", heading: false)
    }

    /// Lines that stay together in one column: a binding (with its wrapped continuation lines), or a
    /// context heading with the context's first binding (so a heading never ends a column).
    struct Entry {
        var lines: [Line]
        /// Starts a context after another one: a blank line separates them, except at a column's top.
        var startsContext: Bool
    }

    /// Draws the overlay centred in `area`.
    /// - Returns: the largest useful `scroll` (0 when everything is on screen).
    @discardableResult
    func render(into buffer: inout ScreenBuffer, area: Rect) -> Int {
        // Room inside the box: 2 border columns and 1 blank column each side; 2 border rows.
        let maxContentWidth = area.width - 6
        let maxHeight = area.height - 4
        guard maxContentWidth > 10, maxHeight > 1 else { return 0 }

        let single = entries(columnWidth: maxContentWidth)
        if let columns = HelpOverlay.distribute(single, into: 1, height: maxHeight) {
            return draw(columns, columnWidth: HelpOverlay.width(of: single), into: &buffer, area: area, scrollLimit: 0)
        }
        let columnWidth = (maxContentWidth - HelpOverlay.gutter) / 2
        if columnWidth >= HelpOverlay.minimumColumnWidth {
            let double = entries(columnWidth: columnWidth)
            // Whole contexts per column when they fit; a context split over two columns loses its heading.
            if let columns = HelpOverlay.distribute(HelpOverlay.byContext(double), into: 2, height: maxHeight)
                ?? HelpOverlay.distribute(double, into: 2, height: maxHeight)
            {
                return draw(columns, columnWidth: HelpOverlay.width(of: double), into: &buffer, area: area, scrollLimit: 0)
            }
        }
        // Too small for everything at once: one scrolling column.
        var lines: [Line] = []
        for entry in single {
            if entry.startsContext && !lines.isEmpty { lines.append(.blank) }
            lines += entry.lines
        }
        let limit = max(0, lines.count - maxHeight)
        let first = min(max(0, scroll), limit)
        let visible = Array(lines[first ..< min(lines.count, first + maxHeight)])
        return draw([visible], columnWidth: HelpOverlay.width(of: single), into: &buffer, area: area, scrollLimit: limit,
                    scrolledTo: first)
    }

    /// The list as entries, actions wrapped so that every line fits `columnWidth`.
    func entries(columnWidth: Int) -> [Entry] {
        var out: [Entry] = []
        for context in keyMap.contexts where !hiddenContexts.contains(context) {
            let bindings = keyMap.bindings(in: context)
            // Each context aligns its own actions: the Alerts keys are single letters, Replay's are long.
            let keyWidth = (bindings.map { DisplayWidth.of($0.keyDescription) }.max() ?? 0) + 2
            let actionWidth = max(8, columnWidth - 1 - keyWidth)
            for (i, binding) in bindings.enumerated() {
                var lines: [Line] = []
                if i == 0 { lines.append(Line(text: DisplayWidth.truncate(context, toWidth: columnWidth), heading: true)) }
                for (n, part) in DisplayWidth.wrap(binding.help, toWidth: actionWidth).enumerated() {
                    let key = n == 0 ? binding.keyDescription : ""
                    lines.append(Line(text: " " + DisplayWidth.pad(DisplayWidth.truncate(key, toWidth: keyWidth - 1), toWidth: keyWidth) + part,
                                      heading: false))
                }
                out.append(Entry(lines: lines, startsContext: i == 0 && !out.isEmpty))
            }
        }
        return out
    }

    /// The entries merged into one per context, so that a column break can only fall between contexts.
    static func byContext(_ entries: [Entry]) -> [Entry] {
        var out: [Entry] = []
        for entry in entries {
            if entry.startsContext || out.isEmpty {
                out.append(entry)
            } else {
                out[out.count - 1].lines += entry.lines
            }
        }
        return out
    }

    /// The widest line of the entries.
    static func width(of entries: [Entry]) -> Int {
        entries.flatMap(\.lines).map { DisplayWidth.of($0.text) }.max() ?? 0
    }

    /// Splits entries into `count` columns of at most `height` lines, column by column, as evenly as
    /// the entries allow (the first column is filled to the smallest height that makes the rest fit).
    /// - Returns: nil when they do not fit.
    static func distribute(_ entries: [Entry], into count: Int, height: Int) -> [[Line]]? {
        let total = entries.reduce(0) { $0 + $1.lines.count + ($1.startsContext ? 1 : 0) }
        let start = max(1, (total + count - 1) / count)
        guard start <= height else { return nil }
        for target in start ... height {
            var columns: [[Line]] = [[]]
            var fits = true
            for entry in entries {
                var lines = entry.lines
                if entry.startsContext && !columns[columns.count - 1].isEmpty { lines.insert(.blank, at: 0) }
                if columns[columns.count - 1].count + lines.count > target && !columns[columns.count - 1].isEmpty {
                    guard columns.count < count else {
                        fits = false
                        break
                    }
                    columns.append([])
                    lines = entry.lines
                }
                columns[columns.count - 1] += lines
            }
            if fits && columns.allSatisfy({ $0.count <= height }) { return columns }
        }
        return nil
    }

    private func draw(_ columns: [[Line]], columnWidth: Int, into buffer: inout ScreenBuffer, area: Rect, scrollLimit: Int,
                      scrolledTo first: Int = 0) -> Int {
        let title = "Help · keys (? or Esc closes)"
        let contentWidth = max(columns.count * columnWidth + (columns.count - 1) * HelpOverlay.gutter, DisplayWidth.of(title) + 4)
        let width = min(area.width - 2, contentWidth + 4)
        let height = min(area.height - 2, (columns.map(\.count).max() ?? 0) + 2)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        let style = theme[.helpOverlay]
        buffer.fill(box, style: style)
        let inner = buffer.drawBox(box, title: title, style: style, titleStyle: style.bolded(), characters: .rounded)
        for (c, column) in columns.enumerated() {
            let x = inner.x + 1 + c * (columnWidth + HelpOverlay.gutter)
            for (row, line) in column.enumerated() where row < inner.height {
                _ = buffer.put(line.text, x: x, y: inner.y + row, style: line.heading ? style.bolded() : style,
                               maxWidth: max(0, min(columnWidth, inner.maxX - x)))
            }
        }
        if scrollLimit > 0 {
            // In the bottom border, so it never hides a key.
            let more = first < scrollLimit ? "↓" : " "
            let less = first > 0 ? "↑" : " "
            let hint = " \(less)\(more) j/k scroll "
            let hintWidth = DisplayWidth.of(hint)
            if hintWidth + 4 <= box.width {
                _ = buffer.put(hint, x: box.maxX - hintWidth - 2, y: box.maxY - 1, style: style.bolded())
            }
        }
        return scrollLimit
    }
}
