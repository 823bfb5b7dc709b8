import Foundation
import MLWatchCore

/// `mlwatch-bench gen realistic --lines 1000000 --out FILE [--no-text] [--rate 500]`
/// `mlwatch-bench gen drift --events 100000 --features 20 --out FILE [--current]`
///
/// Writes the logs the end-to-end figures are measured on (see `RealisticLineGenerator` and
/// `DriftLineGenerator`), so that `mlwatch check`, the Python baselines under `scripts/` and any other
/// tool can be run on the same file by hand. Deterministic: the same options give the same bytes.
enum GenerateBench {
    @Sendable static func run(_ args: [String]) -> Int32 {
        let option = BenchArguments(args: args).int
        guard let kind = args.first, let out = BenchArguments(args: args).string("--out") else {
            print("usage: mlwatch-bench gen realistic --lines N --out FILE [--no-text] [--rate R]\n"
                + "       mlwatch-bench gen drift --events N --features F --out FILE [--current]")
            return 2
        }
        let written: Int?
        switch kind {
        case "realistic":
            var g = RealisticLineGenerator(perSecond: Double(option("--rate", 500)), withText: !args.contains("--no-text"))
            written = write(count: option("--lines", 1_000_000), to: out) { g.next() }
        case "drift":
            var g = DriftLineGenerator(features: option("--features", 20), current: args.contains("--current"))
            written = write(count: option("--events", 100_000), to: out) { g.next() }
        default:
            print("gen: unknown kind \(kind) (realistic or drift)")
            return 2
        }
        guard let written else {
            print("gen: cannot write \(out)")
            return 1
        }
        print("gen: wrote \(out) (\(written >> 20) MB)")
        return 0
    }

    /// Streams `count` lines from `next` to `path` through a 1 MB buffer. Returns the bytes written.
    static func write(count: Int, to path: String, _ next: () -> [UInt8]) -> Int? {
        guard let f = fopen(path, "w") else { return nil }
        defer { fclose(f) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20 + 4096)
        var total = 0
        for _ in 0..<count {
            buffer += next()
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                total += buffer.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        total += buffer.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
        return total
    }
}
