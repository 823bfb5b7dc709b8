import COpenSSL
import Foundation
import MLWatchCore

/// The client side of TLS for `https://` peers: an OpenSSL context (TLS 1.2 or later, the peer's
/// certificate checked against the system's certificate authorities plus `TLSSettings.caFile`, its name
/// against the URL's host). Made once per `BoundedHTTPClient` on its first `https://` call and shared by
/// its connections (an `SSL_CTX` may be used from several threads once set up).
///
/// Why OpenSSL over our own socket rather than URLSession (libcurl underneath): measured on this Linux
/// toolchain, URLSession read a 10 GB answer whole although `timeoutIntervalForResource` was 2 s, never
/// ended a one-byte-a-second answer (still going after 30 s), and a delegate that cancelled past 1 MiB had
/// received 400 MB by the time the cancel took effect (BENCHMARKS.md, "https"). With TLS over the client's
/// own non-blocking socket, every wait is the same `poll(2)` against the deadline and the cancel flag as
/// for plain http, and the body bound is exact.
final class TLSContext: @unchecked Sendable {
    // @unchecked: the context is configured in `init` and only read afterwards (OpenSSL documents an
    // SSL_CTX as safe to share between threads once set up).
    let context: OpaquePointer

    /// Why a context could not be made (an unreadable or invalid CA file).
    struct SetupError: Error, Sendable, Equatable, CustomStringConvertible {
        var description: String
    }

    init(_ settings: TLSSettings) throws(SetupError) {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else {
            throw SetupError(description: "cannot set up TLS: \(TLSContext.lastError() ?? "out of memory")")
        }
        context = ctx
        _ = mlwatch_ssl_ctx_set_min_tls12(ctx)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        // The system's authorities (OpenSSL's default file and directory; SSL_CERT_FILE / SSL_CERT_DIR
        // replace them), then the extra bundle.
        _ = SSL_CTX_set_default_verify_paths(ctx)
        if let file = settings.caFile {
            ERR_clear_error()
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw SetupError(description: "CA file \(file): cannot be read")
            }
            guard SSL_CTX_load_verify_locations(ctx, file, nil) == 1 else {
                throw SetupError(description: "CA file \(file): no PEM certificate could be read (\(TLSContext.lastError() ?? "invalid"))")
            }
        }
        // Partial writes with a buffer that may move between retries: the client's send loop retries
        // with what is left after a poll.
        _ = mlwatch_ssl_ctx_set_mode(ctx, Int(SSL_MODE_ENABLE_PARTIAL_WRITE) | Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        mlwatch_ssl_ctx_ignore_unexpected_eof(ctx)
    }

    deinit { SSL_CTX_free(context) }

    /// Checks `settings` as the client will use them (startup: an unreadable CA file is a usage error).
    static func check(_ settings: TLSSettings) -> SetupError? {
        do {
            _ = try TLSContext(settings)
            return nil
        } catch {
            return error
        }
    }

    /// The oldest error on this thread's OpenSSL error queue, in words (the queue is emptied).
    static func lastError() -> String? {
        let code = ERR_get_error()
        defer { ERR_clear_error() }
        guard code != 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        // "error:0A000086:SSL routines::certificate verify failed" → the reason after the last colon.
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: ":").last.map(String.init) ?? text
    }
}
