/// One model's versions side by side in a window, against the `compare` baseline: what the versions view
/// shows beyond the per-version metrics (drift of each version against the baseline, whether its latency,
/// error rate and accuracy differ significantly, and for shadows how often it agrees).
public struct VersionComparisonSummary: Sendable, Equatable {
    /// One version of the model.
    public struct Version: Sendable, Equatable {
        public var version: String
        public var events: Int
        /// Share of the model's predictions in the window.
        public var trafficShare: Double
        /// Drift of each input feature against the baseline's values in the same window (empty for the
        /// baseline itself), by feature name.
        public var featureDrift: [String: DriftSummary]
        public var predictionDrift: DriftSummary?
        public var scoreDrift: DriftSummary?
        /// Columns (features, `prediction`, `score`) not compared for want of values on either side.
        public var driftUntested: [String: DriftUntested] = [:]
        /// Latency against the baseline's, with the drift test Evidently would pick for a numeric column.
        public var latencyDrift: DriftSummary?
        /// Two-proportion z-test p-values against the baseline (nil without data on either side).
        public var errorRatePValue: Double?
        public var accuracyPValue: Double?
        /// Agreement with the baseline on the same request ids (nil for the baseline, or when not computed).
        public var shadow: ShadowSummary?

        public init(version: String, events: Int, trafficShare: Double, featureDrift: [String: DriftSummary] = [:],
                    predictionDrift: DriftSummary? = nil, scoreDrift: DriftSummary? = nil, latencyDrift: DriftSummary? = nil,
                    errorRatePValue: Double? = nil, accuracyPValue: Double? = nil, shadow: ShadowSummary? = nil) {
            self.version = version
            self.events = events
            self.trafficShare = trafficShare
            self.featureDrift = featureDrift
            self.predictionDrift = predictionDrift
            self.scoreDrift = scoreDrift
            self.latencyDrift = latencyDrift
            self.errorRatePValue = errorRatePValue
            self.accuracyPValue = accuracyPValue
            self.shadow = shadow
        }

        /// Features drifted against the baseline, and those tested.
        public var driftedFeatures: Int { featureDrift.values.filter(\.detected).count }
    }

    public var model: String
    public var baseline: String
    /// The baseline first (when it is in the window), then the other versions by name.
    public var versions: [Version]
    /// p-values below this mark a significant difference (error rate, accuracy).
    public static let significance = 0.05

    public init(model: String, baseline: String, versions: [Version] = []) {
        self.model = model
        self.baseline = baseline
        self.versions = versions
    }

    /// Whether the baseline has predictions in the window (else nothing is compared).
    public var baselinePresent: Bool { versions.first?.version == baseline }
}
