import Foundation
import Testing

/// The dashboard in terminals with fewer colours: `TERM=xterm` (8 colours), `TERM=vt100` (monochrome)
/// and `NO_COLOR=1`. Each must draw the panels, use only the colours the terminal has (none for
/// vt100 and NO_COLOR, where attributes carry severity instead), and quit cleanly with `q`.
///
/// Colours are read back with `tmux capture-pane -e`, which writes each cell's attributes as SGR
/// escape sequences.
@Suite(.serialized) struct TerminalCapabilityE2ETests {
    /// A setting to test: the environment put in front of the command.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var environment: String
        /// Largest colour set the captured screen may use: nil for none at all.
        var palette: Palette?
        /// Whether the terminal has an alternate screen that must be left again on exit.
        var alternateScreen: Bool

        var testDescription: String { name }
    }

    enum Palette: Sendable {
        /// The 8 ANSI colours (SGR 30–37, 40–47).
        case ansi8
    }

    // `swift test` itself runs with NO_COLOR=1, which the tmux server and so every pane inherit: the
    // cases that expect colour remove it, or they would silently test monochrome.
    static let cases = [
        Case(name: "TERM=xterm", environment: "env -u NO_COLOR TERM=xterm", palette: .ansi8, alternateScreen: true),
        Case(name: "TERM=vt100", environment: "env -u NO_COLOR TERM=vt100", palette: nil, alternateScreen: false),
        Case(name: "NO_COLOR=1", environment: "env NO_COLOR=1", palette: nil, alternateScreen: true),
    ]

    /// The colour-setting SGR parameters in escape-captured text, e.g. `31`, `38;5;208`, `48;2;1;2;3`
    /// (the resets 39 and 49 are not colours).
    static func colourCodes(in text: String) -> [String] {
        var codes: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "\u{1b}[") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(where: { !("0"..."9").contains($0) && $0 != ";" && $0 != ":" }) else { break }
            let body = rest[..<end]
            let final = rest[end]
            rest = rest[rest.index(after: end)...]
            guard final == "m" else { continue }
            var params = body.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            while !params.isEmpty {
                let p = params.removeFirst()
                let number = Int(p.split(separator: ":").first ?? "") ?? 0
                switch number {
                case 38, 48:
                    // Extended colour: 38;5;N or 38;2;R;G;B (or the colon forms, already in `p`).
                    if p.contains(":") {
                        codes.append(p)
                    } else if let kind = params.first {
                        let take = kind == "5" ? 2 : kind == "2" ? 4 : 1
                        codes.append(([p] + params.prefix(take)).joined(separator: ";"))
                        params.removeFirst(min(take, params.count))
                    } else {
                        codes.append(p)
                    }
                case 30...37, 40...47, 90...97, 100...107: codes.append(p)
                default: break
                }
            }
        }
        return codes
    }

    /// Attribute SGR parameters (bold 1, dim 2, underline 4, reverse 7) in escape-captured text.
    static func attributeCodes(in text: String) -> Set<String> {
        var found = Set<String>()
        for match in text.components(separatedBy: "\u{1b}[").dropFirst() {
            guard let m = match.firstIndex(of: "m") else { continue }
            for p in match[..<m].split(separator: ";") where ["1", "2", "4", "7"].contains(p) { found.insert(String(p)) }
        }
        return found
    }

    @Test func colourCodesAreRecognised() {
        #expect(Self.colourCodes(in: "\u{1b}[1;31mx\u{1b}[39m\u{1b}[38;5;208my\u{1b}[48;2;1;2;3mz") == ["31", "38;5;208", "48;2;1;2;3"])
        #expect(Self.colourCodes(in: "\u{1b}[1m\u{1b}[7mplain\u{1b}[0m\u{1b}[39;49m").isEmpty)
        #expect(Self.colourCodes(in: "\u{1b}[38:5:12mx\u{1b}[94m").count == 2)
        #expect(Self.attributeCodes(in: "\u{1b}[1;7mx\u{1b}[0m") == ["1", "7"])
    }

    @Test(.needsTmux, arguments: cases)
    func dashboardRendersAndQuits(_ setting: Case) throws {
        let dir = try E2EDirectory.make()
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("predictions.jsonl").path
        try FixtureLog.write(to: log)
        let q = TmuxSession.shellQuote
        let tmux = try TmuxSession(
            "\(setting.environment) \(q(TmuxSession.binary!)) watch \(q(log)) --from-start --window all"
                + " --journal \(q(dir.appendingPathComponent("journal.sqlite").path))")
        defer { tmux.kill() }

        let up = tmux.waitFor(timeout: 30) { screen in
            ["1 Software", "2 Input", "3 Output", "4 Alerts"].allSatisfy(screen.contains) && screen.contains("events 600")
                && screen.contains("╭") && screen.contains("amount")
        }
        #expect(up.ok, "\(setting.name): the panels did not come up:\n\(up.screen)")
        let escaped = tmux.capture(escapes: true)
        let colours = Self.colourCodes(in: escaped)
        switch setting.palette {
        case nil:
            #expect(colours.isEmpty, "\(setting.name): colour sequences on a monochrome screen: \(Set(colours).sorted())")
            // Without colour, attributes (bold, reverse, …) still set the focus, header and severity apart.
            #expect(!Self.attributeCodes(in: escaped).isEmpty, "\(setting.name): no attributes either")
        case .ansi8?:
            #expect(!colours.isEmpty, "\(setting.name): no colours at all:\n\(escaped.prefix(600).debugDescription)")
            let outside = colours.filter { code in Int(code).map { !(30...37).contains($0) && !(40...47).contains($0) } ?? true }
            #expect(outside.isEmpty, "\(setting.name): colours beyond the 8 the terminal has: \(Set(outside).sorted())")
        }

        tmux.send("q")
        let exit = tmux.waitFor("MLWATCH_EXITED 0")
        #expect(exit.ok, "\(setting.name): q did not end the process with status 0:\n\(exit.screen)")
        if setting.alternateScreen {
            // The dashboard ran on the alternate screen and left it: the shell's screen is back.
            let alternate = (try? tmux.tmux(["display-message", "-p", "-t", tmux.name, "#{alternate_on}"]))?.output ?? ""
            #expect(alternate.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(setting.name): still on the alternate screen")
        }
        if setting.alternateScreen {
            // Leaving the alternate screen brings the shell's screen back: no panel is left on it.
            #expect(!exit.screen.contains("1 Software"), "\(setting.name): the dashboard stayed on screen:\n\(exit.screen)")
        }
    }
}
