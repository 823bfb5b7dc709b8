import Dispatch
import FlyingFox
import FlyingSocks
import Foundation
import MLWatchCore
import Synchronization

/// Serves `GET /metrics` (the Prometheus text format 0.0.4) on `--metrics-listen HOST:PORT`.
///
/// Runs on Swift concurrency's threads (FlyingFox's event loop), never on the engine's queue or the UI
/// thread: each scrape reads the newest *published* snapshot through `latest` (a lock-guarded read) and
/// renders it with the exporter. FlyingFox's logger is disabled: it writes to stdout, which the dashboard
/// owns.
public final class MetricsServer: Sendable {
    /// Why the server could not start.
    public struct StartError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let exporter: PrometheusExporter
    private let server: HTTPServer
    private let task = Mutex<Task<Void, Never>?>(nil)
    /// The address actually bound (the port chosen for port 0).
    public let boundAddress: ListenAddress

    private init(exporter: PrometheusExporter, server: HTTPServer, task: Task<Void, Never>, boundAddress: ListenAddress) {
        self.exporter = exporter
        self.server = server
        self.task.withLock { $0 = task }
        self.boundAddress = boundAddress
    }

    /// Binds and starts serving; returns once the socket listens (or why it cannot).
    /// - Parameters:
    ///   - latest: the newest published snapshot (nil before the first one).
    ///   - extra: counters kept outside the snapshot (notification errors), read at each scrape.
    public static func start(listen: ListenAddress, exporter: PrometheusExporter = PrometheusExporter(),
                             latest: @escaping @Sendable () -> Snapshot?,
                             extra: @escaping @Sendable () -> [PrometheusExporter.ExtraCounter] = { [] })
        async throws(StartError) -> MetricsServer
    {
        let address: any SocketAddress
        do {
            switch listen.host {
            case .ipv4(let ip): address = try sockaddr_in.inet(ip4: ip, port: listen.port)
            case .ipv6(let ip): address = try sockaddr_in6.inet6(ip6: ip, port: listen.port)
            }
        } catch {
            throw StartError(description: "--metrics-listen \(listen): not an address to listen on")
        }
        let config = HTTPServer.Configuration(address: address, timeout: 10, logger: .disabled)
        let server = HTTPServer(config: config, handler: nil)
        let handler: @Sendable (HTTPRequest) async -> HTTPResponse = { _ in
            let snapshot = latest() ?? Snapshot()
            let body = exporter.exposition(of: snapshot, extra: extra())
            return HTTPResponse(
                statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: Data(body))
        }
        await server.appendRoute("GET /metrics", handler: handler)
        await server.appendRoute("HEAD /metrics", handler: handler)
        // The first of: the socket listens, or `run` fails (the address is taken, …).
        let (outcomes, report) = AsyncStream.makeStream(of: Result<Socket.Address?, StartError>.self)
        let runTask = Task {
            do {
                try await server.run()
            } catch {
                report.yield(.failure(StartError(description: "--metrics-listen \(listen): cannot listen: \(explain(error))")))
            }
        }
        let waiter = Task {
            do {
                try await server.waitUntilListening(timeout: 5)
                report.yield(.success(await server.listeningAddress))
            } catch {
                report.yield(.failure(StartError(description: "--metrics-listen \(listen): did not start listening within 5 s")))
            }
        }
        var iterator = outcomes.makeAsyncIterator()
        let first = await iterator.next()
        report.finish()
        waiter.cancel()
        switch first {
        case .success(let bound)?:
            var actual = listen
            if case .ip4(_, let port)? = bound { actual.port = port }
            if case .ip6(_, let port)? = bound { actual.port = port }
            return MetricsServer(exporter: exporter, server: server, task: runTask, boundAddress: actual)
        case .failure(let e)?:
            runTask.cancel()
            throw e
        case nil:
            runTask.cancel()
            throw StartError(description: "--metrics-listen \(listen): did not start listening")
        }
    }

    /// `start`, for synchronous callers that are not on one of Swift concurrency's threads (the CLI's main
    /// thread): blocks until the server listens or fails.
    public static func startBlocking(listen: ListenAddress, exporter: PrometheusExporter = PrometheusExporter(),
                                     latest: @escaping @Sendable () -> Snapshot?,
                                     extra: @escaping @Sendable () -> [PrometheusExporter.ExtraCounter] = { [] })
        throws(StartError) -> MetricsServer
    {
        let outcome = StartOutcome()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let result: Result<MetricsServer, StartError>
            do throws(StartError) {
                result = .success(try await start(listen: listen, exporter: exporter, latest: latest, extra: extra))
            } catch {
                result = .failure(error)
            }
            outcome.value.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        switch outcome.value.withLock({ $0 }) {
        case .success(let server)?: return server
        case .failure(let e)?: throw e
        case nil: throw StartError(description: "--metrics-listen \(listen): did not start")
        }
    }

    private final class StartOutcome: Sendable {
        let value = Mutex<Result<MetricsServer, StartError>?>(nil)
    }

    private static func explain(_ error: any Error) -> String {
        if let s = error as? SocketError, case .failed(_, let errno, let message) = s {
            return errno == EADDRINUSE ? "address already in use" : message
        }
        return "\(error)"
    }

    /// Stops listening (connections in progress are dropped).
    public func stop() {
        let t = task.withLock { t in
            defer { t = nil }
            return t
        }
        t?.cancel()
    }
}
