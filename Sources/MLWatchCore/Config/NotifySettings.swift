/// The `notify:` section: how a newly firing alert is announced.
public struct NotifySettings: Sendable, Equatable {
    /// Ring the terminal bell.
    public var bell: Bool
    /// A shell command run for each notification (like `--on-fire`); nil for none.
    public var command: String?
    /// Alertmanager's base URL (like `--alertmanager`): alerts are sent to it and acknowledgements shared
    /// as silences; nil for none.
    public var alertmanager: String?

    public init(bell: Bool = true, command: String? = nil, alertmanager: String? = nil) {
        self.bell = bell
        self.command = command
        self.alertmanager = alertmanager
    }
}
