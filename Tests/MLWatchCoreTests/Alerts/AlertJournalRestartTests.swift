import Foundation
import Testing
@testable import MLWatchCore

/// Restart behaviour through the journal protocol, with the in-memory journal (the SQLite journal runs the
/// same scenarios in MLWatchStoreTests).
@Suite struct AlertJournalRestartTests {
    private let labels: Labels = ["model": "fraud"]
    private func rules() throws -> [AlertRule] {
        [try AlertRule(name: "High", expr: "x > 10", forDuration: 60, keepFiringFor: 0, labels: ["severity": "critical"])]
    }
    private func x(_ v: Double) -> [MetricSample] { [sample("x", v, ["model": "fraud"])] }

    private func restarted(_ journal: any AlertJournal) throws -> RuleEngine {
        var e = RuleEngine(rules: try rules(), journal: journal)
        try e.restoreFromJournal()
        return e
    }

    @Test func acknowledgementSurvivesARestart() throws {
        let journal = InMemoryAlertJournal(actor: "svc", wallClock: { 1_000 })
        var e = RuleEngine(rules: try rules(), journal: journal)
        e.evaluate(x(20), at: 0)
        #expect(e.evaluate(x(20), at: 60).notifications.count == 1)
        try e.acknowledge(rule: "High", labels: labels, actor: "alice", note: "on it", at: 70)

        var after = try restarted(journal)
        #expect(after.state(rule: "High", labels: labels) == .acknowledged)
        #expect(after.alerts.first?.acknowledgedBy == "alice")
        #expect(after.alerts.first?.firedAt == 60)
        let r = after.evaluate(x(20), at: 80)
        #expect(r.transitions.isEmpty && r.notifications.isEmpty)
        // The acknowledgement is per incident: a new incident after resolve is not acknowledged.
        after.evaluate(x(1), at: 90)
        after.evaluate(x(20), at: 100)
        let again = after.evaluate(x(20), at: 160)
        #expect(again.transitions.map(\.to) == [.firing])
        #expect(again.notifications.map(\.incident) == [2])
        // Undo after a restart takes back the restored acknowledgement only while it is in force.
        #expect(throws: AlertActionError.nothingToUndo(rule: "High", labels: labels)) {
            try after.undo(rule: "High", labels: labels, actor: "alice", at: 170)
        }
    }

    @Test func snoozeKeepsRunningAfterARestartAndEndsByItself() throws {
        let journal = InMemoryAlertJournal()
        var e = RuleEngine(rules: try rules(), journal: journal)
        e.evaluate(x(20), at: 0)
        try e.snooze(rule: "High", labels: labels, until: 500, actor: "bob", at: 10)

        var after = try restarted(journal)
        #expect(after.state(rule: "High", labels: labels) == .pending)
        #expect(after.alerts.first?.snoozedUntil == 500)
        let fired = after.evaluate(x(20), at: 60)
        #expect(fired.transitions.map(\.to) == [.snoozed])
        #expect(fired.notifications.isEmpty)
        let ended = after.evaluate(x(20), at: 500)
        #expect(ended.transitions.map(\.to) == [.firing])
        #expect(ended.notifications.count == 1)
    }

    @Test func nothingIsNotifiedTwiceAcrossRestarts() throws {
        let journal = InMemoryAlertJournal()
        var e = RuleEngine(rules: try rules(), journal: journal)
        e.evaluate(x(20), at: 0)
        #expect(e.evaluate(x(20), at: 60).notifications.count == 1)
        var after = try restarted(journal)
        #expect(after.state(rule: "High", labels: labels) == .firing)
        #expect(after.evaluate(x(20), at: 70).notifications.isEmpty)
        var third = try restarted(journal)
        #expect(third.evaluate(x(20), at: 80).notifications.isEmpty)
        #expect(journal.all.filter { $0.kind == .notified }.count == 1)
    }

    @Test func pendingRestoresItsStartSoForStillCounts() throws {
        let journal = InMemoryAlertJournal()
        var e = RuleEngine(rules: try rules(), journal: journal)
        e.evaluate(x(20), at: 0)
        var after = try restarted(journal)
        #expect(after.evaluate(x(20), at: 59).transitions.isEmpty)
        #expect(after.evaluate(x(20), at: 60).transitions.map(\.to) == [.firing])
    }

    @Test func thresholdOverrideIsRestored() throws {
        let journal = InMemoryAlertJournal()
        var e = RuleEngine(rules: try rules(), journal: journal)
        try e.overrideThreshold(rule: "High", value: 50, actor: "carol", reason: "launch day", at: 0)
        var after = try restarted(journal)
        #expect(after.thresholdOverrides["High"]?.value == 50)
        after.evaluate(x(20), at: 1)
        #expect(after.threshold(rule: "High", labels: labels) == 50)
    }

    @Test func recordsAreStampedWithWallTimeAndActor() throws {
        let journal = InMemoryAlertJournal(actor: "svc", wallClock: { 1_234 })
        var e = RuleEngine(rules: try rules(), journal: journal)
        e.evaluate(x(20), at: 5)
        try e.addNote(rule: "High", labels: labels, note: "deploy at 10:00", actor: "dan", at: 6)
        let all = journal.all
        #expect(all.map(\.kind) == [.transition, .note])
        #expect(all.map(\.actor) == ["svc", "dan"])
        #expect(all.allSatisfy { $0.wallTime == 1_234 })
        #expect(try journal.history(since: 6).map(\.kind) == [.note])
        #expect(try journal.history(since: 1_235, clock: .wall).isEmpty)
        #expect(e.alerts.first?.note == "deploy at 10:00")
    }

    @Test func stateFoldHandlesUndo() {
        var s = AlertJournalState()
        let base = AlertJournalEntry(kind: .snooze, time: 1, actor: "a", rule: "R", labels: ["m": "x"], until: 100)
        s.apply(base)
        #expect(s.alert(rule: "R", labels: ["m": "x"])?.snoozedUntil == 100)
        s.apply(AlertJournalEntry(kind: .undo, time: 2, actor: "a", rule: "R", labels: ["m": "x"], undone: .snooze))
        #expect(s.alert(rule: "R", labels: ["m": "x"])?.snoozedUntil == nil)
        s.apply(AlertJournalEntry(kind: .acknowledge, time: 3, actor: "b", rule: "R", labels: ["m": "x"], incident: 2))
        #expect(s.alert(rule: "R", labels: ["m": "x"])?.acknowledgedIncident == 2)
        s.apply(AlertJournalEntry(kind: .undo, time: 4, actor: "b", rule: "R", labels: ["m": "x"], undone: .acknowledge))
        #expect(s.alert(rule: "R", labels: ["m": "x"])?.acknowledgedBy == nil)
    }

    @Test func printerWritesTextForPeopleAndJSONLinesForTools() throws {
        let entries = [
            AlertJournalEntry(
                kind: .transition, time: 1_795_342_623, wallTime: 5, actor: "svc", rule: "LatencyP99High",
                labels: ["model": "fraud"], from: .pending, to: .firing, value: 312.5, threshold: 250, severity: .critical,
                incident: 1),
            AlertJournalEntry(
                kind: .acknowledge, time: 1_795_342_780, wallTime: 6, actor: "alice", rule: "LatencyP99High",
                labels: ["model": "fraud"], incident: 1, note: "looking at it"),
            AlertJournalEntry(kind: .snooze, time: 1_795_342_800, actor: "bob", rule: "R", until: 1_795_346_400),
        ]
        let text = JournalPrinter().format(entries)
        #expect(text == """
            2026-11-22T10:17:03.000Z  LatencyP99High{model="fraud"}  pending → firing  value=312.5 threshold=250  #1
            2026-11-22T10:19:40.000Z  LatencyP99High{model="fraud"}  acknowledged by alice: "looking at it"  #1
            2026-11-22T10:20:00.000Z  R  snoozed until 2026-11-22T11:20:00.000Z by bob

            """)
        let json = JournalPrinter(format: .jsonLines).format(entries)
        let lines = json.split(separator: "\n")
        #expect(lines.count == 3)
        let decoded = try JSONDecoder().decode(AlertJournalEntry.self, from: Data(lines[0].utf8))
        #expect(decoded == entries[0])
        #expect(lines[1].hasPrefix(#"{"actor":"alice","incident":1,"kind":"acknowledge""#))
    }
}
