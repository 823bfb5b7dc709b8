import Foundation

/// Kullback–Leibler divergence as Evidently's `kl_div` stattest (`kl_div.py`):
/// `scipy.stats.entropy(reference, current)` on the filled shares, i.e. both vectors renormalised
/// to sum to one, then Σ p_i ln(p_i / q_i) (`scipy.special.rel_entr`: 0 when p_i = 0, +∞ when
/// p_i > 0 and q_i = 0). Default threshold 0.1, drift when KL ≥ threshold.
public enum KLDivergence {
    /// `scipy.stats.entropy(pk, qk)` with the natural log.
    public static func entropy(_ pk: [Double], _ qk: [Double]) -> Double {
        precondition(pk.count == qk.count)
        let sp = pk.reduce(0, +), sq = qk.reduce(0, +)
        var sum = 0.0
        for k in 0..<pk.count {
            sum += JensenShannon.relativeEntropy(pk[k] / sp, qk[k] / sq)
        }
        return sum
    }

    /// KL of raw shares: fills empty bins the way Evidently does, then `entropy(ref, cur)`.
    public static func value(reference: [Double], current: [Double]) -> Double {
        entropy(HistogramBinning.filledEmptyBins(reference), HistogramBinning.filledEmptyBins(current))
    }
}
