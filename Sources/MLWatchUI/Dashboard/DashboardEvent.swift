import MLWatchCore

/// Everything that can change what the dashboard shows, as one value for `DashboardState.reduce`.
public enum DashboardEvent: Sendable {
    /// A key press (never `.resize` or `.mouse`: those have their own cases).
    case key(Key)
    /// A click or wheel step at a cell.
    case mouse(x: Int, y: Int, button: MouseButton)
    /// The terminal changed size.
    case resize(TerminalSize)
    /// The engine host published something new.
    case published(EngineHost.Published)
    /// A signal the process received.
    case signal(DashboardSignal)
    /// The wall clock moved to another second (the header's clock and lag).
    case tick(now: Double)
}

/// The signals the dashboard acts on.
public enum DashboardSignal: Sendable, Equatable {
    /// SIGHUP: reload the config, like `r`.
    case hangup
    /// SIGINT or SIGTERM: quit (the terminal is restored by the loop's caller).
    case terminate
}

/// Where the loop takes signals from (the command line turns SIGHUP, SIGINT and SIGTERM into these).
public protocol DashboardSignalSource {
    /// The signals received since the last call, in order.
    func take() -> [DashboardSignal]
}

/// What a reduced event asks of the world outside the UI state; the loop carries effects out.
public enum DashboardEffect: Equatable, Sendable {
    /// Send a command to the engine host (it answers in a later publication).
    case send(EngineCommand)
    /// Ring the terminal bell (a critical alert started firing).
    case bell
    /// Leave the loop.
    case quit
    /// Draw with the theme at this index of the loop's themes.
    case theme(Int)
}
