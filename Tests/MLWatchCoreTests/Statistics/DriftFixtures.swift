import Foundation
import Testing

@testable import MLWatchCore

/// Loads the JSON fixtures written by `scripts/drift_fixtures.py`.
enum DriftFixtures {
    /// A raw value: a number, null (missing / NaN) or the strings "inf" / "-inf".
    struct RawValue: Decodable {
        var value: Double

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                value = .nan
            } else if let d = try? c.decode(Double.self) {
                value = d
            } else {
                let s = try c.decode(String.self)
                switch s {
                case "inf": value = .infinity
                case "-inf": value = -.infinity
                default: value = .nan
                }
            }
        }
    }

    struct NumericExpected: Decodable {
        var reference_count: Int
        var current_count: Int
        var ks_statistic: Double
        var ks_pvalue: Double
        var ks_method: String
        var wasserstein_raw: Double
        var wasserstein_normed: Double
        var psi: Double
        var kl: Double
        var js: Double
        var n_values: Int
        var reference_distinct: Int
        var chi2_pvalue: RawValue?
        var z_pvalue: RawValue?
        var default_test: String
        var default_score: RawValue
        var default_threshold: Double
        var default_detected: Bool
        var bin_edges: [Double]?
        var bin_values: [Double]?
        var reference_shares: [Double]
        var current_shares: [Double]
    }

    struct NumericCase: Decodable, CustomTestStringConvertible {
        var name: String
        var reference: [RawValue]
        var current: [RawValue]
        var expected: NumericExpected
        var testDescription: String { name }
    }

    struct CategoricalExpected: Decodable {
        var psi: Double
        var kl: Double
        var js: Double
        var chi2_pvalue: RawValue
        var chi2_statistic: RawValue
        var n_values: Int
        var unseen: [String]
        var vanished: [String]
        var z_pvalue: RawValue?
        var default_test: String
        var default_score: RawValue
        var default_threshold: Double
        var default_detected: Bool
    }

    struct CategoricalCase: Decodable, CustomTestStringConvertible {
        var name: String
        var reference_counts: [String: Int]
        var current_counts: [String: Int]
        var expected: CategoricalExpected
        var testDescription: String { name }
    }

    struct File<Case: Decodable>: Decodable {
        var cases: [Case]
    }

    static func load<Case: Decodable>(_ name: String, as: Case.Type) -> [Case] {
        guard let base = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { return [] }
        let url = base.appendingPathComponent("drift").appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url),
            let file = try? JSONDecoder().decode(File<Case>.self, from: data)
        else { return [] }
        return file.cases
    }

    static let numeric: [NumericCase] =
        load("numeric.json", as: NumericCase.self) + load("numeric_large.json", as: NumericCase.self)
    static let categorical: [CategoricalCase] = load("categorical.json", as: CategoricalCase.self)
}

/// |a − b| ≤ 1e-9 · max(|a|, |b|) (or both tiny), treating equal infinities and NaNs as equal.
func closeRelative(_ a: Double, _ b: Double, _ tol: Double = 1e-9) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    if a.isInfinite || b.isInfinite { return a == b }
    return abs(a - b) <= tol * max(abs(a), abs(b)) || abs(a - b) <= 1e-15
}

/// |a − b| ≤ 1e-6 for p-values.
func closeAbsolute(_ a: Double, _ b: Double, _ tol: Double = 1e-6) -> Bool {
    if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
    return abs(a - b) <= tol
}
