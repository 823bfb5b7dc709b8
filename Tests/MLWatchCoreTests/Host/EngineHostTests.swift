import Dispatch
import Foundation
import Synchronization
import Testing
@testable import MLWatchCore

/// The engine host: ingest and commands applied on its queue, one published value, a reload prepared off
/// the queue with progress, replay controls, notifications, and every clock read through the injected one.
@Suite struct EngineHostTests {
    /// A clock the test sets by hand.
    final class ManualClock: Sendable {
        private let seconds: Mutex<Double>
        init(_ start: Double) { seconds = Mutex(start) }
        func set(_ value: Double) { seconds.withLock { $0 = value } }
        var clock: HostClock { HostClock(wall: { self.seconds.withLock { $0 } }, monotonic: { self.seconds.withLock { $0 } }) }
    }

    /// Records what the host delivers for notification.
    final class RecordingSink: NotificationSink {
        private let state = Mutex<(sent: [AlertTransition], errors: [String], rules: [String])>(([], [], []))
        func send(_ transitions: [AlertTransition]) { state.withLock { $0.sent += transitions } }
        func drainErrors() -> [String] { state.withLock { s in defer { s.errors = [] }; return s.errors } }
        func updateRules(_ rules: [AlertRule]) { state.withLock { $0.rules = rules.map(\.name) } }
        func fail(_ error: String) { state.withLock { $0.errors.append(error) } }
        var sent: [AlertTransition] { state.withLock { $0.sent } }
        var rules: [String] { state.withLock { $0.rules } }
    }

    /// A reload that reports progress and then waits until the test lets it finish.
    final class GatedReloader: RulesReloader {
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let result: RulesReload
        init(result: RulesReload) { self.result = result }
        func prepare(progress: (String) -> Void) -> RulesReload {
            progress("learning adaptive thresholds: 1,000 lines")
            started.signal()
            release.wait()
            return result
        }
    }

    static func rule() throws -> AlertRule {
        try AlertRule(name: "LatencyHigh", expr: "latency_p99_ms > 250", forDuration: 0, labels: ["severity": "critical"])
    }

    static func state() throws -> MonitorState {
        MonitorState(options: CollectorOptions(window: .time(size: 60, slide: 10), lateness: 5), mode: .live,
                     rules: RuleEngine(rules: [try rule()]))
    }

    /// `count` predictions one second apart from t0, slow (500 ms) from `slowFrom` on.
    static func batch(count: Int, from first: Int = 0, slowFrom: Int = 0) -> LineBatch {
        let t0 = 1_795_000_000
        return CollectorRuleBoundaryTests.batch((first..<first + count).map { i in
            #"{"ts":\#(t0 + i),"request_id":"r\#(i)","latency_ms":\#(i >= slowFrom ? 500 : 10),"status":"ok","prediction":1}"#
        })
    }

    @Test func ingestAndCommandsArePublishedWithTheInjectedClock() throws {
        let clock = ManualClock(1_800_000_000)
        let sink = RecordingSink()
        let host = EngineHost(live: try Self.state(), options: .init(actor: "alice"), clock: clock.clock, sink: sink)
        host.ingest(Self.batch(count: 40))
        host.waitUntilIdle()
        var p = host.published
        #expect(p.snapshot.events == 40)
        #expect(p.snapshot.builtAt == 1_800_000_000)
        let alert = try #require(p.snapshot.alerts.first)
        #expect(alert.state == .firing)
        // The firing went to the sink once, and into the publication for the bell.
        #expect(sink.sent.map(\.to) == [.firing])
        #expect(p.notifications(after: 0).map(\.to) == [.firing])
        #expect(p.notifications(after: p.notificationCount).isEmpty)

        clock.set(1_800_000_010)
        host.send(.acknowledge(rule: alert.rule, labels: alert.labels, note: "on it"))
        host.waitUntilIdle()
        p = host.published
        #expect(p.snapshot.alerts.first?.state == .acknowledged)
        #expect(p.snapshot.alerts.first?.acknowledgedBy == "alice")
        #expect(p.messages.last?.text == "Acknowledged LatencyHigh: on it")
        #expect(p.snapshot.builtAt == 1_800_000_010)

        // A failing command says why; a notifier error becomes a message too.
        host.send(.undo(rule: "NoSuchRule", labels: [:]))
        sink.fail("webhook: connection refused")
        host.waitUntilIdle()
        p = host.published
        #expect(p.messages.suffix(2).allSatisfy { $0.isError })
        #expect(p.messages.last?.text == "webhook: connection refused")
        #expect(p.messages(after: p.messages.last!.serial - 1).count == 1)
        host.send(.replay(.end))
        host.waitUntilIdle()
        #expect(host.published.messages.last?.text == "replay controls work only in a replay")
    }

    /// A clock whose monotonic time moves `step` seconds at every read, so that building a snapshot (read
    /// before and after) looks `step` seconds long.
    final class SteppingClock: Sendable {
        private let seconds = Mutex<Double>(0)
        let step: Double
        init(step: Double) { self.step = step }
        var clock: HostClock {
            HostClock(wall: { 1_800_000_000 }, monotonic: { self.seconds.withLock { s in defer { s += self.step }; return s } })
        }
    }

    /// How many publications (`waitUntilIdle`) pass before the snapshot shows `events` (nil: not within 20).
    static func publicationsUntil(_ host: EngineHost, shows events: Int) -> Int? {
        for n in 1...20 {
            host.waitUntilIdle()
            if host.published.snapshot.events == events { return n }
        }
        return nil
    }

    @Test func aShortBacklogIsShownOnceTheInputPauses() throws {
        // `watch --from-start` on a log of three old lines, a day apart: nothing to confirm them against while
        // they are read; the first tick without input takes them as they are. Stopping does the same.
        let lines = (0..<3).map { i in #"{"ts":\#(1_795_000_000 + i * 86_400),"latency_ms":10,"prediction":1}"# }
        for stopAtOnce in [false, true] {
            let state = MonitorState(options: CollectorOptions(window: .time(size: 60, slide: 10), lateness: 5), mode: .live,
                                     wallClock: { 1_900_000_000 })
            let host = EngineHost(live: state, options: .init(interval: 0.02, publishing: .everyTick, actor: "alice"),
                                  clock: ManualClock(1_900_000_000).clock)
            host.ingest(CollectorRuleBoundaryTests.batch(lines))
            if stopAtOnce {
                host.stop()
            } else {
                host.start()
                for _ in 0..<500 where host.published.snapshot.events < 3 { usleep(10_000) }
                host.stop()
            }
            let p = host.published.snapshot
            #expect(p.events == 3 && p.future.held == 0 && p.future.total == 0, "stop at once: \(stopAtOnce)")
        }
    }

    @Test func newInputWaitsForTheSnapshotBudgetButACommandDoesNot() throws {
        // Snapshots that look slow (each one spans a read of the clock): with a quarter of the host's time
        // for them, new input waits about three rebuilds' worth before the next one; with all of it, none.
        let budgeted = EngineHost(live: try Self.state(), options: .init(actor: "alice", snapshotShare: 0.25),
                                  clock: SteppingClock(step: 1).clock)
        let unbudgeted = EngineHost(live: try Self.state(), options: .init(actor: "alice", snapshotShare: 1),
                                    clock: SteppingClock(step: 1).clock)
        for host in [budgeted, unbudgeted] {
            host.ingest(Self.batch(count: 10))
            #expect(Self.publicationsUntil(host, shows: 10) == 1, "the first snapshot is built at once")
            host.ingest(Self.batch(count: 10, from: 10))
        }
        #expect(Self.publicationsUntil(unbudgeted, shows: 20) == 1)
        let waited = try #require(Self.publicationsUntil(budgeted, shows: 20), "new input is shown eventually")
        #expect(waited > 1, "new input waited for the budget")

        // A command's effect is shown at once, budget or not, with the input that came before it.
        budgeted.ingest(Self.batch(count: 10, from: 20))
        let alert = try #require(budgeted.published.snapshot.alerts.first)
        budgeted.send(.acknowledge(rule: alert.rule, labels: alert.labels, note: nil))
        budgeted.waitUntilIdle()
        #expect(budgeted.published.snapshot.alerts.first?.state == .acknowledged)
        #expect(budgeted.published.snapshot.events == 30)
    }

    @Test func reloadRunsOffTheQueueWithProgressAndSwapsTheRules() throws {
        let clock = ManualClock(1_800_000_000)
        let sink = RecordingSink()
        let newRule = try AlertRule(name: "Errors", expr: "error_rate > 0.5", forDuration: 0)
        let reloader = GatedReloader(result: .replace(engine: RuleEngine(rules: [try Self.rule(), newRule]),
                                                      rules: [try Self.rule(), newRule], message: "config reloaded: 2 rules"))
        let host = EngineHost(live: try Self.state(), options: .init(actor: "bob"), clock: clock.clock, reloader: reloader, sink: sink)
        host.ingest(Self.batch(count: 40))
        host.send(.reloadConfig)
        #expect(reloader.started.wait(timeout: .now() + 10) == .success)
        // While the reload waits, the queue is free: batches and commands go on, and the publication says
        // what the reload is doing.
        clock.set(1_800_000_001)
        let polled = poll { host.published.activity?.contains("1,000 lines") == true }
        #expect(polled, "\(host.published.activity ?? "no activity")")
        host.ingest(Self.batch(count: 5, from: 40))
        host.send(.reloadConfig)
        let alert = try #require(host.published.snapshot.alerts.first)
        host.send(.snooze(rule: alert.rule, labels: alert.labels, seconds: 600))
        #expect(poll { host.published.messages.last?.text.hasPrefix("Snoozed LatencyHigh") == true })
        #expect(host.published.messages.contains { $0.text == "a config reload is already running" && $0.isError })
        #expect(host.published.snapshot.events == 45)
        reloader.release.signal()
        host.waitUntilIdle()
        let p = host.published
        #expect(p.activity == nil)
        #expect(p.messages.last?.text == "config reloaded: 2 rules")
        #expect(sink.rules == ["LatencyHigh", "Errors"])
        #expect(p.snapshot.thresholds.contains { $0.rule == "Errors" })
    }

    @Test func aRefusedReloadKeepsTheRules() throws {
        let reloader = GatedReloader(result: .keep(message: "config not reloaded, keeping the old rules: x.yaml:3:1: bad"))
        reloader.release.signal()
        let host = EngineHost(live: try Self.state(), options: .init(actor: "bob"), clock: ManualClock(0).clock, reloader: reloader)
        host.send(.reloadConfig)
        host.waitUntilIdle()
        let p = host.published
        #expect(p.messages.last?.text.hasSuffix("x.yaml:3:1: bad") == true)
        #expect(p.messages.last?.isError == true)
        #expect(p.activity == nil)

        let none = EngineHost(live: try Self.state(), options: .init(actor: "bob"), clock: ManualClock(0).clock)
        none.send(.reloadConfig)
        none.waitUntilIdle()
        #expect(none.published.messages.last?.text == "config reload is not available here")
    }

    @Test func replayControlsAndTicksRunOnTheHost() throws {
        let lines = (0..<200).map { #"{"ts":\#(1000 + $0),"model":"m","latency_ms":10,"prediction":1}"# }
        let clock = ManualClock(50)
        let engine = ReplayEngine(source: ReplaySource(lines: lines, now: 4e9), speed: .factor(10), wall: 50) {
            MonitorState(options: CollectorOptions(window: .time(size: 60, slide: 10)), mode: .replay)
        }
        let published = Mutex<[Int]>([])
        let host = EngineHost(replay: engine, options: .init(interval: 0.01, actor: "carol"), clock: clock.clock,
                              observer: { p in published.withLock { $0.append(p.replay?.position ?? -1) } })
        host.start()
        // Ticks feed by the injected clock: 2 s at 10× is 20 entries.
        clock.set(52)
        #expect(poll { host.published.replay?.position == 21 })
        host.send(.replay(.togglePause))
        host.send(.replay(.seek(by: -10)))
        host.waitUntilIdle()
        var p = host.published
        #expect(p.replay?.paused == true)
        #expect(p.replay?.position == 11)
        #expect(p.replay?.rebuilds == 1)
        #expect(p.snapshot.events == 11)
        host.send(.replay(.end))
        host.send(.replay(.nextTransition))
        host.waitUntilIdle()
        p = host.published
        #expect(p.replay?.finished == true)
        #expect(p.snapshot.events == 200)
        #expect(p.messages.last?.text == "No further alert transition: at the end of the recording")
        host.send(.reloadConfig)
        host.stop()
        #expect(host.published.messages.last?.text == "config reload is not available here")
        #expect(published.withLock { $0.contains(21) })
    }

    /// Polls `condition` until it holds (10 s at most).
    private func poll(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while !condition() {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return true
    }
}
