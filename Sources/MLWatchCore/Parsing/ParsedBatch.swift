/// The lines of one `LineBatch`, parsed: what `MonitorState.ingest(_: ParsedBatch)` needs, without the
/// bytes. Made by `EventParser.parse(_: LineBatch)`, so that parsing can run on another thread than the
/// engine (`ParallelIngest`) and still hand the engine exactly what the serial path would, in log order.
public struct ParsedBatch: Sendable {
    /// The log the lines came from.
    public let source: String
    /// The events, in line order, taken out from the front by the engine without copying them (copying
    /// each event out of an array retained and released every field: a quarter of the engine thread's work
    /// in `mlwatch check`; see `ParsedEvents`).
    public let events: ParsedEvents
    /// `requestIDHashes[i]`: the parser's `ByteHash` of `events[i]`'s request id, when it read one (the
    /// label joiner uses it instead of hashing the id again).
    var requestIDHashes: [UInt64?] = []
    /// `times[i]`: `events[i]`'s event time (the engine tests it against the future-event tolerance without
    /// reading the event; see `EventParser.eventTime`).
    var times: [Double] = []
    /// Malformed lines in line order: why, the line as the engine shows it (sanitized, cut), and how many
    /// events came before it in the batch (the engine counts it there: a rule on `malformed_lines_total`
    /// evaluated between two events of the batch must see what the serial path sees).
    public internal(set) var malformed: [(reason: MalformedReason, text: String, afterEvents: Int)] = []
    /// Lines over the length limit the tailer skipped.
    public let skippedTooLong: Int

    init(source: String, skippedTooLong: Int, capacity: Int) {
        self.source = source
        self.skippedTooLong = skippedTooLong
        events = ParsedEvents(capacity: capacity)
        requestIDHashes.reserveCapacity(capacity)
        times.reserveCapacity(capacity)
    }
}

extension EventParser {
    /// Parses every line of a batch, in order.
    /// - Complexity: O(n) in the bytes of the batch.
    public func parse(_ batch: LineBatch) -> ParsedBatch {
        var out = ParsedBatch(source: batch.source, skippedTooLong: batch.skippedTooLong, capacity: batch.lines.count)
        batch.bytes.withUnsafeBufferPointer { buf in
            for r in batch.lines {
                let line = UnsafeBufferPointer(rebasing: buf[r])
                let outcome = parse(line)
                // Consumed, so that the event moves into the array (a copy retains and releases each field).
                switch consume outcome {
                case .blank:
                    continue
                case .malformed(let reason):
                    out.malformed.append((reason, MalformedReason.shown(reason, line: line), out.events.count))
                case .event(let e):
                    out.events.append(consume e)
                    out.requestIDHashes.append(requestIDHash)
                    out.times.append(eventTime)
                }
            }
        }
        return out
    }
}

extension MalformedReason {
    /// How a malformed line is remembered for display: the reason, then the line sanitized and cut.
    static func shown(_ reason: MalformedReason, line: UnsafeBufferPointer<UInt8>) -> String {
        reason.rawValue + ": " + TextSanitizer.sanitize(line, maxCharacters: 160)
    }
}
