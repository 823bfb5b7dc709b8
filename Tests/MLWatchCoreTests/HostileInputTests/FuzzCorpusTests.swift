import Foundation
import MLWatchFuzzTargets
import Testing

/// Replays every committed fuzz input (`Tests/FuzzCorpus/TARGET/`: the seeds, and every input a fuzzing
/// campaign found crashing, kept as a regression test) through the same code the libFuzzer targets run.
@Suite("Hostile fuzz corpora")
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("FuzzCorpus")

    @Test("every target has a seed corpus and survives it", arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let directory = Self.corpus.appendingPathComponent(target.rawValue)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(!files.isEmpty, "no seed corpus in \(directory.path)")
        for name in files {
            target.run(try Data(contentsOf: directory.appendingPathComponent(name)))
        }
    }

    @Test("scripts/fuzz.sh runs exactly the targets FuzzTarget has")
    func scriptListsEveryTarget() throws {
        let script = try String(contentsOf: Self.corpus.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/fuzz.sh"), encoding: .utf8)
        let line = try #require(script.split(separator: "\n").first { $0.hasPrefix("targets=(") })
        let listed = line.dropFirst("targets=(".count).dropLast().split(separator: " ").map(String.init)
        #expect(listed == FuzzTarget.allCases.map(\.rawValue))
    }
}
