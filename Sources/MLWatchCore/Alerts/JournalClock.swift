/// Which of a journal record's two times a history query filters on.
public enum JournalClock: String, Sendable, Equatable, CaseIterable {
    /// Event time: the time of the data (replays and live runs agree).
    case event
    /// Wall-clock time the record was written (for "what happened on my shift").
    case wall
}
