import Foundation
import MLWatchCore

/// The fleet dashboard's side of Alertmanager (v2 API): the alerts it lists, with its silences read as
/// acknowledgements and snoozes (the same reading as `AlertmanagerNotifier`: a silence whose comment says
/// "snoozed" is a snooze until its end, any other an acknowledgement by its author), and the silences the
/// `a`/`s`/`u` keys create and expire. Blocking, through the bounded HTTP client: call it from worker threads.
public final class FleetAlertmanager: Sendable {
    public let base: URL
    private let http: BoundedHTTPClient

    public init(base: URL, timeout: Double = 5, tls: TLSSettings = TLSSettings()) {
        self.base = base
        http = BoundedHTTPClient(connectTimeout: min(2, timeout), totalTimeout: timeout, maxResponseBytes: 8 * 1_048_576, tls: tls)
    }

    /// Why a request failed, in words for the footer.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String

        init(_ description: String) {
            self.description = description
        }
    }

    /// What Alertmanager lists: its alerts as the Alerts panel shows them, and the silences covering each.
    public struct View: Sendable, Equatable {
        public var alerts: [AlertInstance]
        /// The active silences that silence each alert (by rule and labels), for `u`.
        public var silencedBy: [AlertKey: [String]]
    }

    /// An alert as the dashboard's commands name it.
    public struct AlertKey: Sendable, Hashable {
        public var rule: String
        public var labels: Labels

        public init(rule: String, labels: Labels) {
            self.rule = rule
            self.labels = labels
        }
    }

    /// `GET /api/v2/alerts` (active, silenced, inhibited and unprocessed) and `GET /api/v2/silences`.
    public func view() -> Result<View, Failure> {
        let alertsURL = base.appendingPathComponent("api/v2/alerts")
        let list: [GettableAlert]
        switch get(URL(string: alertsURL.absoluteString + "?active=true&silenced=true&inhibited=true&unprocessed=true")!) {
        case .failure(let m): return .failure(Failure("alerts: \(m)"))
        case .success(let body):
            switch Self.alertList(body) {
            case .success(let decoded): list = decoded
            case .failure(let f): return .failure(f)
            }
        }
        var silences: [String: AlertmanagerNotifier.Silence] = [:]
        if list.contains(where: { !($0.status.silencedBy ?? []).isEmpty }) {
            switch get(base.appendingPathComponent("api/v2/silences")) {
            case .failure(let m): return .failure(Failure("silences: \(m)"))
            case .success(let body):
                switch Self.silenceList(body) {
                case .success(let decoded): silences = decoded
                case .failure(let f): return .failure(f)
                }
            }
        }
        return .success(Self.view(of: list, silences: silences))
    }

    /// The Alerts panel's view of the bodies of `GET /api/v2/alerts` and `GET /api/v2/silences` (the fuzz
    /// target's entry; `view()` reads them the same way).
    public static func view(alerts: [UInt8], silences: [UInt8]) -> Result<View, Failure> {
        switch (alertList(alerts), silenceList(silences)) {
        case (.success(let list), .success(let silences)): return .success(view(of: list, silences: silences))
        case (.failure(let f), _), (_, .failure(let f)): return .failure(f)
        }
    }

    static func alertList(_ body: [UInt8]) -> Result<[GettableAlert], Failure> {
        guard let decoded = try? JSONDecoder().decode([GettableAlert].self, from: Data(body)) else {
            return .failure(Failure("alerts: not Alertmanager's v2 alert list: \(PromResponseParser.excerpt(body))"))
        }
        return .success(decoded)
    }

    static func silenceList(_ body: [UInt8]) -> Result<[String: AlertmanagerNotifier.Silence], Failure> {
        guard let decoded = try? JSONDecoder().decode([AlertmanagerNotifier.Silence].self, from: Data(body)) else {
            return .failure(Failure("silences: not Alertmanager's v2 silence list: \(PromResponseParser.excerpt(body))"))
        }
        return .success(Dictionary(decoded.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Creates a silence for one alert (matchers: `alertname` and its labels, all equalities) until `until`
    /// (wall-clock seconds); returns its id.
    public func silence(rule: String, labels: Labels, now: Double, until: Double, createdBy: String, comment: String)
        -> Result<String, Failure>
    {
        let silence = AlertmanagerNotifier.NewSilence(
            id: nil, matchers: AlertmanagerNotifier.matchers(rule: rule, labels: labels), startsAt: TimestampParser.format(now),
            endsAt: TimestampParser.format(until), createdBy: createdBy, comment: comment)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(silence) else { return .failure(Failure("cannot encode the silence")) }
        switch http.send(method: "POST", url: base.appendingPathComponent("api/v2/silences"),
                         headers: [("Content-Type", "application/json")], body: Array(data)) {
        case .failure(let f): return .failure(Failure(f.description))
        case .success(let r) where !(200..<300).contains(r.status):
            return .failure(Failure("HTTP \(r.status): \(PromResponseParser.excerpt(r.body))"))
        case .success(let r):
            guard let object = try? JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any],
                let id = object["silenceID"] as? String
            else { return .failure(Failure("no silenceID in Alertmanager's answer")) }
            return .success(id)
        }
    }

    /// Expires a silence (`DELETE /api/v2/silence/{id}`).
    public func expire(_ id: String) -> Result<Void, Failure> {
        let safe = id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-"))) ?? id
        switch http.send(method: "DELETE", url: base.appendingPathComponent("api/v2/silence/\(safe)")) {
        case .failure(let f): return .failure(Failure(f.description))
        case .success(let r) where !(200..<300).contains(r.status):
            return .failure(Failure("HTTP \(r.status): \(PromResponseParser.excerpt(r.body))"))
        case .success: return .success(())
        }
    }

    /// Ends every call in progress (shutdown).
    public func cancel() { http.cancel() }

    private func get(_ url: URL) -> Result<[UInt8], Failure> {
        switch http.send(method: "GET", url: url, headers: [("Accept", "application/json")]) {
        case .failure(let f): return .failure(Failure(f.description))
        case .success(let r) where r.truncated: return .failure(Failure("answer larger than \(http.maxResponseBytes / 1_048_576) MiB"))
        case .success(let r) where !(200..<300).contains(r.status):
            return .failure(Failure("HTTP \(r.status): \(PromResponseParser.excerpt(r.body))"))
        case .success(let r): return .success(r.body)
        }
    }

    // MARK: Reading

    /// An alert as `GET /api/v2/alerts` lists it (the fields used here).
    struct GettableAlert: Decodable {
        struct Status: Decodable {
            var state: String
            var silencedBy: [String]?
            var inhibitedBy: [String]?
        }

        var labels: [String: String]
        var annotations: [String: String]?
        var startsAt: String?
        var status: Status
    }

    /// The Alerts panel's view of Alertmanager's alerts: active → firing, silenced → acknowledged (by the
    /// silence's author, its comment as the note) or snoozed (a silence whose comment starts with "snoozed",
    /// until its end), inhibited → snoozed (noted), unprocessed → pending.
    static func view(of list: [GettableAlert], silences: [String: AlertmanagerNotifier.Silence]) -> View {
        var alerts: [AlertInstance] = []
        var silencedBy: [AlertKey: [String]] = [:]
        for item in list {
            guard let rule = item.labels["alertname"] else { continue }
            var labelDict = item.labels
            labelDict["alertname"] = nil
            let labels = Labels(labelDict)
            let annotations = item.annotations ?? [:]
            let started = item.startsAt.flatMap(TimestampParser.parse)
            var a = AlertInstance(
                rule: rule, labels: labels, state: .firing, severity: AlertSeverity(label: item.labels["severity"]),
                value: annotations["value"].flatMap { Double($0) } ?? .nan, threshold: annotations["threshold"].flatMap { Double($0) },
                activeSince: started, firedAt: started, summary: annotations["summary"] ?? annotations["description"] ?? "",
                annotations: annotations)
            let ids = (item.status.silencedBy ?? []).filter { !$0.isEmpty }
            switch item.status.state {
            case "suppressed":
                if let silence = ids.compactMap({ silences[$0] }).first {
                    let snooze = silence.comment.lowercased().hasPrefix("snoozed")
                    a.state = snooze ? .snoozed : .acknowledged
                    a.acknowledgedBy = silence.createdBy.isEmpty ? "alertmanager" : silence.createdBy
                    a.note = (silence.comment.isEmpty ? "" : silence.comment + " ") + "(silence \(silence.id))"
                    if snooze { a.snoozedUntil = silence.endsAt.flatMap(TimestampParser.parse) }
                } else if !ids.isEmpty {
                    a.state = .acknowledged
                    a.acknowledgedBy = "alertmanager"
                    a.note = "silence \(ids[0])"
                } else {
                    a.state = .snoozed
                    a.note = "inhibited by another alert"
                }
            case "unprocessed":
                a.state = .pending
                a.firedAt = nil
            default:
                break
            }
            if !ids.isEmpty { silencedBy[AlertKey(rule: rule, labels: labels)] = ids }
            alerts.append(a)
        }
        return View(alerts: alerts.sorted(by: AlertInstance.listedBefore), silencedBy: silencedBy)
    }
}
