import CZlib
import Foundation

/// The on-disk form of a `ReferenceProfile` (version 2), written by `mlwatch baseline`: a fixed 32-byte
/// preamble, a small JSON header naming the columns, then every numeric column's sorted values as
/// little-endian float64.
///
/// ```
/// offset  size  field
///      0     8  magic 89 4D 4C 57 50 0D 0A 1A  ("\x89MLWP\r\n\x1A": binary, never valid UTF-8 text;
///                                              a line-ending or text-mode conversion breaks it)
///      8     4  format version, UInt32 LE (2)
///     12     4  header length H in bytes, UInt32 LE
///     16     8  body length B in bytes, UInt64 LE
///     24     4  CRC-32 (zlib) of the header, its padding and the body
///     28     4  zero
///     32     H  header: UTF-8 JSON {"format","version","sources","events","from","to","columns":[…]}
///   32+H   0–7  zero padding to a multiple of 8
///      …     B  body: the float64 values of the numeric and text columns, in header order
/// ```
/// A header column is `{"name","kind":"numeric"|"text","count","dropped"}` (its `count` sorted finite
/// values follow in the body; a text column holds the lengths of a free-text feature's values) or
/// `{"name","kind":"categorical","categories":[…],"counts":[…]}`. The file's size must be exactly
/// 32 + H + padding + B, and B must be 8 × the sum of the counts.
///
/// Why binary: the first format (version 1) was the whole profile as JSON, with every sorted value
/// printed as text. Reading a 100k-event × 20-column profile took longer than re-reading the log it came
/// from (1.70 s against 1.04 s for `check`), and `baseline` spent most of its 1.94 s printing. Here the
/// values are copied, not parsed. The statistics derived from them (mean, standard deviation, distinct
/// count, quantiles) are computed again on load by the same code that built them, so a profile gives
/// bit-identical drift numbers and a hand-edited file cannot make them disagree with the values.
enum ReferenceProfileFile {
    static let magic: [UInt8] = [0x89, 0x4D, 0x4C, 0x57, 0x50, 0x0D, 0x0A, 0x1A]
    static let version: UInt32 = 2
    static let preambleSize = 32

    /// The header's JSON form.
    struct Header: Codable {
        var format: String
        var version: Int
        var sources: [String]
        var events: Int
        var from: Double?
        var to: Double?
        var columns: [Column]
    }

    struct Column: Codable {
        var name: String
        var kind: Kind
        var count: Int?
        var dropped: Int?
        var categories: [String]?
        var counts: [Int]?
    }

    enum Kind: String, Codable {
        case numeric, categorical, text
    }

    /// Whether `prefix` (the first bytes of a file) starts with the magic bytes.
    static func hasMagic(_ prefix: some Collection<UInt8>) -> Bool {
        prefix.count >= magic.count && zip(prefix, magic).allSatisfy { $0 == $1 }
    }

    // MARK: Writing

    static func encode(_ profile: ReferenceProfile) throws -> Data {
        var columns: [Column] = []
        var numeric: [[Double]] = []
        for name in profile.columns.keys.sorted() {
            switch profile.columns[name]! {
            case .numeric(let r):
                columns.append(Column(name: name, kind: .numeric, count: r.count, dropped: r.droppedCount))
                numeric.append(r.sortedValues)
            case .text(let r):
                columns.append(Column(name: name, kind: .text, count: r.count, dropped: r.droppedCount))
                numeric.append(r.sortedValues)
            case .categorical(let r):
                let categories = r.counts.keys.sorted(by: CategoricalReference.codePointLess)
                columns.append(Column(name: name, kind: .categorical, categories: categories,
                                      counts: categories.map { r.counts[$0]! }))
            }
        }
        let header = Header(format: ReferenceProfile.formatName, version: Int(version), sources: profile.sources,
                            events: profile.events, from: profile.from, to: profile.to, columns: columns)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(header)
        let padding = (8 - json.count % 8) % 8
        let bodyLength = numeric.reduce(0) { $0 + $1.count } * 8

        var out = [UInt8]()
        out.reserveCapacity(preambleSize + json.count + padding + bodyLength)
        out += magic
        appendLE(&out, version)
        appendLE(&out, UInt32(json.count))
        appendLE(&out, UInt64(bodyLength))
        appendLE(&out, UInt32(0))  // CRC, filled in below
        appendLE(&out, UInt32(0))
        out += json
        out += repeatElement(0, count: padding)
        for column in numeric {
            if isLittleEndianHost {
                column.withUnsafeBytes { out += $0 }
            } else {
                for v in column { appendLE(&out, v.bitPattern) }
            }
        }
        let crc = out.withUnsafeBufferPointer { checksum(UnsafeBufferPointer(rebasing: $0[preambleSize...])) }
        withUnsafeBytes(of: crc.littleEndian) { for (i, b) in $0.enumerated() { out[24 + i] = b } }
        return Data(out)
    }

    // MARK: Reading

    /// Reads a version-2 profile from the whole content of a file. Every size is checked against the
    /// file's length before anything is read, and every value before it is used.
    static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws(ReferenceError) -> ReferenceProfile {
        func bad(_ reason: String) -> ReferenceError { .invalid(path: path, reason: reason) }
        guard bytes.count >= preambleSize, hasMagic(bytes.prefix(magic.count)) else {
            throw .truncated(path: path, expected: preambleSize, found: bytes.count)
        }
        let fileVersion = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard fileVersion == version else { throw .unsupportedVersion(path: path, found: Int(fileVersion)) }
        let headerLength = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
        let bodyLength64 = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        let storedCRC = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt32.self))
        let padding = (8 - headerLength % 8) % 8
        // Checked before any arithmetic on it: a body length near 2^64 must not wrap.
        guard bodyLength64 <= UInt64(Int.max / 2) else {
            throw .truncated(path: path, expected: Int.max, found: bytes.count)
        }
        let bodyLength = Int(bodyLength64)
        let expected = preambleSize + headerLength + padding + bodyLength
        guard bytes.count == expected else {
            if bytes.count < expected { throw .truncated(path: path, expected: expected, found: bytes.count) }
            throw bad("\(bytes.count - expected) bytes after the end of the profile (\(expected) bytes)")
        }
        let crc = checksum(UnsafeBufferPointer(rebasing: bytes.bindMemory(to: UInt8.self)[preambleSize...]))
        guard crc == storedCRC else {
            throw bad("checksum mismatch (the file was changed or damaged after `mlwatch baseline` wrote it)")
        }

        let header: Header
        do {
            let json = Data(bytes[preambleSize..<(preambleSize + headerLength)])
            header = try JSONDecoder().decode(Header.self, from: json)
        } catch {
            throw bad("unreadable header")
        }
        guard header.format == ReferenceProfile.formatName else { throw .notAProfile(path) }
        guard header.version == Int(version) else { throw .unsupportedVersion(path: path, found: header.version) }

        var columns: [String: ColumnReference] = [:]
        var offset = preambleSize + headerLength + padding
        let end = offset + bodyLength
        for c in header.columns {
            guard columns[c.name] == nil else { throw bad("column \(c.name) appears twice") }
            switch c.kind {
            case .numeric, .text:
                guard let count = c.count, let dropped = c.dropped, count >= 0, dropped >= 0 else {
                    throw bad("column \(c.name): count and dropped must be non-negative numbers")
                }
                guard count <= (end - offset) / 8 else {
                    throw bad("column \(c.name): \(count) values do not fit in the body")
                }
                let values = readDoubles(bytes, at: offset, count: count)
                offset += count * 8
                let reference = try ReferenceProfile.validatedNumeric(sorted: values, dropped: dropped, column: c.name, path: path)
                columns[c.name] = c.kind == .numeric ? .numeric(reference) : .text(reference)
            case .categorical:
                guard let categories = c.categories, let counts = c.counts, categories.count == counts.count else {
                    throw bad("column \(c.name): categories and counts must be lists of the same length")
                }
                columns[c.name] = .categorical(
                    try ReferenceProfile.validatedCategorical(categories: categories, counts: counts, column: c.name, path: path))
            }
        }
        guard offset == end else { throw bad("\(end - offset) bytes of the body belong to no column") }
        let profile = ReferenceProfile(sources: header.sources, events: header.events, from: header.from, to: header.to,
                                       columns: columns)
        try profile.validateSummary(path: path)
        return profile
    }

    private static func readDoubles(_ bytes: UnsafeRawBufferPointer, at offset: Int, count: Int) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            if isLittleEndianHost {
                if count > 0 {
                    UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: bytes.baseAddress! + offset, byteCount: count * 8)
                }
            } else {
                for i in 0..<count {
                    let bits = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + i * 8, as: UInt64.self))
                    buffer[i] = Double(bitPattern: bits)
                }
            }
            initialized = count
        }
    }

    // MARK: Helpers

    private static var isLittleEndianHost: Bool { 1.littleEndian == 1 }

    private static func appendLE<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    /// zlib's CRC-32 (the one `python3 -c 'import zlib; zlib.crc32(…)'` computes), in 1 GiB steps.
    static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc: uLong = crc32(0, nil, 0)
        var start = 0
        while start < bytes.count {
            let n = Swift.min(bytes.count - start, 1 << 30)
            crc = crc32(crc, bytes.baseAddress! + start, uInt(n))
            start += n
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
