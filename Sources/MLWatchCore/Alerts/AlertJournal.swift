/// The durable record of the alert lifecycle: transitions, acknowledgements, snoozes, notes, manual
/// thresholds and notified incidents. `RuleEngine` writes to it and restores from `loadState()` after a
/// restart, so an acknowledgement survives, a snooze keeps running and nothing is notified twice.
///
/// `MLWatchStore.SQLiteAlertJournal` is the durable implementation; `InMemoryAlertJournal` is for tests.
public protocol AlertJournal: Sendable {
    /// Appends records in order, atomically (all or none). Records without `wallTime`/`actor` are stamped
    /// with the journal's clock and actor.
    func append(_ entries: [AlertJournalEntry]) throws(AlertJournalError)

    /// The latest known state of every alert and the threshold overrides in force.
    func loadState() throws(AlertJournalError) -> AlertJournalState

    /// Records with `clock` time at or after `since`, oldest first.
    func history(since: Double, clock: JournalClock) throws(AlertJournalError) -> [AlertJournalEntry]
}

extension AlertJournal {
    /// Appends one record.
    public func append(_ entry: AlertJournalEntry) throws(AlertJournalError) {
        try append([entry])
    }

    /// Records a lifecycle transition.
    public func record(_ transition: AlertTransition) throws(AlertJournalError) {
        try append([AlertJournalEntry(transition)])
    }

    /// Records event-time history since `since`.
    public func history(since: Double) throws(AlertJournalError) -> [AlertJournalEntry] {
        try history(since: since, clock: .event)
    }
}
