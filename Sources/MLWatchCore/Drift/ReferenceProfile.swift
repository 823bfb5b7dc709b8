import Foundation

/// A saved reference (`mlwatch baseline … -o ref.profile`): per column the sorted values or the
/// category counts the drift tests need, so a live run does not need the raw reference log.
public struct ReferenceProfile: Sendable, Codable, Equatable {
    public static let formatName = "mlwatch-reference-profile"
    public var format: String = ReferenceProfile.formatName
    /// 1: the whole profile as JSON (read, no longer written); 2: `ReferenceProfileFile`.
    public var version: Int = 2
    /// Where it was built from (paths), for the header of the detail view.
    public var sources: [String]
    public var events: Int
    public var from: Double?
    public var to: Double?
    /// Columns by name: features, plus `prediction` and `score`.
    public var columns: [String: ColumnReference]

    public init(sources: [String], events: Int, from: Double?, to: Double?, columns: [String: ColumnReference]) {
        self.sources = sources
        self.events = events
        self.from = from
        self.to = to
        self.columns = columns
    }

    /// The profile in the current file format (see `ReferenceProfileFile`).
    public func encoded() throws -> Data {
        try ReferenceProfileFile.encode(self)
    }

    /// Reads a profile written by `mlwatch baseline`: the current binary format, or the JSON of version 1
    /// (mlwatch before the binary format), which is still read, checked the same way, only slower.
    public static func load(path: String) throws(ReferenceError) -> ReferenceProfile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try decode(data, path: path)
    }

    /// A profile from the content of a file (either format); `path` is only used in messages.
    static func decode(_ data: Data, path: String) throws(ReferenceError) -> ReferenceProfile {
        if ReferenceProfileFile.hasMagic(data.prefix(ReferenceProfileFile.magic.count)) {
            // (`withUnsafeBytes` rethrows untyped errors: the typed one travels in a `Result`.)
            return try data.withUnsafeBytes { bytes in
                Result { () throws(ReferenceError) in try ReferenceProfileFile.decode(bytes, path: path) }
            }.get()
        }
        return try loadVersion1(data, path: path)
    }

    /// The JSON profile of version 1, validated and with every derived statistic computed again from the
    /// values (as the binary format does).
    private static func loadVersion1(_ data: Data, path: String) throws(ReferenceError) -> ReferenceProfile {
        let decoded: ReferenceProfile
        do {
            decoded = try JSONDecoder().decode(ReferenceProfile.self, from: data)
        } catch {
            throw .notAProfile(path)
        }
        guard decoded.format == formatName else { throw .notAProfile(path) }
        guard decoded.version == 1 else { throw .unsupportedVersion(path: path, found: decoded.version) }
        var columns: [String: ColumnReference] = [:]
        for (name, column) in decoded.columns {
            switch column {
            case .numeric(let r):
                columns[name] = .numeric(try validatedNumeric(sorted: r.sortedValues, dropped: r.droppedCount, column: name, path: path))
            case .text(let r):
                columns[name] = .text(try validatedNumeric(sorted: r.sortedValues, dropped: r.droppedCount, column: name, path: path))
            case .categorical(let r):
                let names = Array(r.counts.keys)
                columns[name] = .categorical(
                    try validatedCategorical(categories: names, counts: names.map { r.counts[$0]! }, column: name, path: path))
            }
        }
        let profile = ReferenceProfile(sources: decoded.sources, events: decoded.events, from: decoded.from, to: decoded.to,
                                       columns: columns)
        try profile.validateSummary(path: path)
        return profile
    }

    /// Whether a file looks like a saved profile (binary, or a JSON object naming our format) rather than a
    /// log. A version-1 profile names its format after all its columns (its keys are sorted), so the end
    /// of the file is looked at too.
    public static func isProfile(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 256)) ?? Data()
        if ReferenceProfileFile.hasMagic(head) { return true }
        guard head.first == UInt8(ascii: "{") else { return false }
        let marker = Data("\"format\":\"\(formatName)\"".utf8)
        if head.range(of: marker) != nil { return true }
        guard let size = try? handle.seekToEnd(), size > 256 else { return false }
        try? handle.seek(toOffset: size - min(size, 4096))
        let tail = (try? handle.readToEnd()) ?? Data()
        return tail.range(of: marker) != nil
    }
}

/// Why a reference cannot be used.
public enum ReferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notAProfile(String)
    case empty(String)
    /// Shorter than its own preamble says (a copy or a write that stopped early).
    case truncated(path: String, expected: Int, found: Int)
    /// A format version this mlwatch does not read.
    case unsupportedVersion(path: String, found: Int)
    /// A profile whose content fails a check (sizes, counts, values, checksum).
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "reference \(path): cannot be read: \(reason)"
        case .notAProfile(let path):
            return "reference \(path): not a profile written by `mlwatch baseline` (give a log file or a profile)"
        case .empty(let path): return "reference \(path): no prediction events in it"
        case .truncated(let path, let expected, let found):
            return "reference \(path): the profile is truncated (\(found) of \(expected) bytes); "
                + "write it again with `mlwatch baseline`"
        case .unsupportedVersion(let path, let found):
            return "reference \(path): profile format version \(found) is not one this mlwatch reads (1 or 2); "
                + "write it again with this mlwatch's `mlwatch baseline`"
        case .invalid(let path, let reason):
            return "reference \(path): not a usable profile: \(reason); write it again with `mlwatch baseline`"
        }
    }
}
