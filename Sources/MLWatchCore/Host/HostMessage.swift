/// The outcome of a command (or a notifier error, or a reload's result), for the footer and for stderr.
public struct HostMessage: Sendable, Equatable {
    /// Increases by one with every message of a host: a reader shows those above the last it saw.
    public var serial: Int
    public var text: String
    /// Whether it reports a failure (the command did nothing, or a notification was not delivered).
    public var isError: Bool

    public init(serial: Int, text: String, isError: Bool = false) {
        self.serial = serial
        self.text = text
        self.isError = isError
    }
}
