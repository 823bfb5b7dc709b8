/// Where the reference (the "normal" data drift and adaptive thresholds compare against) comes from.
public enum ReferenceSpec: Sendable, Equatable {
    /// No reference: drift is not computed and adaptive thresholds learn from trailing history.
    case none
    /// A prediction log (JSON Lines) used as the reference.
    case file(String)
    /// A saved profile (`mlwatch baseline … -o profile.json`); chosen for `file:` paths ending in `.json`.
    case profile(String)
    /// The first N prediction events of the monitored stream.
    case first(Int)
    /// The events of the stream between two event times (seconds since the epoch); `to` nil means open-ended.
    case range(from: Double, to: Double?)
}
