import Dispatch
import Foundation
import MLWatchCore
import Synchronization

/// `--alertmanager URL` (`notify.alertmanager:`): keeps Alertmanager's view of this instance's alerts in
/// line with the published snapshots, the way Prometheus does — `POST /api/v2/alerts` with every active
/// alert when the set changes and again every `resendInterval` while they stay active (Alertmanager
/// resolves an alert that is not re-sent before its `endsAt`), and once more with `endsAt` = now when an
/// alert resolves (or leaves the rules).
///
/// Active means firing, acknowledged or snoozed: an acknowledgement or a snooze does not end the incident;
/// muting it is Alertmanager's job (a silence). Pending alerts are not sent, as in Prometheus.
///
/// Runs on a queue of its own, reading `latest()` (the host's published snapshot); posts go through the
/// bounded `HTTPDeliveryQueue`, so a slow or dead Alertmanager delays nothing else. Failures show in
/// the delivery queue's errors (footer, stderr) and in `mlwatch_notification_errors_total{target="alertmanager"}`.
public final class AlertmanagerNotifier: Sendable {
    /// One alert as `POST /api/v2/alerts` takes it.
    public struct Alert: Sendable, Equatable, Codable {
        public var labels: [String: String]
        public var annotations: [String: String]
        public var startsAt: String
        public var endsAt: String
    }

    public let base: URL
    public let resendInterval: Double
    public let actor: String
    public let silencePoll: Double
    private let acknowledge: RemoteAcknowledgement?
    private let note: AlertNote?
    private let delivery: HTTPDeliveryQueue
    private let latest: @Sendable () -> Snapshot?
    private let clock: @Sendable () -> Double
    private let rules: Mutex<[String: AlertRule]>
    private let queue = DispatchQueue(label: "mlwatch.alertmanager")
    private let state = Mutex(SyncState())
    // Set by `start`, cancelled by `stop`; only touched on `queue`.
    private nonisolated(unsafe) var timer: (any DispatchSourceTimer)?

    private struct SyncState {
        /// What the last tick found active, by alert.
        var active: [AlertKey: Alert] = [:]
        /// Resolved alerts not yet accepted by Alertmanager (re-sent until they are).
        var resolved: [AlertKey: Alert] = [:]
        var lastSend: Double?
        /// Silences this instance made for its acknowledgements and snoozes (id nil while being created).
        var ours: [AlertKey: String?] = [:]
        /// Alerts acknowledged here because of a teammate's silence (its id).
        var remote: [AlertKey: String] = [:]
        /// When each acknowledgement's silence ends (it is extended while the alert stays acknowledged).
        var ends: [AlertKey: Double] = [:]
        /// When creating an alert's silence last failed (tried again `resendInterval` later, not every tick).
        var failed: [AlertKey: Double] = [:]
        var lastSilencePoll: Double?
    }

    struct AlertKey: Hashable, Sendable {
        var rule: String
        var labels: Labels
    }

    /// What the notifier asks of the engine when a teammate's silence covers a firing alert here: an
    /// acknowledgement with this note (it names the silence and who made it; the journal keeps it).
    public typealias RemoteAcknowledgement = @Sendable (_ rule: String, _ labels: Labels, _ actor: String, _ note: String) -> Void

    /// Attaches a note to an alert here (journaled): the id of the silence its acknowledgement became.
    public typealias AlertNote = @Sendable (_ rule: String, _ labels: Labels, _ note: String) -> Void

    /// - Parameters:
    ///   - actor: `createdBy` of the silences this instance makes.
    ///   - acknowledge: applies a teammate's silence as an acknowledgement (nil: silences are not read back).
    ///   - note: records the id of each silence made here with its alert.
    public init(base: URL, delivery: HTTPDeliveryQueue, rules: [AlertRule], resendInterval: Double = 60,
                actor: String = "mlwatch", silencePoll: Double = 5,
                latest: @escaping @Sendable () -> Snapshot?,
                acknowledge: RemoteAcknowledgement? = nil, note: AlertNote? = nil,
                clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.actor = actor
        self.silencePoll = silencePoll
        self.acknowledge = acknowledge
        self.note = note
        self.base = base
        self.delivery = delivery
        self.resendInterval = resendInterval
        self.latest = latest
        self.clock = clock
        self.rules = Mutex(Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }))
    }

    /// The rules whose labels go with the alerts (after a config reload).
    public func updateRules(_ rules: [AlertRule]) {
        self.rules.withLock { $0 = Dictionary(rules.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }) }
    }

    /// Looks at the newest snapshot every `tick` seconds until `stop()`.
    public func start(tick: Double = 1) {
        queue.sync {
            let t = DispatchSource.makeTimerSource(queue: queue)
            t.schedule(deadline: .now() + tick, repeating: tick, leeway: .milliseconds(50))
            t.setEventHandler { [weak self] in self?.sync() }
            t.resume()
            timer = t
        }
    }

    public func stop() {
        queue.sync {
            timer?.cancel()
            timer = nil
        }
    }

    /// One round: compare the snapshot's active alerts with what Alertmanager was told, post if needed.
    /// (The timer calls it on the notifier's queue; tests call it directly.)
    public func sync() {
        guard let snapshot = latest() else { return }
        let now = clock()
        let rules = self.rules.withLock { $0 }
        var current: [AlertKey: Alert] = [:]
        for a in snapshot.alerts {
            switch a.state {
            case .firing, .acknowledged, .snoozed: break
            case .inactive, .pending, .resolved: continue
            }
            let key = AlertKey(rule: a.rule, labels: a.labels)
            current[key] = Self.alert(a, rule: rules[a.rule], endsAt: now + 4 * resendInterval, now: now)
        }
        let body: [Alert]? = state.withLock { s in
            for (key, sent) in s.active where current[key] == nil {
                var ended = sent
                ended.endsAt = TimestampParser.format(now)
                s.resolved[key] = ended
            }
            for key in current.keys { s.resolved[key] = nil }
            let changed = Set(current.keys) != Set(s.active.keys)
            s.active = current
            let due = s.lastSend.map { now - $0 >= resendInterval } ?? true
            guard changed || due || !s.resolved.isEmpty, !(current.isEmpty && s.resolved.isEmpty) else { return nil }
            s.lastSend = now
            return current.sorted { Self.order($0.key, $1.key) }.map(\.value)
                + s.resolved.sorted { Self.order($0.key, $1.key) }.map(\.value)
        }
        syncSilences(snapshot, now: now)
        guard let body else { return }
        let resolvedSent = Set(body.filter { TimestampParser.parse($0.endsAt).map { $0 <= now } ?? false }.map(\.labels))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(body) else { return }
        delivery.enqueue(
            method: "POST", url: base.appendingPathComponent("api/v2/alerts"), headers: [("Content-Type", "application/json")],
            body: Array(data), target: "alertmanager", what: "alertmanager \(base.absoluteString): \(body.count) alerts"
        ) { [weak self] result in
            guard case .success(let r) = result, (200..<300).contains(r.status), let self else { return }
            self.state.withLock { s in s.resolved = s.resolved.filter { !resolvedSent.contains($0.value.labels) } }
        }
    }

    // MARK: Silences

    /// A silence as `GET /api/v2/silences` lists it (the fields used here).
    struct Silence: Decodable {
        struct Matcher: Codable {
            var name: String
            var value: String
            var isRegex: Bool
            var isEqual: Bool?
        }

        struct Status: Decodable {
            var state: String
        }

        var id: String
        var matchers: [Matcher]
        var createdBy: String
        var comment: String
        var status: Status
        /// When it ends (RFC 3339; the fleet dashboard shows a snooze's end).
        var endsAt: String?
    }

    /// The body of `POST /api/v2/silences`.
    struct NewSilence: Encodable {
        var id: String?
        var matchers: [Silence.Matcher]
        var startsAt: String
        var endsAt: String
        var createdBy: String
        var comment: String
    }

    static let maxSilencesBytes = 4 << 20

    /// The matchers of an alert's silence: `alertname` and the alert's labels, all equalities.
    static func matchers(rule: String, labels: Labels) -> [Silence.Matcher] {
        [Silence.Matcher(name: "alertname", value: rule, isRegex: false, isEqual: true)]
            + labels.pairs.map { Silence.Matcher(name: $0.key, value: $0.value, isRegex: false, isEqual: true) }
    }

    /// Local acknowledgements and snoozes become silences (an undo or a resolve expires them); teammates'
    /// silences that cover a firing alert here become acknowledgements. Called on the notifier's queue.
    private func syncSilences(_ snapshot: Snapshot, now: Double) {
        var create: [(AlertKey, NewSilence, String?)] = []
        var expire: [String] = []
        let pollDue: Bool = state.withLock { s in
            var present = Set<AlertKey>()
            for a in snapshot.alerts {
                let key = AlertKey(rule: a.rule, labels: a.labels)
                present.insert(key)
                switch a.state {
                case .acknowledged, .snoozed:
                    guard s.remote[key] == nil else { continue }
                    if case .some(.some(let id)) = s.ours[key] {
                        // An acknowledgement's silence lasts as long as the alert: extended (same id) a day
                        // at a time while it stays acknowledged.
                        guard a.state == .acknowledged, let end = s.ends[key], end - now < 43_200 else { continue }
                        s.ends[key] = now + 86_400
                        create.append((key, NewSilence(
                            id: id, matchers: Self.matchers(rule: a.rule, labels: a.labels), startsAt: TimestampParser.format(now),
                            endsAt: TimestampParser.format(now + 86_400), createdBy: a.acknowledgedBy ?? actor,
                            comment: "acknowledged in mlwatch" + (a.note.map { ": \($0)" } ?? "")), nil))
                        continue
                    }
                    guard s.ours[key] == nil, s.failed[key].map({ now - $0 >= resendInterval }) ?? true else { continue }
                    // A snooze lasts its event-time length from now; an acknowledgement as long as the alert
                    // fires (a day at a time, expired when it resolves or is undone).
                    var end = now + 86_400
                    if a.state == .snoozed, let until = a.snoozedUntil, let newest = snapshot.newestEventTime {
                        end = now + max(60, until - newest)
                    }
                    let who = a.acknowledgedBy ?? actor
                    let comment = (a.state == .snoozed ? "snoozed in mlwatch" : "acknowledged in mlwatch") + (a.note.map { ": \($0)" } ?? "")
                    s.ours[key] = .some(nil)
                    if a.state == .acknowledged { s.ends[key] = end }
                    create.append((key, NewSilence(
                        id: nil, matchers: Self.matchers(rule: a.rule, labels: a.labels), startsAt: TimestampParser.format(now),
                        endsAt: TimestampParser.format(end), createdBy: who, comment: comment), a.note))
                case .firing:
                    if case .some(.some(let id)) = s.ours[key] {
                        expire.append(id)  // undone here
                        s.ours[key] = nil
                    }
                    s.remote[key] = nil
                    s.ends[key] = nil
                    s.failed[key] = nil
                case .inactive, .pending, .resolved:
                    if case .some(.some(let id)) = s.ours[key] { expire.append(id) }
                    s.ours[key] = nil
                    s.remote[key] = nil
                    s.ends[key] = nil
                    s.failed[key] = nil
                }
            }
            for (key, id) in s.ours where !present.contains(key) {
                if let id { expire.append(id) }
                s.ours[key] = nil
                s.ends[key] = nil
            }
            let due = acknowledge != nil && (s.lastSilencePoll.map { now - $0 >= silencePoll } ?? true)
            if due { s.lastSilencePoll = now }
            return due
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for (key, silence, previousNote) in create {
            guard let data = try? encoder.encode(silence) else { continue }
            delivery.enqueue(method: "POST", url: base.appendingPathComponent("api/v2/silences"),
                             headers: [("Content-Type", "application/json")], body: Array(data), target: "alertmanager",
                             what: "alertmanager silence for \(key.rule)") { [weak self] result in
                guard let self else { return }
                var id: String?
                if case .success(let r) = result, (200..<300).contains(r.status),
                    let object = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] {
                    id = object["silenceID"] as? String
                }
                let extended = silence.id != nil
                self.state.withLock { s in
                    if extended {
                        // Alertmanager may answer an update with a new id.
                        if let id, case .some(.some) = s.ours[key] { s.ours[key] = .some(id) }
                    } else if case .some(.none) = s.ours[key] {
                        // Failed: forget it; the next try comes `resendInterval` later while it stays acknowledged.
                        s.ours[key] = id.map { .some($0) } ?? nil
                        if id == nil { s.failed[key] = self.clock() }
                    }
                }
                if !extended, let id, let note = self.note {
                    note(key.rule, key.labels, (previousNote.map { "\($0) · " } ?? "") + "Alertmanager silence \(id)")
                }
            }
        }
        for id in expire {
            let safe = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-"))) ?? id
            delivery.enqueue(method: "DELETE", url: base.appendingPathComponent("api/v2/silence/\(safe)"), target: "alertmanager",
                             what: "alertmanager: expiring silence \(id)")
        }
        guard pollDue, let acknowledge else { return }
        let firing = snapshot.alerts.filter { $0.state == .firing }
        // Silences of a busy Alertmanager run long: this read may take up to 4 MiB (posts read 64 KiB).
        delivery.enqueue(method: "GET", url: base.appendingPathComponent("api/v2/silences"), target: "alertmanager",
                         what: "alertmanager: reading silences", maxResponseBytes: Self.maxSilencesBytes) { [weak self] result in
            guard let self, case .success(let r) = result, (200..<300).contains(r.status) else { return }
            guard !r.truncated, let silences = try? JSONDecoder().decode([Silence].self, from: Data(r.body)) else {
                self.delivery.fail(target: "alertmanager", "alertmanager: the silences could not be read "
                    + (r.truncated ? "(more than \(Self.maxSilencesBytes / 1_048_576) MiB)" : "(not the v2 API's JSON)"))
                return
            }
            let applied: [(AlertKey, String, String)] = self.state.withLock { s in
                let ourIDs = Set(s.ours.values.compactMap { $0 })
                var out: [(AlertKey, String, String)] = []  // (alert, author, note)
                for silence in silences where silence.status.state == "active" && !ourIDs.contains(silence.id) {
                    guard silence.matchers.allSatisfy({ !$0.isRegex && ($0.isEqual ?? true) }) else { continue }
                    let wanted = Dictionary(silence.matchers.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
                    for a in firing where s.remote[AlertKey(rule: a.rule, labels: a.labels)] == nil {
                        var have = a.labels.dictionary
                        have["alertname"] = a.rule
                        guard have == wanted else { continue }
                        let key = AlertKey(rule: a.rule, labels: a.labels)
                        s.remote[key] = silence.id
                        let note = "Alertmanager silence \(silence.id) by \(silence.createdBy)" + (silence.comment.isEmpty ? "" : ": \(silence.comment)")
                        out.append((key, silence.createdBy.isEmpty ? "alertmanager" : silence.createdBy, note))
                    }
                }
                return out
            }
            for (key, author, note) in applied { acknowledge(key.rule, key.labels, author, note) }
        }
    }

    private static func order(_ a: AlertKey, _ b: AlertKey) -> Bool {
        a.rule != b.rule ? a.rule < b.rule : a.labels < b.labels
    }

    /// The Alertmanager form of an alert: its labels with the rule's, `alertname` and `severity`; its
    /// annotations with `value` and `threshold`; `startsAt` when it started firing (never in the future).
    static func alert(_ a: AlertInstance, rule: AlertRule?, endsAt: Double, now: Double) -> Alert {
        var labels = rule?.labels ?? [:]
        labels.merge(a.labels.dictionary) { _, own in own }
        labels["alertname"] = a.rule
        if labels["severity"] == nil { labels["severity"] = a.severity.rawValue }
        var annotations = a.annotations
        if a.value.isFinite { annotations["value"] = PromFloat.number(a.value) }
        if let t = a.threshold, t.isFinite { annotations["threshold"] = PromFloat.number(t) }
        let started = min(a.firedAt ?? a.activeSince ?? now, now)
        return Alert(labels: labels, annotations: annotations, startsAt: TimestampParser.format(started),
                     endsAt: TimestampParser.format(endsAt))
    }
}
