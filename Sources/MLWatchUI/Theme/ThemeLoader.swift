import Foundation
import MLWatchCore
import Yams

/// Finds and parses theme files (`NAME.yaml`, see `themes/default.yaml` for the format).
///
/// Search order (first hit wins): `--themes-dir`, `$MLWATCH_THEMES`, `./themes`, then next to the
/// executable: `../../themes` and `../../../themes` (for `swift run`, whose binary lives in
/// `.build/<triple>/debug/`) and `../share/mlwatch/themes` (installed). The `default` theme always
/// loads: when no file is found, the copy compiled into the binary is used.
public struct ThemeLoader: Sendable {
    public var searchPaths: [String]

    public init(searchPaths: [String]) {
        self.searchPaths = searchPaths
    }

    /// A loader with the standard search path (see the type's doc comment).
    public init(
        themesDirectory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executablePath: String? = CommandLine.arguments.first
    ) {
        var paths: [String] = []
        if let themesDirectory { paths.append(themesDirectory) }
        if let fromEnvironment = environment["MLWATCH_THEMES"], !fromEnvironment.isEmpty { paths.append(fromEnvironment) }
        paths.append((currentDirectory as NSString).appendingPathComponent("themes"))
        if let executablePath, executablePath.contains("/") {
            let directory = ((executablePath as NSString).deletingLastPathComponent as NSString)
            for relative in ["../../themes", "../../../themes", "../share/mlwatch/themes"] {
                paths.append((directory.appendingPathComponent(relative) as NSString).standardizingPath)
            }
        }
        self.searchPaths = paths
    }

    /// Loads theme `name` (or a `.yaml` file when `name` is a path).
    /// - Throws: `ThemeError.notFound` for an unknown name other than `default`, or a parse error.
    public func load(named name: String) throws -> Theme {
        if name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.contains("/") {
            return try load(file: name)
        }
        // Names are plain words: "../x" must not reach outside the themes folders.
        guard name.range(of: "^[A-Za-z0-9_-]+$", options: .regularExpression) != nil else {
            throw ThemeError.notFound(name: name, searched: searchPaths)
        }
        for directory in searchPaths {
            let path = (directory as NSString).appendingPathComponent("\(name).yaml")
            if FileManager.default.fileExists(atPath: path) { return try load(file: path) }
        }
        if name == "default" { return Theme.builtInDefault }
        throw ThemeError.notFound(name: name, searched: searchPaths)
    }

    /// Names of the themes found on the search path (always including `default`), sorted.
    public func availableThemes() -> [String] {
        var names: Set<String> = ["default"]
        for directory in searchPaths {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files where file.hasSuffix(".yaml") { names.insert(String(file.dropLast(5))) }
        }
        return names.sorted()
    }

    /// Parses the theme file at `path`.
    public func load(file path: String) throws -> Theme {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ThemeError.invalidFile(path: path, reason: "cannot read it (\(error.localizedDescription))")
        }
        let fallbackName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try ThemeLoader.parse(yaml: text, name: fallbackName, path: path)
    }

    /// Parses theme YAML. `name` is used when the file has no `name:` key; `path` only labels errors.
    ///
    /// Unknown roles, colours and attributes are errors (a typo should not silently fall back).
    public static func parse(yaml: String, name: String, path: String = "<built-in>") throws -> Theme {
        let root: Any?
        do {
            root = try Yams.load(yaml: yaml)
        } catch {
            throw ThemeError.invalidFile(path: path, reason: "\(error)")
        }
        guard let mapping = root as? [String: Any] else {
            throw ThemeError.invalidFile(path: path, reason: "expected a mapping with `styles:`")
        }
        var styles: [ThemeRole: Style] = [:]
        var monoStyles: [ThemeRole: Style] = [:]
        let styleEntries = mapping["styles"] as? [String: Any] ?? [:]
        for (key, value) in styleEntries {
            guard let role = ThemeRole(rawValue: key) else {
                throw ThemeError.invalidValue(path: path, key: "styles", value: key)
            }
            guard let entry = value as? [String: Any] else {
                throw ThemeError.invalidValue(path: path, key: "styles.\(key)", value: "\(value)")
            }
            styles[role] = try parseStyle(entry, key: "styles.\(key)", path: path)
            if let mono = entry["mono"] {
                guard let monoEntry = mono as? [String: Any] else {
                    throw ThemeError.invalidValue(path: path, key: "styles.\(key).mono", value: "\(mono)")
                }
                var monoStyle = try parseStyle(monoEntry, key: "styles.\(key).mono", path: path)
                monoStyle.fg = nil
                monoStyle.bg = nil
                monoStyles[role] = monoStyle
            }
        }
        var symbols: [String: String] = [:]
        for (key, value) in mapping["symbols"] as? [String: Any] ?? [:] {
            let symbol = TextSanitizer.sanitize("\(value)")
            guard ["ok", "info", "warning", "critical"].contains(key), DisplayWidth.of(symbol) == 1 else {
                throw ThemeError.invalidValue(path: path, key: "symbols.\(key)", value: "\(value)")
            }
            symbols[key] = symbol
        }
        return Theme(name: mapping["name"] as? String ?? name, styles: styles, monoStyles: monoStyles, symbols: symbols)
    }

    private static func parseStyle(_ entry: [String: Any], key: String, path: String) throws -> Style {
        var style = Style()
        for (attribute, value) in entry {
            switch attribute {
            case "fg", "bg":
                // YAML reads `bg: 236` as an Int: accept numbers as palette indices.
                guard let color = Color(parsing: "\(value)") else {
                    throw ThemeError.invalidValue(path: path, key: "\(key).\(attribute)", value: "\(value)")
                }
                if attribute == "fg" { style.fg = color } else { style.bg = color }
            case "bold", "dim", "underline", "reverse":
                guard let flag = value as? Bool else {
                    throw ThemeError.invalidValue(path: path, key: "\(key).\(attribute)", value: "\(value)")
                }
                switch attribute {
                case "bold": style.bold = flag
                case "dim": style.dim = flag
                case "underline": style.underline = flag
                default: style.reverse = flag
                }
            case "mono":
                continue
            default:
                throw ThemeError.invalidValue(path: path, key: key, value: attribute)
            }
        }
        return style
    }
}
