/// The semantic roles a theme styles. Panels ask for a role (`theme[.warning]`), never for a colour,
/// so every theme — and monochrome — works without touching panel code.
///
/// The raw values are the keys of a theme file's `styles:` mapping.
public enum ThemeRole: String, CaseIterable, Hashable, Sendable {
    /// Screen background (usually the terminal default).
    case background
    case text
    /// Secondary text: units, timestamps, hints.
    case dimText = "dim_text"
    case border
    /// The border of the panel that has keyboard focus.
    case focusedBorder = "focused_border"
    /// Panel titles in the top border.
    case title
    /// Table column headers.
    case header
    /// The bottom status/key-hint line.
    case statusBar = "status_bar"
    /// Healthy values, resolved alerts.
    case ok
    case info
    /// Pending alerts, metrics near a threshold.
    case warning
    /// Firing critical alerts, values over a threshold.
    case critical
    /// Acknowledged or snoozed alerts: still listed, no longer shouting.
    case acknowledged
    case sparkline
    /// Threshold marker lines in charts.
    case threshold
    /// The reference distribution in drift views.
    case reference
    /// The current distribution in drift views.
    case current
    /// The selected row.
    case selection
    /// The help overlay's box and text.
    case helpOverlay = "help_overlay"
}
