import Testing
@Test func placeholderMLWatchCoreTests() { #expect(Bool(true)) }
