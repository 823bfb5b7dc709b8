import Testing
@testable import MLWatchCore

@Suite struct AlertRuleExpressionTests {
    private func comparison(_ text: String) throws -> RuleComparison {
        guard case .comparison(let c) = try RuleExpression.parse(text) else {
            Issue.record("not a single comparison: \(text)")
            throw RuleParseError.unexpected(found: "", expected: "", column: 0)
        }
        return c
    }

    private func parseError(_ text: String) -> RuleParseError? {
        do {
            _ = try RuleExpression.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func simpleComparison() throws {
        let c = try comparison("latency_p99_ms > 250")
        #expect(c.selector == MetricSelector(name: "latency_p99_ms"))
        #expect(c.op == .greater)
        #expect(c.threshold == .fixed(250))
        #expect(c.recover == nil)
    }

    @Test func selectorWithAllMatcherKindsAndExponent() throws {
        let c = try comparison(#"drift_psi{feature="amount", model!="b",segment=~"DE|FR",host!~'t.*',} >= 1e-3"#)
        #expect(c.selector.name == "drift_psi")
        #expect(c.selector.matchers.map(\.label) == ["feature", "model", "segment", "host"])
        #expect(c.selector.matchers.map(\.op) == [.equal, .notEqual, .regex, .notRegex])
        #expect(c.selector.matchers.map(\.value) == ["amount", "b", "DE|FR", "t.*"])
        #expect(c.op == .greaterOrEqual)
        #expect(c.threshold == .fixed(0.001))
    }

    @Test func everyOperatorAndNegativeNumbers() throws {
        for op in ComparisonOperator.allCases {
            #expect(try comparison("x \(op.rawValue) -2.5").op == op)
            #expect(try comparison("x \(op.rawValue) -2.5").threshold == .fixed(-2.5))
        }
        #expect(try comparison("x<=.5E+2").threshold == .fixed(50))
    }

    @Test func andBindsTighterThanOrAndParenthesesOverride() throws {
        let e = try RuleExpression.parse("a > 1 or b > 2 and c > 3")
        guard case .or(let lhs, .and(let m, let r)) = e else {
            Issue.record("wrong tree: \(e)")
            return
        }
        #expect(lhs.comparisons.map(\.selector.name) == ["a"])
        #expect(m.comparisons.map(\.selector.name) == ["b"])
        #expect(r.comparisons.map(\.selector.name) == ["c"])
        #expect(e.comparisons.map(\.index) == [0, 1, 2])

        let p = try RuleExpression.parse("(a > 1 or b > 2) and c > 3")
        guard case .and(.or, .comparison) = p else {
            Issue.record("wrong tree: \(p)")
            return
        }
        #expect(p.description == "(a > 1 or b > 2) and c > 3")
    }

    @Test func adaptiveThresholds() throws {
        #expect(try comparison("x > adaptive(mean + 3 * stddev)").threshold == .adaptive(AdaptiveThreshold(center: .mean, k: 3)))
        #expect(try comparison("x > adaptive(quantile(0.99))").threshold == .adaptive(AdaptiveThreshold(center: .quantile(0.99))))
        #expect(try comparison("x > adaptive(ewma(alpha=0.1) + 3 * stddev)").threshold
            == .adaptive(AdaptiveThreshold(center: .ewma(alpha: 0.1), k: 3)))
        #expect(try comparison("x < adaptive(mean - stddev)").threshold == .adaptive(AdaptiveThreshold(center: .mean, k: -1)))
    }

    @Test func recoverClause() throws {
        let c = try comparison("latency_p99_ms > 250 recover 200")
        #expect(c.recover == .fixed(200))
        let a = try comparison("x > adaptive(mean + 3 * stddev) recover adaptive(mean + 2 * stddev)")
        #expect(a.recover == .adaptive(AdaptiveThreshold(center: .mean, k: 2)))
    }

    @Test func descriptionParsesBackToTheSameExpression() throws {
        for text in [
            #"a{x="1",y=~"p.*"} > 1 and (b < 2 or c != 3)"#, "x > adaptive(ewma(alpha=0.25) - 2 * stddev) recover 4",
            "x >= adaptive(quantile(0.95))",
        ] {
            let e = try RuleExpression.parse(text)
            #expect(try RuleExpression.parse(e.description) == e)
        }
    }

    @Test func errorsCarryTheColumnInsideTheExpression() {
        let cases: [(String, Int, String)] = [
            ("latency_p99_ms >", 17, "expected a number or adaptive(…), found end of expression"),
            ("latency_p99_ms > 2#0", 19, "unexpected character \"#\""),
            (#"x{model="a} > 1"#, 9, "string is not closed"),
            (#"x{segment=~"("} > 1"#, 12, "invalid regular expression"),
            ("x > adaptive(median)", 14, "unknown function \"median\""),
            ("x > adaptive(quantile(1.5))", 23, "quantile must be between 0 and 1"),
            ("x > adaptive(ewma(alpha=0))", 25, "ewma alpha must be in (0, 1]"),
            ("x > 1 y > 2", 7, "expected \"and\", \"or\" or the end of the expression, found \"y\""),
            ("x >> 1", 4, "expected a number or adaptive(…)"),
            ("(x > 1", 7, "expected \")\""),
            ("x == 1 recover 2", 8, "recover needs a comparison with a direction"),
            (#"x{model="a" env="b"} > 1"#, 13, "expected \",\" or \"}\""),
            ("x 5", 3, "expected a comparison operator"),
            ("> 5", 1, "expected a metric name"),
            ("x > adaptive(mean + 3 * sigma)", 25, "expected \"stddev\""),
        ]
        for (text, column, message) in cases {
            let error = parseError(text)
            #expect(error?.column == column, "\(text): \(String(describing: error))")
            #expect(error?.message.contains(message) == true, "\(text): \(String(describing: error?.message))")
        }
    }

    @Test func regexMatchersAreAnchoredAndMissingLabelsAreEmpty() throws {
        let m = try LabelMatcher(label: "model", op: .regex, value: "a|b")
        #expect(m.matches(["model": "a"]))
        #expect(!m.matches(["model": "ab"]))
        #expect(!m.matches([:]))
        let n = try LabelMatcher(label: "model", op: .notEqual, value: "a")
        #expect(n.matches([:]))
        let empty = try LabelMatcher(label: "segment", op: .equal, value: "")
        #expect(empty.matches(["model": "a"]))
    }
}
