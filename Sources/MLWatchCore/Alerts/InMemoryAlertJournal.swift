import Foundation
import Synchronization

/// An `AlertJournal` kept in memory, for tests and for `mlwatch check` (which needs no durability).
/// Thread-safe; share one instance between two engines to simulate a restart.
public final class InMemoryAlertJournal: AlertJournal {
    private let entries = Mutex<[AlertJournalEntry]>([])
    private let actor: String
    private let wallClock: @Sendable () -> Double

    /// - Parameters:
    ///   - actor: stamped on records without an actor.
    ///   - wallClock: stamped on records without a wall time (injected so tests are deterministic).
    public init(actor: String = "test", wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.actor = actor
        self.wallClock = wallClock
    }

    public func append(_ new: [AlertJournalEntry]) throws(AlertJournalError) {
        let now = wallClock()
        let stamped = new.map { e -> AlertJournalEntry in
            var e = e
            if e.wallTime == nil { e.wallTime = now }
            if e.actor == nil { e.actor = actor }
            return e
        }
        entries.withLock { $0.append(contentsOf: stamped) }
    }

    public func loadState() throws(AlertJournalError) -> AlertJournalState {
        AlertJournalState(entries: all)
    }

    public func history(since: Double, clock: JournalClock) throws(AlertJournalError) -> [AlertJournalEntry] {
        all.filter { e in
            switch clock {
            case .event: return e.time >= since
            case .wall: return (e.wallTime ?? 0) >= since
            }
        }
    }

    /// Every record, oldest first.
    public var all: [AlertJournalEntry] {
        entries.withLock { $0 }
    }
}
