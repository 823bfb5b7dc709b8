import Testing
@testable import MLWatchCore

/// Expects `yaml` (read as `m.yaml`) to be refused with an error that starts with its place (`m.yaml:1:`)
/// and mentions `mentions` (the key or the rule the user has to fix).
func expectConfigRefused(_ yaml: String, mentioning mentions: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try MLWatchConfig.parse(yaml: yaml, path: "m.yaml")
        Issue.record("accepted: \(yaml)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.description.hasPrefix("m.yaml:1:"), "\(error.description)", sourceLocation: sourceLocation)
        #expect(error.description.contains(mentions), "\(error.description)", sourceLocation: sourceLocation)
    }
}
