import Foundation
import MLWatchCore

/// The text prompts: the feature filter, an acknowledgement's note, a threshold and its reason, a snooze
/// duration. Each is an `InputMode` carrying its draft; `Enter`, `Esc` and `Backspace` come from
/// `DashboardKeys.prompt`, every other character is typed.
extension DashboardState {
    /// Longest drafts, in characters.
    static let filterLimit = 40
    static let noteLimit = 200
    static let durationLimit = 20

    /// Carries out `Enter`, `Esc` or `Backspace` in the current prompt.
    mutating func promptAction(_ action: DashboardAction) -> [DashboardEffect] {
        switch mode {
        case .filter:
            switch action {
            case .submit: mode = .normal
            case .cancel:
                mode = .normal
                filter = ""
            case .erase: if !filter.isEmpty { filter.removeLast() }
            default: break
            }
            selection[.input] = 0
        case .note(let alert, var draft):
            switch action {
            case .submit:
                mode = .normal
                return [.send(.acknowledge(rule: alert.rule, labels: alert.labels, note: draft.isEmpty ? nil : draft))]
            case .cancel: mode = .normal
            case .erase:
                if !draft.isEmpty { draft.removeLast() }
                mode = .note(alert: alert, draft: draft)
            default: break
            }
        case .threshold(var draft):
            switch action {
            case .cancel:
                mode = .normal
                message = "Threshold unchanged"
            case .erase:
                if !draft.text.isEmpty { draft.text.removeLast() }
                mode = .threshold(draft)
            case .submit:
                return submitThreshold(draft)
            default: break
            }
        case .snoozeDuration(let alert, var draft):
            switch action {
            case .submit:
                guard let seconds = DurationText.parse(draft), seconds > 0 else {
                    message = "snooze: \"\(draft)\" is not a duration (e.g. 90m, 2h30m, 1d)"
                    return []
                }
                mode = .normal
                return [.send(.snooze(rule: alert.rule, labels: alert.labels, seconds: seconds))]
            case .cancel: mode = .normal
            case .erase:
                if !draft.isEmpty { draft.removeLast() }
                mode = .snoozeDuration(alert: alert, draft: draft)
            default: break
            }
        case .normal, .help, .snoozeMenu:
            break
        }
        return []
    }

    /// Types a character into the current prompt (up to its limit).
    mutating func type(_ c: Character) {
        switch mode {
        case .filter:
            if filter.count < Self.filterLimit { filter.append(c) }
            selection[.input] = 0
        case .note(let alert, var draft):
            if draft.count < Self.noteLimit { draft.append(c) }
            mode = .note(alert: alert, draft: draft)
        case .threshold(var draft):
            if draft.text.count < Self.noteLimit { draft.text.append(c) }
            mode = .threshold(draft)
        case .snoozeDuration(let alert, var draft):
            if draft.count < Self.durationLimit { draft.append(c) }
            mode = .snoozeDuration(alert: alert, draft: draft)
        case .normal, .help, .snoozeMenu:
            break
        }
    }

    /// `Enter` in the threshold prompt: the value first (a number, or `none` to clear the override), then
    /// the reason, which sends the command.
    private mutating func submitThreshold(_ draft: ThresholdDraft) -> [DashboardEffect] {
        var draft = draft
        switch draft.step {
        case .value:
            let text = draft.text.trimmingCharacters(in: .whitespaces)
            if text.lowercased() == "none" {
                draft.step = .reason(value: nil)
            } else if let v = Double(text), v.isFinite {
                draft.step = .reason(value: v)
            } else {
                message = text.isEmpty
                    ? "Type a number (or none to clear the override), Esc cancels"
                    : "\"\(text)\" is not a number (type e.g. 300, or none to clear the override)"
                return []
            }
            draft.text = ""
            mode = .threshold(draft)
            return []
        case .reason(let value):
            let reason = draft.text.trimmingCharacters(in: .whitespaces)
            mode = .normal
            return [.send(.overrideThreshold(rule: draft.rule, value: value, reason: reason.isEmpty ? nil : reason))]
        }
    }
}
