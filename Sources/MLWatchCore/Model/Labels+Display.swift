extension Labels {
    /// The Prometheus spelling (`{feature="amount",model="fraud"}`) for a terminal, each name and value
    /// sanitized on its own (`TextSanitizer`, one line). Sanitizing a whole printed line is not enough: an
    /// escape sequence that a value leaves open (an OSC without its BEL, a C1 CSI) would swallow everything
    /// after it on the line — the other labels, the state, the number. Sanitized here, it ends with its value.
    public var displayDescription: String {
        if pairs.allSatisfy({ TextSanitizer.isClean($0.key) && TextSanitizer.isClean($0.value) }) { return description }
        return "{" + pairs.map { "\(TextSanitizer.sanitize($0.key))=\"\(TextSanitizer.sanitize($0.value))\"" }
            .joined(separator: ",") + "}"
    }
}
