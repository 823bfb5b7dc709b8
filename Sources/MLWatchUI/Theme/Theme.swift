import MLWatchCore

/// A named set of styles for the `ThemeRole`s, plus a symbol per severity.
///
/// Severity is never shown by colour alone (red and green look alike to about 1 in 12 men): every
/// theme carries a distinct symbol per level (`severitySymbol(_:)`) and an attribute for monochrome,
/// so panels should draw `theme.severitySymbol(s)` next to any severity-coloured text.
///
/// Load one with `ThemeLoader`, then adapt it to the terminal once: `theme.degraded(to: depth)`.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var styles: [ThemeRole: Style]
    /// Attribute-only styles used instead of `styles` in monochrome (from the theme file's `mono:`
    /// keys); roles without one get `ColorDepth.mono.degrade(style)`.
    public var monoStyles: [ThemeRole: Style]
    /// Symbols for `ok`, `info`, `warning`, `critical` (each one column wide).
    public var symbols: [String: String]

    public init(name: String, styles: [ThemeRole: Style], monoStyles: [ThemeRole: Style] = [:], symbols: [String: String] = [:]) {
        self.name = name
        self.styles = styles
        self.monoStyles = monoStyles
        self.symbols = Theme.defaultSymbols.merging(symbols) { _, theirs in theirs }
    }

    /// Symbols used when a theme file does not set them.
    public static let defaultSymbols = ["ok": "✓", "info": "i", "warning": "▲", "critical": "✖"]

    /// The style of `role`; a role the theme leaves out falls back to `text`, then to plain.
    public subscript(role: ThemeRole) -> Style {
        styles[role] ?? styles[.text] ?? .plain
    }

    /// The symbol for an alert severity; nil means healthy (`ok`).
    public func severitySymbol(_ severity: AlertSeverity?) -> String {
        symbols[severity?.rawValue ?? "ok"] ?? Theme.defaultSymbols[severity?.rawValue ?? "ok"] ?? "?"
    }

    /// The style for an alert severity; nil means healthy (`ok`).
    public func severityStyle(_ severity: AlertSeverity?) -> Style {
        switch severity {
        case nil: return self[.ok]
        case .info?: return self[.info]
        case .warning?: return self[.warning]
        case .critical?: return self[.critical]
        }
    }

    /// This theme with every colour mapped to what `depth` can show; in `.mono`, colours are dropped
    /// and the theme's `mono:` attributes (or reverse video for coloured backgrounds) take over.
    public func degraded(to depth: ColorDepth) -> Theme {
        var copy = self
        for role in ThemeRole.allCases {
            let style = self[role]
            copy.styles[role] = depth == .mono ? (monoStyles[role] ?? depth.degrade(style)) : depth.degrade(style)
        }
        return copy
    }

    /// The default theme compiled into the binary: used when no themes folder can be found.
    public static let builtInDefault: Theme = {
        do {
            return try ThemeLoader.parse(yaml: BuiltInThemes.defaultYAML, name: "default")
        } catch {
            // Guarded by a test that parses this text; an invalid literal is a programming error.
            preconditionFailure("built-in default theme does not parse: \(error)")
        }
    }()
}
