#ifndef MLWATCH_COPENSSL_SHIM_H
#define MLWATCH_COPENSSL_SHIM_H
// OpenSSL (Debian's libssl-dev) for https: TLS over mlwatch's own non-blocking sockets, so that the
// bounded HTTP client keeps every deadline, size bound and cancellation of its plain transport.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

// Function-like macros of OpenSSL, which Swift does not import, as functions.
static inline long mlwatch_ssl_set_sni(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, (char *)name);
}
static inline long mlwatch_ssl_ctx_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline int mlwatch_ssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}
/// A peer that closes without close_notify ends the stream like a clean close (the HTTP framing tells
/// whether the body is whole), as curl and browsers treat it.
static inline void mlwatch_ssl_ctx_ignore_unexpected_eof(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
}
#endif
