#if canImport(Glibc)
import Glibc
#endif

/// Watches directories with Linux inotify so the tailer sleeps until the kernel reports a change.
///
/// Watching the directory (not each file) sees writes to every file in it, and also creations, renames and
/// deletions, which is what following by name needs. The events themselves are only a wake-up: the tailer
/// re-examines its files (`stat`, read to EOF), so an overflowed or coalesced event queue loses nothing.
final class InotifyWatcher {
    /// The inotify descriptor (non-blocking), for a dispatch read source.
    let fd: Int32
    private var watched: [String: Int32] = [:]

    private static let mask: UInt32 = UInt32(IN_MODIFY) | UInt32(IN_CREATE) | UInt32(IN_MOVED_FROM)
        | UInt32(IN_MOVED_TO) | UInt32(IN_DELETE) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_ATTRIB)
        | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)
    /// Events after which glob matches may have changed.
    private static let namespaceMask: UInt32 = UInt32(IN_CREATE) | UInt32(IN_MOVED_TO) | UInt32(IN_MOVED_FROM)
        | UInt32(IN_DELETE) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_IGNORED) | UInt32(IN_Q_OVERFLOW)

    /// `nil` when inotify is unavailable (other systems, or the per-user limit reached): the poll still works.
    init?() {
        let fd = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.fd = fd
    }

    deinit { Posix.close(fd) }

    /// Watches `directory` if it exists and is not watched yet (safe to call on every rescan).
    func watch(_ directory: String) {
        guard watched[directory] == nil else { return }
        let wd = inotify_add_watch(fd, directory, Self.mask)
        if wd >= 0 { watched[directory] = wd }
    }

    /// Reads every pending event. Returns whether one may have changed the set of files (a glob rescan is due).
    func drain() -> Bool {
        var namespaceChanged = false
        let size = 64 * 1024
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, size)
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                break
            }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= n {
                let event = buffer.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                if event.mask & Self.namespaceMask != 0 { namespaceChanged = true }
                if event.mask & UInt32(IN_IGNORED) != 0 {
                    // The directory went away: forget it so a later rescan watches it again.
                    watched = watched.filter { $0.value != event.wd }
                }
                offset += MemoryLayout<inotify_event>.size + Int(event.len)
            }
        }
        return namespaceChanged
    }
}
