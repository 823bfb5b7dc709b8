/// The one order alerts are listed in, everywhere (the dashboard's Alerts panel, snapshots, JSON output),
/// chosen for the person on call: what needs a human now comes first.
///
/// 1. State: firing (unhandled and true), pending (about to fire), acknowledged (still true, but someone
///    owns it), snoozed, resolved. An acknowledged alert goes below a pending one on purpose: it already
///    has an owner, the pending one may page in a minute.
/// 2. Severity: critical, warning, info.
/// 3. Rule name, then labels, so the order is stable from one refresh to the next.
extension AlertInstance {
    /// Whether `a` is listed before `b` (a strict weak order for `sorted(by:)`).
    public static func listedBefore(_ a: AlertInstance, _ b: AlertInstance) -> Bool {
        let ua = urgency(a.state), ub = urgency(b.state)
        if ua != ub { return ua > ub }
        if a.severity != b.severity { return a.severity > b.severity }
        if a.rule != b.rule { return a.rule < b.rule }
        return a.labels < b.labels
    }

    private static func urgency(_ state: AlertState) -> Int {
        switch state {
        case .firing: return 5
        case .pending: return 4
        case .acknowledged: return 3
        case .snoozed: return 2
        case .resolved: return 1
        case .inactive: return 0
        }
    }
}
