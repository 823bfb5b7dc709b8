import Foundation

/// Jensen–Shannon **distance** as Evidently's `jensenshannon` stattest (`jensenshannon.py`):
/// `scipy.spatial.distance.jensenshannon(reference, current)` with the natural log on the raw
/// (unfilled) shares: p, q normalised, m = (p + q)/2,
/// JS = sqrt((Σ rel_entr(p, m) + Σ rel_entr(q, m)) / 2) ∈ [0, √ln 2].
/// Default threshold 0.1, drift when JS ≥ threshold.
public enum JensenShannon {
    /// `scipy.special.rel_entr(x, y)`.
    @inline(__always)
    public static func relativeEntropy(_ x: Double, _ y: Double) -> Double {
        if x.isNaN || y.isNaN { return .nan }
        if x > 0 && y > 0 { return x * Foundation.log(x / y) }
        if x == 0 && y >= 0 { return 0 }
        return .infinity
    }

    /// The distance (base e).
    public static func distance(_ p: [Double], _ q: [Double]) -> Double {
        precondition(p.count == q.count)
        let sp = p.reduce(0, +), sq = q.reduce(0, +)
        var left = 0.0, right = 0.0
        for k in 0..<p.count {
            let pk = p[k] / sp, qk = q[k] / sq
            let m = (pk + qk) / 2.0
            left += relativeEntropy(pk, m)
            right += relativeEntropy(qk, m)
        }
        return ((left + right) / 2.0).squareRoot()
    }
}
