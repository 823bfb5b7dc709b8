import MLWatchCore

/// What every panel draws from: the snapshot in view, the UI state, the theme, and whether it has focus.
public struct PanelContext {
    public var snapshot: Snapshot
    public var state: DashboardState
    public var theme: Theme
    public var focused: Bool
    /// Whether there is room for the dense layout (≥ 100×30) or the compact one.
    public var compact: Bool

    public init(snapshot: Snapshot, state: DashboardState, theme: Theme, focused: Bool, compact: Bool) {
        self.snapshot = snapshot
        self.state = state
        self.theme = theme
        self.focused = focused
        self.compact = compact
    }

    /// Whether this panel fills the body on its own (Enter zoomed it): room for taller charts.
    public var zoomed: Bool { focused && state.zoomed }

    /// The model/version(/segment) group in view.
    public var group: Labels? { state.group(in: snapshot) }

    /// A metric of the group in view.
    public func value(_ name: String, _ extra: [String: String] = [:]) -> Double? {
        guard let g = group else { return nil }
        var match = g.dictionary
        for (k, v) in extra { match[k] = v }
        return snapshot.metrics.first { m in
            m.name == name && m.labels.pairs.count == match.count && match.allSatisfy { m.labels[$0.key] == $0.value }
        }?.value
    }

    /// The sparkline history of a metric of the group in view.
    public func history(_ name: String, _ extra: [String: String] = [:]) -> [Double] {
        guard var labels = group else { return [] }
        for (k, v) in extra { labels[k] = v }
        return state.history.values(name, labels)
    }

    /// Draws the panel's frame and returns its inner area.
    public func frame(_ buffer: inout ScreenBuffer, _ area: Rect, title: String, number: Int) -> Rect {
        let borderStyle = focused ? theme[.focusedBorder] : theme[.border]
        let titleStyle = focused ? theme[.focusedBorder].bolded() : theme[.title]
        return buffer.drawBox(area, title: "\(number) \(title)", style: borderStyle, titleStyle: titleStyle,
                              characters: .rounded)
    }

    /// Log-derived text made safe for the terminal and cut to a display width.
    public static func clean(_ text: String, width: Int) -> String {
        DisplayWidth.truncate(TextSanitizer.sanitize(text), toWidth: max(0, width))
    }
}
