/// The four panels of the dashboard, in focus order (keys 1–4, Tab/Shift-Tab).
public enum PanelID: Int, CaseIterable, Sendable {
    case software = 0
    case input
    case output
    case alerts

    public var title: String {
        switch self {
        case .software: return "Software"
        case .input: return "Input"
        case .output: return "Output"
        case .alerts: return "Alerts"
        }
    }

    public var next: PanelID { PanelID(rawValue: (rawValue + 1) % 4)! }
    public var previous: PanelID { PanelID(rawValue: (rawValue + 3) % 4)! }

    /// What the panel needs of the screen (declared by the panel itself).
    public var needs: PanelNeeds {
        switch self {
        case .software: return SoftwarePanel.needs
        case .input: return InputPanel.needs
        case .output: return OutputPanel.needs
        case .alerts: return AlertsPanel.needs
        }
    }
}
