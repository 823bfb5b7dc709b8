import Foundation
@testable import MLWatchCore

/// Helpers shared by the Parser, Window and Collector suites (prefixed so they do not clash with other
/// suites' helpers in this test target).
enum PT {
    /// Parses one line with a fresh standard parser.
    static func parse(_ line: String, mapping: FieldMapping = .standard) -> ParseOutcome {
        EventParser(mapping: mapping).parse(line)
    }

    static func parse(bytes: [UInt8], mapping: FieldMapping = .standard) -> ParseOutcome {
        EventParser(mapping: mapping).parse(bytes)
    }

    static func prediction(_ outcome: ParseOutcome) -> PredictionEvent? {
        if case .event(.prediction(let p)) = outcome { return p }
        return nil
    }

    static func label(_ outcome: ParseOutcome) -> LabelEvent? {
        if case .event(.label(let l)) = outcome { return l }
        return nil
    }

    static func system(_ outcome: ParseOutcome) -> SystemEvent? {
        if case .event(.system(let s)) = outcome { return s }
        return nil
    }

    static func reason(_ outcome: ParseOutcome) -> MalformedReason? {
        if case .malformed(let r) = outcome { return r }
        return nil
    }

    /// The timestamp a line parses to, or nil when it is not an event.
    static func time(_ outcome: ParseOutcome) -> Double? {
        if case .event(let e) = outcome { return e.timestamp }
        return nil
    }

    /// Seconds since the epoch of a UTC civil time, computed by Foundation (an independent oracle).
    static func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int) -> Double {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let date = cal.date(from: DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: s))!
        return date.timeIntervalSince1970
    }

    /// Within `tol` absolutely (timestamps: a microsecond).
    static func closeAbs(_ a: Double?, _ b: Double, _ tol: Double = 1e-6) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tol
    }

    static func close(_ a: Double?, _ b: Double?, _ tol: Double = 1e-9) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let a?, let b?):
            if a.isNaN && b.isNaN { return true }
            if a == b { return true }
            return abs(a - b) <= tol * max(1, abs(a), abs(b))
        default: return false
        }
    }
}

/// The property tests' seeded generator (the same SplitMix64 as the simulator and the benchmarks).
typealias PTRandom = SplitMix64
