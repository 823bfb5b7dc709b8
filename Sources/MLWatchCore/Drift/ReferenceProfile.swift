import Foundation

/// A saved reference (`mlwatch baseline … -o profile.json`): per column the sorted values or the
/// category counts the drift tests need, so a live run does not need the raw reference log.
public struct ReferenceProfile: Sendable, Codable, Equatable {
    public static let formatName = "mlwatch-reference-profile"
    public var format: String = ReferenceProfile.formatName
    public var version: Int = 1
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

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Reads a profile written by `mlwatch baseline`.
    public static func load(path: String) throws(ReferenceError) -> ReferenceProfile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        do {
            let profile = try JSONDecoder().decode(ReferenceProfile.self, from: data)
            guard profile.format == formatName else { throw ReferenceError.notAProfile(path) }
            return profile
        } catch let e as ReferenceError {
            throw e
        } catch {
            throw .notAProfile(path)
        }
    }

    /// Whether a file looks like a saved profile (a JSON object naming our format) rather than a log.
    public static func isProfile(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 256)) ?? Data()
        return String(decoding: head, as: UTF8.self).contains("\"\(formatName)\"")
    }
}

/// Why a reference cannot be used.
public enum ReferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case notAProfile(String)
    case empty(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "reference \(path): cannot be read: \(reason)"
        case .notAProfile(let path):
            return "reference \(path): not a profile written by `mlwatch baseline` (give a log file or a profile)"
        case .empty(let path): return "reference \(path): no prediction events in it"
        }
    }
}
