import ArgumentParser
import Foundation
import MLWatchCore
import MLWatchExport
import MLWatchStore

/// Options of the dashboard over a fleet (`watch --prometheus`, `replay --prometheus`).
struct FleetOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Show a fleet: every panel read from this Prometheus (e.g. http://127.0.0.1:9090) instead of logs (default: prometheus.url of the config, when no logs are given).",
        valueName: "url"))
    var prometheus: String?

    @Option(name: .long, help: ArgumentHelp(
        "With --prometheus: a label selector added to every query, e.g. '{job=\"mlwatch\"}' (default: prometheus.match of the config).",
        valueName: "selector"))
    var match: String?

    @Option(name: .long, help: ArgumentHelp(
        "With --prometheus: the range of rate() in the fleet queries, at least twice the scrape interval (default 1m).",
        valueName: "duration"))
    var rateWindow: String?

    @Option(name: .long, help: ArgumentHelp(
        "With --prometheus: seconds between two refreshes of the fleet view (default: prometheus.refresh of the config, else 5s).",
        valueName: "duration"))
    var refresh: String?
}

/// What a dashboard over a fleet needs, worked out from the flags and the config: the Prometheus client,
/// Alertmanager (when given), the selector and the windows.
struct FleetSetup {
    let config: MLWatchConfig
    let client: PrometheusQueryClient
    let matchers: [PromMatcher]
    let rateWindow: Double
    let alertmanager: FleetAlertmanager?

    /// Whether `watch` shows a fleet: `--prometheus`, or `prometheus.url` in the config and no logs at all
    /// (an instance's config may name both its logs and the fleet's Prometheus).
    static func wanted(_ options: FleetOptions, logs: [String], config: MLWatchConfig) -> Bool {
        options.prometheus != nil || (logs.isEmpty && config.sources.isEmpty && config.prometheus.url != nil)
    }

    /// - Parameter alertmanager: `--alertmanager` (nil: `notify.alertmanager` of the config, if any).
    init(options: FleetOptions, config: MLWatchConfig, alertmanager flag: String?) throws(SetupError) {
        self.config = config
        let urlFlag = options.prometheus != nil ? "--prometheus" : "prometheus.url"
        guard let text = options.prometheus ?? config.prometheus.url else {
            throw .badFlag("--prometheus", "", "Prometheus' base URL, e.g. http://127.0.0.1:9090")
        }
        switch PrometheusQueryClient.baseURL(text) {
        case .success(let url): client = PrometheusQueryClient(base: url, tls: config.tls)
        case .failure(let f): throw .badValue(urlFlag, text, f.description)
        }
        let selector = options.match ?? config.prometheus.match ?? ""
        do {
            matchers = try PromMatcher.parseSelector(selector)
        } catch {
            throw .badValue(options.match != nil ? "--match" : "prometheus.match", selector, error.description)
        }
        if let w = options.rateWindow {
            guard let d = DurationText.parse(w), d >= 1, d <= 86_400, d == d.rounded() else {
                throw .badValue("--rate-window", w, "expected whole seconds from 1s to 1d, e.g. 1m (at least twice the scrape interval)")
            }
            rateWindow = d
        } else {
            rateWindow = config.prometheus.rateWindow ?? 60
        }
        if let text = flag ?? config.notify.alertmanager {
            switch PrometheusQueryClient.baseURL(text) {
            case .success(let url): alertmanager = FleetAlertmanager(base: url, tls: config.tls)
            case .failure(let f): throw .badValue(flag != nil ? "--alertmanager" : "notify.alertmanager", text, f.description)
            }
        } else {
            alertmanager = nil
        }
    }

    /// The host's options for a refresh interval.
    func hostOptions(refresh: Double) -> PrometheusFleetHost.Options {
        PrometheusFleetHost.Options(
            refresh: refresh, rateWindow: "\(Int(rateWindow))s", matchers: matchers, actor: SQLiteAlertJournal.currentUser(),
            drift: config.drift, thresholds: FleetSnapshotBuilder.thresholds(of: config.rules))
    }

    /// The refresh interval: `--refresh`, else the config's, else 5 s.
    static func refresh(_ options: FleetOptions, config: MLWatchConfig) throws(SetupError) -> Double {
        guard let text = options.refresh else { return config.prometheus.refresh ?? 5 }
        guard let d = DurationText.parse(text), d >= 0.5, d <= 3600 else {
            throw .badValue("--refresh", text, "expected a duration from 500ms to 1h, e.g. 5s")
        }
        return d
    }
}
