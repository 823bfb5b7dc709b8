import COpenSSL
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One connection's byte stream for `BoundedHTTPClient`: plain TCP, or TLS over it, on a non-blocking
/// socket. No call blocks: each one makes progress or says which `poll(2)` event it waits for, and the
/// client does every wait (against its deadline and cancel flag), so both transports are bounded the same
/// way. Owns the socket (closed on deinit).
final class HTTPConnection {
    enum Step {
        /// Bytes moved (0 for a finished handshake).
        case done(Int)
        /// Nothing can move until the socket has this event (`POLLIN` or `POLLOUT`).
        case wait(Int16)
        /// The peer closed the stream.
        case closed
        case failed(BoundedHTTPClient.Failure)
    }

    let fd: Int32
    /// The TLS session (`SSL*`) for https; nil for plain http.
    private let ssl: OpaquePointer?
    private let host: String

    /// A plain connection over a connected socket.
    init(plain fd: Int32) {
        self.fd = fd
        ssl = nil
        host = ""
    }

    /// A TLS connection over a connected socket; `handshake()` must succeed before sending.
    /// - Parameter host: the URL's host: the name the certificate must carry (an IP address is checked
    ///   against the certificate's IP addresses) and, for a name, the SNI sent.
    init(tls fd: Int32, context: TLSContext, host: String) throws(BoundedHTTPClient.Failure) {
        self.fd = fd
        self.host = host
        guard let s = SSL_new(context.context) else {
            close(fd)
            throw .tls("cannot start TLS: \(TLSContext.lastError() ?? "out of memory")")
        }
        ssl = s
        SSL_set_fd(s, fd)
        let param = SSL_get0_param(s)
        X509_VERIFY_PARAM_set_hostflags(param, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        if Self.isIPAddress(host) {
            // No SNI for an address (RFC 6066); the certificate must list it as an IP address.
            X509_VERIFY_PARAM_set1_ip_asc(param, host)
        } else {
            SSL_set1_host(s, host)
            _ = mlwatch_ssl_set_sni(s, host)
        }
    }

    deinit {
        if let ssl { SSL_free(ssl) }
        close(fd)
    }

    var isTLS: Bool { ssl != nil }

    /// One step of the TLS handshake (plain connections have none).
    func handshake() -> Step {
        guard let ssl else { return .done(0) }
        ERR_clear_error()
        let r = SSL_connect(ssl)
        if r == 1 { return .done(0) }
        return failure(r, during: "the TLS handshake")
    }

    /// Sends what it can of `bytes`.
    func send(_ bytes: UnsafeRawBufferPointer) -> Step {
        guard let ssl else {
            let n = Glibc.send(fd, bytes.baseAddress!, bytes.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return .done(n) }
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .wait(Int16(POLLOUT)) }
            return .failed(.connect(String(cString: strerror(errno))))
        }
        ERR_clear_error()
        let n = SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count))
        if n > 0 { return .done(Int(n)) }
        return failure(n, during: "sending the request")
    }

    /// Receives what has arrived, up to `buffer.count` bytes.
    func receive(_ buffer: UnsafeMutableRawBufferPointer) -> Step {
        guard let ssl else {
            let n = recv(fd, buffer.baseAddress!, buffer.count, 0)
            if n > 0 { return .done(n) }
            if n == 0 { return .closed }
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return .wait(Int16(POLLIN)) }
            return .failed(.connect(String(cString: strerror(errno))))
        }
        ERR_clear_error()
        let n = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        if n > 0 { return .done(Int(n)) }
        return failure(n, during: "reading the answer")
    }

    /// What an OpenSSL call's result `r` means.
    private func failure(_ r: Int32, during what: String) -> Step {
        let code = SSL_get_error(ssl, r)
        switch code {
        case SSL_ERROR_WANT_READ: return .wait(Int16(POLLIN))
        case SSL_ERROR_WANT_WRITE: return .wait(Int16(POLLOUT))
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            let e = errno
            ERR_clear_error()
            if e == 0 || e == ECONNRESET || e == EPIPE {
                // Before the handshake ended: not a TLS server (or one that refused us without a word).
                if SSL_is_init_finished(ssl) == 0 {
                    return .failed(.tls("\(host) closed the connection during the TLS handshake (is it an https server?)"))
                }
                return e == 0 ? .closed : .failed(.connect(String(cString: strerror(e))))
            }
            if e == EAGAIN || e == EINTR { return .wait(Int16(POLLIN)) }
            return .failed(.connect(String(cString: strerror(e))))
        default:
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                ERR_clear_error()
                let reason = String(cString: X509_verify_cert_error_string(verify))
                return .failed(.tls("certificate of \(host) not accepted: \(reason) (trust its CA with --ca-file or tls: {ca_file: …})"))
            }
            let reason = TLSContext.lastError() ?? "TLS error \(code)"
            let hint = reason.contains("wrong version number") || reason.contains("record layer failure")
                ? " (is it an http:// server?)" : ""
            return .failed(.tls("\(what) with \(host): \(reason)\(hint)"))
        }
    }

    /// Runs `body` with SIGPIPE blocked on this thread, then discards a SIGPIPE it raised. OpenSSL writes
    /// to the socket with write(2), which raises SIGPIPE (killing the process by default) when the peer
    /// has gone; the plain transport passes MSG_NOSIGNAL instead. A write's SIGPIPE goes to the thread
    /// that wrote, so blocking it here affects no other thread.
    static func withoutSIGPIPE<T>(_ body: () -> T) -> T {
        var pipe = sigset_t()
        sigemptyset(&pipe)
        sigaddset(&pipe, SIGPIPE)
        var old = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipe, &old)
        let wasBlocked = sigismember(&old, SIGPIPE) == 1
        defer {
            if !wasBlocked {
                var zero = timespec(tv_sec: 0, tv_nsec: 0)
                while sigtimedwait(&pipe, nil, &zero) == SIGPIPE {}
                pthread_sigmask(SIG_SETMASK, &old, nil)
            }
        }
        return body()
    }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
