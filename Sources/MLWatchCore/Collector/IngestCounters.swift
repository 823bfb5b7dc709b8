/// What ingest counted: events placed, labels and system samples read, late events, and malformed lines by
/// reason with the last few of them (sanitized) for display.
struct IngestCounters: Sendable {
    var events = 0
    var labels = 0
    var systemSamples = 0
    var late = 0
    private(set) var malformedByReason: [MalformedReason: Int] = [:]
    private(set) var recentMalformed: [String] = []
    /// How many malformed lines are kept for display.
    let recentLimit: Int

    init(recentLimit: Int) {
        self.recentLimit = recentLimit
    }

    var malformedTotal: Int { malformedByReason.values.reduce(0, +) }

    /// Counts `count` malformed lines for `reason`, and remembers `text` for display.
    mutating func malformed(_ reason: MalformedReason, count: Int = 1, text: String) {
        malformedByReason[reason, default: 0] += count
        recentMalformed.append(text)
        if recentMalformed.count > recentLimit { recentMalformed.removeFirst(recentMalformed.count - recentLimit) }
    }

    var malformedStats: MalformedStats {
        MalformedStats(
            total: malformedTotal,
            byReason: Dictionary(uniqueKeysWithValues: malformedByReason.map { ($0.key.rawValue, $0.value) }),
            recent: recentMalformed)
    }
}
