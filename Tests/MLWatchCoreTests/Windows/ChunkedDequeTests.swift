import Testing
@testable import MLWatchCore

@Suite("Chunked deque")
struct ChunkedDequeTests {
    /// Elements with a heap part, so that copies and frees of shared chunks are exercised.
    typealias Element = [Int]

    @Test("random appends, front removals, inserts and in-place changes equal an array; copies taken on the way never change",
          arguments: [UInt64(1), 2, 3])
    func matchesArrayAndCopiesStayIntact(seed: UInt64) {
        var rng = PTRandom(seed: seed)
        var deque = ChunkedDeque<Element>()
        var naive: [Element] = []
        var copies: [(deque: ChunkedDeque<Element>, expected: [Element])] = []
        var removed: [Element] = []
        var naiveRemoved: [Element] = []
        for step in 0..<30_000 {
            let r = rng.uniform()
            // Phases that grow past several chunks and drain to empty, so chunk boundaries and the
            // empty state are crossed many times.
            let growing = (step / 3000) % 2 == 0
            if r < (growing ? 0.55 : 0.25) {
                let e = [step, step &* 31]
                deque.append(e)
                naive.append(e)
            } else if r < 0.85 {
                guard !naive.isEmpty else { continue }
                deque.removeFirst { removed.append($0.pointee) }
                naiveRemoved.append(naive.removeFirst())
            } else if r < 0.93 {
                // Near the end, as out-of-order events are.
                let at = max(0, naive.count - Int(rng.uniform() * 40))
                let e = [-step]
                deque.insert(e, at: at)
                naive.insert(e, at: at)
            } else if !naive.isEmpty {
                let i = Int(rng.uniform() * Double(naive.count)) % naive.count
                deque[i].append(step)
                naive[i].append(step)
            }
            #expect(deque.count == naive.count)
            if rng.chance(0.002) { copies.append((deque, naive)) }
            if rng.chance(0.01) { #expect(Array(deque) == naive, "step \(step)") }
            if !naive.isEmpty, rng.chance(0.05) {
                let i = Int(rng.uniform() * Double(naive.count)) % naive.count
                #expect(deque.withUnsafeElement(at: i) { $0.pointee } == naive[i], "element \(i) by address")
            }
        }
        #expect(Array(deque) == naive)
        #expect(removed == naiveRemoved)
        #expect(copies.count > 20)
        for (i, c) in copies.enumerated() { #expect(Array(c.deque) == c.expected, "copy \(i)") }
    }

    @Test("chunks stay within 64 KiB (heap blocks, not fresh mmaps) and hold a power of two of elements")
    func chunkSize() {
        func bytes<T>(_: T.Type) -> Int { ChunkedDeque<T>.chunkCapacity * MemoryLayout<T>.stride }
        #expect(bytes(PredictionEvent.self) <= 65536 && bytes(PredictionEvent.self) > 16384)
        #expect(ChunkedDeque<PredictionEvent>.chunkCapacity >= 64)
        #expect(ChunkedDeque<UInt8>.chunkCapacity == 4096)
        #expect(ChunkedDeque<Int>.chunkCapacity == 4096)
        #expect(ChunkedDeque<(Int, Int, Int)>.chunkCapacity == 2048)
        let c = ChunkedDeque<PredictionEvent>.chunkCapacity
        #expect(c & (c - 1) == 0)
    }

    @Test("indices, slices and first/last across chunk boundaries")
    func collectionAccess() {
        let n = 3 * ChunkedDeque<Int>.chunkCapacity + 5
        var deque = ChunkedDeque(0..<n)
        for _ in 0..<(ChunkedDeque<Int>.chunkCapacity + 3) { deque.removeFirst() }
        let rest = Array((ChunkedDeque<Int>.chunkCapacity + 3)..<n)
        #expect(deque.count == rest.count)
        #expect(deque.first == rest.first && deque.last == rest.last)
        #expect(Array(deque[100..<2000]) == Array(rest[100..<2000]))
        #expect(deque.indices == rest.indices)
        deque.insert(-1, at: 0)
        #expect(deque.first == -1 && deque[1] == rest[0])
        while !deque.isEmpty { deque.removeFirst() }
        deque.append(7)
        #expect(Array(deque) == [7])
    }
}
