import Foundation
import MLWatchCore
import Testing

@testable import MLWatchUI

@Suite("Theme")
struct ThemeTests {
    /// The repository's `themes/` folder, found from this file's path.
    static let themesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("themes").path

    static let names = ["default", "light", "high-contrast", "colorblind"]

    @Test(arguments: names)
    func themeFileLoadsWithEveryRole(name: String) throws {
        let theme = try ThemeLoader(searchPaths: [Self.themesDirectory]).load(named: name)
        #expect(theme.name == name)
        for role in ThemeRole.allCases {
            #expect(theme.styles[role] != nil, "\(name) lacks \(role.rawValue)")
        }
        // Severity never relies on colour alone: distinct one-column symbols, and a distinct mono look.
        let levels: [AlertSeverity?] = [nil, .info, .warning, .critical]
        let symbols = levels.map { theme.severitySymbol($0) }
        #expect(Set(symbols).count == 4)
        #expect(symbols.allSatisfy { DisplayWidth.of($0) == 1 })
        let mono = theme.degraded(to: .mono)
        #expect(mono.severityStyle(.critical) != mono.severityStyle(.warning))
        #expect(mono.severityStyle(.warning) != mono.severityStyle(nil))
    }

    @Test func builtInDefaultMatchesTheFile() throws {
        let file = try String(contentsOfFile: Self.themesDirectory + "/default.yaml", encoding: .utf8)
        #expect(file == BuiltInThemes.defaultYAML + "\n")
        let loaded = try ThemeLoader(searchPaths: [Self.themesDirectory]).load(named: "default")
        #expect(loaded == Theme.builtInDefault)
    }

    @Test func defaultFallsBackToBuiltInAndOthersFail() throws {
        let loader = ThemeLoader(searchPaths: ["/nonexistent"])
        #expect(try loader.load(named: "default") == Theme.builtInDefault)
        #expect(throws: ThemeError.self) { try loader.load(named: "light") }
        #expect(throws: ThemeError.self) { try loader.load(named: "..") }
    }

    @Test func searchPathOrder() {
        let loader = ThemeLoader(
            themesDirectory: "/opt/t", environment: ["MLWATCH_THEMES": "/env/t"], currentDirectory: "/work",
            executablePath: "/repo/.build/debug/mlwatch")
        #expect(Array(loader.searchPaths.prefix(4)) == ["/opt/t", "/env/t", "/work/themes", "/repo/themes"])
    }

    @Test func invalidValuesAreReported() {
        #expect(throws: ThemeError.self) { try ThemeLoader.parse(yaml: "styles: {txt: {fg: red}}", name: "x") }
        #expect(throws: ThemeError.self) { try ThemeLoader.parse(yaml: "styles: {text: {fg: reddish}}", name: "x") }
        #expect(throws: ThemeError.self) { try ThemeLoader.parse(yaml: "styles: {text: {bold: maybe}}", name: "x") }
        #expect(throws: ThemeError.self) { try ThemeLoader.parse(yaml: "- a list", name: "x") }
    }

    @Test func colorParsing() {
        #expect(Color(parsing: "#ff8000") == .rgb(255, 128, 0))
        #expect(Color(parsing: "#f80") == .rgb(255, 136, 0))
        #expect(Color(parsing: "bright-red") == .ansi(9))
        #expect(Color(parsing: "208") == .indexed(208))
        #expect(Color(parsing: "3") == .ansi(3))
        #expect(Color(parsing: "default") == .default)
        #expect(Color(parsing: "#12345") == nil)
    }

    @Test func colorDegradation() {
        let pink = Color.rgb(0xE0, 0x6C, 0x75)  // the default theme's critical
        #expect(ColorDepth.truecolor.map(pink) == pink)
        #expect(ColorDepth.c256.map(pink) == .indexed(168))
        #expect(ColorDepth.c256.map(.rgb(0, 0, 0)) == .indexed(16))
        #expect(ColorDepth.c16.map(pink) == .brightRed)
        #expect(ColorDepth.c8.map(pink) == .red)
        #expect(ColorDepth.c8.map(.indexed(168)) == .red)
        #expect(ColorDepth.c8.map(.brightGreen) == .green)
        #expect(ColorDepth.c8.map(.rgb(0x7F, 0x87, 0x94)) == .white)  // grey text stays visible
        #expect(ColorDepth.mono.map(pink) == nil)
        #expect(ColorDepth.c8.map(.default) == .default)
    }

    @Test func themeDegradation256To8ToMono() throws {
        let theme = try ThemeLoader(searchPaths: [Self.themesDirectory]).load(named: "default")
        let c256 = theme.degraded(to: .c256)
        #expect(c256[.critical].fg.map { if case .indexed = $0 { true } else { false } } == true)
        #expect(c256[.critical].bold)
        let c8 = theme.degraded(to: .c8)
        #expect(c8[.critical].fg == .red)
        #expect(c8[.warning].fg == .yellow)
        #expect(c8[.ok].fg == .green)
        let mono = theme.degraded(to: .mono)
        for role in ThemeRole.allCases {
            #expect(mono[role].fg == nil && mono[role].bg == nil)
        }
        #expect(mono[.critical] == Style(bold: true, reverse: true))
        #expect(mono[.selection].reverse)
        // A role without `mono:` but with a background becomes reverse video.
        let custom = try ThemeLoader.parse(yaml: "styles: {selection: {bg: blue}}", name: "x").degraded(to: .mono)
        #expect(custom[.selection] == Style(reverse: true))
    }

    @Test func noColorEnvironmentMeansMono() {
        #expect(ColorDepth.detect(colors: 256, environment: ["NO_COLOR": "1"]) == .mono)
        #expect(ColorDepth.detect(colors: 256, environment: ["NO_COLOR": ""]) == .c256)
        #expect(ColorDepth.detect(colors: 256, environment: ["COLORTERM": "truecolor"]) == .truecolor)
        #expect(ColorDepth.detect(colors: 8, environment: [:]) == .c8)
        #expect(ColorDepth.detect(colors: 0, environment: [:]) == .mono)
    }
}
