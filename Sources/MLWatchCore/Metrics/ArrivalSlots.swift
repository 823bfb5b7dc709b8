/// Which `PredictionCounters` pair each recent prediction belongs to, by arrival number, so that a label
/// joined later is counted for its prediction's model and version without reading the prediction (an
/// old event in the window is a cache miss per label: +8 % on parse + ingest when it was read).
///
/// A ring of the last `capacity` arrivals (more than the label join keeps waiting by default); a label for
/// an older prediction gets nil, and the caller reads the prediction instead.
struct ArrivalSlots {
    static let capacity = 1 << 17
    private var slots: [UInt16] = []
    /// One past the newest arrival number written.
    private var end = 0

    /// Notes that arrival `sequence` is counted under pair `slot`.
    /// - Complexity: O(1) (the ring is allocated on first use).
    @inline(__always)
    mutating func set(_ sequence: Int, slot: Int) {
        if slots.isEmpty { slots = Array(repeating: 0, count: Self.capacity) }
        slots[sequence & (Self.capacity - 1)] = UInt16(truncatingIfNeeded: slot)
        if sequence >= end { end = sequence + 1 }
    }

    /// The pair of arrival `sequence`, if it is still in the ring.
    func slot(of sequence: Int) -> Int? {
        guard sequence < end, end - sequence <= Self.capacity else { return nil }
        return Int(slots[sequence & (Self.capacity - 1)])
    }
}
