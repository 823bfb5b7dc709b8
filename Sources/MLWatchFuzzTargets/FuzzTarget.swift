import Foundation
@_spi(Fuzzing) import MLWatchCore
import MLWatchExport

/// The parsers of outside input under coverage-guided fuzzing (libFuzzer, `scripts/fuzz.sh TARGET
/// SECONDS`), one case per parser. `run` feeds one input to the parser the way mlwatch does and checks
/// what must hold whatever the input; a crash, a trap, a hang or an ASan report is a finding. The same
/// code replays the committed corpora (`Tests/FuzzCorpus/TARGET/`) in `swift test`, so every input that
/// once crashed stays a regression test.
///
/// To add a target (e.g. the Alertmanager and Prometheus API responses): add a case here, its `run`
/// branch, and a seed corpus `Tests/FuzzCorpus/<raw value>/` of a few small files; `scripts/fuzz.sh`
/// and `.ci/run` pick it up from `allCases`.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A log line (several lines per input, newline-separated, through one parser: its caches carry
    /// over from line to line as they do in a log), standard and with a `fields:` mapping.
    case eventLine = "event-line"
    /// A timestamp as text (RFC 3339, epoch digits), and printing what it parses to.
    case timestamp
    /// A rule's `expr:`; what parses must print back as an expression that parses.
    case ruleExpression = "rule-expression"
    /// A config file (YAML), all of it checked as `rules check` does, and the flag parsers for windows
    /// and durations.
    case configYAML = "config-yaml"
    /// A saved profile's bytes (binary or version-1 JSON); what loads is used for drift.
    case profile
    /// A checkpoint file's bytes.
    case checkpoint
    /// An answer of Prometheus' query API (`/api/v1/query`, `query_range`) as the fleet dashboard reads it,
    /// then drawn into its snapshot as every query's answer and as a range.
    case prometheusAPI = "prometheus-api"
    /// Alertmanager's v2 alert list (and, after a NUL byte, its silence list) as the fleet dashboard's
    /// Alerts panel reads them.
    case alertmanagerAPI = "alertmanager-api"

    /// Feeds one input to the parser.
    public func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .eventLine: Self.eventLines(bytes)
        case .timestamp: Self.timestamp(bytes)
        case .ruleExpression: Self.ruleExpression(String(decoding: bytes, as: UTF8.self))
        case .configYAML: Self.config(String(decoding: bytes, as: UTF8.self))
        case .profile: Self.profile(Data(buffer: bytes))
        case .checkpoint: _ = try? FuzzingEntryPoints.checkpoint(Data(buffer: bytes))
        case .prometheusAPI: Self.prometheusAPI(Array(bytes))
        case .alertmanagerAPI: Self.alertmanagerAPI(Array(bytes))
        }
    }

    public func run(_ data: Data) {
        data.withUnsafeBytes { run($0.bindMemory(to: UInt8.self)) }
    }

    // MARK: Targets

    private static let mapping = try? FieldMapping(["ts": "time", "features": "input", "prediction": "output.label",
                                                    "score": "output.proba", "model": "meta.model"])

    private static func eventLines(_ bytes: UnsafeBufferPointer<UInt8>) {
        let parsers = [EventParser(), EventParser(mapping: mapping ?? .standard)]
        for parser in parsers {
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
                let line = UnsafeBufferPointer(rebasing: bytes[start..<i])
                if case .event(let event) = parser.parse(line) {
                    check(event)
                }
                start = i + 1
            }
        }
    }

    private static func check(_ event: Event) {
        switch event {
        case .prediction(let p):
            precondition(TimestampParser.plausibleRange.contains(p.timestamp), "a prediction with a timestamp out of range")
            for f in p.features { _ = f.value.categoryKey }
        case .label(let l):
            precondition(TimestampParser.plausibleRange.contains(l.timestamp), "a label with a timestamp out of range")
        case .system(let s):
            precondition(TimestampParser.plausibleRange.contains(s.timestamp), "a system sample with a timestamp out of range")
        }
    }

    private static func timestamp(_ bytes: UnsafeBufferPointer<UInt8>) {
        let fromBytes = TimestampParser.parse(bytes)
        let fromText = TimestampParser.parse(String(decoding: bytes, as: UTF8.self))
        for t in [fromBytes, fromText].compactMap({ $0 }) {
            precondition(TimestampParser.plausibleRange.contains(t), "a timestamp parsed to \(t), out of range")
            _ = TimestampParser.format(t)
        }
    }

    private static func ruleExpression(_ text: String) {
        guard let expression = try? RuleExpression.parse(text) else { return }
        let printed = expression.description
        do {
            _ = try RuleExpression.parse(printed)
        } catch {
            preconditionFailure("\(text.debugDescription) parses but prints as \(printed.debugDescription), which does not: \(error)")
        }
        _ = expression.comparisons
    }

    private static func config(_ text: String) {
        if case .valid(let config) = MLWatchConfig.check(yaml: text, path: "fuzz.yaml") {
            _ = config.rules.map(\.expression.description)
            _ = config.window.description
        }
        // The same text as the flags that take windows and durations.
        _ = WindowSpec.parse(text)
        if let seconds = DurationText.parse(text) { _ = DurationText.format(seconds) }
    }

    private static func prometheusAPI(_ body: [UInt8]) {
        for status in [200, 422] {
            switch PromResponseParser.parse(status: status, body: body, maxSeries: 64) {
            case .failure(let error):
                _ = error.description
            case .success(let answer):
                precondition(answer.data.count <= 64, "more series kept than the cap")
                var answers = FleetAnswers()
                for kind in FleetQueries.Kind.allCases { answers.samples[kind] = answer.data.samples }
                let builder = FleetSnapshotBuilder(source: "fuzz")
                _ = SnapshotJSON.encode(builder.build(answers, at: 0, builtAt: 0))
                let series = answer.data.series
                for s in series {
                    precondition(s.times.count == s.values.count, "a series with times and values of different lengths")
                    precondition(zip(s.times, s.times.dropFirst()).allSatisfy { $0 < $1 }, "points out of time order")
                }
                guard let first = series.compactMap(\.times.first).min(), let last = series.compactMap(\.times.last).max() else { continue }
                let step = max((last - first) / 8, 1)
                let range = FleetRangeAnswers(series: [.software: series, .input: series, .alerts: series], start: first, end: last, step: step)
                for t in range.times.prefix(10) { _ = builder.build(range.answers(at: t), at: t, builtAt: t) }
            }
        }
    }

    private static func alertmanagerAPI(_ bytes: [UInt8]) {
        let split = bytes.firstIndex(of: 0) ?? bytes.count
        let alerts = Array(bytes[..<split])
        let silences = split < bytes.count ? Array(bytes[(split + 1)...]) : Array("[]".utf8)
        switch FleetAlertmanager.view(alerts: alerts, silences: silences) {
        case .failure(let f): _ = f.description
        case .success(let view):
            precondition(zip(view.alerts, view.alerts.dropFirst()).allSatisfy { !AlertInstance.listedBefore($1, $0) },
                         "alerts out of the display order")
            let keys = Set(view.alerts.map { FleetAlertmanager.AlertKey(rule: $0.rule, labels: $0.labels) })
            precondition(view.silencedBy.keys.allSatisfy { keys.contains($0) }, "silences of an alert not listed")
            _ = SnapshotJSON.encode(Snapshot(alerts: view.alerts))
        }
    }

    private static let currentNumbers: [Double] = (0..<40).map { Double($0 % 13) * 0.5 }

    private static func profile(_ data: Data) {
        use(try? FuzzingEntryPoints.profile(data))
        // Mutations almost never keep the CRC right: decode once more with it fixed, to reach the content.
        let fixed = FuzzingEntryPoints.withValidProfileChecksum(data)
        if fixed != data { use(try? FuzzingEntryPoints.profile(fixed)) }
    }

    private static func use(_ profile: ReferenceProfile?) {
        guard let profile else { return }
        let monitor = DriftMonitor(source: .profile(profile))
        for name in profile.columns.keys.sorted().prefix(8) {
            _ = monitor.drift(column: name, current: .numeric(currentNumbers), ksPValue: true)
            _ = monitor.drift(column: name, current: .categorical(["a": 3, "b": 1]), ksPValue: true)
        }
        _ = profile.from.map(TimestampParser.format)
        _ = profile.to.map(TimestampParser.format)
    }
}
