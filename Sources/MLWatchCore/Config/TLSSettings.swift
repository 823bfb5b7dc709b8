/// The `tls:` section (and `--ca-file`): how mlwatch checks the servers it calls over `https://` (webhook,
/// Alertmanager, the fleet dashboard's Prometheus). The system's certificate authorities are always
/// trusted (OpenSSL's default store, which `SSL_CERT_FILE` and `SSL_CERT_DIR` replace); `caFile` adds one
/// more bundle, e.g. a company CA that signed an internal Alertmanager's certificate.
public struct TLSSettings: Sendable, Equatable {
    /// PEM file of extra certificate authorities to trust (one or more certificates); nil for none.
    public var caFile: String?

    public init(caFile: String? = nil) {
        self.caFile = caFile
    }
}
