import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one owner of a running engine, live or replay: it keeps the `MonitorState` (live) or the
/// `ReplayEngine` (replay) on its serial queue, applies there the tailer's batches and every command
/// (ack, snooze, undo, threshold edit, config reload, replay controls), and publishes one immutable
/// `Published` value — snapshot, alert notifications, replay position, messages, the progress of a long
/// command — under a lock that readers only read.
///
/// The locking rule: everything mutable is confined to `queue`; the only lock is the one around the
/// published value, held for a copy. Nothing a reader does waits for ingest or for a command: `send`
/// returns at once, and the command's outcome comes back in a later publication (`messages`). A config
/// reload reads the config and the reference log on a thread of its own, at a lower priority (progress
/// in `activity`), and only the swap of the rules runs on the queue.
///
/// One timer drives the host: every `Options.interval` it feeds a replay what is due and publishes when
/// something changed (live: new input, alert changes, or `maxAge` for the monitor's own RSS/CPU). Every
/// clock read goes through the injected `HostClock`.
///
/// ```swift
/// let host = EngineHost(live: state, options: .init(actor: "alice"), clock: .system)
/// tailer.start { batch in host.ingest(batch) }  // on the tailer's thread
/// host.start()
/// host.send(.acknowledge(rule: "LatencyHigh", labels: labels, note: nil))  // returns at once
/// let p = host.published                        // the newest value, never waits
/// ```
public final class EngineHost: Sendable {
    /// How the host publishes.
    public struct Options: Sendable {
        /// Seconds between two ticks (live: 0.25; replay: 0.1, so the virtual clock moves smoothly).
        public var interval: Double
        public var publishing: Publishing
        /// Whether snapshots carry exact KS p-values for every column (headless output) or only where KS
        /// is the chosen test (the dashboard; see `MonitorState.snapshot`).
        public var exactKSPValues: Bool
        /// Who acknowledges, snoozes and edits (written to the journal).
        public var actor: String
        /// Wall-clock seconds a replay tick may spend feeding before virtual time waits for the feeding.
        public var tickBudget: Double
        /// At most this share of the host's time goes to rebuilding snapshots for new input (`whenChanged`):
        /// after a rebuild that took `d` seconds, the next one for new input waits `d / snapshotShare - d`
        /// (the display then refreshes every `max(interval, d / snapshotShare)`). A large window makes a
        /// rebuild cost a good part of a second; without this, reading a long log from its start alternated
        /// one batch with one rebuild (BENCHMARKS.md, `ui-load`). Commands still rebuild at once.
        public var snapshotShare: Double

        public init(interval: Double = 0.25, publishing: Publishing = .whenChanged(maxAge: 5), exactKSPValues: Bool = false,
                    actor: String, tickBudget: Double = 0.08, snapshotShare: Double = 0.25) {
            self.interval = interval
            self.publishing = publishing
            self.exactKSPValues = exactKSPValues
            self.actor = actor
            self.tickBudget = tickBudget
            self.snapshotShare = min(1, max(0.01, snapshotShare))
        }
    }

    /// When a tick builds a new snapshot.
    public enum Publishing: Sendable, Equatable {
        /// Only when the input or the alerts changed, or `maxAge` seconds after the last one (the monitor's
        /// own RSS/CPU): an idle dashboard then neither rebuilds snapshots nor redraws.
        case whenChanged(maxAge: Double)
        /// At every tick (`watch --no-ui` prints one snapshot per tick).
        case everyTick
    }

    /// How many recent notifications and messages a publication carries.
    public static let recentLimit = 64

    private let queue = DispatchQueue(label: "mlwatch.host", qos: .userInitiated)
    /// Everything mutable; touched only on `queue`.
    private nonisolated(unsafe) let confined: Confined
    private let current: Mutex<Published>
    private let options: Options
    private let clock: HostClock
    private let reloader: (any RulesReloader)?
    private let sink: (any NotificationSink)?
    private let observer: (@Sendable (Published) -> Void)?
    private let selfMetrics = ProcessMetrics()

    /// A live host.
    /// - Parameters:
    ///   - reloader: prepares new rules for `.reloadConfig` (nil: reloading is not available).
    ///   - sink: receives the transitions that should notify, on the host's queue.
    ///   - observer: sees the publication of every tick (and the first and the last), on the host's queue
    ///     (headless output, one line per tick); keep it short.
    public init(live state: sending MonitorState, options: Options, clock: HostClock, reloader: (any RulesReloader)? = nil,
                sink: (any NotificationSink)? = nil, observer: (@Sendable (Published) -> Void)? = nil) {
        self.options = options
        self.clock = clock
        self.reloader = reloader
        self.sink = sink
        self.observer = observer
        let empty = Snapshot(sources: state.sources, mode: state.mode)
        self.confined = Confined(source: .live(state), snapshot: empty)
        self.current = Mutex(Published(snapshot: empty))
    }

    /// A replay host: ticks feed `engine` by its virtual clock; `.replay` commands control it.
    public init(replay engine: sending ReplayEngine, options: Options, clock: HostClock,
                observer: (@Sendable (Published) -> Void)? = nil) {
        self.options = options
        self.clock = clock
        self.reloader = nil
        self.sink = nil
        self.observer = observer
        let empty = Snapshot(sources: engine.source.sources, mode: .replay)
        let status = engine.status(wall: clock.monotonic())
        self.confined = Confined(source: .replay(engine), snapshot: empty)
        self.current = Mutex(Published(snapshot: empty, replay: status))
    }

    /// The newest publication (a copy taken under the lock; never waits for the queue).
    public var published: Published { current.withLock { $0 } }

    // MARK: Input

    /// Ingests a batch of a live host. Called on the tailer's thread, and returns once the batch was
    /// processed, so that a checkpoint the tailer writes afterwards covers exactly the lines processed.
    /// (The tailer may wait here; a reader of `published` never does.)
    public func ingest(_ batch: LineBatch) {
        queue.sync {
            guard case .live(let state) = confined.source else { return }
            state.ingest(batch)
            confined.ingestedSinceTick = true
        }
    }

    /// Queues a command and returns at once; its outcome appears in a later publication's `messages`.
    public func send(_ command: EngineCommand) {
        queue.async { self.apply(command) }
    }

    // MARK: Running

    /// Starts the timer: ticks every `options.interval` until `stop()`. Publishes once right away.
    public func start() {
        queue.async {
            let c = self.confined
            guard c.timer == nil, !c.stopped else { return }
            self.publish(tick: true)
            let t = DispatchSource.makeTimerSource(queue: self.queue)
            let interval = self.options.interval
            t.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(10))
            t.setEventHandler { [weak self] in self?.tick() }
            t.resume()
            c.timer = t
        }
    }

    /// Stops the timer and publishes a last time (with every batch ingested so far). Waits for the queue:
    /// for shutdown, after the UI loop has ended, never from a key handler.
    public func stop() {
        queue.sync {
            confined.stopped = true
            confined.timer?.cancel()
            confined.timer = nil
            if case .live(let state) = confined.source { state.inputPaused() }
            confined.stateChanged = true
            publish(tick: true)
        }
    }

    /// Waits until every command sent so far (and a reload under way) has been applied and published.
    /// For tests and shutdown only.
    public func waitUntilIdle() {
        while true {
            let busy = queue.sync { () -> Bool in
                publish()
                return confined.reloading
            }
            if !busy { return }
            usleep(1000)
        }
    }

    // MARK: On the queue

    private func tick() {
        let c = confined
        if case .live(let state) = c.source {
            // No batch for a whole tick: the tailer has read all there is (see `MonitorState.inputPaused`).
            if !c.ingestedSinceTick, state.held > 0 { state.inputPaused() }
            c.ingestedSinceTick = false
        }
        if case .replay(let engine) = c.source {
            let deadline = clock.monotonic() + options.tickBudget
            while true {
                let fed = engine.advance(wall: clock.monotonic(), limit: 4096)
                if fed == 0 || engine.atEnd { break }
                if clock.monotonic() >= deadline {
                    // Behind the clock (a slow machine, a dense log): let virtual time wait for the feeding,
                    // rather than run ahead of what the dashboard shows.
                    engine.holdClockAtFed(wall: clock.monotonic())
                    break
                }
            }
        }
        publish(tick: true)
    }

    private func apply(_ command: EngineCommand) {
        let c = confined
        switch command {
        case .replay(let control):
            guard case .replay(let engine) = c.source else {
                say("replay controls work only in a replay", isError: true)
                break
            }
            control.apply(to: engine, wall: clock.monotonic()) { self.say($0) }
        case .reloadConfig:
            startReload()
        case .scope:
            say("instances belong to a fleet: start with --prometheus URL to see them", isError: true)
        case .acknowledge, .acknowledgeForPeer, .snooze, .addNote, .undo, .overrideThreshold:
            let (text, isError) = command.applyAlertCommand(to: c.state, actor: options.actor)
            say(text, isError: isError)
        }
        c.stateChanged = true
        publish()
    }

    /// Shows a message from outside the engine (a warning about the checkpoint read at start) in a
    /// later publication, like a command's outcome. Returns at once.
    public func notice(_ text: String, isError: Bool = false) {
        queue.async { [self] in
            say(text, isError: isError)
            confined.stateChanged = true
            publish(tick: true)
        }
    }

    /// Adds a message to the next publication.
    private func say(_ text: String, isError: Bool = false) {
        let c = confined
        c.messageSerial += 1
        c.messages.append(HostMessage(serial: c.messageSerial, text: text, isError: isError))
        if c.messages.count > Self.recentLimit { c.messages.removeFirst(c.messages.count - Self.recentLimit) }
    }

    private func startReload() {
        let c = confined
        guard let reloader else {
            say("config reload is not available here", isError: true)
            return
        }
        guard case .live = c.source else {
            say("config reload is not available in a replay", isError: true)
            return
        }
        guard !c.reloading else {
            say("a config reload is already running", isError: true)
            return
        }
        c.reloading = true
        c.activity = "reloading the config"
        let clock = self.clock
        // A thread of its own at a lower priority (nice +10: on Linux the nice value is per thread), so
        // that reading a large reference never competes with the UI thread or ingest on a busy machine.
        let thread = Thread {
            setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            var lastShown = -Double.infinity
            let result = reloader.prepare { text in
                // At most ten updates a second reach the queue, whatever the reloader reports.
                let now = clock.monotonic()
                guard now - lastShown >= 0.1 else { return }
                lastShown = now
                self.queue.async { self.showProgress(text) }
            }
            self.queue.async { self.finishReload(result) }
        }
        thread.name = "mlwatch.reload"
        thread.start()
    }

    private func showProgress(_ text: String) {
        let c = confined
        guard c.reloading else { return }
        c.activity = "reloading the config: " + text
        publish()
    }

    private func finishReload(_ result: RulesReload) {
        let c = confined
        defer {
            c.reloading = false
            c.activity = nil
            c.stateChanged = true
            publish()
        }
        switch result {
        case .keep(let message):
            say(message, isError: true)
        case .replace(let engine, let rules, let message):
            var engine = engine
            do {
                // On the queue: nothing is journaled between the restore and the swap.
                try engine?.restoreFromJournal()
            } catch {
                say("config not reloaded, keeping the old rules: alert journal: \(error)", isError: true)
                return
            }
            c.state.rules = engine
            sink?.updateRules(rules)
            say(message)
        }
    }

    /// Publishes what changed. `tick`: a timer tick (or the first or last publication), the only ones an
    /// `everyTick` host rebuilds its snapshot for and the only ones the observer sees (so `watch --no-ui`
    /// prints one line per tick, not one per command or progress step).
    private func publish(tick: Bool = false) {
        let c = confined
        let wall = clock.wall()
        var fresh = c.state.drainNotifications()
        if case .replay(let engine) = c.source, engine.rebuilds != c.rebuildsSeen {
            // A rebuilt state re-fires what it had seen: do not notify it again.
            c.rebuildsSeen = engine.rebuilds
            fresh = []
        }
        if !fresh.isEmpty {
            c.notificationCount += fresh.count
            c.notifications.append(contentsOf: fresh)
            if c.notifications.count > Self.recentLimit { c.notifications.removeFirst(c.notifications.count - Self.recentLimit) }
            sink?.send(fresh)
        }
        if let sink {
            for error in sink.drainErrors() { say(error, isError: true) }
        }
        let key = c.changeKey
        var rebuild = c.stateChanged || key != c.lastKey
        switch options.publishing {
        case .everyTick:
            rebuild = tick
        case .whenChanged(let maxAge):
            if wall - c.lastSnapshotWall >= maxAge { rebuild = true }
            // New input waits for the snapshot budget; a command's effect does not.
            if rebuild, !c.stateChanged, clock.monotonic() < c.nextRebuild { rebuild = false }
        }
        if rebuild {
            let started = clock.monotonic()
            c.snapshot = c.state.snapshot(extraMetrics: selfMetrics.sample(wall: wall), now: wall,
                                          exactKSPValues: options.exactKSPValues)
            let ended = clock.monotonic()
            c.nextRebuild = ended + (ended - started) * (1 / options.snapshotShare - 1)
            c.snapshotGeneration += 1
            c.lastKey = key
            c.lastSnapshotWall = wall
            c.stateChanged = false
        }
        var replay: ReplayStatus?
        if case .replay(let engine) = c.source { replay = engine.status(wall: clock.monotonic()) }
        let previous = c.last
        let changed = rebuild || replay != previous.replay || c.activity != previous.activity
            || c.messageSerial != (previous.messages.last?.serial ?? 0) || c.notificationCount != previous.notificationCount
        guard changed else { return }
        c.generation += 1
        let p = Published(generation: c.generation, snapshot: c.snapshot, snapshotGeneration: c.snapshotGeneration,
                          notifications: c.notifications, notificationCount: c.notificationCount, replay: replay,
                          activity: c.activity, messages: c.messages)
        c.last = p
        current.withLock { $0 = p }
        if tick { observer?(p) }
    }
}

extension EngineHost {
    /// The host's mutable state, confined to its queue.
    private final class Confined {
        enum Source {
            case live(MonitorState)
            case replay(ReplayEngine)
        }

        let source: Source
        var timer: (any DispatchSourceTimer)?
        var stopped = false
        /// A state change the counters do not show (a command): rebuild the snapshot at the next publish.
        var stateChanged = true
        var lastKey: [Int] = []
        var lastSnapshotWall = -Double.infinity
        /// Monotonic time before which new input does not rebuild the snapshot (`Options.snapshotShare`).
        var nextRebuild = -Double.infinity
        var snapshot: Snapshot
        var snapshotGeneration = 0
        var generation = 0
        var last: Published
        var messages: [HostMessage] = []
        var messageSerial = 0
        var notifications: [AlertTransition] = []
        var notificationCount = 0
        var rebuildsSeen = 0
        var activity: String?
        var reloading = false
        /// Live: whether a batch came since the last tick.
        var ingestedSinceTick = false

        init(source: Source, snapshot: Snapshot) {
            self.source = source
            self.snapshot = snapshot
            self.last = Published(snapshot: snapshot)
        }

        /// The state being fed (a replay replaces it on every backward seek).
        var state: MonitorState {
            switch source {
            case .live(let state): return state
            case .replay(let engine): return engine.state
            }
        }

        /// Counts that change whenever a snapshot would.
        var changeKey: [Int] {
            switch source {
            case .live(let s):
                return [s.events, s.labels, s.systemSamples, s.late, s.future, s.held, s.malformedTotal, s.timelineCount]
            case .replay(let e):
                return [e.position, e.rebuilds, e.finished ? 1 : 0]
            }
        }
    }
}

extension ReplayControl {
    /// Applies the control to a replay engine; `say` receives a message for the footer.
    func apply(to engine: ReplayEngine, wall: Double, say: (String) -> Void) {
        switch self {
        case .togglePause: engine.togglePause(wall: wall)
        case .faster: engine.faster(wall: wall)
        case .slower: engine.slower(wall: wall)
        case .setSpeed(let s): engine.setSpeed(s, wall: wall)
        case .seek(let delta): engine.seek(by: delta, wall: wall)
        case .seekTo(let t): engine.seek(to: t, wall: wall)
        case .start: engine.seekToStart(wall: wall)
        case .end: engine.seekToEnd(wall: wall)
        case .nextTransition:
            if !engine.jumpToNextTransition(wall: wall) { say("No further alert transition: at the end of the recording") }
        case .previousTransition: engine.jumpToPreviousTransition(wall: wall)
        }
    }
}
