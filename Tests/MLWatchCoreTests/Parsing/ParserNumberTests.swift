import Foundation
import Testing
@testable import MLWatchCore

@Suite("Parser numbers")
struct ParserNumberTests {
    /// The number a JSON number token parses to, read back through `latency_ms`.
    static func number(_ text: String, parser: EventParser = EventParser()) -> Double? {
        PT.prediction(parser.parse(#"{"ts":1795428903,"latency_ms":\#(text)}"#))?.latencyMs
    }

    static func sameBits(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
    }

    @Test("random doubles printed with String(d) and %.17g parse back bit-identical")
    func roundTripRandomBits() {
        var rng = PTRandom(seed: 2026)
        let parser = EventParser()
        var checked = 0
        while checked < 100_000 {
            let d = Double(bitPattern: rng.next())
            guard d.isFinite else { continue }
            checked += 1
            let shortest = String(d)
            let g17 = String(format: "%.17g", d)
            let a = Self.number(shortest, parser: parser)
            let b = Self.number(g17, parser: parser)
            if !Self.sameBits(a, d) || !Self.sameBits(b, d) {
                Issue.record("\(shortest) / \(g17) → \(String(describing: a)) / \(String(describing: b)), expected \(d)")
                return
            }
        }
    }

    @Test("random values of everyday magnitudes round-trip (the Clinger fast path)")
    func roundTripEveryday() {
        var rng = PTRandom(seed: 99)
        let parser = EventParser()
        for _ in 0..<100_000 {
            let d = rng.normal(0, 1) * pow(10, Double(Int(rng.next() % 30)) - 15)
            for text in [String(d), String(format: "%.17g", d), String(format: "%.6f", d), String(format: "%.3e", d)] {
                let expected = Double(text)
                let got = Self.number(text, parser: parser)
                if !Self.sameBits(got, expected) {
                    Issue.record("\(text) → \(String(describing: got)), Double(String) gives \(String(describing: expected))")
                    return
                }
            }
        }
    }

    @Test("random decimal strings parse exactly like Double(String)")
    func decimalStrings() {
        var rng = PTRandom(seed: 5)
        let parser = EventParser()
        for _ in 0..<100_000 {
            var text = rng.chance(0.3) ? "-" : ""
            let intDigits = Int(rng.next() % 25)
            if intDigits == 0 {
                text += "0"
            } else {
                text += String(1 + rng.next() % 9)
                for _ in 1..<intDigits { text += String(rng.next() % 10) }
            }
            if rng.chance(0.7) {
                text += "."
                for _ in 0...Int(rng.next() % 30) { text += String(rng.next() % 10) }
            }
            if rng.chance(0.5) {
                text += rng.pick(["e", "E", "e+", "e-", "E-"]) + String(rng.next() % 340)
            }
            let expected = Double(text)
            let got = Self.number(text, parser: parser)
            if !Self.sameBits(got, expected) {
                Issue.record("\(text) → \(String(describing: got)), Double(String) gives \(String(describing: expected))")
                return
            }
        }
    }

    /// Numbers are read eight digits at a time while the 19 kept digits allow (`JSONScanner.eightDigits`):
    /// runs of zeros and non-digits at every offset around those eight-byte steps, leading zeros that do
    /// not count as significant digits, and the 19-digit boundary, against Double(String).
    @Test("eight-digit steps: zero runs, every offset, the 19-digit boundary")
    func eightDigitSteps() {
        var rng = PTRandom(seed: 8)
        let parser = EventParser()
        let pieces = ["0", "00000000", "1", "9", "12345678", "99999999", "10000000", "00000001"]
        for _ in 0..<60_000 {
            var intPart = (0..<Int(rng.next() % 4)).map { _ in rng.pick(pieces) }.joined()
            if intPart.isEmpty || intPart.first == "0" { intPart = rng.chance(0.5) ? "0" : "7" + intPart }
            var text = (rng.chance(0.2) ? "-" : "") + intPart
            if rng.chance(0.8) {
                let frac = (0..<Int(1 + rng.next() % 5)).map { _ in rng.pick(pieces) }.joined()
                text += "." + String(frac.prefix(Int(1 + rng.next() % 40)))
            }
            if rng.chance(0.2) { text += "e" + String(Int(rng.next() % 60) - 30) }
            let expected = Double(text)
            let got = Self.number(text, parser: parser)
            if !Self.sameBits(got, expected) {
                Issue.record("\(text) → \(String(describing: got)), Double(String) gives \(String(describing: expected))")
                return
            }
        }
        // Every byte that is not a digit, in the middle of an eight-byte step, ends the digits there.
        for b in UInt8(0)...UInt8(255) where !(0x30...0x39).contains(b) {
            for prefix in ["1234567", "0.123456", "12.34567"] {
                let line = Array(#"{"ts":1795428903,"latency_ms":\#(prefix)"#.utf8) + [b] + Array("8}".utf8)
                let outcome = PT.parse(bytes: line)
                let text = prefix + String(decoding: [b], as: UTF8.self) + "8"
                if let valid = Double(text), [UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: ".")].contains(b),
                   !(b == UInt8(ascii: ".") && prefix.contains(".")) {
                    #expect(PT.prediction(outcome)?.latencyMs == valid, "\(text)")
                } else {
                    #expect(PT.reason(outcome) == .invalidJSON, "byte \(b) after \(prefix)")
                }
            }
        }
        for k in 0...24 {
            for text in [String(repeating: "9", count: k) + "1", "0." + String(repeating: "0", count: k) + "123456789012345678901",
                         "1" + String(repeating: "0", count: k) + ".5", String(repeating: "1", count: 19 + k % 3)] {
                #expect(Self.sameBits(Self.number(text, parser: parser), Double(text)), "\(text)")
            }
        }
    }

    @Test("hard and huge cases")
    func hardCases() {
        let cases = [
            "0", "-0", "0.0", "-0.0", "1", "9007199254740992", "9007199254740993", "9007199254740995",
            "18446744073709551615", "18446744073709551616", "123456789012345678901234567890",
            "1e22", "1e23", "1e-22", "1e-23", "1.7976931348623157e308", "1.7976931348623159e308", "1e309", "-1e309",
            "2.2250738585072014e-308", "2.2250738585072011e-308", "4.9406564584124654e-324", "2.4703282292062327e-324",
            "2.4703282292062328e-324", "1e-400", "0.000000000000000000000000000000000000000001",
            "0.1", "0.2", "0.3", "2.675", "1.00000000000000011102230246251565404236316680908203125",
            "7.2057594037927933e16", "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999999999999999999999999999999999999999999999999999999999999999999999",
            "1" + String(repeating: "0", count: 400), "0." + String(repeating: "0", count: 400) + "1",
        ]
        for text in cases {
            #expect(Self.sameBits(Self.number(text), Double(text)), "\(text)")
        }
        #expect(Self.number("-0")?.sign == .minus)
    }

    @Test("numbers that are not JSON are invalid")
    func notJSON() {
        for text in ["01", "-01", "00", "1.", ".5", "-", "+1", "1e", "1e+", "1.e3", "0x10", "1_000", "--1", "1..2", "1e1.5"] {
            #expect(PT.reason(PT.parse(#"{"ts":1795428903,"latency_ms":\#(text)}"#)) == .invalidJSON, "\(text)")
        }
    }
}
