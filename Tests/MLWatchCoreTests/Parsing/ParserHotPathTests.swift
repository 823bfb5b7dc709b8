import Foundation
import Testing
@testable import MLWatchCore

/// The purpose-built hot-path routines (word-at-a-time string scan, interner hints, `ByteHash`) against
/// plain references.
@Suite("Parser hot path")
struct ParserHotPathTests {
    /// Strings with special bytes (quote, backslash escapes, raw controls, non-ASCII, bad UTF-8) at every
    /// offset around the 8-byte words the scan reads: valid exactly when Foundation accepts the line, and
    /// then decoded to the same string.
    @Test("string scan agrees with JSONSerialization at every offset")
    func stringScanMatchesFoundation() throws {
        var rng = PTRandom(seed: 7)
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("Z".utf8), Array(" ".utf8), Array("~".utf8), Array(#"\""#.utf8), Array(#"\\"#.utf8),
            Array(#"\n"#.utf8), Array(#"\u00e9"#.utf8), Array("é".utf8), Array("€".utf8), Array("😀".utf8),
            [0x01], [0x1F], [0x7F], [0x09], [0xFF], [0xC3], [0x22], [0x5C], [0x21], [0x23], [0x5B], [0x5D],
        ]
        // (20,000 mostly distinct values of one feature: a bound above that keeps them strings.)
        let parser = EventParser(maxCategories: FeatureCardinality.maxCategoriesLimit)
        for _ in 0..<20_000 {
            var body: [UInt8] = []
            let plain = Int(rng.next() % 20)
            body += Array(repeating: UInt8(ascii: "x"), count: plain)
            for _ in 0..<Int(rng.next() % 3) { body += rng.pick(pieces) }
            body += Array(repeating: UInt8(ascii: "y"), count: Int(rng.next() % 12))
            let line = Array(#"{"ts":1795428903,"features":{"f":""#.utf8) + body + Array(#""}}"#.utf8)
            let reference = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any]
            let outcome = parser.parse(line)
            let text = String(decoding: line, as: UTF8.self)
            if let reference, let features = reference["features"] as? [String: Any], let f = features["f"] as? String {
                let p = try #require(PT.prediction(outcome), "\(text) → \(outcome)")
                #expect(p.features == [FeatureEntry(name: "f", value: .string(f))], "\(text)")
            } else {
                #expect(PT.reason(outcome) != nil, "\(text) → \(outcome)")
            }
        }
    }

    /// One parser over many lines whose feature names and values change in place (same lengths, other
    /// bytes; other lengths; escapes), against a fresh parser per line: a hint must never return the
    /// string a call site saw last time unless the bytes are the same.
    /// Key dispatch of the standard format: escaped spellings of a key still count, keys that share a
    /// prefix or a length with a known key do not, keys near the end of a short line are read correctly.
    @Test("key dispatch: escaped keys, near misses, short lines")
    func keyWordDispatch() {
        let line = #"{"ts": 1795000000, "mod\u0065l": "m", "request_ix": "a", "latency_msx": 5, "tsx": 3, "#
            + #""timestamps": "bad", "scorf": 1, "score": 0.5, "prediction": 1, "predictiom": 2, "versio": "x", "#
            + #""features": {"a": 1}, "featureS": {"b": 2}}"#
        let p = PT.prediction(PT.parse(line))
        #expect(p?.model == "m" && p?.requestID == nil && p?.latencyMs == nil && p?.score == 0.5)
        #expect(p?.version == "" && p?.features.map(\.name) == ["a"] && p?.prediction == .number(1))
        #expect(p?.timestamp == 1_795_000_000)
        #expect(PT.time(PT.parse(#"{"t\u0073":1}"#)) == 1)
        #expect(PT.time(PT.parse(#"{"x":0,"ts":2}"#)) == 2)
        #expect(PT.time(PT.parse(#"{"time":3,"tim":4}"#)) == 3)
        #expect(PT.reason(PT.parse(#"{"tsa":1}"#)) == .missingTimestamp)
        let label = PT.label(PT.parse(#"{"ts":5,"type":"label","request_id":"r","label":1}"#))
        #expect(label?.requestID == "r" && label?.label == .number(1))
    }

    @Test("interner hints never return a stale string")
    func hintsNeverStale() {
        var rng = PTRandom(seed: 11)
        let names = ["ab", "ac", "ba", "abc", "amount", "amounu", "country", "a_very_long_feature_name_1",
                     "a_very_long_feature_name_2", #"n\u00f6te"#, "nöte", ""]
        let values = [#""DE""#, #""FR""#, #""DEU""#, #""""#, "1.5", "null", "true", #""long category value A""#,
                      #""long category value B""#, #""\u00e9""#, #""é""#]
        let models = ["fraud", "fraue", "churn", "a", ""]
        let shared = EventParser()
        for _ in 0..<5000 {
            let n = Int(rng.next() % 6)
            let features = (0..<n).map { _ in #""\#(rng.pick(names))":\#(rng.pick(values))"# }.joined(separator: ",")
            let line = #"{"ts":1795428903,"model":"\#(rng.pick(models))","version":"\#(rng.pick(models))","status":"\#(rng.pick(models))","features":{\#(features)},"prediction":\#(rng.pick(values))}"#
            #expect(shared.parse(line) == EventParser().parse(line), "\(line)")
        }
    }

    /// The parser first compares each key with the bytes the same position held in the last line of the same
    /// kind (`ExpectedKeys`). Lines of all three kinds interleave here, mostly in a few fixed key orders (so
    /// the remembered keys are hit) and sometimes shuffled, with near misses (prefixes, one byte off, escaped
    /// spellings, keys over the 48 remembered bytes), against a fresh parser per line.
    @Test("remembered key orders never misread a key")
    func rememberedKeysNeverMisread() {
        var rng = PTRandom(seed: 19)
        let long = String(repeating: "k", count: 60)
        let topKeys = ["ts", "model", "version", "request_id", "latency_ms", "status", "prediction", "score", "label",
                       "type", "host", "cpu_pct", "feedback", "tsx", "t", "modem", #"mod\u0065l"#, #"t\u0073"#,
                       "request_i", "request_idd", long, long + "x", "features"]
        let values = [#""a""#, #""label""#, #""system""#, "1", "0.25", "null", #""2026-11-22T10:15:03Z""#, "1795428903",
                      #""r-1""#, "true", #"{"x":1}"#]
        let featureNames = ["amount", "amounu", "amoun", "country", #"c\u006funtry"#, "", long, long + "y", "a", "ab"]
        let featureValues = ["1.5", #""DE""#, "null", "false", #""FR""#]
        let orders: [[String]] = [
            ["ts", "model", "version", "request_id", "latency_ms", "status", "features", "prediction", "score"],
            ["ts", "type", "request_id", "label"],
            ["ts", "type", "host", "cpu_pct"],
        ]
        let featureOrder = ["amount", "country", long, "a"]
        let shared = EventParser()
        for _ in 0..<6000 {
            let shuffled = rng.chance(0.2)
            var keys = shuffled ? (0..<Int(rng.next() % 9)).map { _ in rng.pick(topKeys) } : rng.pick(orders)
            if !shuffled, rng.chance(0.1) { keys[Int(rng.next() % UInt64(keys.count))] = rng.pick(topKeys) }
            let fields = keys.map { key -> String in
                guard key == "features" else { return #""\#(key)":\#(rng.pick(values))"# }
                let names = rng.chance(0.7) ? featureOrder : (0..<Int(rng.next() % 5)).map { _ in rng.pick(featureNames) }
                let features = names.map { #""\#($0)":\#(rng.pick(featureValues))"# }.joined(separator: ",")
                return #""features":{\#(features)}"#
            }
            let line = "{" + fields.joined(separator: ",") + "}"
            #expect(shared.parse(line) == EventParser().parse(line), "\(line)")
        }
    }

    @Test("ByteHash: equal bytes hash equal, equality agrees with ==, lengths 0…40")
    func byteHash() {
        var rng = PTRandom(seed: 3)
        var seen: [UInt64: [UInt8]] = [:]
        for _ in 0..<20_000 {
            let n = Int(rng.next() % 41)
            let a = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next() % 4 + 97) }
            var b = a
            if n > 0, rng.chance(0.5) { b[Int(rng.next() % UInt64(n))] &+= 1 }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    if n > 0 { #expect(ByteHash.equal(pa.baseAddress!, pb.baseAddress!, n) == (a == b)) }
                    if a == b { #expect(ByteHash.hash(pa) == ByteHash.hash(pb)) }
                }
            }
            let h = a.withUnsafeBufferPointer { ByteHash.hash($0) }
            #expect(h == ByteHash.hash(String(decoding: a, as: UTF8.self)))
            if let other = seen[h] { #expect(other == a, "64-bit collision") }
            seen[h] = a
        }
    }
}
