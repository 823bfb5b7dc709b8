import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// When a child process ended, as the kernel sees it.
///
/// Foundation's `Process.isRunning` turns false only after a chain of its own threads noticed the exit (a
/// socket select thread, then its run loop, then `waitpid`), each a wake-up a loaded machine delays; a test
/// that times how fast a command stops measured those delays too. `waitid(…, WNOWAIT)` sees the child as a
/// zombie the moment it ends, and leaves reaping to Foundation (so `Process` still reports its status).
public enum ChildExit {
    /// Whether `process` has ended (it may not be reaped yet).
    public static func hasEnded(_ process: Process) -> Bool {
        var info = siginfo_t()
        let r = waitid(P_PID, id_t(process.processIdentifier), &info, WEXITED | WNOHANG | WNOWAIT)
        // ECHILD: Foundation reaped it already. Otherwise a zombie fills in the pid, a running child leaves 0.
        if r != 0 { return errno == ECHILD || !process.isRunning }
        return info._sifields._sigchld.si_pid == process.processIdentifier
    }

    /// Waits (polling every 5 ms) until `process` ends or `seconds` pass; returns the seconds since `since`
    /// at which it was seen ended, nil if it outlived the wait.
    public static func wait(for process: Process, since: ContinuousClock.Instant, seconds: Double) -> Double? {
        let limit = since + .milliseconds(Int64(seconds * 1000))
        while !hasEnded(process) {
            if ContinuousClock.now > limit { return nil }
            usleep(5000)
        }
        return (ContinuousClock.now - since) / .seconds(1)
    }
}
