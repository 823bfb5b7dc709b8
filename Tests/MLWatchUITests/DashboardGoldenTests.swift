import Testing
@testable import MLWatchCore
@testable import MLWatchUI

/// Golden screens: the dashboard rendered from a fixed snapshot into an `InMemoryTerminal`.
@Suite struct DashboardGoldenTests {
    private func screen(width: Int, height: Int, theme: Theme = .builtInDefault,
                        configure: (inout DashboardState, Snapshot) -> Void = { _, _ in }) throws -> ScreenBuffer {
        let (snapshot, base) = try DashboardFixture.make()
        var state = base
        configure(&state, snapshot)
        let terminal = InMemoryTerminal(width: width, height: height)
        var buffer = ScreenBuffer(width: width, height: height)
        DashboardRenderer(theme: theme).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
        terminal.flush(buffer)
        return terminal.screen
    }

    @Test func fullDashboardAt100x30() throws {
        try GoldenFile.assertMatches(try screen(width: 100, height: 30), named: "dashboard-100x30-default")
    }

    @Test func compactDashboardAt80x24() throws {
        try GoldenFile.assertMatches(try screen(width: 80, height: 24), named: "dashboard-80x24-default")
    }

    @Test func helpOverlay() throws {
        try GoldenFile.assertMatches(try screen(width: 100, height: 30) { s, _ in s.helpVisible = true }, named: "help-100x30")
    }

    @Test func featureDetailView() throws {
        let buffer = try screen(width: 100, height: 30) { s, _ in
            s.focus = .input
            s.detailFeature = "amount"
        }
        try GoldenFile.assertMatches(buffer, named: "feature-detail-100x30")
    }

    @Test func tooSmallSaysSoWithSizes() throws {
        let buffer = try screen(width: 20, height: 5)
        let text = buffer.lines.joined(separator: "\n")
        #expect(text.contains("too small"))
        #expect(text.contains("20×5"))
        #expect(text.contains("40×10"))
    }

    @Test func everySizeRendersWithoutTrapping() throws {
        let (snapshot, state) = try DashboardFixture.make()
        for (w, h) in [(1, 1), (2, 1), (10, 3), (39, 9), (40, 10), (41, 11), (79, 23), (80, 24), (99, 29), (100, 30), (250, 80)] {
            var buffer = ScreenBuffer(width: w, height: h)
            DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
            #expect(buffer.width == w && buffer.height == h)
        }
    }
}
