import Foundation
import Testing
@testable import MLWatchCore
@testable import MLWatchExport

/// The README's "Running a fleet" files work as written: its prometheus.yml (with the rule file the CLI
/// generates for the sample config) passes `promtool check config`, its Alertmanager route
/// `amtool check-config`, and the route sends a critical mlwatch alert to the pager.
@Suite struct ReadmeFleetConfigTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The fenced block after `<!-- fleet:NAME -->` in the README.
    static func block(_ name: String) throws -> String {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let marker = try #require(readme.range(of: "<!-- fleet:\(name) -->"))
        let rest = readme[marker.upperBound...]
        let open = try #require(rest.range(of: "```yaml\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        return String(rest[open.upperBound..<close.lowerBound])
    }

    /// amtool's answer (after a warning line it prints to the same output).
    static func lastLine(_ s: String) -> String {
        s.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
    }

    @Test(.enabled(if: ExportTestSupport.tool("promtool") != nil, "promtool is not installed"))
    func prometheusConfigChecks() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.block("prometheus.yml").write(to: dir.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        let config = try MLWatchConfig.load(path: Self.root.appendingPathComponent("sample-data/mlwatch.yaml").path)
        try PrometheusRuleFile.render(config, source: "mlwatch.yaml")
            .write(to: dir.appendingPathComponent("mlwatch-rules.yml"), atomically: true, encoding: .utf8)
        let (status, output) = try ExportTestSupport.run(ExportTestSupport.tool("promtool")!,
                                                         ["check", "config", dir.appendingPathComponent("prometheus.yml").path])
        #expect(status == 0, "\(output)")
        #expect(output.contains("SUCCESS"), "\(output)")
    }

    @Test(.enabled(if: ExportTestSupport.tool("amtool") != nil, "amtool is not installed"))
    func alertmanagerRouteChecksAndRoutesCriticalToThePager() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("alertmanager.yml")
        try Self.block("alertmanager.yml").write(to: file, atomically: true, encoding: .utf8)
        let amtool = ExportTestSupport.tool("amtool")!
        let (status, output) = try ExportTestSupport.run(amtool, ["check-config", file.path])
        #expect(status == 0, "\(output)")
        let (_, critical) = try ExportTestSupport.run(amtool, ["config", "routes", "test", "--config.file", file.path,
                                                               "alertname=LatencyP99High", "severity=critical", "model=car_loan"])
        #expect(Self.lastLine(critical) == "pager", "\(critical)")
        let (_, warning) = try ExportTestSupport.run(amtool, ["config", "routes", "test", "--config.file", file.path,
                                                              "alertname=AmountDrift", "severity=warning"])
        #expect(Self.lastLine(warning) == "on-call", "\(warning)")
    }
}
