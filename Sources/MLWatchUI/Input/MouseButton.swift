/// Which mouse button (or wheel direction) a `Key.mouse` event reports.
public enum MouseButton: String, Hashable, Sendable, CustomStringConvertible {
    case left
    case middle
    case right
    case wheelUp
    case wheelDown

    public var description: String { rawValue }
}
