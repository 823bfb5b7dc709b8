/// Builds an `Event` from a generic JSON tree by following a `FieldMapping`'s dotted paths
/// (the slow path, used only when the config maps fields).
struct MappedEventBuilder {
    let mapping: FieldMapping

    private func value(_ root: JSONValue, _ field: FieldMapping.Field) -> JSONValue? {
        root.value(at: mapping.path(field))
    }

    private func text(_ v: JSONValue?) -> String? {
        switch v {
        case .string(let s): return s
        case .number(let n): return OutputValue.number(n).classKey
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    private func number(_ v: JSONValue?) -> Double? {
        if case .number(let n) = v { return n }
        return nil
    }

    private func output(_ v: JSONValue?) -> OutputValue {
        switch v {
        case .string(let s): return s.isEmpty ? .null : .label(s)
        case .number(let n): return n.isNaN ? .null : .number(n)
        case .bool(let b): return .label(b ? "true" : "false")
        default: return .null
        }
    }

    func build(_ root: JSONValue) throws(MalformedReason) -> ParseOutcome {
        guard case .object = root else { return .malformed(.notAnObject) }
        var tsValue = value(root, .ts)
        if tsValue == nil, mapping.path(.ts) == ["ts"] {
            tsValue = root.value(at: ["timestamp"]) ?? root.value(at: ["time"])
        }
        let time: Double
        switch tsValue {
        case .none: return .malformed(.missingTimestamp)
        case .string(let s)?:
            var copy = s
            guard let t = copy.withUTF8({ buf -> Double? in
                var cache = TimestampParser.DayCache()
                return TimestampParser.parse(UnsafeBufferPointer(rebasing: buf[...]), cache: &cache)
            }) else { return .malformed(.invalidTimestamp) }
            guard TimestampParser.plausibleRange.contains(t) else { return .malformed(.timestampOutOfRange) }
            time = t
        case .number(let n)?:
            let t = TimestampParser.epochSeconds(n)
            guard TimestampParser.plausibleRange.contains(t) else { return .malformed(.timestampOutOfRange) }
            time = t
        default: return .malformed(.invalidTimestamp)
        }
        switch text(value(root, .type)) {
        case "label":
            guard let rid = text(value(root, .requestID)), let l = value(root, .label) else {
                return .malformed(.missingField)
            }
            return .event(.label(LabelEvent(timestamp: time, requestID: rid, label: output(l))))
        case "system":
            return .event(
                .system(
                    SystemEvent(
                        timestamp: time, host: text(value(root, .host)) ?? "", cpuPct: number(value(root, .cpuPct)),
                        memMB: number(value(root, .memMB)), load1: number(value(root, .load1)))))
        default:
            var features: [FeatureEntry] = []
            if case .object(let members)? = value(root, .features) {
                for (name, v) in members {
                    let fv: FeatureValue
                    switch v {
                    case .number(let n): fv = .number(n)
                    case .string(let s): fv = .string(s)
                    case .bool(let b): fv = .bool(b)
                    default: fv = .missing
                    }
                    features.append(FeatureEntry(name: name, value: fv))
                }
            }
            let label = value(root, .label).map(output)
            return .event(
                .prediction(
                    PredictionEvent(
                        timestamp: time, model: text(value(root, .model)) ?? "default",
                        version: text(value(root, .version)) ?? "", requestID: text(value(root, .requestID)),
                        latencyMs: number(value(root, .latencyMs)), status: text(value(root, .status)),
                        features: FeatureRow(features), prediction: output(value(root, .prediction)),
                        score: number(value(root, .score)), feedback: text(value(root, .feedback)),
                        inlineLabel: label)))
        }
    }
}
