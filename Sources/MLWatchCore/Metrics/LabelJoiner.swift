import DequeModule

/// Matches delayed ground-truth `label` events to earlier predictions by `request_id`, within a bounded
/// buffer: predictions wait at most `ttl` seconds of event time, at most `maxPending` at once; those that
/// expire unlabelled are counted, as are labels whose prediction is unknown.
///
/// The joiner only says which prediction a label belongs to (its event time and arrival number); the
/// label itself is stored on that prediction in the window (`PredictionEvent.joinedLabel`), so it leaves
/// memory with the prediction and the window's aggregates can count it exactly once.
///
/// Memory is bounded by `maxPending`, not by the log: `order` is compacted when stale entries (received
/// labels, re-used request ids) make up more than half of it.
struct LabelJoiner {
    /// The prediction a label was matched to.
    struct Match: Equatable {
        /// The prediction's event time.
        var time: Double
        /// The prediction's arrival number (count windows find it by that).
        var sequence: Int
    }

    let maxPending: Int
    let ttl: Double
    private var pending = PendingTable()
    /// Expiry order; an entry is stale when `pending` no longer holds that id with that time. The id's
    /// hash is kept so that expiring an entry does not hash the id again.
    private var order: Deque<(id: String, hash: UInt64, time: Double)> = []
    private(set) var expired = 0
    private(set) var unmatched = 0
    private(set) var matched = 0

    init(maxPending: Int = 100_000, ttl: Double = 3600) {
        self.maxPending = max(1, maxPending)
        self.ttl = ttl
    }

    var pendingCount: Int { pending.count }
    /// Entries in the expiry queue, stale ones included (bounded: see `compactIfStale`).
    var queuedCount: Int { order.count }

    /// A prediction that waits for its label. A re-used id waits with its newest prediction only.
    /// - Complexity: amortized O(1).
    mutating func expect(_ requestID: String, at time: Double, sequence: Int = 0) {
        let h = PendingTable.key(requestID)
        // Always queued (a re-used id gets a fresh entry; the old one turns stale).
        order.append((requestID, h, time))
        pending.set(requestID, hash: h, Match(time: time, sequence: sequence))
        while pending.count > maxPending, let (id, h, t) = order.popFirst() {
            dropIfCurrent(id, hash: h, time: t)
        }
        compactIfStale()
    }

    /// Takes a label: returns the waiting prediction it belongs to, or nil (counted as unmatched).
    mutating func receive(_ label: LabelEvent) -> Match? {
        let match = pending.remove(label.requestID, hash: PendingTable.key(label.requestID))
        if match != nil { matched += 1 } else { unmatched += 1 }
        expire(now: label.timestamp)
        return match
    }

    /// Expires predictions older than `ttl` before `now`.
    mutating func expire(now: Double) {
        while let first = order.first, first.time < now - ttl {
            order.removeFirst()
            dropIfCurrent(first.id, hash: first.hash, time: first.time)
        }
    }

    /// An entry leaves the expiry queue: its prediction stops waiting unless a newer one re-used the id.
    private mutating func dropIfCurrent(_ id: String, hash: UInt64, time: Double) {
        if let slot = pending.find(id, hash: hash), pending.match(at: slot).time == time {
            pending.remove(at: slot)
            expired += 1
        }
    }

    /// Drops stale entries once they are at least half of `order`, so its size stays within twice the
    /// pending count (plus a constant) whatever the label rate. Amortized O(1) per `expect`.
    private mutating func compactIfStale() {
        guard order.count > 1024, order.count > 2 * pending.count else { return }
        let live = pending
        order.removeAll { e in live.find(e.id, hash: e.hash).map { live.match(at: $0).time } != e.time }
    }
}

/// The predictions waiting for a label, by request id: an open-addressing hash table (linear probing,
/// at most half full, backward-shift deletion so no tombstones build up).
///
/// Why hand-written: with `[String: Match]`, hashing request ids (SipHash over the string, a seeded
/// `Hasher` per lookup and per rehash on growth) and the dictionary's probing were ~10 % of parse + ingest
/// in `perf`, the largest single item of the ingest side. Here each id is hashed once per operation with
/// `ByteHash`, the slot stores the hash (so probes compare strings only on a full-hash match) and growth
/// reuses the stored hashes.
struct PendingTable {
    private struct Slot {
        /// `ByteHash` of the id with the top bit set; 0 marks an empty slot.
        var hash: UInt64
        var id: String
        var match: LabelJoiner.Match
    }

    private static let empty = Slot(hash: 0, id: "", match: LabelJoiner.Match(time: 0, sequence: 0))
    private var slots: [Slot] = Array(repeating: PendingTable.empty, count: 64)
    private(set) var count = 0

    /// The stored form of an id's hash (never 0; the top bit is not used for slot numbers).
    static func key(_ id: String) -> UInt64 { ByteHash.hash(id) | (1 << 63) }

    func find(_ id: String, hash: UInt64) -> Int? {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let h = slots[i].hash
            if h == 0 { return nil }
            if h == hash, slots[i].id == id { return i }
            i = (i + 1) & mask
        }
    }

    func match(at slot: Int) -> LabelJoiner.Match { slots[slot].match }

    /// Inserts or replaces the entry for `id`.
    mutating func set(_ id: String, hash: UInt64, _ match: LabelJoiner.Match) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let h = slots[i].hash
            if h == 0 { break }
            if h == hash, slots[i].id == id {
                slots[i].match = match
                return
            }
            i = (i + 1) & mask
        }
        slots[i] = Slot(hash: hash, id: id, match: match)
        count += 1
        if count * 2 > slots.count { grow() }
    }

    /// Removes and returns the entry for `id`, if any.
    mutating func remove(_ id: String, hash: UInt64) -> LabelJoiner.Match? {
        guard let i = find(id, hash: hash) else { return nil }
        let m = slots[i].match
        remove(at: i)
        return m
    }

    /// Empties `slot`, then moves back the entries after it (up to the next empty slot) that would no
    /// longer be found, so every entry stays reachable from its home slot without tombstones.
    mutating func remove(at slot: Int) {
        let mask = slots.count - 1
        var hole = slot
        var j = slot
        while true {
            j = (j + 1) & mask
            let h = slots[j].hash
            if h == 0 { break }
            let home = Int(truncatingIfNeeded: h) & mask
            // Distance from home to j, and from home to the hole, walking forward around the table.
            if (j &- home) & mask >= (hole &- home) & mask {
                slots[hole] = slots[j]
                hole = j
            }
        }
        slots[hole] = PendingTable.empty
        count -= 1
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: PendingTable.empty, count: old.count * 2)
        let mask = slots.count - 1
        for s in old where s.hash != 0 {
            var i = Int(truncatingIfNeeded: s.hash) & mask
            while slots[i].hash != 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }
}
