import Foundation

/// SplitMix64 (Steele, Lea & Flood) with the few draws the simulator, the benchmarks and the property
/// tests need: fast, seedable, and the same sequence on every platform, so a seed reproduces a run.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// Normal (Box–Muller, one value per two uniforms).
    public mutating func normal(_ mean: Double = 0, _ sd: Double = 1) -> Double {
        let u1 = Swift.max(uniform(), 0x1p-60), u2 = uniform()
        return mean + sd * (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// Uniform in 0..<upper.
    public mutating func int(_ upper: Int) -> Int { Int(next() % UInt64(upper)) }

    public mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }
}
