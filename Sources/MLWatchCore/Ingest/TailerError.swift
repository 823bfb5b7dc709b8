import Foundation

/// Errors of ``LogTailer``, with messages a user can act on.
public enum TailerError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A file named explicitly (not a glob) does not exist, in a mode that reads to the end once.
    case fileNotFound(String)
    /// A glob matches no file, in a mode that reads to the end once.
    case noMatch(String)
    /// The file exists but cannot be opened (permissions).
    case permissionDenied(String)
    /// The path names a directory or something else that is not a readable file.
    case notARegularFile(String)
    /// `read(2)` failed.
    case readFailed(path: String, reason: String)
    /// A `.gz` file is corrupt or truncated (lines decoded before the damage were delivered).
    case gzipCorrupt(path: String, reason: String)
    /// The checkpoint file exists but cannot be read or decoded.
    case checkpointUnreadable(path: String, reason: String)
    /// The checkpoint could not be written.
    case checkpointWriteFailed(path: String, reason: String)
    /// The options make no sense (for example a zero line limit).
    case invalidOptions(String)
    /// `start` or `readToEnd` was called on a tailer that already ran.
    case alreadyStarted

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such file (check the path, or use `watch` to wait for it to appear)"
        case .noMatch(let pattern):
            return "\(pattern): no file matches this pattern (check the directory and the quoting of the glob)"
        case .permissionDenied(let path):
            return "\(path): permission denied (the user running mlwatch needs read access)"
        case .notARegularFile(let path):
            return "\(path): not a regular file (give a log file or a glob such as \"\(path)/*.jsonl\")"
        case .readFailed(let path, let reason):
            return "\(path): read failed: \(reason)"
        case .gzipCorrupt(let path, let reason):
            return "\(path): corrupt or truncated gzip file: \(reason)"
        case .checkpointUnreadable(let path, let reason):
            return "checkpoint \(path) cannot be read: \(reason) (delete it to start over)"
        case .checkpointWriteFailed(let path, let reason):
            return "checkpoint \(path) cannot be written: \(reason)"
        case .invalidOptions(let message):
            return "invalid tailer options: \(message)"
        case .alreadyStarted:
            return "the tailer was already started; create a new LogTailer"
        }
    }

    public var errorDescription: String? { description }
}
