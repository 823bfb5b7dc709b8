import Foundation
import MLWatchCore

extension LiveOptions {
    /// The notifier of `--on-fire` / `--webhook` (or `notify.command` of the config); nil when none is set.
    func makeNotifier(config: MLWatchConfig) throws(SetupError) -> AlertNotifier? {
        let command = onFire ?? config.notify.command
        var url: URL?
        if let webhook {
            guard let u = URL(string: webhook), let scheme = u.scheme?.lowercased(), ["http", "https"].contains(scheme),
                u.host != nil
            else {
                throw .badFlag("--webhook", webhook, "an http:// or https:// URL, e.g. http://alertmanager:9093/api/v2/alerts")
            }
            url = u
        }
        guard command != nil || url != nil else { return nil }
        return AlertNotifier(command: command, webhook: url, rules: config.rules)
    }
}
