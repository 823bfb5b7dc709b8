/// What the tailer knows about one source, for the header of the dashboard.
public struct SourceStatus: Sendable, Equatable {
    /// Where a source is in its life.
    public enum State: Sendable, Equatable {
        /// The file does not exist (yet); the tailer reads it from its beginning once it appears.
        case waiting
        /// The file is open and read as it grows.
        case following
        /// The file was deleted; the tailer waits for it to be created again.
        case deleted
        /// The file was just replaced (rename+create or copytruncate); the old content was read to its end
        /// and the tailer waits for the first bytes of the new file.
        case rotated
        /// A source that cannot grow was read to its end (stdin at EOF, a `.gz` file).
        case finished
        /// Reading failed; the message says why.
        case failed(String)
    }

    /// The path as matched (`"-"` for stdin).
    public var path: String
    public var state: State
    /// Bytes read from the source so far in this run (uncompressed for `.gz`).
    public var bytesRead: UInt64
    /// Complete lines delivered.
    public var lines: Int
    /// Lines skipped because they exceeded ``TailerOptions/maxLineBytes``.
    public var skippedTooLong: Int
    /// How many times the file was replaced by rename+create or truncated (copytruncate).
    public var rotations: Int

    public init(path: String, state: State, bytesRead: UInt64 = 0, lines: Int = 0, skippedTooLong: Int = 0, rotations: Int = 0) {
        self.path = path
        self.state = state
        self.bytesRead = bytesRead
        self.lines = lines
        self.skippedTooLong = skippedTooLong
        self.rotations = rotations
    }
}
