/// Where the header, footer and panels go for a terminal size. Full layout at ≥ 100×30, compact at
/// ≥ 80×24, one panel at a time at ≥ 40×10, and below that only a "terminal too small" message.
public struct DashboardLayout: Sendable, Equatable {
    public enum Mode: String, Sendable {
        case full, compact, single, tooSmall
    }

    public static let minimumWidth = 40
    public static let minimumHeight = 10

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
        let mode: Mode
        if width >= 100 && height >= 30 {
            mode = .full
        } else if width >= 80 && height >= 24 {
            mode = .compact
        } else if width >= minimumWidth && height >= minimumHeight {
            mode = .single
        } else {
            return DashboardLayout(mode: .tooSmall, header: .zero, footer: .zero, panels: [:])
        }
        let headerHeight = mode == .full ? 2 : 1
        let header = Rect(x: 0, y: 0, width: screen.width, height: headerHeight)
        let footer = Rect(x: 0, y: screen.height - 1, width: screen.width, height: 1)
        let body = Rect(x: 0, y: headerHeight, width: screen.width, height: screen.height - headerHeight - 1)
        if mode == .single || zoomed {
            return DashboardLayout(mode: mode, header: header, footer: footer, panels: [focus: body])
        }
        let rows = body.splitVertically(ratios: [0.5, 0.5])
        let top = rows[0].splitHorizontally(ratios: [0.45, 0.55])
        let bottom = rows[1].splitHorizontally(ratios: [0.45, 0.55])
        return DashboardLayout(
            mode: mode, header: header, footer: footer,
            panels: [.software: top[0], .input: top[1], .output: bottom[0], .alerts: bottom[1]])
    }

    /// The panel drawn at a cell, or whose tab is there (for mouse clicks).
    public func panel(atX x: Int, y: Int) -> PanelID? {
        tabs.first { $0.value.contains(x: x, y: y) }?.key ?? panels.first { $0.value.contains(x: x, y: y) }?.key
    }
}
