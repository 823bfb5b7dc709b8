import Testing
@Test func placeholderMLWatchUITests() { #expect(Bool(true)) }
