/// The seam between the dashboard and a terminal (after swift-log's `LogHandler`): the ncurses
/// backend in `MLWatchTerminal` implements it for real, `InMemoryTerminal` for tests.
///
/// Backends are not thread-safe (ncurses is not): create one on the UI thread and call it only from
/// there. The dashboard loop is: draw a `ScreenBuffer` of `size`, `flush` it, `readKey` with a timeout
/// until the next tick, repeat; on `.resize`, re-read `size` and redraw.
public protocol TerminalBackend: AnyObject {
    /// The current size in cells. Updated after a `.resize` key has been returned.
    var size: TerminalSize { get }

    /// The colours the terminal can show (after `NO_COLOR`); degrade the theme with it once:
    /// `theme.degraded(to: backend.colorDepth)`.
    var colorDepth: ColorDepth { get }

    /// Shows `buffer`, sending only the cells that changed since the previous flush (everything after
    /// a resize). A buffer of another size than `size` is drawn clipped.
    func flush(_ buffer: ScreenBuffer)

    /// The next key press, waiting at most `timeoutMs` milliseconds (0: poll; negative: block).
    /// Returns nil on timeout.
    func readKey(timeoutMs: Int) -> Key?

    /// Rings the terminal bell (e.g. when an alert starts firing and bells are enabled).
    func bell()

    /// Restores the terminal (leaves the alternate screen, shows the cursor). Idempotent.
    func shutdown()
}
