import Foundation
@testable import MLWatchExport

/// A real Prometheus or Alertmanager (Debian's packages) on a free loopback port in a temporary directory,
/// stopped when the value goes away.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let dir: URL
    private let log: FileHandle

    var base: String { "http://127.0.0.1:\(port)" }

    /// `prometheus --config.file … --storage.tsdb.path … --web.listen-address 127.0.0.1:PORT`.
    static func prometheus(config: String, in dir: URL) throws -> ServerProcess {
        let port = try MLWatchProcess.freePort()
        let configFile = dir.appendingPathComponent("prometheus.yml")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        return try ServerProcess(tool: "prometheus", port: port, dir: dir, args: [
            "--config.file", configFile.path, "--storage.tsdb.path", dir.appendingPathComponent("data").path,
            "--web.listen-address", "127.0.0.1:\(port)", "--log.level", "warn",
        ])
    }

    /// `prometheus-alertmanager --config.file … --storage.path … --web.listen-address … --cluster.listen-address=`.
    static func alertmanager(config: String, in dir: URL) throws -> ServerProcess {
        let port = try MLWatchProcess.freePort()
        let configFile = dir.appendingPathComponent("alertmanager.yml")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        return try ServerProcess(tool: "prometheus-alertmanager", port: port, dir: dir, args: [
            "--config.file", configFile.path, "--storage.path", dir.appendingPathComponent("am-data").path,
            "--web.listen-address", "127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level", "warn",
        ])
    }

    private init(tool: String, port: Int, dir: URL, args: [String]) throws {
        self.port = port
        self.dir = dir
        let logURL = dir.appendingPathComponent("\(tool).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        log = try FileHandle(forWritingTo: logURL)
        process.executableURL = URL(fileURLWithPath: ExportTestSupport.tool(tool)!)
        process.arguments = args
        process.standardOutput = log
        process.standardError = log
        process.currentDirectoryURL = dir
        try process.run()
    }

    /// Waits for `/-/ready`.
    func waitReady(seconds: Double = 20) -> Bool {
        MLWatchProcess.poll(timeout: seconds) { MLWatchProcess.get(base + "/-/ready")?.0 == 200 }
    }

    var logText: String { (try? String(contentsOf: dir.appendingPathComponent("\(process.executableURL!.lastPathComponent).log"), encoding: .utf8)) ?? "" }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? log.close()
    }

    /// An instant query: each sample's labels and value.
    func query(_ expr: String) -> [(labels: [String: String], value: Double)]? {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let q = expr.addingPercentEncoding(withAllowedCharacters: allowed)!
        guard let (status, body) = MLWatchProcess.get(base + "/api/v1/query?query=" + q), status == 200,
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { return nil }
        return result.compactMap { r in
            guard let metric = r["metric"] as? [String: String], let value = r["value"] as? [Any],
                let text = value.last as? String, let v = Double(text)
            else { return nil }
            return (metric, v)
        }
    }
}
