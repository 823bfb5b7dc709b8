/// A parsed line of a prediction log. Timestamps are seconds since the Unix epoch (UTC).
public enum Event: Sendable, Equatable {
    case prediction(PredictionEvent)
    case label(LabelEvent)
    case system(SystemEvent)

    public var timestamp: Double {
        switch self {
        case .prediction(let e): return e.timestamp
        case .label(let e): return e.timestamp
        case .system(let e): return e.timestamp
        }
    }
}

/// A named feature value, in the order the log wrote it.
public struct FeatureEntry: Sendable, Equatable {
    public var name: String
    public var value: FeatureValue
    public init(name: String, value: FeatureValue) {
        self.name = name
        self.value = value
    }
}

/// One prediction served by a model.
public struct PredictionEvent: Sendable, Equatable {
    public var timestamp: Double
    public var model: String
    public var version: String
    public var requestID: String?
    public var latencyMs: Double?
    /// `status` as logged; anything other than `ok`/`success`/`200` (case-insensitive) counts as an error.
    public var status: String?
    /// The input features, names shared with the other events of the same schema (see `FeatureRow`).
    public var features: FeatureRow
    public var prediction: OutputValue
    public var score: Double?
    public var feedback: String?
    /// A ground-truth label logged inline with the prediction (some producers know it at once).
    public var inlineLabel: OutputValue?
    /// A delayed `label` event joined to this prediction by `request_id` while it was in the window.
    public internal(set) var joinedLabel: OutputValue?

    /// The ground truth known for this prediction: inline, or joined from a later `label` event.
    public var label: OutputValue? { inlineLabel ?? joinedLabel }

    /// Whether `status` marks a failed request.
    public var isError: Bool { Self.isError(status: status) }

    /// Whether a logged `status` marks a failed request (anything but `ok`/`success`/`200`/empty,
    /// case-insensitive). Static so that hot code holding an event by address reads only this field.
    public static func isError(status: String?) -> Bool {
        guard let s = status else { return false }
        switch s {
        case "ok", "success", "200", "": return false  // the usual spellings, without lowercasing a copy
        default: break
        }
        switch s.lowercased() {
        case "ok", "success", "200", "": return false
        default: return true
        }
    }

    public func feature(_ name: String) -> FeatureValue {
        features.value(named: name)
    }
}

extension PredictionEvent {
    /// In an extension, delegating to the memberwise initializer: written in the struct as assignments to
    /// `self`, it made the optimizer copy the whole event (a retain of every field) and destroy the original
    /// wherever an event was wrapped in an `Event`, ~350 instructions per parsed line (seen with Swift 6.3).
    public init(
        timestamp: Double, model: String = "default", version: String = "", requestID: String? = nil,
        latencyMs: Double? = nil, status: String? = nil, features: FeatureRow = FeatureRow(),
        prediction: OutputValue = .null, score: Double? = nil, feedback: String? = nil,
        inlineLabel: OutputValue? = nil
    ) {
        self.init(
            timestamp: timestamp, model: model, version: version, requestID: requestID, latencyMs: latencyMs,
            status: status, features: features, prediction: prediction, score: score, feedback: feedback,
            inlineLabel: inlineLabel, joinedLabel: nil)
    }
}

/// Delayed ground truth for an earlier prediction, joined by `request_id`.
public struct LabelEvent: Sendable, Equatable {
    public var timestamp: Double
    public var requestID: String
    public var label: OutputValue
    public init(timestamp: Double, requestID: String, label: OutputValue) {
        self.timestamp = timestamp
        self.requestID = requestID
        self.label = label
    }
}

/// A resource sample from a model server.
public struct SystemEvent: Sendable, Equatable {
    public var timestamp: Double
    public var host: String
    public var cpuPct: Double?
    public var memMB: Double?
    public var load1: Double?
    public init(timestamp: Double, host: String = "", cpuPct: Double? = nil, memMB: Double? = nil, load1: Double? = nil) {
        self.timestamp = timestamp
        self.host = host
        self.cpuPct = cpuPct
        self.memMB = memMB
        self.load1 = load1
    }
}
