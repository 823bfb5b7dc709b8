/// A `TerminalBackend` that keeps the screen in memory, for tests (after swift-log's
/// `InMemoryLogHandler`): a real type, not a mock.
///
/// It behaves like a terminal: it starts blank, and each `flush` applies only `buffer.diff(from:)` of
/// the previous frame to its `screen` (everything after a resize), so a test that checks `screen`
/// also checks the diffing. `cellsSentPerFlush` records how many cells each flush sent.
///
/// ```swift
/// let terminal = InMemoryTerminal(width: 80, height: 24)
/// terminal.enqueue(.char("q"))
/// terminal.flush(buffer)
/// #expect(terminal.screen.text(row: 0).hasPrefix("mlwatch"))
/// ```
public final class InMemoryTerminal: TerminalBackend {
    public private(set) var size: TerminalSize
    public var colorDepth: ColorDepth
    /// What the terminal shows now.
    public private(set) var screen: ScreenBuffer
    /// Cells sent by each flush, in order.
    public private(set) var cellsSentPerFlush: [Int] = []
    /// Times `bell()` was called.
    public private(set) var bellCount = 0
    /// True after `shutdown()`.
    public private(set) var isShutDown = false
    /// Keys `readKey` will return, first first.
    public private(set) var pendingKeys: [Key] = []

    /// The last flushed frame as the backend remembers it (nil before the first flush or after resize).
    private var lastFlushed: ScreenBuffer?

    public init(width: Int = 80, height: Int = 24, colorDepth: ColorDepth = .truecolor) {
        self.size = TerminalSize(width: width, height: height)
        self.colorDepth = colorDepth
        self.screen = ScreenBuffer(width: width, height: height)
    }

    /// Number of flushes so far.
    public var flushCount: Int { cellsSentPerFlush.count }

    /// Cells sent by the most recent flush (0 before any).
    public var lastFlushCellCount: Int { cellsSentPerFlush.last ?? 0 }

    /// Scripts key presses for `readKey`.
    public func enqueue(_ keys: Key...) { pendingKeys.append(contentsOf: keys) }

    /// Scripts key presses for `readKey`.
    public func enqueue(contentsOf keys: [Key]) { pendingKeys.append(contentsOf: keys) }

    /// Simulates the user resizing the window: the screen is cleared, the next flush is a full redraw,
    /// and `readKey` returns `.resize` next.
    public func resize(width: Int, height: Int) {
        size = TerminalSize(width: width, height: height)
        screen = ScreenBuffer(width: width, height: height)
        lastFlushed = nil
        pendingKeys.insert(.resize, at: 0)
    }

    public func flush(_ buffer: ScreenBuffer) {
        let previous = lastFlushed ?? ScreenBuffer(width: -1, height: -1)
        let changes = buffer.diff(from: previous)
        for change in changes {
            screen.put(change.cell.grapheme, x: change.x, y: change.y, style: change.cell.style)
        }
        cellsSentPerFlush.append(changes.count)
        lastFlushed = buffer
    }

    /// Returns the next scripted key immediately, or nil when none is left (never waits).
    public func readKey(timeoutMs: Int) -> Key? {
        pendingKeys.isEmpty ? nil : pendingKeys.removeFirst()
    }

    public func bell() { bellCount += 1 }

    public func shutdown() { isShutDown = true }
}
