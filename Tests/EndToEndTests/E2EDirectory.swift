import Foundation

/// A fresh temporary directory for one end-to-end test's log and journal; the test removes it with `defer`.
enum E2EDirectory {
    static func make() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlwatch-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}
