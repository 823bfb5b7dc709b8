/// The bottom line: the keys that matter now, or the filter prompt, or the progress of a long command,
/// or the latest message.
///
/// The key hints are ranked: when the line is too narrow for all of them (80 columns), the least
/// important go first, so `q quit` and `? help` (which lists everything) are always on screen.
struct FooterView {
    let context: PanelContext

    /// A key hint and how much it matters (higher stays longer).
    private struct Hint {
        var text: String
        var rank: Int
    }

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        let theme = context.theme
        let state = context.state
        buffer.fill(area, style: theme[.statusBar])
        let text: String
        if state.editingFilter {
            text = " filter features: \(state.filter)▏  Enter keeps · Esc clears"
        } else if let activity = state.activity {
            // A long command under way (a config reload reading its reference): its progress, until its
            // result replaces it as the message.
            text = " " + activity + " …"
        } else if let message = state.message {
            text = " " + message
        } else {
            var hints: [Hint]
            if state.instancesVisible {
                hints = [
                    Hint(text: "↑↓ move", rank: 8), Hint(text: "Enter narrow the panels to it", rank: 9), Hint(text: "Esc back", rank: 9),
                    Hint(text: "? help", rank: 10), Hint(text: "q quit", rank: 10),
                ]
            } else if state.focus == .alerts {
                hints = [
                    Hint(text: "a ack", rank: 9), Hint(text: "A ack+note", rank: 6), Hint(text: "s snooze", rank: 8),
                    Hint(text: "u undo", rank: 7), Hint(text: "e threshold", rank: 5), Hint(text: "Enter history", rank: 4),
                    Hint(text: "r reload", rank: 1), Hint(text: "? help", rank: 10), Hint(text: "q quit", rank: 10),
                ]
            } else {
                hints = [
                    Hint(text: "q quit", rank: 10), Hint(text: "? help", rank: 10), Hint(text: "Tab/1-4 focus", rank: 8),
                    Hint(text: "↑↓ move", rank: 5), Hint(text: "Enter zoom/detail", rank: 7), Hint(text: "/ filter", rank: 4),
                ]
                if state.focus == .input { hints.append(Hint(text: "s sort", rank: 6)) }
                hints += [Hint(text: "p pause", rank: 3), Hint(text: "m model", rank: 2), Hint(text: "T theme", rank: 1)]
            }
            if state.isFleet, !state.instancesVisible {
                hints.insert(Hint(text: "i instances", rank: 9), at: min(2, hints.count))
                if state.scope != nil { hints.insert(Hint(text: "Esc fleet", rank: 9), at: min(3, hints.count)) }
            }
            // The hint (e.g. how to point the demo at real logs) matters more than the key list.
            let prefix = state.footerHint.map { " " + $0 + "  │" } ?? ""
            func line(_ hints: [Hint]) -> String { prefix + hints.map { " " + $0.text + " " }.joined() }
            while hints.count > 2, DisplayWidth.of(line(hints)) > area.width,
                  let lowest = hints.indices.min(by: { hints[$0].rank < hints[$1].rank }) {
                hints.remove(at: lowest)
            }
            text = line(hints)
        }
        _ = buffer.put(text, x: area.x, y: area.y, style: theme[.statusBar], maxWidth: area.width)
    }
}
