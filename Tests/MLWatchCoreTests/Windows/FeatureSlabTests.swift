import Testing
@testable import MLWatchCore

@Suite("Feature slab")
struct FeatureSlabTests {
    /// Equal values, with any NaN equal to any NaN (a NaN's bits are not kept; see `FeatureSlab`).
    static func same(_ a: FeatureValue, _ b: FeatureValue) -> Bool {
        if case .number(let x) = a, case .number(let y) = b, x.isNaN, y.isNaN { return true }
        return a == b
    }

    static func values(_ slab: FeatureSlab, _ address: FeatureSlab.Address, _ count: Int) -> [FeatureValue] {
        slab.withValues(at: address, count: count) { v in (0..<v.count).map { v[$0] } }
    }

    static func randomValue(_ rng: inout PTRandom, step: Int) -> FeatureValue {
        switch rng.next() % 9 {
        case 0: return .number(rng.normal())
        case 1: return .number([0, -0.0, .infinity, -.infinity, .nan, 1e308, .leastNonzeroMagnitude][Int(rng.next() % 7)])
        // A NaN carrying the slab's tag prefix, as bits no JSON number has.
        case 2: return .number(Double(bitPattern: FeatureSlab.tagPrefix | (rng.next() & 0xFFFF_FFFF_FFFF)))
        case 3: return .string(["de", "fr", "us", "", "é", "e\u{301}", "a name longer than fifteen bytes"][Int(rng.next() % 7)])
        case 4: return .string("unique-\(step)-\(rng.next() % 1000)")
        case 5: return .bool(rng.chance(0.5))
        case 6: return .text(length: Int(rng.next() % 100_000))
        case 7: return .missing
        default: return .number(Double(rng.next() % 100))
        }
    }

    @Test("every kind of value reads back as appended, across chunks, out-of-order releases and copies; strings go with their last value",
          arguments: [UInt64(1), 2, 3])
    func roundTrips(seed: UInt64) {
        var rng = PTRandom(seed: seed)
        var slab = FeatureSlab()
        var held: [(address: FeatureSlab.Address, values: [FeatureValue])] = []
        var copies: [(slab: FeatureSlab, held: [(address: FeatureSlab.Address, values: [FeatureValue])])] = []
        for step in 0..<20_000 {
            let growing = (step / 2500) % 2 == 0
            if rng.chance(growing ? 0.6 : 0.3) {
                // Mostly rows of 8; now and then one wider than a chunk.
                let n = step % 997 == 0 ? FeatureSlab.chunkCapacity + 5 : 1 + Int(rng.next() % 12)
                let values = (0..<n).map { _ in Self.randomValue(&rng, step: step) }
                held.append((slab.append(values), values))
            } else if !held.isEmpty {
                // Mostly the oldest, sometimes one a few places later (events leave in time order).
                let i = rng.chance(0.8) ? 0 : Int(rng.next() % UInt64(min(held.count, 20)))
                let gone = held.remove(at: i)
                slab.release(gone.address, count: gone.values.count)
            }
            if step % 1500 == 0 { copies.append((slab, held)) }
        }
        for (address, values) in held {
            let read = Self.values(slab, address, values.count)
            #expect(read.count == values.count)
            #expect(zip(read, values).allSatisfy { Self.same($0, $1) })
        }
        // Copies taken on the way are untouched by what the original did after.
        for (copy, kept) in copies {
            for (address, values) in kept {
                #expect(zip(Self.values(copy, address, values.count), values).allSatisfy { Self.same($0, $1) })
            }
        }
        for (address, values) in held { slab.release(address, count: values.count) }
        #expect(slab.categories.count == 0)
    }

    @Test("a string's number is reused once its last value goes, and the recent-string cache never answers with another string")
    func recycledNumbers() {
        var slab = FeatureSlab()
        let a = slab.append([.string("alpha"), .string("beta")])
        #expect(slab.categories.count == 2)
        slab.release(a, count: 2)
        #expect(slab.categories.count == 0)
        // Same bits as before would hit the cache; the numbers were freed, so they must not.
        let b = slab.append([.string("gamma"), .string("alpha"), .string("gamma")])
        #expect(Self.values(slab, b, 3) == [.string("gamma"), .string("alpha"), .string("gamma")])
        #expect(slab.categories.count == 2)
        let c = slab.append([.string("beta"), .bool(true), .bool(false), .missing, .text(length: 7)])
        #expect(Self.values(slab, c, 5) == [.string("beta"), .bool(true), .bool(false), .missing, .text(length: 7)])
        slab.release(b, count: 3)
        #expect(Self.values(slab, c, 5) == [.string("beta"), .bool(true), .bool(false), .missing, .text(length: 7)])
        #expect(slab.categories.count == 1)
    }

    @Test("the window's record of a prediction stays small")
    func recordSize() {
        // 208 bytes for a `PredictionEvent` plus its feature array, then 176; see `WindowedPrediction`.
        #expect(MemoryLayout<WindowedPrediction>.stride <= 56)
        #expect(_isPOD(WindowedPrediction.self))
    }
}
