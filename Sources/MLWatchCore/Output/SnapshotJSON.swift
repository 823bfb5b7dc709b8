/// The JSON shape of `mlwatch check --format json` and of each line of `mlwatch watch --no-ui`
/// (documented in the README; keep it stable):
/// `{"events":N,"late":N,"future":{"total":N,"by_source":{…},"max_future_seconds":S,"held":N},
///   "malformed":{"total":N,"by_reason":{…}},"window":{"from":TS,"to":TS},
///   "newest_event":TS,"cardinality":{"max_groups":N,"groups":N,"overflow_groups":N,…},
///   "warnings":[{"topic":…,"message":…}],
///   "drift_untested":[{"labels":{…},"values":N,"min_samples":N,"side":"window"|"reference"|"baseline","message":…}],"metrics":[{"name":…,"labels":{…},"value":…}],
///   "alerts":[transition…],"active_alerts":[…]}`, plus `"alert_series_limit":{"cap":N,"forgotten":{rule:N},
///   "untracked":{rule:N}}` when a rule hit its bound on label sets, and for a fleet read from Prometheus
/// `"fleet":{"source":…,"scope":…,"alert_source":…,"instances":[…],"notes":[…]}` and
/// `"connection":{"target":…,"problem":…,"last_success":TS,"data_time":TS}`.
public enum SnapshotJSON {
    public static func encode(_ s: Snapshot, connection: ConnectionStatus? = nil) -> String {
        var w = JSONWriter()
        w.raw("{\"events\":")
        w.number(s.events)
        w.raw(",\"late\":")
        w.number(s.late)
        w.raw(",\"future\":{\"total\":")
        w.number(s.future.total)
        w.raw(",\"by_source\":")
        w.counts(s.future.bySource)
        w.raw(",\"max_future_seconds\":")
        w.number(s.future.maxFuture)
        w.raw(",\"held\":")
        w.number(s.future.held)
        w.raw("}")
        w.raw(",\"malformed\":{\"total\":")
        w.number(s.malformed.total)
        w.raw(",\"by_reason\":")
        w.counts(s.malformed.byReason)
        w.raw(",\"recent\":[")
        for (i, line) in s.malformed.recent.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(line)
        }
        w.raw("]},\"window\":{\"from\":")
        w.timestamp(s.windowFrom)
        w.raw(",\"to\":")
        w.timestamp(s.windowTo)
        w.raw("},\"newest_event\":")
        w.timestamp(s.newestEventTime)
        let c = s.cardinality
        w.raw(",\"cardinality\":{\"max_groups\":")
        w.number(c.maxGroups)
        w.raw(",\"groups\":")
        w.number(c.groups)
        w.raw(",\"overflow_groups\":")
        w.number(c.overflowGroups)
        w.raw(",\"overflow_events\":")
        w.number(c.overflowEvents)
        w.raw(",\"max_features_per_group\":")
        w.number(c.maxFeaturesPerGroup)
        w.raw(",\"overflow_features\":")
        w.number(c.overflowFeatures)
        w.raw("}")
        w.raw(",\"warnings\":[")
        for (i, warning) in s.warnings.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"topic\":")
            w.string(warning.topic)
            w.raw(",\"message\":")
            w.string(warning.message)
            w.raw("}")
        }
        w.raw("],\"drift_untested\":[")
        for (i, u) in s.driftUntested.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"labels\":")
            w.object(u.labels.pairs.map { ($0.key, $0.value) })
            w.raw(",\"values\":")
            w.number(u.values)
            w.raw(",\"min_samples\":")
            w.number(u.minSamples)
            w.raw(",\"side\":")
            w.string(u.side.rawValue)
            w.raw(",\"message\":")
            w.string(u.message)
            w.raw("}")
        }
        w.raw("],\"metrics\":[")
        for (i, m) in s.metrics.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"name\":")
            w.string(m.name)
            w.raw(",\"labels\":")
            w.object(m.labels.pairs.map { ($0.key, $0.value) })
            w.raw(",\"value\":")
            w.number(m.value)
            if !m.value.isFinite {
                w.raw(",\"special\":")
                w.string(m.value.isNaN ? "NaN" : m.value > 0 ? "+Inf" : "-Inf")
            }
            if let t = m.text {
                w.raw(",\"text\":")
                w.string(t)
            }
            w.raw("}")
        }
        w.raw("],\"alerts\":[")
        for (i, t) in s.timeline.enumerated() {
            if i > 0 { w.raw(",") }
            transition(t, into: &w)
        }
        w.raw("],\"active_alerts\":[")
        for (i, a) in s.alerts.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"rule\":")
            w.string(a.rule)
            w.raw(",\"labels\":")
            w.object(a.labels.pairs.map { ($0.key, $0.value) })
            w.raw(",\"state\":")
            w.string(a.state.rawValue)
            w.raw(",\"severity\":")
            w.string(a.severity.rawValue)
            w.raw(",\"value\":")
            w.number(a.value)
            w.raw(",\"threshold\":")
            w.optionalNumber(a.threshold)
            w.raw(",\"since\":")
            w.timestamp(a.activeSince)
            w.raw(",\"summary\":")
            w.string(a.summary)
            w.raw("}")
        }
        w.raw("]")
        if let limit = s.alertSeriesLimit {
            // Only when a rule hit its bound on label sets (rare: a label per customer, a model per line).
            w.raw(",\"alert_series_limit\":{\"cap\":")
            w.number(limit.cap)
            for (key, counts) in [("forgotten", limit.forgotten), ("untracked", limit.untracked)] {
                w.raw(",\"\(key)\":")
                w.counts(counts)
            }
            w.raw("}")
        }
        if let fleet = s.fleet { self.fleet(fleet, into: &w) }
        if let c = connection {
            w.raw(",\"connection\":{\"target\":")
            w.string(c.target)
            w.raw(",\"problem\":")
            if let p = c.problem { w.string(p) } else { w.raw("null") }
            w.raw(",\"last_success\":")
            w.timestamp(c.lastSuccess)
            w.raw(",\"data_time\":")
            w.timestamp(c.dataTime)
            w.raw("}")
        }
        w.raw("}")
        return w.text
    }

    private static func fleet(_ f: FleetInfo, into w: inout JSONWriter) {
        w.raw(",\"fleet\":{\"source\":")
        w.string(f.source)
        w.raw(",\"scope\":")
        if let scope = f.scope { w.string(scope) } else { w.raw("null") }
        w.raw(",\"alert_source\":")
        w.string(f.alertSource)
        w.raw(",\"instances\":[")
        for (i, x) in f.instances.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"instance\":")
            w.string(x.instance)
            w.raw(",\"job\":")
            w.string(x.job)
            w.raw(",\"up\":" + (x.up ? "true" : "false"))
            w.raw(",\"scrape_age\":")
            w.optionalNumber(x.scrapeAge)
            w.raw(",\"events_per_second\":")
            w.optionalNumber(x.eventsPerSecond)
            w.raw(",\"error_rate\":")
            w.optionalNumber(x.errorRate)
            w.raw(",\"lag\":")
            w.optionalNumber(x.lag)
            w.raw(",\"firing\":[")
            for (j, name) in x.firing.enumerated() {
                if j > 0 { w.raw(",") }
                w.string(name)
            }
            w.raw("]}")
        }
        w.raw("],\"notes\":[")
        for (i, n) in f.notes.enumerated() {
            if i > 0 { w.raw(",") }
            w.string(n)
        }
        w.raw("]}")
    }

    /// One alert transition as a JSON object (also the journal's JSON line format).
    public static func transition(_ t: AlertTransition, into w: inout JSONWriter) {
        w.raw("{\"time\":")
        w.timestamp(t.time)
        w.raw(",\"rule\":")
        w.string(t.rule)
        w.raw(",\"labels\":")
        w.object(t.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        w.raw(",\"from\":")
        w.string(t.from.rawValue)
        w.raw(",\"to\":")
        w.string(t.to.rawValue)
        w.raw(",\"value\":")
        w.number(t.value)
        w.raw(",\"threshold\":")
        w.optionalNumber(t.threshold)
        w.raw(",\"severity\":")
        w.string(t.severity.rawValue)
        if let a = t.actor {
            w.raw(",\"actor\":")
            w.string(a)
        }
        if let n = t.note {
            w.raw(",\"note\":")
            w.string(n)
        }
        w.raw("}")
    }
}
