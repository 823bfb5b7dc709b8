/// The bottom line: the keys that matter now, or the filter prompt, or the latest message.
struct FooterView {
    let context: PanelContext

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        let theme = context.theme
        let state = context.state
        buffer.fill(area, style: theme[.statusBar])
        let text: String
        if state.editingFilter {
            text = " filter features: \(state.filter)▏  Enter keeps · Esc clears"
        } else if let message = state.message {
            text = " " + message
        } else {
            var keys = " q quit  ? help  Tab/1-4 focus  ↑↓ move  Enter zoom/detail  / filter  p pause  m model  T theme"
            if state.focus == .alerts { keys = " a ack  A ack+note  s snooze  u undo  e threshold  Enter history  r reload  ? help  q quit" }
            // The hint (e.g. how to point the demo at real logs) matters more than the key list.
            text = state.footerHint.map { " " + $0 + "  │" + keys } ?? keys
        }
        _ = buffer.put(text, x: area.x, y: area.y, style: theme[.statusBar], maxWidth: area.width)
    }
}
