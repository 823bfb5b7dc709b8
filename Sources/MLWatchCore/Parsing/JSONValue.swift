/// A generic JSON value, used only off the hot path: for configured field mappings with dotted paths.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Follows a dotted path (`output.label`) through nested objects.
    public func value(at path: [Substring]) -> JSONValue? {
        var current = self
        for component in path {
            guard case .object(let members) = current,
                let next = members.last(where: { $0.0 == component })?.1
            else { return nil }
            current = next
        }
        return current
    }

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y || (x.isNaN && y.isNaN)
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }
}
