import MLWatchCore
import MLWatchUI

/// Carries out the dashboard's alert commands on the collector's state (on its queue).
enum AlertCommands {
    /// Returns the message for the footer.
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
            case .reloadConfig:
                return "Reload: restart mlwatch to apply config changes"
            case .quit, .cycleTheme:
                return nil
            }
        } catch {
            return "\(error)"
        }
    }
}
