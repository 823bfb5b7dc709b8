import Foundation
import Testing
@testable import MLWatchCore

/// The core text surfaces that print log- or config-derived strings use `TextSanitizer`.
@Suite("Hostile text surfaces")
struct TextSurfaceTests {
    static let hostile = "fr\u{1B}]0;pwned\u{7}aud\u{1B}[2J\u{9B}31m\u{85}\n\r\t"

    static func hasControl(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    @Test("journal text: one line per record, no control whatever the labels, actor and note hold")
    func journalText() {
        let entries = [
            AlertJournalEntry(kind: .transition, time: 1_767_600_000, rule: "R", labels: ["model": Self.hostile],
                              from: .pending, to: .firing, value: 3, threshold: 1, severity: .critical, incident: 1),
            AlertJournalEntry(kind: .acknowledge, time: 1_767_600_010, actor: Self.hostile, rule: "R",
                              labels: ["model": Self.hostile], note: "line1\nfake record\u{1B}[1A"),
        ]
        let text = JournalPrinter(format: .text).format(entries)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty, "\(text.debugDescription)")
        for line in lines { #expect(!Self.hasControl(String(line)), "\(line.debugDescription)") }
        #expect(text.contains("model=\"fraud\u{FFFD}   \""), "\(text.debugDescription)")

        let json = JournalPrinter(format: .jsonLines).format(entries)
        #expect(!json.dropLast().unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) })
        let first = try? JSONDecoder().decode(AlertJournalEntry.self, from: Data(json.split(separator: "\n")[0].utf8))
        #expect(first?.labels["model"] == Self.hostile, "the JSON keeps the exact value")
    }

    @Test("--on-fire: environment values sanitized, stdin JSON exact and escaped")
    func onFire() throws {
        let rule = AlertRule(name: "R", expression: try RuleExpression.parse("error_rate > 0"),
                             annotations: ["summary": "{{ $labels.model }} down\u{7}"])
        let t = AlertTransition(time: 1_767_600_000, rule: "R", labels: ["model": Self.hostile], from: .pending,
                                to: .firing, value: 2, threshold: 0, severity: .warning, incident: 1)
        let n = AlertNotification(t, rule: rule)
        for (key, value) in n.environment {
            #expect(key.hasPrefix("MLWATCH_"))
            #expect(!Self.hasControl(value), "\(key)=\(value.debugDescription)")
        }
        #expect(n.environment["MLWATCH_SUMMARY"] == "fraud\u{FFFD}    down\u{FFFD}")
        #expect(n.environment["MLWATCH_ALERT"] == "R")
        let json = n.json()
        #expect(!Self.hasControl(json), "\(json.debugDescription)")
        let decoded = try JSONDecoder().decode(AlertNotification.self, from: Data(json.utf8))
        #expect(decoded.labels["model"] == Self.hostile)
    }

    /// An escape sequence a value leaves open (no final byte, no BEL/ST) is removed to the end of that value
    /// only: what is printed after the value (states, numbers, the incident) stays.
    static let unterminated = ["model": "a\u{1B}]0;x", "version": "v\u{9B}1"]

    @Test("journal text: a label with an unterminated escape sequence does not swallow the rest of the record")
    func journalTextUnterminated() {
        let entries = [
            AlertJournalEntry(kind: .transition, time: 1_767_600_000, rule: "R", labels: Self.unterminated,
                              from: .pending, to: .firing, value: 3, threshold: 1, severity: .critical, incident: 4),
            AlertJournalEntry(kind: .acknowledge, time: 1_767_600_010, actor: "bob\u{1B}[", rule: "R",
                              labels: Self.unterminated, incident: 4, note: "mine\u{1B}P"),
        ]
        let text = JournalPrinter(format: .text).format(entries)
        #expect(text == """
            2026-01-05T08:00:00.000Z  R{model="a",version="v"}  pending → firing  value=3 threshold=1  #4
            2026-01-05T08:00:10.000Z  R{model="a",version="v"}  acknowledged by bob: "mine"  #4

            """, "\(text.debugDescription)")
    }

    @Test("--on-fire: the default summary keeps the state after a label with an unterminated escape sequence")
    func onFireSummaryUnterminated() throws {
        let t = AlertTransition(time: 1_767_600_000, rule: "R", labels: Self.unterminated, from: .pending,
                                to: .firing, value: 2, threshold: 0, severity: .warning, incident: 1)
        let env = AlertNotification(t, rule: nil).environment
        #expect(env["MLWATCH_SUMMARY"] == #"R{model="a",version="v"} firing"#)
        #expect(env["MLWATCH_LABELS"] == #"{model="a",version="v"}"#)
    }

    @Test("config errors: quoted text with an unterminated escape sequence does not swallow the reason")
    func configErrorUnterminated() {
        let yaml = "rules:\n  - alert: \"Evil\\e]0;x\"\n    expr: events_total > 1\n"
        do {
            _ = try MLWatchConfig.parse(yaml: yaml, path: "c.yaml")
            Issue.record("the invalid alert name was accepted")
        } catch {
            #expect(error.description == #"c.yaml:2:13: rules[0].alert: "Evil" is not a valid alert name (letters, digits and _, not starting with a digit)"#,
                    "\(error.description.debugDescription)")
        }
    }

    @Test("config errors quote config text on one line without controls")
    func configErrors() {
        let yaml = "\"\\e]0;t\\awin\\ndow\": 1\n"
        #expect(throws: ConfigError.self) { try MLWatchConfig.parse(yaml: yaml, path: "c.yaml") }
        do {
            _ = try MLWatchConfig.parse(yaml: yaml, path: "c.yaml")
        } catch {
            #expect(error.description.hasPrefix("c.yaml:1:1: unknown key"), "\(error.description)")
            #expect(!Self.hasControl(error.description), "\(error.description.debugDescription)")
        }
    }
}
