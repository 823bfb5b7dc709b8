import ArgumentParser
import Foundation
import MLWatchCore
import MLWatchStore

/// `mlwatch journal`: the alert history (transitions, acknowledgements, snoozes, notes, threshold
/// overrides), for the hand-over between shifts.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Print the alert journal (for the hand-over between shifts).",
        discussion: """
            --since takes a duration back from now (1h, 12h, 7d) or a time (RFC 3339 or epoch seconds). With \
            --clock wall (the default) it filters on when records were written; with --clock event on the \
            data's time, where a duration counts back from the newest record.
            """
    )

    @Option(name: .long, help: "Only records since this long ago (e.g. 1h) or this time (default: all).")
    var since: String?

    @Option(name: .long, help: "Output format: text or json (one object per line).")
    var format: Format = .text

    @Option(name: .long, help: "Which time --since filters on: wall (written) or event (data).")
    var clock: Clock = .wall

    @Option(name: .long, help: "Only records of this rule.")
    var rule: String?

    @Option(name: .long, help: "The journal (SQLite). Default: $XDG_STATE_HOME/mlwatch/journal.sqlite.")
    var journal: String?

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    enum Clock: String, ExpressibleByArgument, CaseIterable {
        case wall, event
    }

    func run() throws {
        let path = journal ?? SQLiteAlertJournal.defaultPath()
        guard FileManager.default.fileExists(atPath: path) else {
            Console.error("mlwatch journal: no alert journal at \(path) yet (mlwatch watch writes it)\n")
            throw ExitCode(journal == nil ? 0 : 2)
        }
        do {
            let store = try SQLiteAlertJournal(path: path)
            var entries: [AlertJournalEntry]
            let journalClock: JournalClock = clock == .wall ? .wall : .event
            if let since {
                guard let from = try JournalCommand.start(since, clock: journalClock, store: store) else {
                    Console.error("mlwatch journal: --since \(since): expected a duration (1h) or a time (2026-11-22T10:00:00Z)\n")
                    throw ExitCode(2)
                }
                entries = try store.history(since: from, clock: journalClock)
            } else {
                entries = try store.history(since: -Double.greatestFiniteMagnitude, clock: .event)
            }
            if let rule { entries = entries.filter { $0.rule == rule } }
            let printer = JournalPrinter(format: format == .json ? .jsonLines : .text)
            if entries.isEmpty, format == .text {
                Console.out("no journal records" + (since.map { " since \($0)" } ?? "") + " in \(path)\n")
            } else if format == .json {
                Console.json(printer.format(entries))
            } else {
                Console.out(printer.format(entries))
            }
        } catch let error as AlertJournalError {
            Console.error("mlwatch journal: \(error.description)\n")
            throw ExitCode(2)
        }
    }

    /// The start of `--since`: now (or the newest event time) minus a duration, or a time.
    static func start(_ text: String, clock: JournalClock, store: SQLiteAlertJournal) throws(AlertJournalError) -> Double? {
        if let d = DurationText.parse(text), !text.allSatisfy({ $0.isNumber || $0 == "." }) {
            if clock == .wall { return Date().timeIntervalSince1970 - d }
            let newest = try store.history(since: -Double.greatestFiniteMagnitude, clock: .event).map(\.time).max() ?? 0
            return newest - d
        }
        if let n = Double(text) { return TimestampParser.fromEpoch(n) }
        return TimestampParser.parse(text)
    }
}
