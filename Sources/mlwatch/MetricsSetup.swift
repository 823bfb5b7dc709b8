import MLWatchCore
import MLWatchExport

extension LiveOptions {
    /// Starts `/metrics` when `--metrics-listen` (or `metrics_listen:` of the config) asks for it.
    /// - Parameter latest: the newest published snapshot; read on the server's threads at each scrape.
    func startMetricsServer(config: MLWatchConfig, latest: @escaping @Sendable () -> Snapshot?,
                            extra: @escaping @Sendable () -> [PrometheusExporter.ExtraCounter] = { [] })
        throws(SetupError) -> MetricsServer?
    {
        let flag = metricsListen != nil ? "--metrics-listen" : "metrics_listen"
        guard let text = metricsListen ?? config.metricsListen else { return nil }
        guard let address = ListenAddress(text) else {
            throw .badFlag(flag, text, "HOST:PORT, e.g. 127.0.0.1:9464, [::1]:9464, or :9464 for every interface")
        }
        do {
            return try MetricsServer.startBlocking(listen: address, latest: latest, extra: extra)
        } catch {
            throw .metrics(error.description)
        }
    }
}
