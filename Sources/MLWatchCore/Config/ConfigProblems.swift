/// The problems found while parsing a config: `MLWatchConfig.parse` stops at the first, `rules check`
/// collects up to a limit (one pass over the text, however many rules it holds).
struct ConfigProblems {
    let limit: Int
    private(set) var errors: [ConfigError] = []

    init(limit: Int) {
        self.limit = limit
    }

    /// Whether no more problems are wanted.
    var isFull: Bool { errors.count >= limit }

    mutating func add(_ error: ConfigError) {
        if !isFull { errors.append(error) }
    }
}
