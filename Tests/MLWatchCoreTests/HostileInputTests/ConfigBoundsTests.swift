import Dispatch
import Foundation
import Synchronization
import Testing
@testable import MLWatchCore

/// Configs and rule files are often reviewed from a pull request: `rules check` must survive anything,
/// fast, with an error that carries the position and names the limit.
@Suite("Hostile configs and rule expressions")
struct ConfigBoundsTests {
    private func parseError(_ text: String) -> RuleParseError? {
        do {
            _ = try RuleExpression.parse(text)
            return nil
        } catch {
            return error
        }
    }

    private func configError(_ yaml: String) -> ConfigError? {
        do {
            _ = try MLWatchConfig.parse(yaml: yaml, path: "c.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test("10,000 nested parentheses: an error at the 65th, no stack overflow")
    func deepParentheses() {
        let text = String(repeating: "(", count: 10_000) + "x > 1" + String(repeating: ")", count: 10_000)
        let error = parseError(text)
        #expect(error == .tooDeep(limit: 64, column: 65))
        #expect(error?.message.contains("64") == true)
        let ok = String(repeating: "(", count: 64) + "x > 1" + String(repeating: ")", count: 64)
        #expect(parseError(ok) == nil)
    }

    @Test("10,000 comparisons chained with and/or: an error at the 257th")
    func longChains() throws {
        for op in ["and", "or"] {
            let parts = (0..<10_000).map { "x > \($0)" }
            let text = parts.joined(separator: " \(op) ")
            let column = parts.prefix(256).joined(separator: " \(op) ").unicodeScalars.count + op.count + 3
            #expect(parseError(text) == .tooManyComparisons(limit: 256, column: column), "\(op)")
        }
        let limit = (0..<256).map { "m\($0) > \($0)" }.joined(separator: " or ")
        let expression = try RuleExpression.parse(limit)
        #expect(expression.comparisons.map(\.index) == Array(0..<256))
        #expect(expression.comparisons.map(\.selector.name) == (0..<256).map { "m\($0)" })
    }

    @Test("the deepest accepted expression evaluates on a dispatch queue (its tree is walked recursively)")
    func deepestExpressionEvaluates() throws {
        let text = (0..<RuleExpression.maxComparisons).map { "m\($0) > 0" }.joined(separator: " and ")
            + " or (" + String(repeating: "(", count: RuleExpression.maxParenthesisDepth - 1) + "z > 0"
            + String(repeating: ")", count: RuleExpression.maxParenthesisDepth) 
        #expect(parseError(text) == .tooManyComparisons(limit: 256, column: text.unicodeScalars.count - 68))
        let chain = (0..<RuleExpression.maxComparisons).map { "m\($0) > 0" }.joined(separator: " and ")
        let rule = try AlertRule(name: "Deep", expr: chain)
        let samples = (0..<RuleExpression.maxComparisons).map { MetricSample(name: "m\($0)", value: 1) }
        // On a worker thread of its own (async), as the engine's queue runs it.
        let fired = Mutex(false)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue(label: "deep").async {
            var engine = RuleEngine(rules: [rule])
            let transitions = engine.evaluate(samples, at: 100).transitions
            fired.withLock { $0 = transitions.contains { $0.to == .firing } }
            done.signal()
        }
        done.wait()
        #expect(fired.withLock { $0 })
        #expect(RuleExpression.maxComparisons == 256 && RuleExpression.maxParenthesisDepth == 64)
    }

    @Test("YAML nested 10,000 deep (flow, block or compact lists): an error naming the limit, with its line")
    func deepYAML() {
        let flow = "rules: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let dashes = "rules:\n  " + String(repeating: "- ", count: 5_000) + "x\n"
        let block = "rules:\n" + (1..<200).map { String(repeating: " ", count: $0) + "- \n" }.joined()
        for yaml in [flow, dashes, block] {
            let error = configError(yaml)
            #expect(error?.message == "nested more than 32 levels deep (the limit for a config)", "\(String(describing: error))")
            #expect(error.map { $0.line >= 1 && $0.column >= 1 } == true)
        }
        let fine = "drift: {features: {amount: {test: psi, threshold: 0.2}}}\n"
        #expect(configError(fine) == nil)
    }

    @Test("durations too large for any integer are refused with the limit; none trap")
    func hugeDurations() {
        let cases: [(String, String)] = [
            ("rules:\n  - alert: A\n    expr: x > 1\n    for: 99999999999999999999999h\n", "rules[0].for: duration \"99999999999999999999999h\" is longer than the limit of 3650d (ten years)"),
            ("rules:\n  - alert: A\n    expr: x > 1\n    keep_firing_for: 1e400\n", "rules[0].keep_firing_for: duration \"1e400\" is longer than the limit of 3650d (ten years)"),
            ("lateness: 3651d\n", "lateness: duration \"3651d\" is longer than the limit of 3650d (ten years)"),
            ("lateness: nan\n", "lateness: \"nan\" is not a duration (write e.g. 30s, 10m, 2h)"),
            ("join: {ttl: 9999999999999999999999999999999d}\n", "join.ttl: duration \"9999999999999999999999999999999d\" is longer than the limit of 3650d (ten years)"),
            ("window: {size: 1e300}\n", "window.size: duration \"1e300\" is longer than the limit of 3650d (ten years)"),
        ]
        for (yaml, message) in cases {
            #expect(configError(yaml)?.message == message, "\(yaml)")
        }
        #expect(DurationText.parse("1e30") == nil)
        #expect(DurationText.parse("inf") == nil)
        #expect(DurationText.problem("99999999999999999999d") == "longer than the limit of 3650d (ten years)")
        #expect(DurationText.parse("3650d") == DurationText.maxSeconds)
        #expect(DurationText.format(1e300) == "∞")
        #expect(DurationText.format(.infinity) == "∞")
    }

    @Test("windows: a slide so fine that a window has more than 10^5 steps is refused, naming the limit")
    func windowLimits() {
        #expect(configError("window: {size: 10m, slide: 1ms}\n")?.message
            == "window.slide: a 10m window sliding every 1ms has 600000 slides, over the limit of 100000 (use a longer slide)")
        #expect(configError("window: {size: 1d, slide: 1s}\n") == nil)
        #expect(configError("window: {events: 99999999999999999999}\n")?.message == "window.events: \"99999999999999999999\" is too large (at most 10000000)")
        #expect(configError("window: {events: 5000000, slide: 1}\n")?.message.contains("over the limit of 100000") == true)
        #expect(configError("window: {size: all, slide: 0.0001s}\n")?.message == "window.slide: the slide must be between 1ms and 3650d (ten years)")
        #expect(WindowSpec.parse("10m/1ms") == nil)
        #expect(WindowSpec.problem(parsing: "10m/1ms")?.contains("over the limit of 100000") == true)
        #expect(WindowSpec.problem(parsing: "99999999999999999999999") == "a count window holds 1 to 10000000 events")
        #expect(WindowSpec.problem(parsing: "99999999999999999999d") == "the window size must be positive and at most 3650d (ten years)")
        #expect(WindowSpec.problem(parsing: "10m/30s") == nil)
        #expect(WindowSpec.parse("1d/1s") == .time(size: 86_400, slide: 1))
    }

    @Test("rules check: every broken rule of 10,000 reported in one pass (50 at most), others still checked")
    func manyRulesOnePass() {
        var yaml = "rules:\n"
        for i in 0..<10_000 {
            yaml += "  - alert: R\(i)\n    expr: latency_p99_ms{model=\"m\(i)\"} > \(i)\n    for: \(i % 97 == 0 ? "1mm" : "1m")\n"
        }
        yaml += "theme_: x\n"
        guard case .invalid(let errors) = MLWatchConfig.check(yaml: yaml, path: "c.yaml") else {
            Issue.record("expected errors")
            return
        }
        #expect(errors.count == 50)
        #expect(errors.allSatisfy { $0.message.contains("unknown duration unit \"mm\"") })
        #expect(errors.first?.line == 4 && errors.first?.message.hasPrefix("rules[0].for") == true)
        #expect(errors[1].message.hasPrefix("rules[97].for"), "\(errors[1])")

        let few = "rules:\n  - alert: A\n    expr: x >> 1\n  - alert: B\n    expr: x > 1\n  - alert: C\n    keep_firing: 1m\n    expr: x > 1\ntheme_: x\n"
        guard case .invalid(let three) = MLWatchConfig.check(yaml: few, path: "c.yaml") else {
            Issue.record("expected errors")
            return
        }
        #expect(three.map(\.line) == [3, 7, 9], "\(three)")
        if case .valid(let config) = MLWatchConfig.check(yaml: "rules:\n  - alert: A\n    expr: x > 1\n", path: "c.yaml") {
            #expect(config.rules.map(\.name) == ["A"])
        } else {
            Issue.record("a valid config is valid")
        }
    }

    @Test("huge values are quoted cut to 80 characters; a config over 16 MiB is not read")
    func hugeValues() throws {
        let big = String(repeating: "x", count: 1_000_000)
        let error = configError("lateness: \(big)\n")
        #expect((error?.description.count ?? .max) < 400, "\(error?.description.prefix(200) ?? "")")
        let unknown = configError("\(big): 1\n")
        #expect((unknown?.description.count ?? .max) < 400)

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-big-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let annotation = "rules:\n  - alert: A\n    expr: x > 1\n    annotations: {summary: \"" + String(repeating: "y", count: 17 << 20) + "\"}\n"
        try annotation.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(throws: ConfigError.self) { try MLWatchConfig.load(path: path) }
        do {
            _ = try MLWatchConfig.load(path: path)
        } catch {
            #expect(error.description.contains("over the limit of 16777216 bytes (16 MiB)"), "\(error.description)")
        }
    }

    @Test("an expression prints as one that parses back the same (a matcher value ending in a backslash did not; fuzzing)")
    func printedExpressionsParseBack() throws {
        for text in [#"m{a="x\\"} > 1"#, #"m{a=~"b\d+", c!="q\"uote"} > 1"#, #"m{a="\\\\"} > 1 or n{b='\\'} < 2"#] {
            let e = try RuleExpression.parse(text)
            let again = try RuleExpression.parse(e.description)
            #expect(again == e, "\(text) → \(e.description)")
        }
    }
}
