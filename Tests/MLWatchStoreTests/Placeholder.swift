import Testing
@Test func placeholderMLWatchStoreTests() { #expect(Bool(true)) }
