#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, `errno`-aware wrappers over the system calls the tailer uses, so the rest of the code
/// reads as Swift and retries `EINTR` in one place.
enum Posix {
    struct FileStat: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var isRegular: Bool
        var isDirectory: Bool
        /// Hard links; 0 once an open file was deleted.
        var links: UInt64
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func stat(path: String) -> Result<FileStat, Errno> {
        var st = SystemStat()
        if systemStat(path, &st) != 0 { return .failure(Errno(errno)) }
        return .success(make(st))
    }

    static func fstat(_ fd: Int32) -> FileStat? {
        var st = SystemStat()
        if systemFstat(fd, &st) != 0 { return nil }
        return make(st)
    }

    private static func make(_ st: SystemStat) -> FileStat {
        let type = st.st_mode & S_IFMT
        return FileStat(
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
            isRegular: type == S_IFREG, isDirectory: type == S_IFDIR, links: UInt64(st.st_nlink))
    }

    /// Opens read-only, close-on-exec (the tailer never hands its descriptors to children) and
    /// non-blocking: opening a FIFO that no one writes to would otherwise block the tailer's thread, and
    /// with it a stop on SIGTERM, until a writer appears. (Reads of regular files ignore O_NONBLOCK; other
    /// file types are refused after `fstat`.)
    static func openRead(_ path: String) -> Result<Int32, Errno> {
        while true {
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            if fd >= 0 { return .success(fd) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    /// `pread` retrying `EINTR`; returns bytes read, 0 at end of file, or the error.
    static func pread(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Result<Int, Errno> {
        while true {
            let n = Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return .success(n) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    /// `read` retrying `EINTR` (for pipes and stdin, which have no offsets).
    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return .success(n) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    /// Whether `fd` has data (or EOF/hang-up) to read right now, without blocking.
    static func isReadable(_ fd: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let r = Glibc.poll(&p, 1, 0)
        return r > 0 && (p.revents & Int16(POLLIN | POLLHUP | POLLERR)) != 0
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// The directory part of a path (`"."` for a bare name), as `dirname(1)` would print it.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }
}

// At file scope, outside `Posix` whose own `stat` would shadow them.
private typealias SystemStat = stat
private func systemStat(_ path: String, _ st: inout SystemStat) -> Int32 { stat(path, &st) }
private func systemFstat(_ fd: Int32, _ st: inout SystemStat) -> Int32 { fstat(fd, &st) }

/// An `errno` value with its message.
struct Errno: Error, Equatable {
    var code: Int32
    init(_ code: Int32) { self.code = code }
    var message: String { Posix.errorText(code) }
}
