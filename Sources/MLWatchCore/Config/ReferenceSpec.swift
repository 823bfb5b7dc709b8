/// Where the reference (the "normal" data drift and adaptive thresholds compare against) comes from.
public enum ReferenceSpec: Sendable, Equatable {
    /// No reference: drift is not computed and adaptive thresholds learn from trailing history.
    case none
    /// A prediction log (JSON Lines) used as the reference.
    case file(String)
    /// A saved profile (`mlwatch baseline … -o ref.profile`); chosen for `file:` paths ending in `.json`, and
    /// for any other path whose content is a profile when the reference is prepared.
    case profile(String)
    /// The first N prediction events of the monitored stream.
    case first(Int)
    /// The events of the stream between two event times (seconds since the epoch); `to` nil means open-ended.
    case range(from: Double, to: Double?)
}
