import Foundation
import MLWatchCore

/// The UI thread's loop: read a key (with a short timeout), apply it, and redraw only when the snapshot,
/// the UI state or the clock's second changed; flush sends only changed cells. Runs against any
/// `TerminalBackend`, so tests drive it with `InMemoryTerminal`.
public final class DashboardLoop {
    /// Where snapshots and commands go; the CLI wires these to a `Collector` (or a replay source).
    public struct Hooks {
        /// The newest snapshot and its generation number (redraw when the number changes).
        public var snapshot: () -> (generation: Int, snapshot: Snapshot)
        /// Carries out a command; returns a message for the footer.
        public var perform: (DashboardCommand) -> String?
        /// Transitions that should ring the bell since the last call.
        public var notifications: () -> [AlertTransition]
        /// True when the process was asked to stop (SIGINT/SIGTERM).
        public var shouldExit: () -> Bool
        /// Keys the loop does not handle itself (replay controls); returns true when consumed. Not called
        /// while help or a prompt (filter, note, threshold, snooze menu) takes the keys.
        public var extraKey: (Key) -> Bool
        /// Called before each redraw to adjust the UI state from outside (replay: `modeLabel`,
        /// `replayStatus`, `message`); keep it cheap, it runs on the UI thread.
        public var decorate: (inout DashboardState) -> Void

        public init(
            snapshot: @escaping () -> (generation: Int, snapshot: Snapshot),
            perform: @escaping (DashboardCommand) -> String?,
            notifications: @escaping () -> [AlertTransition] = { [] },
            shouldExit: @escaping () -> Bool = { false },
            extraKey: @escaping (Key) -> Bool = { _ in false },
            decorate: @escaping (inout DashboardState) -> Void = { _ in }
        ) {
            self.snapshot = snapshot
            self.perform = perform
            self.notifications = notifications
            self.shouldExit = shouldExit
            self.extraKey = extraKey
            self.decorate = decorate
        }
    }

    public var state: DashboardState
    public private(set) var themes: [Theme]
    public private(set) var themeIndex = 0
    public var bellOnCritical: Bool
    /// Whether the backend reports mouse clicks (then the help lists what the mouse does).
    public let mouse: Bool
    private let backend: any TerminalBackend
    private let hooks: Hooks
    private var buffer: ScreenBuffer
    private var lastGeneration = -1
    private var lastSecond = -1
    private var dirty = true
    private var running = true

    /// - Parameter mouse: pass true when `backend` was started with mouse reporting, so that the help
    ///   overlay lists the mouse too (clicks are handled either way).
    public init(backend: any TerminalBackend, themes: [Theme], state: DashboardState = DashboardState(),
                bellOnCritical: Bool = true, mouse: Bool = false, hooks: Hooks) {
        self.mouse = mouse
        self.backend = backend
        self.themes = themes.isEmpty ? [Theme.builtInDefault] : themes.map { $0.degraded(to: backend.colorDepth) }
        self.state = state
        self.bellOnCritical = bellOnCritical
        self.hooks = hooks
        self.buffer = ScreenBuffer(width: backend.size.width, height: backend.size.height)
    }

    public var theme: Theme { themes[themeIndex] }

    /// Runs until `q` or `shouldExit`.
    public func run() {
        var instantTimeouts = 0
        while running && !hooks.shouldExit() {
            let started = Date()
            let keyRead = step(timeoutMs: 100)
            // A live terminal makes readKey wait for its timeout. When the terminal is gone (the tmux
            // pane or ssh session closed), it returns at once forever: stop instead of spinning.
            if !keyRead && Date().timeIntervalSince(started) < 0.01 {
                instantTimeouts += 1
                if instantTimeouts >= 50 { running = false }
            } else {
                instantTimeouts = 0
            }
        }
    }

    /// Whether the loop stopped because the terminal went away rather than by `q` or a signal.
    public var terminalLost: Bool { !running && !quitRequested }
    private var quitRequested = false

    /// One iteration: wait up to `timeoutMs` for a key, then redraw if anything changed.
    /// - Returns: whether a key was read.
    @discardableResult
    public func step(timeoutMs: Int) -> Bool {
        let key = backend.readKey(timeoutMs: timeoutMs)
        if let key {
            handle(key)
        }
        let (generation, snapshot) = hooks.snapshot()
        if generation != lastGeneration {
            lastGeneration = generation
            state.observe(snapshot)
            dirty = true
        }
        let notifications = hooks.notifications()
        if bellOnCritical, notifications.contains(where: { $0.to == .firing && $0.severity == .critical }) {
            backend.bell()
        }
        let second = Int(Date().timeIntervalSince1970)
        if second != lastSecond {
            lastSecond = second
            dirty = true
        }
        if dirty, running {
            redraw(snapshot)
        }
        return key != nil
    }

    private func handle(_ key: Key) {
        dirty = true
        if key == .resize {
            return
        }
        let prompt = state.helpVisible || state.editingFilter || state.noteDraft != nil || state.thresholdDraft != nil
            || state.snoozeMenu
        if !prompt, hooks.extraKey(key) { return }
        let (_, snapshot) = hooks.snapshot()
        for command in state.handle(key, snapshot: snapshot) {
            switch command {
            case .quit:
                quitRequested = true
                running = false
            case .cycleTheme:
                themeIndex = (themeIndex + 1) % themes.count
                state.message = "Theme: \(theme.name)"
            default:
                if let message = hooks.perform(command) { state.message = message }
            }
        }
    }

    private func redraw(_ snapshot: Snapshot) {
        let size = backend.size
        if buffer.width != size.width || buffer.height != size.height {
            buffer = ScreenBuffer(width: size.width, height: size.height)
        }
        hooks.decorate(&state)
        let renderer = DashboardRenderer(theme: theme, keyMap: mouse ? DashboardKeys.mapWithMouse : DashboardKeys.map)
        state.lastLayout = renderer.render(snapshot, state: state, into: &buffer, now: Date().timeIntervalSince1970)
        backend.flush(buffer)
        dirty = false
    }
}
