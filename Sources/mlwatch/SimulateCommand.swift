import ArgumentParser
import Dispatch
import Foundation
import MLWatchCore

/// `mlwatch simulate`: writes a realistic live prediction log, in real time, with incidents and rotation.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a realistic live prediction log in real time, with incidents and rotation.",
        discussion: """
            Scenarios: \(SimulationScenario.names). Feature vectors and labels come from the reference \
            log (default: sample-data/reference.jsonl.gz when found), else from a built-in generator. \
            Ends after --duration, or on SIGINT/SIGTERM.
            """
    )

    @Option(name: .long, help: "The log to write (appended to; rotated to FILE.1, FILE.2, …).")
    var out: String

    @Option(name: .long, help: "Predictions per second.")
    var rate: Double = 200

    @Option(name: .long, help: "Incident scenario.")
    var scenario: String = "demo"

    @Option(name: .long, help: "Rotate the log by rename when it reaches this size (e.g. 50MB).")
    var rotateEvery: String?

    @Option(name: .long, help: "Stop after this long (e.g. 10m); default: until interrupted.")
    var duration: String?

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Reference log to draw feature vectors and labels from.")
    var reference: String?

    func run() throws {
        guard let scenario = SimulationScenario(rawValue: scenario) else {
            throw fail("--scenario \(self.scenario): expected one of \(SimulationScenario.names)")
        }
        guard rate > 0, rate <= 1_000_000 else { throw fail("--rate \(rate): expected a rate above 0") }
        var rotate: Int?
        if let r = rotateEvery {
            guard let size = Simulator.parseSize(r) else { throw fail("--rotate-every \(r): expected a size such as 50MB") }
            rotate = size
        }
        var seconds: Double?
        if let d = duration {
            guard let s = DurationText.parse(d), s > 0 else { throw fail("--duration \(d): expected a duration such as 10m") }
            seconds = s
        }
        let pool: SimulationPool
        if let path = reference ?? SampleData.directory().map({ $0 + "/reference.jsonl.gz" }) {
            do {
                pool = try SimulationPool.load(reference: path)
            } catch {
                throw fail("reference \(path): \(error)")
            }
        } else {
            pool = .builtIn()
        }
        let simulator = Simulator(
            options: .init(path: out, rate: rate, scenario: scenario, rotateEvery: rotate, duration: seconds, seed: seed),
            pool: pool)
        let signals = [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                // The simulator may be blocked opening or writing its output (a FIFO no one reads).
                ExitDeadline.arm(status: 128 + sig, command: "mlwatch simulate")
                simulator.stop()
            }
            source.resume()
            return source
        }
        Console.error("mlwatch simulate: writing \(out) (\(scenario.rawValue), \(rate)/s); Ctrl+C stops\n")
        do {
            try simulator.run()
        } catch {
            throw fail(error.description)
        }
        withExtendedLifetime(signals) {}
        Console.error("mlwatch simulate: \(simulator.predictionsWritten) predictions written\n")
    }

    private func fail(_ message: String) -> ExitCode {
        Console.error("mlwatch simulate: \(message)\n")
        return ExitCode(2)
    }
}
