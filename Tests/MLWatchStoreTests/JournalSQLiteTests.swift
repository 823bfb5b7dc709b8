import Foundation
import MLWatchCore
import Testing
@testable import MLWatchStore

/// Restart behaviour with a real SQLite file: each "process" opens its own `SQLiteAlertJournal`.
@Suite struct JournalSQLiteTests {
    private let labels: Labels = ["model": "fraud"]

    private func rules() throws -> [AlertRule] {
        [try AlertRule(name: "High", expr: "x > 10", forDuration: 60, keepFiringFor: 30, labels: ["severity": "critical"])]
    }

    private func x(_ v: Double) -> [MetricSample] { [MetricSample(name: "x", labels: labels, value: v)] }

    /// A fresh directory (not created yet, to check the journal creates it) and a cleanup.
    private func tempPath() -> (path: String, cleanup: () -> Void) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-journal-\(UUID().uuidString)")
        let path = dir.appendingPathComponent("state/mlwatch/journal.sqlite").path
        return (path, { try? FileManager.default.removeItem(at: dir) })
    }

    /// One run of mlwatch: opens the journal, restores, hands the engine to `body`.
    private func run(_ path: String, actor: String = "svc", _ body: (inout RuleEngine) throws -> Void) throws {
        let journal = try SQLiteAlertJournal(path: path, actor: actor, wallClock: { 1_000 })
        var engine = RuleEngine(rules: try rules(), journal: journal)
        try engine.restoreFromJournal()
        try body(&engine)
        #expect(engine.journalErrors.isEmpty)
    }

    @Test func acknowledgementSurvivesARestart() throws {
        let (path, cleanup) = tempPath()
        defer { cleanup() }
        try run(path) { e in
            e.evaluate(x(20), at: 0)
            #expect(e.evaluate(x(20), at: 60).notifications.count == 1)
            try e.acknowledge(rule: "High", labels: labels, actor: "alice", note: "on it", at: 65)
        }
        try run(path) { e in
            #expect(e.state(rule: "High", labels: labels) == .acknowledged)
            let alert = try #require(e.alerts.first)
            #expect(alert.acknowledgedBy == "alice" && alert.incident == 1 && alert.firedAt == 60 && alert.activeSince == 0)
            let r = e.evaluate(x(20), at: 70)
            #expect(r.transitions.isEmpty && r.notifications.isEmpty)
            // It still resolves normally, after keep_firing_for.
            e.evaluate(x(1), at: 80)
            #expect(e.evaluate(x(1), at: 110).transitions.map(\.to) == [.resolved])
        }
    }

    @Test func snoozeStillRunsAfterARestart() throws {
        let (path, cleanup) = tempPath()
        defer { cleanup() }
        try run(path) { e in
            e.evaluate(x(20), at: 0)
            e.evaluate(x(20), at: 60)
            try e.snooze(rule: "High", labels: labels, until: 400, actor: "bob", note: "deploy", at: 70)
        }
        try run(path) { e in
            #expect(e.state(rule: "High", labels: labels) == .snoozed)
            #expect(e.alerts.first?.snoozedUntil == 400)
            #expect(e.evaluate(x(20), at: 399).transitions.isEmpty)
            let ended = e.evaluate(x(20), at: 400)
            #expect(ended.transitions.map(\.to) == [.firing])
            #expect(ended.notifications.isEmpty)  // incident 1 was notified before the snooze
        }
        try run(path) { e in
            #expect(e.state(rule: "High", labels: labels) == .firing)
            #expect(e.alerts.first?.snoozedUntil == nil)
        }
    }

    @Test func nothingIsNotifiedTwiceAcrossRestarts() throws {
        let (path, cleanup) = tempPath()
        defer { cleanup() }
        var notified = 0
        try run(path) { e in
            e.evaluate(x(20), at: 0)
            notified += e.evaluate(x(20), at: 60).notifications.count
        }
        for round in 0..<3 {
            try run(path) { e in
                notified += e.evaluate(x(20), at: 70 + Double(round)).notifications.count
            }
        }
        #expect(notified == 1)
        try run(path) { e in
            e.evaluate(x(1), at: 100)
            e.evaluate(x(1), at: 130)
            e.evaluate(x(20), at: 140)
            notified += e.evaluate(x(20), at: 200).notifications.count
        }
        #expect(notified == 2)
        let journal = try SQLiteAlertJournal(path: path)
        #expect(try journal.history(since: 0).filter { $0.kind == .notified }.map(\.incident) == [1, 2])
    }

    @Test func recordsCarryEventTimeWallTimeAndActor() throws {
        let (path, cleanup) = tempPath()
        defer { cleanup() }
        try run(path, actor: "oncall") { e in
            e.evaluate(x(20), at: 5)
            try e.overrideThreshold(rule: "High", value: 50, actor: "carol", reason: "launch", at: 6)
            try e.addNote(rule: "High", labels: labels, note: "watching", actor: "dan", at: 7)
        }
        let journal = try SQLiteAlertJournal(path: path)
        let all = try journal.history(since: 0)
        #expect(all.map(\.kind) == [.transition, .thresholdOverride, .note])
        #expect(all.map(\.actor) == ["oncall", "carol", "dan"])
        #expect(all.map(\.time) == [5, 6, 7])
        #expect(all.allSatisfy { $0.wallTime == 1_000 })
        #expect(all[0].labels == ["model": "fraud"] && all[0].to == .pending && all[0].severity == .critical)
        #expect(try journal.history(since: 6).count == 2)
        #expect(try journal.history(since: 1_001, clock: .wall).isEmpty)
        #expect(try journal.count() == 3)
        try run(path) { e in
            #expect(e.thresholdOverrides["High"]?.value == 50)
            #expect(e.thresholdOverrides["High"]?.reason == "launch")
        }
        let text = JournalPrinter().format(all)
        #expect(text.contains("threshold set to 50 by carol: \"launch\""))
    }

    @Test func undoIsDurable() throws {
        let (path, cleanup) = tempPath()
        defer { cleanup() }
        try run(path) { e in
            e.evaluate(x(20), at: 0)
            e.evaluate(x(20), at: 60)
            try e.acknowledge(rule: "High", labels: labels, actor: "alice", at: 61)
            try e.undo(rule: "High", labels: labels, actor: "alice", at: 62)
        }
        try run(path) { e in
            #expect(e.state(rule: "High", labels: labels) == .firing)
            #expect(e.evaluate(x(20), at: 63).notifications.isEmpty)
        }
    }

    @Test func defaultPathFollowsXDG() {
        #expect(SQLiteAlertJournal.defaultPath(environment: ["XDG_STATE_HOME": "/var/state", "HOME": "/home/u"])
            == "/var/state/mlwatch/journal.sqlite")
        #expect(SQLiteAlertJournal.defaultPath(environment: ["HOME": "/home/u"]) == "/home/u/.local/state/mlwatch/journal.sqlite")
        // A relative XDG_STATE_HOME is invalid per the spec and ignored.
        #expect(SQLiteAlertJournal.defaultPath(environment: ["XDG_STATE_HOME": "rel", "HOME": "/home/u"])
            == "/home/u/.local/state/mlwatch/journal.sqlite")
        #expect(SQLiteAlertJournal.currentUser(environment: ["USER": "zoe"]) == "zoe")
        #expect(SQLiteAlertJournal.currentUser(environment: [:]) == "unknown")
    }

    @Test func unusableFileGivesAnActionableError() throws {
        let (path, cleanup) = tempPath()
        defer { cleanup() }
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "this is not a database, just text that is long enough to not look like an empty file".write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try SQLiteAlertJournal(path: path)
            Issue.record("opened a text file as a journal")
        } catch {
            switch error {
            case .cannotOpen, .migrationFailed:
                #expect(error.description.contains(path))
            default:
                Issue.record("unexpected error \(error)")
            }
        }
    }
}
