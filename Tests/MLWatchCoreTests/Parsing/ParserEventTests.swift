import Foundation
import Testing
@testable import MLWatchCore

@Suite("Parser events")
struct ParserEventTests {
    static let t = PT.utc(2026, 11, 22, 10, 15, 3)

    @Test("the three example lines of ARCHITECTURE.md")
    func architectureExamples() throws {
        let p = try #require(PT.prediction(PT.parse(
            #"{"ts":"2026-11-22T10:15:03.120Z","model":"fraud","version":"v3","request_id":"r-1","latency_ms":12.7,"status":"ok","features":{"amount":120.5,"country":"DE","note":"hello","age":null},"prediction":1,"score":0.87,"feedback":"click"}"#
        )))
        #expect(PT.closeAbs(p.timestamp, Self.t + 0.12))
        #expect(p.model == "fraud" && p.version == "v3" && p.requestID == "r-1")
        #expect(p.latencyMs == 12.7 && p.status == "ok" && !p.isError)
        #expect(p.features == [
            FeatureEntry(name: "amount", value: .number(120.5)), FeatureEntry(name: "country", value: .string("DE")),
            FeatureEntry(name: "note", value: .string("hello")), FeatureEntry(name: "age", value: .missing),
        ])
        #expect(p.prediction == .number(1) && p.prediction.classKey == "1")
        #expect(p.score == 0.87 && p.feedback == "click" && p.inlineLabel == nil)

        let l = try #require(PT.label(PT.parse(#"{"ts":"2026-11-22T10:15:09.000Z","type":"label","request_id":"r-1","label":0}"#)))
        #expect(l == LabelEvent(timestamp: Self.t + 6, requestID: "r-1", label: .number(0)))

        let s = try #require(PT.system(PT.parse(
            #"{"ts":"2026-11-22T10:15:10.000Z","type":"system","host":"a1","cpu_pct":63.0,"mem_mb":812,"load1":1.4}"#)))
        #expect(s == SystemEvent(timestamp: Self.t + 7, host: "a1", cpuPct: 63, memMB: 812, load1: 1.4))
    }

    @Test("type prediction, unknown types and key order")
    func types() {
        #expect(PT.prediction(PT.parse(#"{"type":"prediction","ts":1795428903}"#)) != nil)
        #expect(PT.prediction(PT.parse(#"{"ts":1795428903,"type":"something"}"#)) != nil)
        #expect(PT.prediction(PT.parse(#"{"ts":1795428903,"type":7}"#)) != nil)
        #expect(PT.label(PT.parse(#"{"label":"cat","request_id":"x","ts":1795428903,"type":"label"}"#))?.label == .label("cat"))
        #expect(PT.system(PT.parse(#"{"cpu_pct":1,"type":"system","ts":1795428903}"#))?.cpuPct == 1)
    }

    @Test("missing fields take their defaults")
    func missingFields() throws {
        let p = try #require(PT.prediction(PT.parse(#"{"ts":1795428903}"#)))
        #expect(p == PredictionEvent(timestamp: 1_795_428_903))
        #expect(p.model == "default" && p.version == "" && p.prediction == .null && p.features.isEmpty)
        let s = try #require(PT.system(PT.parse(#"{"ts":1795428903,"type":"system"}"#)))
        #expect(s == SystemEvent(timestamp: 1_795_428_903))
    }

    @Test("label events need request_id and label")
    func labelMissingField() {
        #expect(PT.reason(PT.parse(#"{"ts":1795428903,"type":"label","label":1}"#)) == .missingField)
        #expect(PT.reason(PT.parse(#"{"ts":1795428903,"type":"label","request_id":"r"}"#)) == .missingField)
        #expect(PT.reason(PT.parse(#"{"ts":1795428903,"type":"label","request_id":null,"label":1}"#)) == .missingField)
        // A null label is a label event whose label is null (it joins but counts as unlabelled).
        #expect(PT.label(PT.parse(#"{"ts":1795428903,"type":"label","request_id":"r","label":null}"#))?.label == .null)
        // Numeric request ids are accepted, spelled as integers.
        #expect(PT.label(PT.parse(#"{"ts":1795428903,"type":"label","request_id":42,"label":1}"#))?.requestID == "42")
    }

    @Test("null values")
    func nulls() throws {
        let p = try #require(PT.prediction(PT.parse(
            #"{"ts":1795428903,"model":null,"version":null,"request_id":null,"latency_ms":null,"status":null,"features":null,"prediction":null,"score":null,"feedback":null}"#
        )))
        #expect(p == PredictionEvent(timestamp: 1_795_428_903))
        let s = try #require(PT.system(PT.parse(#"{"ts":1795428903,"type":"system","host":null,"cpu_pct":null,"mem_mb":null,"load1":null}"#)))
        #expect(s == SystemEvent(timestamp: 1_795_428_903))
    }

    @Test("booleans are categorical features; boolean predictions are classes")
    func booleans() throws {
        let p = try #require(PT.prediction(PT.parse(#"{"ts":1795428903,"features":{"a":true,"b":false},"prediction":true}"#)))
        #expect(p.features == [FeatureEntry(name: "a", value: .bool(true)), FeatureEntry(name: "b", value: .bool(false))])
        #expect(p.features[0].value.categoryKey == "true")
        #expect(p.prediction == .label("true"))
        #expect(PT.prediction(PT.parse(#"{"ts":1795428903,"prediction":false}"#))?.prediction == .label("false"))
    }

    @Test("empty-string and null predictions are null outputs; strings and numbers are kept")
    func outputs() {
        #expect(PT.prediction(PT.parse(#"{"ts":1795428903,"prediction":""}"#))?.prediction == .null)
        #expect(PT.prediction(PT.parse(#"{"ts":1795428903,"prediction":null}"#))?.prediction == .null)
        #expect(PT.prediction(PT.parse(#"{"ts":1795428903,"prediction":NaN}"#))?.prediction == .null)
        #expect(PT.prediction(PT.parse(#"{"ts":1795428903,"prediction":"spam"}"#))?.prediction == .label("spam"))
        #expect(PT.prediction(PT.parse(#"{"ts":1795428903,"prediction":" "}"#))?.prediction == .label(" "))
        #expect(PT.prediction(PT.parse(#"{"ts":1795428903,"prediction":0.25}"#))?.prediction == .number(0.25))
        #expect(PT.prediction(PT.parse(#"{"ts":1795428903,"prediction":[1]}"#))?.prediction == .null)
        #expect(PT.prediction(PT.parse(#"{"ts":1795428903,"label":""}"#))?.inlineLabel == .null)
        #expect(PT.prediction(PT.parse(#"{"ts":1795428903,"label":"a"}"#))?.inlineLabel == .label("a"))
    }

    @Test("NaN, Infinity and -Infinity tokens (as Python's json writes them)")
    func specialNumbers() throws {
        let p = try #require(PT.prediction(PT.parse(
            #"{"ts":1795428903,"latency_ms":NaN,"score":Infinity,"features":{"a":-Infinity,"b":NaN,"c":Infinity}}"#)))
        #expect(p.latencyMs?.isNaN == true)
        #expect(p.score == .infinity)
        #expect(p.features[0].value == .number(-.infinity) && p.features[2].value == .number(.infinity))
        if case .number(let b) = p.features[1].value { #expect(b.isNaN) } else { Issue.record("b") }
        for bad in ["-NaN", "nan", "inf", "Inf", "+Infinity", "Infinit", "NaNa"] {
            #expect(PT.reason(PT.parse(#"{"ts":1795428903,"score":\#(bad)}"#)) == .invalidJSON, "\(bad)")
        }
    }

    @Test("string escapes, including surrogate pairs, in keys and values")
    func escapes() throws {
        let line = #"{"t\u0073":1795428903,"features":{"n\u00f6te":"a\"b\\c\/d\b\f\n\r\t\u00e9\u20ac\ud83d\ude00\u0000\u001b[31m"},"model":"\u006d"}"#
        let p = try #require(PT.prediction(PT.parse(line)))
        #expect(p.timestamp == 1_795_428_903)
        #expect(p.model == "m")
        #expect(p.features == [FeatureEntry(name: "nöte", value: .string("a\"b\\c/d\u{8}\u{c}\n\r\té€😀\u{0}\u{1b}[31m"))])
        // Unpaired or reversed surrogates, bad hex and unknown escapes are invalid JSON.
        for bad in [#"\ud83d"#, #"\ude00"#, #"\ud83dx"#, #"\ud83d\u0041"#, #"\ude00\ud83d"#, #"\u12"#, #"\u12g4"#, #"\x"#, #"\'"#, #"\"#] {
            #expect(PT.reason(PT.parse(#"{"ts":1795428903,"model":"\#(bad)"}"#)) == .invalidJSON, "\(bad)")
        }
        // Raw control characters inside strings are not JSON.
        #expect(PT.reason(PT.parse("{\"ts\":1795428903,\"model\":\"a\u{1b}[2Jb\"}")) == .invalidJSON)
        #expect(PT.reason(PT.parse("{\"ts\":1795428903,\"model\":\"a\tb\"}")) == .invalidJSON)
    }

    @Test("bytes that are not UTF-8 are bad_utf8 wherever a string holds them")
    func badUTF8() {
        let prefix = Array(#"{"ts":1795428903,"#.utf8)
        let bad: [[UInt8]] = [
            [0xFF], [0xC3], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xE2, 0x82], [0xE9, 0x74, 0xE9],  // Latin-1 "été"
        ]
        for b in bad {
            let places: [[UInt8]] = [
                Array(#""model":""#.utf8) + b + Array(#""}"#.utf8),
                Array(#""features":{""#.utf8) + b + Array(#"":1}}"#.utf8),
                Array(#""features":{"k":""#.utf8) + b + Array(#""}}"#.utf8),
                Array(#""unknown":[""#.utf8) + b + Array(#""]}"#.utf8),
                Array(#"""#.utf8) + b + Array(#"":1}"#.utf8),
                Array(#""request_id":""#.utf8) + b + Array(#""}"#.utf8),
            ]
            for rest in places {
                let outcome = PT.parse(bytes: prefix + rest)
                #expect(PT.reason(outcome) == .badUTF8, "\(b) in \(String(decoding: rest, as: UTF8.self)) → \(outcome)")
            }
        }
        // Valid multi-byte sequences pass, up to U+10FFFF.
        let ok = prefix + Array(#""model":"€ 𝄞 ü \#u{10FFFF}"}"#.utf8)
        #expect(PT.prediction(PT.parse(bytes: ok))?.model == "€ 𝄞 ü \u{10FFFF}")
    }

    @Test("truncated lines and trailing garbage are invalid JSON")
    func truncatedAndTrailing() {
        let full = #"{"ts":"2026-11-22T10:15:03.120Z","model":"fraud","features":{"a":1.5,"b":"x"},"prediction":1}"#
        let bytes = Array(full.utf8)
        for n in 1..<bytes.count {
            let outcome = PT.parse(bytes: Array(bytes[0..<n]))
            #expect(PT.reason(outcome) == .invalidJSON, "prefix of \(n) bytes → \(outcome)")
        }
        #expect(PT.prediction(PT.parse(full)) != nil)
        #expect(PT.prediction(PT.parse("  \t" + full + " \r ")) != nil)
        for tail in [" x", "}", "{}", ",", " 1", "\"\"", "]"] {
            #expect(PT.reason(PT.parse(full + tail)) == .invalidJSON, "\(tail)")
        }
        for bad in [#"{"ts":1795428903,}"#, #"{"ts":1795428903 "a":1}"#, #"{"ts" 1795428903}"#, #"{ts:1795428903}"#,
                    #"{"ts":1795428903,"a":[1,]}"#, #"{"ts":1795428903,"a":{"b"}}"#, #"{"ts":1795428903,"a":tru}"#,
                    #"{"ts":'x'}"#, #"{"ts":1795428903,"features":{"a":1,}}"#]
        {
            #expect(PT.reason(PT.parse(bad)) == .invalidJSON, "\(bad)")
        }
    }

    @Test("valid JSON that is not an object")
    func notAnObject() {
        for text in ["[1,2]", "[]", "\"x\"", "42", "-1.5e3", "null", "true", "false", " [ {\"ts\":1} ] "] {
            #expect(PT.reason(PT.parse(text)) == .notAnObject, "\(text)")
        }
        for text in ["[1,", "nul", "\"x", "42 43", "[1]]"] {
            #expect(PT.reason(PT.parse(text)) == .invalidJSON, "\(text)")
        }
        #expect(PT.parse("") == .blank)
        #expect(PT.parse("   \t ") == .blank)
    }

    @Test("deep nesting is rejected without exhausting the stack; moderate nesting is skipped")
    func deepNesting() {
        let depth = 100_000
        let deepArray = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(PT.reason(PT.parse(deepArray)) == .invalidJSON)
        #expect(PT.reason(PT.parse(#"{"ts":1795428903,"x":\#(deepArray)}"#)) == .invalidJSON)
        let deepObject = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        #expect(PT.reason(PT.parse(deepObject)) == .invalidJSON)
        #expect(PT.reason(PT.parse(#"{"ts":1795428903,"features":{"f":\#(deepObject)}}"#)) == .invalidJSON)
        let mapped = try! FieldMapping(["prediction": "out.label"])
        #expect(PT.reason(PT.parse(#"{"ts":1795428903,"x":\#(deepArray)}"#, mapping: mapped)) == .invalidJSON)
        // 30 levels are fine: skipped, or a missing feature.
        let moderate = String(repeating: "[", count: 30) + String(repeating: "]", count: 30)
        let p = PT.prediction(PT.parse(#"{"ts":1795428903,"x":\#(moderate),"features":{"f":\#(moderate)}}"#))
        #expect(p?.features == [FeatureEntry(name: "f", value: .missing)])
    }

    @Test("duplicate keys: the last one wins")
    func duplicateKeys() {
        let p = PT.prediction(PT.parse(#"{"ts":1,"model":"a","model":"b","ts":1795428903}"#))
        #expect(p?.model == "b" && p?.timestamp == 1_795_428_903)
    }

    @Test("a custom field mapping with dotted paths")
    func customMapping() throws {
        let mapping = try FieldMapping(["ts": "time", "features": "input", "prediction": "output.label"])
        #expect(!mapping.isStandard)
        let line = #"{"time":"2026-11-22T10:15:03Z","input":{"amount":3,"country":"DE","vip":true,"x":null,"y":[1]},"output":{"label":"fraud","score":0.9},"model":"m","latency_ms":5,"status":"500"}"#
        let p = try #require(PT.prediction(PT.parse(line, mapping: mapping)))
        #expect(p.timestamp == Self.t)
        #expect(p.features == [
            FeatureEntry(name: "amount", value: .number(3)), FeatureEntry(name: "country", value: .string("DE")),
            FeatureEntry(name: "vip", value: .bool(true)), FeatureEntry(name: "x", value: .missing),
            FeatureEntry(name: "y", value: .missing),
        ])
        #expect(p.prediction == .label("fraud"))
        #expect(p.model == "m" && p.latencyMs == 5 && p.isError)
        // Standard field names that the mapping moved are ignored.
        let q = try #require(PT.prediction(PT.parse(
            #"{"time":1795428903,"ts":5,"features":{"a":1},"prediction":1,"output":{"label":""}}"#, mapping: mapping)))
        #expect(q.timestamp == 1_795_428_903 && q.features.isEmpty && q.prediction == .null)
        #expect(PT.reason(PT.parse(#"{"ts":1795428903}"#, mapping: mapping)) == .missingTimestamp)
        #expect(PT.reason(PT.parse(#"{"time":"soon"}"#, mapping: mapping)) == .invalidTimestamp)
        #expect(PT.reason(PT.parse(#"{"time":1795428903,"type":"label","label":1}"#, mapping: mapping)) == .missingField)
        #expect(PT.label(PT.parse(#"{"time":1795428903,"type":"label","request_id":"r","label":1}"#, mapping: mapping))
            == LabelEvent(timestamp: 1_795_428_903, requestID: "r", label: .number(1)))
        #expect(PT.reason(PT.parse(#"[{"time":1}]"#, mapping: mapping)) == .notAnObject)
        #expect(PT.reason(PT.parse(#"{"time":1795428903} x"#, mapping: mapping)) == .invalidJSON)
        #expect(PT.reason(PT.parse(bytes: Array(#"{"time":1795428903,"model":""#.utf8) + [0xFF, 0x22, 0x7D], mapping: mapping)) == .badUTF8)
        #expect(throws: FieldMappingError.self) { try FieldMapping(["nope": "x"]) }
        #expect(throws: FieldMappingError.self) { try FieldMapping(["ts": "a..b"]) }
    }

    /// The fast path and the mapped (tree) path must agree on every line of the standard format.
    @Test("fast path and mapped path agree on random standard lines")
    func fastAndMappedAgree() throws {
        let identity = try FieldMapping(["model": "model"])  // not standard, so the tree path runs
        var rng = PTRandom(seed: 42)
        let values = [
            "1", "0", "-2.5", "1e3", "Infinity", "-Infinity", "null", "true", "false", #""""#, #""x""#,
            #""ok""#, #""label""#, #""system""#, #""prediction""#, #""2026-11-22T10:15:03Z""#, "1795428903",
            "[1,2]", #"{"a":1}"#, #""\u00e9\n""#, "{}",
        ]
        let keys = ["ts", "timestamp", "time", "type", "model", "version", "request_id", "latency_ms", "status",
                    "features", "prediction", "score", "feedback", "label", "host", "cpu_pct", "mem_mb", "load1", "other"]
        let fast = EventParser()
        let slow = EventParser(mapping: identity)
        for _ in 0..<3000 {
            var members: [String] = []
            if rng.chance(0.9) { members.append(#""ts":\#(rng.pick(["1795428903", #""2026-11-22T10:15:03.5Z""#, "null", #""x""#]))"#) }
            for _ in 0..<Int(rng.next() % 7) {
                let key = rng.pick(keys)
                var value = rng.pick(values)
                if key == "features", rng.chance(0.7) {
                    let n = Int(rng.next() % 4)
                    value = "{" + (0..<n).map { #""f\#($0)":\#(rng.pick(values))"# }.joined(separator: ",") + "}"
                }
                members.append(#""\#(key)":\#(value)"#)
            }
            let line = "{" + members.shuffled(using: &rng).joined(separator: ",") + "}"
            let a = fast.parse(line)
            let b = slow.parse(line)
            #expect(a == b, "\(line)\nfast: \(a)\nmapped: \(b)")
        }
    }
}
