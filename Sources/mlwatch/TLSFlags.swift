import ArgumentParser
import MLWatchCore
import MLWatchExport

/// `--ca-file`: trust for the `https://` peers a command calls (webhook, Alertmanager, Prometheus).
struct TLSFlags: ParsableArguments {
    @Option(name: .customLong("ca-file"), help: ArgumentHelp(
        "Also trust the certificate authorities in this PEM file for https:// peers (webhook, Alertmanager, Prometheus); the system's are always trusted, SSL_CERT_FILE replaces them (default: tls.ca_file of the config).",
        valueName: "pem"))
    var caFile: String?

    /// The config with `--ca-file` applied, its TLS settings checked (an unreadable CA file is a usage
    /// error at startup, not a failed notification hours later).
    func apply(to config: MLWatchConfig) throws(SetupError) -> MLWatchConfig {
        var config = config
        if let caFile { config.tls.caFile = caFile }
        if config.tls.caFile != nil, let problem = BoundedHTTPClient.check(config.tls) {
            throw .badValue(caFile != nil ? "--ca-file" : "tls.ca_file", config.tls.caFile ?? "", problem)
        }
        return config
    }
}
