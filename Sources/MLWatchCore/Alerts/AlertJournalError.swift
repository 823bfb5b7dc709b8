/// Why the alert journal could not be opened, read or written.
public enum AlertJournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory for the journal file could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// The database file could not be opened (permissions, not a SQLite file, locked by another program).
    case cannotOpen(path: String, reason: String)
    /// The schema could not be created or upgraded.
    case migrationFailed(path: String, reason: String)
    /// A record could not be written.
    case writeFailed(reason: String)
    /// Records could not be read.
    case readFailed(reason: String)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason):
            return "cannot create the journal directory \(path): \(reason) (set XDG_STATE_HOME or pass another --journal path)"
        case .cannotOpen(let path, let reason):
            return "cannot open the alert journal \(path): \(reason) (check permissions, or move the file aside to start a new journal)"
        case .migrationFailed(let path, let reason):
            return "cannot prepare the alert journal \(path): \(reason) (a newer mlwatch may have written it; move it aside to start a new one)"
        case .writeFailed(let reason):
            return "cannot write to the alert journal: \(reason) (is the disk full or the file read-only?)"
        case .readFailed(let reason):
            return "cannot read the alert journal: \(reason)"
        }
    }
}
