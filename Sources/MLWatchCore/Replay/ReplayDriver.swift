import Dispatch
import Foundation
import Synchronization

/// A command from the replay keys.
public enum ReplayControl: Sendable, Equatable {
    case togglePause
    case faster
    case slower
    case setSpeed(ReplaySpeed)
    /// Seek by this many seconds of event time (negative: back).
    case seek(by: Double)
    case seekTo(Double)
    case start
    case end
    case nextTransition
    case previousTransition
}

/// Runs a `ReplayEngine` on its own serial queue, like `Collector` runs a `MonitorState`: a timer ticks
/// the virtual clock (feeding what is due, at `max` speed as much as fits in the tick), and each tick
/// that changed something publishes an immutable snapshot with the replay status. Controls from the UI
/// hop onto the queue, so a long rebuild after a backward seek never blocks the UI thread.
public final class ReplayDriver: Sendable {
    public let queue = DispatchQueue(label: "mlwatch.replay", qos: .userInitiated)
    // Confined to `queue`: every access below goes through it.
    private nonisolated(unsafe) let engine: ReplayEngine
    private nonisolated(unsafe) var timer: (any DispatchSourceTimer)?
    private nonisolated(unsafe) var lastSnapshotKey: [Int] = []
    private nonisolated(unsafe) var stateChanged = true
    private nonisolated(unsafe) var messageSerial = 0
    private nonisolated(unsafe) var pendingMessage: String?
    private let published: Mutex<Published>
    private let generation = Atomic<Int>(0)
    private let wallClock: @Sendable () -> Double
    /// The monitor's own RSS/CPU, added to each snapshot (as `Collector` does).
    private let selfMetrics = ProcessMetrics()
    /// Transitions to notify (bell), moved here from the state on the queue so the UI never waits for it.
    private let notifications = Mutex<[AlertTransition]>([])
    /// Wall-clock seconds a tick may spend feeding.
    private let tickBudget: Double

    /// What the UI reads.
    public struct Published: Sendable {
        public var snapshot: Snapshot
        public var status: ReplayStatus
        /// A message for the footer ("no further alert transitions") and its serial number.
        public var message: String?
        public var messageSerial: Int
    }

    /// Monotonic seconds (the default wall clock).
    @Sendable public static func monotonicSeconds() -> Double {
        Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
    }

    public init(engine: sending ReplayEngine, wallClock: @escaping @Sendable () -> Double = ReplayDriver.monotonicSeconds,
                tickBudget: Double = 0.08) {
        self.engine = engine
        self.wallClock = wallClock
        self.tickBudget = tickBudget
        let status = engine.status(wall: wallClock())
        self.published = Mutex(Published(snapshot: Snapshot(sources: engine.source.sources, mode: .replay),
                                         status: status, message: nil, messageSerial: 0))
    }

    public var latest: Published { published.withLock { $0 } }
    /// Increases with every publication.
    public var publishedGeneration: Int { generation.load(ordering: .acquiring) }

    /// Ticks every `interval` seconds until `stop()`.
    public func start(every interval: Double = 0.1) {
        queue.sync {
            publishNow()
            let t = DispatchSource.makeTimerSource(queue: queue)
            t.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(10))
            t.setEventHandler { [weak self] in self?.tick() }
            t.resume()
            timer = t
        }
    }

    public func stop() {
        queue.sync {
            timer?.cancel()
            timer = nil
        }
    }

    /// Applies a replay key (asynchronously, on the queue) and publishes.
    public func control(_ c: ReplayControl) {
        queue.async { self.apply(c) }
    }

    /// Runs `body` on the queue with the state being fed (acknowledge, snooze, …), then publishes.
    public func perform<R: Sendable>(_ body: @Sendable (MonitorState) -> R) -> R {
        queue.sync {
            let r = body(engine.state)
            stateChanged = true
            publishNow()
            return r
        }
    }

    /// Transitions that should notify since the last call (never waits for the queue).
    public func drainNotifications() -> [AlertTransition] {
        notifications.withLock { n in
            defer { n.removeAll() }
            return n
        }
    }

    /// Runs until the whole recording was fed (tests and headless use): no timer needed.
    public func runToEnd() -> Snapshot {
        queue.sync {
            engine.seekToEnd(wall: wallClock())
            stateChanged = true
            publishNow()
            return published.withLock { $0.snapshot }
        }
    }

    // MARK: On the queue

    private func tick() {
        let deadline = wallClock() + tickBudget
        while true {
            let fed = engine.advance(wall: wallClock(), limit: 4096)
            if fed == 0 || engine.atEnd { break }
            if wallClock() >= deadline {
                // Behind the clock (a slow machine, a dense log): let virtual time wait for the feeding,
                // rather than run ahead of what the dashboard shows.
                engine.holdClockAtFed(wall: wallClock())
                break
            }
        }
        publishNow()
    }

    private func apply(_ c: ReplayControl) {
        let wall = wallClock()
        let rebuildsBefore = engine.rebuilds
        switch c {
        case .togglePause:
            engine.togglePause(wall: wall)
        case .faster:
            engine.faster(wall: wall)
        case .slower:
            engine.slower(wall: wall)
        case .setSpeed(let s):
            engine.setSpeed(s, wall: wall)
        case .seek(let delta):
            engine.seek(by: delta, wall: wall)
        case .seekTo(let t):
            engine.seek(to: t, wall: wall)
        case .start:
            engine.seekToStart(wall: wall)
        case .end:
            engine.seekToEnd(wall: wall)
        case .nextTransition:
            if !engine.jumpToNextTransition(wall: wall) { say("No further alert transition: at the end of the recording") }
        case .previousTransition:
            engine.jumpToPreviousTransition(wall: wall)
        }
        // A rebuilt state re-fires what it had seen: do not ring the bell again for it.
        if engine.rebuilds != rebuildsBefore {
            _ = engine.state.drainNotifications()
            notifications.withLock { $0.removeAll() }
        }
        stateChanged = true
        publishNow()
    }

    private func say(_ message: String) {
        messageSerial += 1
        pendingMessage = message
    }

    private func publishNow() {
        let fresh = engine.state.drainNotifications()
        if !fresh.isEmpty { notifications.withLock { $0.append(contentsOf: fresh) } }
        let wall = wallClock()
        let status = engine.status(wall: wall)
        let key = [engine.position, engine.rebuilds, engine.finished ? 1 : 0]
        var snapshot: Snapshot?
        if stateChanged || key != lastSnapshotKey {
            snapshot = engine.state.snapshot(extraMetrics: selfMetrics.sample(), now: Date().timeIntervalSince1970)
            lastSnapshotKey = key
            stateChanged = false
        }
        let message = pendingMessage
        let serial = messageSerial
        let changed = published.withLock { p -> Bool in
            guard snapshot != nil || p.status != status || p.messageSerial != serial else { return false }
            if let snapshot { p.snapshot = snapshot }
            p.status = status
            p.message = message
            p.messageSerial = serial
            return true
        }
        if changed { generation.add(1, ordering: .releasing) }
    }
}
