import Testing
@testable import MLWatchCore
@testable import MLWatchUI

/// A label value that leaves an escape sequence open (an OSC without BEL) loses the rest of that value on the
/// dashboard, not the rest of the text it is drawn in: the header keeps the version after the model, the
/// alert detail the other labels, a summary the words after a `{{ $labels.… }}`.
@Suite struct HostileLabelDisplayTests {
    static let model = "a\u{1B}]0;x"

    static func hasControl(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    @Test func headerKeepsTheVersionAfterAnOpenSequenceInTheModel() throws {
        let (fixture, state) = try DashboardFixture.make()
        var snapshot = fixture
        for i in snapshot.outputs.indices { snapshot.outputs[i].labels["model"] = Self.model }
        var buffer = ScreenBuffer(width: 120, height: 40)
        DashboardRenderer(theme: .builtInDefault).render(snapshot, state: state, into: &buffer, now: DashboardFixture.now)
        let header = buffer.text(row: 0)
        let version = try #require(state.group(in: snapshot)?["version"])
        #expect(header.contains(" model a version \(version) "), "\(header)")
        #expect(!Self.hasControl(header))
    }

    @Test func alertDetailKeepsTheLabelsAndTheSummary() throws {
        let (fixture, state) = try DashboardFixture.make()
        var snapshot = fixture
        var alert = try #require(snapshot.alerts.first)
        alert.labels = Labels(["model": Self.model, "version": "v1"])
        alert.summary = AlertTemplate.render("{{ $labels.model }} is slow: {{ $value }} ms", value: 312, threshold: 250,
                                             labels: alert.labels)
        snapshot.alerts = [alert]
        let view = AlertDetailView(
            context: PanelContext(snapshot: snapshot, state: state, theme: .builtInDefault, focused: true, compact: false),
            key: DashboardState.AlertKey(rule: alert.rule, labels: alert.labels))
        var buffer = ScreenBuffer(width: 100, height: 20)
        view.render(into: &buffer, area: Rect(x: 0, y: 0, width: 100, height: 20))
        let text = (0..<20).map { buffer.text(row: $0) }.joined(separator: "\n")
        #expect(text.contains(#"{model="a",version="v1"}"#), "\(text)")
        #expect(text.contains("a is slow: 312 ms"), "\(text)")
        for row in 0..<20 { #expect(!Self.hasControl(buffer.text(row: row))) }
    }
}
