import Testing
@testable import MLWatchCore
@testable import MLWatchUI

/// The replay's header says when its clock jumped over a quiet stretch of the recording (`--max-idle`):
/// `skipped 3d2h` beside the position, on the full header's second line and on the one-line header of the
/// compact and single-panel layouts, down to the smallest screen.
@Suite struct HeaderReplaySkipTests {
    static func render(width: Int, height: Int, skipped: Double?) throws -> ScreenBuffer {
        var (snapshot, state) = try DashboardFixture.make()
        snapshot.mode = .replay
        state.replay = ReplayStatus(speed: .factor(60), virtualTime: snapshot.newestEventTime ?? 0,
                                    startTime: (snapshot.newestEventTime ?? 0) - 7200, endTime: (snapshot.newestEventTime ?? 0) + 7200,
                                    progress: 0.5, position: 500, count: 1000, skippedGap: skipped)
        var buffer = ScreenBuffer(width: width, height: height)
        DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
        return buffer
    }

    @Test(arguments: [(100, 30), (80, 24)])
    func golden(width: Int, height: Int) throws {
        let buffer = try Self.render(width: width, height: height, skipped: 3 * 86_400 + 2 * 3600 + 17 * 60)
        try GoldenFile.assertMatches(buffer, named: "replay-skip-\(width)x\(height)-default")
    }

    @Test(arguments: [(200, 60), (100, 30), (80, 24), (60, 14), (40, 10)])
    func theNoteFitsEveryLayout(width: Int, height: Int) throws {
        let buffer = try Self.render(width: width, height: height, skipped: 3 * 86_400 + 2 * 3600)
        let header = buffer.text(row: 0) + "\n" + buffer.text(row: 1)
        #expect(header.contains("skipped 3d2h"), "\(width)×\(height):\n\(header)")
        #expect(header.contains("REPLAY 60×"), "\(width)×\(height):\n\(header)")
        for row in 0..<2 { #expect(DisplayWidth.of(buffer.text(row: row)) <= width) }
        // Without a skip there is no note, and the header is what it was.
        let plain = try Self.render(width: width, height: height, skipped: nil)
        #expect(!(plain.text(row: 0) + plain.text(row: 1)).contains("skipped"))
    }
}
