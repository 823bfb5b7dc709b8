import DequeModule

/// Joins delayed ground-truth `label` events to earlier predictions by `request_id`, within a bounded
/// buffer: predictions wait at most `ttl` seconds of event time, at most `maxPending` at once; those that
/// expire unlabelled are counted, as are labels whose prediction is unknown.
struct LabelJoiner {
    let maxPending: Int
    let ttl: Double
    private var pending: [String: Double] = [:]
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

    mutating func expect(_ requestID: String, at time: Double) {
        if pending[requestID] == nil { order.append((requestID, time)) }
        pending[requestID] = time
        while pending.count > maxPending, let (id, t) = order.popFirst() {
            if pending[id] == t {
                pending[id] = nil
                expired += 1
            }
        }
    }

    mutating func receive(_ label: LabelEvent) {
        if pending.removeValue(forKey: label.requestID) != nil {
            joined[label.requestID] = label.label
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
            if pending[id] == t {
                pending[id] = nil
                expired += 1
            }
        }
    }

    /// A prediction left every window: its joined label is no longer needed.
    mutating func forget(_ requestID: String) {
        joined[requestID] = nil
    }

    func label(for requestID: String?) -> OutputValue? {
        guard let id = requestID else { return nil }
        return joined[id]
    }
}
