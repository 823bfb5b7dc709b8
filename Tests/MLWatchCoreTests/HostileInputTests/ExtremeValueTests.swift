import Foundation
import Testing
@testable import MLWatchCore

/// Values at the edge of a Double (±1e308) in the current window or the reference: drift is computed,
/// no NaN ever reaches an integer conversion, and the numbers are the true ones where numpy/scipy
/// overflow (numpy raises on the bin edges and gives inf/NaN for std and quantiles).
@Suite("Hostile extreme values")
struct ExtremeValueTests {
    static let reference = (0..<200).map { Double($0 % 37) * 1.5 }
    static let current = [-1e308, 1e308] + (0..<198).map { Double($0 % 37) * 1.5 + 3 }

    @Test("Sturges edges over a range wider than a Double: numpy's edges of the half-scale sample, doubled")
    func edgesWithoutOverflow() {
        // numpy: np.histogram_bin_edges(a / 2, bins="sturges") * 2 (np.histogram_bin_edges(a) raises ValueError).
        let edges = HistogramBinning.sturgesEdges(min: -1e308, max: 1e308, count: 32)
        #expect(edges == [-1e308, -6.666666666666667e+307, -3.3333333333333337e+307, 0, 3.3333333333333327e+307, 6.666666666666665e+307, 1e308])
        let values = [-1e308] + Array(repeating: 0.0, count: 30) + [1e308]
        #expect(HistogramBinning.counts(sorted: values, edges: edges) == [1, 0, 0, 30, 0, 1])
        let other = HistogramBinning.sturgesEdges(min: -1e308, max: 1e308, count: 14)
        #expect(other == [-1e308, -6e+307, -2.0000000000000002e+307, 1.9999999999999992e+307, 6e+307, 1e308])
        // Ranges numpy handles are unchanged (the existing fixtures check them bit for bit).
        #expect(HistogramBinning.sturgesEdges(min: 0, max: 10, count: 8) == [0, 2.5, 5, 7.5, 10])
        #expect(HistogramBinning.sturgesEdges(min: 1e308, max: 1e308, count: 5) == [1e308, 1e308])
        let widest = HistogramBinning.sturgesEdges(min: -.greatestFiniteMagnitude, max: .greatestFiniteMagnitude, count: 1 << 40)
        #expect(widest.count == 42 && widest.allSatisfy { $0.isFinite })
    }

    @Test("drift with ±1e308 in the current window: scipy's Wasserstein and KS, finite PSI/JS")
    func extremesInCurrent() throws {
        let r = try DriftCalculator.numeric(reference: NumericReference(values: Self.reference), current: Self.current)
        // scipy.stats.wasserstein_distance(r, c) = 1.0000000000000005e+306; ks_2samp: 0.055, p 0.9238374197330625.
        #expect(r.wassersteinRaw == 1.0000000000000005e+306)
        #expect(abs((r.ksStatistic ?? 0) - 0.055) < 1e-15)
        #expect(abs((r.ksPValue ?? 0) - 0.9238374197330625) < 1e-12)
        for value in [r.psi, r.kl, r.js] { #expect(value?.isFinite == true) }
    }

    @Test("drift with ±1e308 in the reference: the true mean and deviation (numpy: inf)")
    func extremesInReference() throws {
        let reference = NumericReference(values: Self.current)
        #expect(reference.mean.isFinite && reference.standardDeviation.isFinite)
        let pair = NumericReference(values: [-1e308, 1e308])
        #expect(pair.mean == 0 && pair.standardDeviation == 1e308)
        let expected = [-1e308, -9.8e307, -9e307, -5e307, 0, 5e307, 9e307, 9.8e307, 1e308]
        #expect(zip(pair.quantiles, expected).allSatisfy { abs($0 - $1) <= 1e-15 * abs($1) }, "\(pair.quantiles)")
        let r = try DriftCalculator.numeric(reference: reference, current: Self.reference)
        #expect(r.wassersteinRaw == 1.0000000000000005e+306)
        #expect(r.wassersteinNormed?.isFinite == true && (r.wassersteinNormed ?? 0) > 0)
        for value in [r.psi, r.kl, r.js, r.ksStatistic] { #expect(value?.isFinite == true) }
        // Both samples at the extremes, nothing between them: a gap wider than a Double.
        let both = try DriftCalculator.numeric(reference: pair, current: [-1e308, -1e308, 1e308])
        // |F_ref − F_cur| = 1/6 over a gap of 2e308: the true distance is 1e308 / 3 (scipy: inf).
        #expect(abs((both.wassersteinRaw ?? 0) - 1e308 / 3) <= 1e-15 * 1e308, "\(String(describing: both.wassersteinRaw))")
    }

    @Test("window quantiles between ±1e308 are interpolated without overflow")
    func quantiles() {
        #expect(Quantiles.linear([-1e308, 1e308], 0.5) == 0)
        #expect(Quantiles.linear([-1e308, 1e308], 0) == -1e308)
        #expect(Quantiles.linear([-1e308, 1e308], 0.25) == -5e307)
        #expect(Quantiles.linear([1, 2, 3], 0.5) == 2)
        #expect(Quantiles.linear([1, 2], .nan) == nil)
    }

    @Test("one line with ±1e308 among 600 good ones: every event counted, drift metrics present")
    func throughTheMonitor() throws {
        var builder = ReferenceProfileBuilder()
        for (i, v) in Self.current.enumerated() {
            builder.add(PredictionEvent(timestamp: 1_767_600_000 + Double(i), features: [FeatureEntry(name: "x", value: .number(v))]))
        }
        let drift = DriftMonitor(source: .profile(builder.build(sources: [])))
        let state = MonitorState(options: CollectorOptions(window: .all(slide: 30)), drift: drift)
        for i in 0..<600 {
            let x = i == 300 ? "1e308" : i == 301 ? "-1.7976931348623157e308" : String(Double(i % 37))
            state.ingestLine("{\"ts\":\(1_767_600_000 + i),\"model\":\"m\",\"features\":{\"x\":\(x)}}")
        }
        state.finish()
        let snapshot = state.snapshot(now: 0)
        #expect(snapshot.events == 600 && snapshot.malformed.total == 0)
        let names = Set(snapshot.metrics.filter { $0.labels["feature"] == "x" }.map(\.name))
        #expect(names.isSuperset(of: ["drift_ks_stat", "drift_psi", "drift_wasserstein_raw"]), "\(names.sorted())")
    }

    @Test("a UTF-8 byte order mark before the first line is not part of the JSON")
    func byteOrderMark() {
        let parser = EventParser()
        let line = "{\"ts\":1767600000,\"model\":\"m\",\"latency_ms\":3}"
        guard case .event(.prediction(let p)) = parser.parse(Array("\u{FEFF}".utf8) + Array(line.utf8)) else {
            Issue.record("a BOM made the line malformed")
            return
        }
        #expect(p.model == "m" && p.latencyMs == 3)
        #expect(parser.parse(Array("\u{FEFF}".utf8)) == .blank)
        if case .event = parser.parse(Array("\u{FEFF}\u{FEFF}".utf8) + Array(line.utf8)) { Issue.record("two BOMs accepted") }
        if case .event = parser.parse(Array("x\u{FEFF}".utf8) + Array(line.utf8)) { Issue.record("a BOM inside accepted") }
    }
}
