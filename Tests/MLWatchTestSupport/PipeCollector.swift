import Foundation

/// Reads a child's pipe to its end on a thread of its own, so the child never blocks on a full pipe.
///
/// Why not `FileHandle.readabilityHandler`: on Linux it arms a libdispatch read source, and tearing such
/// sources down while others are armed can leave a freed epoll muxnote that the dispatch manager thread
/// later dereferences (swift-corelibs-libdispatch#949, swift-corelibs-foundation#3276). Our CI crashed
/// exactly there (`_dispatch_event_loop_drain`, SIGSEGV) with many children's pipes being read at once.
/// A blocking `read(2)` never registers the descriptor with libdispatch, so there is nothing to race.
public final class PipeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected = Data()
    private var closed = false

    /// Starts reading `handle` until end of file; the handle is kept open until then.
    public init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            self.drain(handle)
        }
        thread.name = "test.pipe-collector"
        thread.start()
    }

    private func drain(_ handle: FileHandle) {
        let fd = handle.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                lock.withLock { collected.append(contentsOf: buffer[0..<n]) }
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        lock.withLock { closed = true }
        withExtendedLifetime(handle) {}
    }

    /// The bytes read so far, as UTF-8 text (invalid bytes replaced).
    public var text: String { String(decoding: data, as: UTF8.self) }

    /// The newest complete JSON object line so far (`--no-ui` emits one per snapshot).
    public var lastJSONObject: [String: Any]? {
        text.split(separator: "\n").reversed().lazy
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }.first
    }

    /// The bytes read so far.
    public var data: Data {
        lock.withLock { collected }
    }

    /// Whether the writer closed the pipe (everything has been read).
    public var isClosed: Bool {
        lock.withLock { closed }
    }
}
