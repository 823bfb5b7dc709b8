import DequeModule

/// Joins delayed ground-truth `label` events to earlier predictions by `request_id`, within a bounded
/// buffer: predictions wait at most `ttl` seconds of event time, at most `maxPending` at once; those that
/// expire unlabelled are counted, as are labels whose prediction is unknown.
///
/// Memory is bounded by the window and `maxPending`, not by the log: `joined` holds labels only for
/// predictions still in a window (a label that arrives after its prediction left every window is counted
/// as matched but not kept; before, such labels stayed in `joined` forever), and `order` is compacted
/// when stale entries (received labels, re-used request ids) make up more than half of it.
struct LabelJoiner {
    private struct Pending {
        var time: Double
        /// False once the prediction left every window: its label is counted but no longer stored.
        var inWindow = true
    }

    let maxPending: Int
    let ttl: Double
    private var pending: [String: Pending] = [:]
    /// Expiry order; an entry is stale when `pending` no longer holds that id with that time.
    private var order: Deque<(id: String, time: Double)> = []
    /// Labels of predictions that may still be in a window.
    private(set) var joined: [String: OutputValue] = [:]
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

    /// - Complexity: amortized O(1).
    mutating func expect(_ requestID: String, at time: Double) {
        // Always queued (a re-used id gets a fresh entry; the old one turns stale). Before, a re-used id
        // kept only its first entry, whose time no longer matched, so it never expired.
        order.append((requestID, time))
        pending[requestID] = Pending(time: time)
        while pending.count > maxPending, let (id, t) = order.popFirst() {
            if pending[id]?.time == t {
                pending[id] = nil
                expired += 1
            }
        }
        compactIfStale()
    }

    mutating func receive(_ label: LabelEvent) {
        if let p = pending.removeValue(forKey: label.requestID) {
            if p.inWindow { joined[label.requestID] = label.label }
            matched += 1
        } else {
            unmatched += 1
        }
        expire(now: label.timestamp)
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

    /// A prediction left every window: its joined label is no longer needed, nor is one still to come.
    mutating func forget(_ requestID: String) {
        joined[requestID] = nil
        pending[requestID]?.inWindow = false
    }

    func label(for requestID: String?) -> OutputValue? {
        guard let id = requestID else { return nil }
        return joined[id]
    }

    /// Drops stale entries once they are at least half of `order`, so its size stays within twice the
    /// pending count (plus a constant) whatever the label rate. Amortized O(1) per `expect`.
    private mutating func compactIfStale() {
        guard order.count > 1024, order.count > 2 * pending.count else { return }
        let live = pending
        order.removeAll { live[$0.id]?.time != $0.time }
    }
}
