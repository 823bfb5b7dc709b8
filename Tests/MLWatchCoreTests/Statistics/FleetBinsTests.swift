import Foundation
import Testing
@testable import MLWatchCore

@Suite struct FleetBinsTests {
    @Test func numericBinsSitAtTheReferenceDeciles() throws {
        let reference = (1...100).map(Double.init)
        let r = try #require(FleetBinReference(.numeric(NumericReference(values: reference))))
        guard case .numeric(let uppers) = r.edges else { Issue.record("numeric expected"); return }
        // numpy.quantile(1..100, [0.1 … 0.9]) = 10.9, 20.8, …, 90.1
        #expect(uppers.count == 10)
        #expect(abs(uppers[0] - 10.9) < 1e-12)
        #expect(abs(uppers[8] - 90.1) < 1e-12)
        #expect(uppers[9] == .infinity)
        #expect(r.referenceShares.allSatisfy { abs($0 - 0.1) < 1e-12 })
        // Right-closed bins: 10.9 is in the first, 11 in the second; NaN is dropped.
        let bins = r.bins(.numeric([1, 10.9, 11, 95, 1000, .nan]))
        #expect(bins.windowCounts == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2])
        // Sorted input gives the same counts.
        #expect(r.bins(.sortedNumeric([1, 10.9, 11, 95, 1000])).windowCounts == bins.windowCounts)
    }

    @Test func tiedDecilesMerge() throws {
        let reference = Array(repeating: 1.0, count: 50) + Array(repeating: 2.0, count: 50)
        let r = try #require(FleetBinReference(.numeric(NumericReference(values: reference))))
        guard case .numeric(let uppers) = r.edges else { Issue.record("numeric expected"); return }
        #expect(uppers.first == 1)
        #expect(uppers.last == .infinity)
        #expect(zip(uppers, uppers.dropFirst()).allSatisfy { $0 < $1 })
        #expect(abs(r.referenceShares.reduce(0, +) - 1) < 1e-12)
    }

    @Test func categoricalBinsAreTheTopCategoriesAndOther() throws {
        var counts: [String: Int] = [:]
        for i in 0..<12 { counts["c\(i)"] = 100 - i }
        let r = try #require(FleetBinReference(.categorical(CategoricalReference(counts: counts))))
        guard case .categorical(let names) = r.edges else { Issue.record("categorical expected"); return }
        #expect(names == (0..<10).map { "c\($0)" } + ["__other__"])
        let total = Double(counts.values.reduce(0, +))
        #expect(abs(r.referenceShares[10] - Double(90 + 89) / total) < 1e-12)
        let bins = r.bins(.categorical(["c0": 3, "c11": 2, "new": 1]))
        #expect(bins.windowCounts == [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3])
    }

    @Test func psiFloorsSharesAtOneTenThousandth() {
        let psi = FleetBins.psi(referenceShares: [0.5, 0.5, 0], windowCounts: [1, 3, 0])!
        let expected = (0.25 - 0.5) * log(0.25 / 0.5) + (0.75 - 0.5) * log(0.75 / 0.5) + 0
        #expect(abs(psi - expected) < 1e-15)
        #expect(FleetBins.psi(referenceShares: [1], windowCounts: [0]) == nil)
    }

    @Test func driftSummariesCarryTheBins() throws {
        let profile = ReferenceProfile(sources: [], events: 100, from: nil, to: nil,
                                       columns: ["x": .numeric(NumericReference(values: (1...100).map(Double.init)))])
        let monitor = DriftMonitor(source: .profile(profile))
        let d = try #require(monitor.drift(column: "x", current: .sortedNumeric([5, 50, 500]), ksPValue: false))
        #expect(d.fleetBins?.windowCounts.reduce(0, +) == 3)
        #expect(monitor.copy().drift(column: "x", current: .sortedNumeric([5]), ksPValue: false)?.fleetBins?.windowCounts.first == 1)
    }
}
