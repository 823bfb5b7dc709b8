@testable import MLWatchCore
@testable import MLWatchUI

/// The screens the golden tests record: the full dashboard, each panel zoomed, both detail views and
/// the help overlay. Each case knows how to put a `DashboardState` into that screen.
enum GoldenScreen: String, CaseIterable, Sendable, CustomStringConvertible {
    case dashboard
    case zoomSoftware = "zoom-software"
    case zoomInput = "zoom-input"
    case zoomOutput = "zoom-output"
    case zoomAlerts = "zoom-alerts"
    case featureDetail = "feature-detail"
    case alertDetail = "alert-detail"
    case help

    var description: String { rawValue }

    /// Sets `state` up for this screen, as the keys a person would press do.
    func configure(_ state: inout DashboardState, snapshot: Snapshot) {
        switch self {
        case .dashboard:
            break
        case .zoomSoftware: zoom(.software, &state)
        case .zoomInput: zoom(.input, &state)
        case .zoomOutput: zoom(.output, &state)
        case .zoomAlerts: zoom(.alerts, &state)
        case .featureDetail:
            state.focus = .input
            state.detailFeature = "amount"
        case .alertDetail:
            state.focus = .alerts
            if let first = DashboardState.alerts(in: snapshot).first {
                state.detailAlert = DashboardState.AlertKey(rule: first.rule, labels: first.labels)
            }
        case .help:
            state.mode = .help(scroll: 0)
        }
    }

    private func zoom(_ panel: PanelID, _ state: inout DashboardState) {
        state.focus = panel
        state.zoomed = true
    }
}
