import MLWatchCore

/// Draws the whole dashboard for a snapshot and UI state into a screen buffer: layout, header, panels
/// (or a zoomed panel, or a detail view), footer, help overlay, or the "terminal too small" message.
public struct DashboardRenderer {
    public var theme: Theme
    public var keyMap: KeyMap

    public init(theme: Theme, keyMap: KeyMap = DashboardKeys.map) {
        self.theme = theme
        self.keyMap = keyMap
    }

    /// - Parameter now: wall-clock time, for the lag behind the newest event.
    /// - Returns: the layout used (for mouse clicks).
    @discardableResult
    public func render(_ live: Snapshot, state: DashboardState, into buffer: inout ScreenBuffer, now: Double) -> DashboardLayout {
        buffer.clear(style: theme[.background])
        let snapshot = state.visible(live)
        let layout = DashboardLayout.compute(width: buffer.width, height: buffer.height, focus: state.focus, zoomed: state.zoomed)
        if layout.mode == .tooSmall {
            renderTooSmall(into: &buffer)
            return layout
        }
        let compact = layout.mode != .full
        var tabHits: [PanelID: Rect] = [:]
        func context(_ focused: Bool) -> PanelContext {
            PanelContext(snapshot: snapshot, state: state, theme: theme, focused: focused, compact: compact)
        }
        HeaderView(context: context(false), now: now).render(into: &buffer, area: layout.header)
        let body = Rect(x: 0, y: layout.header.maxY, width: buffer.width, height: layout.footer.y - layout.header.maxY)
        if let name = state.detailFeature, let f = state.features(in: snapshot).first(where: { $0.name == name })
            ?? snapshot.features.first(where: { $0.name == name })
        {
            FeatureDetailView(context: context(true), feature: f).render(into: &buffer, area: body)
        } else if let key = state.detailAlert {
            AlertDetailView(context: context(true), key: key).render(into: &buffer, area: body)
        } else if state.instancesVisible, snapshot.fleet != nil {
            InstancesView(context: context(true), now: now).render(into: &buffer, area: body)
        } else if let view = state.comparisonView {
            switch view {
            case .versions: VersionsView(context: context(true)).render(into: &buffer, area: body)
            case .fairness: FairnessView(context: context(true)).render(into: &buffer, area: body)
            }
        } else {
            for (panel, rect) in layout.panels {
                let c = context(panel == state.focus)
                switch panel {
                case .software: SoftwarePanel(context: c).render(into: &buffer, area: rect)
                case .input: InputPanel(context: c).render(into: &buffer, area: rect)
                case .output: OutputPanel(context: c).render(into: &buffer, area: rect)
                case .alerts: AlertsPanel(context: c).render(into: &buffer, area: rect)
                }
            }
            if layout.mode == .single && !state.zoomed {
                // Tabs in the top border of the single panel, so the other panels are discoverable (and
                // clickable: their cells go into the layout).
                // Narrow terminals get the other panels' numbers only: `[1 Software] 2  3  4 `.
                let named = PanelID.allCases.map { $0 == state.focus ? "[\($0.rawValue + 1) \($0.title)]" : " \($0.rawValue + 1) \($0.title) " }
                let numbered = PanelID.allCases.map { $0 == state.focus ? "[\($0.rawValue + 1) \($0.title)]" : " \($0.rawValue + 1) " }
                let tabs = DisplayWidth.of(named.joined()) + 4 < body.width ? named : numbered
                let w = DisplayWidth.of(tabs.joined())
                if w + 4 < body.width {
                    var x = body.maxX - w - 2
                    for (panel, tab) in zip(PanelID.allCases, tabs) {
                        let tabWidth = buffer.put(tab, x: x, y: body.y, style: theme[.dimText])
                        tabHits[panel] = Rect(x: x, y: body.y, width: tabWidth, height: 1)
                        x += tabWidth
                    }
                }
            }
        }
        FooterView(context: context(false)).render(into: &buffer, area: layout.footer)
        var drawn = layout
        drawn.tabs = tabHits
        if state.helpVisible {
            // Replay keys only where they work: a live session's help is shorter and fits 80×24.
            var hidden: Set<String> = snapshot.mode == .replay ? [] : [DashboardKeys.replayContext]
            if snapshot.fleet == nil { hidden.insert(DashboardKeys.fleetContext) }
            drawn.helpScrollLimit = HelpOverlay(theme: theme, keyMap: keyMap, hiddenContexts: hidden, scroll: state.helpScroll)
                .render(into: &buffer, area: buffer.bounds)
        }
        return drawn
    }

    private func renderTooSmall(into buffer: inout ScreenBuffer) {
        let lines = [
            "Terminal too small",
            "\(buffer.width)×\(buffer.height), need \(DashboardLayout.minimumWidth)×\(DashboardLayout.minimumHeight)",
            "enlarge it, or q to quit",
        ]
        let top = max(0, (buffer.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < buffer.height {
            let shown = DisplayWidth.truncate(line, toWidth: buffer.width)
            let x = max(0, (buffer.width - DisplayWidth.of(shown)) / 2)
            _ = buffer.put(shown, x: x, y: top + i, style: i == 0 ? theme[.warning].bolded() : theme[.text])
        }
    }
}
