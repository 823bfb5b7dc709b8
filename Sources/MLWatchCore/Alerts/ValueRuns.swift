import DequeModule

/// A sequence of values in time order kept as runs of equal consecutive values, at most `capacity` values in
/// all (the oldest go first).
///
/// Appending a value `m` times gives exactly the runs that appending it `m` times one by one gives. That is
/// what lets the evaluation schedule skip boundaries whose window did not change: an adaptive learner told
/// "the same value, `m` more times" holds the same history, and learns the same threshold, as one fed at
/// every boundary. Memory is one run per change of value, so a metric that holds still for a month of slides
/// costs one run.
struct ValueRuns: Sendable, Equatable {
    struct Run: Sendable, Equatable {
        var value: Double
        var count: Int
    }

    /// Values kept at most (`Int.max`: unbounded).
    let capacity: Int
    private(set) var runs: Deque<Run> = []
    /// Values held (the sum of the runs' counts).
    private(set) var count = 0

    init(capacity: Int = .max) {
        self.capacity = max(1, capacity)
    }

    var isEmpty: Bool { count == 0 }

    /// Appends `value` `times` times, dropping the oldest values beyond capacity.
    /// - Returns: whether the runs changed (they do not when they already were `capacity` copies of `value`).
    /// - Complexity: O(1) amortized.
    @discardableResult
    mutating func append(_ value: Double, times: Int = 1) -> Bool {
        guard times > 0 else { return false }
        if isSaturated(with: value) { return false }
        // More than `capacity` copies leave `capacity` of them whatever came before.
        let m = min(times, capacity)
        if let last = runs.last, last.value == value {
            runs[runs.count - 1].count += m
        } else {
            runs.append(Run(value: value, count: m))
        }
        count += m
        while count > capacity {
            let excess = count - capacity
            if runs[0].count <= excess {
                count -= runs[0].count
                runs.removeFirst()
            } else {
                runs[0].count -= excess
                count -= excess
            }
        }
        return true
    }

    /// Whether appending `value` would change nothing: the runs are `capacity` copies of it.
    func isSaturated(with value: Double) -> Bool {
        runs.count == 1 && count == capacity && runs[0].value == value
    }
}
