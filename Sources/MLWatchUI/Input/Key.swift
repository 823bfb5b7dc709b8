/// A key press (or terminal event) as the dashboard sees it, independent of the backend.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    /// A printable character (letters keep their case: `.char("G")` is Shift+g).
    case char(Character)
    /// A control chord: `.ctrl("l")` for Ctrl+L (lower-case letter). Ctrl+C normally arrives as SIGINT.
    case ctrl(Character)
    case enter
    case escape
    case tab
    case backTab
    case up
    case down
    case left
    case right
    case shiftLeft
    case shiftRight
    case home
    case end
    case pageUp
    case pageDown
    case backspace
    case delete
    /// The terminal changed size: re-read `TerminalBackend.size` and redraw.
    case resize
    /// A mouse click or wheel step at cell (`x`, `y`).
    case mouse(x: Int, y: Int, button: MouseButton)
    /// A function key, F1 = `.function(1)`.
    case function(Int)

    /// How the key is written in the help overlay and in `KeyBinding`s: `q`, `Enter`, `Shift+Tab`, `←`.
    public var description: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let character): return String(character)
        case .ctrl(let character): return "Ctrl+\(String(character).uppercased())"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift+Tab"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .shiftLeft: return "Shift+←"
        case .shiftRight: return "Shift+→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .resize: return "Resize"
        case .mouse(let x, let y, let button): return "Mouse \(button) at \(x),\(y)"
        case .function(let number): return "F\(number)"
        }
    }
}
