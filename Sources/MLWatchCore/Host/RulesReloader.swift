/// Prepares new alert rules for a running engine (`r` in the dashboard, SIGHUP): reads the config file
/// and, when adaptive rules need it, learns from the reference log. `EngineHost` calls `prepare` on a
/// thread of its own (never its queue or the UI thread), one at a time; it then applies the result
/// on its queue (restoring the alerts' state from the journal right before the swap).
public protocol RulesReloader: Sendable {
    /// - Parameter progress: call with a short description of the work under way ("reading the
    ///   reference: 412,000 lines"); cheap, may be called often (the host throttles what it publishes).
    func prepare(progress: (String) -> Void) -> RulesReload
}

/// What a reload found.
public enum RulesReload: Sendable {
    /// Keep the rules in force; `message` says why (e.g. `config not reloaded, keeping the old rules: …`).
    case keep(message: String)
    /// Swap in `engine` (nil: no rules), not yet restored from its journal; `rules` go to the notification
    /// sink; `message` is shown when the swap succeeded.
    case replace(engine: RuleEngine?, rules: [AlertRule], message: String)
}
