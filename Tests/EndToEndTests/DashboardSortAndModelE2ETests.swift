import Foundation
import Testing

/// Keys that reorder or switch what the panels show, checked on the real binary in tmux: `s` cycles
/// the Input table's sort (drift → name → missing → drift) and the rows really move; `m` cycles the
/// model in view and the header and panels follow.
@Suite(.serialized) struct DashboardSortAndModelE2ETests {
    /// The screen rows on which `names` appear, in screen order (nil when one is missing).
    static func rowOrder(of names: [String], in screen: String) -> [String]? {
        let lines = screen.components(separatedBy: "\n")
        var rows: [(row: Int, name: String)] = []
        for name in names {
            guard let row = lines.firstIndex(where: { $0.contains(name) }) else { return nil }
            rows.append((row, name))
        }
        return rows.sorted { $0.row < $1.row }.map(\.name)
    }

    @Test(.needsTmux) func sortKeyCyclesDriftNameMissing() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reference = dir.appendingPathComponent("reference.jsonl").path
        let log = dir.appendingPathComponent("predictions.jsonl").path
        try DashboardFixtureLogs.writeSortable(reference: reference, current: log)
        let q = TmuxSession.shellQuote
        let tmux = try TmuxSession(
            "\(q(TmuxSession.binary!)) watch \(q(log)) --from-start --window all --reference \(q(reference))"
                + " --journal \(q(dir.appendingPathComponent("journal.sqlite").path))")
        defer { tmux.kill() }

        let names = DashboardFixtureLogs.sortOrders[0].names
        let up = tmux.waitFor(timeout: 30) { screen in
            screen.contains("events 300") && Self.rowOrder(of: names, in: screen) == names
        }
        #expect(up.ok, "dashboard did not come up sorted by drift (\(names)):\n\(up.screen)")

        tmux.send("2")
        // drift → name → missing → drift again.
        for expected in DashboardFixtureLogs.sortOrders.dropFirst() + DashboardFixtureLogs.sortOrders.prefix(1) {
            tmux.send("s")
            let sorted = tmux.waitFor { screen in
                screen.contains("sort: \(expected.sort)") && Self.rowOrder(of: expected.names, in: screen) == expected.names
            }
            #expect(sorted.ok, "after s: expected sort \(expected.sort) with rows \(expected.names):\n\(sorted.screen)")
        }

        tmux.send("q")
        #expect(tmux.waitFor("MLWATCH_EXITED 0").ok)
    }

    @Test(.needsTmux) func modelKeyCyclesTheModelInView() throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("predictions.jsonl").path
        try DashboardFixtureLogs.writeTwoModels(to: log)
        let q = TmuxSession.shellQuote
        let tmux = try TmuxSession(
            "\(q(TmuxSession.binary!)) watch \(q(log)) --from-start --window all"
                + " --journal \(q(dir.appendingPathComponent("journal.sqlite").path))")
        defer { tmux.kill() }

        let models = DashboardFixtureLogs.models
        // A model is in view when the header names it and the panels show its feature and classes and
        // not the other model's.
        func showing(_ index: Int) -> (String) -> Bool {
            let this = models[index]
            let other = models[1 - index]
            return { screen in
                screen.contains(this.header) && screen.contains(this.feature) && screen.contains(this.predictionClass)
                    && !screen.contains(other.header) && !screen.contains(other.feature)
            }
        }
        let first = tmux.waitFor(timeout: 30) { $0.contains("events 400") && showing(0)($0) }
        #expect(first.ok, "the first model (\(models[0].header)) is not in view:\n\(first.screen)")
        tmux.send("m")
        let second = tmux.waitFor(timeout: 10, showing(1))
        #expect(second.ok, "m did not switch to \(models[1].header):\n\(second.screen)")
        tmux.send("m")
        let back = tmux.waitFor(timeout: 10, showing(0))
        #expect(back.ok, "m did not cycle back to \(models[0].header):\n\(back.screen)")

        tmux.send("q")
        #expect(tmux.waitFor("MLWATCH_EXITED 0").ok)
    }
}
