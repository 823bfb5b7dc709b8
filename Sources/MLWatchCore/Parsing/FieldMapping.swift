/// Where each field of an event is found in a log line: dotted paths into the JSON object, from the
/// config's `fields:` (e.g. `{ts: time, features: input, prediction: output.label}`). Fields not
/// mentioned keep their default names.
public struct FieldMapping: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case ts, type, model, version
        case requestID = "request_id"
        case latencyMs = "latency_ms"
        case status, features, prediction, score, feedback, label, host
        case cpuPct = "cpu_pct"
        case memMB = "mem_mb"
        case load1
    }

    private var paths: [Field: [Substring]]

    /// The log format of ARCHITECTURE.md.
    public static let standard = FieldMapping(paths: [:])

    private init(paths: [Field: [Substring]]) {
        self.paths = paths
    }

    /// Builds a mapping from the config's `fields:` dictionary (field name → dotted path).
    /// - Throws: `FieldMappingError.unknownField` for a key that is not a field of the log format.
    public init(_ overrides: [String: String]) throws(FieldMappingError) {
        var paths: [Field: [Substring]] = [:]
        for (key, path) in overrides {
            guard let field = Field(rawValue: key) ?? (key == "timestamp" ? .ts : nil) else {
                throw .unknownField(key)
            }
            let components = path.split(separator: ".", omittingEmptySubsequences: false)
            guard !components.isEmpty, !components.contains(where: \.isEmpty) else { throw .badPath(key, path) }
            paths[field] = components
        }
        self.init(paths: paths)
    }

    /// True when every field is at its default place, so the fast parser applies.
    public var isStandard: Bool { paths.isEmpty }

    /// The path of a field (its default name when not mapped).
    public func path(_ field: Field) -> [Substring] {
        paths[field] ?? [Substring(field.rawValue)]
    }
}

/// A `fields:` entry in the config that cannot be used.
public enum FieldMappingError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownField(String)
    case badPath(String, String)

    public var description: String {
        switch self {
        case .unknownField(let k):
            let known = FieldMapping.Field.allCases.map(\.rawValue).joined(separator: ", ")
            return "fields: unknown field \"\(k)\" (known: \(known))"
        case .badPath(let k, let p):
            return "fields: \(k): \"\(p)\" is not a dotted path such as output.label"
        }
    }
}
