import Foundation
import MLWatchCore
import MLWatchStore
import Synchronization

/// Reloads the config's alert rules for a running engine (`r` in the dashboard, SIGHUP): parses the file
/// again and, when adaptive rules need it, re-learns their thresholds from the reference log. The host
/// runs this on a worker thread (progress in its publication) and swaps the new `RuleEngine` in on its
/// queue, restored from the same journal (so acknowledgements, snoozes, overrides and "already notified"
/// survive). An invalid file keeps the old rules and says why (`file:line:col: message`). Window,
/// reference and sources changes need a restart.
final class ConfigReloader: RulesReloader {
    private let path: String?
    private let original: MLWatchConfig
    /// The reference log adaptive thresholds learn from (nil when the reference is not a log).
    private let referenceLog: String?
    private let options: CollectorOptions
    /// The journal of the rules in force; opened on the first reload that brings rules.
    private let journal: Mutex<(any AlertJournal)?>
    private let openJournal: @Sendable () throws(SetupError) -> any AlertJournal

    init(setup: EngineSetup, journal: (any AlertJournal)?, openJournal: @escaping @Sendable () throws(SetupError) -> any AlertJournal) {
        self.path = setup.common.config
        self.original = setup.config
        if case .file(let log) = setup.referenceSpec { referenceLog = log } else { referenceLog = nil }
        self.options = setup.options
        self.journal = Mutex(journal)
        self.openJournal = openJournal
    }

    func prepare(progress: (String) -> Void) -> RulesReload {
        guard let path else { return .keep(message: "config not reloaded: mlwatch was started without --config") }
        progress("reading \(path)")
        let config: MLWatchConfig
        do {
            config = try MLWatchConfig.load(path: path)
        } catch {
            return .keep(message: "config not reloaded, keeping the old rules: \(error.description)")
        }
        let rules = config.rules
        var engine: RuleEngine?
        if !rules.isEmpty {
            let journal: any AlertJournal
            do {
                journal = try self.journal.withLock { current throws(SetupError) -> any AlertJournal in
                    if let current { return current }
                    let opened = try openJournal()
                    current = opened
                    return opened
                }
            } catch {
                return .keep(message: "config not reloaded, keeping the old rules: \(error.description)")
            }
            var fresh = RuleEngine(rules: rules, journal: journal)
            // Adaptive thresholds learn from the reference log's windows, as at startup (the core reads only
            // what they need, and nothing when no rule is adaptive).
            if let log = referenceLog {
                let name = (log as NSString).lastPathComponent
                do {
                    var read = options
                    read.mapping = config.fieldMapping
                    let adaptive = try AdaptiveReference.read(path: log, options: read, rules: rules) { lines in
                        progress("learning adaptive thresholds from \(name): \(lines.formatted()) lines")
                    }
                    if let adaptive { fresh.learnReference(adaptive) }
                } catch {
                    return .keep(message: "config not reloaded, keeping the old rules: \(error.description)")
                }
            }
            engine = fresh
        }
        var rest = config
        rest.rules = original.rules
        rest.notify = original.notify
        let needsRestart = rest != original ? "; changes outside rules: need a restart" : ""
        return .replace(engine: engine, rules: rules,
                        message: "config reloaded: \(rules.count) rule\(rules.count == 1 ? "" : "s")\(needsRestart)")
    }
}
