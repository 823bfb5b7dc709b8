import Dispatch
import Foundation
import Synchronization

/// Owns a `MonitorState` on one serial background queue and publishes immutable snapshots.
///
/// Ingest never blocks the UI and the UI never blocks ingest: the UI reads `latest` (a `Mutex`-guarded
/// value) and sends commands with `perform`, which hops onto the collector's queue.
public final class Collector: Sendable {
    public let queue = DispatchQueue(label: "mlwatch.collector", qos: .userInitiated)
    // Confined to `queue`: every access below goes through `queue`.
    private nonisolated(unsafe) let state: MonitorState
    private let published: Mutex<Snapshot>
    private let generation = Atomic<Int>(0)
    // Confined to `queue`, like `state`.
    private nonisolated(unsafe) var timer: (any DispatchSourceTimer)?
    /// Extra metrics (the monitor's own RSS/CPU) added to each snapshot.
    private let selfMetrics = ProcessMetrics()

    /// Whether published snapshots carry exact KS p-values for every column (see `MonitorState.snapshot`).
    private let exactKSPValues: Bool

    public init(state: MonitorState, exactKSPValues: Bool = true) {
        self.state = state
        self.exactKSPValues = exactKSPValues
        self.published = Mutex(Snapshot(sources: state.sources, mode: state.mode))
    }

    /// The newest published snapshot.
    public var latest: Snapshot { published.withLock { $0 } }
    /// Increases with every publication, so the UI redraws only when something changed.
    public var publishedGeneration: Int { generation.load(ordering: .acquiring) }

    /// Ingests a batch. Called on the tailer's queue; processes synchronously so that a checkpoint
    /// written after this returns covers exactly the lines processed.
    public func ingest(_ batch: LineBatch) {
        queue.sync { state.ingest(batch) }
    }

    /// Runs `body` on the collector's queue with the state (commands: ack, snooze, reload, …).
    public func perform<R: Sendable>(_ body: @Sendable (MonitorState) -> R) -> R {
        queue.sync { body(state) }
    }

    /// Builds and publishes a snapshot now (after a command changed the state, e.g. an acknowledgement).
    public func publish() {
        queue.async { self.publishNow() }
    }

    // Confined to `queue`: what the last published snapshot was built from.
    private nonisolated(unsafe) var lastPublished: (key: [Int], wallTime: Double)?

    /// Publishes only when the input or the alerts changed, or every 5 s (for the monitor's own
    /// RSS/CPU): an idle dashboard then neither rebuilds snapshots nor redraws.
    private func publishIfChanged() {
        if let last = lastPublished, last.key == changeKey, Date().timeIntervalSince1970 - last.wallTime < 5 { return }
        publishNow()
    }

    /// Counts that change whenever a snapshot would.
    private var changeKey: [Int] {
        [state.events, state.labels, state.systemSamples, state.late, state.malformedTotal, state.rules?.timeline.count ?? 0]
    }

    private func publishNow() {
        lastPublished = (changeKey, Date().timeIntervalSince1970)
        let snap = state.snapshot(extraMetrics: selfMetrics.sample(), exactKSPValues: exactKSPValues)
        published.withLock { $0 = snap }
        generation.add(1, ordering: .releasing)
    }

    /// Publishes a snapshot every `interval` seconds until `stop()`.
    public func startPublishing(every interval: Double) {
        queue.sync {
            let t = DispatchSource.makeTimerSource(queue: queue)
            t.schedule(deadline: .now(), repeating: interval, leeway: .milliseconds(20))
            t.setEventHandler { [weak self] in self?.publishIfChanged() }
            t.resume()
            timer = t
        }
    }

    public func stop() {
        queue.sync {
            timer?.cancel()
            timer = nil
            publishNow()
        }
    }
}
