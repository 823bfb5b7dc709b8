#if canImport(Glibc)
import Glibc
#endif

/// Cuts a byte stream into lines, carrying a partial last line over to the next chunk and skipping lines
/// longer than a limit without ever holding more than the limit in memory.
///
/// It knows nothing about files: the caller appends each chunk after the carried-over bytes
/// (``pending``) and calls ``split(_:scanFrom:into:)``; the splitter records line ranges and says how many
/// leading bytes are consumed. Only ranges are recorded, so a batch of lines costs no per-line allocation.
struct LineSplitter {
    /// The outcome of one ``split(_:scanFrom:into:)``.
    struct Result: Equatable {
        /// Bytes at the front of the chunk that are done with (complete or skipped lines). The rest is a
        /// partial line to carry over, unless ``LineSplitter/discarding`` is set: then the rest belongs to an
        /// over-long line and is dropped. 0 when in discarding mode on entry and no newline ended that line.
        var consumed: Int
        /// Lines over the limit skipped (a line is counted once, when it is first found too long).
        var skipped: Int
    }

    let maxLineBytes: Int
    /// `true` while inside a line already known to be too long: its bytes are dropped until the next newline.
    private(set) var discarding = false

    init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    /// Enters discarding mode directly (used when following starts inside an over-long last line).
    mutating func startDiscarding() { discarding = true }

    /// Splits `bytes` (carried-over partial line first, then new data) into lines.
    ///
    /// - Parameters:
    ///   - scanFrom: where the new data starts; the carried-over bytes before it are known to hold no newline.
    ///   - lines: receives the ranges of complete lines, without `"\n"` or a `"\r"` before it.
    /// - Returns: how much was consumed. When the unterminated rest exceeds the limit the splitter counts
    ///   it as skipped, switches to discarding mode and the caller must drop the rest.
    /// - Complexity: O(n) in the new bytes, via `memchr`.
    mutating func split(_ bytes: UnsafeBufferPointer<UInt8>, scanFrom: Int, into lines: inout [Range<Int>]) -> Result {
        var result = Result(consumed: 0, skipped: 0)
        guard let base = bytes.baseAddress else { return result }
        let count = bytes.count
        var lineStart = 0
        var cursor = scanFrom
        if discarding {
            // Carried-over bytes are never kept in this mode, so the chunk is all new data.
            guard let newline = Self.findNewline(base, from: 0, count: count) else { return result }
            discarding = false
            lineStart = newline + 1
            cursor = lineStart
        }
        while let newline = Self.findNewline(base, from: cursor, count: count) {
            if newline - lineStart > maxLineBytes {
                result.skipped += 1
            } else {
                var end = newline
                if end > lineStart && base[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                lines.append(lineStart..<end)
            }
            lineStart = newline + 1
            cursor = lineStart
        }
        result.consumed = lineStart
        if count - lineStart > maxLineBytes {
            // The partial line is already too long: count it now and stop buffering it.
            discarding = true
            result.skipped += 1
        }
        return result
    }

    /// The range of the final unterminated line at true end of input (stdin EOF, read-to-end), if any.
    func finalLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard !discarding, !bytes.isEmpty else { return nil }
        var end = bytes.count
        if bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return 0..<end
    }

    @inline(__always)
    private static func findNewline(_ base: UnsafePointer<UInt8>, from: Int, count: Int) -> Int? {
        guard from < count, let hit = memchr(base + from, 0x0A, count - from) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }
}
