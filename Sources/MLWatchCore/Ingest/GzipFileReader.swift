import CZlib

/// Reads a gzip file (possibly several concatenated members, as `cat a.gz b.gz` makes) as one
/// uncompressed stream, through zlib's `gzread`.
final class GzipFileReader {
    /// The two magic bytes every gzip member starts with.
    static let magic: (UInt8, UInt8) = (0x1f, 0x8b)

    let path: String
    private var file: gzFile?

    /// Whether the open file `fd` starts with the gzip magic bytes (the name is not trusted).
    static func isGzip(fd: Int32) -> Bool {
        var head: (UInt8, UInt8) = (0, 0)
        let n = withUnsafeMutableBytes(of: &head) { Posix.pread(fd, $0, at: 0) }
        guard case .success(2) = n else { return false }
        return head == magic
    }

    init(path: String) throws(TailerError) {
        self.path = path
        guard let file = gzopen(path, "rb") else {
            throw .readFailed(path: path, reason: "cannot open as gzip")
        }
        // A larger internal buffer cuts the number of read(2) calls for big history files.
        gzbuffer(file, 256 * 1024)
        self.file = file
    }

    deinit { close() }

    /// Skips `count` uncompressed bytes (to resume from a checkpoint).
    func skip(_ count: Int64) throws(TailerError) {
        guard count > 0, let file else { return }
        if gzseek(file, Int(count), SEEK_SET) < 0 {
            throw .gzipCorrupt(path: path, reason: errorMessage())
        }
    }

    /// Reads up to `buffer.count` uncompressed bytes; 0 means the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TailerError) -> Int {
        guard let file, let base = buffer.baseAddress else { return 0 }
        let n = gzread(file, base, UInt32(min(buffer.count, Int(Int32.max))))
        if n < 0 { throw .gzipCorrupt(path: path, reason: errorMessage()) }
        if n == 0 {
            // gzread returns 0 both at a clean end and at a truncated stream; gzerror tells them apart.
            var code: Int32 = 0
            _ = gzerror(file, &code)
            if code != Z_OK && code != Z_STREAM_END { throw .gzipCorrupt(path: path, reason: errorMessage()) }
        }
        return Int(n)
    }

    func close() {
        if let file { gzclose_r(file) }
        file = nil
    }

    private func errorMessage() -> String {
        guard let file else { return "closed" }
        var code: Int32 = 0
        guard let text = gzerror(file, &code) else { return "zlib error \(code)" }
        return String(cString: text)
    }
}
