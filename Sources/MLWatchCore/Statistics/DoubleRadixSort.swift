/// LSD radix sort for `Double`, used on the drift hot path.
///
/// Why not `Array.sort()`: the standard library sort is a comparison sort (introsort/timsort
/// family) costing O(n log n) comparisons through a generic `<` that also has to respect NaN
/// semantics; on 100k doubles that is ~17 dependent compare-and-branch passes with poorly
/// predictable branches. A drift refresh sorts every numeric feature of every window (20 × 100k
/// values per tick), so that cost dominates the whole statistics step. An LSD radix sort on the
/// order-preserving bit pattern of the double does a fixed number of linear, branch-free passes
/// (6 passes of 11 bits), and passes in which every key has the same digit (the sign and
/// exponent bits of a feature with a narrow range, typically 1–3 passes) are skipped after
/// one combined histogram pass. `mlwatch-bench drift` measures the ratio.
///
/// Order-preserving key: for x ≥ +0 set the sign bit, for negative x flip all bits. The result
/// compares as an unsigned integer exactly as the doubles compare (−0.0 sorts just before +0.0,
/// which compare equal anyway). Non-finite values are filtered before sorting by the callers
/// that need it (`finiteSorted`).
public enum DoubleRadixSort {
    static let digitBits = 11
    static let radix = 1 << digitBits
    static let passes = 6  // 6 × 11 = 66 ≥ 64 bits

    @inline(__always)
    static func key(_ x: Double) -> UInt64 {
        let bits = x.bitPattern
        return (bits & (1 << 63)) != 0 ? ~bits : bits | (1 << 63)
    }

    @inline(__always)
    static func value(_ key: UInt64) -> Double {
        let bits = (key & (1 << 63)) != 0 ? key & ~(1 << 63) : ~key
        return Double(bitPattern: bits)
    }

    /// All values, sorted ascending. NaNs must not be present (they would sort to the ends).
    /// - Complexity: O(n) (≤ 7 linear passes).
    public static func sorted(_ values: [Double]) -> [Double] {
        sortKeys(values, filterNonFinite: false)
    }

    /// The finite values (NaN and ±∞ dropped, as Evidently cleans a column), sorted ascending.
    /// - Complexity: O(n).
    public static func finiteSorted(_ values: [Double]) -> [Double] {
        sortKeys(values, filterNonFinite: true)
    }

    static func sortKeys(_ values: [Double], filterNonFinite: Bool) -> [Double] {
        let n = values.count
        if n == 0 { return [] }
        var keys = [UInt64](repeating: 0, count: n)
        var count = 0
        var histograms = [Int](repeating: 0, count: radix * passes)
        values.withUnsafeBufferPointer { src in
            keys.withUnsafeMutableBufferPointer { dst in
                histograms.withUnsafeMutableBufferPointer { hist in
                    let mask = UInt64(radix - 1)
                    for x in src {
                        if filterNonFinite && !x.isFinite { continue }
                        let k = key(x)
                        dst[count] = k
                        count += 1
                        var shifted = k
                        for p in 0..<passes {
                            hist[p * radix + Int(shifted & mask)] += 1
                            shifted >>= UInt64(digitBits)
                        }
                    }
                }
            }
        }
        if count == 0 { return [] }
        var scratch = [UInt64](repeating: 0, count: count)
        var inKeys = true  // data currently in `keys`
        keys.withUnsafeMutableBufferPointer { kp in
            scratch.withUnsafeMutableBufferPointer { sp in
                histograms.withUnsafeMutableBufferPointer { hist in
                    let mask = UInt64(radix - 1)
                    for p in 0..<passes {
                        let base = p * radix
                        // Skip a pass in which every key has the same digit (kp[0] is always
                        // one of the keys, whichever buffer currently holds the data).
                        let digitOfFirst = Int((kp[0] >> UInt64(p * digitBits)) & mask)
                        if hist[base + digitOfFirst] == count { continue }
                        // Exclusive prefix sums → bucket offsets.
                        var sum = 0
                        for d in 0..<radix {
                            let c = hist[base + d]
                            hist[base + d] = sum
                            sum += c
                        }
                        let shift = UInt64(p * digitBits)
                        let src = inKeys ? kp : sp
                        let dst = inKeys ? sp : kp
                        for i in 0..<count {
                            let k = src[i]
                            let d = base + Int((k >> shift) & mask)
                            dst[hist[d]] = k
                            hist[d] += 1
                        }
                        inKeys.toggle()
                    }
                }
            }
        }
        let finalKeys = inKeys ? keys : scratch
        var out = [Double](repeating: 0, count: count)
        finalKeys.withUnsafeBufferPointer { kp in
            out.withUnsafeMutableBufferPointer { op in
                for i in 0..<count { op[i] = value(kp[i]) }
            }
        }
        return out
    }
}
