/// What the dashboard (or a signal, or a remote peer) asks of the engine. A value: the host applies it on
/// its queue and reports the outcome in its published value (`EngineHost.Published.messages`).
public enum EngineCommand: Sendable, Hashable {
    case acknowledge(rule: String, labels: Labels, note: String?)
    /// An acknowledgement made elsewhere — a teammate's Alertmanager silence read back by this instance —
    /// journaled and shown under its author rather than this instance's user.
    case acknowledgeForPeer(rule: String, labels: Labels, actor: String, note: String?)
    case snooze(rule: String, labels: Labels, seconds: Double)
    /// Attaches a note to an alert (journaled): e.g. the Alertmanager silence an acknowledgement became.
    case addNote(rule: String, labels: Labels, note: String)
    case undo(rule: String, labels: Labels)
    /// Sets (`value`) or clears (`nil`) a manual threshold for a rule, with a reason for the journal.
    case overrideThreshold(rule: String, value: Double?, reason: String?)
    /// Re-reads the config's rules (re-learning adaptive thresholds from the reference) off the host's
    /// queue; progress shows in `Published.activity`, the outcome in `Published.messages`.
    case reloadConfig
    /// A replay control (ignored, with a message, by a live host).
    case replay(ReplayControl)
    /// Narrows every panel to one instance of a fleet (`host:port`), or back to the whole fleet (nil).
    /// Only a fleet host has instances; an engine on logs answers with a message.
    case scope(instance: String?)
}

/// A command from the replay keys.
public enum ReplayControl: Sendable, Hashable {
    case togglePause
    case faster
    case slower
    case setSpeed(ReplaySpeed)
    /// Seek by this many seconds of event time (negative: back).
    case seek(by: Double)
    case seekTo(Double)
    case start
    case end
    case nextTransition
    case previousTransition
}
