#if canImport(Glibc)
import Glibc
#endif

/// Sleeps until one of a few descriptors is readable, a timeout passes, or another thread calls ``interrupt()``:
/// `poll(2)` plus a self-pipe for the interruption.
///
/// Why not dispatch read sources: on Linux, libdispatch's epoll backend can free a source's "muxnote" while its
/// manager thread still reads it when read sources are created and cancelled on several threads at once
/// (swift-corelibs-libdispatch#949, still open). Our tests create and stop many tailers in parallel, and CI
/// crashed exactly there (signal 11 in `_dispatch_event_loop_drain`, with a cancelled inotify source's
/// descriptor being closed on another thread). A `poll` on a thread of the tailer's own shares no state with
/// anything else, and a closed descriptor can at worst make `poll` report `POLLNVAL`, never crash.
///
/// Thread safety: ``wait(for:timeout:)`` from one thread at a time; ``interrupt()`` from any thread.
final class DescriptorPoller: @unchecked Sendable {
    /// The self-pipe's ends (non-blocking, close-on-exec), -1 when the system refused a pipe (descriptor limit
    /// reached): `poll` ignores a negative descriptor, so waits then end only on data or their timeout, which
    /// stays correct, only slower to stop.
    private let readEnd: Int32
    private let writeEnd: Int32

    init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for fd in ends {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        if readEnd >= 0 { Posix.close(readEnd) }
        if writeEnd >= 0 { Posix.close(writeEnd) }
    }

    /// Wakes a ``wait(for:timeout:)`` in progress, or makes the next one return at once.
    func interrupt() {
        guard writeEnd >= 0 else { return }
        var one: UInt8 = 1
        // A full pipe (EAGAIN) already holds a wake-up.
        _ = Glibc.write(writeEnd, &one, 1)
    }

    /// Blocks until a descriptor of `descriptors` is readable (or hung up), `timeout` passes, or ``interrupt()``
    /// is called. Returns the descriptors that are ready (empty after a timeout or an interruption).
    func wait(for descriptors: [Int32], timeout: Duration) -> Set<Int32> {
        var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        fds.append(pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0))
        let (seconds, attoseconds) = timeout.components
        let milliseconds = max(0, min(Int64(Int32.max), seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000))
        var ready = Set<Int32>()
        let n = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), Int32(milliseconds)) }
        guard n > 0 else { return ready }
        let readyMask = Int16(POLLIN) | Int16(POLLHUP) | Int16(POLLERR)
        for entry in fds.dropLast() where entry.revents & readyMask != 0 { ready.insert(entry.fd) }
        if fds[fds.count - 1].revents != 0 {
            var drain = [UInt8](repeating: 0, count: 64)
            while Glibc.read(readEnd, &drain, drain.count) > 0 {}
        }
        return ready
    }
}
