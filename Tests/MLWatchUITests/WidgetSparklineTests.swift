import Testing

@testable import MLWatchUI

@Suite("Widget Sparkline")
struct WidgetSparklineTests {
    private func render(_ sparkline: Sparkline, width: Int, height: Int = 1) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: width, height: height)
        sparkline.render(into: &buffer, area: buffer.bounds)
        return buffer
    }

    @Test func brailleKnownValues() {
        // Scale 0…7 over 4 dot rows: levels 1,1,1,2,2,3,3,4 (the minimum still gets one dot).
        let buffer = render(Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7]), width: 4)
        #expect(buffer.text(row: 0) == "⣀⣠⣴⣾")
        let full = render(Sparkline(values: [0, 4], minimum: 0, maximum: 4), width: 1)
        #expect(full.text(row: 0) == "⣸")
    }

    @Test func brailleTwoRowsAndRightAlignment() {
        // 8 dot rows; a single sample at the max fills the right column of both rows.
        let buffer = render(Sparkline(values: [10], minimum: 0, maximum: 10), width: 2, height: 2)
        #expect(buffer.lines == [" ⢸", " ⢸"])
    }

    @Test func gapsAndOldSamplesDropped() {
        let buffer = render(Sparkline(values: [99, 99, .nan, 4], minimum: 0, maximum: 4), width: 1)
        #expect(buffer.text(row: 0) == "⢸")  // only the last two samples fit; NaN is a gap
    }

    @Test func thresholdMarkerAndStyle() {
        let alert = Style(fg: .red)
        let sparkline = Sparkline(
            values: [0, 0, 0, 8], minimum: 0, maximum: 8, style: .plain, threshold: 4, aboveThresholdStyle: alert)
        let buffer = render(sparkline, width: 2)
        // Threshold at level 2 of 4 adds the left-column dot of row 3 (0x04) to every cell.
        #expect(buffer.text(row: 0) == "⣄⣼")
        #expect(buffer[0, 0].style == .plain)
        #expect(buffer[1, 0].style == alert)
    }

    @Test func blockSparkline() {
        #expect(BlockSparkline.text([0, 4, 8], width: 3, minimum: 0, maximum: 8) == "▁▄█")
        #expect(BlockSparkline.text([1, 1], width: 4) == "  ▁▁")
        var buffer = ScreenBuffer(width: 1, height: 2)
        BlockSparkline(values: [12], minimum: 0, maximum: 16).render(into: &buffer, area: buffer.bounds)
        #expect(buffer.lines == ["▄", "█"])
    }

    @Test func barGauge() {
        #expect(BarGauge.text(fraction: 0.5, width: 4) == "██  ")
        #expect(BarGauge.text(fraction: 0.3, width: 2) == "▋ ")
        #expect(BarGauge.text(fraction: 1.5, width: 3) == "███")
        #expect(BarGauge.text(fraction: .nan, width: 2, trackCharacter: "·") == "··")
        var buffer = ScreenBuffer(width: 3, height: 1)
        BarGauge(fraction: 0.5, style: Style(fg: .green)).render(into: &buffer, area: buffer.bounds)
        #expect(buffer.text(row: 0) == "█▌ ")
    }

    @Test func histogramSideBySideAndHalfBlock() {
        let ref = Style(fg: .blue)
        let cur = Style(fg: .yellow)
        var buffer = ScreenBuffer(width: 4, height: 1)
        HistogramView(reference: [1, 1], current: [0, 2], referenceStyle: ref, currentStyle: cur)
            .render(into: &buffer, area: buffer.bounds)
        #expect(buffer.text(row: 0) == "▄ ▄█")
        #expect(buffer[3, 0].style == cur)

        var compact = ScreenBuffer(width: 2, height: 2)
        HistogramView(reference: [1, 1], current: [0, 2], referenceStyle: ref, currentStyle: cur, layout: .halfBlock)
            .render(into: &compact, area: compact.bounds)
        #expect(compact.lines == [" ▐", "▌▌"])
        #expect(compact[1, 1].style == Style(fg: .blue, bg: .yellow))
    }
}
