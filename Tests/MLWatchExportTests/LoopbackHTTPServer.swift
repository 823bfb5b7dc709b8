import COpenSSL
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for the client tests, well behaved or hostile,
/// over plain TCP or TLS (`tls:` a certificate of `Fixtures/tls`, signed by its `ca.pem`).
/// Each connection is served on a thread of its own; requests are recorded.
final class LoopbackHTTPServer: @unchecked Sendable {
    /// A server certificate of `Fixtures/tls` (scripts/tls_test_certs.sh).
    enum Certificate: String, Sendable {
        /// For localhost, 127.0.0.1 and ::1.
        case server
        /// For other.invalid only.
        case wrongname
    }

    static let tlsFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tls")
    /// The CA that signed both certificates.
    static var testCA: String { tlsFixtures.appendingPathComponent("ca.pem").path }

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
        /// Accepts the connection and never reads or writes (over TLS: never does the handshake).
        case mute
        /// Writes this at once, before any request (as a plain HTTP server answers a TLS hello with 400).
        case blurt(String)
    }

    struct Request: Sendable {
        var head: String
        var body: Data
    }

    let port: Int
    private let fd: Int32
    private let behaviour: Behaviour
    /// The TLS server context (`SSL_CTX*`), nil for plain http.
    private let tlsContext: OpaquePointer?
    private let requests = Mutex<[Request]>([])
    private let closed = Atomic<Bool>(false)
    private let acceptLoopEnded = DispatchSemaphore(value: 0)
    /// Bytes the hostile modes managed to send (how much the client read, roughly).
    let bytesSent = Atomic<Int>(0)

    init(_ behaviour: Behaviour, tls certificate: Certificate? = nil) throws {
        self.behaviour = behaviour
        if let certificate {
            guard let ctx = SSL_CTX_new(TLS_server_method()) else { throw POSIXError(.EIO) }
            let base = Self.tlsFixtures.appendingPathComponent(certificate.rawValue).path
            guard SSL_CTX_use_certificate_chain_file(ctx, base + ".pem") == 1,
                  SSL_CTX_use_PrivateKey_file(ctx, base + ".key", SSL_FILETYPE_PEM) == 1
            else {
                SSL_CTX_free(ctx)
                throw POSIXError(.ENOENT)
            }
            tlsContext = ctx
        } else {
            tlsContext = nil
        }
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

    var url: String { (tlsContext != nil ? "https" : "http") + "://127.0.0.1:\(port)" }

    deinit {
        if let tlsContext { SSL_CTX_free(tlsContext) }
    }

    /// Stops accepting and returns once the socket is closed (its port free again). `shutdown` wakes the
    /// accept loop, which closes the socket itself once it no longer uses it: closing it here raced the loop,
    /// which could then call `accept` on the number after it was freed and reused — by another test's
    /// listening socket, whose connections it would have stolen.
    func close() {
        if closed.exchange(true, ordering: .acquiringAndReleasing) { return }
        shutdown(fd, Int32(SHUT_RDWR))
        _ = acceptLoopEnded.wait(timeout: .now() + 10)
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
        defer {
            _ = Glibc.close(fd)
            acceptLoopEnded.signal()
        }
        while !closed.load(ordering: .acquiring) {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return }
            Thread { [self] in self.serve(client) }.start()
        }
    }

    /// One client's stream: the socket, or a TLS session over it.
    private struct Stream {
        let fd: Int32
        let ssl: OpaquePointer?

        func read(_ buffer: inout [UInt8]) -> Int {
            guard let ssl else { return recv(fd, &buffer, buffer.count, 0) }
            return Int(SSL_read(ssl, &buffer, Int32(buffer.count)))
        }

        func write(_ bytes: [UInt8]) -> Int {
            guard let ssl else {
                return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            return Int(SSL_write(ssl, bytes, Int32(bytes.count)))
        }
    }

    private func serve(_ fd: Int32) {
        defer { _ = Glibc.close(fd) }
        switch behaviour {
        case .mute:
            while !closed.load(ordering: .acquiring) { Thread.sleep(forTimeInterval: 0.05) }
            return
        case .blurt(let text):
            write(Stream(fd: fd, ssl: nil), text)
            Thread.sleep(forTimeInterval: 0.2)
            return
        default:
            break
        }
        var ssl: OpaquePointer?
        if let tlsContext {
            // SSL_write raises SIGPIPE once the client has gone: blocked on this thread, which only serves.
            var pipe = sigset_t()
            sigemptyset(&pipe)
            sigaddset(&pipe, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipe, nil)
            guard let s = SSL_new(tlsContext) else { return }
            SSL_set_fd(s, fd)
            guard SSL_accept(s) == 1 else {
                SSL_free(s)
                return
            }
            ssl = s
        }
        defer { if let ssl { SSL_free(ssl) } }
        let client = Stream(fd: fd, ssl: ssl)
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var request: Request?
        while request == nil {
            let n = client.read(&buffer)
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
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&p, 1, 100) > 0, client.read(&buffer) <= 0 { return }
            }
        case .drip:
            guard write(client, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n") else { return }
            while !closed.load(ordering: .acquiring), write(client, "x") { Thread.sleep(forTimeInterval: 1) }
        case .mute, .blurt:
            break
        }
    }

    @discardableResult
    private func write(_ client: Stream, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = client.write(Array(bytes[sent...]))
            if n <= 0 { return false }
            sent += n
            bytesSent.add(n, ordering: .relaxed)
        }
        return true
    }
}
