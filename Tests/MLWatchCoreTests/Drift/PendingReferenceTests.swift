import Foundation
import Testing

@testable import MLWatchCore

/// A reference read on another thread (`PendingReference`, `DriftMonitor.Source.pending`): the same drift as
/// the profile read first, and a failure reported to whoever waits.
@Suite struct PendingReferenceTests {
    @Test func aPendingProfileGivesTheDriftOfTheProfile() {
        let profile = ReferenceProfileFileTests.profile(seed: 31, events: 1500)
        let pending = PendingReference { () throws(ReferenceError) in
            Thread.sleep(forTimeInterval: 0.05)  // still reading when the first test asks
            return profile
        }
        let late = DriftMonitor(source: .pending(pending))
        let first = DriftMonitor(source: .profile(profile))
        var g = SplitMix64(seed: 4)
        let current = ColumnValues.numeric((0..<800).map { _ in g.normal(110, 30) })
        let a = late.drift(column: "amount", current: current, ksPValue: true)
        let b = first.drift(column: "amount", current: current, ksPValue: true)
        #expect(a != nil && a == b)
        #expect(late.reference == profile && late.copy().drift(column: "amount", current: current, ksPValue: true) == b)
        #expect(!late.observesEvents)
        #expect((try? pending.wait().get()) == profile)
    }

    @Test func aFailedReadMeansNoDriftAndTheErrorForWhoeverWaits() {
        let pending = PendingReference { () throws(ReferenceError) in throw .empty("ref.jsonl") }
        let monitor = DriftMonitor(source: .pending(pending))
        #expect(monitor.drift(column: "x", current: .numeric([1, 2, 3]), ksPValue: true) == nil)
        guard case .failure(.empty("ref.jsonl")) = pending.wait() else {
            Issue.record("the error was not kept")
            return
        }
        // Waiting again gives the same answer at once.
        guard case .failure = pending.wait() else {
            Issue.record("a second wait lost the result")
            return
        }
    }
}
