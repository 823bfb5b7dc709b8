import Testing
@testable import MLWatchCore
@testable import MLWatchUI

/// The header tells future events (stamped too far ahead, see `FutureEventGuard`) apart from late ones,
/// with the log most of them came from, its name sanitized.
@Suite struct HeaderFutureEventsTests {
    @Test(arguments: [(100, 30), (200, 60)])
    func fullHeaderShowsTheCountAndTheLog(width: Int, height: Int) throws {
        var (snapshot, state) = try DashboardFixture.make()
        snapshot.future = FutureEvents(total: 7, bySource: ["/var/log/a.jsonl": 2, "/var/log/skewed\u{1B}]0;x\u{07}.jsonl": 5, "/b.jsonl": 5])
        var buffer = ScreenBuffer(width: width, height: height)
        DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
        let header = buffer.text(row: 0) + "\n" + buffer.text(row: 1)
        // Equal counts: the first name in order ("/b.jsonl" < "/var/…"), not whichever a dictionary gives.
        // Where it fits, and then for equal counts the first name in order ("/b.jsonl" < "/var/…").
        #expect(header.contains(width >= 120 ? "future 7 (b.jsonl)" : "future 7"), "\(header)")
        #expect(!header.contains("future 7 (") || header.contains("future 7 (b.jsonl)"), "\(header)")
        #expect(header.contains("late \(snapshot.late)"))
        state.rulesConfigured = true
        snapshot.future = FutureEvents(total: 1, bySource: ["/var/log/skewed\u{1B}]0;x\u{07}.jsonl": 1])
        var again = ScreenBuffer(width: width, height: height)
        DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &again, now: DashboardFixture.now)
        let text = again.text(row: 1)
        #expect(text.contains(width >= 120 ? "future 1 (skewed" : "future 1"), "\(text)")
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(text)")
    }

    @Test func noFutureEventsNoMention() throws {
        let (snapshot, state) = try DashboardFixture.make()
        var buffer = ScreenBuffer(width: 100, height: 30)
        DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
        #expect(!(buffer.text(row: 0) + buffer.text(row: 1)).contains("future"))
        #expect(!(buffer.text(row: 0) + buffer.text(row: 1)).contains("held"))
    }

    @Test func heldLinesAreShown() throws {
        var (snapshot, state) = try DashboardFixture.make()
        snapshot.future = FutureEvents(total: 0, held: 3)
        var buffer = ScreenBuffer(width: 140, height: 30)
        DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
        #expect(buffer.text(row: 1).contains("late \(snapshot.late) │ held 3"), "\(buffer.text(row: 1))")
    }

    @Test func compactHeaderKeepsTheCount() throws {
        var (snapshot, state) = try DashboardFixture.make()
        snapshot.future = FutureEvents(total: 4, bySource: ["app.jsonl": 4])
        var buffer = ScreenBuffer(width: 80, height: 24)
        DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
        #expect(buffer.lines.prefix(2).joined().contains("future 4"), "\(buffer.lines.prefix(2).joined(separator: "\n"))")
    }
}
