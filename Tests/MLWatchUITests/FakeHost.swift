import Synchronization
@testable import MLWatchCore
@testable import MLWatchUI

/// An `EngineLink` the test drives by hand: it publishes what the test sets and records the commands the
/// dashboard sends (a real host answers them in a later publication; tests do that with `answer`).
final class FakeHost: EngineLink {
    private let state: Mutex<(published: EngineHost.Published, sent: [EngineCommand])>

    init(snapshot: Snapshot = Snapshot(), replay: ReplayStatus? = nil) {
        state = Mutex((EngineHost.Published(generation: 1, snapshot: snapshot, snapshotGeneration: 1, replay: replay), []))
    }

    var published: EngineHost.Published { state.withLock { $0.published } }

    func send(_ command: EngineCommand) {
        state.withLock { $0.sent.append(command) }
    }

    /// The commands sent so far.
    var sent: [EngineCommand] { state.withLock { $0.sent } }

    /// Publishes a change (a new generation).
    func publish(_ change: (inout EngineHost.Published) -> Void) {
        state.withLock { s in
            change(&s.published)
            s.published.generation += 1
        }
    }

    /// Publishes a message, as a host does when it has applied a command.
    func answer(_ text: String) {
        publish { p in
            let serial = (p.messages.last?.serial ?? 0) + 1
            p.messages.append(HostMessage(serial: serial, text: text))
        }
    }
}

/// A clock the test sets by hand.
final class FakeClock: Sendable {
    private let seconds: Mutex<Double>

    init(_ start: Double = 1_767_603_000) { seconds = Mutex(start) }

    func advance(by delta: Double) { seconds.withLock { $0 += delta } }

    var clock: HostClock {
        HostClock(wall: { self.seconds.withLock { $0 } }, monotonic: { self.seconds.withLock { $0 } })
    }
}

extension DashboardState {
    /// Presses a key with `snapshot` on screen (the tests' shorthand for `.published` + `.key`).
    mutating func press(_ key: Key, snapshot: Snapshot) -> [DashboardEffect] {
        live = snapshot
        return reduce(.key(key))
    }
}
