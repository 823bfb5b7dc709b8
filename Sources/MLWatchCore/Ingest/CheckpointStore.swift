import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Loads and atomically saves a ``Checkpoint`` as JSON.
///
/// Saving writes a temporary file in the same directory, `fsync`s it, renames it over the checkpoint and
/// `fsync`s the directory: a crash at any point leaves either the old or the new checkpoint, never a torn one.
struct CheckpointStore: Sendable {
    let path: String

    /// Most entries a checkpoint keeps (the followed files and the recently retired ones).
    static let maxEntries = 100_000

    /// The saved checkpoint, or `nil` when there is none yet, with what was wrong in it (see `decode`).
    func load() throws(TailerError) -> (checkpoint: Checkpoint, warnings: [String])? {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            if case .failure(let e) = Posix.stat(path: path), e.code == ENOENT { return nil }
            throw .checkpointUnreadable(path: path, reason: "\(error.localizedDescription)")
        }
        return try Self.decode(data, path: path)
    }

    /// Decodes checkpoint JSON and checks every entry before a follower seeks to it. An entry that cannot
    /// be a position in a file (a negative offset, a fingerprint longer than the tailer ever takes, an
    /// empty path) is dropped with a warning: that file is then read from its start, as a file the
    /// checkpoint does not know, and the next save records a valid position. A checkpoint that is not
    /// JSON of the right version is an error (delete it to start over).
    static func decode(_ data: Data, path: String) throws(TailerError) -> (checkpoint: Checkpoint, warnings: [String]) {
        var checkpoint: Checkpoint
        do {
            checkpoint = try JSONDecoder().decode(Checkpoint.self, from: data)
        } catch {
            throw .checkpointUnreadable(path: path, reason: "invalid JSON (\(error))")
        }
        guard checkpoint.version == Checkpoint.currentVersion else {
            throw .checkpointUnreadable(path: path, reason: "unsupported version \(checkpoint.version)")
        }
        var warnings: [String] = []
        if checkpoint.files.count > maxEntries {
            warnings.append("checkpoint \(path): \(checkpoint.files.count) entries, over the limit of \(maxEntries); the first ones are ignored")
            checkpoint.files.removeFirst(checkpoint.files.count - maxEntries)
        }
        var valid: [Checkpoint.Entry] = []
        var seen = Set<FileIdentityKey>()
        // Later entries are newer: keep the last one of each file.
        for entry in checkpoint.files.reversed() {
            if let problem = problem(of: entry) {
                let name = TextSanitizer.sanitize(String(entry.path.prefix(200)))
                warnings.append("checkpoint \(path): the entry for \(name.isEmpty ? "a file" : name) is ignored (\(problem)); the file is read from its start")
                continue
            }
            if seen.insert(FileIdentityKey(device: entry.device, inode: entry.inode)).inserted { valid.append(entry) }
        }
        checkpoint.files = valid.reversed()
        return (checkpoint, warnings.reversed())
    }

    /// Why an entry cannot be resumed from; nil when it can.
    private static func problem(of entry: Checkpoint.Entry) -> String? {
        if entry.offset < 0 { return "offset \(entry.offset) is negative" }
        if !(0...Fingerprint.maxLength).contains(entry.fingerprint.length) {
            return "fingerprint length \(entry.fingerprint.length) is not between 0 and \(Fingerprint.maxLength)"
        }
        if entry.path.isEmpty || entry.path.utf8.contains(0) { return "its path is empty or holds a NUL byte" }
        return nil
    }

    private struct FileIdentityKey: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    func save(_ checkpoint: Checkpoint) throws(TailerError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(checkpoint) } catch {
            throw .checkpointWriteFailed(path: path, reason: "\(error)")
        }
        let directory = Posix.directory(of: path)
        let temp = path + ".tmp.\(getpid())"
        let fd = Glibc.open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .checkpointWriteFailed(path: path, reason: Posix.errorText(errno)) }
        var failure: String?
        data.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = Posix.errorText(errno)
                    return
                }
                written += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = Posix.errorText(errno) }
        Glibc.close(fd)
        if failure == nil, rename(temp, path) != 0 { failure = Posix.errorText(errno) }
        if let failure {
            unlink(temp)
            throw .checkpointWriteFailed(path: path, reason: failure)
        }
        // Make the rename itself durable.
        let dirFD = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            fsync(dirFD)
            Glibc.close(dirFD)
        }
    }
}
