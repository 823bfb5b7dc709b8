/// A prediction as the window holds it: what the aggregates, the label joiner and the scans read, in
/// 176 bytes instead of a `PredictionEvent`'s 208 plus its feature array (~240 bytes on the heap). The
/// feature values are in the window's `FeatureSlab`, at `featureAddress`; `status` is kept as whether it
/// marks an error; a missing latency or score is NaN (every reader skips non-finite ones alike).
struct WindowedPrediction {
    var timestamp: Double
    var model: String
    var version: String
    var requestID: String?
    var feedback: String?
    /// The names of the features (their values: `FeatureSlab`).
    var schema: FeatureSchema
    var featureAddress: FeatureSlab.Address
    private var latencyOrNaN: Double
    private var scoreOrNaN: Double
    var prediction: OutputValue
    var inlineLabel: OutputValue?
    /// A delayed `label` event joined to this prediction by `request_id` while it was in the window.
    var joinedLabel: OutputValue?
    var isError: Bool
    /// The number of feature values (`schema.names.count`, kept here: no load through the schema).
    private var features: Int32

    var latencyMs: Double? { latencyOrNaN.isNaN ? nil : latencyOrNaN }
    var score: Double? { scoreOrNaN.isNaN ? nil : scoreOrNaN }
    var label: OutputValue? { inlineLabel ?? joinedLabel }
    var featureCount: Int { Int(features) }
}

extension WindowedPrediction {
    /// Takes the event's fields; its feature values go to `slab`. The strings and outputs are swapped out of
    /// the event rather than copied (a copy retains each, and the event's destruction releases them again).
    /// In an extension, delegating to the memberwise initializer: assignments to `self` made the optimizer
    /// build the record, copy it and destroy the original (~320 instructions per event; see
    /// `PredictionEvent.init`).
    init(_ e: consuming PredictionEvent, slab: inout FeatureSlab) {
        var e = e
        let count = e.features.values.count
        let address = count == 0 ? 0 : slab.append(e.features.values)
        self.init(
            timestamp: e.timestamp,
            model: Self.take(&e.model, leaving: ""),
            version: Self.take(&e.version, leaving: ""),
            requestID: Self.take(&e.requestID, leaving: nil),
            feedback: Self.take(&e.feedback, leaving: nil),
            schema: e.features.schema,
            featureAddress: address,
            latencyOrNaN: e.latencyMs ?? .nan,
            scoreOrNaN: e.score ?? .nan,
            prediction: Self.take(&e.prediction, leaving: .null),
            inlineLabel: Self.take(&e.inlineLabel, leaving: nil),
            joinedLabel: Self.take(&e.joinedLabel, leaving: nil),
            isError: PredictionEvent.isError(status: e.status),
            features: Int32(count))
    }

    @inline(__always)
    private static func take<T>(_ field: inout T, leaving empty: T) -> T {
        var out = empty
        swap(&field, &out)
        return out
    }
}

/// What the readers of a windowed prediction see, by address: the prediction's fields and its feature
/// values. Valid only inside the closure that hands it out (`EventWindow.withPrediction`).
struct PredictionRef {
    let record: UnsafePointer<WindowedPrediction>
    let features: FeatureSlab.FeatureValues

    /// The prediction's fields, borrowed in place (a copy would retain and release each string).
    var pointee: WindowedPrediction {
        _read { yield record.pointee }
    }
}

/// The fields of a prediction that the per-window scans (`FairnessCalculator`, `ShadowPairing`) read:
/// a windowed prediction, or a `PredictionEvent` by address (tests and callers outside a window).
protocol PredictionFields {
    var model: String { get }
    var version: String { get }
    var requestID: String? { get }
    var timestamp: Double { get }
    var prediction: OutputValue { get }
    var label: OutputValue? { get }
    var featureSchema: FeatureSchema { get }
    /// The value of the feature at `position` of `featureSchema`.
    func featureValue(at position: Int) -> FeatureValue
}

extension PredictionRef: PredictionFields {
    var model: String { _read { yield record.pointee.model } }
    var version: String { _read { yield record.pointee.version } }
    var requestID: String? { record.pointee.requestID }
    var timestamp: Double { record.pointee.timestamp }
    var prediction: OutputValue { record.pointee.prediction }
    var label: OutputValue? { record.pointee.label }
    var featureSchema: FeatureSchema { record.pointee.schema }
    func featureValue(at position: Int) -> FeatureValue { features[position] }
}

extension UnsafePointer: PredictionFields where Pointee == PredictionEvent {
    var model: String { _read { yield pointee.model } }
    var version: String { _read { yield pointee.version } }
    var requestID: String? { pointee.requestID }
    var timestamp: Double { pointee.timestamp }
    var prediction: OutputValue { pointee.prediction }
    var label: OutputValue? { pointee.label }
    var featureSchema: FeatureSchema { pointee.features.schema }
    func featureValue(at position: Int) -> FeatureValue { pointee.features.values[position] }
}

extension PredictionRef {
    /// The value of the first feature called `name`, `.missing` when there is none.
    func feature(named name: String) -> FeatureValue {
        record.pointee.schema.position(of: name).map { features[$0] } ?? .missing
    }
}
