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

    public init(source: String, bytes: [UInt8], lines: [Range<Int>], skippedTooLong: Int) {
        self.source = source
        self.bytes = bytes
        self.lines = lines
        self.skippedTooLong = skippedTooLong
    }

    /// The bytes of line `index` (a slice of ``bytes``, no copy).
    public func line(_ index: Int) -> ArraySlice<UInt8> { bytes[lines[index]] }
}
