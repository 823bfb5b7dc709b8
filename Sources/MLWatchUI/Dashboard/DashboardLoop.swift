import MLWatchCore

/// The UI thread's loop. Each step waits up to a timeout for a key, turns whatever happened into
/// `DashboardEvent`s (key, mouse, resize, a new publication of the host, a signal, a new second on the
/// clock), reduces each with `DashboardState.reduce`, carries out the effects (commands to the host, the
/// bell, quitting, the theme) and redraws when an event came in; flush sends only changed cells.
///
/// The loop never waits for the engine: it reads the host's publication (a copy under a lock) and sends
/// commands that return at once. It runs against any `TerminalBackend`, `EngineLink` and clock, so tests
/// drive it with `InMemoryTerminal`, a fake host and a hand-set clock.
public final class DashboardLoop {
    public private(set) var state: DashboardState
    public let themes: [Theme]
    /// Whether the backend reports mouse clicks (then the help lists what the mouse does).
    public let mouse: Bool
    private let backend: any TerminalBackend
    private let host: any EngineLink
    private let clock: HostClock
    private let signals: (any DashboardSignalSource)?
    private var buffer: ScreenBuffer
    private var lastGeneration = -1
    private var lastSecond = Int.min
    private var dirty = true
    private var running = true
    private var quitRequested = false

    /// - Parameters:
    ///   - mouse: pass true when `backend` was started with mouse reporting, so that the help overlay lists
    ///     the mouse too (clicks are handled either way).
    ///   - signals: SIGHUP (reload) and SIGINT/SIGTERM (quit), polled every step.
    public init(backend: any TerminalBackend, host: any EngineLink, clock: HostClock, themes: [Theme],
                state: DashboardState = DashboardState(), mouse: Bool = false, signals: (any DashboardSignalSource)? = nil) {
        self.mouse = mouse
        self.backend = backend
        self.host = host
        self.clock = clock
        self.signals = signals
        self.themes = themes.isEmpty ? [Theme.builtInDefault] : themes.map { $0.degraded(to: backend.colorDepth) }
        var state = state
        state.themeNames = self.themes.map(\.name)
        state.themeIndex = min(state.themeIndex, self.themes.count - 1)
        self.state = state
        self.buffer = ScreenBuffer(width: backend.size.width, height: backend.size.height)
    }

    public var theme: Theme { themes[state.themeIndex] }

    /// Runs until `q`, a terminating signal, or the terminal going away.
    public func run() {
        var instantTimeouts = 0
        while running {
            let started = clock.monotonic()
            let keyRead = step(timeoutMs: 100)
            // A live terminal makes readKey wait for its timeout. When the terminal is gone (the tmux
            // pane or ssh session closed), it returns at once forever: stop instead of spinning.
            if !keyRead && clock.monotonic() - started < 0.01 {
                instantTimeouts += 1
                if instantTimeouts >= 50 { running = false }
            } else {
                instantTimeouts = 0
            }
        }
    }

    /// Whether the loop stopped because the terminal went away rather than by `q` or a signal.
    public var terminalLost: Bool { !running && !quitRequested }

    /// One iteration: wait up to `timeoutMs` for a key, take in what else happened, redraw if needed.
    /// - Returns: whether a key was read.
    @discardableResult
    public func step(timeoutMs: Int) -> Bool {
        let key = backend.readKey(timeoutMs: timeoutMs)
        if let key {
            switch key {
            case .resize: dispatch(.resize(backend.size))
            case .mouse(let x, let y, let button): dispatch(.mouse(x: x, y: y, button: button))
            default: dispatch(.key(key))
            }
        }
        let p = host.published
        if p.generation != lastGeneration {
            lastGeneration = p.generation
            dispatch(.published(p))
        }
        for signal in signals?.take() ?? [] { dispatch(.signal(signal)) }
        let now = clock.wall()
        if Int(now.rounded(.down)) != lastSecond {
            lastSecond = Int(now.rounded(.down))
            dispatch(.tick(now: now))
        }
        if dirty, running { redraw() }
        return key != nil
    }

    /// Reduces one event and carries out its effects.
    public func dispatch(_ event: DashboardEvent) {
        dirty = true
        for effect in state.reduce(event) {
            switch effect {
            case .send(let command): host.send(command)
            case .bell: backend.bell()
            case .quit:
                quitRequested = true
                running = false
            case .theme:
                // `state.themeIndex` already names it; the next frame draws with it.
                break
            }
        }
    }

    private func redraw() {
        let size = backend.size
        if buffer.width != size.width || buffer.height != size.height {
            buffer = ScreenBuffer(width: size.width, height: size.height)
        }
        let renderer = DashboardRenderer(theme: theme, keyMap: mouse ? DashboardKeys.mapWithMouse : DashboardKeys.map)
        state.lastLayout = renderer.render(state.live, state: state, into: &buffer, now: state.now)
        backend.flush(buffer)
        dirty = false
    }
}
