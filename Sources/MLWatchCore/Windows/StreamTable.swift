/// The distinct (model, version, feature schema) triples of the predictions in a window, each with the
/// number of predictions that name it; a triple goes when its count reaches zero (its number is reused).
///
/// Why: a log writes the same model, version and feature names on nearly every line. Held per prediction,
/// the two strings and the schema reference took 40 bytes of each `WindowedPrediction`; a number here
/// takes 4 (less a few bits, see `WindowedPrediction`). Readers get the triple back by number
/// (`PredictionRef.model`, `.version`, `.schema`), and the schema is the very instance the parser shared,
/// so consumers that recognise a schema by identity (`GroupAccumulator`) still do.
struct StreamTable {
    struct Stream {
        let model: String
        let version: String
        let schema: FeatureSchema
        /// `schema.names.count`, kept here: the window's readers need it for every prediction.
        let featureCount: Int

        static let none = Stream(model: "", version: "", schema: .empty, featureCount: 0)
    }

    private struct Key: Hashable {
        let model: String
        let version: String
        let schema: ObjectIdentifier
    }

    private var streams: ContiguousArray<Stream> = []
    private var references: ContiguousArray<UInt32> = []
    private var index: [Key: UInt32] = [:]
    private var free: [UInt32] = []
    /// The number last handed out: consecutive predictions are nearly always of the same stream, which is
    /// then found by comparing the strings' bits and the schema's identity, without hashing.
    private var last: UInt32?

    /// Distinct streams held.
    var count: Int { index.count }

    /// Counts one more prediction of this stream; returns its number.
    /// - Complexity: O(1) for the stream of the previous call; else a hash of the two strings.
    mutating func retain(model: String, version: String, schema: FeatureSchema) -> UInt32 {
        if let id = last, references[Int(id)] > 0 {
            let s = streams[Int(id)]
            if s.schema === schema, Self.bits(s.model) == Self.bits(model), Self.bits(s.version) == Self.bits(version) {
                references[Int(id)] += 1
                return id
            }
        }
        let key = Key(model: model, version: version, schema: ObjectIdentifier(schema))
        let id: UInt32
        if let known = index[key] {
            id = known
            references[Int(id)] += 1
        } else {
            let stream = Stream(model: model, version: version, schema: schema, featureCount: schema.names.count)
            if let reused = free.popLast() {
                id = reused
                streams[Int(id)] = stream
                references[Int(id)] = 1
            } else {
                id = UInt32(streams.count)
                streams.append(stream)
                references.append(1)
            }
            // The table holds the schema while the key names it: its identity cannot be reused meanwhile.
            index[key] = id
        }
        last = id
        return id
    }

    /// Counts one prediction of stream number `id` fewer.
    mutating func release(_ id: UInt32) {
        let i = Int(id)
        references[i] -= 1
        if references[i] == 0 {
            let s = streams[i]
            index[Key(model: s.model, version: s.version, schema: ObjectIdentifier(s.schema))] = nil
            streams[i] = .none
            free.append(id)
        }
    }

    /// Stream number `id` (one held).
    subscript(id: UInt32) -> Stream { streams[Int(id)] }

    func withStreams<R>(_ body: (UnsafeBufferPointer<Stream>) -> R) -> R {
        streams.withUnsafeBufferPointer(body)
    }

    /// Equal bits are equal strings (the converse does not hold: then the hash lookup decides).
    @inline(__always)
    private static func bits(_ s: String) -> (UInt64, UInt64) {
        withUnsafeBytes(of: s) { ($0.load(as: UInt64.self), $0.load(fromByteOffset: 8, as: UInt64.self)) }
    }
}
