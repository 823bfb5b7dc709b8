import MLWatchCore
import MLWatchExport
import Synchronization

/// The fleet side of a live run, started beside the engine host: `/metrics` (`--metrics-listen`) and the
/// bounded delivery queue that every outgoing HTTP request goes through (`--webhook`). Nothing here runs
/// on the host's queue or the UI thread; `stop()` abandons requests in progress (SIGINT/SIGTERM end the
/// process within ~100 ms whatever a receiver does).
final class FleetServices: Sendable {
    let delivery: HTTPDeliveryQueue
    private let metrics: MetricsServer?

    /// - Parameter latest: the newest published snapshot (read on the services' own threads).
    init(live: LiveOptions, config: MLWatchConfig, latest: @escaping @Sendable () -> Snapshot?) throws(SetupError) {
        let delivery = HTTPDeliveryQueue()
        self.delivery = delivery
        metrics = try live.startMetricsServer(config: config, latest: latest, extra: { delivery.errorCounters })
    }

    func stop() {
        metrics?.stop()
        delivery.shutdown()
    }
}

/// The engine host, once built, for `/metrics` scrapes (which run on other threads and may come first).
final class LatestSnapshot: Sendable {
    private let value = Mutex<EngineHost?>(nil)
    var host: EngineHost? {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
