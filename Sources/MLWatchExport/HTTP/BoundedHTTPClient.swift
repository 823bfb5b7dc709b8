import Foundation
import MLWatchCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A small blocking HTTP/1.1 client (`http://` and `https://`) whose every call is bounded: a connect
/// timeout (name lookup, TCP connect and TLS handshake), a total deadline for the whole exchange, and at
/// most `maxResponseBytes` of body read — the rest is never read (the connection is closed). Used for
/// every outgoing request (webhook, Alertmanager, the fleet dashboard's Prometheus queries).
///
/// Why not URLSession: on Linux it read a hostile receiver's endless body whole (4.5 GB after 20 s, its
/// timeout not enforced), crashed on a huge chunked answer, and could not be abandoned at shutdown. Here
/// each wait is a `poll(2)` of at most 100 ms against the deadline and the client's `cancel()` flag, so a
/// call returns within ~100 ms of either, whatever the peer does. https is OpenSSL over the same socket
/// (`HTTPConnection`, `TLSContext`): the same waits, the same bounds.
///
/// Blocking: call it from a worker thread (`HTTPDeliveryQueue`), never from the engine's queue or the UI.
public final class BoundedHTTPClient: Sendable {
    public struct Response: Sendable, Equatable {
        public var status: Int
        /// The first `maxResponseBytes` of the (de-chunked) body.
        public var body: [UInt8]
        /// Whether the body was longer than what was read.
        public var truncated: Bool
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case badURL(String)
        case connect(String)
        case timeout(String)
        case malformedResponse(String)
        /// The TLS handshake or session failed (certificate not trusted, wrong name, not a TLS server).
        case tls(String)
        case cancelled

        public var description: String {
            switch self {
            case .badURL(let m): return m
            case .connect(let m): return "cannot connect: \(m)"
            case .timeout(let m): return "timed out \(m)"
            case .malformedResponse(let m): return "bad HTTP response: \(m)"
            case .tls(let m): return "TLS: \(m)"
            case .cancelled: return "cancelled (shutting down)"
            }
        }
    }

    public let connectTimeout: Double
    public let totalTimeout: Double
    public let maxResponseBytes: Int
    /// Trust for `https://` peers.
    public let tls: TLSSettings
    private let cancelled = Atomic<Bool>(false)
    private let resolver: NameResolver
    /// The TLS context, made on the first https call (a client that only speaks http never loads the
    /// system's certificate store).
    private let tlsContext = Mutex<Result<TLSContext, TLSContext.SetupError>?>(nil)

    public convenience init(connectTimeout: Double = 2, totalTimeout: Double = 5, maxResponseBytes: Int = 64 * 1024,
                            tls: TLSSettings = TLSSettings()) {
        self.init(connectTimeout: connectTimeout, totalTimeout: totalTimeout, maxResponseBytes: maxResponseBytes, tls: tls,
                  resolver: NameResolver())
    }

    init(connectTimeout: Double, totalTimeout: Double, maxResponseBytes: Int, tls: TLSSettings, resolver: NameResolver) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxResponseBytes = maxResponseBytes
        self.tls = tls
        self.resolver = resolver
    }

    /// Makes every call in progress and every later one return `.cancelled` at once (shutdown).
    public func cancel() { cancelled.store(true, ordering: .releasing) }

    private var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    /// Whether `url` is one this client can call (`http://host[:port]/path` or `https://…`).
    public static func check(_ url: URL) -> Failure? {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return .badURL("\(url.absoluteString): only http:// and https:// URLs are supported")
        }
        guard let host = url.host, !host.isEmpty else { return .badURL("\(url.absoluteString): no host") }
        return nil
    }

    /// Whether `settings` can be used for https (an unreadable or invalid CA file is reported at startup
    /// rather than at the first alert); nil when they can.
    public static func check(_ settings: TLSSettings) -> String? {
        TLSContext.check(settings)?.description
    }

    /// One request; blocks until the answer, the deadline, or `cancel()`.
    /// - Parameter maxResponseBytes: this request's bound on the body read (default: the client's).
    public func send(method: String, url: URL, headers: [(String, String)] = [], body: [UInt8] = [],
                     maxResponseBytes: Int? = nil) -> Result<Response, Failure> {
        if let problem = Self.check(url) { return .failure(problem) }
        let secure = url.scheme?.lowercased() == "https"
        guard secure else { return exchange(method: method, url: url, headers: headers, body: body, maxResponseBytes: maxResponseBytes) }
        return HTTPConnection.withoutSIGPIPE {
            exchange(method: method, url: url, headers: headers, body: body, maxResponseBytes: maxResponseBytes)
        }
    }

    private func exchange(method: String, url: URL, headers: [(String, String)], body: [UInt8], maxResponseBytes: Int?)
        -> Result<Response, Failure>
    {
        let secure = url.scheme?.lowercased() == "https"
        let host = url.host!.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let port = url.port ?? (secure ? 443 : 80)
        var path = url.path.isEmpty ? "/" : url.path
        if let q = url.query { path += "?" + q }
        let start = Self.now()
        let connectDeadline = min(start + connectTimeout, start + totalTimeout)
        let deadline = start + totalTimeout

        let connection: HTTPConnection
        switch open(host: host, port: port, secure: secure, deadline: connectDeadline) {
        case .success(let c): connection = c
        case .failure(let f): return .failure(f)
        }

        var request = "\(method) \(path) HTTP/1.1\r\nHost: \(url.host!)\(url.port.map { ":\($0)" } ?? "")\r\n"
        request += "User-Agent: mlwatch\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (k, v) in headers { request += "\(k): \(v)\r\n" }
        request += "\r\n"
        var out = Array(request.utf8) + body
        var sent = 0
        while sent < out.count {
            let step = out.withUnsafeBytes { connection.send(UnsafeRawBufferPointer(rebasing: $0[sent...])) }
            switch step {
            case .done(let n): sent += n
            case .wait(let events):
                if case .failed(let f) = wait(connection.fd, events: events, deadline: deadline) {
                    if case .timeout = f { return .failure(.timeout("sending the request")) }
                    return .failure(f)
                }
            case .closed: return .failure(.connect("the connection closed while sending the request"))
            case .failed(let f): return .failure(f)
            }
        }
        out = []
        var parser = ResponseParser(limit: maxResponseBytes ?? self.maxResponseBytes)
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        reading: while !parser.isDone {
            let step = buffer.withUnsafeMutableBytes { connection.receive($0) }
            switch step {
            case .done(let n):
                if let problem = parser.feed(buffer[0..<n]) { return .failure(.malformedResponse(problem)) }
            case .wait(let events):
                if case .failed(let f) = wait(connection.fd, events: events, deadline: deadline) {
                    if case .timeout = f {
                        // A body read up to its limit (or a header) is enough; an answer without a status is not.
                        if let r = parser.response(complete: false) { return .success(r) }
                        return .failure(.timeout("waiting for the answer (\(Self.seconds(totalTimeout)))"))
                    }
                    return .failure(f)
                }
            case .closed:
                break reading  // the peer closed: the body ends here (or was cut short)
            case .failed(let f):
                return .failure(f)
            }
        }
        guard let response = parser.response(complete: true) else {
            return .failure(.malformedResponse("the connection closed before a status line"))
        }
        return .success(response)
    }

    // MARK: Sockets

    private enum Wait {
        case ready
        case failed(Failure)
    }

    /// Polls in slices of at most 100 ms, so that `cancel()` is noticed promptly.
    private func wait(_ fd: Int32, events: Int16, deadline: Double) -> Wait {
        while true {
            if isCancelled { return .failed(.cancelled) }
            let left = deadline - Self.now()
            if left <= 0 { return .failed(.timeout("")) }
            var p = pollfd(fd: fd, events: events, revents: 0)
            let r = poll(&p, 1, Int32(min(left, 0.1) * 1000) + 1)
            if r < 0 {
                if errno == EINTR { continue }
                return .failed(.connect(String(cString: strerror(errno))))
            }
            if r > 0 { return .ready }
        }
    }

    /// Name lookup, TCP connect and (https) TLS handshake, all by `deadline`.
    private func open(host: String, port: Int, secure: Bool, deadline: Double) -> Result<HTTPConnection, Failure> {
        let context: TLSContext?
        if secure {
            switch tlsContext.withLock({ cached -> Result<TLSContext, TLSContext.SetupError> in
                if let cached { return cached }
                let made: Result<TLSContext, TLSContext.SetupError>
                do throws(TLSContext.SetupError) { made = .success(try TLSContext(tls)) } catch { made = .failure(error) }
                cached = made
                return made
            }) {
            case .success(let c): context = c
            case .failure(let e): return .failure(.tls(e.description))
            }
        } else {
            context = nil
        }
        let fd: Int32
        switch connect(host: host, port: port, deadline: deadline) {
        case .success(let s): fd = s
        case .failure(let f): return .failure(f)
        }
        guard let context else { return .success(HTTPConnection(plain: fd)) }
        let connection: HTTPConnection
        do throws(Failure) {
            connection = try HTTPConnection(tls: fd, context: context, host: host)
        } catch {
            return .failure(error)
        }
        while true {
            switch connection.handshake() {
            case .done: return .success(connection)
            case .wait(let events):
                if case .failed(let f) = wait(fd, events: events, deadline: deadline) {
                    if case .timeout = f {
                        return .failure(.timeout("in the TLS handshake with \(host):\(port) (\(Self.seconds(connectTimeout)))"))
                    }
                    return .failure(f)
                }
            case .closed: return .failure(.tls("\(host) closed the connection during the TLS handshake"))
            case .failed(let f): return .failure(f)
            }
        }
    }

    private func connect(host: String, port: Int, deadline: Double) -> Result<Int32, Failure> {
        let addresses: [NameResolver.Address]
        switch resolver.resolve(host, port: port, deadline: deadline, isCancelled: { isCancelled }) {
        case .success(let a): addresses = a
        case .failure(let f): return .failure(f)
        }
        var lastError = "no address"
        for a in addresses {
            let fd = socket(a.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            if fd < 0 { lastError = String(cString: strerror(errno)); continue }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let r = a.bytes.withUnsafeBytes {
                Glibc.connect(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
            }
            if r == 0 { return .success(fd) }
            guard errno == EINPROGRESS else {
                lastError = String(cString: strerror(errno))
                close(fd)
                continue
            }
            switch wait(fd, events: Int16(POLLOUT), deadline: deadline) {
            case .ready:
                var err: Int32 = 0
                var len = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
                if err == 0 { return .success(fd) }
                lastError = String(cString: strerror(err))
                close(fd)
            case .failed(let f):
                close(fd)
                if case .timeout = f { return .failure(.timeout("connecting to \(host):\(port) (\(Self.seconds(connectTimeout)))")) }
                return .failure(f)
            }
        }
        return .failure(.connect("\(host):\(port): \(lastError)"))
    }

    /// A timeout as the messages print it ("2 s", "0.3 s").
    static func seconds(_ t: Double) -> String {
        t == t.rounded() ? "\(Int(t)) s" : "\(t) s"
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// Incremental HTTP/1.1 response parsing with a bounded body: status line and headers (at most 16 KiB),
/// then a body by Content-Length, chunked encoding, or until the peer closes — keeping at most `limit`
/// bytes and stopping as soon as that many are kept.
struct ResponseParser {
    private enum Phase {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case untilClose
        case done
    }

    let limit: Int
    private var phase = Phase.head
    private var pending: [UInt8] = []
    private var status: Int?
    private(set) var body: [UInt8] = []
    private var truncated = false
    static let maxHead = 16 * 1024

    init(limit: Int) {
        self.limit = limit
    }

    var isDone: Bool {
        if case .done = phase { return true }
        return false
    }

    /// The response so far; `complete`: the peer closed (a body read until close is whole).
    func response(complete: Bool) -> BoundedHTTPClient.Response? {
        guard let status else { return nil }
        switch phase {
        case .head: return nil
        case .done: return .init(status: status, body: body, truncated: truncated)
        case .untilClose: return .init(status: status, body: body, truncated: truncated || !complete)
        case .fixed, .chunkSize, .chunkData, .chunkDataEnd:
            // Cut short (the peer closed early, or the deadline came): what was read, marked as partial.
            return .init(status: status, body: body, truncated: true)
        }
    }

    /// Takes more bytes; returns a problem when the response is not HTTP.
    mutating func feed(_ bytes: ArraySlice<UInt8>) -> String? {
        pending.append(contentsOf: bytes)
        while true {
            switch phase {
            case .done:
                return nil
            case .head:
                if let first = pending.first, first == 0x15 || first == 0x16 {
                    // A TLS record (alert or handshake): the server speaks https.
                    return "a TLS answer to plain http (use https://)"
                }
                guard let end = find([13, 10, 13, 10]) else {
                    return pending.count > Self.maxHead ? "headers longer than \(Self.maxHead) bytes" : nil
                }
                let head = String(decoding: pending[0..<end], as: UTF8.self)
                pending.removeFirst(end + 4)
                let lines = head.components(separatedBy: "\r\n")
                let parts = lines[0].split(separator: " ", maxSplits: 2)
                guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]), (100...599).contains(code) else {
                    return "not an HTTP/1.x status line"
                }
                if code < 200 { continue }  // 1xx: another head follows
                status = code
                var length: Int?
                var chunked = false
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    let name = line[..<colon].lowercased()
                    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    if name == "content-length" {
                        guard let n = Int(value), n >= 0 else { return "bad Content-Length" }
                        length = n
                    } else if name == "transfer-encoding", value.lowercased().contains("chunked") {
                        chunked = true
                    }
                }
                if chunked {
                    phase = .chunkSize
                } else if let length {
                    phase = length == 0 ? .done : .fixed(remaining: length)
                } else {
                    phase = .untilClose
                }
            case .fixed(let remaining):
                let take = min(remaining, pending.count)
                keep(pending[0..<take])
                pending.removeFirst(take)
                phase = remaining - take == 0 ? .done : .fixed(remaining: remaining - take)
                if truncated { phase = .done }
                if case .fixed = phase { return nil }
            case .untilClose:
                keep(pending[...])
                pending.removeAll()
                if truncated { phase = .done }
                return nil
            case .chunkSize:
                guard let end = find([13, 10]) else {
                    return pending.count > 1024 ? "chunk size line too long" : nil
                }
                let line = String(decoding: pending[0..<end], as: UTF8.self)
                pending.removeFirst(end + 2)
                let hex = line.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                guard let size = Int(hex, radix: 16), size >= 0 else { return "bad chunk size" }
                // The trailer after the last chunk is not read: the body is complete.
                phase = size == 0 ? .done : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let take = min(remaining, pending.count)
                keep(pending[0..<take])
                pending.removeFirst(take)
                if truncated {
                    phase = .done
                } else if remaining - take == 0 {
                    phase = .chunkDataEnd
                } else {
                    phase = .chunkData(remaining: remaining - take)
                    return nil
                }
            case .chunkDataEnd:
                guard pending.count >= 2 else { return nil }
                guard pending[0] == 13, pending[1] == 10 else { return "chunk not followed by CRLF" }
                pending.removeFirst(2)
                phase = .chunkSize
            }
        }
    }

    private mutating func keep(_ bytes: ArraySlice<UInt8>) {
        let room = limit - body.count
        if bytes.count > room {
            body.append(contentsOf: bytes.prefix(room))
            truncated = true
        } else {
            body.append(contentsOf: bytes)
        }
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard pending.count >= needle.count else { return nil }
        var i = 0
        while i + needle.count <= pending.count {
            if pending[i] == needle[0] && Array(pending[i..<i + needle.count]) == needle { return i }
            i += 1
        }
        return nil
    }
}
