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
    @exclusivity(unchecked) private var dayCache = TimestampParser.DayCache()
    /// Called with the `ByteHash` of a line's `request_id` as soon as it is read (standard format), before
    /// the rest of the line is parsed: the collector starts loading the label joiner's slot for it then,
    /// so that cache miss overlaps the parse (see `LabelJoiner.prefetchAddress(hash:)`).
    @exclusivity(unchecked) var requestIDSeen: ((UInt64) -> Void)?
    /// The `ByteHash` of the last parsed line's `request_id`, if the fast path read one (the collector hands
    /// it to the label joiner instead of hashing the id again).
    @exclusivity(unchecked) private(set) var requestIDHash: UInt64?
    /// The event time of the last line parsed into an event (the collector tests it against the future-event
    /// tolerance before it takes the event apart: reading it from the event copied the event).
    @exclusivity(unchecked) private(set) var eventTime = 0.0
    /// The top-level keys by position of the last prediction, label and system line (indexed by `Kind`),
    /// and the feature names by position of the last prediction (see `ExpectedKeys`). One memory per kind of
    /// line: the kinds interleave in a log and write different keys, so a shared one would keep missing.
    @exclusivity(unchecked) private var topKeys = [ExpectedKeys<Key>](repeating: ExpectedKeys(positions: 24), count: 3)
    @exclusivity(unchecked) private var featureKeys = ExpectedKeys<Int32>(positions: 64)
    /// Feature names by number and the schemas of the lines so far (see `FeatureSchemaCatalog`).
    @exclusivity(unchecked) private var schemas = FeatureSchemaCatalog()
    @exclusivity(unchecked) private var values = ExpectedValues(sites: StringInterner.hintCount)
    /// Which features are free text (their strings become `.text(length:)`; see `FeatureCardinality`).
    @exclusivity(unchecked) private var cardinality: FeatureCardinality
    /// Keys of the current line that no memory knew (position, raw byte range, meaning): remembered for the
    /// line's kind once the whole line is known to be valid.
    @exclusivity(unchecked) private var missedKeys: [(position: Int, raw: Range<Int>, key: Key)] = []

    /// - Parameter maxCategories: distinct strings a feature may take before its values are free text.
    public init(mapping: FieldMapping = .standard, maxCategories: Int = FeatureCardinality.defaultMaxCategories) {
        self.mapping = mapping
        cardinality = FeatureCardinality(maxCategories: maxCategories)
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
        requestIDHash = nil
        var s = JSONScanner(line)
        s.skipWhitespace()
        if s.atEnd { return .blank }
        do throws(MalformedReason) {
            if s.peek() != 0x7B {
                // A UTF-8 byte order mark (EF BB BF), which some editors and Windows tools put at the start of
                // a file, is not part of the JSON: the line after it is parsed (one BOM; off the hot path).
                if line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF,
                    !(line.count >= 6 && line[3] == 0xEF && line[4] == 0xBB && line[5] == 0xBF)
                {
                    return parse(UnsafeBufferPointer(rebasing: line[3...]))
                }
                // Valid JSON that is not an object is a different mistake from broken JSON.
                try s.skipValue()
                s.skipWhitespace()
                return .malformed(s.atEnd ? .notAnObject : .invalidJSON)
            }
            if mapping.isStandard {
                let outcome = try parseStandard(&s)
                if cardinality.unsettled {
                    var keep = false
                    if case .event(.prediction) = outcome { keep = true }
                    settleCounts(keep: keep)
                }
                return outcome
            }
            let value = try s.parseValue()
            s.skipWhitespace()
            guard s.atEnd else { return .malformed(.invalidJSON) }
            let outcome = try MappedEventBuilder(mapping: mapping).build(value)
            if case .event(let e) = outcome { eventTime = e.timestamp }
            if case .event(.prediction(var p)) = outcome, p.features.contains(where: { $0.value.categoryKey != nil }) {
                p.features = boundedText(p.features)
                settleCounts(keep: true)
                return .event(.prediction(p))
            }
            return outcome
        } catch {
            settleCounts(keep: false)
            return .malformed(error)
        }
    }

    /// Keeps or undoes the distinct values the line counted (`FeatureCardinality.settle`): only accepted
    /// predictions count. Undone values may sit among the remembered spellings, which a later line would
    /// match without counting: all are forgotten then (rare: a malformed line with a new value).
    private func settleCounts(keep: Bool) {
        if cardinality.settle(keep: keep) { values.forgetAll() }
    }

    private enum Kind: Int {
        case prediction, label, system
    }

    /// The key at `position` if a memory knows its bytes: the kind whose memory matched the previous key
    /// (`kindGuess`) first, then the others (a label line starts like a prediction, with `ts`).
    @inline(__always)
    private func knownKey(_ position: Int, _ s: inout JSONScanner, kindGuess: inout Int) -> Key? {
        if let k = topKeys[kindGuess].match(position, &s) { return k }
        for other in 0..<topKeys.count where other != kindGuess {
            if let k = topKeys[other].match(position, &s) {
                kindGuess = other
                return k
            }
        }
        return nil
    }

    /// The top-level keys of the standard format.
    enum Key {
        case ts, timestamp, time, type, model, version, requestID, latency, status, features, prediction, score
        case feedback, label, host, cpu, mem, load, other
    }

    private static func classify(_ key: JSONScanner.StringToken, in s: JSONScanner) -> Key {
        switch s.withBytes(key, { $0.count }) {
        case 2 where s.tokenEquals(key, "ts"): return .ts
        case 9 where s.tokenEquals(key, "timestamp"): return .timestamp
        case 4 where s.tokenEquals(key, "time"): return .time
        case 4 where s.tokenEquals(key, "type"): return .type
        case 5 where s.tokenEquals(key, "model"): return .model
        case 7 where s.tokenEquals(key, "version"): return .version
        case 10 where s.tokenEquals(key, "request_id"): return .requestID
        case 10 where s.tokenEquals(key, "latency_ms"): return .latency
        case 6 where s.tokenEquals(key, "status"): return .status
        case 8 where s.tokenEquals(key, "features"): return .features
        case 10 where s.tokenEquals(key, "prediction"): return .prediction
        case 5 where s.tokenEquals(key, "score"): return .score
        case 8 where s.tokenEquals(key, "feedback"): return .feedback
        case 5 where s.tokenEquals(key, "label"): return .label
        case 4 where s.tokenEquals(key, "host"): return .host
        case 7 where s.tokenEquals(key, "cpu_pct"): return .cpu
        case 6 where s.tokenEquals(key, "mem_mb"): return .mem
        case 5 where s.tokenEquals(key, "load1"): return .load
        default: return .other
        }
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

    /// The string value the scanner stands at (at its opening quote), for interner call site `hint`: one of
    /// the spellings last seen there (`ExpectedValues`), else scanned, interned and remembered.
    private func internedValue(_ s: inout JSONScanner, hint: Int) throws(MalformedReason) -> String {
        if let known = values.match(hint, owner: 0, &s) { return known }
        let start = s.i
        let t = try s.parseString()
        let value = internString(&s, t, hint: hint)
        values.remember(hint, owner: 0, raw: UnsafeBufferPointer(rebasing: s.bytes[start..<s.i]), value: value)
        return value
    }

    /// A feature's string value (the scanner at its opening quote): its length once the feature is free
    /// text, else a remembered spelling or the interned string (see `internedValue`). Each spelling that
    /// reaches the interner is counted towards the feature's distinct values (those matched by
    /// `ExpectedValues` were counted when this feature first wrote them: a spelling matches only the feature
    /// that remembered it, whatever else stood at this position since).
    @inline(__always)
    private func featureString(_ s: inout JSONScanner, feature id: Int32, hint: Int) throws(MalformedReason) -> FeatureValue {
        if cardinality.isText(id) { return .text(length: Self.characterCount(try s.parseString(), in: s)) }
        if let known = values.match(hint, owner: id, &s) { return .string(known) }
        let start = s.i
        let t = try s.parseString()
        if cardinality.note(id, hash: s.withBytes(t) { ByteHash.hash($0) }) {
            return .text(length: Self.characterCount(t, in: s))
        }
        let value = internString(&s, t, hint: hint)
        values.remember(hint, owner: id, raw: UnsafeBufferPointer(rebasing: s.bytes[start..<s.i]), value: value)
        return .string(value)
    }

    /// The length of a string token in characters, as `String.count` counts them, without making the
    /// string when it is ASCII with no carriage return (each byte is then one grapheme cluster; a raw token
    /// cannot hold a CR, JSON forbids control bytes in strings). Eight bytes at a time: a note of 40 bytes
    /// took ~300 instructions byte by byte.
    static func characterCount(_ t: JSONScanner.StringToken, in s: JSONScanner) -> Int {
        s.withBytes(t) { b in
            guard let base = b.baseAddress.map(UnsafeRawPointer.init) else { return 0 }
            var escapedCR = false
            if case .decoded = t { escapedCR = b.contains(0x0D) }
            var i = 0
            var high: UInt64 = 0
            while i + 8 <= b.count {
                high |= base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                i += 8
            }
            while i < b.count {
                high |= UInt64(base.load(fromByteOffset: i, as: UInt8.self))
                i += 1
            }
            let ascii = high & 0x8080_8080_8080_8080 == 0
            return ascii && !escapedCR ? b.count : String(decoding: b, as: UTF8.self).count
        }
    }

    /// The features of a mapped line with the strings of free-text features as `.text(length:)`.
    private func boundedText(_ row: FeatureRow) -> FeatureRow {
        FeatureRow(row.map { entry -> FeatureEntry in
            guard case .string(let v) = entry.value else { return entry }
            let id = schemas.number(of: entry.name)
            guard cardinality.isText(id) || cardinality.note(id, hash: ByteHash.hash(v)) else { return entry }
            return FeatureEntry(name: entry.name, value: .text(length: v.count))
        })
    }

    private func parseStandard(_ s: inout JSONScanner) throws(MalformedReason) -> ParseOutcome {
        s.i += 1
        // (Left over from a line that turned out malformed, if any.)
        if !missedKeys.isEmpty { missedKeys.removeAll(keepingCapacity: true) }
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
        var features = FeatureRow()
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
            var position = 0
            var kindGuess = Kind.prediction.rawValue
            while true {
                s.skipWhitespace()
                let key: Key
                if let known = knownKey(position, &s, kindGuess: &kindGuess) {
                    key = known
                } else {
                    let start = s.i
                    key = Self.classify(try s.parseString(), in: s)
                    missedKeys.append((position, start..<s.i, key))
                }
                position += 1
                try s.expect(0x3A)
                s.skipWhitespace()
                switch key {
                case .ts:
                    ts = try parseTimestamp(&s)
                case .timestamp:
                    tsTimestamp = try parseTimestamp(&s)
                case .time:
                    tsTime = try parseTimestamp(&s)
                case .type:
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
                case .model:
                    model = try parseText(&s, hint: Hint.model) ?? "default"
                case .version:
                    version = try parseText(&s, hint: Hint.version) ?? ""
                case .requestID:
                    requestID = try parseText(&s, hint: nil)
                    requestIDHash = requestID.map { ByteHash.hash($0) }
                    if let requestIDSeen, let requestIDHash { requestIDSeen(requestIDHash) }
                case .latency:
                    latency = try parseOptionalNumber(&s)
                case .status:
                    status = try parseText(&s, hint: Hint.status)
                case .features:
                    features = try parseFeatures(&s)
                case .prediction:
                    prediction = try parseOutput(&s, hint: Hint.prediction)
                case .score:
                    score = try parseOptionalNumber(&s)
                case .feedback:
                    feedback = try parseText(&s, hint: Hint.feedback)
                case .label:
                    label = try parseOutput(&s, hint: Hint.label)
                case .host:
                    host = try parseText(&s, hint: Hint.host) ?? ""
                case .cpu:
                    cpu = try parseOptionalNumber(&s)
                case .mem:
                    mem = try parseOptionalNumber(&s)
                case .load:
                    load = try parseOptionalNumber(&s)
                case .other:
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
        if !missedKeys.isEmpty {
            for m in missedKeys {
                topKeys[kind.rawValue].remember(m.position, raw: UnsafeBufferPointer(rebasing: s.bytes[m.raw]), meaning: m.key)
            }
            missedKeys.removeAll(keepingCapacity: true)
        }
        let time: Double
        switch ts ?? tsTimestamp ?? tsTime {
        case nil: return .malformed(.missingTimestamp)
        case .invalid?: return .malformed(.invalidTimestamp)
        case .outOfRange?: return .malformed(.timestampOutOfRange)
        case .valid(let t)?:
            time = t
            eventTime = t
        }
        switch kind {
        case .prediction:
            return .event(.prediction(PredictionEvent(
                timestamp: time, model: model, version: version, requestID: requestID, latencyMs: latency,
                status: status, features: features, prediction: prediction, score: score, feedback: feedback,
                inlineLabel: label)))
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
        /// Parses, but outside `TimestampParser.plausibleRange`.
        case outOfRange

        init(_ t: Double) {
            self = TimestampParser.plausibleRange.contains(t) ? .valid(t) : .outOfRange
        }
    }

    private func parseTimestamp(_ s: inout JSONScanner) throws(MalformedReason) -> Stamp {
        switch s.peek() {
        case 0x22:
            let t = try s.parseString()
            if let v = s.withBytes(t, { TimestampParser.parse($0, cache: &dayCache) }) { return Stamp(v) }
            return .invalid
        case 0x2D?, 0x30?, 0x31?, 0x32?, 0x33?, 0x34?, 0x35?, 0x36?, 0x37?, 0x38?, 0x39?, 0x49?, 0x4E?:  // a number, NaN, Infinity
            return Stamp(TimestampParser.epochSeconds(try s.parseNumber()))
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
            guard let hint else {
                // Two statements: in `s.string(try s.parseString())` the receiver is read before the
                // argument runs, so a decoded (escaped) string came from the old scratch buffer.
                let t = try s.parseString()
                return s.string(t)
            }
            return try internedValue(&s, hint: hint)
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
            let text = try internedValue(&s, hint: hint)
            return text.isEmpty ? .null : .label(text)
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

    private func parseFeatures(_ s: inout JSONScanner) throws(MalformedReason) -> FeatureRow {
        guard s.peek() == 0x7B else {
            try s.skipValue()
            return FeatureRow()
        }
        s.i += 1
        s.skipWhitespace()
        if s.peek() == 0x7D {
            s.i += 1
            return FeatureRow()
        }
        var values: [FeatureValue] = []
        values.reserveCapacity(lastFeatureCount)
        // The last line's schema: while this line's names agree with it, nothing else is built.
        let expected = schemas.current
        // This line's name numbers once they differ from `expected` (nil while they agree), and the names
        // the catalog had no number for.
        var diverged: [Int32]?
        var spelled: [(position: Int, name: String)] = []
        while true {
            s.skipWhitespace()
            let k = values.count
            let id: Int32
            if let known = featureKeys.match(k, &s) {
                id = known
            } else {
                let start = s.i
                let keyToken = try s.parseString()
                let name = internString(&s, keyToken, hint: Hint.featureName(k))
                id = schemas.number(of: name)
                if id == FeatureSchemaCatalog.uncatalogued {
                    spelled.append((k, name))
                    featureKeys.forget(k)
                } else {
                    featureKeys.remember(k, raw: UnsafeBufferPointer(rebasing: s.bytes[start..<s.i]), meaning: id)
                }
            }
            if diverged != nil {
                diverged!.append(id)
            } else if k >= expected.ids.count || expected.ids[k] != id {
                diverged = Array(expected.ids.prefix(k)) + [id]
            }
            try s.expect(0x3A)
            s.skipWhitespace()
            let value: FeatureValue
            switch s.peek() {
            case 0x22:
                value = try featureString(&s, feature: id, hint: Hint.featureValue(k))
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
            values.append(value)
            s.skipWhitespace()
            guard let c = s.peek() else { throw .invalidJSON }
            s.i += 1
            if c == 0x7D { break }
            guard c == 0x2C else { throw .invalidJSON }
        }
        lastFeatureCount = values.count
        if diverged == nil && values.count == expected.ids.count {
            return FeatureRow(schema: expected, values: values)
        }
        let ids = diverged ?? Array(expected.ids.prefix(values.count))
        return FeatureRow(schema: schemas.schema(ids: ids, spelled: spelled), values: values)
    }
}
