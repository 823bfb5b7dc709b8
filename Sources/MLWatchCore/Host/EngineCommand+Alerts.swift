import Foundation

extension EngineCommand {
    /// Carries out an alert command (ack, snooze, undo, threshold edit) on a state, at the state's newest
    /// event time. Returns the message for the footer and whether the command failed.
    func applyAlertCommand(to state: MonitorState, actor: String) -> (text: String, isError: Bool) {
        guard state.rules != nil else { return ("no alert rules configured", true) }
        let now = state.newestEventTime ?? 0
        let text: String
        do {
            switch self {
            case .acknowledge(let rule, let labels, let note):
                let r = try state.rules!.acknowledge(rule: rule, labels: labels, actor: actor, note: note, at: now)
                state.noteActionResult(r)
                text = "Acknowledged \(rule)" + (note.map { ": \($0)" } ?? "")
            case .acknowledgeForPeer(let rule, let labels, let peer, let note):
                let r = try state.rules!.acknowledge(rule: rule, labels: labels, actor: peer, note: note, at: now)
                state.noteActionResult(r)
                text = "\(rule) acknowledged by \(peer)" + (note.map { " (\($0))" } ?? "")
            case .addNote(let rule, let labels, let note):
                try state.rules!.addNote(rule: rule, labels: labels, note: note, actor: actor, at: now)
                text = "Note on \(rule): \(note)"
            case .snooze(let rule, let labels, let seconds):
                let r = try state.rules!.snooze(rule: rule, labels: labels, until: now + seconds, actor: actor, at: now)
                state.noteActionResult(r)
                text = "Snoozed \(rule) for \(DurationText.format(seconds))"
            case .undo(let rule, let labels):
                let r = try state.rules!.undo(rule: rule, labels: labels, actor: actor, at: now)
                state.noteActionResult(r)
                text = "Undid the last acknowledgement or snooze of \(rule)"
            case .overrideThreshold(let rule, let value, let reason):
                try state.rules!.overrideThreshold(rule: rule, value: value, actor: actor, reason: reason, at: now)
                let what = value.map { "set to \(Self.plain($0))" } ?? "override cleared"
                text = "Threshold of \(rule) \(what) (journaled; applies from the next evaluation)"
            case .reloadConfig, .replay, .scope:
                return ("not an alert command", true)
            }
        } catch {
            return ("\(error)", true)
        }
        return (text, false)
    }

    /// A threshold as typed (`300`, `0.25`, `1.5e-05`): exact to six significant digits, no grouping.
    private static func plain(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(format: "%g", v)
    }
}
