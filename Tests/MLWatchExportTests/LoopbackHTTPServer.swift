import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for the client tests, well behaved or hostile.
/// Each connection is served on a thread of its own; requests are recorded.
final class LoopbackHTTPServer: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// Answers with this status and body.
        case answer(Int, String)
        /// Announces 10 GB and sends zeros until the client goes away.
        case hugeBody
        /// A chunked body that never ends.
        case endlessChunks
        /// Reads the request and never answers.
        case silent
        /// Answers a status line, then one byte a second, forever.
        case drip
    }

    struct Request: Sendable {
        var head: String
        var body: Data
    }

    let port: Int
    private let fd: Int32
    private let behaviour: Behaviour
    private let requests = Mutex<[Request]>([])
    private let closed = Atomic<Bool>(false)
    /// Bytes the hostile modes managed to send (how much the client read, roughly).
    let bytesSent = Atomic<Int>(0)

    init(_ behaviour: Behaviour) throws {
        self.behaviour = behaviour
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        self.fd = fd
        Thread { [self] in self.acceptLoop() }.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func close() {
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        shutdown(fd, Int32(SHUT_RDWR))
        _ = Glibc.close(fd)
    }

    var received: [Request] { requests.withLock { $0 } }

    func waitForRequests(_ n: Int, seconds: Double) -> [Request] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let r = received
            if r.count >= n { return r }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return received
    }

    private func acceptLoop() {
        while !closed.load(ordering: .acquiring) {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            Thread { [self] in self.serve(client) }.start()
        }
    }

    private func serve(_ client: Int32) {
        defer { _ = Glibc.close(client) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var request: Request?
        while request == nil {
            let n = recv(client, &buffer, buffer.count, 0)
            if n <= 0 { return }
            data.append(contentsOf: buffer[0..<n])
            guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { continue }
            let head = String(decoding: data[..<end.lowerBound], as: UTF8.self)
            let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            let body = data[end.upperBound...]
            if body.count >= length { request = Request(head: head, body: Data(body.prefix(length))) }
        }
        if let request { requests.withLock { $0.append(request) } }
        switch behaviour {
        case .answer(let status, let body):
            write(client, "HTTP/1.1 \(status) X\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        case .hugeBody:
            guard write(client, "HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\n") else { return }
            let zeros = String(repeating: "0", count: 64 * 1024)
            while !closed.load(ordering: .acquiring), write(client, zeros) {}
        case .endlessChunks:
            guard write(client, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") else { return }
            let chunk = "10000\r\n" + String(repeating: "x", count: 0x10000) + "\r\n"
            while !closed.load(ordering: .acquiring), write(client, chunk) {}
        case .silent:
            while !closed.load(ordering: .acquiring) {
                var p = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
                if poll(&p, 1, 100) > 0, recv(client, &buffer, buffer.count, 0) <= 0 { return }
            }
        case .drip:
            guard write(client, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n") else { return }
            while !closed.load(ordering: .acquiring), write(client, "x") { Thread.sleep(forTimeInterval: 1) }
        }
    }

    @discardableResult
    private func write(_ client: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(client, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
            bytesSent.add(n, ordering: .relaxed)
        }
        return true
    }
}
