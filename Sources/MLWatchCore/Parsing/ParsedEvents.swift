/// The events of one `ParsedBatch`, in line order, handed from the parser's thread to the engine's: the
/// parser appends each event (moved in), the engine takes each out from the front (moved out).
///
/// A class over raw storage rather than a `Deque`: a `Deque` taken out of the batch is not known to be
/// uniquely referenced once it has passed through the hand-over channel (its `Item` enum and the pattern
/// binding each hold it), so the first `popFirst` copied the whole batch, retaining and releasing every
/// field of every event (`Deque._makeUniqueCopy`: ~5 % of the engine thread of `mlwatch check` in `perf`).
/// Here an event is moved exactly once in and once out, whatever references the batch.
/// - Important: one writer (before the hand-over), then one reader; not for concurrent use.
public final class ParsedEvents: @unchecked Sendable {
    private var base: UnsafeMutablePointer<Event>
    private var capacity: Int
    /// Events appended; those before `head` were taken out.
    public private(set) var count = 0
    private var head = 0

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        (base + head).deinitialize(count: count - head)
        base.deallocate()
    }

    /// Events not taken out yet.
    public var remaining: Int { count - head }

    /// Moves `e` in at the end.
    /// - Complexity: amortized O(1).
    func append(_ e: consuming Event) {
        if count == capacity {
            let bigger = UnsafeMutablePointer<Event>.allocate(capacity: capacity * 2)
            (bigger + head).moveInitialize(from: base + head, count: count - head)
            base.deallocate()
            base = bigger
            capacity *= 2
        }
        (base + count).initialize(to: e)
        count += 1
    }

    /// Moves the oldest event not taken yet out, nil when all were taken.
    /// - Complexity: O(1).
    public func popFirst() -> Event? {
        guard head < count else { return nil }
        head += 1
        return (base + head - 1).move()
    }
}
