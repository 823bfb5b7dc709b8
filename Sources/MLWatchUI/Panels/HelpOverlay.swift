/// A centred box listing every key binding, by context (the same table the dashboard matches keys with).
struct HelpOverlay {
    let theme: Theme
    let keyMap: KeyMap

    func render(into buffer: inout ScreenBuffer, area: Rect) {
        var lines: [(String, Bool)] = []
        for context in keyMap.contexts {
            lines.append((context, true))
            for b in keyMap.bindings(in: context) {
                lines.append(("  " + DisplayWidth.pad(b.keyDescription, toWidth: 16) + b.action, false))
            }
        }
        let width = min(area.width - 2, max(44, (lines.map { DisplayWidth.of($0.0) }.max() ?? 0) + 4))
        let height = min(area.height - 2, lines.count + 3)
        guard width > 10, height > 3 else { return }
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box, style: theme[.helpOverlay])
        let inner = buffer.drawBox(box, title: "Help · keys (? or Esc closes)", style: theme[.helpOverlay],
                                   titleStyle: theme[.helpOverlay].bolded(), characters: .rounded)
        for (i, (text, isHeading)) in lines.prefix(inner.height).enumerated() {
            _ = buffer.put(text, x: inner.x + 1, y: inner.y + i,
                           style: isHeading ? theme[.helpOverlay].bolded() : theme[.helpOverlay], maxWidth: inner.width - 1)
        }
        if lines.count > inner.height {
            _ = buffer.put("… (enlarge the terminal to see all keys)", x: inner.x + 1, y: inner.maxY - 1,
                           style: theme[.helpOverlay], maxWidth: inner.width - 1)
        }
    }
}
