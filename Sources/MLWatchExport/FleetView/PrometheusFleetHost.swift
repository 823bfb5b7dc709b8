import Dispatch
import Foundation
import MLWatchCore
import Synchronization

/// The dashboard's engine for a fleet: instead of owning a `MonitorState`, it asks Prometheus. Every
/// `Options.refresh` seconds it runs the five `FleetQueries` (and reads Alertmanager when given) — all at
/// once, on worker threads, each bounded by the client's timeout — builds a `Snapshot` from the answers
/// (`FleetSnapshotBuilder`) and publishes it like `EngineHost` does, so every panel works unchanged.
///
/// Never blocks the UI: `published` is a copy under a lock, `send` returns at once, HTTP runs on
/// `io`. A refresh still running when the next one is due is not doubled: the tick is skipped.
/// When Prometheus is unreachable, slow or answers errors, the last answers of each query stay on screen
/// and `Published.connection` says what failed since when (the header marks the data stale). Each query
/// keeps its own last answer, so one failing query does not blank the others.
///
/// Commands: `.scope(instance:)` narrows every panel to one instance (and back); `.reloadConfig` (`r`)
/// refreshes at once; with Alertmanager, `.acknowledge`/`.snooze` create silences and `.undo` expires the
/// silences of an alert; the rest answer with a message saying where that is done in a fleet.
///
/// Sparklines start full: when it starts and when the scope changes, the last `historyPoints` refreshes'
/// worth of the software, input and output queries is read with `query_range` and published as a
/// `HistoryBackfill`.
public final class PrometheusFleetHost: EngineLink, Sendable {
    public struct Options: Sendable {
        /// Seconds between refreshes.
        public var refresh: Double
        /// The range of `rate()` (PromQL duration).
        public var rateWindow: String
        /// `--match`.
        public var matchers: [PromMatcher]
        /// Points of history read for the sparklines (0: none).
        public var historyPoints: Int
        /// Who acknowledges (the silences' `createdBy`).
        public var actor: String
        /// The config's drift settings (the fleet PSI's thresholds) and its rules' thresholds.
        public var drift: DriftSettings
        public var thresholds: [MetricThreshold]

        public init(refresh: Double = 5, rateWindow: String = "1m", matchers: [PromMatcher] = [], historyPoints: Int = 120,
                    actor: String, drift: DriftSettings = DriftSettings(), thresholds: [MetricThreshold] = []) {
            self.refresh = refresh
            self.rateWindow = rateWindow
            self.matchers = matchers
            self.historyPoints = historyPoints
            self.actor = actor
            self.drift = drift
            self.thresholds = thresholds
        }
    }

    /// How long an acknowledgement's silence lasts (expired earlier when the alert resolves while the
    /// dashboard runs, as the instances do).
    public static let acknowledgementSeconds = 86_400.0

    private let client: PrometheusQueryClient
    private let alertmanager: FleetAlertmanager?
    private let options: Options
    private let clock: HostClock
    private let queue = DispatchQueue(label: "mlwatch.fleet", qos: .userInitiated)
    /// Blocking HTTP calls; a custom concurrent queue, so that each waiting call has a thread of its own.
    private let io = DispatchQueue(label: "mlwatch.fleet.io", qos: .userInitiated, attributes: .concurrent)
    /// Everything mutable; touched only on `queue`.
    private nonisolated(unsafe) let confined: Confined
    private let current: Mutex<EngineHost.Published>
    /// Refreshes and history reads still running (tests and shutdown wait for them).
    private let running = Atomic<Int>(0)

    public init(client: PrometheusQueryClient, alertmanager: FleetAlertmanager?, options: Options, clock: HostClock) {
        self.client = client
        self.alertmanager = alertmanager
        self.options = options
        self.clock = clock
        let target = "Prometheus " + Self.hostPort(client.base)
        let builder = FleetSnapshotBuilder(
            source: "prometheus " + client.base.absoluteString, scope: nil, mode: .live,
            alertSource: alertmanager.map { "Alertmanager " + $0.base.absoluteString } ?? "mlwatch_alert series",
            silences: alertmanager != nil, drift: options.drift, thresholds: options.thresholds)
        let empty = builder.build(FleetAnswers(), at: clock.wall(), builtAt: clock.wall())
        let connection = ConnectionStatus(target: target, refreshInterval: options.refresh)
        confined = Confined(builder: builder, snapshot: empty, connection: connection)
        current = Mutex(EngineHost.Published(snapshot: empty, activity: "connecting to \(target)", connection: connection))
    }

    /// `host:port` of a URL (the header is narrow).
    static func hostPort(_ url: URL) -> String {
        (url.host ?? url.absoluteString) + (url.port.map { ":\($0)" } ?? "") + (url.path.isEmpty || url.path == "/" ? "" : url.path)
    }

    public var published: EngineHost.Published { current.withLock { $0 } }

    public func send(_ command: EngineCommand) {
        queue.async { self.apply(command) }
    }

    /// Starts the refresh timer; the first refresh and the history read start at once.
    public func start() {
        queue.async {
            let c = self.confined
            guard c.timer == nil, !c.stopped else { return }
            self.refresh()
            self.readHistory()
            let t = DispatchSource.makeTimerSource(queue: self.queue)
            t.schedule(deadline: .now() + self.options.refresh, repeating: self.options.refresh, leeway: .milliseconds(50))
            t.setEventHandler { [weak self] in self?.tick() }
            t.resume()
            c.timer = t
        }
    }

    /// Stops the timer and abandons the queries in progress (they end within ~100 ms).
    public func stop() {
        client.cancel()
        alertmanager?.cancel()
        queue.sync {
            confined.stopped = true
            confined.timer?.cancel()
            confined.timer = nil
        }
    }

    /// Runs one refresh now (as `r` does). For tests and the benchmark.
    public func refreshNow() {
        queue.async { self.refresh(force: true) }
    }

    /// Waits until no refresh, history read or silence request is running and the commands sent so far
    /// were applied. Tests only.
    public func waitUntilIdle(timeout: Double = 30) {
        let deadline = clock.monotonic() + timeout
        repeat {
            queue.sync {}
            if running.load(ordering: .acquiring) == 0, queue.sync(execute: { !confined.refreshing && !confined.pendingRefresh }) { return }
            usleep(5_000)
        } while clock.monotonic() < deadline
    }

    // MARK: On the queue

    private func tick() {
        // A refresh slower than the interval is not doubled (that would pile load on a struggling server).
        guard !confined.refreshing else { return }
        refresh()
    }

    private var queries: FleetQueries {
        FleetQueries(matchers: options.matchers, instance: confined.scope, rateWindow: options.rateWindow,
                     recordingRule: confined.recordingRule)
    }

    /// Starts a refresh unless one is running (`force`: run one more as soon as it ends).
    private func refresh(force: Bool = false) {
        let c = confined
        guard !c.stopped else { return }
        if c.refreshing {
            if force { c.pendingRefresh = true }
            return
        }
        c.refreshing = true
        let generation = c.scopeGeneration
        let queries = self.queries
        let time = clock.wall()
        let client = self.client
        let alertmanager = self.alertmanager
        let group = DispatchGroup()
        let answers = Mutex<[FleetQueries.Kind: Result<PromResponse, PromQueryError>]>([:])
        let alerts = Mutex<Result<FleetAlertmanager.View, FleetAlertmanager.Failure>?>(nil)
        running.add(1, ordering: .acquiringAndReleasing)
        for kind in FleetQueries.Kind.allCases {
            group.enter()
            io.async {
                let r = client.instant(queries.query(kind), at: time)
                answers.withLock { $0[kind] = r }
                group.leave()
            }
        }
        if let alertmanager {
            group.enter()
            io.async {
                let r = alertmanager.view()
                alerts.withLock { $0 = r }
                group.leave()
            }
        }
        group.notify(queue: queue) {
            self.finishRefresh(generation: generation, time: time, answers: answers.withLock { $0 }, alerts: alerts.withLock { $0 })
            self.running.subtract(1, ordering: .acquiringAndReleasing)
        }
    }

    private func finishRefresh(generation: Int, time: Double, answers: [FleetQueries.Kind: Result<PromResponse, PromQueryError>],
                               alerts: Result<FleetAlertmanager.View, FleetAlertmanager.Failure>?) {
        let c = confined
        c.refreshing = false
        defer {
            if c.pendingRefresh {
                c.pendingRefresh = false
                refresh()
            }
        }
        guard generation == c.scopeGeneration else {
            // Asked for another scope meanwhile: these answers are for the old one.
            c.pendingRefresh = true
            return
        }
        var problems: [String] = []
        var notes: [String] = []
        var anySuccess = false
        for kind in FleetQueries.Kind.allCases {
            switch answers[kind] {
            case .success(let r)?:
                anySuccess = true
                c.answers.samples[kind] = r.data.samples
                if let total = r.cappedFrom {
                    notes.append("\(kind.rawValue): \(total) series, the first \(r.data.count) shown")
                }
                if r.histogramsSkipped > 0 { notes.append("\(kind.rawValue): \(r.histogramsSkipped) native histogram series not read") }
                for w in r.warnings.prefix(2) { notes.append("\(kind.rawValue): \(w)") }
                if kind == .input {
                    let probe = r.data.samples.first { $0.labels[FleetQueries.statLabel] == "psi_rule" }
                    c.recordingRule = (probe?.value ?? 0) > 0
                }
            case .failure(let e)?:
                problems.append("\(kind.rawValue): \(e)")
            case nil:
                problems.append("\(kind.rawValue): no answer")
            }
        }
        switch alerts {
        case .success(let view)?:
            c.answers.alertmanager = view.alerts
            c.silencedBy = view.silencedBy
            expireResolvedSilences(present: Set(view.alerts.map { FleetAlertmanager.AlertKey(rule: $0.rule, labels: $0.labels) }))
        case .failure(let m)?:
            problems.append("Alertmanager: \(m)")
        case nil:
            break
        }
        c.connection.problem = Self.summarize(problems)
        if problems.isEmpty { c.connection.lastSuccess = time }
        if anySuccess { c.connection.dataTime = time }
        c.notes = notes
        if anySuccess || alerts != nil { c.dataTime = time }
        // "connecting …", "narrowing to …": this answer is what they waited for (failed or not).
        c.activity = nil
        rebuild()
        notifyNewlyFiring(at: time)
        publish()
    }

    /// Alerts that started firing since the last refresh become notifications (the dashboard rings the
    /// bell for a critical one), like an engine's transitions. Compared on the fleet-wide list whatever
    /// the scope (a critical alert on another instance still rings while one instance is shown):
    /// Alertmanager's alerts when it is read, else the instances' `mlwatch_alert` series. The first answer
    /// of that source is the baseline: what already fires when the dashboard starts does not ring.
    private func notifyNewlyFiring(at time: Double) {
        let c = confined
        let current = alertmanager != nil
            ? c.answers.alertmanager
            : c.answers.samples[.alerts].map { FleetSnapshotBuilder.alerts(from: $0, scope: nil) }
        guard let current else { return }  // the source has not answered yet
        defer { c.bellAlerts = current }
        guard let before = c.bellAlerts else { return }
        let fresh = Self.newlyFiring(before: before, after: current, at: time)
        c.notificationCount += fresh.count
        c.notifications.append(contentsOf: fresh)
        if c.notifications.count > EngineHost.recentLimit { c.notifications.removeFirst(c.notifications.count - EngineHost.recentLimit) }
    }

    /// The alerts of `after` that fire and were not active in `before` (same rule and labels: absent,
    /// pending or resolved), as transitions. An acknowledged or snoozed alert that fires again (its silence
    /// expired or was undone) does not ring: someone has seen it, as an engine notifies once per incident.
    static func newlyFiring(before: [AlertInstance], after: [AlertInstance], at time: Double) -> [AlertTransition] {
        struct Key: Hashable {
            var rule: String
            var labels: Labels
        }
        // One rule and label set can be listed in several states (mlwatch_alert series of instances that
        // disagree): the most active one counts.
        func rank(_ s: AlertState) -> Int {
            switch s {
            case .firing, .acknowledged, .snoozed: return 2
            case .pending: return 1
            case .inactive, .resolved: return 0
            }
        }
        let was = Dictionary(before.map { (Key(rule: $0.rule, labels: $0.labels), $0.state) },
                             uniquingKeysWith: { a, b in rank(a) >= rank(b) ? a : b })
        var rung = Set<Key>()
        return after.compactMap { a in
            let key = Key(rule: a.rule, labels: a.labels)
            let from = was[key] ?? .inactive
            guard a.state == .firing, rank(from) < 2, rung.insert(key).inserted else { return nil }
            return AlertTransition(time: time, rule: a.rule, labels: a.labels.dictionary, from: from, to: .firing, value: a.value,
                                   threshold: a.threshold, severity: a.severity, firedAt: a.firedAt)
        }
    }

    /// One line for the header: identical failures (Prometheus down: every query alike) said once.
    static func summarize(_ problems: [String]) -> String? {
        guard !problems.isEmpty else { return nil }
        let reasons = problems.map { p -> String in
            guard let colon = p.firstIndex(of: ":") else { return p }
            return String(p[p.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        }
        if Set(reasons).count == 1, problems.count > 1 { return reasons[0] }
        return problems.joined(separator: "; ")
    }

    private func rebuild() {
        let c = confined
        var builder = c.builder
        builder.scope = c.scope
        let snapshot = builder.build(c.answers, at: c.dataTime ?? clock.wall(), builtAt: clock.wall(), notes: c.notes)
        c.snapshot = snapshot
        c.snapshotGeneration += 1
    }

    private func apply(_ command: EngineCommand) {
        let c = confined
        switch command {
        case .scope(let instance):
            guard instance != c.scope else { break }
            c.scope = instance
            c.scopeGeneration += 1
            // What the panels showed belongs to the old scope: they wait for the new answers (instances
            // and alerts are fleet-wide and stay).
            for kind in [FleetQueries.Kind.software, .input, .output] { c.answers.samples[kind] = nil }
            c.activity = instance.map { "narrowing to \($0)" } ?? "back to the whole fleet"
            say(instance.map { "Showing instance \($0) (Esc: the whole fleet)" } ?? "Showing the whole fleet")
            rebuild()
            refresh(force: true)
            readHistory()
        case .reloadConfig:
            say("Refreshing from \(c.connection.target)")
            refresh(force: true)
        case .replay:
            say("replay controls work only in a replay (mlwatch replay --prometheus URL --from T --to T)", isError: true)
        case .acknowledge(let rule, let labels, let note):
            let comment = "acknowledged in mlwatch" + (note.map { ": \($0)" } ?? "")
            silence(rule: rule, labels: labels, seconds: Self.acknowledgementSeconds, comment: comment, what: "Acknowledged")
        case .snooze(let rule, let labels, let seconds):
            silence(rule: rule, labels: labels, seconds: seconds, comment: "snoozed in mlwatch for \(DurationText.format(seconds))",
                    what: "Snoozed")
        case .undo(let rule, let labels):
            guard let alertmanager else {
                noAlertmanager()
                break
            }
            let key = FleetAlertmanager.AlertKey(rule: rule, labels: labels)
            let ids = Array(Set((c.silencedBy[key] ?? []) + (c.ours[key].map { [$0] } ?? []))).sorted()
            guard !ids.isEmpty else {
                say("\(rule) has no silence to expire", isError: true)
                break
            }
            c.ours[key] = nil
            request {
                let failures = ids.compactMap { id -> String? in
                    if case .failure(let m) = alertmanager.expire(id) { return "\(id): \(m)" }
                    return nil
                }
                return failures.isEmpty
                    ? ("Expired the silence\(ids.count > 1 ? "s" : "") of \(rule) in Alertmanager", false)
                    : ("could not expire the silence of \(rule): \(failures.joined(separator: "; "))", true)
            }
        case .acknowledgeForPeer, .addNote:
            say("acknowledgements of a fleet are Alertmanager silences (their comment is the note)", isError: true)
        case .overrideThreshold:
            say("a fleet's thresholds are in Prometheus' rule file (mlwatch export prometheus-rules): edit and reload it there",
                isError: true)
        }
        publish()
    }

    private func noAlertmanager() {
        say("alerts here come from each instance's mlwatch_alert series (read-only): start with --alertmanager URL to "
            + "acknowledge and snooze them as Alertmanager silences", isError: true)
    }

    /// A silence for one alert, from now for `seconds`; the outcome comes back as a message, then a refresh
    /// shows the alert's new state.
    private func silence(rule: String, labels: Labels, seconds: Double, comment: String, what: String) {
        guard let alertmanager else { return noAlertmanager() }
        let key = FleetAlertmanager.AlertKey(rule: rule, labels: labels)
        let now = clock.wall()
        let actor = options.actor
        request {
            switch alertmanager.silence(rule: rule, labels: labels, now: now, until: now + seconds, createdBy: actor, comment: comment) {
            case .success(let id):
                self.queue.async { self.confined.ours[key] = id }
                return ("\(what) \(rule) (Alertmanager silence \(id), until \(Self.clockTime(now + seconds)))", false)
            case .failure(let m):
                return ("\(what.lowercased()) \(rule) failed: Alertmanager: \(m)", true)
            }
        }
    }

    /// Runs an Alertmanager request on a worker; its message is said on the queue, then a refresh follows.
    private func request(_ work: @escaping @Sendable () -> (String, Bool)) {
        running.add(1, ordering: .acquiringAndReleasing)
        io.async {
            let (text, isError) = work()
            self.queue.async {
                self.say(text, isError: isError)
                self.refresh(force: true)
                self.publish()
                self.running.subtract(1, ordering: .acquiringAndReleasing)
            }
        }
    }

    /// Silences this dashboard made for alerts that Alertmanager no longer lists (resolved) are expired,
    /// so the next incident of the same alert is not muted.
    private func expireResolvedSilences(present: Set<FleetAlertmanager.AlertKey>) {
        guard let alertmanager else { return }
        let c = confined
        let gone = c.ours.filter { !present.contains($0.key) }
        guard !gone.isEmpty else { return }
        for key in gone.keys { c.ours[key] = nil }
        io.async {
            for id in gone.values { _ = alertmanager.expire(id) }
        }
    }

    static func clockTime(_ t: Double) -> String {
        String(TimestampParser.format(t).dropFirst(11).prefix(5)) + "Z"
    }

    /// Reads the sparklines' history of the scope (software, input and output over the last
    /// `historyPoints` refreshes) and publishes it as a backfill.
    private func readHistory() {
        let c = confined
        guard options.historyPoints > 1, !c.stopped else { return }
        let generation = c.scopeGeneration
        let queries = self.queries
        let step = max(1, options.refresh.rounded())
        let end = (clock.wall() / step).rounded(.down) * step
        let start = end - step * Double(options.historyPoints - 1)
        var scoped = c.builder
        scoped.scope = c.scope
        let builder = scoped
        let client = self.client
        running.add(1, ordering: .acquiringAndReleasing)
        io.async {
            var range = FleetRangeAnswers(start: start, end: end, step: step)
            var failures: [String] = []
            let kinds: [FleetQueries.Kind] = [.software, .input, .output]
            let results = Mutex<[FleetQueries.Kind: Result<PromResponse, PromQueryError>]>([:])
            DispatchQueue.concurrentPerform(iterations: kinds.count) { i in
                let r = client.range(queries.query(kinds[i]), start: start, end: end, step: step)
                results.withLock { $0[kinds[i]] = r }
            }
            for (kind, r) in results.withLock({ $0 }) {
                switch r {
                case .success(let answer): range.series[kind] = answer.data.series
                // Prometheus unreachable: the header says so already.
                case .failure(.transport): failures.append("")
                case .failure(let e): failures.append("history (\(kind.rawValue)): \(e)")
                }
            }
            let failure = failures.isEmpty ? nil : (failures.first { !$0.isEmpty } ?? "")
            let backfill = failure == nil ? Self.history(range, builder: builder) : nil
            self.queue.async {
                defer { self.running.subtract(1, ordering: .acquiringAndReleasing) }
                let c = self.confined
                guard generation == c.scopeGeneration, !c.stopped else { return }
                if let failure {
                    if !failure.isEmpty { self.say("sparklines start empty: \(failure)", isError: true) }
                } else if var backfill {
                    c.backfillSerial += 1
                    backfill.serial = c.backfillSerial
                    c.backfill = backfill
                }
                self.publish()
            }
        }
    }

    /// The metrics of the snapshots at every step of `range`, as history series.
    static func history(_ range: FleetRangeAnswers, builder: FleetSnapshotBuilder) -> HistoryBackfill {
        struct Key: Hashable {
            var name: String
            var labels: Labels
        }
        var series: [Key: HistoryBackfill.Series] = [:]
        for t in range.times {
            let snapshot = builder.build(range.answers(at: t), at: t, builtAt: t)
            for m in snapshot.metrics {
                let k = Key(name: m.name, labels: m.labels)
                var s = series[k] ?? HistoryBackfill.Series(name: m.name, labels: m.labels, times: [], values: [])
                s.times.append(t)
                s.values.append(m.value)
                series[k] = s
            }
        }
        return HistoryBackfill(serial: 0, series: series.values.sorted { ($0.name, $0.labels) < ($1.name, $1.labels) })
    }

    private func say(_ text: String, isError: Bool = false) {
        let c = confined
        c.messageSerial += 1
        c.messages.append(HostMessage(serial: c.messageSerial, text: text, isError: isError))
        if c.messages.count > EngineHost.recentLimit { c.messages.removeFirst(c.messages.count - EngineHost.recentLimit) }
    }

    private func publish() {
        let c = confined
        c.generation += 1
        let p = EngineHost.Published(generation: c.generation, snapshot: c.snapshot, snapshotGeneration: c.snapshotGeneration,
                                     notifications: c.notifications, notificationCount: c.notificationCount, activity: c.activity,
                                     messages: c.messages, connection: c.connection, backfill: c.backfill)
        current.withLock { $0 = p }
    }
}

extension PrometheusFleetHost {
    /// The host's mutable state, confined to its queue.
    private final class Confined {
        let builder: FleetSnapshotBuilder
        var timer: (any DispatchSourceTimer)?
        var stopped = false
        var scope: String?
        /// Increases with every change of scope: answers for an older one are dropped.
        var scopeGeneration = 0
        /// Whether the recording rule `mlwatch:drift_psi:fleet` answered (probed by the input query).
        var recordingRule = false
        var refreshing = false
        var pendingRefresh = false
        /// Each query's last answer (kept when a later one fails).
        var answers = FleetAnswers()
        var silencedBy: [FleetAlertmanager.AlertKey: [String]] = [:]
        /// Silences made here, by alert (expired when the alert resolves).
        var ours: [FleetAlertmanager.AlertKey: String] = [:]
        var connection: ConnectionStatus
        var dataTime: Double?
        var notes: [String] = []
        var activity: String?
        var snapshot: Snapshot
        var snapshotGeneration = 0
        var generation = 0
        var messages: [HostMessage] = []
        var messageSerial = 0
        var backfill: HistoryBackfill?
        var backfillSerial = 0
        /// Alerts that started firing (for the bell), newest last, and how many ever did.
        var notifications: [AlertTransition] = []
        var notificationCount = 0
        /// The fleet-wide alerts of the last refresh the bell compares with; nil until their source answered.
        var bellAlerts: [AlertInstance]?

        init(builder: FleetSnapshotBuilder, snapshot: Snapshot, connection: ConnectionStatus) {
            self.builder = builder
            self.snapshot = snapshot
            self.connection = connection
            activity = "connecting to \(connection.target)"
        }
    }
}
