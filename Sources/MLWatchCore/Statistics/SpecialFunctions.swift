import Foundation

/// Special functions needed by the drift tests, written for p-values that agree with scipy to
/// well under 1e-6 absolute (typically ~1e-14 relative).
///
/// References: Cephes `igam.c`/`igamc.c` (as vendored by scipy in `xsf/cephes/igam.h`), `ndtr.h`;
/// Numerical Recipes §6.2 for the series / continued-fraction split of the incomplete gamma function.
public enum SpecialFunctions {
    /// Machine epsilon used as the convergence tolerance of the series below.
    static let epsilon = Double.ulpOfOne

    /// log Γ(x) for x > 0 (C library `lgamma`, as scipy's `gammaln` agrees to ~1 ulp).
    @inlinable
    public static func logGamma(_ x: Double) -> Double {
        Foundation.lgamma(x)
    }

    /// Regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a) (scipy `gammainc`).
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        if x.isNaN || a.isNaN || a < 0 || x < 0 { return .nan }
        if a == 0 { return x > 0 ? 1 : .nan }
        if x == 0 { return 0 }
        if x.isInfinite { return 1 }
        if x < a + 1 { return gammaSeries(a, x) }
        return 1 - gammaContinuedFraction(a, x)
    }

    /// Regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a) (scipy `gammaincc`,
    /// Cephes `igamc`). Uses the power series of P when x < a + 1 and the Lentz continued fraction
    /// of Q otherwise, so the returned tail is never the difference of two numbers close to 1.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        if x.isNaN || a.isNaN || a < 0 || x < 0 { return .nan }
        // Cephes igamc: a == 0 → 0 for x > 0, NaN for x == 0 (scipy `chdtrc(0, 0)` is NaN).
        if a == 0 { return x > 0 ? 0 : .nan }
        if x == 0 { return 1 }
        if x.isInfinite { return 0 }
        if x < a + 1 { return 1 - gammaSeries(a, x) }
        return gammaContinuedFraction(a, x)
    }

    /// Survival function of the chi-square distribution, `scipy.stats.chi2.sf(x, dof)`
    /// = `chdtrc(dof, x)` = Q(dof/2, x/2).
    public static func chiSquareSF(_ x: Double, degreesOfFreedom dof: Double) -> Double {
        if x.isNaN { return .nan }
        if x == .infinity { return dof >= 0 ? 0 : .nan }
        if x < 0 { return 1 }
        return regularizedGammaQ(dof / 2, x / 2)
    }

    /// Standard normal CDF Φ(x) = erfc(−x/√2)/2 (scipy `ndtr`).
    @inlinable
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * Foundation.erfc(-x / 2.0.squareRoot())
    }

    /// Standard normal survival function 1 − Φ(x) = erfc(x/√2)/2 (scipy `norm.sf`), accurate in the tail.
    @inlinable
    public static func normalSF(_ x: Double) -> Double {
        0.5 * Foundation.erfc(x / 2.0.squareRoot())
    }

    // MARK: - Incomplete gamma pieces

    /// Power series for P(a, x): e^{-x} x^a / Γ(a+1) · Σ x^k / ((a+1)…(a+k)).
    static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        let logPrefix = a * Foundation.log(x) - x - logGamma(a + 1)
        var term = 1.0
        var sum = 1.0
        var ap = a
        for _ in 0..<100_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) <= abs(sum) * epsilon { break }
        }
        return sum * Foundation.exp(logPrefix)
    }

    /// Modified Lentz continued fraction for Q(a, x) (Numerical Recipes `gcf`).
    static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while i < 100_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= epsilon { break }
            i += 1
        }
        let logPrefix = a * Foundation.log(x) - x - logGamma(a)
        return Foundation.exp(logPrefix) * h
    }
}
