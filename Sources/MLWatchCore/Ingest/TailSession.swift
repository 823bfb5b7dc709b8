import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// All the followers of one ``LogTailer`` and what they share: the checkpoint, the files retired by
/// rotation, and the rules that decide where a newly opened file starts.
///
/// Not thread-safe: the tailer confines it to its serial queue (live) or to the caller's thread (one-shot).
final class TailSession: FollowerDelegate {
    let options: TailerOptions
    let resolver: GlobResolver
    let store: CheckpointStore?
    /// Live (`true`) or one-shot read-to-end (`false`).
    private(set) var live = true
    private(set) var followers: [FileFollower] = []
    /// Files no longer followed under their name (rotated away, deleted, drained) and the checkpoint's
    /// entries not yet matched: a file found again continues from here instead of from its beginning.
    private var known: [Checkpoint.Entry] = []
    /// A checkpoint existed at start: files it does not know appeared since the last run, so they are read
    /// from their beginning rather than from their end.
    private let hadCheckpoint: Bool
    /// The descriptor read for `"-"`.
    let stdinFD: Int32
    private var retiredDirty = false
    /// Checked between batches; set when a stop is requested from inside the handler.
    var stopRequested: () -> Bool = { false }
    /// What was wrong in the checkpoint read at start (entries ignored), for the user.
    private(set) var checkpointWarnings: [String] = []

    /// How many retired files to remember (a rotation scheme keeps a handful; more is history).
    private static let maxKnown = 64

    init(paths: [String], options: TailerOptions, stdinFD: Int32) throws(TailerError) {
        self.options = options
        self.resolver = GlobResolver(paths: paths)
        self.stdinFD = stdinFD
        if let checkpointPath = options.checkpointPath {
            let store = CheckpointStore(path: checkpointPath)
            self.store = store
            let loaded = try store.load()
            hadCheckpoint = loaded != nil
            known = loaded?.checkpoint.files ?? []
            checkpointWarnings = loaded?.warnings ?? []
        } else {
            store = nil
            hadCheckpoint = false
        }
    }

    var shouldContinue: Bool { !stopRequested() }

    var statuses: [SourceStatus] { followers.map(\.status) }

    // MARK: Setting up

    /// Resolves the sources and opens what exists. In one-shot mode a source that cannot be read is an error.
    func setUp(live: Bool) throws(TailerError) {
        self.live = live
        var paths: [(String, Bool)] = []
        for pattern in resolver.patterns {
            switch pattern {
            case .stdin:
                followers.append(makeFollower(path: "-", explicit: true, streamFD: stdinFD))
            case .file(let path):
                paths.append((path, true))
            case .glob(let glob):
                let matches = GlobResolver.expand(glob)
                if matches.isEmpty && !live { throw .noMatch(glob) }
                paths += matches.map { ($0, false) }
            }
        }
        var seen = Set<String>()
        paths = paths.filter { seen.insert($0.0).inserted }
        for (path, explicit) in paths {
            if let renamed = renamedWhileDown(path: path, allPaths: seen) {
                // Rotated while mlwatch was down: finish the old file (now under another name) first.
                let drain = makeFollower(path: renamed, explicit: false, drainOnly: true)
                followers.append(drain)
                _ = drain.open(firstOpen: true, delegate: self)
            }
            let follower = makeFollower(path: path, explicit: explicit)
            followers.append(follower)
            let result = follower.open(firstOpen: true, delegate: self)
            if !live {
                switch result {
                case .missing where explicit: throw .fileNotFound(path)
                case .failed(let error): throw error
                default: break
                }
            }
        }
    }

    private func makeFollower(path: String, explicit: Bool, drainOnly: Bool = false, streamFD: Int32? = nil) -> FileFollower {
        FileFollower(
            path: path, explicit: explicit, drainOnly: drainOnly, streamFD: streamFD,
            maxLineBytes: options.maxLineBytes, chunkBytes: options.readChunkBytes)
    }

    /// The checkpoint knows `path` as another file than the one there now: look for that file under another
    /// name in the same directory (same device, inode and fingerprint), unless a glob already covers it.
    private func renamedWhileDown(path: String, allPaths: Set<String>) -> String? {
        guard hadCheckpoint, case .success(let now) = Posix.stat(path: path) else { return nil }
        guard let old = known.last(where: { $0.path == path && !($0.device == now.device && $0.inode == now.inode) })
        else { return nil }
        let directory = Posix.directory(of: path)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        for name in names.sorted() {
            let candidate = directory == "." && !path.hasPrefix("./") ? name : directory + "/" + name
            guard candidate != path, !allPaths.contains(candidate),
                case .success(let st) = Posix.stat(path: candidate), st.isRegular,
                st.device == old.device, st.inode == old.inode
            else { continue }
            guard case .success(let fd) = Posix.openRead(candidate) else { continue }
            defer { Posix.close(fd) }
            if old.fingerprint.matches(fd: fd) { return candidate }
        }
        return nil
    }

    // MARK: FollowerDelegate

    func startPosition(for follower: FileFollower, identity: FileIdentity, fd: Int32, isGzip: Bool, firstOpen: Bool) -> FileFollower.StartPosition {
        // Still open under another name (a glob matched the rotated name before the old name's follower saw the
        // rename): wait until that follower retires it, then continue from its position.
        if followers.contains(where: {
            $0 !== follower && $0.isOpen && $0.identity?.device == identity.device && $0.identity?.inode == identity.inode
        }) {
            return .deferOpen
        }
        if let index = known.lastIndex(where: { $0.identity.isSameFile(asCurrent: identity, fd: fd) }) {
            let entry = known.remove(at: index)
            retiredDirty = true
            return .offset(entry.offset)
        }
        if isGzip && live {
            // Compressed files are history: read them once at start when asked to, never follow them
            // (a new .gz is usually a compressed rotation of lines already read).
            return firstOpen && options.fromStart && !hadCheckpoint ? .beginning : .skip
        }
        if !firstOpen || !live || hadCheckpoint || options.fromStart { return .beginning }
        return .end
    }

    func retire(path: String, identity: FileIdentity, offset: Int64, gzip: Bool) {
        known.removeAll { $0.device == identity.device && $0.inode == identity.inode }
        known.append(Checkpoint.Entry(path: path, identity: identity, offset: offset, gzip: gzip))
        if known.count > Self.maxKnown { known.removeFirst(known.count - Self.maxKnown) }
        retiredDirty = true
    }

    // MARK: Reading

    /// One live pass over every source: read what is new, then react to renames, truncations and deletions.
    /// - Returns: whether anything was read, and whether some source has more to read right away.
    func pollAll(deliver: FileFollower.Deliver) -> (progressed: Bool, more: Bool) {
        var progressed = false
        var more = false
        var reopen: [FileFollower] = []
        for follower in followers where !follower.done {
            guard shouldContinue else { return (progressed, false) }
            let read = follower.readAvailable(maxChunks: 16, blocking: false, delegate: self, deliver: deliver)
            progressed = progressed || read.progressed
            if read.more {
                more = true
                continue
            }
            if follower.drainOnly {
                follower.finishDrain(delegate: self)
                continue
            }
            switch follower.checkPath(delegate: self, deliver: deliver) {
            case .unchanged: break
            case .reopen: reopen.append(follower)
            case .truncated: more = true
            }
        }
        // Opened after every follower had its look, so a file renamed from one followed name to another is
        // retired by the first before the second opens it (and continues at its position).
        for follower in reopen where shouldContinue {
            if follower.open(firstOpen: false, delegate: self) == .opened {
                let read = follower.readAvailable(maxChunks: 16, blocking: false, delegate: self, deliver: deliver)
                progressed = true
                more = more || read.more
            }
        }
        return (progressed, more)
    }

    /// Adds followers for new glob matches (always read from their beginning, or a known position).
    func rescan(deliver: FileFollower.Deliver) -> Bool {
        guard resolver.hasGlobs else { return false }
        var progressed = false
        let existing = Set(followers.map(\.path))
        for path in resolver.globMatches() where !existing.contains(path) && shouldContinue {
            let follower = makeFollower(path: path, explicit: false)
            followers.append(follower)
            if follower.open(firstOpen: false, delegate: self) == .opened {
                follower.readAvailable(maxChunks: 16, blocking: false, delegate: self, deliver: deliver)
                progressed = true
            }
        }
        return progressed
    }

    /// One-shot: every source from its start (or checkpoint) to its very end, including a final unterminated line.
    /// - Throws: the first read error, after reading every other source.
    func readAll(deliver: FileFollower.Deliver) throws(TailerError) {
        var firstError: TailerError?
        for follower in followers where !follower.done {
            guard shouldContinue else { break }
            follower.readAvailable(maxChunks: .max, blocking: true, delegate: self, deliver: deliver)
            follower.finishAtEndOfInput(deliver: deliver)
            if firstError == nil, let error = follower.lastError { firstError = error }
        }
        if let firstError { throw firstError }
    }

    // MARK: Checkpoint

    var checkpointDirty: Bool { retiredDirty || followers.contains { $0.dirty } }

    func makeCheckpoint() -> Checkpoint {
        var entries = followers.compactMap { $0.checkpointEntry() }
        let active = Set(entries.map { "\($0.device):\($0.inode)" })
        entries = known.filter { !active.contains("\($0.device):\($0.inode)") } + entries
        return Checkpoint(files: entries)
    }

    /// Writes the checkpoint if one is configured.
    func saveCheckpoint() throws(TailerError) {
        guard let store else { return }
        try store.save(makeCheckpoint())
        for follower in followers { follower.dirty = false }
        retiredDirty = false
    }
}
