import ArgumentParser
import Foundation
import MLWatchCore
import MLWatchTerminal
import MLWatchUI

/// The dashboard on the real terminal, for any engine link (a live or replay `EngineHost`, a fleet read
/// from Prometheus): opens ncurses (exit 2 with the reason when it cannot), runs `DashboardLoop` until `q`,
/// SIGINT or SIGTERM, and restores the terminal on every exit path. What differs between commands — what
/// to start once the terminal is open, what to stop after it is restored — is the caller's.
struct TerminalDashboard {
    let host: any EngineLink
    let themes: [Theme]
    let state: DashboardState
    let mouse: Bool

    /// - Parameters:
    ///   - start: runs once the terminal is open, before the loop (start the host, the tailer).
    ///   - stop: runs after the terminal is restored (stop the host and what feeds it). After SIGINT/SIGTERM
    ///     it is bounded by `ExitDeadline`.
    /// - Throws: `ExitCode(2)` when the terminal cannot be opened; the signal's exit status after SIGINT/SIGTERM.
    func run(start: () -> Void, stop: () -> Void) throws {
        let session = TerminalSession(signals: [SIGINT, SIGTERM])
        let signals = RunnerSignals(session: session)
        let terminal: NCursesTerminal
        do {
            terminal = try NCursesTerminal(enableMouse: mouse)
        } catch {
            session.cancel()
            signals.cancel()
            Console.error("mlwatch: \(error)\n")
            throw ExitCode(2)
        }
        start()
        let loop = DashboardLoop(backend: terminal, host: host, clock: .system, themes: themes, state: state, mouse: mouse,
                                 signals: signals)
        loop.run()
        // After SIGINT/SIGTERM the rest of the shutdown is bounded too (the terminal is restored first).
        if let status = session.exitStatus { ExitDeadline.arm(status: status, command: "mlwatch") }
        terminal.shutdown()
        session.cancel()
        signals.cancel()
        stop()
        if let status = session.exitStatus { throw ExitCode(status) }
    }
}
