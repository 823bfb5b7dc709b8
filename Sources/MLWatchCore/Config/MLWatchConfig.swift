import Foundation
import Yams

/// The `mlwatch.yaml` config: sources, reference, window, field mapping, drift settings, notification and
/// alert rules. Every field is optional with a default. Unknown keys are errors at every level, so a typo
/// (`keep_firing`, `lateness_`) is reported instead of silently ignored.
public struct MLWatchConfig: Sendable, Equatable {
    /// Log files or globs to follow.
    public var sources: [String]
    public var reference: ReferenceSpec
    public var window: WindowSpec
    /// Out-of-order bound in seconds of event time.
    public var lateness: Double
    /// Feature whose category splits metrics into segments.
    public var segmentBy: String?
    public var theme: String
    /// Score threshold for `low_confidence_rate`.
    public var lowConfidence: Double
    /// Label join buffer: most predictions waiting for a label, and how long they wait (seconds).
    public var joinMaxPending: Int
    public var joinTTL: Double
    /// `fields:` as written (field → dotted path); `fieldMapping` is the checked form.
    public var fields: [String: String]
    public var fieldMapping: FieldMapping
    public var drift: DriftSettings
    public var notify: NotifySettings
    public var rules: [AlertRule]

    /// The top-level keys of the format.
    public static let topLevelKeys = [
        "sources", "reference", "window", "lateness", "segment_by", "theme", "low_confidence", "join", "fields",
        "drift", "notify", "rules",
    ]

    public init(
        sources: [String] = [], reference: ReferenceSpec = .none, window: WindowSpec = .default, lateness: Double = 30,
        segmentBy: String? = nil, theme: String = "default", lowConfidence: Double = 0.6, joinMaxPending: Int = 100_000,
        joinTTL: Double = 3600, fields: [String: String] = [:], fieldMapping: FieldMapping = .standard,
        drift: DriftSettings = DriftSettings(), notify: NotifySettings = NotifySettings(), rules: [AlertRule] = []
    ) {
        self.sources = sources
        self.reference = reference
        self.window = window
        self.lateness = lateness
        self.segmentBy = segmentBy
        self.theme = theme
        self.lowConfidence = lowConfidence
        self.joinMaxPending = joinMaxPending
        self.joinTTL = joinTTL
        self.fields = fields
        self.fieldMapping = fieldMapping
        self.drift = drift
        self.notify = notify
        self.rules = rules
    }

    /// Reads and parses a config file.
    /// - Throws: `ConfigError` naming the file, line and column of the problem.
    public static func load(path: String) throws(ConfigError) -> MLWatchConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, reason: "cannot read the config: \(error.localizedDescription)")
        }
        return try parse(yaml: text, path: path)
    }

    /// Parses config text; `path` is only used in error messages.
    /// - Throws: `ConfigError` naming the file, line and column of the problem.
    public static func parse(yaml: String, path: String = "mlwatch.yaml") throws(ConfigError) -> MLWatchConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error, file: path)
        } catch {
            throw .syntax(file: path, line: 1, column: 1, message: "\(error)")
        }
        var config = MLWatchConfig()
        guard let root else { return config }
        let top = ConfigNode(node: root, path: "", file: path, lines: yaml.split(separator: "\n", omittingEmptySubsequences: false))
        if top.isNull { return config }
        for (key, value) in try top.mapping(allowed: topLevelKeys) {
            if value.isNull { continue }
            switch key {
            case "sources": config.sources = try value.stringList()
            case "reference": config.reference = try parseReference(value)
            case "window": config.window = try parseWindow(value)
            case "lateness": config.lateness = try value.duration()
            case "segment_by": config.segmentBy = try value.string()
            case "theme": config.theme = try value.string()
            case "low_confidence":
                let v = try value.double()
                guard (0...1).contains(v) else { throw value.invalid("must be between 0 and 1, found \(v)") }
                config.lowConfidence = v
            case "join":
                for (k, v) in try value.mapping(allowed: ["max_pending", "ttl"]) {
                    if k == "max_pending" { config.joinMaxPending = try v.int(minimum: 1) } else { config.joinTTL = try v.duration() }
                }
            case "fields":
                config.fields = try value.stringMap()
                do {
                    config.fieldMapping = try FieldMapping(config.fields)
                } catch {
                    let culprit = try value.mapping(allowed: []).first { k, _ in
                        switch error {
                        case .unknownField(let f), .badPath(let f, _): return k == f
                        }
                    }?.value ?? value
                    throw culprit.invalid(error.description)
                }
            case "drift": config.drift = try parseDrift(value)
            case "notify":
                for (k, v) in try value.mapping(allowed: ["bell", "command"]) {
                    if k == "bell" { config.notify.bell = try v.bool() } else { config.notify.command = try v.string() }
                }
            case "rules": config.rules = try parseRules(value)
            default: break
            }
        }
        return config
    }

    /// The collector settings this config asks for.
    public var collectorOptions: CollectorOptions {
        CollectorOptions(
            window: window, lateness: lateness,
            metrics: MetricOptions(segmentBy: segmentBy, lowConfidence: lowConfidence),
            joinMaxPending: joinMaxPending, joinTTL: joinTTL, mapping: fieldMapping)
    }

    // MARK: Sections

    private static func syntaxError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let message = context.map { "\(problem) (\($0.text))" } ?? problem
            return .syntax(file: file, line: mark.line, column: mark.column, message: message)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .syntax(file: file, line: context.mark.line, column: context.mark.column,
                           message: "duplicate key \(duplicates.joined(separator: ", ")) in a mapping")
        default:
            return .syntax(file: file, line: 1, column: 1, message: "\(error)")
        }
    }

    private static func parseReference(_ node: ConfigNode) throws(ConfigError) -> ReferenceSpec {
        if case .scalar = node.node {
            // `reference: sample-data/reference.jsonl` as a shorthand for `{file: …}`.
            return fileReference(try node.string())
        }
        let entries = try node.mapping(allowed: ["file", "first", "from", "to"])
        let keys = Set(entries.map(\.key))
        if keys.contains("file") {
            guard keys.count == 1 else { throw node.invalid("give either file, first, or from/to, not several") }
            return fileReference(try entries[0].value.string())
        }
        if let first = entries.first(where: { $0.key == "first" }) {
            guard keys.count == 1 else { throw node.invalid("give either file, first, or from/to, not several") }
            return .first(try first.value.int(minimum: 1))
        }
        guard let from = entries.first(where: { $0.key == "from" }) else {
            throw node.invalid("needs file, first or from (and optionally to)")
        }
        let start = try timestamp(from.value)
        var end: Double?
        if let to = entries.first(where: { $0.key == "to" }) {
            end = try timestamp(to.value)
            if let end, end <= start { throw to.value.invalid("must be after from") }
        }
        return .range(from: start, to: end)
    }

    private static func fileReference(_ path: String) -> ReferenceSpec {
        path.lowercased().hasSuffix(".json") ? .profile(path) : .file(path)
    }

    private static func timestamp(_ node: ConfigNode) throws(ConfigError) -> Double {
        let s = try node.string()
        guard let t = TimestampParser.parse(s) else {
            throw node.invalid("\"\(s)\" is not a time (write RFC 3339, e.g. 2026-01-01T00:00:00Z, or epoch seconds)")
        }
        return t
    }

    private static func parseWindow(_ node: ConfigNode) throws(ConfigError) -> WindowSpec {
        if case .scalar = node.node {
            let s = try node.string()
            if s.lowercased() == "all" { return .all(slide: 30) }
            // `window: 10m` as a shorthand for `{size: 10m}`.
            let size = try node.duration()
            guard size > 0 else { throw node.invalid("window size must be positive") }
            return .time(size: size, slide: WindowSpec.defaultSlide(for: size))
        }
        let entries = try node.mapping(allowed: ["size", "slide", "events"])
        let slideNode = entries.first { $0.key == "slide" }?.value
        if let events = entries.first(where: { $0.key == "events" }) {
            guard !entries.contains(where: { $0.key == "size" }) else {
                throw node.invalid("give either size (a duration) or events (a count), not both")
            }
            let n = try events.value.int(minimum: 1)
            var slide = max(1, n / 10)
            if let slideNode { slide = try slideNode.int(minimum: 1) }
            return .count(size: n, slide: slide)
        }
        guard let sizeNode = entries.first(where: { $0.key == "size" })?.value else {
            throw node.invalid("needs size (e.g. 10m) or events (e.g. 5000)")
        }
        if (try? sizeNode.string().lowercased()) == "all" {
            return .all(slide: try slideNode?.duration() ?? 30)
        }
        let size = try sizeNode.duration()
        guard size > 0 else { throw sizeNode.invalid("window size must be positive") }
        var slide = WindowSpec.defaultSlide(for: size)
        if let slideNode {
            slide = try slideNode.duration()
            guard slide > 0, slide <= size else { throw slideNode.invalid("slide must be positive and at most the window size") }
        }
        return .time(size: size, slide: slide)
    }

    private static func parseDrift(_ node: ConfigNode) throws(ConfigError) -> DriftSettings {
        var settings = DriftSettings()
        for (key, value) in try node.mapping(allowed: ["features", "default"]) {
            if key == "default" {
                settings.defaultOptions = try parseDriftOptions(value)
            } else {
                for (feature, options) in try value.mapping(allowed: []) {
                    settings.features[feature] = try parseDriftOptions(options)
                }
            }
        }
        return settings
    }

    private static func parseDriftOptions(_ node: ConfigNode) throws(ConfigError) -> DriftOptions {
        var options = DriftOptions()
        for (key, value) in try node.mapping(allowed: ["test", "threshold"]) {
            if key == "threshold" {
                options.threshold = try value.double()
            } else {
                let name = try value.string().lowercased()
                guard let test = DriftTest(rawValue: name == "kl_div" ? "kl" : name) else {
                    let known = DriftTest.allCases.map(\.rawValue).joined(separator: ", ")
                    throw value.invalid("unknown drift test \"\(name)\" (use \(known))")
                }
                options.test = test
            }
        }
        return options
    }
}
