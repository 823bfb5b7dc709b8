/// A fast, non-cryptographic 64-bit hash of short byte strings, and a word-at-a-time equality test,
/// for the hot-path tables (`StringInterner`, the label joiner's pending table).
///
/// Why hand-written: the standard `Hasher` (SipHash-1-3, per-instance seeding) showed up at ~5 % of
/// parse + ingest in `perf` (`Hasher._seed`, `_finalize`, dictionary resizes rehashing every key), and the
/// interner's byte-at-a-time FNV-1a was the loop it spent most time in. These tables hold only values
/// read from the log and are bounded, so HashDoS resistance is not needed: eight bytes per multiply plus a
/// final murmur3 mix spreads keys such as `req-123456` evenly over the low bits used as slot numbers.
enum ByteHash {
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
        guard let p = bytes.baseAddress.map(UnsafeRawPointer.init) else { return mix(h) }
        var i = 0
        while i + 8 <= n {
            h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            i += 8
        }
        if i < n {
            var w: UInt64
            if n >= 8 {
                // The last eight bytes, overlapping ones already hashed: one load instead of a byte loop.
                w = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            } else {
                w = 0
                var shift: UInt64 = 0
                while i < n {
                    w |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << shift
                    shift += 8
                    i += 1
                }
            }
            h = (h ^ w) &* 0xBF58_476D_1CE4_E5B9
        }
        return mix(h)
    }

    /// Hash of a string's UTF-8 bytes (the same value as `hash` of those bytes).
    @inline(__always)
    static func hash(_ s: String) -> UInt64 {
        var s = s
        return s.withUTF8 { hash($0) }
    }

    /// murmur3's 64-bit finalizer.
    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// Whether `n` bytes at `a` and `b` are equal: eight at a time, inline (a `memcmp` call through the
    /// PLT costs more than the comparison for the 2–30 byte names and categories of a log line).
    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        if i < n, n >= 8 {
            return a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        while i < n {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }
}
