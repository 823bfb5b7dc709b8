/// A batch of complete lines from one source, delivered in file order.
///
/// All lines share one contiguous buffer so that a batch of a megabyte of log costs two allocations,
/// not one per line; the parser walks `lines` and reads the bytes in place.
public struct LineBatch: Sendable {
    /// The path the lines came from, as matched (a glob yields the concrete file name; stdin is `"-"`).
    public let source: String
    /// One contiguous buffer holding every line of the batch.
    public let bytes: [UInt8]
    /// Line ranges into ``bytes``, without the trailing `"\n"` (and without a trailing `"\r"`).
    /// Bytes are passed through untouched: invalid UTF-8 is the parser's business.
    public let lines: [Range<Int>]
    /// Lines over ``TailerOptions/maxLineBytes`` skipped in this batch.
    public let skippedTooLong: Int
    /// Whether the read that gave this batch reached the end of what the source held (a short read): more
    /// lines come only once it grows. A live state confirms a jump to near the wall clock only then (see
    /// `FutureEventGuard.endOfBatch`): in the middle of a backlog the lines after it can still refute it.
    public let atEnd: Bool

    public init(source: String, bytes: [UInt8], lines: [Range<Int>], skippedTooLong: Int, atEnd: Bool = true) {
        self.source = source
        self.bytes = bytes
        self.lines = lines
        self.skippedTooLong = skippedTooLong
        self.atEnd = atEnd
    }

    /// The bytes of line `index` (a slice of ``bytes``, no copy).
    public func line(_ index: Int) -> ArraySlice<UInt8> { bytes[lines[index]] }
}
