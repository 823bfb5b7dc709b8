import Testing
@testable import MLWatchCore
@testable import MLWatchUI

/// The layout follows the panels' declared needs: the grid where every panel gets its cell, one panel at
/// a time below that, and a message below every panel's minimum.
@Suite struct DashboardLayoutTests {
    @Test(arguments: [
        (20, 5, DashboardLayout.Mode.tooSmall), (39, 10, .tooSmall), (40, 9, .tooSmall), (40, 10, .single),
        (79, 24, .single), (80, 23, .single), (80, 24, .compact), (99, 30, .compact), (100, 29, .compact),
        (100, 30, .full), (200, 60, .full), (200, 23, .single), (60, 60, .single),
    ])
    func modeForSize(width: Int, height: Int, mode: DashboardLayout.Mode) {
        let layout = DashboardLayout.compute(width: width, height: height, focus: .alerts, zoomed: false)
        #expect(layout.mode == mode, "\(width)×\(height)")
    }

    @Test(arguments: [(40, 10), (80, 24), (100, 30), (200, 60)])
    func panelsGetWhatTheyDeclareAndTileTheBody(width: Int, height: Int) {
        let layout = DashboardLayout.compute(width: width, height: height, focus: .input, zoomed: false)
        let body = Rect(x: 0, y: layout.header.maxY, width: width, height: layout.footer.y - layout.header.maxY)
        #expect(layout.footer == Rect(x: 0, y: height - 1, width: width, height: 1))
        var covered = 0
        for (panel, rect) in layout.panels {
            let need = layout.mode == .full ? panel.needs.preferred : layout.mode == .compact ? panel.needs.gridMinimum : panel.needs.minimum
            #expect(rect.width >= need.width && rect.height >= need.height, "\(panel) gets \(rect) at \(width)×\(height), needs \(need)")
            #expect(rect.x >= body.x && rect.maxX <= body.maxX && rect.y >= body.y && rect.maxY <= body.maxY)
            for (other, o) in layout.panels where other != panel {
                #expect(rect.intersection(o).width == 0 || rect.intersection(o).height == 0, "\(panel) overlaps \(other)")
            }
            covered += rect.width * rect.height
        }
        #expect(covered == body.width * body.height, "the panels leave holes at \(width)×\(height)")
        if layout.mode == .single { #expect(Array(layout.panels.keys) == [.input]) }
    }

    @Test func columnsFollowThePreferredWidths() {
        let layout = DashboardLayout.compute(width: 200, height: 60, focus: .software, zoomed: false)
        // Left column: Software and Output (45 preferred), right: Input and Alerts (55).
        #expect(layout.panels[.software]?.width == 90)
        #expect(layout.panels[.input]?.width == 110)
        #expect(abs((layout.panels[.software]?.height ?? 0) - (layout.panels[.output]?.height ?? 0)) <= 1)
        #expect(DashboardLayout.minimumWidth == 40 && DashboardLayout.minimumHeight == 10)
        for panel in PanelID.allCases {
            let n = panel.needs
            #expect(n.minimum.width <= n.preferred.width && n.gridMinimum.width <= n.preferred.width && !n.whenSmaller.isEmpty)
        }
    }

    @Test(arguments: [(20, 5), (40, 10), (80, 24), (100, 30), (200, 60)])
    func everySizeRendersTheFixture(width: Int, height: Int) throws {
        let (snapshot, state) = try DashboardFixture.make()
        var buffer = ScreenBuffer(width: width, height: height)
        let layout = DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
        let text = buffer.lines.joined(separator: "\n")
        switch layout.mode {
        case .tooSmall:
            #expect(text.contains("need 40×10"))
        case .single:
            // The focused panel and tabs for the others (numbers only when narrow).
            #expect(text.contains("[1 Software]") && text.contains(" 4 "), "tabs missing:\n\(text)")
        case .full, .compact:
            for panel in PanelID.allCases { #expect(text.contains(panel.title), "\(panel.title) missing at \(width)×\(height)") }
            #expect(text.contains("latency p99"))
        }
        #expect(buffer.lines.allSatisfy { DisplayWidth.of($0) <= width })
    }
}
