import Testing

@testable import MLWatchUI

@Suite("Screen Rect")
struct ScreenRectTests {
    @Test func insetAndIntersection() {
        let rect = Rect(x: 2, y: 3, width: 10, height: 5)
        #expect(rect.inset(by: 1) == Rect(x: 3, y: 4, width: 8, height: 3))
        #expect(rect.inset(by: 10).isEmpty)
        #expect(rect.intersection(Rect(x: 0, y: 0, width: 5, height: 5)) == Rect(x: 2, y: 3, width: 3, height: 2))
        #expect(rect.intersection(Rect(x: 50, y: 50, width: 5, height: 5)).isEmpty)
    }

    @Test func ratiosAlwaysAddUpToTheWidth() {
        let rect = Rect(width: 101, height: 10)
        for count in 1 ... 7 {
            let columns = rect.splitHorizontally(ratios: Array(repeating: 1, count: count))
            #expect(columns.map(\.width).reduce(0, +) == 101)
            #expect(columns.last?.maxX == 101)
        }
        let parts = Rect(width: 10, height: 4).splitHorizontally(ratios: [1, 3])
        #expect(parts == [Rect(x: 0, y: 0, width: 3, height: 4), Rect(x: 3, y: 0, width: 7, height: 4)])
    }

    @Test func lengthsWithFlexibleParts() {
        let rows = Rect(x: 0, y: 1, width: 20, height: 10).splitVertically(lengths: [1, nil, 2])
        #expect(rows.map(\.height) == [1, 7, 2])
        #expect(rows.map(\.y) == [1, 2, 9])
        let spaced = Rect(width: 10, height: 1).splitHorizontally(lengths: [nil, nil], spacing: 2)
        #expect(spaced == [Rect(x: 0, y: 0, width: 4, height: 1), Rect(x: 6, y: 0, width: 4, height: 1)])
        let tooSmall = Rect(width: 3, height: 1).splitHorizontally(lengths: [2, 2, nil])
        #expect(tooSmall.map(\.width) == [2, 1, 0])
    }
}
