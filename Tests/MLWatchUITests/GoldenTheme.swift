import Foundation
@testable import MLWatchUI

/// The themes golden screens are recorded in: the default (dark) one and `light`, both read from the
/// repository's `themes/` folder by `ThemeLoader` as the app reads them, so a changed theme file shows
/// up as a golden difference in the style section.
enum GoldenTheme: String, CaseIterable, Sendable, CustomStringConvertible {
    case dark = "default"
    case light

    var description: String { rawValue }

    /// The repository's `themes/` folder, found from this file's path.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("themes").path

    func load() throws -> Theme {
        try ThemeLoader(searchPaths: [GoldenTheme.directory]).load(named: rawValue)
    }
}
