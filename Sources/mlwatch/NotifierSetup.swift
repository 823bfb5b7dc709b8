import Foundation
import MLWatchCore
import MLWatchExport

extension LiveOptions {
    /// The notifier of `--on-fire` / `--webhook` (or `notify.command` of the config); nil when none is set.
    /// Webhook posts go through `delivery` (bounded in time and size, off the caller's thread).
    func makeNotifier(config: MLWatchConfig, delivery: HTTPDeliveryQueue) throws(SetupError) -> AlertNotifier? {
        let command = onFire ?? config.notify.command
        var url: URL?
        if let webhook {
            guard let u = URL(string: webhook), BoundedHTTPClient.check(u) == nil else {
                throw .badFlag("--webhook", webhook, "an http:// or https:// URL, e.g. https://hooks.slack.com/services/… or http://alertmanager:9093/api/v2/alerts")
            }
            url = u
        }
        guard command != nil || url != nil else { return nil }
        return AlertNotifier(command: command, webhook: url, poster: BoundedWebhookPoster(delivery: delivery), rules: config.rules)
    }
}
