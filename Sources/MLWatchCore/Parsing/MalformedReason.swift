/// Why a line could not be used. The raw values are the keys of `malformed.by_reason` in JSON output.
public enum MalformedReason: String, Error, Sendable, CaseIterable, Codable {
    case invalidJSON = "invalid_json"
    case badUTF8 = "bad_utf8"
    case notAnObject = "not_an_object"
    case missingTimestamp = "missing_timestamp"
    case invalidTimestamp = "invalid_timestamp"
    /// A timestamp that parses but is before 1970, from year 10000 on, or not a finite number.
    case timestampOutOfRange = "timestamp_out_of_range"
    case missingField = "missing_field"
    case tooLong = "too_long"

    /// A sentence for the dashboard's malformed-lines view.
    public var explanation: String {
        switch self {
        case .invalidJSON: return "not valid JSON"
        case .badUTF8: return "bytes that are not UTF-8"
        case .notAnObject: return "JSON that is not an object"
        case .missingTimestamp: return "no ts/timestamp field"
        case .invalidTimestamp: return "a timestamp that is neither RFC 3339 nor epoch seconds/milliseconds"
        case .timestampOutOfRange: return "a timestamp before 1970 or after the year 9999 (or not a finite number)"
        case .missingField: return "a label event without request_id or label"
        case .tooLong: return "longer than the line limit (skipped)"
        }
    }
}

/// The outcome of parsing one line.
public enum ParseOutcome: Sendable, Equatable {
    case event(Event)
    case malformed(MalformedReason)
    /// Blank lines are neither events nor errors.
    case blank
}
