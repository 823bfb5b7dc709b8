import Foundation
import MLWatchCore

/// `mlwatch-bench gen realistic --lines 1000000 --out FILE [--no-text] [--rate 500]`
/// `mlwatch-bench gen drift --events 100000 --features 20 --out FILE [--current]`
/// `mlwatch-bench gen respace --in LOG --out FILE [--lines N] [--gap SECONDS] [--start EPOCH]`
///
/// `respace` copies the first N lines of a log (gzip allowed), and with `--gap` rewrites each line's
/// `"timestamp"`/`"ts"` string so that line i is at start + i × gap: the sparse-vs-dense figures run the
/// same events minutes apart (as logged) and 50 ms apart.
///
/// Writes the logs the end-to-end figures are measured on (see `RealisticLineGenerator` and
/// `DriftLineGenerator`), so that `mlwatch check`, the Python baselines under `scripts/` and any other
/// tool can be run on the same file by hand. Deterministic: the same options give the same bytes.
enum GenerateBench {
    @Sendable static func run(_ args: [String]) -> Int32 {
        let option = BenchArguments(args: args).int
        guard let kind = args.first, let out = BenchArguments(args: args).string("--out") else {
            print("usage: mlwatch-bench gen realistic --lines N --out FILE [--no-text] [--rate R]\n"
                + "       mlwatch-bench gen drift --events N --features F --out FILE [--current]\n"
                + "       mlwatch-bench gen respace --in LOG --out FILE [--lines N] [--gap SECONDS] [--start EPOCH]")
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
        case "respace":
            guard let input = BenchArguments(args: args).string("--in") else {
                print("gen respace: give --in LOG")
                return 2
            }
            let gap = BenchArguments(args: args).string("--gap").flatMap(Double.init)
            let start = BenchArguments(args: args).string("--start").flatMap(Double.init) ?? 1_700_000_000
            guard let lines = readLines(input, limit: option("--lines", .max)) else {
                print("gen respace: cannot read \(input)")
                return 1
            }
            var i = 0
            written = write(count: lines.count, to: out) {
                defer { i += 1 }
                guard let gap else { return lines[i] }
                return respaced(lines[i], at: start + Double(i) * gap)
            }
        default:
            print("gen: unknown kind \(kind) (realistic, drift or respace)")
            return 2
        }
        guard let written else {
            print("gen: cannot write \(out)")
            return 1
        }
        print("gen: wrote \(out) (\(written >> 20) MB)")
        return 0
    }

    /// The first `limit` lines of a log (gzip allowed), without their newlines.
    static func readLines(_ path: String, limit: Int) -> [[UInt8]]? {
        var out: [[UInt8]] = []
        do {
            let tailer = try LogTailer(paths: [path], options: TailerOptions(fromStart: true, follow: false))
            try tailer.readToEnd { batch in
                for r in batch.lines where out.count < limit { out.append(Array(batch.bytes[r])) }
            }
        } catch {
            return nil
        }
        return out
    }

    /// `line` with the string value of its `"timestamp"` (or `"ts"`) key replaced by `t` in RFC 3339.
    static func respaced(_ line: [UInt8], at t: Double) -> [UInt8] {
        let text = String(decoding: line, as: UTF8.self)
        for key in ["\"timestamp\"", "\"ts\""] {
            guard let k = text.range(of: key), let open = text[k.upperBound...].firstIndex(of: "\""),
                  let close = text[text.index(after: open)...].firstIndex(of: "\"")
            else { continue }
            return Array((text[..<text.index(after: open)] + TimestampParser.format(t) + text[close...]).utf8)
        }
        return line
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
