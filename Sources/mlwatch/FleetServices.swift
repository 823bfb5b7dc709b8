import Foundation
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
    private let alertmanager: AlertmanagerNotifier?

    /// - Parameter engine: the engine host once it exists: its published snapshot is read on the services'
    ///   own threads, and teammates' silences come back to it as acknowledgements.
    init(live: LiveOptions, config: MLWatchConfig, engine: LatestSnapshot, actor: String) throws(SetupError) {
        let delivery = HTTPDeliveryQueue(client: BoundedHTTPClient(tls: config.tls))
        self.delivery = delivery
        let latest: @Sendable () -> Snapshot? = { engine.host?.published.snapshot }
        if let text = live.alertmanager ?? config.notify.alertmanager {
            let flag = live.alertmanager != nil ? "--alertmanager" : "notify.alertmanager"
            guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text), BoundedHTTPClient.check(url) == nil else {
                throw .badFlag(flag, text, "Alertmanager's base URL, e.g. http://127.0.0.1:9093 or https://alertmanager.example")
            }
            alertmanager = AlertmanagerNotifier(
                base: url, delivery: delivery, rules: config.rules, actor: actor, latest: latest,
                acknowledge: { rule, labels, actor, note in
                    engine.host?.send(.acknowledgeForPeer(rule: rule, labels: labels, actor: actor, note: note))
                },
                note: { rule, labels, note in engine.host?.send(.addNote(rule: rule, labels: labels, note: note)) })
        } else {
            alertmanager = nil
        }
        metrics = try live.startMetricsServer(config: config, latest: latest, extra: { delivery.errorCounters })
        alertmanager?.start()
    }

    /// Failures of Alertmanager deliveries since the last call (the webhook's come through the notifier).
    func drainErrors() -> [String] { delivery.drainErrors() }

    func updateRules(_ rules: [AlertRule]) { alertmanager?.updateRules(rules) }

    func stop() {
        alertmanager?.stop()
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

/// The host's notification sink: `--on-fire`/`--webhook` through the notifier, plus the fleet services'
/// delivery errors (Alertmanager down, slow, 4xx/5xx) so that they reach the footer and stderr too.
struct FleetSink: NotificationSink {
    let notifier: AlertNotifier?
    let fleet: FleetServices

    func send(_ transitions: [AlertTransition]) { notifier?.send(transitions) }
    func drainErrors() -> [String] { (notifier?.drainErrors() ?? []) + fleet.drainErrors() }
    func updateRules(_ rules: [AlertRule]) {
        notifier?.updateRules(rules)
        fleet.updateRules(rules)
    }
}
