import Testing
@testable import MLWatchCore
@testable import MLWatchUI

/// Golden screens: the dashboard rendered from a fixed snapshot into an `InMemoryTerminal`, for every
/// screen (full dashboard, each panel zoomed, feature and alert detail, help) at the full (100×30) and
/// compact (80×24) layouts, in two themes. The files hold the text and the style runs (colours and
/// attributes), so a colour regression fails as surely as a layout one.
@Suite struct DashboardGoldenTests {
    static let sizes = [(width: 100, height: 30), (width: 80, height: 24)]

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

    @Test(arguments: GoldenScreen.allCases, GoldenTheme.allCases)
    func golden(_ goldenScreen: GoldenScreen, _ theme: GoldenTheme) throws {
        let loaded = try theme.load()
        for size in Self.sizes {
            let buffer = try screen(width: size.width, height: size.height, theme: loaded) { state, snapshot in
                goldenScreen.configure(&state, snapshot: snapshot)
            }
            try GoldenFile.assertMatches(buffer, named: "\(goldenScreen)-\(size.width)x\(size.height)-\(theme)")
        }
    }

    @Test func themesGiveDifferentGoldens() throws {
        let dark = GoldenFile.render(try screen(width: 80, height: 24, theme: try GoldenTheme.dark.load()))
        let light = GoldenFile.render(try screen(width: 80, height: 24, theme: try GoldenTheme.light.load()))
        let text = { (golden: String) in golden.components(separatedBy: "--- styles")[0] }
        // Same characters, different colours: the style section is what tells the themes apart.
        #expect(text(dark) == text(light))
        #expect(dark != light)
    }

    /// `NO_COLOR` / `TERM=vt100`: the default theme without colour, attributes only.
    @Test func monochromeDashboard() throws {
        let mono = try GoldenTheme.dark.load().degraded(to: .mono)
        let buffer = try screen(width: 80, height: 24, theme: mono)
        for row in 0..<buffer.height {
            for run in buffer.styleRuns(row: row) {
                #expect(run.style.fg == nil || run.style.fg == .default, "row \(row) has a colour: \(GoldenFile.describe(run.style))")
                #expect(run.style.bg == nil || run.style.bg == .default, "row \(row) has a colour: \(GoldenFile.describe(run.style))")
            }
        }
        try GoldenFile.assertMatches(buffer, named: "dashboard-80x24-mono")
    }

    @Test func categoricalFeatureDetail() throws {
        let buffer = try screen(width: 100, height: 30) { s, _ in
            s.focus = .input
            s.detailFeature = "country"
        }
        try GoldenFile.assertMatches(buffer, named: "feature-detail-country-100x30-default")
    }

    @Test(arguments: [(100, 30), (80, 24)])
    func alertsPanelWithoutRulesSaysHowToAddThem(width: Int, height: Int) throws {
        var (snapshot, state) = try DashboardFixture.make()
        snapshot.alerts = []
        snapshot.thresholds = []
        snapshot.timeline = []
        state.rulesConfigured = false
        var buffer = ScreenBuffer(width: width, height: height)
        DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
        // Wrapped inside the panel rather than cut at its edge.
        let text = buffer.lines.joined(separator: "\n")
        #expect(text.contains("no alert rules: add rules to a"))
        #expect(text.contains("mlwatch.yaml)"))
    }

    @Test func tooSmallSaysSoWithSizes() throws {
        let buffer = try screen(width: 20, height: 5)
        let text = buffer.lines.joined(separator: "\n")
        #expect(text.contains("too small"))
        #expect(text.contains("20×5"))
        #expect(text.contains("40×10"))
    }

    @Test(arguments: GoldenScreen.allCases)
    func everySizeRendersWithoutTrapping(_ goldenScreen: GoldenScreen) throws {
        let (snapshot, base) = try DashboardFixture.make()
        var state = base
        goldenScreen.configure(&state, snapshot: snapshot)
        for (w, h) in [(0, 0), (1, 1), (2, 1), (10, 3), (39, 9), (40, 10), (41, 11), (50, 12), (60, 14), (79, 23), (80, 24),
                       (99, 29), (100, 30), (250, 80)] {
            var buffer = ScreenBuffer(width: w, height: h)
            let layout = DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
            #expect(buffer.width == w && buffer.height == h)
            if goldenScreen != .help { #expect(layout.helpScrollLimit == 0) }
        }
    }
}
