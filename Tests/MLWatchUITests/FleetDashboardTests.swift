import Testing
@testable import MLWatchCore
@testable import MLWatchUI

/// The dashboard over a fleet: `i` opens the Instances view (only on a fleet), Enter there narrows every
/// panel to the selected instance, Esc goes back to the whole fleet; the header marks stale data and says
/// why; goldens of the Instances view and of the stale header.
@Suite struct FleetDashboardTests {
    static let now = 1_767_600_300.0

    /// A fleet snapshot: one model, three instances (one down, one with a firing alert).
    static func snapshot(scope: String? = nil) -> Snapshot {
        let g = Labels(["model": "fraud", "version": "v3"])
        var s = Snapshot(sources: ["prometheus http://prom:9090"], mode: .live, events: 123_456, builtAt: now)
        s.newestEventTime = now - 4
        s.windowTo = now
        s.metrics = [
            MetricSample(name: "events_per_second", labels: g, value: 412.5),
            MetricSample(name: "latency_p50_ms", labels: g, value: 12.5),
            MetricSample(name: "latency_p95_ms", labels: g, value: 88),
            MetricSample(name: "latency_p99_ms", labels: g, value: 310),
            MetricSample(name: "error_rate", labels: g, value: 0.004),
        ]
        s.outputs = [OutputSummary(labels: g, count: 24_750, nullRate: 0.01, classShares: [("0", 0.7), ("1", 0.3)], labelled: 900)]
        s.features = [FeatureSummary(labels: g.with("feature", "amount"), name: "amount", kind: .numeric, count: 24_750, missingRate: 0,
                                     mean: 118.2, drift: DriftSummary(test: "psi", score: 0.31, threshold: 0.1, detected: true))]
        s.alerts = [AlertInstance(rule: "LatencyP99High", labels: g, state: .firing, severity: .critical, value: 310, threshold: 250,
                                  activeSince: now - 120, firedAt: now - 120, summary: "on 10.0.0.3:9464")]
        s.fleet = FleetInfo(source: "prometheus http://prom:9090", scope: scope, instances: [
            FleetInstance(instance: "10.0.0.2:9464", job: "mlwatch", up: false, scrapeAge: 14),
            FleetInstance(instance: "10.0.0.3:9464", job: "mlwatch", up: true, scrapeAge: 3, scrapeDuration: 0.01, eventsPerSecond: 140.2,
                          errorRate: 0.011, lag: 2, firing: ["LatencyP99High"], otherAlerts: 1),
            FleetInstance(instance: "10.0.0.1:9464", job: "mlwatch", up: true, scrapeAge: 1, eventsPerSecond: 136.1, errorRate: 0, lag: 400),
        ], alertSource: "mlwatch_alert series", notes: ["input: 12000 series, the first 10000 shown"])
        return s
    }

    static func state(scope: String? = nil) -> DashboardState {
        var state = DashboardState()
        state.live = snapshot(scope: scope)
        state.now = now
        state.connection = ConnectionStatus(target: "Prometheus prom:9090", lastSuccess: now - 1, dataTime: now - 1, refreshInterval: 5)
        return state
    }

    @Test func instancesViewNarrowsAndEscWidens() {
        var state = Self.state()
        #expect(state.reduce(.key(.char("i"))).isEmpty)
        #expect(state.instancesVisible && state.instanceSelection == 0)
        _ = state.reduce(.key(.down))
        _ = state.reduce(.key(.down))
        _ = state.reduce(.key(.down))
        #expect(state.instanceSelection == 2)
        #expect(state.reduce(.key(.enter)) == [.send(.scope(instance: "10.0.0.1:9464"))])
        #expect(!state.instancesVisible)
        // The host answers with a snapshot for that instance; Esc goes back to the whole fleet.
        state.live = Self.snapshot(scope: "10.0.0.1:9464")
        #expect(state.reduce(.key(.escape)) == [.send(.scope(instance: nil))])
        // Reopened while narrowed, the view selects the instance in view; Esc closes it, no command.
        _ = state.reduce(.key(.char("i")))
        #expect(state.instanceSelection == 2)
        #expect(state.reduce(.key(.escape)).isEmpty)
        #expect(!state.instancesVisible)
        // Esc closes a zoom before it widens the scope.
        state.zoomed = true
        #expect(state.reduce(.key(.escape)).isEmpty)
        #expect(!state.zoomed)
    }

    @Test func fleetKeysOnlyOnAFleet() {
        var logs = DashboardState()
        logs.live = Snapshot()
        _ = logs.reduce(.key(.char("i")))
        #expect(!logs.instancesVisible)
        // Esc on logs never sends a scope.
        #expect(logs.reduce(.key(.escape)).isEmpty)
        // Tab leaves the Instances view for the panels.
        var state = Self.state()
        _ = state.reduce(.key(.char("i")))
        _ = state.reduce(.key(.tab))
        #expect(!state.instancesVisible)
    }

    @Test func staleDataAreMarkedWithTheReason() {
        var state = Self.state()
        state.connection?.problem = "cannot connect: prom:9090: Connection refused"
        var buffer = ScreenBuffer(width: 100, height: 30)
        DashboardRenderer(theme: .builtInDefault).render(state.live, state: state, into: &buffer, now: Self.now + 40)
        let header = buffer.lines.prefix(2).joined(separator: "\n")
        #expect(header.contains("FLEET"))
        #expect(header.contains("STALE 41s"))
        #expect(header.contains("Prometheus prom:9090: cannot connect: prom:9090: Connection refused (last full answer 41s ago)"))
        // A fleet without a problem but without answers for two refreshes is stale too (a query hanging).
        state.connection?.problem = nil
        #expect(state.connection?.isStale(now: Self.now + 12) == true)
        #expect(state.connection?.isStale(now: Self.now + 5) == false)
    }

    @Test(arguments: [(100, 30), (80, 24)])
    func instancesViewGolden(width: Int, height: Int) throws {
        var state = Self.state(scope: "10.0.0.3:9464")
        _ = state.reduce(.key(.char("i")))
        var buffer = ScreenBuffer(width: width, height: height)
        DashboardRenderer(theme: .builtInDefault).render(state.live, state: state, into: &buffer, now: Self.now)
        try GoldenFile.assertMatches(buffer, named: "fleet-instances-\(width)x\(height)-default")
    }

    @Test func staleFleetDashboardGolden() throws {
        var state = Self.state()
        state.connection?.problem = "timed out waiting for the answer (10 s)"
        var buffer = ScreenBuffer(width: 100, height: 30)
        DashboardRenderer(theme: .builtInDefault).render(state.live, state: state, into: &buffer, now: Self.now + 25)
        try GoldenFile.assertMatches(buffer, named: "fleet-stale-100x30-default")
    }

    @Test(arguments: [(100, 30), (80, 24)])
    func helpListsTheFleetKeys(width: Int, height: Int) {
        var state = Self.state()
        _ = state.reduce(.key(.char("?")))
        var buffer = ScreenBuffer(width: width, height: height)
        let layout = DashboardRenderer(theme: .builtInDefault).render(state.live, state: state, into: &buffer, now: Self.now)
        let text = buffer.lines.joined(separator: "\n")
        #expect(text.contains("Fleet") && text.contains("Instances (Enter narrows)"))
        #expect(layout.helpScrollLimit == 0, "the help scrolls at \(width)×\(height)")
    }

    @Test func instancesViewRendersAtEverySize() {
        var state = Self.state()
        _ = state.reduce(.key(.char("i")))
        for (w, h) in [(0, 0), (10, 3), (40, 10), (60, 14), (250, 80)] {
            var buffer = ScreenBuffer(width: w, height: h)
            DashboardRenderer(theme: .builtInDefault).render(state.live, state: state, into: &buffer, now: Self.now)
            #expect(buffer.width == w)
        }
    }
}
