import Testing
@testable import MLWatchCore

@Suite("Window sorted column")
struct WindowSortedColumnTests {
    @Test("random inserts and removals, read at random times, equal a naive sorted multiset", arguments: [UInt64(1), 2, 3, 4])
    func matchesNaiveMultiset(seed: UInt64) {
        var rng = PTRandom(seed: seed)
        var column = SortedColumn()
        var naive: [Double] = []
        var reads = 0
        for step in 0..<20_000 {
            // Few distinct values (ties, ±0) some of the time, wide values otherwise.
            let x: Double = rng.chance(0.5) ? Double(Int(rng.uniform() * 7) - 3) * (rng.chance(0.1) ? -0.0 : 1)
                : rng.normal(0, 1e6)
            if naive.isEmpty || rng.chance(0.55) {
                column.insert(x)
                naive.append(x)
            } else {
                let i = Int(rng.uniform() * Double(naive.count)) % naive.count
                column.remove(naive[i])
                naive.remove(at: i)
            }
            #expect(column.count == naive.count)
            if rng.chance(0.01) || step == 19_999 {
                reads += 1
                #expect(column.sorted() == naive.sorted(), "step \(step)")
            }
        }
        #expect(reads > 100)
    }

    @Test("a bulk first fill and a full replacement in one read")
    func bulkFillAndReplacement() {
        var column = SortedColumn()
        let first = (0..<5000).map { Double(($0 * 7919) % 5000) }
        first.forEach { column.insert($0) }
        #expect(column.sorted() == first.sorted())
        first.forEach { column.remove($0) }
        let second = (0..<3000).map { -Double($0) / 3 }
        second.forEach { column.insert($0) }
        #expect(column.sorted() == second.sorted())
        second.forEach { column.remove($0) }
        #expect(column.sorted().isEmpty && column.isEmpty)
    }

    @Test("a value added and removed between two reads never shows")
    func cancelledBetweenReads() {
        var column = SortedColumn()
        [3.0, 1, 2].forEach { column.insert($0) }
        #expect(column.sorted() == [1, 2, 3])
        column.insert(9)
        column.remove(9)
        column.remove(1)
        column.insert(1.5)
        #expect(column.sorted() == [1.5, 2, 3])
    }
}
