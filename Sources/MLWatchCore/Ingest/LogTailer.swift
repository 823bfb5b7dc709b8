import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Follows log files by name like GNU `tail -F` (and Fluent Bit's tail input, Vector's file source):
/// through rename+create and copytruncate rotations, deletion and re-creation, files that do not exist yet,
/// globs rescanned for new files, stdin, and `.gz` history; resuming exactly from a checkpoint.
///
/// Live mode runs a thread of its own that sleeps in `poll(2)` on the inotify and stdin descriptors (see
/// ``DescriptorPoller`` for why not dispatch read sources) and does each wake-up's work on the tailer's serial
/// queue, where `stop()` and `saveCheckpoint()` from other threads also run.
///
/// Concurrency: `@unchecked Sendable` because all mutable reading state (``TailSession`` and its followers,
/// the inotify watcher) is confined to the tailer's own serial queue in live mode, and to the caller's thread
/// in one-shot mode, which the `phase` guard makes exclusive. What other threads may read or set (the phase,
/// a stop request, the published ``status``, the poller thread's handles) sits behind a `Mutex`.
public final class LogTailer: @unchecked Sendable {
    private enum Phase { case idle, live, oneShot, stopped }

    private struct Shared {
        var phase: Phase = .idle
        var stopRequested = false
        var status: [SourceStatus] = []
        var wakes = 0
        /// The live thread's wake-up channel, and a semaphore it signals when it has ended.
        var poller: DescriptorPoller?
        var pollerEnded: DispatchSemaphore?
    }

    /// What the live thread waits for next: readable descriptors or the timeout, whichever comes first.
    private struct WaitPlan {
        var descriptors: [Int32]
        var timeout: Duration
        /// Held while the thread waits, so a teardown on another thread cannot close a descriptor under `poll`.
        var watcher: InotifyWatcher?
    }

    private let options: TailerOptions
    private let queue = DispatchQueue(label: "mlwatch.tailer", qos: .utility)
    private let queueKey = DispatchSpecificKey<Bool>()
    private let shared = Mutex(Shared())

    // Queue-confined (live) or caller-confined (one-shot) state.
    private let session: TailSession
    private var handler: (@Sendable (LineBatch) -> Void)?
    private var inotify: InotifyWatcher?
    private var interval: Duration
    private var lastRescan = ContinuousClock.now
    private var lastCheckpoint = ContinuousClock.now
    private var tornDown = false

    /// Creates a tailer for file paths, globs (`logs/*.jsonl`) or `"-"` (stdin).
    ///
    /// - Throws: ``TailerError`` when the options are invalid or the checkpoint cannot be read; and, when
    ///   `options.follow` is `false`, when a file named explicitly does not exist.
    public convenience init(paths: [String], options: TailerOptions) throws(TailerError) {
        try self.init(paths: paths, options: options, stdinFD: STDIN_FILENO)
    }

    /// As ``init(paths:options:)``, reading `"-"` from `stdinFD` (tests pass the read end of a pipe).
    init(paths: [String], options: TailerOptions, stdinFD: Int32) throws(TailerError) {
        guard !paths.isEmpty else { throw .invalidOptions("no log file given") }
        guard options.maxLineBytes > 0, options.maxLineBytes <= TailerOptions.maxLineBytesLimit else {
            throw .invalidOptions("the line limit (--max-line-bytes) must be between 1 and \(TailerOptions.maxLineBytesLimit) bytes (1 GiB)")
        }
        guard options.readChunkBytes >= 4096 else { throw .invalidOptions("readChunkBytes must be at least 4096") }
        guard options.pollInterval > .zero, options.maxPollInterval >= options.pollInterval else {
            throw .invalidOptions("pollInterval must be positive and not above maxPollInterval")
        }
        self.options = options
        self.interval = options.pollInterval
        self.session = try TailSession(paths: paths, options: options, stdinFD: stdinFD)
        self.warnings = session.checkpointWarnings
        if !options.follow {
            // Fail early with a message `mlwatch check` can print.
            for case .file(let path) in session.resolver.patterns {
                if case .failure(let e) = Posix.stat(path: path), e.code == ENOENT || e.code == ENOTDIR {
                    throw .fileNotFound(path)
                }
            }
        }
        queue.setSpecific(key: queueKey, value: true)
        session.stopRequested = { [weak self] in self?.shared.withLock { $0.stopRequested } ?? true }
    }

    deinit {
        // The live thread holds the tailer weakly: wake it so it notices and ends.
        shared.withLock { $0.poller }?.interrupt()
    }

    private var isOnQueue: Bool { DispatchQueue.getSpecific(key: queueKey) == true }

    /// What was wrong in the checkpoint read at start: entries that could not be resumed from, ignored
    /// (their files are read from the start). Show them to the user; empty when all was well.
    public let warnings: [String]

    /// Per source: path, state, bytes read, lines and skipped lines (for the header of the dashboard).
    /// Updated after every wake-up; safe from any thread.
    public var status: [SourceStatus] { shared.withLock { $0.status } }

    /// How many times the tailer woke up (tests check that an idle tailer backs off instead of spinning).
    var wakeCount: Int { shared.withLock { $0.wakes } }

    // MARK: Live mode

    /// Live mode: starts following on the tailer's own thread and calls `handler` on the tailer's serial queue
    /// for each batch, in file order. The checkpoint records a batch as done once `handler` returns, so process
    /// it synchronously. With `options.follow == false`, reads everything once and stops.
    public func start(handler: @escaping @Sendable (LineBatch) -> Void) {
        let poller = DescriptorPoller()
        let ended = DispatchSemaphore(value: 0)
        let canStart = shared.withLock { state -> Bool in
            guard state.phase == .idle else { return false }
            state.phase = .live
            state.poller = poller
            state.pollerEnded = ended
            return true
        }
        guard canStart else { return }
        let thread = Thread { [weak self] in
            var plan = self?.step(ready: nil, handler: handler)
            while let next = plan {
                let ready = poller.wait(for: next.descriptors, timeout: next.timeout)
                plan = self?.step(ready: ready, handler: nil)
            }
            ended.signal()
        }
        thread.name = "mlwatch.tailer"
        thread.start()
    }

    /// One turn of the live thread, on the queue: the first sets up, later ones handle a wake-up.
    /// Returns what to wait for next, or `nil` once the tailer is stopped.
    private func step(ready: Set<Int32>?, handler: (@Sendable (LineBatch) -> Void)?) -> WaitPlan? {
        queue.sync {
            guard let ready else {
                self.handler = handler
                return begin()
            }
            return wake(inotifyEvent: inotify.map { ready.contains($0.fd) } ?? false)
        }
    }

    private func begin() -> WaitPlan? {
        guard !tornDown, !shared.withLock({ $0.stopRequested }) else {
            teardown()
            return nil
        }
        do {
            try session.setUp(live: options.follow)
        } catch {
            // Only a one-shot run (`follow == false`) fails here, on a missing or unreadable file; the error
            // shows in `status`, as live setup waits for sources instead of failing.
            teardown()
            return nil
        }
        if !options.follow {
            try? session.readAll(deliver: deliver)
            teardown()
            return nil
        }
        if let watcher = InotifyWatcher() {
            inotify = watcher
            for directory in session.resolver.watchDirectories() { watcher.watch(directory) }
        }
        return wake(inotifyEvent: false)
    }

    private func deliver(_ batch: LineBatch) { handler?(batch) }

    /// One wake-up (inotify event, stdin readable, or the poll's timeout): read everything new, rescan globs
    /// when due, save the checkpoint when due, then plan the next sleep with backoff.
    private func wake(inotifyEvent: Bool) -> WaitPlan? {
        guard !tornDown else { return nil }
        let namespaceChanged = inotifyEvent ? (inotify?.drain() ?? false) : false
        var (progressed, more) = session.pollAll(deliver: deliver)
        let now = ContinuousClock.now
        if namespaceChanged || now - lastRescan >= options.maxPollInterval {
            lastRescan = now
            if session.rescan(deliver: deliver) { progressed = true }
            if let inotify { for directory in session.resolver.watchDirectories() { inotify.watch(directory) } }
        }
        if now - lastCheckpoint >= options.checkpointInterval, session.checkpointDirty {
            lastCheckpoint = now
            try? session.saveCheckpoint()
        }
        publishStatus(wake: true)
        if shared.withLock({ $0.stopRequested }) {
            teardown()
            return nil
        }
        // Backoff: quick polls while data flows, up to maxPollInterval when idle (inotify wakes us earlier).
        interval = progressed || more ? options.pollInterval : min(interval * 2, options.maxPollInterval)
        var descriptors: [Int32] = []
        if let inotify { descriptors.append(inotify.fd) }
        // At EOF stdin stays readable forever: stop watching it once it is done.
        if session.followers.contains(where: { $0.isStream && !$0.done }) { descriptors.append(session.stdinFD) }
        return WaitPlan(descriptors: descriptors, timeout: more ? .zero : interval, watcher: inotify)
    }

    private func publishStatus(wake: Bool = false) {
        let statuses = session.statuses
        shared.withLock {
            $0.status = statuses
            if wake { $0.wakes += 1 }
        }
    }

    /// Queue-confined: writes the final checkpoint and lets go of the handler. Runs once; the live thread ends
    /// at its next turn (the inotify descriptor closes once that thread also lets go of it).
    private func teardown() {
        guard !tornDown else { return }
        tornDown = true
        inotify = nil
        try? session.saveCheckpoint()
        publishStatus()
        handler = nil
        shared.withLock { $0.phase = .stopped }
    }

    /// Stops following and writes the checkpoint (if configured). Idempotent and safe from any thread.
    ///
    /// From another thread it returns once the tailer is stopped, the checkpoint written (waiting for a
    /// batch being handled to finish) and the live thread has ended, so nothing polls the stdin descriptor
    /// any more (the caller may close it). From inside the handler it returns at once; reading stops after
    /// the current batch and the checkpoint is written right after the handler returns.
    public func stop() {
        let (phase, poller, ended) = shared.withLock { state -> (Phase, DescriptorPoller?, DispatchSemaphore?) in
            state.stopRequested = true
            if state.phase == .idle { state.phase = .stopped }
            return (state.phase, state.poller, state.pollerEnded)
        }
        guard phase == .live else { return }
        if isOnQueue {
            // The wake-up in progress sees the request when the handler returns.
            poller?.interrupt()
            return
        }
        queue.sync { self.teardown() }
        poller?.interrupt()
        ended?.wait()
        // Signal again so that a later (or concurrent) stop() does not wait for an end already seen.
        ended?.signal()
    }

    // MARK: One-shot mode

    /// One-shot mode: reads every matched file (`.gz` included) and stdin from the start (or the checkpoint) to
    /// the end, calling `handler` synchronously on the caller's thread, then writes the checkpoint.
    /// A final line without a newline is delivered (it is the true end of the input) and counts as processed in
    /// the checkpoint.
    ///
    /// - Throws: ``TailerError/fileNotFound(_:)`` for a missing file named explicitly, other ``TailerError``s
    ///   for unreadable files (after reading the others), ``TailerError/alreadyStarted`` if the tailer ran.
    public func readToEnd(handler: (LineBatch) -> Void) throws(TailerError) {
        let canRun = shared.withLock { state -> Bool in
            guard state.phase == .idle else { return false }
            state.phase = .oneShot
            return true
        }
        guard canRun else { throw .alreadyStarted }
        defer {
            publishStatus()
            shared.withLock { $0.phase = .stopped }
        }
        try session.setUp(live: false)
        var readError: TailerError?
        withoutActuallyEscaping(handler) { handler in
            do throws(TailerError) {
                try session.readAll(deliver: handler)
            } catch {
                readError = error
            }
        }
        try session.saveCheckpoint()
        if let readError { throw readError }
    }

    /// Writes the checkpoint now (if configured). Safe from any thread in live mode, including the handler;
    /// in one-shot mode call it from the handler or after ``readToEnd(handler:)``.
    public func saveCheckpoint() throws(TailerError) {
        let phase = shared.withLock { $0.phase }
        if phase == .live && !isOnQueue {
            let result = queue.sync { () -> Result<Void, TailerError> in
                do throws(TailerError) { try session.saveCheckpoint() } catch { return .failure(error) }
                return .success(())
            }
            try result.get()
        } else {
            // On the queue, in one-shot mode (caller's thread), or before/after running: no concurrent reader.
            try session.saveCheckpoint()
        }
    }
}
