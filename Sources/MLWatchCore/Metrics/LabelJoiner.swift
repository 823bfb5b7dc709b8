import CPrefetch
import DequeModule

/// Matches delayed ground-truth `label` events to earlier predictions by `request_id`, within a bounded
/// buffer: predictions wait at most `ttl` seconds of event time, at most `maxPending` at once; those that
/// expire unlabelled are counted, as are labels whose prediction is unknown.
///
/// The joiner only says which prediction a label belongs to (its event time and arrival number); the
/// label itself is stored on that prediction in the window (`WindowedPrediction.labelCode`), so it leaves
/// memory with the prediction and the window's aggregates can count it exactly once.
///
/// Shadow deployments log the same request id once per version. With `joinsSiblings` (the `compare`
/// config), a re-used id from another model or version (another `group`) keeps the older prediction
/// waiting as a *sibling* of the newer one, and a label joins every sibling too (`Match.sibling`,
/// `takeSibling`): a label for a shadowed request counts for both versions. Siblings are not in the index;
/// they are reached through `siblingOf` from the newest prediction of the id.
///
/// Layout: every expected prediction is appended to `ring` (arrival order, which is also the expiry
/// order) and `index` maps request ids to ring positions. An entry turns dead when its label arrives or
/// a newer prediction re-uses its id; dead entries leave the ring when they reach its head (without
/// effect), and the ring is compacted when dead entries make up more than half of it, so memory stays
/// bounded by `maxPending`, not by the log.
///
/// Why this layout (replacing a table of 40-byte `(hash, id, match)` slots plus a separate expiry
/// queue): with 100,000 waiting ids the old table was ~10 MB and every `expect` paid a cache miss into
/// it (`PendingTable.set`, ~7.5 % of parse + ingest in `perf`). The index now holds 8-byte slots (2 MB
/// for 100,000 ids, inside L2), the entries themselves are only appended and popped at the ends of the
/// ring (sequential, prefetched), and labels, which arrive for recent predictions, touch recent ring
/// entries.
struct LabelJoiner {
    /// The prediction a label was matched to.
    struct Match: Equatable {
        /// The prediction's event time.
        var time: Double
        /// The prediction's arrival number (the window finds it by that: `EventWindow.predictionIndex`).
        var sequence: Int
        /// The caller's group of the prediction (model and version; 0 unless `joinsSiblings`).
        var group: Int32 = 0
        /// Where an older prediction of the same id from another group waits (`takeSibling`), if any.
        var sibling: Int?
    }

    let maxPending: Int
    let ttl: Double
    /// Whether a re-used id from another group keeps the older prediction waiting too (see above).
    let joinsSiblings: Bool
    private var ring: Deque<PendingIndex.Entry> = []
    /// Arrival number of `ring.first` (positions in `index` are arrival numbers, modulo 2^32).
    private var head = 0
    private var index = PendingIndex()
    private(set) var expired = 0
    private(set) var unmatched = 0
    private(set) var matched = 0
    /// Ring position of a prediction → ring position of the older sibling it replaced in the index.
    private var siblingOf: [Int: Int] = [:]
    /// Live entries reached only through `siblingOf`.
    private var siblingCount = 0

    init(maxPending: Int = 100_000, ttl: Double = 3600, joinsSiblings: Bool = false) {
        self.maxPending = max(1, maxPending)
        self.ttl = ttl
        self.joinsSiblings = joinsSiblings
    }

    var pendingCount: Int { index.count + siblingCount }
    /// Entries in the expiry ring, dead ones included (bounded: see `compactIfStale`).
    var queuedCount: Int { ring.count }

    /// A prediction that waits for its label. A re-used id waits with its newest prediction only, unless
    /// `joinsSiblings` and the older prediction is of another `group`: then both wait.
    /// - Complexity: amortized O(1).
    /// - Parameters:
    ///   - hash: `ByteHash.hash(requestID)` if the caller has it already.
    ///   - group: the prediction's model and version as a small number (only read with `joinsSiblings`).
    mutating func expect(_ requestID: String, at time: Double, sequence: Int = 0, hash: UInt64? = nil, group: Int32 = 0) {
        let h = hash ?? ByteHash.hash(requestID)
        let position = head + ring.count
        if let slot = find(requestID, hash: h) {
            let k = offset(of: index.position(at: slot))
            if joinsSiblings {
                if ring[k].group != group {
                    // Another version's answer to the same request: it keeps waiting, behind the new one.
                    ring[k].sibling = true
                    siblingCount += 1
                    siblingOf[position] = head + k
                } else {
                    ring[k].live = false
                    if let older = siblingOf.removeValue(forKey: head + k) { siblingOf[position] = older }
                }
            } else {
                // A re-used id: its older entry turns dead, the slot points at the new one.
                ring[k].live = false
            }
            index.repoint(slot, to: position)
        } else {
            index.insert(hash: h, position: position)
        }
        ring.append(PendingIndex.Entry(id: requestID, hash: h, time: time, sequence: sequence, group: group, live: true,
                                       sibling: false))
        while index.count + siblingCount > maxPending, !ring.isEmpty { popHead() }
        compactIfStale()
    }

    /// Starts loading the index slot that `expect` or `receive` of an id with this `ByteHash` will read
    /// first, without waiting for it. The index is larger than the L2 cache once ~100,000 ids wait (one
    /// hour of unlabelled traffic), and that first read was a cache miss on nearly every line: ~70 % of
    /// `expect`, ~8 % of parse + ingest in `perf`. `MonitorState` calls this as soon as the parser has read
    /// a line's `request_id`, so the miss overlaps the parsing of the rest of the line.
    ///
    /// Returns the address to hand to `mlwatch_prefetch` rather than calling it: a struct read out of the
    /// collector for a call to an opaque C function made the optimizer retain and release the joiner's
    /// arrays around that call; computing an address from integers needs neither.
    @inline(__always)
    func prefetchAddress(hash: UInt64) -> UnsafeRawPointer? {
        index.prefetchAddress(hash: hash)
    }

    /// Takes a label: returns the waiting prediction it belongs to, or nil (counted as unmatched).
    /// - Parameter hash: `ByteHash.hash(label.requestID)` if the caller has it already.
    mutating func receive(_ label: LabelEvent, hash: UInt64? = nil) -> Match? {
        var match: Match?
        if let slot = find(label.requestID, hash: hash ?? ByteHash.hash(label.requestID)) {
            let k = offset(of: index.position(at: slot))
            ring[k].live = false
            match = Match(time: ring[k].time, sequence: ring[k].sequence, group: ring[k].group)
            if joinsSiblings { match?.sibling = siblingOf.removeValue(forKey: head + k) }
            index.remove(at: slot)
        }
        if match != nil { matched += 1 } else { unmatched += 1 }
        expire(now: label.timestamp)
        return match
    }

    /// The sibling at ring position `position` (from `Match.sibling`) for the label of `requestID`: it stops
    /// waiting. Nil when it is gone (expired or pushed out).
    mutating func takeSibling(at position: Int, requestID: String) -> Match? {
        let k = position - head
        guard k >= 0, k < ring.count, ring[k].live, ring[k].sibling, ring[k].id == requestID else { return nil }
        ring[k].live = false
        ring[k].sibling = false
        siblingCount -= 1
        return Match(time: ring[k].time, sequence: ring[k].sequence, group: ring[k].group,
                     sibling: siblingOf.removeValue(forKey: position))
    }

    /// Expires predictions older than `ttl` before `now` (in arrival order: an entry that is not yet due
    /// holds back those behind it).
    mutating func expire(now: Double) {
        while let first = ring.first, first.time < now - ttl { popHead() }
    }

    /// The ring offset of arrival number `position` (taken modulo 2^32, as the index stores it).
    @inline(__always)
    private func offset(of position: UInt32) -> Int {
        Int(position &- UInt32(truncatingIfNeeded: head))
    }

    /// The index slot of a waiting id: slots whose 32-bit hash tag matches are checked against the id.
    private func find(_ id: String, hash: UInt64) -> Int? {
        index.find(hash: hash) { position in
            let e = ring[offset(of: position)]
            return e.hash == hash && e.id == id
        }
    }

    /// The oldest entry leaves the ring: if its prediction was still waiting, it expires.
    ///
    /// Its index slot (found from the entry's hash) is a likely cache miss: ~70 % of `expect` in `perf` once
    /// the ids waiting pass `maxPending` and each new one pushes the oldest out. Entries leave in ring
    /// order, so the slot of the entry a few places behind is prefetched now, to be read a few calls later.
    private mutating func popHead() {
        if ring.count > Self.headLookahead { mlwatch_prefetch(index.prefetchAddress(hash: ring[Self.headLookahead].hash)) }
        let e = ring.removeFirst()
        if e.live {
            if e.sibling {
                siblingCount -= 1
            } else {
                index.remove(at: index.slot(hash: e.hash, position: head))
            }
            expired += 1
        }
        if joinsSiblings { siblingOf.removeValue(forKey: head) }
        head += 1
    }

    /// How far behind the head `popHead` prefetches index slots.
    private static var headLookahead: Int { 8 }

    /// Drops dead entries once they are at least half of the ring, so its size stays within twice the
    /// pending count (plus a constant) whatever the label rate. Amortized O(1) per `expect`.
    private mutating func compactIfStale() {
        guard ring.count > 1024, ring.count > 2 * (index.count + siblingCount) else { return }
        if !siblingOf.isEmpty {
            // Live entries move down to consecutive positions: the sibling links follow them.
            var renumbered: [Int: Int] = [:]
            var next = head
            for (k, e) in ring.enumerated() where e.live {
                renumbered[head + k] = next
                next += 1
            }
            var links: [Int: Int] = [:]
            for (newer, older) in siblingOf {
                if let n = renumbered[newer], let o = renumbered[older] { links[n] = o }
            }
            siblingOf = links
        }
        ring.removeAll { !$0.live }
        index.rebuild(ring.lazy.map { $0.sibling ? nil : $0.hash }, firstPosition: head)
    }
}

/// The request ids waiting for a label → their arrival numbers: an open-addressing table of 8-byte
/// slots (linear probing, at most half full, backward-shift deletion so no tombstones build up). A slot
/// holds the low 32 bits of the id's `ByteHash` (top bit forced, so a used slot is never 0; its low bits
/// give the home slot) and the arrival number modulo 2^32; the ids themselves stay in the joiner's ring.
///
/// Why hand-written: see `LabelJoiner` (cache footprint). Compared with `[String: Int]`, no SipHash per
/// lookup and no string stored in the table; a probe compares an id only when 32 hash bits match.
struct PendingIndex {
    /// An expected prediction, in the joiner's arrival-ordered ring.
    struct Entry {
        var id: String
        var hash: UInt64
        var time: Double
        var sequence: Int
        /// The caller's group (model and version) of the prediction (see `LabelJoiner.joinsSiblings`).
        var group: Int32
        /// Whether the prediction still waits for its label (false once labelled or replaced by a re-used id).
        var live: Bool
        /// A live entry that left the index for a newer sibling of the same id (see `LabelJoiner`).
        var sibling: Bool
    }

    /// Mutated only by the methods below, each of which ends with `notePrefetchBase()`.
    private var slots: [UInt64] = Array(repeating: 0, count: 64)
    private(set) var count = 0
    /// The address of `slots`' storage and its mask, as plain integers for `prefetch`: reading the array
    /// there made the optimizer retain and release its storage (and the ring's) around the C call, for a
    /// hint. After a copy (a replay checkpoint) the address may be the other copy's until the next
    /// mutation, which only makes a hint useless: a prefetch never faults and changes nothing.
    private var prefetchBase: UInt = 0
    private var prefetchMask = 0

    init() {
        notePrefetchBase()
    }

    private mutating func notePrefetchBase() {
        prefetchBase = slots.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        prefetchMask = slots.count - 1
    }

    @inline(__always)
    private static func tag(_ hash: UInt64) -> UInt64 { (hash & 0xFFFF_FFFF) | 0x8000_0000 }

    @inline(__always)
    func position(at slot: Int) -> UInt32 { UInt32(truncatingIfNeeded: slots[slot]) }

    /// Where the home slot of `hash` is, for a prefetch hint (see `LabelJoiner.prefetchAddress`).
    @inline(__always)
    func prefetchAddress(hash: UInt64) -> UnsafeRawPointer? {
        let home = UInt(truncatingIfNeeded: PendingIndex.tag(hash)) & UInt(bitPattern: prefetchMask)
        return UnsafeRawPointer(bitPattern: prefetchBase &+ home &* 8)
    }

    /// The slot whose tag matches `hash` and for whose position `isMatch` holds, if any.
    @inline(__always)
    func find(hash: UInt64, _ isMatch: (UInt32) -> Bool) -> Int? {
        let tag = PendingIndex.tag(hash)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: tag) & mask
        while true {
            let s = slots[i]
            if s == 0 { return nil }
            if s >> 32 == tag, isMatch(UInt32(truncatingIfNeeded: s)) { return i }
            i = (i + 1) & mask
        }
    }

    /// The slot that holds `position` (which must be in the table): no id comparison needed.
    func slot(hash: UInt64, position: Int) -> Int {
        let want = PendingIndex.tag(hash) << 32 | UInt64(UInt32(truncatingIfNeeded: position))
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: PendingIndex.tag(hash)) & mask
        while slots[i] != want {
            // A live entry is always indexed; an empty slot here would be a broken invariant.
            precondition(slots[i] != 0, "PendingIndex: live entry not indexed")
            i = (i + 1) & mask
        }
        return i
    }

    mutating func repoint(_ slot: Int, to position: Int) {
        slots[slot] = slots[slot] & ~0xFFFF_FFFF | UInt64(UInt32(truncatingIfNeeded: position))
        notePrefetchBase()
    }

    /// Adds an id known not to be in the table.
    mutating func insert(hash: UInt64, position: Int) {
        if (count + 1) * 2 > slots.count {
            slots = PendingIndex.grown(slots, to: slots.count * 2)
        }
        put(PendingIndex.tag(hash) << 32 | UInt64(UInt32(truncatingIfNeeded: position)))
        count += 1
        notePrefetchBase()
    }

    @inline(__always)
    private mutating func put(_ s: UInt64) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: s >> 32) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = s
    }

    /// Empties `slot`, then moves back the entries after it (up to the next empty slot) that would no
    /// longer be found, so every entry stays reachable from its home slot without tombstones.
    mutating func remove(at slot: Int) {
        let mask = slots.count - 1
        var hole = slot
        var j = slot
        while true {
            j = (j + 1) & mask
            let s = slots[j]
            if s == 0 { break }
            let home = Int(truncatingIfNeeded: s >> 32) & mask
            // Distance from home to j, and from home to the hole, walking forward around the table.
            if (j &- home) & mask >= (hole &- home) & mask {
                slots[hole] = s
                hole = j
            }
        }
        slots[hole] = 0
        count -= 1
        notePrefetchBase()
    }

    /// Replaces the contents with the given hashes at consecutive positions from `firstPosition` (a nil
    /// takes its position without being indexed).
    mutating func rebuild<S: Sequence<UInt64?>>(_ hashes: S, firstPosition: Int) {
        for k in slots.indices { slots[k] = 0 }
        count = 0
        var p = firstPosition
        for hash in hashes {
            if let h = hash {
                put(PendingIndex.tag(h) << 32 | UInt64(UInt32(truncatingIfNeeded: p)))
                count += 1
            }
            p += 1
        }
        notePrefetchBase()
    }

    private static func grown(_ old: [UInt64], to size: Int) -> [UInt64] {
        var new = PendingIndex()
        new.slots = Array(repeating: 0, count: size)
        for s in old where s != 0 { new.put(s) }
        return new.slots
    }
}
