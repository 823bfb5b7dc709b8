/// Where the header, footer and panels go for a terminal size, computed from what the panels declare
/// (`PanelID.needs`):
/// - `full`: the four-panel grid with a two-line header, when every panel gets its preferred cell;
/// - `compact`: the grid with a one-line header, when every panel gets at least its grid minimum (panels
///   use their compact rendering);
/// - `single`: one panel at a time (tabs in its border), when the body holds every panel's minimum;
/// - `tooSmall`: only a message with the size needed.
/// The grid puts Software and Output in the left column, Input and Alerts in the right one; the rows share
/// the height equally and the columns share the width in proportion to the panels' preferred widths.
public struct DashboardLayout: Sendable, Equatable {
    public enum Mode: String, Sendable {
        case full, compact, single, tooSmall
    }

    /// The panels of the grid, by column (top to bottom).
    static let columns: [[PanelID]] = [[.software, .output], [.input, .alerts]]

    /// The least terminal size that shows anything: every panel's minimum, plus the header and footer lines.
    public static var minimumWidth: Int { PanelID.allCases.map(\.needs.minimum.width).max() ?? 0 }
    public static var minimumHeight: Int { (PanelID.allCases.map(\.needs.minimum.height).max() ?? 0) + 2 }

    public var mode: Mode
    public var header: Rect
    public var footer: Rect
    public var panels: [PanelID: Rect]
    /// Where the single-panel layout drew its panel tabs (for mouse clicks); set by the renderer.
    public var tabs: [PanelID: Rect] = [:]
    /// How far the help overlay can scroll (0 when every key is on screen); set by the renderer.
    public var helpScrollLimit = 0

    public static func compute(width: Int, height: Int, focus: PanelID, zoomed: Bool) -> DashboardLayout {
        let screen = Rect(width: max(0, width), height: max(0, height))
        let footer = Rect(x: 0, y: screen.height - 1, width: screen.width, height: 1)
        func body(header: Int) -> Rect {
            Rect(x: 0, y: header, width: screen.width, height: max(0, screen.height - header - 1))
        }
        for (mode, headerHeight) in [(Mode.full, 2), (.compact, 1)] {
            let cells = grid(body(header: headerHeight))
            let fits = PanelID.allCases.allSatisfy { panel in
                let need = mode == .full ? panel.needs.preferred : panel.needs.gridMinimum
                return cells[panel].map { PanelNeeds.fits($0, need) } ?? false
            }
            guard fits else { continue }
            let header = Rect(x: 0, y: 0, width: screen.width, height: headerHeight)
            let panels = zoomed ? [focus: body(header: headerHeight)] : cells
            return DashboardLayout(mode: mode, header: header, footer: footer, panels: panels)
        }
        let single = body(header: 1)
        guard screen.height >= 3, PanelID.allCases.allSatisfy({ PanelNeeds.fits(single, $0.needs.minimum) }) else {
            return DashboardLayout(mode: .tooSmall, header: .zero, footer: .zero, panels: [:])
        }
        return DashboardLayout(mode: .single, header: Rect(x: 0, y: 0, width: screen.width, height: 1), footer: footer,
                               panels: [focus: single])
    }

    /// The four-panel grid in `body`.
    static func grid(_ body: Rect) -> [PanelID: Rect] {
        let widths = columns.map { column in Double(column.map(\.needs.preferred.width).max() ?? 1) }
        var cells: [PanelID: Rect] = [:]
        for (column, rect) in zip(columns, body.splitHorizontally(ratios: widths)) {
            let rows = rect.splitVertically(ratios: column.map { _ in 1 })
            for (panel, cell) in zip(column, rows) { cells[panel] = cell }
        }
        return cells
    }

    /// The panel drawn at a cell, or whose tab is there (for mouse clicks).
    public func panel(atX x: Int, y: Int) -> PanelID? {
        tabs.first { $0.value.contains(x: x, y: y) }?.key ?? panels.first { $0.value.contains(x: x, y: y) }?.key
    }
}
