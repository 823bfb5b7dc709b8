import Foundation
import Testing

@testable import MLWatchCore

/// The saved profile's file format (`ReferenceProfileFile`): round trips, identical drift, and every way a
/// file can be damaged, foreign or hand-made being refused with a message.
@Suite struct ReferenceProfileFileTests {
    /// A profile from random events: numeric columns with NaN and ties, categorical strings and booleans, a
    /// column mixing both, numeric predictions and scores.
    static func profile(seed: UInt64, events: Int = 3000) -> ReferenceProfile {
        var g = SplitMix64(seed: seed)
        var builder = ReferenceProfileBuilder()
        for i in 0..<events {
            var features: [FeatureEntry] = [
                FeatureEntry(name: "amount", value: g.chance(0.02) ? .missing : .number(g.normal(100, 30))),
                FeatureEntry(name: "rounded", value: .number(g.normal(5, 2).rounded())),
                FeatureEntry(name: "country", value: .string(g.pick(["DE", "FR", "été", "日本", ""]))),
                FeatureEntry(name: "flag", value: .bool(g.chance(0.3))),
            ]
            if i % 7 == 0 { features.append(FeatureEntry(name: "mixed", value: g.chance(0.5) ? .number(1) : .string("x"))) }
            builder.add(PredictionEvent(timestamp: 1_700_000_000 + Double(i), features: FeatureRow(features),
                                        prediction: .number(g.uniform()), score: g.chance(0.9) ? g.uniform() : nil))
        }
        return builder.build(sources: ["a.jsonl", "b \"quoted\".jsonl"])
    }

    static func write(_ data: Data) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID().uuidString)").path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    static func load(_ bytes: [UInt8]) -> Result<ReferenceProfile, ReferenceError> {
        let path = try! write(Data(bytes))
        defer { unlink(path) }
        return Result { () throws(ReferenceError) in try ReferenceProfile.load(path: path) }
    }

    /// A version-2 file with the given header and body, its sizes and checksum right unless told otherwise.
    static func craft(header: String, body: [Double] = [], version: UInt32 = 2, bodyLength: UInt64? = nil) -> [UInt8] {
        var out = ReferenceProfileFile.magic
        func le<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        let json = Array(header.utf8)
        le(version)
        le(UInt32(json.count))
        le(bodyLength ?? UInt64(body.count * 8))
        le(UInt32(0))
        le(UInt32(0))
        out += json
        out += repeatElement(0, count: (8 - json.count % 8) % 8)
        for v in body { le(v.bitPattern) }
        let crc = out.withUnsafeBufferPointer { ReferenceProfileFile.checksum(UnsafeBufferPointer(rebasing: $0[32...])) }
        withUnsafeBytes(of: crc.littleEndian) { for (i, b) in $0.enumerated() { out[24 + i] = b } }
        return out
    }

    static func header(_ columns: String, events: Int = 3) -> String {
        #"{"format":"mlwatch-reference-profile","version":2,"sources":["x"],"events":\#(events),"from":1,"to":2,"columns":[\#(columns)]}"#
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func aSavedProfileReadsBackEqualAndGivesBitIdenticalDrift(seed: UInt64) throws {
        let original = Self.profile(seed: seed)
        let path = try Self.write(try original.encoded())
        defer { unlink(path) }
        #expect(ReferenceProfile.isProfile(path: path))
        let loaded = try ReferenceProfile.load(path: path)
        #expect(loaded == original)

        // The same drift numbers, bit for bit, from the built and the loaded profile.
        var g = SplitMix64(seed: seed + 100)
        let current = (0..<2500).map { _ in g.normal(104, 30) }
        for column in ["amount", "rounded", "score", "prediction"] {
            guard case .numeric(let a) = original.columns[column], case .numeric(let b) = loaded.columns[column] else {
                Issue.record("\(column) is not numeric")
                continue
            }
            let x = try DriftCalculator.numeric(reference: a, current: current)
            let y = try DriftCalculator.numeric(reference: b, current: current)
            // (Equatable compares the doubles with ==: NaN would differ from itself, so compare their bits.)
            let bits: (DriftResult) -> [UInt64?] = { r in
                [r.score, r.ksStatistic, r.ksPValue, r.wassersteinNormed, r.wassersteinRaw, r.psi, r.kl, r.js,
                 r.chi2PValue].map { $0?.bitPattern }
            }
            #expect(bits(x) == bits(y), "\(column)")
            #expect(x.histogram == y.histogram && x.detected == y.detected)
            #expect(a.mean.bitPattern == b.mean.bitPattern)
            #expect(a.standardDeviation.bitPattern == b.standardDeviation.bitPattern)
        }
        guard case .categorical(let c) = loaded.columns["country"] else {
            Issue.record("country is not categorical")
            return
        }
        #expect(c.counts.keys.contains("日本") && c.counts.keys.contains("été"))
    }

    /// The builder maps each schema's positions to its columns once: lines with shared schemas (from one
    /// parser), keys in another order, duplicate and missing keys give the profile that events with a
    /// schema of their own each give.
    @Test func theBuilderIgnoresKeyOrderAndSchemaSharing() {
        var g = SplitMix64(seed: 21)
        let parser = EventParser()
        var shared = ReferenceProfileBuilder()
        var unshared = ReferenceProfileBuilder()
        for i in 0..<2000 {
            var keys = [#""a":\#(g.normal())"#, #""c":"\#(g.pick(["x", "y"]))""#, #""b":\#(g.chance(0.1) ? "null" : "\(g.int(9))")"#]
            if g.chance(0.3) { keys.shuffle(using: &g) }
            if g.chance(0.05) { keys.append(#""a":7"#) }
            if g.chance(0.05) { keys.removeLast() }
            guard case .event(.prediction(let p)) = parser.parse(#"{"ts":\#(i),"features":{\#(keys.joined(separator: ","))}}"#) else {
                Issue.record("line \(i) did not parse")
                return
            }
            shared.add(p)
            var own = p
            own.features = FeatureRow(Array(p.features))
            unshared.add(own)
        }
        #expect(shared.build(sources: []) == unshared.build(sources: []))
    }

    @Test func textColumnsRoundTrip() throws {
        let original = ReferenceProfile(sources: [], events: 4, from: nil, to: nil,
                                        columns: ["note": .text(NumericReference(values: [3, 14, 14, 0, .nan]))])
        let path = try Self.write(try original.encoded())
        defer { unlink(path) }
        #expect(try ReferenceProfile.load(path: path) == original)
    }

    @Test func everyTruncationIsRefusedAsTruncated() throws {
        let bytes = Array(try Self.profile(seed: 4, events: 50).encoded())
        // Every length from nothing to one byte short (stepping through the body, which is long).
        var lengths = Array(0..<min(bytes.count, 600))
        lengths += stride(from: 600, to: bytes.count, by: 97)
        lengths.append(bytes.count - 1)
        for n in lengths {
            let result = Self.load(Array(bytes.prefix(n)))
            switch result {
            case .failure(.truncated(_, let expected, let found)):
                #expect(found == n)
                #expect(n < ReferenceProfileFile.preambleSize || expected == bytes.count)
            case .failure(.notAProfile):
                // Fewer bytes than the magic: nothing says it was meant to be a profile.
                #expect(n < ReferenceProfileFile.magic.count)
            default:
                Issue.record("\(n) of \(bytes.count) bytes: \(result)")
            }
        }
        if case .failure(let e) = Self.load(Array(bytes.prefix(bytes.count - 8))) {
            #expect(e.description.contains("truncated") && e.description.contains("mlwatch baseline"))
        }
    }

    @Test func aChangedByteOrTrailingBytesAreRefused() throws {
        let bytes = Array(try Self.profile(seed: 5, events: 200).encoded())
        var g = SplitMix64(seed: 9)
        for _ in 0..<40 {
            var damaged = bytes
            let at = 32 + g.int(bytes.count - 32)
            damaged[at] ^= UInt8(1 + g.int(255))
            guard case .failure(.invalid(_, let reason)) = Self.load(damaged) else {
                Issue.record("a changed byte at \(at) was accepted")
                continue
            }
            #expect(reason.contains("checksum"))
        }
        guard case .failure(.invalid(_, let reason)) = Self.load(bytes + [0, 0, 0]) else {
            Issue.record("trailing bytes were accepted")
            return
        }
        #expect(reason.contains("3 bytes after the end"))
    }

    @Test func foreignFilesAreNotProfiles() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 64)
        let log = Array(#"{"ts": 1, "features": {"a": 1}}"#.utf8)
        for foreign in [png, log, Array("{}".utf8), Array(#"{"format":"other"}"#.utf8), []] {
            let result = Self.load(foreign)
            guard case .failure(.notAProfile) = result else {
                Issue.record("\(foreign.prefix(12)): \(result)")
                continue
            }
        }
        // Our magic with another format name in the header.
        let other = Self.craft(header: #"{"format":"something-else","version":2,"sources":[],"events":0,"columns":[]}"#)
        guard case .failure(.notAProfile) = Self.load(other) else {
            Issue.record("a header naming another format was accepted")
            return
        }
    }

    @Test func otherVersionsAreRefusedByNumber() {
        guard case .failure(.unsupportedVersion(_, 3)) = Self.load(Self.craft(header: Self.header(""), version: 3)) else {
            Issue.record("version 3 was not refused")
            return
        }
        let json = #"{"format":"mlwatch-reference-profile","version":7,"sources":[],"events":0,"columns":{}}"#
        guard case .failure(.unsupportedVersion(_, 7)) = Self.load(Array(json.utf8)) else {
            Issue.record("a JSON profile of version 7 was not refused")
            return
        }
    }

    @Test func aWellFormedFileWithBadContentIsRefusedWithTheColumn() {
        let cases: [(String, [Double], String)] = [
            (Self.header(#"{"name":"a","kind":"numeric","count":3,"dropped":0}"#), [3, 1, 2], "ascending"),
            (Self.header(#"{"name":"a","kind":"numeric","count":2,"dropped":0}"#), [1, .nan], "finite"),
            (Self.header(#"{"name":"a","kind":"numeric","count":2,"dropped":0}"#), [1, .infinity], "finite"),
            (Self.header(#"{"name":"a","kind":"numeric","count":2,"dropped":-1}"#), [1, 2], "dropped"),
            (Self.header(#"{"name":"a","kind":"numeric","count":4,"dropped":0}"#), [1, 2], "fit"),
            (Self.header(#"{"name":"a","kind":"numeric","count":1,"dropped":0}"#), [1, 2], "belong to no column"),
            (Self.header(#"{"name":"a","kind":"numeric","count":1,"dropped":0},{"name":"a","kind":"text","count":1,"dropped":0}"#), [1, 2], "twice"),
            (Self.header(#"{"name":"c","kind":"categorical","categories":["x","y"],"counts":[1]}"#), [], "same length"),
            (Self.header(#"{"name":"c","kind":"categorical","categories":["x","x"],"counts":[1,2]}"#), [], "twice"),
            (Self.header(#"{"name":"c","kind":"categorical","categories":["x"],"counts":[-4]}"#), [], "out of range"),
            (Self.header(#"{"name":"c","kind":"categorical","categories":["x","y"],"counts":[9223372036854775807,1]}"#), [], "out of range"),
            (Self.header("", events: -1), [], "event count"),
            (Self.header(#"{"name":"a","kind":"numeric"}"#), [], "non-negative"),
            (#"{"format":"mlwatch-reference-profile","version":2,"sources":[],"events":1,"columns":[{"name":"a","kind":"weird"}]}"#, [], "header"),
        ]
        for (header, body, expected) in cases {
            let result = Self.load(Self.craft(header: header, body: body))
            guard case .failure(.invalid(_, let reason)) = result else {
                Issue.record("\(header): \(result)")
                continue
            }
            #expect(reason.contains(expected), "\(reason)")
        }
        let many = (0...ReferenceProfile.maxCategoriesPerColumn).map { "\"\($0)\"" }.joined(separator: ",")
        let ones = Array(repeating: "1", count: ReferenceProfile.maxCategoriesPerColumn + 1).joined(separator: ",")
        let result = Self.load(Self.craft(header: Self.header(#"{"name":"c","kind":"categorical","categories":[\#(many)],"counts":[\#(ones)]}"#)))
        guard case .failure(.invalid(_, let reason)) = result else {
            Issue.record("too many categories were accepted")
            return
        }
        #expect(reason.contains("categories"))
    }

    @Test func aBodyLengthNearTheLimitDoesNotWrap() {
        let result = Self.load(Self.craft(header: Self.header(""), bodyLength: .max - 7))
        guard case .failure(.truncated) = result else {
            Issue.record("\(result)")
            return
        }
    }

    /// Profiles written as JSON by earlier versions still load, with the same content, and are checked.
    @Test func version1JSONProfilesStillLoad() throws {
        let original = Self.profile(seed: 6, events: 400)
        var v1 = original
        v1.version = 1
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(v1)
        let path = try Self.write(json)
        defer { unlink(path) }
        #expect(ReferenceProfile.isProfile(path: path))
        #expect(try ReferenceProfile.load(path: path) == original)

        let unsorted = #"{"format":"mlwatch-reference-profile","version":1,"sources":[],"events":2,"columns":{"a":{"numeric":{"_0":{"sortedValues":[2,1],"count":2,"droppedCount":0,"mean":1.5,"standardDeviation":0.5,"distinctCount":2,"quantiles":[1,1,1,1,1,1,1,1,1]}}}}}"#
        guard case .failure(.invalid(_, let reason)) = Self.load(Array(unsorted.utf8)) else {
            Issue.record("an unsorted version-1 column was accepted")
            return
        }
        #expect(reason.contains("column a"))
    }
}
