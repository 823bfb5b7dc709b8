import Foundation
import Testing
@testable import MLWatchCore

@Suite("Parser timestamps")
struct ParserTimestampTests {
    static let base = PT.utc(2026, 11, 22, 10, 15, 3)

    /// The parser remembers the last date's day number (`TimestampParser.DayCache`): runs of the same date,
    /// date changes, and invalid dates or times right after a valid one on the same day must give what a
    /// parse without memory gives.
    @Test("the remembered date never changes a result")
    func dayCacheAgreesWithAFreshParse() {
        var rng = PTRandom(seed: 5)
        let dates = ["2026-11-22", "2026-11-23", "2026-02-29", "2026-13-01", "2026-11-32", "2025-12-31", "2026-1a-22",
                     "2024-02-29", "0000-01-01", "2026-11-2"]
        let times = ["T10:15:03Z", "T23:59:60Z", "T24:00:00Z", " 10:15:03.5", "T10:15:03.123456789+01:00", "T10:61:03Z",
                     "x10:15:03Z", "T10:15:03", "T10:15:3Z", "T00:00:00.000Z"]
        var cache = TimestampParser.DayCache()
        for _ in 0..<5000 {
            let text = rng.pick(dates) + rng.pick(times)
            var copy = text
            let cached = copy.withUTF8 { TimestampParser.parse(UnsafeBufferPointer(rebasing: $0[...]), cache: &cache) }
            // The cached parse leaves the range check to its caller (the year 0000 parses, and is out of range).
            #expect(cached.flatMap { TimestampParser.plausibleRange.contains($0) ? $0 : nil } == TimestampParser.parse(text), "\(text)")
        }
    }

    /// Every documented string form, with the epoch seconds it means.
    static let stringForms: [(String, Double)] = [
        ("2026-11-22T10:15:03.120Z", base + 0.12),
        ("2026-11-22T10:15:03Z", base),
        ("2026-11-22T10:15:03z", base),
        ("2026-11-22t10:15:03Z", base),
        ("2026-11-22T10:15:03.5+01:00", base + 0.5 - 3600),
        ("2026-11-22T10:15:03+01:00", base - 3600),
        ("2026-11-22T10:15:03+0100", base - 3600),
        ("2026-11-22T10:15:03+01", base - 3600),
        ("2026-11-22T10:15:03-05:30", base + 5.5 * 3600),
        ("2026-11-22T10:15:03-0530", base + 5.5 * 3600),
        ("2026-11-22T10:15:03", base),  // no zone: UTC
        ("2026-11-22T10:15:03.123456", base + 0.123456),
        ("2026-11-22T10:15:03.123456789Z", base + 0.123456789),
        ("2026-11-22 10:15:03", base),  // space separator
        ("2026-11-22 10:15:03.250Z", base + 0.25),
        ("2026-11-22T10:15:03,5Z", base + 0.5),  // ISO 8601 decimal comma
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T23:59:59Z", PT.utc(2024, 2, 29, 23, 59, 59)),
        ("2000-03-01T00:00:00+00:00", PT.utc(2000, 3, 1, 0, 0, 0)),
        ("1795428903", 1_795_428_903),  // epoch seconds as a digit string
        ("1795428903.25", 1_795_428_903.25),
        ("1795428903120", 1_795_428_903.12),  // milliseconds as a digit string
        ("1795428903120000", 1_795_428_903.12),  // microseconds
    ]

    @Test("RFC 3339 and digit-string forms", arguments: stringForms)
    func stringForm(_ text: String, _ expected: Double) {
        #expect(PT.closeAbs(TimestampParser.parse(text), expected), "\(text)")
        let line = #"{"ts":"\#(text)","latency_ms":1}"#
        #expect(PT.closeAbs(PT.time(PT.parse(line)), expected), "\(line)")
    }

    @Test("epoch numbers: seconds, milliseconds, microseconds, nanoseconds by magnitude")
    func epochNumbers() {
        let cases: [(String, Double)] = [
            ("1795428903", 1_795_428_903),
            ("1795428903.12", 1_795_428_903.12),
            ("1795428903120", 1_795_428_903.12),
            ("1795428903120.5", 1_795_428_903.1205),
            ("1795428903120000", 1_795_428_903.12),
            ("1795428903120000000", 1_795_428_903.12),
            ("1.79542890312e9", 1_795_428_903.12),
            ("0", 0),
        ]
        for (text, expected) in cases {
            let outcome = PT.parse(#"{"ts":\#(text)}"#)
            #expect(PT.closeAbs(PT.time(outcome), expected), "\(text) → \(outcome)")
        }
    }

    @Test("ts, timestamp and time keys; ts wins when several are present")
    func alternativeKeys() {
        #expect(PT.time(PT.parse(#"{"timestamp":"2026-11-22T10:15:03Z"}"#)) == Self.base)
        #expect(PT.time(PT.parse(#"{"time":1795428903}"#)) == 1_795_428_903)
        #expect(PT.time(PT.parse(#"{"time":5,"ts":"2026-11-22T10:15:03Z"}"#)) == Self.base)
        #expect(PT.time(PT.parse(#"{"ts":"2026-11-22T10:15:03Z","timestamp":7}"#)) == Self.base)
    }

    @Test("invalid and missing timestamps are told apart")
    func invalid() {
        let invalid = [
            #""yesterday""#, #""2026-13-01T00:00:00Z""#, #""2026-11-22T25:00:00Z""#, #""2026-11-22T10:61:00Z""#,
            #""2026-11-22T10:15:03+""#, #""2026-11-22T10:15:03.Z""#, #""2026-11-22T10:15:03Zjunk""#,
            #""2026-11-22""#, #""""#, #"".""#, #""1.2.3""#, "null", "true", "{}", "[1]",
            // Days a month does not have (not carried into the next month: 2023-02-30 is not March 2nd), and
            // zone offsets beyond ±23:59 (RFC 3339's time-hour and time-minute), which moved a line by a day.
            #""2023-02-29T00:00:00Z""#, #""2024-02-30T00:00:00Z""#, #""2026-11-31T10:15:03Z""#, #""2026-04-31 00:00:00""#,
            #""2026-11-22T10:15:03+25:00""#, #""2026-11-22T10:15:03-24:00""#, #""2026-11-22T10:15:03+01:60""#,
            #""2026-11-22T10:15:03+0190""#, #""2026-11-22T10:15:03+99""#,
        ]
        for text in invalid {
            let outcome = PT.parse(#"{"ts":\#(text),"latency_ms":1}"#)
            #expect(PT.reason(outcome) == .invalidTimestamp, "\(text) → \(outcome)")
        }
        // Times that parse but cannot be: before 1970, not finite, or past the year 9999.
        for text in ["-5", "NaN", "Infinity", "-Infinity", "1e30", #""99999999999999999999999999""#, #""1969-12-31T23:59:59Z""#] {
            let outcome = PT.parse(#"{"ts":\#(text),"latency_ms":1}"#)
            #expect(PT.reason(outcome) == .timestampOutOfRange, "\(text) → \(outcome)")
        }
        #expect(PT.reason(PT.parse(#"{"model":"m","latency_ms":1}"#)) == .missingTimestamp)
        #expect(PT.reason(PT.parse(#"{}"#)) == .missingTimestamp)
    }

    @Test("format is the inverse of parse at millisecond precision")
    func formatRoundTrip() {
        var rng = PTRandom(seed: 7)
        for _ in 0..<2000 {
            let ms = Double(rng.next() % 4_000_000_000_000)  // 1970 … 2096
            let t = ms / 1000
            let text = TimestampParser.format(t)
            #expect(PT.closeAbs(TimestampParser.parse(text), t), "\(text)")
        }
        #expect(TimestampParser.format(Self.base + 0.12) == "2026-11-22T10:15:03.120Z")
    }
}
