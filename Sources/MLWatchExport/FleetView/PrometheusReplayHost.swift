import Dispatch
import Foundation
import MLWatchCore
import Synchronization

/// `mlwatch replay --prometheus URL --from T --to T`: the fleet's past on the dashboard, with the replay
/// keys. The five fleet queries are read once over the range with `query_range` (one step every `step`
/// seconds), held as series (~16 bytes a point), and each frame's snapshot is built from the points at
/// the virtual time — so play, pause, speed and seeks never ask Prometheus again. Narrowing to an instance
/// reads the software, input and output queries of that instance once more.
///
/// The alerts are those of the `mlwatch_alert` series (Alertmanager keeps no history); `n`/`N` jump to the
/// steps where one changed state.
public final class PrometheusReplayHost: EngineLink, Sendable {
    public struct Options: Sendable {
        public var from: Double
        public var to: Double
        /// Seconds between two points of the range queries.
        public var step: Double
        public var speed: ReplaySpeed
        public var rateWindow: String
        public var matchers: [PromMatcher]
        public var drift: DriftSettings
        public var thresholds: [MetricThreshold]

        public init(from: Double, to: Double, step: Double, speed: ReplaySpeed = .factor(60), rateWindow: String = "1m",
                    matchers: [PromMatcher] = [], drift: DriftSettings = DriftSettings(), thresholds: [MetricThreshold] = []) {
            self.from = from
            self.to = to
            self.step = step
            self.speed = speed
            self.rateWindow = rateWindow
            self.matchers = matchers
            self.drift = drift
            self.thresholds = thresholds
        }
    }

    /// Points a range query may return per series (Prometheus refuses more than 11,000).
    public static let maxPoints = 11_000

    /// The step for a range when none is given: the scrape-like 15 s, coarser for long ranges (at most
    /// 2,000 frames).
    public static func defaultStep(from: Double, to: Double) -> Double {
        max(15, ((to - from) / 2000).rounded(.up))
    }

    private let client: PrometheusQueryClient
    private let options: Options
    private let clock: HostClock
    private let queue = DispatchQueue(label: "mlwatch.fleet.replay", qos: .userInitiated)
    private let io = DispatchQueue(label: "mlwatch.fleet.replay.io", qos: .userInitiated, attributes: .concurrent)
    private nonisolated(unsafe) let confined: Confined
    private let current: Mutex<EngineHost.Published>
    private let loading = Atomic<Int>(0)

    public init(client: PrometheusQueryClient, options: Options, clock: HostClock) {
        self.client = client
        // Steps on multiples of the step (readable clock times; the same frames for the same range).
        var options = options
        options.step = max(1, options.step.rounded())
        options.from = (options.from / options.step).rounded(.down) * options.step
        options.to = max(options.from, (options.to / options.step).rounded(.down) * options.step)
        self.options = options
        self.clock = clock
        let builder = FleetSnapshotBuilder(source: "prometheus " + client.base.absoluteString, mode: .replay,
                                           alertSource: "mlwatch_alert series", drift: options.drift, thresholds: options.thresholds)
        let replay = FleetReplayClock(start: options.from, end: options.to, step: options.step, speed: options.speed,
                                      wall: clock.monotonic())
        let empty = builder.build(FleetAnswers(), at: options.from, builtAt: clock.wall())
        let target = "Prometheus " + PrometheusFleetHost.hostPort(client.base)
        confined = Confined(builder: builder, replay: replay, snapshot: empty,
                            connection: ConnectionStatus(target: target, refreshInterval: .infinity))
        current = Mutex(EngineHost.Published(snapshot: empty, replay: replay.status(wall: clock.monotonic()),
                                             activity: "reading the range from \(target)"))
    }

    public var published: EngineHost.Published { current.withLock { $0 } }

    public func send(_ command: EngineCommand) {
        queue.async { self.apply(command) }
    }

    /// Reads the range, then starts the frame timer (every 0.1 s).
    public func start() {
        queue.async {
            let c = self.confined
            guard c.timer == nil, !c.stopped else { return }
            self.load(kinds: FleetQueries.Kind.allCases, scope: nil)
            let t = DispatchSource.makeTimerSource(queue: self.queue)
            t.schedule(deadline: .now() + 0.1, repeating: 0.1, leeway: .milliseconds(10))
            t.setEventHandler { [weak self] in self?.tick() }
            t.resume()
            c.timer = t
        }
    }

    public func stop() {
        client.cancel()
        queue.sync {
            confined.stopped = true
            confined.timer?.cancel()
            confined.timer = nil
        }
    }

    /// Waits until the range reads are done and the commands sent so far applied. Tests only.
    public func waitUntilLoaded(timeout: Double = 60) {
        let deadline = clock.monotonic() + timeout
        repeat {
            queue.sync {}
            if loading.load(ordering: .acquiring) == 0 { return }
            usleep(5_000)
        } while clock.monotonic() < deadline
    }

    /// The snapshot at a virtual time (what a frame at that time shows). Tests and `--no-ui`.
    public func snapshot(at time: Double) -> Snapshot {
        queue.sync { frame(at: time) }
    }

    /// The times of the steps.
    public var stepTimes: [Double] { queue.sync { confined.range.times } }

    // MARK: On the queue

    /// Reads `kinds` over the range (for `scope`), on `io`, then shows them.
    private func load(kinds: [FleetQueries.Kind], scope: String?) {
        let c = confined
        c.loadGeneration += 1
        let generation = c.loadGeneration
        let queries = FleetQueries(matchers: options.matchers, instance: scope, rateWindow: options.rateWindow)
        let options = self.options
        let client = self.client
        let target = c.connection.target
        c.activity = "reading \(scope.map { "instance \($0)" } ?? "the fleet") from \(c.connection.target): 0/\(kinds.count) queries"
        publish()
        loading.add(1, ordering: .acquiringAndReleasing)
        io.async {
            let results = Mutex<[FleetQueries.Kind: Result<PromResponse, PromQueryError>]>([:])
            DispatchQueue.concurrentPerform(iterations: kinds.count) { i in
                let r = client.range(queries.query(kinds[i]), start: options.from, end: options.to, step: options.step)
                let done = results.withLock { all -> Int in
                    all[kinds[i]] = r
                    return all.count
                }
                self.queue.async {
                    guard generation == self.confined.loadGeneration else { return }
                    self.confined.activity = "reading \(scope.map { "instance \($0)" } ?? "the fleet") from \(target): "
                        + "\(done)/\(kinds.count) queries"
                    self.publish()
                }
            }
            let answers = results.withLock { $0 }
            self.queue.async {
                defer { self.loading.subtract(1, ordering: .acquiringAndReleasing) }
                guard generation == self.confined.loadGeneration, !self.confined.stopped else { return }
                self.finishLoad(answers, scope: scope)
            }
        }
    }

    private func finishLoad(_ answers: [FleetQueries.Kind: Result<PromResponse, PromQueryError>], scope: String?) {
        let c = confined
        c.activity = nil
        var problems: [String] = []
        var notes: [String] = []
        for (kind, r) in answers.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            switch r {
            case .success(let answer):
                c.range.series[kind] = answer.data.series
                if let total = answer.cappedFrom { notes.append("\(kind.rawValue): \(total) series, the first \(answer.data.count) shown") }
                for w in answer.warnings.prefix(2) { notes.append("\(kind.rawValue): \(w)") }
            case .failure(let e):
                c.range.series[kind] = nil
                problems.append("\(kind.rawValue): \(e)")
            }
        }
        c.scope = scope
        c.notes = notes
        c.connection.problem = PrometheusFleetHost.summarize(problems)
        if problems.isEmpty { c.connection.lastSuccess = clock.wall() }
        c.connection.dataTime = options.to
        c.timeline = FleetReplayClock.transitions(c.range, scope: scope)
        c.replay.transitions = Array(Set(c.timeline.map(\.time))).sorted()
        if let problem = c.connection.problem {
            say("could not read the range: \(problem)", isError: true)
        } else {
            say("Read \(c.range.points) points in \(c.range.times.count) steps of \(DurationText.format(options.step))"
                + (scope.map { " for \($0)" } ?? ""))
        }
        c.shownStep = nil
        tick()
    }

    private func tick() {
        let c = confined
        let wall = clock.monotonic()
        c.replay.tick(wall: wall)
        let t = c.replay.stepTime(wall: wall)
        let status = c.replay.status(wall: wall)
        if t != c.shownStep {
            c.snapshot = frame(at: t)
            c.snapshotGeneration += 1
            c.shownStep = t
        }
        if status != c.lastStatus || t != c.publishedStep {
            c.lastStatus = status
            c.publishedStep = t
            publish()
        }
    }

    private func frame(at t: Double) -> Snapshot {
        let c = confined
        var builder = c.builder
        builder.scope = c.scope
        var snapshot = builder.build(c.range.answers(at: t), at: t, builtAt: clock.wall(), notes: c.notes)
        snapshot.timeline = c.timeline.filter { $0.time <= t }
        return snapshot
    }

    private func apply(_ command: EngineCommand) {
        let c = confined
        switch command {
        case .replay(let control):
            if let message = c.replay.apply(control, wall: clock.monotonic()) { say(message) }
            tick()
        case .scope(let instance):
            guard instance != c.scope else { break }
            say(instance.map { "Showing instance \($0) (Esc: the whole fleet)" } ?? "Showing the whole fleet")
            load(kinds: [.software, .input, .output, .alerts], scope: instance)
        case .reloadConfig:
            say("a replay reads Prometheus once: start it again to read the range again", isError: true)
        case .acknowledge, .acknowledgeForPeer, .snooze, .addNote, .undo:
            say("a replay shows the past: alerts are acknowledged on the live dashboard", isError: true)
        case .overrideThreshold:
            say("a fleet's thresholds are in Prometheus' rule file (mlwatch export prometheus-rules)", isError: true)
        }
        publish()
    }

    private func say(_ text: String, isError: Bool = false) {
        let c = confined
        c.messageSerial += 1
        c.messages.append(HostMessage(serial: c.messageSerial, text: text, isError: isError))
        if c.messages.count > EngineHost.recentLimit { c.messages.removeFirst(c.messages.count - EngineHost.recentLimit) }
    }

    private func publish() {
        let c = confined
        c.generation += 1
        let p = EngineHost.Published(generation: c.generation, snapshot: c.snapshot, snapshotGeneration: c.snapshotGeneration,
                                     replay: c.replay.status(wall: clock.monotonic()), activity: c.activity, messages: c.messages,
                                     connection: c.connection)
        current.withLock { $0 = p }
    }
}

extension PrometheusReplayHost {
    private final class Confined {
        let builder: FleetSnapshotBuilder
        var replay: FleetReplayClock
        var range: FleetRangeAnswers
        var timeline: [AlertTransition] = []
        var scope: String?
        var loadGeneration = 0
        var timer: (any DispatchSourceTimer)?
        var stopped = false
        var connection: ConnectionStatus
        var notes: [String] = []
        var activity: String?
        var snapshot: Snapshot
        var snapshotGeneration = 0
        var shownStep: Double?
        var publishedStep: Double?
        var lastStatus: ReplayStatus?
        var generation = 0
        var messages: [HostMessage] = []
        var messageSerial = 0

        init(builder: FleetSnapshotBuilder, replay: FleetReplayClock, snapshot: Snapshot, connection: ConnectionStatus) {
            self.builder = builder
            self.replay = replay
            self.snapshot = snapshot
            self.connection = connection
            range = FleetRangeAnswers(start: replay.start, end: replay.end, step: replay.step)
        }
    }
}
