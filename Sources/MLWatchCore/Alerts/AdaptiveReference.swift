/// What a reference period teaches the adaptive thresholds of a set of rules, in bounded memory.
///
/// Built from the metrics of the reference's evaluation boundaries (`add(_:times:)`, as `ReferenceLog`
/// does while it reads a reference log, or `RuleEngine.learnReference(_:)` from samples), it keeps only the
/// metrics that adaptive comparisons read and, for each of their label sets, only what their centres need
/// (`ReferenceSeriesStatistics`): nothing at all when no rule has an adaptive threshold.
///
/// A series with reference values of its own learns from them; one without (a model that was not in the
/// reference) learns from the values of every reference series its selector matches, pooled in label order.
public struct AdaptiveReference: Sendable {
    /// An adaptive threshold and the selector it compares: the unit a reference threshold is learned for.
    private struct Use: Hashable, Sendable {
        var selector: String
        var spec: String
    }

    private struct Need: Sendable {
        var quantiles = false
        var smallestAlpha: Double?
    }

    private var needs: [String: Need] = [:]
    private var uses: [(use: Use, spec: AdaptiveThreshold, selector: MetricSelector)] = []
    private var series: [String: [Labels: ReferenceSeriesStatistics]] = [:]
    /// Learned thresholds, once `finish()` ran: per use, per label set, and pooled.
    private var own: [Use: [Labels: Double]] = [:]
    private var pooled: [Use: Double] = [:]
    private var finished = false

    /// Prepares to learn what the adaptive comparisons (triggers and `recover` thresholds) of `rules` need.
    public init(rules: [AlertRule]) {
        for rule in rules {
            for c in rule.expression.comparisons {
                for spec in [c.threshold, c.recover].compactMap({ $0 }) {
                    guard case .adaptive(let a) = spec else { continue }
                    var need = needs[c.selector.name] ?? Need()
                    switch a.center {
                    case .mean: break
                    case .quantile: need.quantiles = true
                    case .ewma(let alpha): need.smallestAlpha = min(need.smallestAlpha ?? alpha, alpha)
                    }
                    needs[c.selector.name] = need
                    let use = Use(selector: c.selector.description, spec: a.description)
                    if !uses.contains(where: { $0.use == use }) { uses.append((use, a, c.selector)) }
                }
            }
        }
    }

    /// Whether any rule has an adaptive threshold (a reference read for them is needed at all).
    public var isNeeded: Bool { !needs.isEmpty }

    /// The metric names adaptive comparisons read (the only ones a reference read must compute).
    public var metricNames: Set<String> { Set(needs.keys) }

    /// Adds the metrics of an evaluation that stood for `times` boundaries.
    /// - Complexity: O(n) for n samples.
    public mutating func add(_ samples: [MetricSample], times: Int) {
        guard times > 0 else { return }
        finished = false
        for s in samples {
            guard let need = needs[s.name], s.value.isFinite else { continue }
            series[s.name, default: [:]][s.labels, default: ReferenceSeriesStatistics(
                quantiles: need.quantiles, smallestAlpha: need.smallestAlpha)].add(s.value, times: times)
        }
    }

    /// Learns every threshold from what was added (`threshold(spec:selector:labels:)` reads these).
    /// - Complexity: O(u · s) for u adaptive uses and s reference series.
    public mutating func finish() {
        guard !finished else { return }
        for name in series.keys {
            for labels in series[name]!.keys { series[name]![labels]!.close() }
        }
        own = [:]
        pooled = [:]
        for u in uses {
            guard let byLabels = series[u.selector.name] else { continue }
            var mine: [Labels: Double] = [:]
            var pool: ReferenceSeriesStatistics?
            for labels in byLabels.keys.sorted() {
                let stats = byLabels[labels]!
                mine[labels] = stats.threshold(u.spec)
                if u.selector.matchers.allSatisfy({ $0.matches(labels) }) {
                    if pool == nil { pool = stats } else { pool!.append(stats) }
                }
            }
            own[u.use] = mine
            pooled[u.use] = pool?.threshold(u.spec)
        }
        finished = true
    }

    /// The threshold `spec` learned for `selector`'s series with `labels` (its own values, else the pooled
    /// values of the selector); nil when the reference had none. Call `finish()` first.
    public func threshold(spec: AdaptiveThreshold, selector: MetricSelector, labels: Labels) -> Double? {
        let use = Use(selector: selector.description, spec: spec.description)
        if series[selector.name]?[labels] != nil { return own[use]?[labels] }
        return pooled[use]
    }

    /// Reference series kept (for tests of the bound).
    var seriesCount: Int { series.values.reduce(0) { $0 + $1.count } }
}
