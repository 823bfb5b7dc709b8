import Foundation
import Testing
@testable import MLWatchCore

/// Saved profiles beyond the format's own checks (`ReferenceProfileFileTests`): times no calendar can
/// print, columns a profile cannot hold, columns without a finite value.
@Suite("Hostile saved profiles")
struct ProfileValidationTests {
    @Test("a time beyond the year 9999 (or non-finite) is refused; printing it would overflow")
    func timesOutOfRange() {
        for (from, to) in [("1", "1e300"), ("-1e18", "2"), ("1", "253402300800")] {
            let header = #"{"format":"mlwatch-reference-profile","version":2,"sources":["x"],"events":3,"from":\#(from),"to":\#(to),"columns":[]}"#
            guard case .failure(.invalid(_, let reason)) = ReferenceProfileFileTests.load(ReferenceProfileFileTests.craft(header: header)) else {
                Issue.record("from \(from) to \(to) was accepted")
                continue
            }
            #expect(reason.contains("between the years 1 and 9999"), "\(reason)")
        }
        #expect(TimestampParser.format(1e300) == "-")
        #expect(TimestampParser.format(-9.5e15) == "-")
    }

    @Test("a log column with more categories than a profile may hold is left out, and the profile loads")
    func builderLeavesOutFreeText() throws {
        var b = ReferenceProfileBuilder()
        for i in 0...ReferenceProfile.maxCategoriesPerColumn {
            // `note`: distinct strings, free text past `maxCategories` (kept as lengths). `mixed`: a string
            // once, then distinct numbers, which a categorical column counts by their spelling.
            b.add(PredictionEvent(timestamp: 1_767_600_000 + Double(i),
                                  features: [FeatureEntry(name: "note", value: .string("n\(i)")), FeatureEntry(name: "x", value: .number(1)),
                                             FeatureEntry(name: "mixed", value: i == 0 ? .string("n/a") : .number(Double(i)))],
                                  prediction: .number(0)))
        }
        #expect(b.oversizedColumns.map(\.name) == ["mixed"])
        #expect(b.oversizedColumns.first?.categories == ReferenceProfile.maxCategoriesPerColumn + 1)
        let p = b.build(sources: [])
        #expect(p.columns["mixed"] == nil && p.columns["x"] != nil)
        guard case .text(let lengths)? = p.columns["note"] else {
            Issue.record("note is not a text column")
            return
        }
        #expect(lengths.count == ReferenceProfile.maxCategoriesPerColumn + 1)
        #expect(try ReferenceProfileFileTests.load(Array(p.encoded())).get() == p)
    }

    @Test("a column without any finite value: baseline writes it, it loads, and drift agrees with the log")
    func columnWithoutFiniteValues() throws {
        var b = ReferenceProfileBuilder()
        for i in 0..<50 {
            b.add(PredictionEvent(timestamp: 1_767_600_000 + Double(i),
                                  features: [FeatureEntry(name: "empty", value: i % 2 == 0 ? .missing : .number(.nan)),
                                             FeatureEntry(name: "x", value: .number(Double(i)))]))
        }
        let built = b.build(sources: [])
        let loaded = try ReferenceProfileFileTests.load(Array(built.encoded())).get()
        // (NaN statistics of the empty column compare unequal to themselves.)
        #expect(Set(loaded.columns.keys) == ["empty", "x"] && loaded.columns["x"] == built.columns["x"])
        guard case .numeric(let n)? = loaded.columns["empty"] else {
            Issue.record("no empty column")
            return
        }
        #expect(n.isEmpty && n.droppedCount == 50)
        let fromLog = DriftMonitor(source: .profile(built)).drift(column: "empty", current: .numeric([1, 2]), ksPValue: true)
        let fromFile = DriftMonitor(source: .profile(loaded)).drift(column: "empty", current: .numeric([1, 2]), ksPValue: true)
        #expect(fromLog == nil && fromFile == nil)
    }
}
