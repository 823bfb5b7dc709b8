import Dispatch
import Foundation
import Synchronization

/// Makes every exit path restore the terminal: SIGINT/SIGTERM/SIGHUP become a flag the UI loop polls,
/// and crashes reset the terminal before the process dies.
///
/// ncurses may only be called from the UI thread, so a signal never calls `endwin` itself. Instead:
/// 1. the signal is turned into a `DispatchSource` event (the default action is ignored, so the
///    process keeps running) that records it in `receivedSignal`;
/// 2. the UI loop, which reads keys with a timeout, sees `shouldExit`, leaves its loop and calls
///    `NCursesTerminal.shutdown()` (`endwin`) on its own thread;
/// 3. as a last resort, when ncurses is still running `gracePeriod` after the signal (the loop is stuck), or
///    the same signal arrives a second time (the user presses Ctrl+C again), the terminal modes are
///    restored with async-signal-safe calls and the process exits with status 128 + signal.
///
/// `installCrashHandlers()` covers SIGSEGV, SIGBUS, SIGILL, SIGTRAP (Swift runtime traps), SIGFPE and
/// SIGABRT the same async-signal-safe way, then re-raises the signal so the crash is still reported.
///
/// ```swift
/// let session = TerminalSession()
/// let terminal = try NCursesTerminal()
/// defer { terminal.shutdown(); session.cancel() }
/// while !session.shouldExit { … terminal.readKey(timeoutMs: 100) … }
/// ```
public final class TerminalSession: Sendable {
    private let sources: Mutex<[any DispatchSourceSignal]>
    private let queue = DispatchQueue(label: "mlwatch.signals")

    /// Starts listening for `signals`.
    /// - Parameters:
    ///   - gracePeriod: how long the UI loop may take to exit after a signal before the terminal is
    ///     restored from the signal queue and the process exits.
    ///   - installCrashHandlers: also call `TerminalSession.installCrashHandlers()`.
    public init(
        signals: [Int32] = [SIGINT, SIGTERM, SIGHUP], gracePeriod: Duration = .seconds(2),
        installCrashHandlers: Bool = true
    ) {
        let box = SignalBox()
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            signal(number, SIG_IGN)  // let the dispatch source see it instead of the default action
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { @Sendable [box] in
                box.received(number, gracePeriod: gracePeriod)
            }
            source.resume()
            sources.append(source)
        }
        self.sources = Mutex(sources)
        self.box = box
        if installCrashHandlers { TerminalSession.installCrashHandlers() }
    }

    private let box: SignalBox

    /// The first signal received (SIGINT, SIGTERM, SIGHUP), or nil.
    public var receivedSignal: Int32? {
        let number = box.first.load(ordering: .acquiring)
        return number == 0 ? nil : number
    }

    /// True once a termination signal arrived: leave the UI loop and shut the terminal down.
    public var shouldExit: Bool { receivedSignal != nil }

    /// Exit status a process should use after leaving because of `receivedSignal` (128 + signal).
    public var exitStatus: Int32? { receivedSignal.map { 128 + $0 } }

    /// Stops listening and restores the default signal actions. Call after the terminal was shut down.
    public func cancel() {
        sources.withLock { sources in
            for source in sources {
                source.cancel()
                signal(Int32(source.handle), SIG_DFL)
            }
            sources.removeAll()
        }
        box.cancelled.store(true, ordering: .releasing)
    }

    /// Installs handlers that restore the terminal (async-signal-safe) on crash signals, then hand
    /// the signal on to whatever handler was there before (Swift's backtracer prints its crash report,
    /// now readable on a restored terminal) or to the default action. Idempotent.
    public static func installCrashHandlers() {
        guard !crashHandlersInstalled else { return }
        crashHandlersInstalled = true
        for number in crashSignals {
            var action = sigaction()
            let handler: @convention(c) (Int32) -> Void = { signalNumber in
                TerminalRestore.restoreAsyncSignalSafe()
                // Re-install the previous action; the signal is re-delivered after this returns
                // (raised, or the faulting instruction runs again).
                if let index = TerminalSession.crashSignals.firstIndex(of: signalNumber) {
                    withUnsafeMutablePointer(to: &TerminalSession.previousActions[index]) { previous in
                        _ = sigaction(signalNumber, previous, nil)
                    }
                }
                raise(signalNumber)
            }
            #if os(Linux)
            action.__sigaction_handler.sa_handler = handler
            #else
            action.__sigaction_u.__sa_handler = handler
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            var previous = sigaction()
            sigaction(number, &action, &previous)
            previousActions.append(previous)
        }
    }

    /// Crash signals covered by `installCrashHandlers()`; `previousActions` is parallel to it.
    fileprivate static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT]
    // Written once on the installing thread before any handler can use it, then only read in handlers.
    nonisolated(unsafe) fileprivate static var previousActions: [sigaction] = []
    nonisolated(unsafe) private static var crashHandlersInstalled = false
}

/// The state the signal queue and the UI thread share (atomics only: no locks near signals).
private final class SignalBox: Sendable {
    let first = Atomic<Int32>(0)
    let cancelled = Atomic<Bool>(false)

    /// Runs on the signal queue (not in signal context).
    func received(_ number: Int32, gracePeriod: Duration) {
        let (exchanged, original) = first.compareExchange(expected: 0, desired: number, ordering: .acquiringAndReleasing)
        if !exchanged, original == number {
            // Second time the same signal: the user insists.
            TerminalSession.forceExit(number)
        }
        guard exchanged else { return }
        let nanoseconds = gracePeriod.components.seconds * 1_000_000_000
            + gracePeriod.components.attoseconds / 1_000_000_000
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
            // Still armed means ncurses was never shut down: the UI loop is stuck.
            if !cancelled.load(ordering: .acquiring), TerminalRestore.isArmed { TerminalSession.forceExit(number) }
        }
    }
}

extension TerminalSession {
    /// Last resort: restore the terminal without ncurses and exit with 128 + signal.
    fileprivate static func forceExit(_ number: Int32) {
        TerminalRestore.restoreAsyncSignalSafe()
        _exit(128 + number)
    }
}
