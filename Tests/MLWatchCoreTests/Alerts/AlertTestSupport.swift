@testable import MLWatchCore

/// A sample of metric `name`.
func sample(_ name: String, _ value: Double, _ labels: [String: String] = [:]) -> MetricSample {
    MetricSample(name: name, labels: Labels(labels), value: value)
}

func approx(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * max(1, abs(b))
}

/// A seeded generator so property tests are reproducible.
typealias SeededGenerator = SplitMix64
