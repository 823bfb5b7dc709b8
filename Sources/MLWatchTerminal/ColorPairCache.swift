/// Colour pairs allocated on demand: ncurses draws a cell's colours through a numbered (fg, bg) pair,
/// and terminals have a limited number of them (`COLOR_PAIRS`), so pairs are created the first time a
/// combination is drawn and reused after that.
///
/// When every pair is taken, `pair(fg:bg:)` returns nil; the terminal then resets the cache and
/// redraws everything (re-defining a pair in use would recolour cells already on screen).
struct ColorPairCache {
    /// Highest usable pair number + 1 (`COLOR_PAIRS`).
    let capacity: Int
    /// Defines pair `n` as (fg, bg) in ncurses; injected so the cache is testable without a terminal.
    let define: (_ pair: Int, _ fg: Int, _ bg: Int) -> Void
    private var pairs: [PairKey: Int] = [:]
    private var next = 1

    init(capacity: Int, define: @escaping (_ pair: Int, _ fg: Int, _ bg: Int) -> Void) {
        self.capacity = capacity
        self.define = define
    }

    /// The pair number for colour numbers `fg`/`bg` (-1 = terminal default); 0 is the default pair.
    mutating func pair(fg: Int, bg: Int) -> Int? {
        if fg == -1, bg == -1 { return 0 }
        let key = PairKey(fg: fg, bg: bg)
        if let existing = pairs[key] { return existing }
        guard next < capacity else { return nil }
        let number = next
        next += 1
        define(number, fg, bg)
        pairs[key] = number
        return number
    }

    /// Forgets every pair (the caller must redraw the whole screen).
    mutating func reset() {
        pairs.removeAll(keepingCapacity: true)
        next = 1
    }

    var count: Int { pairs.count }

    private struct PairKey: Hashable {
        var fg: Int
        var bg: Int
    }
}
