import Testing

@testable import MLWatchCore
@testable import MLWatchUI

/// A column left untested by `drift.min_samples` shows its count, dimmed, where a drift mark would be: never
/// a ✖ (drift) or a ✓ (no drift) that a statistic of three values cannot back.
@Suite("Untested drift in the panels")
struct DriftUntestedPanelTests {
    /// The fixture with `amount` (drifted there) and the prediction left untested at 3 values.
    static func render() throws -> (ScreenBuffer, Theme) {
        var (snapshot, state) = try DashboardFixture.make()
        let i = try #require(snapshot.features.firstIndex { $0.name == "amount" })
        #expect(snapshot.features[i].drift?.detected == true)
        snapshot.features[i].drift = nil
        snapshot.features[i].driftUntested = DriftUntested(labels: snapshot.features[i].labels, values: 3, minSamples: 30)
        snapshot.metrics.removeAll { $0.name.hasPrefix("drift_") && $0.labels["feature"] == "prediction" }
        snapshot.outputs[0].driftUntested["prediction"] =
            DriftUntested(labels: snapshot.outputs[0].labels.with("feature", "prediction"), values: 3, minSamples: 30)
        let theme = Theme.builtInDefault
        var buffer = ScreenBuffer(width: 100, height: 30)
        _ = DashboardRenderer(theme: theme).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
        return (buffer, theme)
    }

    /// Where `text` starts on row `y` (in cells), nil when it is not there.
    static func find(_ text: String, row y: Int, in buffer: ScreenBuffer) -> Int? {
        let wanted = text.map(String.init)
        let row = (0..<buffer.width).map { buffer[$0, y].grapheme }
        return (0...(buffer.width - wanted.count)).first { Array(row[$0..<$0 + wanted.count]) == wanted }
    }

    /// The first row holding `text`, and where on it.
    static func find(_ text: String, in buffer: ScreenBuffer) -> (x: Int, y: Int)? {
        for y in 0..<buffer.height {
            if let x = find(text, row: y, in: buffer) { return (x, y) }
        }
        return nil
    }

    @Test("the Input panel's drift cell shows `n 3<30`, dimmed, instead of a mark")
    func inputCell() throws {
        let (buffer, theme) = try Self.render()
        let amount = try #require(Self.find("amount", in: buffer))
        let row = buffer.text(row: amount.y)
        #expect(row.contains("n 3<30"), "\(row)")
        #expect(!row.contains(theme.severitySymbol(.critical)) && !row.contains(theme.severitySymbol(nil)), "\(row)")
        let x = try #require(Self.find("n 3<30", row: amount.y, in: buffer))
        #expect((0..<6).allSatisfy { buffer[x + $0, amount.y].style == theme[.dimText] })
    }

    @Test("the Output panel's prediction drift row shows the count, dimmed")
    func outputRow() throws {
        let (buffer, theme) = try Self.render()
        let label = try #require(Self.find("pred drift", in: buffer))
        let row = buffer.text(row: label.y)
        #expect(row.contains("n 3<30") && !row.contains(theme.severitySymbol(nil)), "\(row)")
        let x = try #require(Self.find("n 3<30", row: label.y, in: buffer))
        #expect(buffer[x, label.y].style == theme[.dimText])
    }

    @Test("a column untested for a short reference says `ref 20<30` in the cell and the reason in the detail")
    func referenceSide() throws {
        var (snapshot, state) = try DashboardFixture.make()
        let i = try #require(snapshot.features.firstIndex { $0.name == "amount" })
        snapshot.features[i].drift = nil
        snapshot.features[i].driftUntested = DriftUntested(labels: snapshot.features[i].labels, values: 20, minSamples: 30, side: .reference)
        let theme = Theme.builtInDefault
        var buffer = ScreenBuffer(width: 100, height: 30)
        DashboardRenderer(theme: theme).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
        let amount = try #require(Self.find("amount", in: buffer))
        let x = try #require(Self.find("ref 20<30", row: amount.y, in: buffer), "\(buffer.text(row: amount.y))")
        #expect((0..<9).allSatisfy { buffer[x + $0, amount.y].style == theme[.dimText] })
        // The feature detail says whose values were too few.
        state.focus = .input
        state.detailFeature = "amount"
        var detail = ScreenBuffer(width: 100, height: 30)
        DashboardRenderer(theme: theme).render(snapshot, state: state, into: &detail, now: DashboardFixture.now)
        let text = detail.lines.joined(separator: "\n")
        // Where the histogram would be, wrapped rather than cut off at the column's edge.
        let first = try #require(Self.find("drift not tested: the reference has 20 values <", in: detail), "\(text)")
        #expect(Self.find("min_samples 30", row: first.y + 1, in: detail) == first.x, "\(text)")
        #expect(!text.contains("no reference"), "a reference there is:\n\(text)")
    }
}
