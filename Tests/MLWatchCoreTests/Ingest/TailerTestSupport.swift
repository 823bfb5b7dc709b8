import Foundation
import Synchronization
import Testing
@testable import MLWatchCore
#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory removed when the value goes away.
final class TempDirectory: Sendable {
    let path: String

    init() {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/mlwatch-tail-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// Collects what a tailer delivers, from any thread.
final class LineCollector: Sendable {
    private struct State {
        var lines: [[UInt8]] = []
        var sources: [String] = []
        var skipped = 0
        var batches = 0
    }
    private let state = Mutex(State())

    func add(_ batch: LineBatch) {
        state.withLock { state in
            for range in batch.lines {
                state.lines.append(Array(batch.bytes[range]))
                state.sources.append(batch.source)
            }
            state.skipped += batch.skippedTooLong
            state.batches += 1
        }
    }

    var handler: @Sendable (LineBatch) -> Void { { [self] batch in self.add(batch) } }
    var lines: [String] { state.withLock { $0.lines.map { String(decoding: $0, as: UTF8.self) } } }
    var rawLines: [[UInt8]] { state.withLock { $0.lines } }
    var sources: [String] { state.withLock { $0.sources } }
    var skipped: Int { state.withLock { $0.skipped } }
    var count: Int { state.withLock { $0.lines.count } }
}

/// Polls `condition` until it holds or the deadline passes (never a blind sleep for an assertion). The
/// deadline is generous (as the end-to-end tests' 20 s): a passing test returns as soon as the condition holds,
/// and on a loaded machine this test's task can wait seconds for one of the two cooperative threads, which
/// the synchronous tests running beside it keep busy.
@discardableResult
func eventually(timeout: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

func append(_ text: String, to path: String) {
    appendBytes(Array(text.utf8), to: path)
}

func appendBytes(_ bytes: [UInt8], to path: String) {
    if !FileManager.default.fileExists(atPath: path) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
    }
    let handle = FileHandle(forWritingAtPath: path)!
    handle.seekToEndOfFile()
    handle.write(Data(bytes))
    try? handle.close()
}

/// A pipe whose ends are close-on-exec (set at once; Swift's Glibc has no `pipe2`), so that a child process
/// another test starts at the same moment cannot inherit the write end and keep it open: the reader would
/// then not see the end of the input until that child ended. Foundation's `Process` closes inherited
/// descriptors in the child only up to the highest one open when it looked, so one created meanwhile on
/// another thread can slip through.
func closeOnExecPipe() -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    #expect(pipe(&fds) == 0)
    for fd in fds { #expect(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0) }
    return (fds[0], fds[1])
}

func write(_ text: String, to path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

func numbered(_ prefix: String, _ range: ClosedRange<Int>) -> [String] { range.map { "\(prefix)-\($0)" } }

func joinedLines(_ lines: [String]) -> String { lines.map { $0 + "\n" }.joined() }

/// Options for fast tests: short polls so the fallback path is quick too.
func testOptions(fromStart: Bool = false, checkpoint: String? = nil, maxLineBytes: Int = 1 << 20, follow: Bool = true) -> TailerOptions {
    TailerOptions(
        fromStart: fromStart, maxLineBytes: maxLineBytes, checkpointPath: checkpoint,
        pollInterval: .milliseconds(10), maxPollInterval: .milliseconds(200), follow: follow, readChunkBytes: 4096)
}
