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
    /// `max_future:` — how far ahead of the wall clock (live) or of the newest event an event may be stamped
    /// before it is counted as future instead of moving event time (see `FutureEventGuard`).
    public var maxFuture = CollectorOptions.defaultMaxFuture
    /// Feature whose category splits metrics into segments.
    public var segmentBy: String?
    public var theme: String
    /// Score threshold for `low_confidence_rate`.
    public var lowConfidence: Double
    /// Distinct strings a feature may take before it is free text (`max_categories`; see `FeatureCardinality`).
    public var maxCategories: Int = FeatureCardinality.defaultMaxCategories
    /// `max_groups`, `max_features`: the window's caps on groups and on features per group (`MetricOptions`).
    public var maxGroups: Int = MetricOptions.defaultMaxGroups
    public var maxFeaturesPerGroup: Int = MetricOptions.defaultMaxFeaturesPerGroup
    /// Label join buffer: most predictions waiting for a label, and how long they wait (seconds).
    public var joinMaxPending: Int
    public var joinTTL: Double
    /// `fields:` as written (field → dotted path); `fieldMapping` is the checked form.
    public var fields: [String: String]
    public var fieldMapping: FieldMapping
    public var drift: DriftSettings
    public var notify: NotifySettings
    public var rules: [AlertRule]
    /// `metrics_listen:` — `HOST:PORT` to serve `/metrics` on (like `--metrics-listen`); nil for none.
    public var metricsListen: String?
    /// `latency_buckets:` — upper bounds in seconds of the exported latency histogram.
    public var latencyBuckets: [Double] = PredictionCounters.defaultLatencyBuckets
    /// `compare: {baseline: v1}`: the version every other version of a model is compared with.
    public var compareBaseline: String?
    /// `fairness: {group_by: …, positive: 1, min_samples: 20}`.
    public var fairness: FairnessOptions?
    /// `prometheus:` — where the fleet dashboard reads the fleet from.
    public var prometheus = PrometheusSettings()
    /// `tls: {ca_file:}` — extra certificate authorities for `https://` peers.
    public var tls = TLSSettings()

    /// The top-level keys of the format.
    public static let topLevelKeys = [
        "sources", "reference", "window", "lateness", "max_future", "segment_by", "theme", "low_confidence", "max_categories", "max_groups",
        "max_features", "join", "fields", "drift", "notify", "rules", "metrics_listen", "latency_buckets", "compare", "fairness",
        "prometheus", "tls",
    ]

    public init(
        sources: [String] = [], reference: ReferenceSpec = .none, window: WindowSpec = .default, lateness: Double = 30,
        segmentBy: String? = nil, theme: String = "default", lowConfidence: Double = 0.6, joinMaxPending: Int = 100_000,
        joinTTL: Double = 3600, fields: [String: String] = [:], fieldMapping: FieldMapping = .standard,
        drift: DriftSettings = DriftSettings(), notify: NotifySettings = NotifySettings(), rules: [AlertRule] = [],
        compareBaseline: String? = nil, fairness: FairnessOptions? = nil
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
        self.compareBaseline = compareBaseline
        self.fairness = fairness
    }

    /// Largest config file read (a config is often reviewed from a pull request: a huge one is refused
    /// with a message instead of being parsed).
    public static let maxFileBytes = 16 << 20
    /// Deepest nesting of mappings and lists accepted (the config format needs 4; the YAML composer and
    /// everything that walks its tree recurse once per level).
    public static let maxNesting = 32

    /// Reads and parses a config file.
    /// - Throws: `ConfigError` naming the file, line and column of the problem.
    public static func load(path: String) throws(ConfigError) -> MLWatchConfig {
        try parse(yaml: try read(path: path), path: path)
    }

    /// The text of a config file, refused when unreadable, over `maxFileBytes` or not UTF-8.
    public static func read(path: String) throws(ConfigError) -> String {
        let data: Data
        do {
            let url = URL(fileURLWithPath: path)
            let size = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
            guard size <= maxFileBytes else {
                throw ConfigError.unreadable(
                    file: path, reason: "the config is \(size) bytes, over the limit of \(maxFileBytes) bytes (16 MiB)")
            }
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            // Read at most one byte past the limit: a FIFO or a file that grows is refused all the same.
            data = try handle.read(upToCount: maxFileBytes + 1) ?? Data()
        } catch let error as ConfigError {
            throw error
        } catch {
            throw .unreadable(file: path, reason: "cannot read the config: \(error.localizedDescription)")
        }
        guard data.count <= maxFileBytes else {
            throw .unreadable(file: path, reason: "the config is over the limit of \(maxFileBytes) bytes (16 MiB)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .unreadable(file: path, reason: "the config is not UTF-8 text")
        }
        return text
    }

    /// Parses config text; `path` is only used in error messages.
    /// - Throws: `ConfigError` naming the file, line and column of the first problem.
    public static func parse(yaml: String, path: String = "mlwatch.yaml") throws(ConfigError) -> MLWatchConfig {
        var problems = ConfigProblems(limit: 1)
        let config = parse(yaml: yaml, path: path, problems: &problems)
        if let first = problems.errors.first { throw first }
        return config
    }

    /// The outcome of checking a config for every problem (`mlwatch rules check`).
    public enum Check: Sendable, Equatable {
        case valid(MLWatchConfig)
        /// The problems in file order, at most the limit asked for. A YAML syntax error is the last one
        /// (what follows it cannot be trusted).
        case invalid([ConfigError])
    }

    /// Parses config text once and collects up to `maxErrors` problems: an error skips the rule (item of
    /// `rules:`) or top-level section it is in, and the rest is still checked.
    /// - Complexity: O(size of the config).
    public static func check(yaml: String, path: String, maxErrors: Int = 50) -> Check {
        var problems = ConfigProblems(limit: max(1, maxErrors))
        let config = parse(yaml: yaml, path: path, problems: &problems)
        return problems.errors.isEmpty ? .valid(config) : .invalid(problems.errors)
    }

    private static func parse(yaml: String, path: String, problems: inout ConfigProblems) -> MLWatchConfig {
        var config = MLWatchConfig()
        if let (line, column) = YAMLNesting.firstBeyond(maxNesting, in: yaml) {
            problems.add(.syntax(file: path, line: line, column: column,
                                 message: "nested more than \(maxNesting) levels deep (the limit for a config)"))
            return config
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            problems.add(syntaxError(error, file: path))
            return config
        } catch {
            problems.add(.syntax(file: path, line: 1, column: 1, message: "\(error)"))
            return config
        }
        guard let root else { return config }
        let top = ConfigNode(node: root, path: "", file: path, lines: yaml.split(separator: "\n", omittingEmptySubsequences: false))
        if top.isNull { return config }
        let entries: [(key: String, line: Int, column: Int, value: ConfigNode)]
        do {
            entries = try top.keyedEntries()
        } catch {
            problems.add(error)
            return config
        }
        for (key, line, column, value) in entries where !problems.isFull {
            do throws(ConfigError) {
                try top.checkKey(key, allowed: topLevelKeys, line: line, column: column)
                if value.isNull { continue }
                if key == "rules" {
                    config.rules = parseRules(value, problems: &problems)
                } else {
                    try parseSection(key, value, into: &config)
                }
            } catch {
                problems.add(error)
            }
        }
        return config
    }

    private static func parseSection(_ key: String, _ value: ConfigNode, into config: inout MLWatchConfig) throws(ConfigError) {
        switch key {
        case "sources": config.sources = try value.stringList()
        case "reference": config.reference = try parseReference(value)
        case "window": config.window = try parseWindow(value)
        case "lateness": config.lateness = try value.duration()
        case "max_future":
            let d = try value.duration()
            // Below a second every line ahead of the one before would wait for later lines to confirm it.
            guard d >= 1 else { throw value.invalid("must be at least 1s (events stamped further ahead than this are counted as future)") }
            config.maxFuture = d
        case "segment_by": config.segmentBy = try value.string()
        case "theme": config.theme = try value.string()
        case "low_confidence":
            let v = try value.double()
            guard (0...1).contains(v) else { throw value.invalid("must be between 0 and 1, found \(v)") }
            config.lowConfidence = v
        case "max_categories":
            config.maxCategories = try value.int(minimum: 1, maximum: FeatureCardinality.maxCategoriesLimit)
        case "max_groups":
            config.maxGroups = try value.int(minimum: 1, maximum: 1_000_000)
        case "max_features":
            config.maxFeaturesPerGroup = try value.int(minimum: 1, maximum: 1_000_000)
        case "join":
            for (k, v) in try value.mapping(allowed: ["max_pending", "ttl"]) {
                if k == "max_pending" {
                    config.joinMaxPending = try v.int(minimum: 1, maximum: maxJoinPending)
                } else {
                    config.joinTTL = try v.duration()
                }
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
        case "compare":
            let entries = try value.mapping(allowed: ["baseline"])
            guard let baseline = entries.first(where: { $0.key == "baseline" }) else {
                throw value.invalid("needs baseline: the version the others are compared with (e.g. {baseline: v1})")
            }
            let name = try baseline.value.string()
            guard !name.isEmpty else { throw baseline.value.invalid("baseline must name a version") }
            config.compareBaseline = name
        case "fairness": config.fairness = try parseFairness(value)
        case "notify":
            for (k, v) in try value.mapping(allowed: ["bell", "command", "alertmanager"]) {
                switch k {
                case "bell": config.notify.bell = try v.bool()
                case "alertmanager":
                    let url = try v.string()
                    guard Self.isHTTPURL(url) else {
                        throw v.invalid("expected Alertmanager's base URL, e.g. http://alertmanager:9093 or https://…")
                    }
                    config.notify.alertmanager = url
                default: config.notify.command = try v.string()
                }
            }
        case "metrics_listen":
            let text = try value.string()
            guard let colon = text.lastIndex(of: ":"), UInt16(text[text.index(after: colon)...]) != nil else {
                throw value.invalid("expected HOST:PORT, e.g. 127.0.0.1:9464 or :9464 for every interface")
            }
            config.metricsListen = text
        case "latency_buckets":
            let items = try value.sequence()
            guard !items.isEmpty, items.count <= 100 else {
                throw value.invalid("expected a list of 1 to 100 upper bounds in seconds, e.g. [0.01, 0.05, 0.1, 0.5, 1]")
            }
            var bounds: [Double] = []
            for item in items {
                let b = try item.double()
                guard b.isFinite, b > 0 else { throw item.invalid("a bucket bound must be a positive number of seconds") }
                if let last = bounds.last, b <= last { throw item.invalid("bucket bounds must be in increasing order") }
                bounds.append(b)
            }
            config.latencyBuckets = bounds
        case "prometheus":
            for (k, v) in try value.mapping(allowed: ["url", "match", "refresh", "rate_window"]) {
                switch k {
                case "url":
                    let url = try v.string()
                    guard Self.isHTTPURL(url) else {
                        throw v.invalid("expected Prometheus' base URL, e.g. http://prometheus:9090 or https://…")
                    }
                    config.prometheus.url = url
                case "match": config.prometheus.match = try v.string()
                case "refresh":
                    let d = try v.duration()
                    guard d >= 0.5, d <= 3600 else { throw v.invalid("expected a refresh interval from 500ms to 1h") }
                    config.prometheus.refresh = d
                default:
                    let d = try v.duration()
                    guard d >= 1, d <= 86_400, d == d.rounded() else {
                        throw v.invalid("expected a rate window of whole seconds from 1s to 1d (at least twice the scrape interval)")
                    }
                    config.prometheus.rateWindow = d
                }
            }
        case "tls":
            for (_, v) in try value.mapping(allowed: ["ca_file"]) {
                let path = try v.string()
                guard !path.isEmpty else { throw v.invalid("expected the path of a PEM file of CA certificates") }
                config.tls.caFile = path
            }
        default: break
        }
    }

    /// Whether a URL of the config is one mlwatch can call (`http://` or `https://`).
    static func isHTTPURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// Most predictions waiting for their label that `join: {max_pending}` may ask for.
    public static let maxJoinPending = 10_000_000

    /// The collector settings this config asks for.
    public var collectorOptions: CollectorOptions {
        CollectorOptions(
            window: window, lateness: lateness,
            metrics: MetricOptions(segmentBy: segmentBy, lowConfidence: lowConfidence, maxCategories: maxCategories,
                                   compare: compareOptions, fairness: fairness, maxGroups: maxGroups,
                                   maxFeaturesPerGroup: maxFeaturesPerGroup, driftMinSamples: drift.minSamples),
            joinMaxPending: joinMaxPending, joinTTL: joinTTL, mapping: fieldMapping, latencyBuckets: latencyBuckets,
            maxFuture: maxFuture)
    }

    /// `compare` with the drift tests of the `drift:` section (nil without `compare`).
    public var compareOptions: CompareOptions? {
        compareOptions(baseline: compareBaseline)
    }

    /// A comparison against `baseline` (nil: none) with the drift tests of the `drift:` section.
    public func compareOptions(baseline: String?) -> CompareOptions? {
        baseline.map {
            CompareOptions(baseline: $0, driftOverrides: drift.features, driftDefaults: drift.defaultOptions,
                           minSamples: drift.minSamples)
        }
    }

    /// A `positive:` value as a class key: numbers as the predictions' class keys spell them (1.0 is `1`).
    public static func positiveClassKey(_ text: String) -> String {
        if let d = Double(text), d.isFinite { return OutputValue.number(d).classKey ?? text }
        return text
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
            throw node.invalid("\(ConfigNode.quoted(s)) is not a time (write RFC 3339, e.g. 2026-01-01T00:00:00Z, or epoch seconds)")
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
            return try checked(.time(size: size, slide: WindowSpec.defaultSlide(for: size)), node)
        }
        let entries = try node.mapping(allowed: ["size", "slide", "events"])
        let slideNode = entries.first { $0.key == "slide" }?.value
        if let events = entries.first(where: { $0.key == "events" }) {
            guard !entries.contains(where: { $0.key == "size" }) else {
                throw node.invalid("give either size (a duration) or events (a count), not both")
            }
            let n = try events.value.int(minimum: 1, maximum: WindowSpec.maxEvents)
            var slide = max(1, n / 10)
            if let slideNode { slide = try slideNode.int(minimum: 1, maximum: n) }
            return try checked(.count(size: n, slide: slide), slideNode ?? events.value)
        }
        guard let sizeNode = entries.first(where: { $0.key == "size" })?.value else {
            throw node.invalid("needs size (e.g. 10m) or events (e.g. 5000)")
        }
        if (try? sizeNode.string().lowercased()) == "all" {
            return try checked(.all(slide: try slideNode?.duration() ?? 30), slideNode ?? sizeNode)
        }
        let size = try sizeNode.duration()
        guard size > 0 else { throw sizeNode.invalid("window size must be positive") }
        var slide = WindowSpec.defaultSlide(for: size)
        if let slideNode {
            slide = try slideNode.duration()
            guard slide > 0, slide <= size else { throw slideNode.invalid("slide must be positive and at most the window size") }
        }
        return try checked(.time(size: size, slide: slide), slideNode ?? sizeNode)
    }

    /// `spec` when it keeps within the window limits (`WindowSpec.problem`), else an error at `node`.
    private static func checked(_ spec: WindowSpec, _ node: ConfigNode) throws(ConfigError) -> WindowSpec {
        if let problem = spec.problem { throw node.invalid(problem) }
        return spec
    }

    private static func parseFairness(_ node: ConfigNode) throws(ConfigError) -> FairnessOptions {
        let entries = try node.mapping(allowed: ["group_by", "positive", "min_samples"])
        guard let groupBy = entries.first(where: { $0.key == "group_by" }) else {
            throw node.invalid("needs group_by: the feature whose values are the groups (e.g. {group_by: applicant_group, positive: 1})")
        }
        let feature = try groupBy.value.string()
        guard !feature.isEmpty else { throw groupBy.value.invalid("group_by must name a feature") }
        var options = FairnessOptions(groupBy: feature)
        if let positive = entries.first(where: { $0.key == "positive" }) {
            let text = try positive.value.string()
            guard !text.isEmpty else { throw positive.value.invalid("positive must be the favourable prediction, e.g. 1") }
            options.positive = positiveClassKey(text)
        }
        if let minimum = entries.first(where: { $0.key == "min_samples" }) {
            options.minSamples = try minimum.value.int(minimum: 1, maximum: maxFairnessMinSamples)
        }
        return options
    }

    /// Largest `fairness.min_samples`.
    public static let maxFairnessMinSamples = 10_000_000

    private static func parseDrift(_ node: ConfigNode) throws(ConfigError) -> DriftSettings {
        var settings = DriftSettings()
        for (key, value) in try node.mapping(allowed: ["features", "default", "min_samples"]) {
            if key == "default" {
                settings.defaultOptions = try parseDriftOptions(value)
            } else if key == "min_samples" {
                settings.minSamples = try value.int(minimum: 1, maximum: DriftSettings.maxMinSamples)
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
                    throw value.invalid("unknown drift test \(ConfigNode.quoted(name)) (use \(known))")
                }
                options.test = test
            }
        }
        return options
    }
}
