/// A double-ended queue stored as fixed-size chunks, each its own copy-on-write array.
///
/// Why not `Deque`: a replay keeps copies of the monitor state as checkpoints for backward seeks. After
/// such a copy, the first append to a `Deque` of events copies the whole buffer, which retains every
/// string and array of ~120,000 events (90–120 ms each time in the replay benchmark). Here a copy shares
/// the chunks, and a later mutation copies only the chunk it touches: appends go to a fresh or the last
/// chunk, evictions drop whole chunks, and a joined label copies the few chunks that labels still reach.
///
/// Every chunk but the last holds exactly `chunkCapacity` elements, so an index maps to its chunk with a
/// shift. Elements removed from the front stay in their chunk until the whole chunk goes (at most
/// `chunkCapacity - 1` of them).
struct ChunkedDeque<Element>: RandomAccessCollection, MutableCollection {
    /// Chunks hold a power of two of elements (index arithmetic is a shift and a mask) and at most 64 KiB
    /// (16–4096 elements). The size matters: glibc serves blocks over 128 KiB with fresh `mmap`s, so a
    /// window that frees an old chunk and allocates a new one every thousand events page-faulted and
    /// zeroed every new chunk (a quarter of a replay's time with 1024-event chunks of ~200-byte events).
    /// Smaller blocks come from the heap, where the freed chunk is reused by the next.
    @inline(__always) static var chunkShift: Int {
        let stride = MemoryLayout<Element>.stride
        let log2Stride = Int.bitWidth - (Swift.max(stride, 1) - 1).leadingZeroBitCount
        return Swift.min(12, Swift.max(4, 16 - log2Stride))
    }
    @inline(__always) static var chunkCapacity: Int { 1 << chunkShift }

    /// Chunks in order; those before `firstChunk` are already gone (dropped in batches, so that removing
    /// from the front does not shift the array of chunks each time).
    private var chunks: ContiguousArray<ContiguousArray<Element>> = []
    private var firstChunk = 0
    /// Offset of the first element in `chunks[firstChunk]`.
    private var head = 0
    private(set) var count = 0

    init() {}

    init<S: Sequence<Element>>(_ elements: S) {
        for e in elements { append(e) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { count }
    var isEmpty: Bool { count == 0 }

    @inline(__always)
    private func locate(_ i: Int) -> (chunk: Int, offset: Int) {
        let p = i &+ head
        return (firstChunk &+ (p &>> Self.chunkShift), p & (Self.chunkCapacity &- 1))
    }

    subscript(i: Int) -> Element {
        // `_read`, not `get`: a caller that only looks at an element borrows it in place instead of
        // copying it (a copy of an event retains and releases each of its strings and arrays).
        _read {
            precondition(i >= 0 && i < count, "ChunkedDeque index out of range")
            let (c, o) = locate(i)
            yield chunks[c][o]
        }
        _modify {
            precondition(i >= 0 && i < count, "ChunkedDeque index out of range")
            let (c, o) = locate(i)
            yield &chunks[c][o]
        }
    }

    mutating func append(_ e: consuming Element) {
        if chunks.count == firstChunk || chunks[chunks.count - 1].count == Self.chunkCapacity {
            var chunk = ContiguousArray<Element>()
            chunk.reserveCapacity(Self.chunkCapacity)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(e)
        count += 1
    }

    /// Inserts `e` before index `i`.
    /// - Complexity: O(count − i): the elements after `i` move one place back.
    mutating func insert(_ e: consuming Element, at i: Int) {
        precondition(i >= 0 && i <= count, "ChunkedDeque index out of range")
        append(e)
        var j = count - 1
        while j > i {
            swapAt(j, j - 1)
            j -= 1
        }
    }

    /// Calls `body` with the address of element `i`, valid only while `body` runs.
    ///
    /// Why a pointer: code that hands an element stored on the heap to a mutating method (an aggregate's
    /// `apply`) gets a defensive copy of the whole element from the optimizer, which cannot prove that the
    /// mutation leaves the element's storage alone: for an event, a retain and a release of every string and
    /// array, several times per event. Through a pointer, the callee loads only the fields it reads.
    @inline(__always)
    func withUnsafeElement<R>(at i: Int, _ body: (UnsafePointer<Element>) -> R) -> R {
        precondition(i >= 0 && i < count, "ChunkedDeque index out of range")
        let (c, o) = locate(i)
        return chunks[c].withUnsafeBufferPointer { body($0.baseAddress! + o) }
    }

    /// Drops the first element, handing its address to `body` first (no copy; see `withUnsafeElement`).
    mutating func removeFirst(_ body: (UnsafePointer<Element>) -> Void) {
        precondition(count > 0, "removeFirst on an empty ChunkedDeque")
        withUnsafeElement(at: 0, body)
        dropFirst()
    }

    /// Drops the first element.
    mutating func removeFirst() {
        precondition(count > 0, "removeFirst on an empty ChunkedDeque")
        dropFirst()
    }

    private mutating func dropFirst() {
        head += 1
        count -= 1
        if head == Self.chunkCapacity || count == 0 {
            // Release the exhausted chunk now (it holds the removed elements), but shift the array of
            // chunks only once half of it is gone.
            chunks[firstChunk] = []
            firstChunk += 1
            head = 0
            if count == 0 {
                chunks.removeAll(keepingCapacity: true)
                firstChunk = 0
            } else if firstChunk * 2 >= chunks.count {
                chunks.removeFirst(firstChunk)
                firstChunk = 0
            }
        }
    }
}

extension ChunkedDeque: Sendable where Element: Sendable {}
