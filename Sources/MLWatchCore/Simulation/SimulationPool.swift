import Foundation

/// The realistic rows a simulator draws from: feature vectors with the model's prediction, score and the
/// true label, read from a reference log (predictions joined to their label events by request id), or
/// made by a built-in generator shaped like the bundled car-loan data when no reference is at hand.
public struct SimulationPool: Sendable {
    public struct Row: Sendable {
        public var features: FeatureRow
        public var prediction: OutputValue
        public var score: Double?
        public var label: OutputValue?
        public var latencyMs: Double?
    }

    public private(set) var rows: [Row]

    public init(rows: [Row]) {
        self.rows = rows
    }

    /// Reads the predictions (and their labels) of a reference log (`.gz` too). Empty when the log holds
    /// no predictions with features.
    public static func load(reference path: String, limit: Int = 50_000) throws(TailerError) -> SimulationPool {
        let parser = EventParser()
        var rows: [Row] = []
        var byID: [String: Int] = [:]
        let tailer = try LogTailer(paths: [path], options: TailerOptions(fromStart: true, follow: false))
        try tailer.readToEnd { batch in
            batch.bytes.withUnsafeBufferPointer { buf in
                for r in batch.lines {
                    guard case .event(let e) = parser.parse(UnsafeBufferPointer(rebasing: buf[r])) else { continue }
                    switch e {
                    case .prediction(let p) where !p.features.isEmpty && rows.count < limit:
                        if let id = p.requestID { byID[id] = rows.count }
                        rows.append(Row(features: p.features, prediction: p.prediction, score: p.score,
                                        label: p.inlineLabel, latencyMs: p.latencyMs))
                    case .label(let l):
                        if let i = byID.removeValue(forKey: l.requestID) { rows[i].label = l.label }
                    default:
                        break
                    }
                }
            }
        }
        return SimulationPool(rows: rows)
    }

    /// Car-loan-like rows from a fixed seed: car_value, debt_to_income_ratio, driver_tenure,
    /// loan_length (numbers), repaid_loan_on_prev_car (bool), salary_range, size_of_downpayment
    /// (categories); a score from a logistic model of them and a label drawn from that score.
    public static func builtIn(count: Int = 5000, seed: UInt64 = 7) -> SimulationPool {
        var g = SplitMix64(seed: seed)
        let salaries = ["0 - 20K €", "20K - 20K €", "20K - 40K €", "40K - 60K €", "60K+ €"]
        let downpayments = ["0%", "10%", "20%", "30%", "40%", "50%"]
        var rows: [Row] = []
        rows.reserveCapacity(count)
        for _ in 0..<count {
            let carValue = (Foundation.exp(10.2 + 0.55 * g.normal())).rounded()
            let dti = min(1, max(0, 0.45 + 0.2 * g.normal()))
            let tenure = max(0, 3 + 1.5 * g.normal())
            let length = Double(Int(g.uniform() * 24) + 6)
            let repaid = g.uniform() < 0.55
            let salary = g.pick(salaries)
            let down = g.pick(downpayments)
            let z = 1.2 - 2.5 * dti + 0.25 * tenure + (repaid ? 0.6 : -0.4) - carValue / 80_000
            let p = 1 / (1 + Foundation.exp(-z))
            let label: Double = g.uniform() < p ? 1 : 0
            let features = [
                FeatureEntry(name: "car_value", value: .number(carValue)),
                FeatureEntry(name: "debt_to_income_ratio", value: .number(dti)),
                FeatureEntry(name: "driver_tenure", value: .number(tenure)),
                FeatureEntry(name: "loan_length", value: .number(length)),
                FeatureEntry(name: "repaid_loan_on_prev_car", value: .bool(repaid)),
                FeatureEntry(name: "salary_range", value: .string(salary)),
                FeatureEntry(name: "size_of_downpayment", value: .string(down)),
            ]
            let score = (p * 100).rounded() / 100
            rows.append(Row(features: FeatureRow(features), prediction: .number(p >= 0.5 ? 1 : 0), score: score,
                            label: .number(label), latencyMs: nil))
        }
        return SimulationPool(rows: rows)
    }
}
