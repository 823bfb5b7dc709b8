/// What a rule evaluation at one boundary reads, as far as the evaluation schedule needs to know: two
/// boundaries with equal contents compute equal metrics, so the later one need not compute them again.
///
/// The events are identified by position among all events ever kept (evicted ones count), which is
/// stable: an event is only ever inserted after every boundary already dealt with (it would be late
/// otherwise). What can change without moving those positions is counted too: labels joined to held
/// predictions, a reference still being learned from the stream, and the counters every evaluation
/// reports (`malformed_lines_total`, `late_events_total`, the label join's).
struct WindowContent: Sendable, Equatable {
    var predictions: Range<Int>
    var systems: Range<Int>
    /// `events_per_second`'s divisor when a rule reads it and it depends on the boundary (0 otherwise).
    var duration: Double = 0
    var malformed = 0
    var late = 0
    var joinExpired = 0
    var joinUnmatched = 0
    var joinPending = 0
    var labelsJoined = 0
    /// Events a reference learned from the stream has taken (−1 once it is complete).
    var driftLearned = -1
}
