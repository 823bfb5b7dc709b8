/// Turns one log line into an `Event`, or says why it cannot.
///
/// The standard log format takes a fast path over the raw bytes (`JSONScanner`); configured field
/// mappings parse the line into a `JSONValue` tree and follow the dotted paths. Not thread-safe: each
/// collector owns one parser (it keeps an intern table of repeated strings).
public final class EventParser {
    public let mapping: FieldMapping
    // `@exclusivity(unchecked)`: these are touched only from `parse` (one caller at a time by contract),
    // and the run-time exclusivity checks on a class's stored properties (`swift_beginAccess`, a
    // thread-local access set) cost ~3 % of parse + ingest, once per interned string.
    @exclusivity(unchecked) private var interner = StringInterner()
    @exclusivity(unchecked) private var lastFeatureCount = 8

    public init(mapping: FieldMapping = .standard) {
        self.mapping = mapping
    }

    public func parse(_ line: String) -> ParseOutcome {
        var copy = line
        return copy.withUTF8 { parse(UnsafeBufferPointer(rebasing: $0[...])) }
    }

    public func parse(_ line: [UInt8]) -> ParseOutcome {
        line.withUnsafeBufferPointer { parse($0) }
    }

    /// - Complexity: O(n) in the line length.
    public func parse(_ line: UnsafeBufferPointer<UInt8>) -> ParseOutcome {
        var s = JSONScanner(line)
        s.skipWhitespace()
        if s.atEnd { return .blank }
        do throws(MalformedReason) {
            if s.peek() != 0x7B {
                // Valid JSON that is not an object is a different mistake from broken JSON.
                try s.skipValue()
                s.skipWhitespace()
                return .malformed(s.atEnd ? .notAnObject : .invalidJSON)
            }
            if mapping.isStandard {
                return try parseStandard(&s)
            }
            let value = try s.parseValue()
            s.skipWhitespace()
            guard s.atEnd else { return .malformed(.invalidJSON) }
            return try MappedEventBuilder(mapping: mapping).build(value)
        } catch {
            return .malformed(error)
        }
    }

    private enum Kind {
        case prediction, label, system
    }

    /// Interner call sites (`StringInterner.intern(_:hint:)`): fixed fields, then two per feature position.
    private enum Hint {
        static let model = 0, version = 1, status = 2, feedback = 3, host = 4, prediction = 5, label = 6
        static func featureName(_ k: Int) -> Int { 8 + 2 * k }
        static func featureValue(_ k: Int) -> Int { 9 + 2 * k }
    }

    private func internString(_ s: inout JSONScanner, _ token: JSONScanner.StringToken, hint: Int) -> String {
        s.withBytes(token) { interner.intern($0, hint: hint) }
    }

    private func parseStandard(_ s: inout JSONScanner) throws(MalformedReason) -> ParseOutcome {
        s.i += 1
        // Each timestamp key separately: `ts` wins over `timestamp` over `time` whatever their order in
        // the line (as on the mapped path); a later duplicate of a key replaces an earlier one.
        var ts: Stamp?
        var tsTimestamp: Stamp?
        var tsTime: Stamp?
        var kind = Kind.prediction
        var model = "default"
        var version = ""
        var requestID: String?
        var latency: Double?
        var status: String?
        var features: [FeatureEntry] = []
        var prediction = OutputValue.null
        var score: Double?
        var feedback: String?
        var label: OutputValue?
        var host = ""
        var cpu: Double?
        var mem: Double?
        var load: Double?

        s.skipWhitespace()
        if s.peek() == 0x7D {
            s.i += 1
        } else {
            while true {
                s.skipWhitespace()
                let key = try s.parseString()
                try s.expect(0x3A)
                s.skipWhitespace()
                switch s.withBytes(key, { $0.count }) {
                case 2 where s.tokenEquals(key, "ts"):
                    ts = try parseTimestamp(&s)
                case 9 where s.tokenEquals(key, "timestamp"):
                    tsTimestamp = try parseTimestamp(&s)
                case 4 where s.tokenEquals(key, "time"):
                    tsTime = try parseTimestamp(&s)
                case 4 where s.tokenEquals(key, "type"):
                    // Every key (duplicates included) takes the value of its last occurrence, as on the
                    // mapped path: a later `"type"` that is not label/system makes a prediction again.
                    kind = .prediction
                    if s.peek() == 0x22 {
                        let t = try s.parseString()
                        if s.tokenEquals(t, "label") {
                            kind = .label
                        } else if s.tokenEquals(t, "system") {
                            kind = .system
                        }
                    } else {
                        try s.skipValue()
                    }
                case 5 where s.tokenEquals(key, "model"):
                    model = try parseText(&s, hint: Hint.model) ?? "default"
                case 7 where s.tokenEquals(key, "version"):
                    version = try parseText(&s, hint: Hint.version) ?? ""
                case 10 where s.tokenEquals(key, "request_id"):
                    requestID = try parseText(&s, hint: nil)
                case 10 where s.tokenEquals(key, "latency_ms"):
                    latency = try parseOptionalNumber(&s)
                case 6 where s.tokenEquals(key, "status"):
                    status = try parseText(&s, hint: Hint.status)
                case 8 where s.tokenEquals(key, "features"):
                    features = try parseFeatures(&s)
                case 10 where s.tokenEquals(key, "prediction"):
                    prediction = try parseOutput(&s, hint: Hint.prediction)
                case 5 where s.tokenEquals(key, "score"):
                    score = try parseOptionalNumber(&s)
                case 8 where s.tokenEquals(key, "feedback"):
                    feedback = try parseText(&s, hint: Hint.feedback)
                case 5 where s.tokenEquals(key, "label"):
                    label = try parseOutput(&s, hint: Hint.label)
                case 4 where s.tokenEquals(key, "host"):
                    host = try parseText(&s, hint: Hint.host) ?? ""
                case 7 where s.tokenEquals(key, "cpu_pct"):
                    cpu = try parseOptionalNumber(&s)
                case 6 where s.tokenEquals(key, "mem_mb"):
                    mem = try parseOptionalNumber(&s)
                case 5 where s.tokenEquals(key, "load1"):
                    load = try parseOptionalNumber(&s)
                default:
                    try s.skipValue()
                }
                s.skipWhitespace()
                guard let c = s.peek() else { throw .invalidJSON }
                s.i += 1
                if c == 0x7D { break }
                guard c == 0x2C else { throw .invalidJSON }
            }
        }
        s.skipWhitespace()
        guard s.atEnd else { throw .invalidJSON }
        let time: Double
        switch ts ?? tsTimestamp ?? tsTime {
        case nil: return .malformed(.missingTimestamp)
        case .invalid?: return .malformed(.invalidTimestamp)
        case .valid(let t)?: time = t
        }
        switch kind {
        case .prediction:
            return .event(
                .prediction(
                    PredictionEvent(
                        timestamp: time, model: model, version: version, requestID: requestID, latencyMs: latency,
                        status: status, features: features, prediction: prediction, score: score,
                        feedback: feedback, inlineLabel: label)))
        case .label:
            guard let rid = requestID, let l = label else { return .malformed(.missingField) }
            return .event(.label(LabelEvent(timestamp: time, requestID: rid, label: l)))
        case .system:
            return .event(.system(SystemEvent(timestamp: time, host: host, cpuPct: cpu, memMB: mem, load1: load)))
        }
    }

    /// A timestamp value as found in the line.
    private enum Stamp {
        case valid(Double)
        case invalid
    }

    private func parseTimestamp(_ s: inout JSONScanner) throws(MalformedReason) -> Stamp {
        switch s.peek() {
        case 0x22:
            let t = try s.parseString()
            if let v = s.withBytes(t, { TimestampParser.parse($0) }) { return .valid(v) }
            return .invalid
        case 0x2D?, 0x30?, 0x31?, 0x32?, 0x33?, 0x34?, 0x35?, 0x36?, 0x37?, 0x38?, 0x39?, 0x49?, 0x4E?:  // a number, NaN, Infinity
            let n = try s.parseNumber()
            if let v = TimestampParser.fromEpoch(n) { return .valid(v) }
            return .invalid
        default:
            // null, booleans, objects and arrays are valid JSON but not timestamps (this used to try
            // them as numbers, so `"ts":true` counted as invalid JSON).
            try s.skipValue()
            return .invalid
        }
    }

    /// A string (or a number or boolean written as text); nil for null.
    /// - Parameter hint: the interner call site, or nil not to intern (high-cardinality request ids).
    private func parseText(_ s: inout JSONScanner, hint: Int?) throws(MalformedReason) -> String? {
        switch s.peek() {
        case 0x22:
            let t = try s.parseString()
            guard let hint else { return s.string(t) }
            return internString(&s, t, hint: hint)
        case 0x6E:
            try s.literal("null")
            return nil
        case 0x74:
            try s.literal("true")
            return "true"
        case 0x66:
            try s.literal("false")
            return "false"
        case 0x7B, 0x5B:
            try s.skipValue()
            return nil
        default:
            return OutputValue.number(try s.parseNumber()).classKey
        }
    }

    private func parseOptionalNumber(_ s: inout JSONScanner) throws(MalformedReason) -> Double? {
        switch s.peek() {
        case 0x6E:
            try s.literal("null")
            return nil
        case 0x22, 0x7B, 0x5B, 0x74, 0x66:
            try s.skipValue()
            return nil
        default:
            return try s.parseNumber()
        }
    }

    private func parseOutput(_ s: inout JSONScanner, hint: Int) throws(MalformedReason) -> OutputValue {
        switch s.peek() {
        case 0x22:
            let t = try s.parseString()
            if s.withBytes(t, { $0.isEmpty }) { return .null }
            return .label(internString(&s, t, hint: hint))
        case 0x6E:
            try s.literal("null")
            return .null
        case 0x74:
            try s.literal("true")
            return .label("true")
        case 0x66:
            try s.literal("false")
            return .label("false")
        case 0x7B, 0x5B:
            try s.skipValue()
            return .null
        default:
            let n = try s.parseNumber()
            return n.isNaN ? .null : .number(n)
        }
    }

    private func parseFeatures(_ s: inout JSONScanner) throws(MalformedReason) -> [FeatureEntry] {
        guard s.peek() == 0x7B else {
            try s.skipValue()
            return []
        }
        s.i += 1
        var entries: [FeatureEntry] = []
        entries.reserveCapacity(lastFeatureCount)
        s.skipWhitespace()
        if s.peek() == 0x7D {
            s.i += 1
            return entries
        }
        while true {
            s.skipWhitespace()
            let keyToken = try s.parseString()
            let k = entries.count
            let name = internString(&s, keyToken, hint: Hint.featureName(k))
            try s.expect(0x3A)
            s.skipWhitespace()
            let value: FeatureValue
            switch s.peek() {
            case 0x22:
                let t = try s.parseString()
                value = .string(internString(&s, t, hint: Hint.featureValue(k)))
            case 0x6E:
                try s.literal("null")
                value = .missing
            case 0x74:
                try s.literal("true")
                value = .bool(true)
            case 0x66:
                try s.literal("false")
                value = .bool(false)
            case 0x7B, 0x5B:
                // Nested values are not features we can summarise; count them as missing.
                try s.skipValue()
                value = .missing
            default:
                value = .number(try s.parseNumber())
            }
            entries.append(FeatureEntry(name: name, value: value))
            s.skipWhitespace()
            guard let c = s.peek() else { throw .invalidJSON }
            s.i += 1
            if c == 0x7D { break }
            guard c == 0x2C else { throw .invalidJSON }
        }
        lastFeatureCount = entries.count
        return entries
    }
}
