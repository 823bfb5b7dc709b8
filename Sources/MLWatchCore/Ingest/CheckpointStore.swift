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

    /// The saved checkpoint, or `nil` when there is none yet.
    func load() throws(TailerError) -> Checkpoint? {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            if case .failure(let e) = Posix.stat(path: path), e.code == ENOENT { return nil }
            throw .checkpointUnreadable(path: path, reason: "\(error.localizedDescription)")
        }
        do {
            let checkpoint = try JSONDecoder().decode(Checkpoint.self, from: data)
            guard checkpoint.version == Checkpoint.currentVersion else {
                throw TailerError.checkpointUnreadable(path: path, reason: "unsupported version \(checkpoint.version)")
            }
            return checkpoint
        } catch let error as TailerError {
            throw error
        } catch {
            throw .checkpointUnreadable(path: path, reason: "invalid JSON (\(error))")
        }
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
