/// A hash of the first up to ``Fingerprint/maxLength`` bytes of a file, with how many bytes it covers.
///
/// A file shorter than the maximum gets a fingerprint over what it has; a later check hashes the same
/// number of bytes, so a growing file keeps matching, and the fingerprint is widened when recorded again.
struct Fingerprint: Hashable, Codable, Sendable {
    static let maxLength = 256

    /// Bytes covered.
    var length: Int
    /// FNV-1a 64 of those bytes, in hex (JSON numbers lose precision above 2^53).
    var hash: String

    static func of(_ bytes: UnsafeRawBufferPointer) -> Fingerprint {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return Fingerprint(length: bytes.count, hash: String(h, radix: 16))
    }

    /// Reads the fingerprint of an open file (up to `maxLength` bytes, or exactly `length` bytes).
    static func read(fd: Int32, length: Int = maxLength) -> Fingerprint? {
        var buffer = [UInt8](repeating: 0, count: length)
        return buffer.withUnsafeMutableBytes { raw -> Fingerprint? in
            var got = 0
            while got < length {
                guard case .success(let n) = Posix.pread(fd, UnsafeMutableRawBufferPointer(rebasing: raw[got...]), at: Int64(got)) else {
                    return nil
                }
                if n == 0 { break }
                got += n
            }
            return Fingerprint.of(UnsafeRawBufferPointer(rebasing: raw[..<got]))
        }
    }

    /// Whether the file open as `fd` still starts with the bytes this fingerprint covers.
    func matches(fd: Int32) -> Bool {
        guard let now = Fingerprint.read(fd: fd, length: length) else { return false }
        return now == self
    }
}
