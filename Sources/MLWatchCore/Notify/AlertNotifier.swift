import Dispatch
import Foundation
import Synchronization

/// Sends a JSON body to a webhook, bounded in time and in what it reads (MLWatchExport's
/// `BoundedHTTPClient`): the engine's module does no HTTP itself.
public protocol WebhookPoster: Sendable {
    /// Posts `body` to `url` in the background; calls `completion` with nil on a 2xx answer, else a short
    /// reason (`HTTP 500`, `timed out …`).
    func post(_ body: Data, to url: URL, completion: @escaping @Sendable (String?) -> Void)
}

/// Delivers alert notifications outside the terminal, in the background: runs a shell command per
/// notification (`--on-fire CMD`: `/bin/sh -c CMD` with the `AlertNotification` JSON on stdin and its
/// `environment` added to the command's) and/or posts them to an Alertmanager-compatible webhook
/// (`--webhook URL`) through a `WebhookPoster`.
///
/// `send` only enqueues: it never blocks the caller (the UI thread or the collector). Failures are kept
/// for `drainErrors()` (the dashboard shows them in the footer; headless runs print them on stderr).
/// Which transitions notify (once per incident, not while snoozed or acknowledged, never twice across
/// restarts) is the rule engine's decision, not the notifier's.
public final class AlertNotifier: Sendable {
    public let command: String?
    public let webhook: URL?
    /// Seconds a command may run before it is terminated, and a webhook request may take.
    public let timeout: Double
    private let rules: Mutex<[String: AlertRule]>
    private let errors = Mutex<[String]>([])
    private let inFlight = Mutex<Int>(0)
    private let queue = DispatchQueue(label: "mlwatch.notify")
    private let poster: (any WebhookPoster)?

    /// - Parameter poster: delivers `webhook` posts (required for them; without one a webhook is not used).
    public init(command: String?, webhook: URL?, poster: (any WebhookPoster)? = nil, rules: [AlertRule],
                timeout: Double = 10) {
        self.command = command
        self.webhook = poster == nil ? nil : webhook
        self.poster = poster
        self.timeout = timeout
        self.rules = Mutex(Self.byName(rules))
        // Writing a notification to a command that exited without reading it must not kill mlwatch.
        if command != nil { signal(SIGPIPE, SIG_IGN) }
    }

    /// Whether anything is configured.
    public var isActive: Bool { command != nil || webhook != nil }

    /// The rules whose annotations and labels go into notifications (after a config reload).
    public func updateRules(_ rules: [AlertRule]) {
        self.rules.withLock { $0 = Self.byName(rules) }
    }

    private static func byName(_ rules: [AlertRule]) -> [String: AlertRule] {
        Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Enqueues notifications for transitions; returns at once.
    public func send(_ transitions: [AlertTransition]) {
        guard isActive, !transitions.isEmpty else { return }
        let notifications = rules.withLock { rules in transitions.map { AlertNotification($0, rule: rules[$0.rule]) } }
        if let command {
            for n in notifications { run(command, input: n.json() + "\n", environment: n.environment, about: n.rule) }
        }
        if let webhook { post(AlertmanagerPayload.encode(notifications), to: webhook, about: notifications.map(\.rule)) }
    }

    /// Failures since the last call, oldest first.
    public func drainErrors() -> [String] {
        errors.withLock { e in
            defer { e.removeAll() }
            return e
        }
    }

    /// Deliveries started and not finished yet (for tests and a clean shutdown).
    public var pending: Int { inFlight.withLock { $0 } }

    /// Waits up to `seconds` for deliveries in flight; returns whether none is left.
    @discardableResult
    public func waitUntilIdle(seconds: Double) -> Bool {
        waitUntilIdle(until: .now + .seconds(seconds))
    }

    /// Waits until `deadline` at most for deliveries in flight; returns whether none is left. A stop passes
    /// a deadline counted from the signal, so the steps before this wait do not add to it.
    @discardableResult
    public func waitUntilIdle(until deadline: ContinuousClock.Instant) -> Bool {
        while pending > 0 {
            if ContinuousClock.now >= deadline { return false }
            usleep(10_000)
        }
        return true
    }

    private func report(_ message: String) {
        errors.withLock {
            $0.append(message)
            if $0.count > 20 { $0.removeFirst($0.count - 20) }
        }
    }

    private func begin() { inFlight.withLock { $0 += 1 } }
    private func end() { inFlight.withLock { $0 -= 1 } }

    // MARK: Command

    private func run(_ command: String, input: String, environment: [String: String], about rule: String) {
        begin()
        let timeout = self.timeout
        queue.async {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            let stdin = Pipe()
            process.standardInput = stdin
            process.standardOutput = FileHandle.nullDevice
            let stderr = Pipe()
            process.standardError = stderr
            let done = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in done.signal() }
            do {
                try process.run()
            } catch {
                self.report("--on-fire for \(rule): cannot start /bin/sh: \(error.localizedDescription)")
                self.end()
                return
            }
            // Write stdin and wait off the notify queue, so a slow command does not delay the next one.
            let errorOutput = Mutex<Data>(Data())
            let errorRead = DispatchSemaphore(value: 0)
            DispatchQueue.global(qos: .utility).async {
                let data = (try? stderr.fileHandleForReading.readToEnd()) ?? Data()
                errorOutput.withLock { $0 = data }
                errorRead.signal()
            }
            DispatchQueue.global(qos: .utility).async {
                let writer = stdin.fileHandleForWriting
                // A command that does not read its stdin closes the pipe early: the error is ignored
                // (SIGPIPE is ignored once a command notifier exists).
                try? writer.write(contentsOf: Data(input.utf8))
                try? writer.close()
                if done.wait(timeout: .now() + timeout) == .timedOut {
                    process.terminate()
                    self.report("--on-fire for \(rule): still running after \(Int(timeout))s, terminated")
                    _ = done.wait(timeout: .now() + 1)
                } else if process.terminationStatus != 0 {
                    _ = errorRead.wait(timeout: .now() + 1)
                    let data = errorOutput.withLock { $0 }
                    let text = String(decoding: data.prefix(200), as: UTF8.self)
                        .split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
                    self.report("--on-fire for \(rule): exit \(process.terminationStatus)" + (text.isEmpty ? "" : ": \(text)"))
                }
                self.end()
            }
        }
    }

    // MARK: Webhook

    private func post(_ body: Data, to url: URL, about rules: [String]) {
        guard let poster else { return }
        begin()
        let what = rules.count == 1 ? rules[0] : "\(rules.count) alerts"
        poster.post(body, to: url) { error in
            if let error { self.report("--webhook \(url.absoluteString) for \(what): \(error)") }
            self.end()
        }
    }
}
