import Testing
@testable import MLWatchCore
@testable import MLWatchUI

/// The versions and fairness views: goldens at the full, compact and small sizes, the keys that open and
/// close them, and what they say when the configuration is missing or the data do not support it.
@Suite struct VersionsViewTests {
    static let sizes = [(100, 30), (80, 24), (60, 14), (40, 10)]

    private func render(_ snapshot: Snapshot, _ state: DashboardState, width: Int, height: Int) -> ScreenBuffer {
        let terminal = InMemoryTerminal(width: width, height: height)
        var buffer = ScreenBuffer(width: width, height: height)
        DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &buffer, now: VersionsFixture.now)
        terminal.flush(buffer)
        return terminal.screen
    }

    private func text(_ buffer: ScreenBuffer) -> String { buffer.lines.joined(separator: "\n") }

    @Test(arguments: [ComparisonView.versions, .fairness])
    func golden(_ view: ComparisonView) throws {
        let (snapshot, base) = try VersionsFixture.built.get()
        var state = base
        _ = state.reduce(.key(.char(view == .versions ? "v" : "f")))
        #expect(state.comparisonView == view)
        for (w, h) in Self.sizes {
            try GoldenFile.assertMatches(render(snapshot, state, width: w, height: h), named: "\(view)-\(w)x\(h)-default")
        }
    }

    @Test func versionsViewShowsTheComparison() throws {
        let (snapshot, base) = try VersionsFixture.built.get()
        var state = base
        _ = state.reduce(.key(.char("v")))
        let screen = text(render(snapshot, state, width: 100, height: 30))
        #expect(screen.contains("baseline v1"))
        #expect(screen.contains("v3 shadow"))
        #expect(screen.contains("v1 baseline"))
        #expect(screen.contains("agreement"))
        #expect(screen.contains("v3 vs v1 disagree on: r"))
        // v2's amount was shifted: its input drift and the amount row are marked as different.
        let amount = try #require(screen.split(separator: "\n").first { $0.contains("  amount") })
        #expect(amount.contains("✖"))
    }

    @Test func fairnessViewShowsRatesGapsAndNotApplicable() throws {
        let (snapshot, base) = try VersionsFixture.built.get()
        var state = base
        _ = state.reduce(.key(.char("f")))
        let screen = text(render(snapshot, state, width: 100, height: 30))
        #expect(screen.contains("Fairness · loan v1 · by applicant_group · positive 1"))
        let d = try #require(screen.split(separator: "\n").first { $0.dropFirst().hasPrefix("D ") })
        #expect(d.contains("n/a ("), "group D has fewer than 20 predictions behind its rates")
        #expect(screen.contains("demographic parity difference"))
        #expect(screen.contains("rule SelectionGap: > 0.2"))
        #expect(screen.contains("rule FourFifths: < 0.8"))
        // ↓ moves the version in view: the view follows it.
        _ = state.reduce(.key(.down))
        let next = text(render(snapshot, state, width: 100, height: 30))
        #expect(next.contains("Fairness · loan v2"))
    }

    @Test func keysOpenAndCloseTheViews() throws {
        var state = try VersionsFixture.built.get().1
        _ = state.reduce(.key(.char("v")))
        #expect(state.comparisonView == .versions)
        _ = state.reduce(.key(.char("f")))
        #expect(state.comparisonView == .fairness)
        _ = state.reduce(.key(.char("f")))
        #expect(state.comparisonView == nil)
        _ = state.reduce(.key(.char("v")))
        _ = state.reduce(.key(.escape))
        #expect(state.comparisonView == nil)
        _ = state.reduce(.key(.char("v")))
        _ = state.reduce(.key(.char("1")))
        #expect(state.comparisonView == nil && state.focus == .software, "leaving the Output panel closes the view")
        _ = state.reduce(.key(.char("v")))
        #expect(state.comparisonView == nil, "v is an Output panel key")
        let help = DashboardKeys.map.bindings(in: "Output").map(\.help)
        #expect(help == ["Versions side by side", "Fairness across groups"])
    }

    @Test func versionColumnsThatDoNotFitScrollWithTheArrows() throws {
        let (snapshot, base) = try VersionsFixture.built.get()
        var state = base
        // In a replay too: while the view is open, ← → scroll it instead of seeking.
        state.replay = ReplayStatus(speed: .factor(60), count: 100)
        _ = state.reduce(.key(.char("v")))
        func header() -> String { text(render(snapshot, state, width: 40, height: 10)).split(separator: "\n")[2].description }
        #expect(header().contains("v1") && header().contains("v2") && !header().contains("v3"))
        #expect(text(render(snapshot, state, width: 40, height: 10)).contains("version 2 of 3 shown · ← → scroll"))
        #expect(state.reduce(.key(.right)).isEmpty, "a scroll is not a seek")
        #expect(header().contains("v1") && header().contains("v3") && !header().contains("v2"), "the baseline stays first")
        #expect(text(render(snapshot, state, width: 40, height: 10)).contains("version 3 of 3 shown"))
        _ = state.reduce(.key(.right))
        #expect(state.comparisonScroll == 1, "not past the last version")
        _ = state.reduce(.key(.left))
        _ = state.reduce(.key(.left))
        #expect(state.comparisonScroll == 0)
        #expect(header().contains("v2"))
        // Closed, ← → seek the replay again; reopened, the view starts from the left.
        _ = state.reduce(.key(.right))
        _ = state.reduce(.key(.escape))
        #expect(state.reduce(.key(.right)) == [.send(.replay(.seek(by: 60)))])
        _ = state.reduce(.key(.char("v")))
        #expect(state.comparisonScroll == 0)
    }

    @Test func withoutConfigurationTheViewsSayWhatToAdd() throws {
        let (snapshot, base) = try VersionsFixture.make(config: "window: {size: 10m, slide: 30s}\nlateness: 5s\n")
        var state = base
        _ = state.reduce(.key(.char("v")))
        let versions = text(render(snapshot, state, width: 100, height: 30))
        #expect(versions.contains("no baseline (compare: {baseline: …})"))
        #expect(versions.contains("v2") && versions.contains("p99 latency"), "each version's own metrics still show")
        _ = state.reduce(.key(.char("f")))
        let fairness = text(render(snapshot, state, width: 100, height: 30))
        #expect(fairness.contains("no fairness metrics: add fairness: {group_by: FEATURE, positive: 1}"))
    }

    @Test func unsupportedConfigurationIsAWarningInTheHeaderAndTheViews() throws {
        let (snapshot, base) = try VersionsFixture.make(config: """
            window: {size: 10m, slide: 30s}
            compare: {baseline: v9}
            fairness: {group_by: applicant_grup}
            """)
        var state = base
        #expect(snapshot.warnings.count == 4)
        let dashboard = text(render(snapshot, state, width: 100, height: 30))
        #expect(dashboard.contains("▲ compare: baseline v9 not in window (+3)"))
        let compact = text(render(snapshot, state, width: 80, height: 24))
        #expect(compact.contains("▲ compare: baseline v9"), "the warning outranks the event time on one line")
        _ = state.reduce(.key(.char("v")))
        #expect(text(render(snapshot, state, width: 100, height: 30)).contains("baseline version v9 has no predictions of loan"))
        _ = state.reduce(.key(.char("f")))
        #expect(text(render(snapshot, state, width: 100, height: 30)).contains("have no feature applicant_grup"))
    }

    @Test func everySizeRendersWithoutTrapping() throws {
        let (snapshot, base) = try VersionsFixture.built.get()
        var state = base
        for view in [ComparisonView.versions, .fairness] {
            state.comparisonView = view
            for (w, h) in [(0, 0), (1, 1), (10, 3), (39, 9), (40, 10), (41, 11), (50, 12), (79, 23), (120, 40), (250, 80)] {
                let buffer = render(snapshot, state, width: w, height: h)
                #expect(buffer.width == w && buffer.height == h)
            }
        }
    }
}
