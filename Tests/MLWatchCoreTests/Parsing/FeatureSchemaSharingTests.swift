import Testing
@testable import MLWatchCore

/// The parser shares one `FeatureSchema` between lines with the same feature names in the same order
/// (`FeatureSchemaCatalog`); what each line reads as must not depend on that.
@Suite("Parser feature schemas")
struct FeatureSchemaSharingTests {
    static func line(_ features: String) -> String {
        #"{"ts":1795428903,"model":"m","features":{\#(features)},"prediction":1}"#
    }

    static func row(_ parser: EventParser, _ features: String) throws -> FeatureRow {
        try #require(PT.prediction(parser.parse(line(features)))).features
    }

    @Test("same names in the same order share a schema; others get their own, with the right names")
    func sharing() throws {
        let parser = EventParser()
        let a1 = try Self.row(parser, #""amount":1,"country":"DE","flag":true"#)
        let a2 = try Self.row(parser, #""amount":2,"country":"FR","flag":false"#)
        #expect(a1.schema === a2.schema)
        #expect(a2 == [FeatureEntry(name: "amount", value: .number(2)), FeatureEntry(name: "country", value: .string("FR")),
                       FeatureEntry(name: "flag", value: .bool(false))])

        // Another order, fewer names, one more name, a different name at the end: each reads as written.
        let reordered = try Self.row(parser, #""country":"DE","amount":3,"flag":null"#)
        #expect(reordered.schema.names == ["country", "amount", "flag"] && reordered.schema !== a1.schema)
        #expect(reordered.value(named: "amount") == .number(3) && reordered.value(named: "flag") == .missing)
        let shorter = try Self.row(parser, #""country":"DE""#)
        #expect(shorter.schema.names == ["country"])
        let longer = try Self.row(parser, #""country":"DE","amount":3,"flag":true,"extra":5"#)
        #expect(longer.schema.names == ["country", "amount", "flag", "extra"])
        let renamed = try Self.row(parser, #""country":"DE","amount":3,"flags":true"#)
        #expect(renamed.schema.names == ["country", "amount", "flags"])
        #expect(renamed.value(named: "flag") == .missing && renamed.value(named: "flags") == .bool(true))

        // Back to the first order: the catalog hands out the first schema again.
        let a3 = try Self.row(parser, #""amount":4,"country":"DE","flag":true"#)
        #expect(a3.schema === a1.schema && a3.value(named: "amount") == .number(4))

        // Escaped spelling of the same name: the same schema; a repeated name stays repeated (first wins).
        let escaped = try Self.row(parser, #""\u0061mount":5,"country":"DE","flag":true"#)
        #expect(escaped.schema === a1.schema)
        let repeated = try Self.row(parser, #""amount":6,"amount":7"#)
        #expect(repeated.schema.names == ["amount", "amount"] && repeated.value(named: "amount") == .number(6))

        // No features at all.
        #expect(try Self.row(parser, "").isEmpty)
    }

    @Test("a line that breaks off after a new name leaves the next lines correct")
    func brokenLineInTheMiddle() throws {
        let parser = EventParser()
        _ = try Self.row(parser, #""amount":1,"country":"DE""#)
        let broken = #"{"ts":1795428903,"features":{"amount":1,"zzz":"#
        #expect(PT.reason(parser.parse(broken)) == .invalidJSON)
        let after = try Self.row(parser, #""amount":2,"country":"FR""#)
        #expect(after.schema.names == ["amount", "country"] && after.value(named: "country") == .string("FR"))
        let newName = try Self.row(parser, #""amount":2,"zzz":"x""#)
        #expect(newName.schema.names == ["amount", "zzz"])
    }

    @Test("past the catalog's limit, new names still read correctly (unshared)")
    func catalogFull() throws {
        let parser = EventParser()
        let perLine = 64
        let lines = FeatureSchemaCatalog.maxNames / perLine + 2
        for l in 0..<lines {
            let features = (0..<perLine).map { #""n\#(l)_\#($0)":\#($0)"# }.joined(separator: ",")
            let text = Self.line(features)
            let got = try #require(PT.prediction(parser.parse(text)))
            #expect(got == PT.prediction(EventParser().parse(text)), "line \(l)")
            #expect(got.features.schema.names.last == "n\(l)_\(perLine - 1)")
        }
        // Names catalogued before the limit still share; a mix of old and uncatalogued names reads right.
        let old1 = try Self.row(parser, #""n0_0":1,"n0_1":2"#)
        let old2 = try Self.row(parser, #""n0_0":3,"n0_1":4"#)
        #expect(old1.schema === old2.schema)
        let mixed = try Self.row(parser, #""n0_0":1,"brand_new":2,"n0_1":3"#)
        #expect(mixed.schema.names == ["n0_0", "brand_new", "n0_1"] && mixed.value(named: "brand_new") == .number(2))
        let again = try Self.row(parser, #""n0_0":1,"brand_new":2,"n0_1":3"#)
        #expect(again == mixed)
    }

    @Test("rows compare by names and values, whoever made the schema")
    func rowEquality() {
        let shared = FeatureSchema(names: ["a", "b"])
        let x = FeatureRow(schema: shared, values: [.number(1), .string("s")])
        let y: FeatureRow = [FeatureEntry(name: "a", value: .number(1)), FeatureEntry(name: "b", value: .string("s"))]
        #expect(x == y && x.schema !== y.schema)
        #expect(x != FeatureRow(schema: FeatureSchema(names: ["a", "c"]), values: [.number(1), .string("s")]))
        #expect(x != FeatureRow(schema: shared, values: [.number(2), .string("s")]))
        #expect(Array(x.map(\.name)) == ["a", "b"] && x[1].value == .string("s"))
    }
}
