import Foundation

/// How a ``LogTailer`` reads its sources.
public struct TailerOptions: Sendable, Equatable {
    /// Read the existing content of files present at start (history) before following them.
    /// When `false` (the default for live mode), following starts at the end of each file, like `tail -F -n 0`.
    /// Files that appear after start (rotation targets, new glob matches) are always read from their beginning,
    /// so no line written after start is lost.
    public var fromStart: Bool

    /// Lines longer than this many bytes (without the newline) are skipped and counted, never buffered whole.
    public var maxLineBytes: Int

    /// Largest `maxLineBytes` a tailer accepts (1 GiB): offsets are computed from it.
    public static let maxLineBytesLimit = 1 << 30

    /// Where to load and save the checkpoint (JSON). `nil` disables checkpoints.
    ///
    /// A file the checkpoint knows (same device, inode and fingerprint, under any name) continues where the
    /// last run stopped; a file it does not know appeared since that run and is read from its beginning.
    public var checkpointPath: String?

    /// Shortest interval of the fallback poll. After a poll that finds nothing new the interval doubles up
    /// to ``maxPollInterval``; inotify wakes the tailer earlier when the kernel reports a change.
    public var pollInterval: Duration

    /// Longest interval of the fallback poll (also bounds how late a new glob match is noticed without inotify).
    public var maxPollInterval: Duration

    /// How often a live tailer writes its checkpoint on its own (it always writes one on ``LogTailer/stop()``).
    public var checkpointInterval: Duration

    /// `true`: follow the sources until ``LogTailer/stop()``. `false`: read everything once and stop
    /// (what `mlwatch check` does through ``LogTailer/readToEnd(handler:)``).
    public var follow: Bool

    /// Size of one read, and so the largest batch of lines (plus a carried-over partial line).
    public var readChunkBytes: Int

    public init(
        fromStart: Bool = false,
        maxLineBytes: Int = 1 << 20,
        checkpointPath: String? = nil,
        pollInterval: Duration = .milliseconds(50),
        maxPollInterval: Duration = .seconds(1),
        checkpointInterval: Duration = .seconds(5),
        follow: Bool = true,
        readChunkBytes: Int = 1 << 20
    ) {
        self.fromStart = fromStart
        self.maxLineBytes = maxLineBytes
        self.checkpointPath = checkpointPath
        self.pollInterval = pollInterval
        self.maxPollInterval = maxPollInterval
        self.checkpointInterval = checkpointInterval
        self.follow = follow
        self.readChunkBytes = readChunkBytes
    }
}
