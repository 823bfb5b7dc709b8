import Foundation

/// A recorded log held in memory for replay: every line of the logs in file order, parsed once, with
/// the event time at which it is due.
///
/// Lines are parsed when loaded (the parse is needed anyway for the timestamps), so a replay, and every
/// rebuild after a backward seek, feeds ready `Event`s to `MonitorState.ingest(_:)`, which is what
/// `ingestLine` does after parsing: the state sees the same events in the same order as `mlwatch check`.
/// Malformed lines are kept as raw bytes and go through `MonitorState.ingestLine`, so they are counted
/// and shown exactly as in a live run; lines skipped for their length are kept as markers. Blank lines
/// are dropped (the state ignores them).
///
/// Memory: about 0.5 KB per prediction with 7 features (1M events ≈ 0.5 GB), one `Double` per line for
/// the due times.
public struct ReplaySource: Sendable {
    /// One line of the recording.
    public enum Entry: Sendable, Equatable {
        case event(Event)
        /// An event stamped too far ahead (see `settleFutureEvents`): the replayed state counts it as
        /// future, for the log it came from (nil: the state's own source), and does not place it, as
        /// `mlwatch check` would have.
        case future(Event, source: String?)
        /// A line that does not parse, as read.
        case malformed([UInt8])
        /// Lines over the length limit that the tailer skipped (counted as malformed `tooLong`).
        case skippedTooLong(count: Int, source: String)
    }

    public private(set) var entries: [Entry] = []
    /// When each entry is due: the newest event time up to and including it, in file order. Never
    /// decreases, so an out-of-order event is replayed in its file position, right after its
    /// predecessors. Entries before the first timestamp get the first timestamp. Events stamped too far
    /// ahead (see `settleFutureEvents`) do not move it.
    public private(set) var dueTimes: [Double] = []
    public private(set) var sources: [String]
    private var newest = -Double.infinity
    /// The log each entry came from: `sourceStarts[k].source` from entry `sourceStarts[k].index` on (batches
    /// come file by file). Empty for a source built from lines.
    private var sourceStarts: [(index: Int, source: String)] = []

    public init(sources: [String] = []) {
        self.sources = sources
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    /// Due time of the first and the last entry (nil when empty).
    public var startTime: Double? { dueTimes.first }
    public var endTime: Double? { dueTimes.last }

    /// Reads every log to its end (`.gz` too) through `LogTailer.readToEnd`, parsing with `mapping`.
    /// - Parameter to: drop everything due after this event time (`--to`).
    /// - Complexity: O(n) in the bytes of the logs.
    /// - Parameter maxCategories: see `FeatureCardinality` (the config's `max_categories`).
    /// - Parameters maxFuture, now: see `settleFutureEvents` (`now`: the wall clock, injected by the caller:
    ///   the command line passes `HostClock.system.wall()`, tests a fixed time).
    public static func load(paths: [String], mapping: FieldMapping = .standard, maxLineBytes: Int = 1 << 20,
                            to: Double? = nil, maxCategories: Int = FeatureCardinality.defaultMaxCategories,
                            maxFuture: Double = CollectorOptions.defaultMaxFuture,
                            now: Double)
        throws(TailerError) -> ReplaySource
    {
        var source = ReplaySource(sources: paths)
        let parser = EventParser(mapping: mapping, maxCategories: maxCategories)
        let tailer = try LogTailer(paths: paths, options: TailerOptions(fromStart: true, maxLineBytes: maxLineBytes, follow: false))
        try tailer.readToEnd { batch in source.append(batch, parser: parser) }
        source.settleFutureEvents(maxFuture: maxFuture, now: now)
        if let to { source.truncate(after: to) }
        return source
    }

    /// Builds a source from lines (tests). `now`: see `settleFutureEvents`.
    public init(lines: [String], mapping: FieldMapping = .standard, maxFuture: Double = CollectorOptions.defaultMaxFuture,
                now: Double) {
        self.init(sources: ["-"])
        let parser = EventParser(mapping: mapping)
        for line in lines {
            var copy = line
            copy.withUTF8 { append(line: UnsafeBufferPointer(rebasing: $0[...]), parser: parser) }
        }
        settleFutureEvents(maxFuture: maxFuture, now: now)
    }

    /// Judges the events stamped too far ahead once, over the whole recording, with the rules `mlwatch check`
    /// applies (`FutureEventGuard`): they become `.future` entries, due with the entry before them, so that a
    /// line a year ahead neither makes the replay wait a year nor moves `--from`/`--to`, and the replayed
    /// state (mode `.replay`) places every other event at once instead of holding lines after a jump (the
    /// judgment looked ahead already). Labels move the due time only within `maxFuture` of the newest
    /// event. Call after the last `append`.
    /// - Parameter now: the wall clock (seconds since the epoch), for the lines still held at the end.
    /// - Complexity: O(n) in the entries.
    public mutating func settleFutureEvents(maxFuture: Double, now: Double) {
        var sentry = FutureEventGuard<Int>(maxFuture: maxFuture, mode: .recorded)
        var placed = [Bool](repeating: false, count: entries.count)
        var placedNewest = -Double.infinity
        func place(_ e: consuming Event?, _ i: Int) {
            placed[i] = true
            guard let e else { return }
            if case .label = e { return }
            placedNewest = max(placedNewest, e.timestamp)
        }
        for i in entries.indices {
            guard case .event(let e) = entries[i] else { continue }
            let isLabel = if case .label = e { true } else { false }
            if isLabel ? !sentry.isHolding : sentry.isOnTime(e.timestamp, newest: placedNewest) {
                place(e, i)
            } else if TimestampParser.plausibleRange.contains(e.timestamp) {
                sentry.admit(e, tag: i, source: "", newest: { placedNewest }, wallClock: { now }, place: place)
            }
        }
        sentry.finish(newest: { placedNewest }, wallClock: { now }, place: place)
        if sentry.total > 0 {
            var run = -1
            for i in entries.indices where !placed[i] {
                while run + 1 < sourceStarts.count, sourceStarts[run + 1].index <= i { run += 1 }
                if case .event(let e) = entries[i], TimestampParser.plausibleRange.contains(e.timestamp) {
                    entries[i] = .future(e, source: run >= 0 ? sourceStarts[run].source : nil)
                }
            }
        }
        // The due times again, from the events that move event time.
        dueTimes.removeAll(keepingCapacity: true)
        newest = -.infinity
        for (i, entry) in entries.enumerated() {
            var time: Double?
            if case .event(let e) = entry, placed[i] {
                if case .label = e {
                    if newest == -.infinity || e.timestamp <= newest + maxFuture { time = e.timestamp }
                } else {
                    time = e.timestamp
                }
            }
            due(time)
        }
    }

    /// Appends a batch of lines in file order.
    public mutating func append(_ batch: LineBatch, parser: EventParser) {
        if sourceStarts.last?.source != batch.source { sourceStarts.append((entries.count, batch.source)) }
        batch.bytes.withUnsafeBufferPointer { buf in
            for r in batch.lines { append(line: UnsafeBufferPointer(rebasing: buf[r]), parser: parser) }
        }
        if batch.skippedTooLong > 0 {
            add(.skippedTooLong(count: batch.skippedTooLong, source: batch.source), time: nil)
        }
    }

    /// Appends one line.
    public mutating func append(line: UnsafeBufferPointer<UInt8>, parser: EventParser) {
        switch parser.parse(line) {
        case .blank: return
        case .malformed: add(.malformed(Array(line)), time: nil)
        case .event(let e): add(.event(e), time: e.timestamp)
        }
    }

    private mutating func add(_ entry: Entry, time: Double?) {
        entries.append(entry)
        due(time)
    }

    /// Appends the due time of an entry whose event (if any) is at `time`.
    private mutating func due(_ time: Double?) {
        if let time, time.isFinite, time > newest {
            if newest == -.infinity {
                // The first timestamp: entries before it are due then.
                for i in dueTimes.indices { dueTimes[i] = time }
            }
            newest = time
        }
        dueTimes.append(newest == -.infinity ? 0 : newest)
    }

    /// Drops the entries due after `time`.
    public mutating func truncate(after time: Double) {
        let n = ReplaySource.upperBound(dueTimes, time)
        entries.removeSubrange(n...)
        dueTimes.removeSubrange(n...)
    }

    /// The number of entries due at or before `time` (entries `0..<n` are due).
    /// - Complexity: O(log n).
    public func dueCount(at time: Double) -> Int { ReplaySource.upperBound(dueTimes, time) }

    static func upperBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Feeds entry `index` to a state, as `MonitorState.ingest(_: LineBatch)` would have.
    public func feed(_ index: Int, to state: MonitorState) {
        switch entries[index] {
        case .event(let e): state.ingest(e)
        case .future(_, let source): state.countFuture(source: source)
        case .malformed(let bytes): bytes.withUnsafeBufferPointer { state.ingestLine($0) }
        case .skippedTooLong(let count, let source):
            state.ingest(LineBatch(source: source, bytes: [], lines: [], skippedTooLong: count))
        }
    }
}
