import DequeModule

/// The feature values of the predictions in a window, 8 bytes each, in arrival order: the window keeps
/// them here instead of one heap array of `FeatureValue`s (24 bytes each, plus a 32-byte header and the
/// allocator's rounding) per event. An event's values are contiguous; the event keeps their address.
///
/// Encoding (NaN boxing): a number is its `Double` bits; every other value is a NaN whose top 16 bits are
/// `tagPrefix`, with its kind in bits 40–47 and a payload below (a category's number in `categories`, a
/// text length, at most 2^40 − 1). JSON numbers are never NaN; a NaN that happened to carry the tag prefix
/// is stored as the negative quiet NaN (same sign; every reader skips non-finite numbers alike).
///
/// Storage is in chunks of `chunkCapacity` values, each with the number of events that still hold values
/// in it; a chunk goes when its count reaches zero and every chunk before it went. Events leave in event
/// time order, which is arrival order except within the lateness bound, so a chunk outlives its last
/// event only by that much. A copy (a replay checkpoint) shares the chunks: written values never change,
/// and the last chunk, the only one appended to, is copied first when it may be shared (`owner`).
///
/// Category strings are kept once per window (`CategoryTable`) and compared as `String`s, so two spellings
/// that Swift deems equal (canonically equivalent Unicode) read back as the first one held; the aggregates
/// already counted them as one category.
struct FeatureSlab {
    static let chunkCapacity = 1 << offsetBits  // 8192 values, 64 KiB: under glibc's mmap threshold (see `ChunkedDeque`)

    /// Chunks in order; appends go to the last (copied first when a copy of the slab shares it).
    private var chunks: Deque<Chunk> = []
    /// Events holding values in each chunk (apart from the chunks: releases then never copy a shared one).
    private var holders: Deque<Int32> = []
    /// Absolute number of `chunks[0]`.
    private var firstChunk = 0
    /// The last chunk (also in `chunks`), held here so that an append does not go through the deque.
    private var tail: Chunk?
    /// Shared by copies of the slab: while it is not uniquely referenced, `tail` may be shared too and is
    /// copied before the next append (the chunks themselves are always shared by `chunks` and `tail`).
    private var owner = Owner()
    private final class Owner: Sendable {}
    private(set) var categories = CategoryTable()

    /// Where an event's values are, in 4 bytes of the event's record (`WindowedPrediction`): the chunk's
    /// absolute number modulo 2^19 in the high bits, the offset in it in the low 13 (`chunkCapacity` is 2^13;
    /// a row wider than a chunk gets a chunk of its own, at offset 0). The numbers of the chunks held never
    /// span 2^19 (that would be 32 GiB of values), so the low bits tell them apart.
    typealias Address = UInt32
    private static let offsetBits = 13
    private static let chunkNumberMask = (1 << (32 - offsetBits)) - 1

    /// The index in `chunks` and the offset of `address`.
    @inline(__always)
    private func locate(_ address: Address) -> (chunk: Int, offset: Int) {
        let a = Int(address)
        return (((a >> Self.offsetBits) &- firstChunk) & Self.chunkNumberMask, a & (Self.chunkCapacity - 1))
    }

    static let tagPrefix: UInt64 = 0xFFF9 << 48
    private static let tagMask: UInt64 = 0xFFFF << 48
    private enum Kind: UInt64 {
        case string = 1, boolFalse, boolTrue, text, missing
    }
    private static let payloadMask: UInt64 = (1 << 40) - 1

    /// A fixed block of values written in place through its pointer (a `ContiguousArray` per chunk cost a
    /// uniqueness check and a capacity check per value appended: ~500 instructions per 8-value row).
    /// Shared by copies of the slab (replay checkpoints) and never written while shared: the slab copies
    /// its last chunk before appending when it is not the only owner, and written slots are never changed.
    final class Chunk: @unchecked Sendable {
        let base: UnsafeMutablePointer<UInt64>
        let capacity: Int
        var count = 0

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        /// A copy of the written part, for a slab that shares this chunk and must append to it.
        func copy() -> Chunk {
            let c = Chunk(capacity: capacity)
            c.base.initialize(from: base, count: count)
            c.count = count
            return c
        }

        deinit { base.deallocate() }
    }

    /// Appends `values` (interning their strings); returns their address. Not for an empty row (no values
    /// to hold: the caller keeps none).
    /// - Complexity: O(values.count), amortized.
    mutating func append(_ values: borrowing [FeatureValue]) -> Address {
        let n = values.count
        let chunk: Chunk
        if let t = tail, t.count + n <= t.capacity {
            if isKnownUniquelyReferenced(&owner) {
                chunk = t
            } else {
                // A copy of this slab (a checkpoint) may append to the same chunk: write to a copy of it.
                owner = Owner()
                chunk = t.copy()
                chunks[chunks.count - 1] = chunk
                tail = chunk
            }
        } else {
            chunk = Chunk(capacity: max(Self.chunkCapacity, n))
            chunks.append(chunk)
            holders.append(0)
            tail = chunk
        }
        let c = chunks.count - 1
        let offset = chunk.count
        values.withUnsafeBufferPointer { source in
            let out = chunk.base + offset
            for i in 0..<n { (out + i).initialize(to: encode(source[i])) }
        }
        chunk.count = offset + n
        holders[c] += 1
        return Address(truncatingIfNeeded: ((firstChunk + c) & Self.chunkNumberMask) << Self.offsetBits | offset)
    }

    /// Gives up the `count` values at `address` (their event left the window).
    mutating func release(_ address: Address, count: Int) {
        let (c, offset) = locate(address)
        let chunk = chunks[c]
        withExtendedLifetime(chunk) {
            let values = chunk.base + offset
            for i in 0..<count {
                let v = values[i]
                if v & Self.tagMask == Self.tagPrefix, Kind(rawValue: (v >> 40) & 0xFF) == .string {
                    categories.release(UInt32(truncatingIfNeeded: v))
                }
            }
        }
        holders[c] -= 1
        // The last chunk stays (appends go there).
        while chunks.count > 1, holders[0] == 0 {
            chunks.removeFirst()
            holders.removeFirst()
            firstChunk += 1
        }
    }

    /// Calls `body` with the values at `address` (valid only while it runs).
    @inline(__always)
    func withValues<R>(at address: Address, count: Int, _ body: (FeatureValues) -> R) -> R {
        categories.withStrings { strings in
            guard count > 0 else { return body(FeatureValues(slots: UnsafeBufferPointer(start: nil, count: 0), strings: strings)) }
            let (c, offset) = locate(address)
            let chunk = chunks[c]
            return withExtendedLifetime(chunk) {
                body(FeatureValues(slots: UnsafeBufferPointer(start: chunk.base + offset, count: count), strings: strings))
            }
        }
    }

    @inline(__always)
    private mutating func encode(_ v: FeatureValue) -> UInt64 {
        switch v {
        case .number(let d):
            let bits = d.bitPattern
            return bits & Self.tagMask == Self.tagPrefix ? 0xFFF8 << 48 : bits
        case .string(let s): return Self.tag(.string, UInt64(categories.retain(s)))
        case .bool(let b): return Self.tag(b ? .boolTrue : .boolFalse, 0)
        case .text(let length): return Self.tag(.text, min(UInt64(clamping: length), Self.payloadMask))
        case .missing: return Self.tag(.missing, 0)
        }
    }

    @inline(__always)
    private static func tag(_ kind: Kind, _ payload: UInt64) -> UInt64 {
        tagPrefix | kind.rawValue << 40 | payload
    }

    /// One event's values, decoded on reading.
    struct FeatureValues {
        let slots: UnsafeBufferPointer<UInt64>
        let strings: UnsafeBufferPointer<String>

        var count: Int { slots.count }

        @inline(__always)
        subscript(position: Int) -> FeatureValue {
            let v = slots[position]
            guard v & FeatureSlab.tagMask == FeatureSlab.tagPrefix else { return .number(Double(bitPattern: v)) }
            switch Kind(rawValue: (v >> 40) & 0xFF) {
            case .string: return .string(strings[Int(UInt32(truncatingIfNeeded: v))])
            case .boolFalse: return .bool(false)
            case .boolTrue: return .bool(true)
            case .text: return .text(length: Int(v & FeatureSlab.payloadMask))
            case .missing, nil: return .missing
            }
        }
    }
}
