import Foundation
import GRDB
import MLWatchCore

/// The durable alert journal: one SQLite file (WAL mode, via GRDB's `DatabasePool`), one row per record,
/// each with its event time, wall time and actor. Safe to share between threads.
///
/// Default location: `$XDG_STATE_HOME/mlwatch/journal.sqlite`, falling back to
/// `~/.local/state/mlwatch/journal.sqlite` (directories are created).
public final class SQLiteAlertJournal: AlertJournal {
    /// The database file.
    public let path: String
    private let pool: DatabasePool
    private let actor: String
    private let wallClock: @Sendable () -> Double

    /// Opens (creating if needed) a journal file and brings its schema up to date.
    /// - Parameters:
    ///   - path: the SQLite file; its directory is created if missing.
    ///   - actor: stamped on records without an actor (default `$USER`).
    ///   - wallClock: stamped on records without a wall time (injected so tests are deterministic).
    public init(
        path: String, actor: String = SQLiteAlertJournal.currentUser(),
        wallClock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) throws(AlertJournalError) {
        self.path = path
        self.actor = actor
        self.wallClock = wallClock
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .cannotCreateDirectory(path: directory, reason: error.localizedDescription)
            }
        }
        var configuration = Configuration()
        configuration.label = "mlwatch.journal"
        // Two mlwatch processes on one journal (a dashboard and `mlwatch journal`) wait for each other briefly.
        configuration.busyMode = .timeout(5)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
        do {
            try Self.migrator.migrate(pool)
        } catch {
            throw .migrationFailed(path: path, reason: "\(error)")
        }
    }

    /// Opens the journal at its default location (`defaultPath()`).
    public convenience init() throws(AlertJournalError) {
        try self.init(path: Self.defaultPath())
    }

    /// `$XDG_STATE_HOME/mlwatch/journal.sqlite`, or `~/.local/state/mlwatch/journal.sqlite` when
    /// `XDG_STATE_HOME` is unset or not absolute (as the XDG spec requires).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base: String
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            base = state
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            base = (home as NSString).appendingPathComponent(".local/state")
        }
        return ((base as NSString).appendingPathComponent("mlwatch") as NSString).appendingPathComponent("journal.sqlite")
    }

    /// `$USER` (or `$LOGNAME`), else `unknown`.
    public static func currentUser(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: journal") { db in
            try db.create(table: "journal") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull()
                t.column("event_time", .double).notNull()
                t.column("wall_time", .double).notNull()
                t.column("actor", .text).notNull()
                t.column("rule", .text).notNull()
                // The label set as a JSON object with sorted keys, so equal sets are equal strings.
                t.column("labels", .text).notNull()
                t.column("from_state", .text)
                t.column("to_state", .text)
                t.column("value", .double)
                t.column("threshold", .double)
                t.column("severity", .text)
                t.column("incident", .integer)
                t.column("active_since", .double)
                t.column("fired_at", .double)
                t.column("until", .double)
                t.column("undone", .text)
                t.column("note", .text)
            }
            try db.create(index: "journal_event_time", on: "journal", columns: ["event_time"])
            try db.create(index: "journal_wall_time", on: "journal", columns: ["wall_time"])
            try db.create(index: "journal_alert", on: "journal", columns: ["rule", "labels"])
        }
        return migrator
    }

    // MARK: AlertJournal

    public func append(_ entries: [AlertJournalEntry]) throws(AlertJournalError) {
        guard !entries.isEmpty else { return }
        let now = wallClock()
        let actor = self.actor
        let rows = entries.map { e -> StatementArguments in
            var args: [(any DatabaseValueConvertible)?] = [
                e.kind.rawValue, e.time, e.wallTime ?? now, e.actor ?? actor, e.rule, Self.encodeLabels(e.labels),
            ]
            args += [e.from?.rawValue, e.to?.rawValue, e.value.flatMap(Self.finite), e.threshold.flatMap(Self.finite)]
            args += [e.severity?.rawValue, e.incident, e.activeSince, e.firedAt, e.until, e.undone?.rawValue, e.note]
            return StatementArguments(args)
        }
        do {
            try pool.write { db in
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO journal (kind, event_time, wall_time, actor, rule, labels, from_state, to_state,
                        value, threshold, severity, incident, active_since, fired_at, until, undone, note)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for row in rows { try statement.execute(arguments: row) }
            }
        } catch {
            throw .writeFailed(reason: "\(error)")
        }
    }

    public func loadState() throws(AlertJournalError) -> AlertJournalState {
        AlertJournalState(entries: try fetch(sql: "SELECT * FROM journal ORDER BY id", arguments: []))
    }

    public func history(since: Double, clock: JournalClock) throws(AlertJournalError) -> [AlertJournalEntry] {
        let column = clock == .event ? "event_time" : "wall_time"
        return try fetch(sql: "SELECT * FROM journal WHERE \(column) >= ? ORDER BY id", arguments: [since])
    }

    /// Number of records (for diagnostics and tests).
    public func count() throws(AlertJournalError) -> Int {
        do {
            return try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal") ?? 0 }
        } catch {
            throw .readFailed(reason: "\(error)")
        }
    }

    // MARK: Rows

    private func fetch(sql: String, arguments: StatementArguments) throws(AlertJournalError) -> [AlertJournalEntry] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.entry)
            }
        } catch {
            throw .readFailed(reason: "\(error)")
        }
    }

    private static func entry(_ row: Row) -> AlertJournalEntry {
        AlertJournalEntry(
            kind: AlertJournalEntry.Kind(rawValue: row["kind"]) ?? .note,
            time: row["event_time"], wallTime: row["wall_time"], actor: row["actor"], rule: row["rule"],
            labels: decodeLabels(row["labels"]),
            from: (row["from_state"] as String?).flatMap(AlertState.init(rawValue:)),
            to: (row["to_state"] as String?).flatMap(AlertState.init(rawValue:)),
            value: row["value"], threshold: row["threshold"],
            severity: (row["severity"] as String?).flatMap(AlertSeverity.init(rawValue:)),
            incident: row["incident"], activeSince: row["active_since"], firedAt: row["fired_at"], until: row["until"],
            undone: (row["undone"] as String?).flatMap(AlertJournalEntry.Kind.init(rawValue:)), note: row["note"])
    }

    /// SQLite has no NaN (it would store NULL anyway); say so explicitly.
    private static func finite(_ v: Double) -> Double? { v.isNaN ? nil : v }

    private static func encodeLabels(_ labels: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(labels) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func decodeLabels(_ text: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }
}
