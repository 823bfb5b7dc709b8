import Foundation

/// Population Stability Index as Evidently's `psi` stattest (`psi.py` `_psi`):
/// Σ (r_i − c_i) · ln(r_i / c_i) over the binned shares after the empty-bin fill
/// (`HistogramBinning.filledEmptyBins`). Default threshold 0.1, drift when PSI ≥ threshold.
public enum PSI {
    /// PSI of two share vectors that have already been filled (no zeros).
    public static func value(filledReference r: [Double], filledCurrent c: [Double]) -> Double {
        precondition(r.count == c.count)
        var sum = 0.0
        for k in 0..<r.count {
            sum += (r[k] - c[k]) * Foundation.log(r[k] / c[k])
        }
        return sum
    }

    /// PSI of raw shares: fills empty bins the way Evidently does, then applies the formula.
    public static func value(reference: [Double], current: [Double]) -> Double {
        value(
            filledReference: HistogramBinning.filledEmptyBins(reference),
            filledCurrent: HistogramBinning.filledEmptyBins(current))
    }
}
