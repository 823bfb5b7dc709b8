/// A prediction as the window holds it, in 56 bytes (176 before, and a `PredictionEvent`'s 208 plus its
/// feature array before that): memory per windowed event is what a 10-minute window of a busy model costs
/// (BENCHMARKS.md, "Memory per windowed event"). Plain bits, no references: copying or dropping a record
/// retains and releases nothing.
///
/// - the feature values are in the window's `FeatureSlab`, at `featureAddress`;
/// - model, version and feature schema are one number in the window's `StreamTable` (a log repeats them on
///   nearly every line), which shares its 32 bits with two flags: whether `status` marked an error, and
///   whether the label is the prediction's own (inline) rather than a joined one;
/// - prediction and label are `OutputCode`s; one label slot serves both kinds, since a prediction with an
///   inline label never waits for a joined one (`WindowStore.insert`);
/// - feedback is a number in the window's string table, plus one (0: none);
/// - a missing latency or score is NaN (every reader skips non-finite ones alike);
/// - the request id is not here: labels find their prediction by arrival number (`sequence`), and the one
///   reader of ids (shadow pairing, with `compare`) reads them from the window's side column.
///
/// Readers go through `PredictionRef`, which decodes these fields with the window's tables.
struct WindowedPrediction {
    var timestamp: Double
    var latencyOrNaN: Double
    var scoreOrNaN: Double
    var predictionCode: UInt64
    var labelCode: UInt64
    var featureAddress: FeatureSlab.Address
    /// The prediction's arrival number in its window, modulo 2^32 (`EventWindow.acceptedPredictions`).
    var sequence: UInt32
    /// The stream's number in the low 30 bits, `errorFlag` and `inlineLabelFlag` above.
    var streamAndFlags: UInt32
    var feedbackCode: UInt32

    static let errorFlag: UInt32 = 1 << 31
    static let inlineLabelFlag: UInt32 = 1 << 30
    static let streamMask: UInt32 = (1 << 30) - 1

    var stream: UInt32 { streamAndFlags & Self.streamMask }
    var isError: Bool { streamAndFlags & Self.errorFlag != 0 }
    var hasInlineLabel: Bool { streamAndFlags & Self.inlineLabelFlag != 0 }
}

extension WindowedPrediction {
    /// Takes the event's fields: its feature values go to `slab`, model, version and schema to `streams`,
    /// the class names of its outputs and its feedback to `strings`.
    init(_ e: borrowing PredictionEvent, sequence: Int, slab: inout FeatureSlab, streams: inout StreamTable,
         strings: inout CategoryTable) {
        let count = e.features.values.count
        let address = count == 0 ? 0 : slab.append(e.features.values)
        let stream = streams.retain(model: e.model, version: e.version, schema: e.features.schema)
        precondition(stream <= Self.streamMask, "more than 2^30 distinct model/version/schema streams in one window")
        var flags: UInt32 = 0
        if PredictionEvent.isError(status: e.status) { flags |= Self.errorFlag }
        let label: UInt64
        if let inline = e.inlineLabel {
            flags |= Self.inlineLabelFlag
            label = OutputCode.encode(inline, strings: &strings)
        } else {
            label = OutputCode.encode(e.joinedLabel, strings: &strings)
        }
        self.init(
            timestamp: e.timestamp,
            latencyOrNaN: e.latencyMs ?? .nan,
            scoreOrNaN: e.score ?? .nan,
            predictionCode: OutputCode.encode(e.prediction, strings: &strings),
            labelCode: label,
            featureAddress: address,
            sequence: UInt32(truncatingIfNeeded: sequence),
            streamAndFlags: stream | flags,
            feedbackCode: e.feedback.map { strings.retain($0) + 1 } ?? 0)
    }

    /// Gives up what the record holds in the window's tables (it leaves the window); its feature values
    /// are the caller's to release (`FeatureSlab.release`).
    func release(streams: inout StreamTable, strings: inout CategoryTable) {
        streams.release(stream)
        OutputCode.release(predictionCode, strings: &strings)
        OutputCode.release(labelCode, strings: &strings)
        if feedbackCode != 0 { strings.release(feedbackCode - 1) }
    }
}

/// What the readers of a windowed prediction see, by address: the prediction's fields, decoded with the
/// window's tables, and its feature values. Valid only inside the closure that hands it out
/// (`EventWindow.withPrediction`).
struct PredictionRef {
    let record: UnsafePointer<WindowedPrediction>
    let features: FeatureSlab.FeatureValues
    let streams: UnsafeBufferPointer<StreamTable.Stream>
    /// The window's strings of output labels and feedback.
    let strings: UnsafeBufferPointer<String>
    /// The request id, where the window keeps request ids (`EventWindow.keepsRequestIDs`).
    let requestIDSlot: UnsafePointer<String?>?

    var timestamp: Double { record.pointee.timestamp }
    var model: String { _read { yield streams[Int(record.pointee.stream)].model } }
    var version: String { _read { yield streams[Int(record.pointee.stream)].version } }
    var schema: FeatureSchema { streams[Int(record.pointee.stream)].schema }
    var featureCount: Int { features.count }
    var isError: Bool { record.pointee.isError }
    var latencyMs: Double? {
        let l = record.pointee.latencyOrNaN
        return l.isNaN ? nil : l
    }
    var score: Double? {
        let s = record.pointee.scoreOrNaN
        return s.isNaN ? nil : s
    }
    var prediction: OutputValue { OutputCode.decode(record.pointee.predictionCode, strings: strings) ?? .null }
    var inlineLabel: OutputValue? {
        record.pointee.hasInlineLabel ? OutputCode.decode(record.pointee.labelCode, strings: strings) : nil
    }
    /// A delayed `label` event joined to this prediction by `request_id` while it was in the window.
    var joinedLabel: OutputValue? {
        record.pointee.hasInlineLabel ? nil : OutputCode.decode(record.pointee.labelCode, strings: strings)
    }
    var feedback: String? {
        let f = record.pointee.feedbackCode
        return f == 0 ? nil : strings[Int(f - 1)]
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
    var requestID: String? { requestIDSlot?.pointee }
    /// The label of either kind (one slot holds it: see `WindowedPrediction`).
    var label: OutputValue? { OutputCode.decode(record.pointee.labelCode, strings: strings) }
    var featureSchema: FeatureSchema { schema }
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
        schema.position(of: name).map { features[$0] } ?? .missing
    }
}
