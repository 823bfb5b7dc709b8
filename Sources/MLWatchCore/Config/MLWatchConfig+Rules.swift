import Yams

extension MLWatchConfig {
    /// The keys of one rule.
    public static let ruleKeys = [
        "alert", "expr", "for", "keep_firing_for", "labels", "annotations", "recover", "relearn", "history",
        "min_samples",
    ]

    /// Most rules in one config.
    public static let maxRules = 100_000

    /// The rules of `rules:`; a rule with an error is left out and its error added to `problems`, so the
    /// next rules are still checked.
    static func parseRules(_ node: ConfigNode, problems: inout ConfigProblems) -> [AlertRule] {
        let items: [ConfigNode]
        do {
            items = try node.sequence()
        } catch {
            problems.add(error)
            return []
        }
        guard items.count <= maxRules else {
            problems.add(node.invalid("\(items.count) rules, over the limit of \(maxRules)"))
            return []
        }
        var rules: [AlertRule] = []
        var seen: [String: Int] = [:]
        for item in items where !problems.isFull {
            do {
                rules.append(try parseRule(item, seen: &seen))
            } catch {
                problems.add(error)
            }
        }
        return rules
    }

    private static func parseRule(_ item: ConfigNode, seen: inout [String: Int]) throws(ConfigError) -> AlertRule {
        let entries = try item.mapping(allowed: ruleKeys)
        func value(_ key: String) -> ConfigNode? { entries.first { $0.key == key }?.value }
        guard let nameNode = value("alert") else { throw item.invalid("a rule needs alert: (its name)") }
        let name = try nameNode.string()
        guard Self.isValidRuleName(name) else {
            throw nameNode.invalid("\(ConfigNode.quoted(name)) is not a valid alert name (letters, digits and _, not starting with a digit)")
        }
        if let line = seen[name] { throw nameNode.invalid("duplicate alert name \(name) (first defined on line \(line))") }
        seen[name] = nameNode.line
        guard let exprNode = value("expr") else { throw item.invalid("rule \(name) needs expr:") }
        var expression = try parseExpression(exprNode)
        if let recoverNode = value("recover") {
            let spec = try parseThreshold(recoverNode)
            if expression.comparisons.contains(where: { $0.recover != nil }) {
                throw recoverNode.invalid("the expression already has recover")
            }
            guard let withRecover = expression.withRecover(spec) else {
                throw recoverNode.invalid(
                    "recover: needs an expression that is one comparison with >, >=, < or <=; with and/or, write recover after the comparison it belongs to")
            }
            expression = withRecover
        }
        var rule = AlertRule(name: name, expression: expression)
        if let n = value("for") { rule.forDuration = try n.duration() }
        if let n = value("keep_firing_for") { rule.keepFiringFor = try n.duration() }
        if let n = value("labels") { rule.labels = try n.stringMap() }
        if let n = value("annotations") { rule.annotations = try n.stringMap() }
        if let n = value("relearn") {
            let interval = try n.duration()
            guard interval > 0 else { throw n.invalid("relearn must be a positive duration") }
            rule.relearnInterval = interval
        }
        if let n = value("history") { rule.historySize = try n.int(minimum: 1, maximum: maxHistory) }
        if let n = value("min_samples") { rule.minSamples = try n.int(minimum: 1, maximum: maxHistory) }
        if let severityNode = value("labels"), let s = rule.labels["severity"],
            AlertSeverity(rawValue: s.lowercased()) == nil
        {
            throw severityNode.invalid("unknown severity \(ConfigNode.quoted(s)) (use info, warning or critical)")
        }
        return rule
    }

    /// Largest `history:` (and `min_samples:`) of an adaptive rule.
    public static let maxHistory = 10_000_000

    private static func isValidRuleName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !(first >= "0" && first <= "9") else { return false }
        return name.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_"
        }
    }

    /// Parses `expr:`, turning the expression column into the file's line and column.
    private static func parseExpression(_ node: ConfigNode) throws(ConfigError) -> RuleExpression {
        let text = try node.string()
        do {
            return try RuleExpression.parse(text)
        } catch {
            let (line, column) = node.position(ofOffset: error.column - 1)
            throw .invalidExpression(file: node.file, line: line, column: column, message: "\(node.path): \(error.message)")
        }
    }

    /// Parses a `recover:` value: a number or `adaptive(…)`, with the same grammar as in expressions.
    private static func parseThreshold(_ node: ConfigNode) throws(ConfigError) -> ThresholdSpec {
        let text = try node.string()
        // Reuse the expression parser on a stand-in comparison, then shift columns back.
        let prefix = "x > "
        do {
            guard case .comparison(let c) = try RuleExpression.parse(prefix + text) else {
                throw node.invalid("expected a number or adaptive(…)")
            }
            return c.threshold
        } catch let error as RuleParseError {
            let (line, column) = node.position(ofOffset: max(0, error.column - 1 - prefix.count))
            throw .invalidExpression(file: node.file, line: line, column: column, message: "\(node.path): \(error.message)")
        } catch let error as ConfigError {
            throw error
        } catch {
            throw node.invalid("\(error)")
        }
    }
}
