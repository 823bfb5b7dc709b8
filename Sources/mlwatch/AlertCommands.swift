import MLWatchCore
import MLWatchUI

/// Carries out the dashboard's alert commands on the collector's state (on its queue).
enum AlertCommands {
    /// Returns the message for the footer. `.reloadConfig` is carried out by `ConfigReloader` (it reads
    /// the config file off the collector's queue), not here.
    static func apply(_ command: DashboardCommand, to state: MonitorState, actor: String) -> String? {
        guard state.rules != nil else { return "no alert rules configured" }
        let now = state.newestEventTime ?? 0
        do {
            switch command {
            case .acknowledge(let rule, let labels, let note):
                let r = try state.rules!.acknowledge(rule: rule, labels: labels, actor: actor, note: note, at: now)
                state.noteActionResult(r)
                return "Acknowledged \(rule)" + (note.map { ": \($0)" } ?? "")
            case .snooze(let rule, let labels, let seconds):
                let r = try state.rules!.snooze(rule: rule, labels: labels, until: now + seconds, actor: actor, at: now)
                state.noteActionResult(r)
                return "Snoozed \(rule) for \(DurationText.format(seconds))"
            case .undo(let rule, let labels):
                let r = try state.rules!.undo(rule: rule, labels: labels, actor: actor, at: now)
                state.noteActionResult(r)
                return "Undid the last acknowledgement or snooze of \(rule)"
            case .overrideThreshold(let rule, let value, let reason):
                try state.rules!.overrideThreshold(rule: rule, value: value, actor: actor, reason: reason, at: now)
                let what = value.map { "set to \(Format.number($0))" } ?? "override cleared"
                return "Threshold of \(rule) \(what) (journaled; applies from the next evaluation)"
            case .reloadConfig:
                return "config reload is not available here"
            case .quit, .cycleTheme:
                return nil
            }
        } catch {
            return "\(error)"
        }
    }
}

/// Reloads the config's alert rules into a running engine (`r` in the dashboard, SIGHUP): parses the file
/// again; if it is valid, swaps in a new `RuleEngine` with the same journal, restored from it (so
/// acknowledgements, snoozes, overrides and "already notified" survive); if not, keeps the old rules and
/// says why (`file:line:col: message`). Window, reference and sources changes need a restart.
///
/// Used from one thread (the UI thread, or the main queue of `watch --no-ui`).
final class ConfigReloader {
    private let path: String?
    private let original: MLWatchConfig
    private let setup: EngineSetup
    private var journal: (any AlertJournal)?
    private let openJournal: () throws(SetupError) -> any AlertJournal
    private let notifier: AlertNotifier?

    init(setup: EngineSetup, journal: (any AlertJournal)?, notifier: AlertNotifier?,
         openJournal: @escaping () throws(SetupError) -> any AlertJournal) {
        self.path = setup.common.config
        self.original = setup.config
        self.setup = setup
        self.journal = journal
        self.notifier = notifier
        self.openJournal = openJournal
    }

    /// Reloads and returns the message to show.
    func reload(into collector: Collector) -> String {
        guard let path else { return "config not reloaded: mlwatch was started without --config" }
        let config: MLWatchConfig
        do {
            config = try MLWatchConfig.load(path: path)
        } catch {
            return "config not reloaded, keeping the old rules: \(error.description)"
        }
        let rules = config.rules
        if !rules.isEmpty && journal == nil {
            do {
                journal = try openJournal()
            } catch {
                return "config not reloaded, keeping the old rules: \(error.description)"
            }
        }
        // Adaptive thresholds learn from the reference log's windows, as at startup.
        var referenceSamples: [MetricSample] = []
        if rules.contains(where: Self.isAdaptive), case .file(let ref) = setup.referenceSpec {
            referenceSamples = (try? EngineSetup.readReference(path: ref, options: setup.options, mapping: setup.config.fieldMapping).1) ?? []
        }
        let samples = referenceSamples
        let journal = self.journal
        let failure = collector.perform { state -> String? in
            guard !rules.isEmpty else {
                state.rules = nil
                return nil
            }
            var engine = RuleEngine(rules: rules, journal: journal)
            if !samples.isEmpty { engine.learnReference(samples) }
            do {
                // On the collector's queue: nothing is journaled between the restore and the swap.
                try engine.restoreFromJournal()
            } catch {
                return "config not reloaded, keeping the old rules: alert journal: \(error)"
            }
            state.rules = engine
            return nil
        }
        if let failure { return failure }
        collector.publish()
        notifier?.updateRules(rules)
        var rest = config
        rest.rules = original.rules
        rest.notify = original.notify
        let needsRestart = rest != original ? "; changes outside rules: need a restart" : ""
        return "config reloaded: \(rules.count) rule\(rules.count == 1 ? "" : "s")\(needsRestart)"
    }

    private static func isAdaptive(_ rule: AlertRule) -> Bool {
        rule.expression.comparisons.contains { c in
            if case .adaptive = c.threshold { return true }
            if case .adaptive? = c.recover { return true }
            return false
        }
    }
}
