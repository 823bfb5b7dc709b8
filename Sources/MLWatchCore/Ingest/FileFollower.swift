#if canImport(Glibc)
import Glibc
#endif

/// What a ``FileFollower`` asks its owner (the ``TailSession``), which sees all files at once.
protocol FollowerDelegate: AnyObject {
    /// Where to start reading a file just opened: decided from the checkpoint, the files retired by
    /// rotation, and whether the file existed at start.
    func startPosition(for follower: FileFollower, identity: FileIdentity, fd: Int32, isGzip: Bool, firstOpen: Bool) -> FileFollower.StartPosition
    /// Remembers a file the follower stops reading (rotated away or deleted), with its position, so that
    /// the file found again under another name continues there instead of being read twice.
    func retire(path: String, identity: FileIdentity, offset: Int64, gzip: Bool)
    /// `false` once a stop was requested: reading loops end between two batches.
    var shouldContinue: Bool { get }
}

/// Follows one source by name: a path (through rotations, truncation, deletion) or a stream (stdin).
///
/// The follower keeps two offsets: `readOffset`, the next byte to read, and `committedOffset`, just after the
/// last line handed to the handler (what the checkpoint records). Between them lies `pending`, the partial
/// last line waiting for its newline; so a restart re-reads a partial line whole and never half of it.
/// Not thread-safe: its owner confines it to one queue (or to the caller's thread in one-shot mode).
final class FileFollower {
    /// Where to start in a newly opened file.
    enum StartPosition: Equatable {
        case beginning
        /// After the last complete line (live mode without `fromStart`).
        case end
        case offset(Int64)
        /// Do not read this file (a `.gz` seen in live mode: compressed history, not followed).
        case skip
        /// The same file is still open under another name; try again on the next poll.
        case deferOpen
    }

    /// The result of ``open(firstOpen:delegate:)``.
    enum OpenResult: Equatable {
        case opened, missing, skipped, deferred
        case failed(TailerError)
    }

    /// What ``checkPath(delegate:deliver:)`` found out about the name.
    enum PathChange: Equatable {
        case unchanged
        /// The name now points to another file (or to a file at last): open it.
        case reopen
        /// The same file was truncated or rewritten: read it again from the beginning.
        case truncated
    }

    typealias Deliver = (LineBatch) -> Void

    /// The path as matched, reported as ``LineBatch/source``.
    let path: String
    /// Named on the command line (not a glob match): a missing one-shot file is an error.
    let explicit: Bool
    /// A file found renamed by a rotation that happened while mlwatch was down: read to its end, then dropped.
    let drainOnly: Bool
    private let streamFD: Int32?

    private(set) var status: SourceStatus
    private(set) var identity: FileIdentity?
    private(set) var isGzipFile = false
    /// A source that cannot grow any more was read to its end; it is never polled again.
    private(set) var done = false
    /// Left unread on purpose (a `.gz` in live mode): nothing to record.
    private(set) var skipped = false
    /// The committed offset moved since the last checkpoint.
    var dirty = false
    private(set) var committedOffset: Int64 = 0
    /// The last error, for one-shot mode to throw.
    private(set) var lastError: TailerError?

    private var fd: Int32 = -1
    private var gzip: GzipFileReader?
    private var readOffset: Int64 = 0
    private var pending: [UInt8] = []
    private var splitter: LineSplitter
    private let maxLineBytes: Int
    /// One read buffer, reused for every read: batches are copied out of it once.
    private let scratch: UnsafeMutableRawBufferPointer

    var isStream: Bool { streamFD != nil }
    /// A file (or gzip stream) is open.
    var isOpen: Bool { fd >= 0 || gzip != nil }

    init(path: String, explicit: Bool, drainOnly: Bool = false, streamFD: Int32? = nil, maxLineBytes: Int, chunkBytes: Int) {
        self.path = path
        self.explicit = explicit
        self.drainOnly = drainOnly
        self.streamFD = streamFD
        self.maxLineBytes = maxLineBytes
        self.splitter = LineSplitter(maxLineBytes: maxLineBytes)
        self.scratch = .allocate(byteCount: chunkBytes, alignment: 16)
        self.status = SourceStatus(path: path, state: streamFD == nil ? .waiting : .following)
    }

    deinit {
        closeFile()
        scratch.deallocate()
    }

    // MARK: Opening

    /// Opens the file at ``path`` and positions it as the delegate says.
    func open(firstOpen: Bool, delegate: any FollowerDelegate) -> OpenResult {
        guard !isStream, !done else { return .skipped }
        let opened = Posix.openRead(path)
        guard case .success(let newFD) = opened else {
            if case .failure(let e) = opened {
                switch e.code {
                case ENOENT, ENOTDIR:
                    return .missing
                case EACCES, EPERM:
                    return fail(.permissionDenied(path))
                default:
                    return fail(.readFailed(path: path, reason: e.message))
                }
            }
            return .missing
        }
        guard let st = Posix.fstat(newFD), st.isRegular else {
            Posix.close(newFD)
            return fail(.notARegularFile(path))
        }
        let isGzip = GzipFileReader.isGzip(fd: newFD)
        let fingerprint = Fingerprint.read(fd: newFD) ?? Fingerprint.of(UnsafeRawBufferPointer(start: nil, count: 0))
        let newIdentity = FileIdentity(device: st.device, inode: st.inode, fingerprint: fingerprint)
        let start = delegate.startPosition(for: self, identity: newIdentity, fd: newFD, isGzip: isGzip, firstOpen: firstOpen)
        switch start {
        case .deferOpen:
            Posix.close(newFD)
            return .deferred
        case .skip:
            Posix.close(newFD)
            identity = newIdentity
            isGzipFile = isGzip
            done = true
            skipped = true
            status.state = .finished
            return .skipped
        case .beginning, .end, .offset:
            break
        }
        resetReading()
        fd = newFD
        identity = newIdentity
        isGzipFile = isGzip
        var offset: Int64
        switch start {
        case .offset(let o): offset = o
        case .end: offset = isGzip ? 0 : endOffset(size: st.size)
        default: offset = 0
        }
        if isGzip {
            do {
                let reader = try GzipFileReader(path: path)
                try reader.skip(offset)
                gzip = reader
            } catch {
                closeFile()
                return fail(error)
            }
        } else if offset > st.size {
            // The checkpoint is past the end: the file was truncated while we were away.
            offset = 0
        }
        readOffset = offset
        committedOffset = offset
        dirty = true
        status.state = .following
        return .opened
    }

    /// Just after the last newline of the file, so following starts with the next complete line and a partial
    /// last line is delivered whole once it is finished.
    private func endOffset(size: Int64) -> Int64 {
        var position = size
        let window = Int64(maxLineBytes) + 1
        let block = UnsafeMutableRawBufferPointer(rebasing: scratch[..<min(scratch.count, 64 * 1024)])
        while position > 0 && size - position < window {
            let length = Int(min(Int64(block.count), position))
            let start = position - Int64(length)
            guard case .success(let n) = Posix.pread(fd, UnsafeMutableRawBufferPointer(rebasing: block[..<length]), at: start),
                n == length
            else { return size }
            for i in stride(from: length - 1, through: 0, by: -1) where block[i] == 0x0A {
                return start + Int64(i) + 1
            }
            position = start
        }
        if position == 0 { return 0 } // only one unfinished line: deliver it once complete
        splitter.startDiscarding() // inside a line already over the limit
        return size
    }

    private func fail(_ error: TailerError) -> OpenResult {
        lastError = error
        status.state = .failed(error.description)
        return .failed(error)
    }

    private func resetReading() {
        pending = []
        splitter = LineSplitter(maxLineBytes: maxLineBytes)
        readOffset = 0
        committedOffset = 0
    }

    private func closeFile() {
        if fd >= 0 { Posix.close(fd) }
        fd = -1
        gzip?.close()
        gzip = nil
    }

    // MARK: Reading

    /// Reads what is available now, delivering one batch per chunk.
    ///
    /// - Parameters:
    ///   - maxChunks: a budget so one busy file cannot starve the others (live mode).
    ///   - blocking: read a stream until EOF even when no data is ready (one-shot mode).
    /// - Returns: whether anything was read, and whether the budget ran out before the end of the data.
    @discardableResult
    func readAvailable(maxChunks: Int, blocking: Bool, delegate: any FollowerDelegate, deliver: Deliver) -> (progressed: Bool, more: Bool) {
        guard !done else { return (false, false) }
        var progressed = false
        var chunks = 0
        while chunks < maxChunks {
            guard delegate.shouldContinue else { return (progressed, false) }
            let n: Int
            if let streamFD {
                if !blocking && !Posix.isReadable(streamFD) { return (progressed, false) }
                switch Posix.read(streamFD, scratch) {
                case .success(let got): n = got
                case .failure(let e):
                    if e.code == EAGAIN { return (progressed, false) }
                    lastError = .readFailed(path: path, reason: e.message)
                    n = 0
                }
                if n == 0 {
                    finishAtEndOfInput(deliver: deliver)
                    return (true, false)
                }
            } else if let gzip {
                do {
                    n = try gzip.read(into: scratch)
                } catch {
                    lastError = error
                    status.state = .failed(error.description)
                    finishAtEndOfInput(deliver: deliver)
                    closeFile()
                    return (true, false)
                }
                if n == 0 {
                    finishAtEndOfInput(deliver: deliver)
                    closeFile()
                    return (true, false)
                }
            } else if fd >= 0 {
                switch Posix.pread(fd, scratch, at: readOffset) {
                case .success(let got): n = got
                case .failure(let e):
                    lastError = .readFailed(path: path, reason: e.message)
                    status.state = .failed(e.message)
                    return (progressed, false)
                }
                if n == 0 { return (progressed, false) }
            } else {
                return (progressed, false)
            }
            progressed = true
            chunks += 1
            consume(count: n, deliver: deliver)
        }
        return (progressed, true)
    }

    /// Splits `scratch[..<count]` (after the carried-over partial line) and delivers the complete lines.
    private func consume(count n: Int, deliver: Deliver) {
        if status.state == .rotated { status.state = .following }
        let chunk = UnsafeRawBufferPointer(rebasing: scratch[..<n])
        let bytesStart = readOffset - Int64(pending.count) // file offset of the first byte of `bytes`
        readOffset += Int64(n)
        status.bytesRead += UInt64(n)
        var bytes = pending
        pending = []
        bytes.reserveCapacity(bytes.count + n)
        let scanFrom = bytes.count
        bytes.append(contentsOf: chunk)
        var lines: [Range<Int>] = []
        let result = bytes.withUnsafeBufferPointer { splitter.split($0, scanFrom: scanFrom, into: &lines) }
        if result.consumed == 0 && result.skipped == 0 && !splitter.discarding {
            pending = bytes // still one partial line: keep it, no copy
            return
        }
        if !splitter.discarding && result.consumed < bytes.count {
            pending = Array(bytes[result.consumed...])
        }
        bytes.removeSubrange(result.consumed...)
        if !lines.isEmpty || result.skipped > 0 {
            deliver(LineBatch(source: path, bytes: bytes, lines: lines, skippedTooLong: result.skipped, atEnd: n < scratch.count))
            status.lines += lines.count
            status.skippedTooLong += result.skipped
        }
        // The handler has processed the batch: its end is now safe to record.
        if result.consumed > 0 {
            committedOffset = bytesStart + Int64(result.consumed)
            dirty = true
        }
    }

    /// True end of input: a final unterminated line is delivered as `tail` would show it, and the source is done
    /// when it cannot grow (stream, gzip).
    func finishAtEndOfInput(deliver: Deliver) {
        if !pending.isEmpty, let range = pending.withUnsafeBufferPointer({ splitter.finalLine($0) }) {
            let bytes = pending
            pending = []
            deliver(LineBatch(source: path, bytes: bytes, lines: [range], skippedTooLong: 0))
            status.lines += 1
        }
        pending = []
        committedOffset = readOffset
        dirty = true
        if isStream || gzip != nil {
            done = true
            if case .failed = status.state {} else { status.state = .finished }
        }
    }

    // MARK: Following by name

    /// Looks at what ``path`` names now, after the open file was read to its end: rotation, truncation,
    /// deletion, or a file appearing.
    func checkPath(delegate: any FollowerDelegate, deliver: Deliver) -> PathChange {
        guard !isStream, !done, !drainOnly else { return .unchanged }
        if gzip != nil { return .unchanged }
        switch Posix.stat(path: path) {
        case .failure:
            guard fd >= 0, let id = identity else { return .unchanged }
            if let st = Posix.fstat(fd), st.links > 0 {
                // Renamed away and no new file yet (a rotation half done): keep reading the old file.
                status.state = .rotated
            } else {
                readAvailable(maxChunks: .max, blocking: false, delegate: delegate, deliver: deliver)
                closeFile()
                delegate.retire(path: path, identity: id, offset: committedOffset, gzip: isGzipFile)
                status.state = .deleted
            }
            return .unchanged
        case .success(let st):
            guard fd >= 0, let id = identity else {
                if case .failed = status.state, lastError == .notARegularFile(path), !st.isRegular { return .unchanged }
                return .reopen
            }
            if st.device != id.device || st.inode != id.inode {
                // Rename+create rotation (or delete+create): finish the old file, still open, before switching,
                // so lines written just before the rename are not lost.
                readAvailable(maxChunks: .max, blocking: false, delegate: delegate, deliver: deliver)
                closeFile()
                delegate.retire(path: path, identity: id, offset: committedOffset, gzip: isGzipFile)
                status.rotations += 1
                status.state = .rotated
                return .reopen
            }
            let size = Posix.fstat(fd)?.size ?? st.size
            if size < readOffset || (id.fingerprint.length > 0 && !id.fingerprint.matches(fd: fd)) {
                // copytruncate: the same inode shrank (or was rewritten): the new content starts at 0.
                resetReading()
                identity?.fingerprint = Fingerprint.read(fd: fd) ?? id.fingerprint
                status.rotations += 1
                status.state = .rotated
                dirty = true
                return .truncated
            }
            if id.fingerprint.length < Fingerprint.maxLength && size > Int64(id.fingerprint.length),
                let wider = Fingerprint.read(fd: fd)
            {
                identity?.fingerprint = wider
                dirty = true
            }
            return .unchanged
        }
    }

    /// Stops reading a ``drainOnly`` file once it is read to its end, handing its position back.
    func finishDrain(delegate: any FollowerDelegate) {
        guard let id = identity, isOpen else { done = true; return }
        closeFile()
        delegate.retire(path: path, identity: id, offset: committedOffset, gzip: isGzipFile)
        done = true
        status.state = .finished
    }

    /// The checkpoint entry for this source, if it has a file worth recording.
    func checkpointEntry() -> Checkpoint.Entry? {
        guard !isStream, let identity, isOpen || (done && isGzipFile && !skipped) else { return nil }
        return Checkpoint.Entry(path: path, identity: identity, offset: committedOffset, gzip: isGzipFile)
    }
}
