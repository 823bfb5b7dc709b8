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
    private var pending: [String: Match] = [:]
    /// Expiry order; an entry is stale when `pending` no longer holds that id with that time.
    private var order: Deque<(id: String, time: Double)> = []
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
        // Always queued (a re-used id gets a fresh entry; the old one turns stale).
        order.append((requestID, time))
        pending[requestID] = Match(time: time, sequence: sequence)
        while pending.count > maxPending, let (id, t) = order.popFirst() {
            if pending[id]?.time == t {
                pending[id] = nil
                expired += 1
            }
        }
        compactIfStale()
    }

    /// Takes a label: returns the waiting prediction it belongs to, or nil (counted as unmatched).
    mutating func receive(_ label: LabelEvent) -> Match? {
        let match = pending.removeValue(forKey: label.requestID)
        if match != nil { matched += 1 } else { unmatched += 1 }
        expire(now: label.timestamp)
        return match
    }

    /// Expires predictions older than `ttl` before `now`.
    mutating func expire(now: Double) {
        while let (id, t) = order.first, t < now - ttl {
            order.removeFirst()
            if pending[id]?.time == t {
                pending[id] = nil
                expired += 1
            }
        }
    }

    /// Drops stale entries once they are at least half of `order`, so its size stays within twice the
    /// pending count (plus a constant) whatever the label rate. Amortized O(1) per `expect`.
    private mutating func compactIfStale() {
        guard order.count > 1024, order.count > 2 * pending.count else { return }
        let live = pending
        order.removeAll { live[$0.id]?.time != $0.time }
    }
}
