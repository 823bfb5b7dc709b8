/// How a version agrees with the baseline on the very same requests (a shadow deployment logs both
/// versions' answers under one request id).
public struct ShadowSummary: Sendable, Equatable {
    /// A request both versions answered differently.
    public struct Disagreement: Sendable, Equatable {
        public var requestID: String
        public var baselinePrediction: OutputValue
        public var prediction: OutputValue
        /// The later of the two predictions' event times.
        public var time: Double

        public init(requestID: String, baselinePrediction: OutputValue, prediction: OutputValue, time: Double) {
            self.requestID = requestID
            self.baselinePrediction = baselinePrediction
            self.prediction = prediction
            self.time = time
        }
    }

    /// `model`, `version` and `baseline`.
    public var labels: Labels
    /// Request ids both versions answered in the window, and those with the same prediction.
    public var pairs: Int
    public var agreements: Int
    /// The newest disagreements (at most `ShadowPairing.maxDisagreements`), newest first.
    public var disagreements: [Disagreement]

    /// Nil without pairs.
    public var agreementRate: Double? { pairs > 0 ? Double(agreements) / Double(pairs) : nil }

    public init(labels: Labels, pairs: Int = 0, agreements: Int = 0, disagreements: [Disagreement] = []) {
        self.labels = labels
        self.pairs = pairs
        self.agreements = agreements
        self.disagreements = disagreements
    }
}
