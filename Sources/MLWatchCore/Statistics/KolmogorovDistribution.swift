import Foundation

/// The finite-n distribution of the two-sided one-sample Kolmogorov–Smirnov statistic D_n,
/// i.e. `scipy.stats.kstwo`, plus the one-sided Smirnov tail `scipy.special.smirnov`.
///
/// This is a port of `scipy/stats/_ksstats.py` (`kolmogn`, `_kolmogn_DMTW`, `_kolmogn_Pomeranz`,
/// `_kolmogn_PelzGood`), which follows Simard & L'Ecuyer, "Computing the Two-Sided
/// Kolmogorov-Smirnov Distribution", J. Stat. Softw. 39(11), 2011: the algorithm is chosen by n
/// and n·x² exactly as scipy does, so `ks_2samp`'s asymptotic p-value
/// `kstwo.sf(D, round(n1·n2/(n1+n2)))` is reproduced.
public enum KolmogorovDistribution {
    static let e128: Int = 128
    static let ep128: Double = Foundation.scalbn(1.0, 128)
    static let em128: Double = Foundation.scalbn(1.0, -128)
    static let sqrt2Pi: Double = (2 * Double.pi).squareRoot()
    static let log2Pi: Double = Foundation.log(2 * Double.pi)
    static let minLog: Double = -708
    static let piSquared = Double.pi * Double.pi
    static let piFour = piSquared * piSquared
    static let piSix = piFour * piSquared
    /// `_STIRLING_COEFFS` of `_ksstats.py`, highest order first (numpy `polyval` order).
    static let stirlingCoefficients: [Double] = [
        -2.955065359477124183e-2, 6.4102564102564102564e-3,
        -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4,
        -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ]

    /// Pr(D_n > x): `scipy.stats.kstwo.sf(x, n)` (= `_ksstats.kolmogn(n, x, cdf=False)`).
    public static func sf(_ x: Double, n: Int) -> Double {
        kolmogn(n: n, x: x, cdf: false)
    }

    /// Pr(D_n ≤ x): `scipy.stats.kstwo.cdf(x, n)`.
    public static func cdf(_ x: Double, n: Int) -> Double {
        kolmogn(n: n, x: x, cdf: true)
    }

    @inline(__always)
    static func select(_ cdfProb: Double, _ sfProb: Double, cdf: Bool) -> Double {
        min(max(cdf ? cdfProb : sfProb, 0), 1)
    }

    /// `_log_nfactorial_div_n_pow_n`: log(n!/n^n) by Stirling's series.
    static func logNFactorialDivNPowN(_ n: Int) -> Double {
        let nd = Double(n)
        let rn = 1.0 / nd
        var poly = 0.0
        let t = rn / nd
        for c in stirlingCoefficients { poly = poly * t + c }
        return Foundation.log(nd) / 2 - nd + log2Pi / 2 + rn * poly
    }

    /// `_kolmogn(n, x, cdf)`: chooses among Ruben–Gambino closed forms, 2·smirnov, the Durbin
    /// matrix (Marsaglia–Tsang–Wang), Pomeranz' recursion and the Pelz–Good expansion.
    static func kolmogn(n: Int, x: Double, cdf: Bool) -> Double {
        if x.isNaN || n <= 0 { return .nan }
        if x >= 1.0 { return select(1.0, 0.0, cdf: cdf) }
        if x <= 0.0 { return select(0.0, 1.0, cdf: cdf) }
        let nd = Double(n)
        let t = nd * x
        if t <= 1.0 {  // Ruben–Gambino: 1/2n <= x <= 1/n
            if t <= 0.5 { return select(0.0, 1.0, cdf: cdf) }
            let prob: Double
            if n <= 140 {
                // np.prod(np.arange(1, n+1) * (1.0/n) * (2*t - 1))
                var p = 1.0
                let inv = 1.0 / nd
                let f = 2 * t - 1
                for i in 1...n { p *= (Double(i) * inv) * f }
                prob = p
            } else {
                prob = Foundation.exp(logNFactorialDivNPowN(n) + nd * Foundation.log(2 * t - 1))
            }
            return select(prob, 1.0 - prob, cdf: cdf)
        }
        if t >= nd - 1 {  // Ruben–Gambino
            let prob = 2 * Foundation.pow(1.0 - x, nd)
            return select(1 - prob, prob, cdf: cdf)
        }
        if x >= 0.5 {  // Exact: 2 * smirnov
            let prob = 2 * smirnovSF(n: n, x: x)
            return select(1.0 - prob, prob, cdf: cdf)
        }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 {
                let prob = durbinMatrixCDF(n: n, d: x)
                return select(prob, 1.0 - prob, cdf: cdf)
            }
            if nxSquared <= 4 {
                let prob = pomeranzCDF(n: n, x: x)
                return select(prob, 1.0 - prob, cdf: cdf)
            }
            let prob = 2 * smirnovSF(n: n, x: x)
            return select(1.0 - prob, prob, cdf: cdf)
        }
        if !cdf {
            if nxSquared >= 370.0 { return 0.0 }
            if nxSquared >= 2.2 {
                return min(max(2 * smirnovSF(n: n, x: x), 0), 1)
            }
        }
        let cdfProb: Double
        if nxSquared >= 18.0 {
            cdfProb = 1.0
        } else if n <= 100_000 && nd * Foundation.pow(x, 1.5) <= 1.4 {
            cdfProb = durbinMatrixCDF(n: n, d: x)
        } else {
            cdfProb = pelzGoodCDF(n: n, x: x)
        }
        return select(cdfProb, 1.0 - cdfProb, cdf: cdf)
    }

    // MARK: - Durbin matrix (MTW)

    /// `_kolmogn_DMTW`: Pr(D_n ≤ d) by the Durbin (1968) matrix method as in Marsaglia, Tsang &
    /// Wang (2003): the (k,k) entry of H^n · n!/n^n, with power-of-two rescaling.
    /// - Complexity: O(m³ log n) with m = 2⌈nd⌉ − 1.
    static func durbinMatrixCDF(n: Int, d: Double) -> Double {
        if d >= 1.0 { return 1.0 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0.0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1

        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        for j in 1...m { v[j - 1] = 1.0 - Foundation.pow(h, Double(j)) }
        var fac = 1.0
        for j in 1...m {
            w[j - 1] = fac
            fac /= Double(j)
            v[j - 1] *= fac
        }
        let tt = Foundation.pow(max(2 * h - 1.0, 0), Double(m)) - 2 * Foundation.pow(h, Double(m))
        v[m - 1] = (1.0 + tt) * fac

        var hMat = [Double](repeating: 0, count: m * m)  // row-major
        for i in 1..<max(m, 1) {
            for r in (i - 1)..<m { hMat[r * m + i] = w[r - (i - 1)] }
        }
        for r in 0..<m { hMat[r * m] = v[r] }
        for c in 0..<m { hMat[(m - 1) * m + c] = v[m - 1 - c] }

        var hPower = [Double](repeating: 0, count: m * m)
        for i in 0..<m { hPower[i * m + i] = 1 }
        var nn = n
        var exponent = 0
        var hExponent = 0
        var scratch = [Double](repeating: 0, count: m * m)
        while nn > 0 {
            if nn % 2 == 1 {
                multiply(hPower, hMat, into: &scratch, m)
                swap(&hPower, &scratch)
                exponent += hExponent
            }
            nn /= 2
            if nn == 0 { break }  // scipy squares once more here; the result is unused.
            multiply(hMat, hMat, into: &scratch, m)
            swap(&hMat, &scratch)
            hExponent *= 2
            if abs(hMat[(k - 1) * m + (k - 1)]) > ep128 {
                for i in 0..<(m * m) { hMat[i] /= ep128 }
                hExponent += e128
            }
        }
        var p = hPower[(k - 1) * m + (k - 1)]
        let nDouble = Double(n)
        for i in 1...n {
            p = Double(i) * p / nDouble
            if abs(p) < em128 {
                p *= ep128
                exponent -= e128
            }
        }
        if exponent != 0 { p = Foundation.scalbn(p, exponent) }
        return min(max(p, 0), 1)
    }

    /// C = A · B for m×m row-major matrices.
    private static func multiply(_ a: [Double], _ b: [Double], into c: inout [Double], _ m: Int) {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    for i in 0..<(m * m) { pc[i] = 0 }
                    for i in 0..<m {
                        for l in 0..<m {
                            let ail = pa[i * m + l]
                            if ail == 0 { continue }
                            let rowB = l * m
                            let rowC = i * m
                            for j in 0..<m { pc[rowC + j] += ail * pb[rowB + j] }
                        }
                    }
                }
            }
        }
    }

    // MARK: - Pomeranz

    /// `_pomeranz_compute_j1j2`: the interval of row i.
    static func pomeranzJ1J2(_ i: Int, _ n: Int, _ ll: Int, _ ceilf: Int, _ roundf: Int) -> (Int, Int) {
        var j1: Int
        var j2: Int
        if i == 0 {
            j1 = -ll - ceilf - 1
            j2 = ll + ceilf - 1
        } else {
            let ip1div2 = (i + 1) / 2
            let ip1mod2 = (i + 1) % 2
            if ip1mod2 == 0 {  // i is odd
                if ip1div2 == n + 1 {
                    j1 = n - ll - ceilf - 1
                    j2 = n + ll + ceilf - 1
                } else {
                    j1 = ip1div2 - 1 - ll - roundf - 1
                    j2 = ip1div2 + ll - 1 + ceilf - 1
                }
            } else {
                j1 = ip1div2 - 1 - ll - 1
                j2 = ip1div2 + ll + roundf - 1
            }
        }
        return (max(j1 + 2, 0), min(j2, n))
    }

    /// `_kolmogn_Pomeranz`: Pr(D_n ≤ x) by Pomeranz' (1974) recursion, with the convolution
    /// formulation of Simard & L'Ecuyer.
    static func pomeranzCDF(n: Int, x: Double) -> Double {
        let nd = Double(n)
        let t = nd * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = min(f, 1.0 - f)
        let ceilf = f > 0 ? 1 : 0
        let roundf = f > 0.5 ? 1 : 0
        let npwrs = 2 * (ll + 1)
        var gpower = [Double](repeating: 1, count: npwrs)
        var twogpower = [Double](repeating: 1, count: npwrs)
        var onem2gpower = [Double](repeating: 1, count: npwrs)
        var exponent = 0
        let gOverN = g / nd, twoGOverN = 2 * g / nd, oneMinusTwoGOverN = (1 - 2 * g) / nd
        if npwrs > 1 {
            for m in 1..<npwrs {
                gpower[m] = gpower[m - 1] * gOverN / Double(m)
                twogpower[m] = twogpower[m - 1] * twoGOverN / Double(m)
                onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / Double(m)
            }
        }
        var v0 = [Double](repeating: 0, count: npwrs)
        var v1 = [Double](repeating: 0, count: npwrs)
        v1[0] = 1
        var v0s = 0, v1s = 0
        var (j1, j2) = pomeranzJ1J2(0, n, ll, ceilf, roundf)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&v0, &v1)
            swap(&v0s, &v1s)
            for idx in 0..<npwrs { v1[idx] = 0 }
            (j1, j2) = pomeranzJ1J2(i, n, ll, ceilf, roundf)
            let pwrs: [Double]
            if i == 1 || i == 2 * n + 1 {
                pwrs = gpower
            } else {
                pwrs = i % 2 == 1 ? twogpower : onem2gpower
            }
            let ln2 = j2 - k1 + 1
            if ln2 > 0 {
                // conv = np.convolve(V0[k1-V0s : k1-V0s+ln2], pwrs[:ln2]); numpy slices clamp.
                let aStart = k1 - v0s
                let aEnd = min(aStart + ln2, npwrs)
                let aLen = max(aEnd - aStart, 0)
                let bLen = min(ln2, npwrs)
                let convStart = j1 - k1
                let convLen = j2 - j1 + 1
                var maxV1 = -Double.infinity
                if convLen > 0 {
                    for out in 0..<convLen {
                        let kk = convStart + out
                        var s = 0.0
                        let lo = max(0, kk - (bLen - 1))
                        let hi = min(kk, aLen - 1)
                        if lo <= hi {
                            for ia in lo...hi { s += v0[aStart + ia] * pwrs[kk - ia] }
                        }
                        v1[out] = s
                    }
                }
                for idx in 0..<npwrs where v1[idx] > maxV1 { maxV1 = v1[idx] }
                if maxV1 > 0 && maxV1 < em128 {
                    for idx in 0..<npwrs { v1[idx] *= ep128 }
                    exponent -= e128
                }
                v1s = v0s + j1 - k1
            }
        }
        var ans = v1[n - v1s]
        for m in 1...n {
            if abs(ans) > ep128 {
                ans *= em128
                exponent += e128
            }
            ans *= Double(m)
        }
        if exponent != 0 { ans = Foundation.scalbn(ans, exponent) }
        return min(max(ans, 0), 1)
    }

    // MARK: - Pelz–Good

    /// `_kolmogn_PelzGood`: the Pelz–Good (1976) asymptotic expansion of Pr(D_n ≤ x),
    /// K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^1.5 with z = x√n.
    static func pelzGoodCDF(n: Int, x: Double) -> Double {
        if x <= 0.0 { return 0.0 }
        if x >= 1.0 { return 1.0 }
        let nd = Double(n)
        let z = nd.squareRoot() * x
        let zsquared = z * z, zthree = z * z * z, zfour = zsquared * zsquared
        let zsix = zfour * zsquared
        let qlog = -piSquared / 8 / zsquared
        if qlog < minLog { return 0.0 }
        var q = Foundation.exp(qlog)

        let k1a = -zsquared
        let k1b = piSquared / 4
        let k2a = 6 * zsix + 2 * zfour
        let k2b = (2 * zfour - 5 * zsquared) * piSquared / 4
        let k2c = piFour * (1 - 2 * zsquared) / 16
        let k3d = piSix * (5 - 30 * zsquared) / 64
        let k3c = piFour * (-60 * zsquared + 212 * zfour) / 16
        let k3b = piSquared * (135 * zfour - 96 * zsix) / 4
        let k3a = -30 * zsix - 90 * Foundation.pow(z, 8)

        var k0 = 0.0, k1 = 0.0, k2 = 0.0, k3 = 0.0
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let m = Double(2 * k - 1)
                let msquared = m * m, mfour = msquared * msquared, msix = mfour * msquared
                let qpower = Foundation.pow(q, Double(8 * k))
                k0 = k0 * qpower + 1.0
                k1 = k1 * qpower + (k1a + k1b * msquared)
                k2 = k2 * qpower + (k2a + k2b * msquared + k2c * mfour)
                k3 = k3 * qpower + (k3a + k3b * msquared + k3c * mfour + k3d * msix)
            }
        }
        k0 = k0 * q * sqrt2Pi / z
        k1 = k1 * q * sqrt2Pi / (6 * zfour)
        k2 = k2 * q * sqrt2Pi / (72 * Foundation.pow(z, 7))
        k3 = k3 * q * sqrt2Pi / (6480 * Foundation.pow(z, 10))

        q = Foundation.exp(-piSquared / 2 / zsquared)
        var k2extra = 0.0
        var k3extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let kd = Double(k)
                let ksquared = kd * kd
                let qp = Foundation.pow(q, ksquared)
                k2extra += ksquared * qp
                let kspi = Double.pi * kd
                k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksquared * qp
            }
        }
        k2extra *= piSquared * sqrt2Pi / (-36 * zthree)
        k2 += k2extra
        k3extra *= piSquared * sqrt2Pi / (216 * zsix)
        k3 += k3extra
        k1 /= Foundation.pow(nd, 0.5)
        k2 /= nd
        k3 /= Foundation.pow(nd, 1.5)
        return k0 + k1 + k2 + k3
    }

    // MARK: - Smirnov one-sided

    /// Pr(D⁺_n > x): `scipy.special.smirnov(n, x)` (xsf `cephes/kolmogorov.h` `_smirnov`).
    ///
    /// Birnbaum & Tingey (1951): Pr(D⁺_n > x) = x Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) (x+v/n)^{v−1} (1−x−v/n)^{n−v}.
    /// All terms are positive, so they are evaluated in log space and summed in double precision
    /// outward from the largest term until the rest cannot change the sum (xsf sums from v = 0 in
    /// double-double; the results agree to ~1e-12 relative, far inside the 1e-6 p-value tolerance,
    /// and this way costs O(√n) terms instead of O(n) on the collector's hot path).
    public static func smirnovSF(n: Int, x: Double) -> Double {
        if !(n > 0 && x >= 0 && x <= 1) { return .nan }
        if n == 1 { return 1 - x }
        if x == 0 { return 1 }
        if x == 1 { return 0 }
        let nd = Double(n)
        let nx = nd * x
        var nxFloor = Int(nx.rounded(.down))
        var alpha = nx - Double(nxFloor)
        if alpha >= 1 { nxFloor += 1; alpha = 0 }
        // Special case: x <= 1/n.
        if nxFloor == 0 || (nxFloor == 1 && alpha == 0) {
            let cdf = x * Foundation.pow(1 + x, nd - 1)
            return 1 - cdf
        }
        // Special case: sf underflows (MINLOG = log(2^-1075)).
        if -2 * nd * x * x < -7.451332191019412076235e2 { return 0 }
        // Special case: x >= 1 - 1/n.
        if nxFloor >= n - 1 { return Foundation.pow(1 - x, nd) }
        // Special case: n too large to sum (SMIRNOV_MAX_COMPUTE_N).
        if n > 1_000_000 {
            let logp = -Foundation.pow(6.0 * nd * x + 1, 2) / 18.0 / nd
            let ln2 = 0.6931471805599453
            return logp < -ln2 ? Foundation.exp(logp) : 1 - (-Foundation.expm1(logp))
        }
        let lastV = n - nxFloor - 1  // last non-zero term (n1mxfl in xsf)
        let logGammaN1 = SpecialFunctions.logGamma(nd + 1)
        func logTerm(_ v: Int, logBinomial: Double) -> Double {
            let vd = Double(v)
            let t1x = vd / nd + x  // x + v/n
            let t2x = Double(n - v) / nd - x  // 1 - x - v/n
            return logBinomial + (vd - 1) * Foundation.log(t1x) + (nd - vd) * Foundation.log(t2x)
        }
        func logBinomial(_ v: Int) -> Double {
            logGammaN1 - SpecialFunctions.logGamma(Double(v) + 1) - SpecialFunctions.logGamma(Double(n - v) + 1)
        }
        // Locate the largest term on a coarse grid, then refine by hill climbing.
        let steps = min(lastV, 256)
        var best = 0
        var bestLog = -Double.infinity
        if steps > 0 {
            for s in 0...steps {
                let v = Int((Double(s) * Double(lastV) / Double(steps)).rounded())
                let lt = logTerm(v, logBinomial: logBinomial(v))
                if lt > bestLog { bestLog = lt; best = v }
            }
        } else {
            bestLog = logTerm(0, logBinomial: 0)
        }
        while best < lastV {
            let lt = logTerm(best + 1, logBinomial: logBinomial(best + 1))
            if lt > bestLog { bestLog = lt; best += 1 } else { break }
        }
        while best > 0 {
            let lt = logTerm(best - 1, logBinomial: logBinomial(best - 1))
            if lt > bestLog { bestLog = lt; best -= 1 } else { break }
        }
        // Sum terms scaled by exp(-bestLog), outward from the peak.
        let cutoff = Double.ulpOfOne * 1e-3
        var sum = 1.0
        let logBinomialPeak = logBinomial(best)
        var lb = logBinomialPeak
        var v = best
        while v < lastV {
            // C(n, v+1) = C(n, v) (n − v)/(v + 1)
            lb += Foundation.log(Double(n - v) / Double(v + 1))
            v += 1
            let term = Foundation.exp(logTerm(v, logBinomial: lb) - bestLog)
            sum += term
            if term < cutoff * sum { break }
        }
        lb = logBinomialPeak
        v = best
        while v > 0 {
            // C(n, v−1) = C(n, v) v/(n − v + 1)
            lb += Foundation.log(Double(v) / Double(n - v + 1))
            v -= 1
            let term = Foundation.exp(logTerm(v, logBinomial: lb) - bestLog)
            sum += term
            if term < cutoff * sum { break }
        }
        let logSF = Foundation.log(x) + bestLog + Foundation.log(sum)
        return min(max(Foundation.exp(logSF), 0), 1)
    }
}
