import Foundation
import Testing
@testable import MLWatchUI

/// The README's key table says what the dashboard's key map does: the same keys in the same places.
@Suite struct ReadmeKeyTableTests {
    /// The keys of each row of the README's `## Keys` table, by its *where* column (empty: `Global`).
    static func readmeKeys() throws -> [String: Set<String>] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "\n## Keys\n").dropFirst().first)
        var keys: [String: Set<String>] = [:]
        var inTable = false
        for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("| key |") { inTable = true; continue }
            guard inTable else { continue }
            guard line.hasPrefix("|") else { break }
            if line.hasPrefix("|---") { continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells.count >= 4, "a key table row without three columns: \(line)")
            guard cells.count >= 4 else { continue }
            let context = cells[2].isEmpty ? KeyMap.globalContext : cells[2]
            let tokens = cells[1].split(separator: "`", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }
            #expect(!tokens.isEmpty, "a key table row without keys: \(line)")
            keys[context, default: []].formUnion(tokens)
        }
        return keys
    }

    /// The keys of the normal mode's map (and the mouse rows), as the README writes them.
    static func mapKeys() -> [String: Set<String>] {
        var keys: [String: Set<String>] = [:]
        for binding in DashboardKeys.mapWithMouse.bindings {
            let names = binding.entries.isEmpty ? [binding.keyDescription] : binding.keys.map(\.description)
            keys[binding.context, default: []].formUnion(names)
        }
        return keys
    }

    @Test func readmeTableMatchesTheKeyMap() throws {
        let readme = try Self.readmeKeys()
        let map = Self.mapKeys()
        #expect(Set(readme.keys) == Set(map.keys), "contexts: README \(readme.keys.sorted()), map \(map.keys.sorted())")
        for context in map.keys {
            let documented = readme[context] ?? []
            let bound = map[context] ?? []
            #expect(bound.subtracting(documented).isEmpty, "\(context): bound but not in the README: \(bound.subtracting(documented).sorted())")
            #expect(documented.subtracting(bound).isEmpty, "\(context): in the README but not bound: \(documented.subtracting(bound).sorted())")
        }
    }

    @Test func helpOverlayKeysAreTheHelpModeBindings() {
        // The README says the help's movement keys scroll it: they are bound in the help mode's map.
        for key in [Key.up, .down, .pageUp, .pageDown, .home, .end] {
            #expect(DashboardKeys.help.action(for: key, in: [KeyMap.globalContext]) != nil, "\(key) does not scroll the help")
        }
    }
}
