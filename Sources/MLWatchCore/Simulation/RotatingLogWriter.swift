import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends lines to a log file and rotates it by rename when it grows past a size, as logrotate does:
/// `predictions.jsonl` becomes `predictions.jsonl.1`, the old `.1` becomes `.2`, … up to `keep` old
/// files (the oldest is deleted), and a new empty `predictions.jsonl` is created.
public final class RotatingLogWriter {
    public let path: String
    /// Rotate once the file reaches this many bytes (nil: never).
    public let rotateAt: Int?
    /// How many rotated files to keep.
    public let keep: Int
    public private(set) var size = 0
    public private(set) var rotations = 0
    private var fd: Int32 = -1

    public init(path: String, rotateAt: Int? = nil, keep: Int = 5) throws(SimulationError) {
        self.path = path
        self.rotateAt = rotateAt
        self.keep = max(1, keep)
        try openFile()
    }

    deinit { close() }

    private func openFile() throws(SimulationError) {
        fd = systemOpen(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cannotWrite(path, String(cString: strerror(errno))) }
        size = Posix.fstat(fd).map { Int($0.size) } ?? 0
    }

    public func close() {
        if fd >= 0 { _ = systemClose(fd) }
        fd = -1
    }

    /// Writes the lines (each followed by a newline) in one `write`, rotating first when the file is full.
    public func write(_ lines: [String]) throws(SimulationError) {
        guard !lines.isEmpty else { return }
        if let rotateAt, size >= rotateAt { try rotate() }
        var text = lines.joined(separator: "\n")
        text += "\n"
        let ok = text.withUTF8 { buf -> Bool in
            var done = 0
            while done < buf.count {
                let n = systemWrite(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                done += n
            }
            return true
        }
        guard ok else { throw .cannotWrite(path, String(cString: strerror(errno))) }
        size += text.utf8.count
    }

    /// Renames the file to `.1` (shifting older ones) and starts a new one.
    public func rotate() throws(SimulationError) {
        close()
        let fm = FileManager.default
        try? fm.removeItem(atPath: "\(path).\(keep)")
        if keep > 1 {
            for k in stride(from: keep - 1, through: 1, by: -1) where fm.fileExists(atPath: "\(path).\(k)") {
                _ = systemRename("\(path).\(k)", "\(path).\(k + 1)")
            }
        }
        guard systemRename(path, "\(path).1") == 0 else {
            throw .cannotWrite(path, "rename to \(path).1: " + String(cString: strerror(errno)))
        }
        rotations += 1
        try openFile()
    }
}

/// Why a simulation cannot run.
public enum SimulationError: Error, CustomStringConvertible, Equatable {
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case .cannotWrite(let path, let why): return "cannot write \(path): \(why)"
        }
    }
}

// Free functions, so the class's `close()` does not shadow the system calls.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buf, count) }
private func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
