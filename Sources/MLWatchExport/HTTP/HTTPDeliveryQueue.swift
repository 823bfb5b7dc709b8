import Dispatch
import Foundation
import MLWatchCore
import Synchronization

/// Runs outgoing HTTP requests one at a time on a queue of their own, with a bounded backlog: a slow or
/// dead receiver delays only its own deliveries, never the caller (the engine, the UI, the snapshot
/// publisher), and never grows memory — past `capacity` waiting requests, new ones are dropped and
/// reported. Failures are counted per target for `mlwatch_notification_errors_total{target}` and kept
/// (the last few) for the dashboard's footer.
public final class HTTPDeliveryQueue: Sendable {
    public let client: BoundedHTTPClient
    public let capacity: Int
    private let queue: DispatchQueue
    private let waiting = Atomic<Int>(0)
    private let errorLog = Mutex<[String]>([])
    private let errorCounts = Mutex<[String: Int]>([:])

    public init(client: BoundedHTTPClient = BoundedHTTPClient(), capacity: Int = 64, label: String = "mlwatch.http") {
        self.client = client
        self.capacity = capacity
        queue = DispatchQueue(label: label)
    }

    /// Requests waiting or in progress.
    public var pending: Int { waiting.load(ordering: .acquiring) }

    /// Queues a request; returns at once. `completion` runs on the delivery queue with the outcome
    /// (`.cancelled` once the queue is shut down). Returns false when the backlog is full (reported).
    @discardableResult
    /// - Parameter report: keep failures for `drainErrors()` (false when the caller reports them itself;
    ///   they are counted either way).
    public func enqueue(method: String, url: URL, headers: [(String, String)] = [], body: [UInt8] = [],
                        target: String, what: String, report: Bool = true, maxResponseBytes: Int? = nil,
                        completion: @escaping @Sendable (Result<BoundedHTTPClient.Response, BoundedHTTPClient.Failure>) -> Void = { _ in })
        -> Bool
    {
        if waiting.load(ordering: .acquiring) >= capacity {
            fail(target: target, "\(what): dropped, \(capacity) requests already waiting for \(url.host ?? "the receiver")",
                 report: report)
            return false
        }
        waiting.add(1, ordering: .acquiringAndReleasing)
        let client = self.client
        queue.async {
            let result = client.send(method: method, url: url, headers: headers, body: body, maxResponseBytes: maxResponseBytes)
            switch result {
            case .success(let r) where !(200..<300).contains(r.status):
                self.fail(target: target, "\(what): HTTP \(r.status)\(Self.reason(r.body))", report: report)
            case .failure(let f):
                self.fail(target: target, "\(what): \(f)", report: report)
            case .success:
                break
            }
            completion(result)
            self.waiting.subtract(1, ordering: .acquiringAndReleasing)
        }
        return true
    }

    /// A short, printable excerpt of an error body (Alertmanager says why it refused).
    private static func reason(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        let clean = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }))
            .trimmingCharacters(in: .whitespaces)
        return clean.isEmpty ? "" : ": " + clean
    }

    /// Records a failure of `target` (also called by users for their own errors).
    public func fail(target: String, _ message: String, report: Bool = true) {
        errorCounts.withLock { $0[target, default: 0] += 1 }
        guard report else { return }
        errorLog.withLock {
            $0.append(message)
            if $0.count > 20 { $0.removeFirst($0.count - 20) }
        }
    }

    /// Failures since the last call, oldest first.
    public func drainErrors() -> [String] {
        errorLog.withLock { e in
            defer { e.removeAll() }
            return e
        }
    }

    /// Failures so far, by target (cumulative).
    public var errorsByTarget: [String: Int] { errorCounts.withLock { $0 } }

    /// `mlwatch_notification_errors_total{target}` for `/metrics`.
    public var errorCounters: [PrometheusExporter.ExtraCounter] {
        errorsByTarget.sorted { $0.key < $1.key }.map {
            .init(name: "mlwatch_notification_errors_total", help: "Failed notification deliveries, by target.",
                  labels: ["target": $0.key], value: $0.value)
        }
    }

    /// Waits up to `seconds` for the backlog to drain; returns whether it did.
    @discardableResult
    public func waitUntilIdle(seconds: Double) -> Bool {
        let deadline = BoundedHTTPClient.now() + seconds
        while pending > 0 {
            if BoundedHTTPClient.now() >= deadline { return false }
            usleep(10_000)
        }
        return true
    }

    /// Abandons every request in progress or waiting (shutdown): they end within ~100 ms as cancelled.
    public func shutdown() { client.cancel() }
}

/// `--webhook`: the notifier's posts through the bounded client.
public struct BoundedWebhookPoster: WebhookPoster {
    public let delivery: HTTPDeliveryQueue

    public init(delivery: HTTPDeliveryQueue) {
        self.delivery = delivery
    }

    public func post(_ body: Data, to url: URL, completion: @escaping @Sendable (String?) -> Void) {
        let accepted = delivery.enqueue(
            method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array(body),
            target: "webhook", what: "--webhook \(url.absoluteString)", report: false
        ) { result in
            switch result {
            case .success(let r) where (200..<300).contains(r.status): completion(nil)
            case .success(let r): completion("HTTP \(r.status)")
            case .failure(let f): completion(f.description)
            }
        }
        if !accepted { completion("dropped: too many deliveries waiting") }
    }
}
