//! Elementary special functions, each accurate to a few ulps over its whole domain, that the
//! incomplete beta and gamma functions are built from.
//!
//! The key idea (Loader 2000, "Fast and accurate computation of binomial probabilities";
//! DiDonato & Morris 1992, ACM TOMS 708 `brcomp`) is never to form `lnΓ` of a large argument:
//! the prefactors `x^a e^{-x} / Γ(a + 1)` and `x^a y^b / B(a, b)` are written with Stirling's
//! remainder `δ(z) = lnΓ(z) − (z − ½) ln z + z − ½ ln 2π` and the "deviance"
//! `φ(u) = u − ln(1 + u)`, both computed with full relative accuracy, so that no large terms
//! cancel even at shape parameters of 1e12.

#![allow(clippy::excessive_precision)]

/// `ln √(2π)`.
pub(super) const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;
/// Euler's constant γ.
const EULER: f64 = 0.577_215_664_901_532_9;

/// `ζ(k) − 1` for `k = 2, 3, …, 30` (computed by direct summation with an Euler–Maclaurin
/// tail).
const ZETA_M1: [f64; 29] = [
    0.644_934_066_848_226_4,
    0.202_056_903_159_594_24,
    0.082_323_233_711_138_14,
    0.036_927_755_143_369_99,
    0.017_343_061_984_449_237,
    0.008_349_277_381_922_926,
    0.004_077_356_197_944_36,
    0.002_008_392_826_082_117,
    0.000_994_575_127_817_976,
    0.000_494_188_604_119_427_7,
    0.000_246_086_553_308_044_74,
    0.000_122_713_347_578_518_04,
    6.124_813_505_881_121e-5,
    3.058_823_630_697_205e-5,
    1.528_225_940_861_105_4e-5,
    7.637_197_637_855_309e-6,
    3.817_293_265_040_433_4e-6,
    1.908_212_716_505_986e-6,
    9.539_620_338_117_061e-7,
    4.769_329_868_814_509e-7,
    2.384_505_026_764_572e-7,
    1.192_199_259_314_463_7e-7,
    5.960_818_905_137_444e-8,
    2.980_350_344_294_891e-8,
    1.490_155_487_893_218_8e-8,
    7.450_711_825_285_339e-9,
    3.725_334_041_249_084e-9,
    1.862_659_804_174_882e-9,
    9.313_274_595_967_869e-10,
];

/// `lnΓ(x)` for `x > 0` (FreeBSD msun `lgamma`, via `libm`).
pub(super) fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// `lnΓ(1 + a)` with full relative accuracy also for small `|a|` (where `lnΓ(1 + a) ≈ −γa`),
/// from the Taylor series `−γa + Σ_{k≥2} (−1)^k ζ(k) a^k / k` (Abramowitz & Stegun 6.1.33).
pub(super) fn ln_gamma_1p(a: f64) -> f64 {
    if a.abs() >= 0.5 {
        return ln_gamma(1.0 + a);
    }
    // Σ_{k≥2} (−1)^k a^k / k = a − ln(1 + a); the ζ(k) − 1 part converges like (a/2)^k.
    let mut sum = 0.0;
    let mut pow = -a;
    for (i, z) in ZETA_M1.iter().enumerate() {
        pow *= -a;
        let k = (i + 2) as f64;
        sum += z * pow / k;
    }
    // pow alternates in sign: (−1)^k a^k
    -EULER * a + (a - a.ln_1p()) + sum
}

/// Stirling's remainder `δ(z) = lnΓ(z) − (z − ½) ln z + z − ln √(2π)` for `z > 0`.
///
/// For `z ≥ 15` the asymptotic series `Σ B_{2k} / (2k (2k − 1) z^{2k−1})` (eight terms, error
/// below 1e-19); below, the definition (its terms are small there).
pub(super) fn stirling_remainder(z: f64) -> f64 {
    if z >= 15.0 {
        let r = 1.0 / z;
        let r2 = r * r;
        // B2/2, B4/12, B6/30, B8/56, B10/90, B12/132, B14/182, B16/240
        let c = [
            1.0 / 12.0,
            -1.0 / 360.0,
            1.0 / 1260.0,
            -1.0 / 1680.0,
            1.0 / 1188.0,
            -691.0 / 360_360.0,
            1.0 / 156.0,
            -3617.0 / 122_400.0,
        ];
        let mut s = 0.0;
        for k in c.iter().rev() {
            s = s * r2 + k;
        }
        s * r
    } else if z < 1.0 {
        // lnΓ(z) = lnΓ(1 + z) − ln z keeps the small-z terms exact
        ln_gamma_1p(z) - z.ln() - (z - 0.5) * z.ln() + z - LN_SQRT_2PI
    } else {
        ln_gamma(z) - (z - 0.5) * z.ln() + z - LN_SQRT_2PI
    }
}

/// `φ(u) = u − ln(1 + u) ≥ 0` for `u > −1`, with full relative accuracy.
///
/// `ln_t` is `ln(1 + u)` computed by the caller from the unrounded ratio (used away from
/// `u = 0`, where `1 + u` may have lost digits, e.g. when `1 + u` is tiny). Near 0, with
/// `t = u / (2 + u)`: `φ = 2t² / (1 − t) − 2 Σ_{k≥1} t^{2k+1} / (2k + 1)`, which has no
/// cancellation for `|t| ≤ 1/3` (`−½ ≤ u ≤ 1`).
pub(super) fn deviance(u: f64, ln_t: f64) -> f64 {
    if !(-0.5..=1.0).contains(&u) {
        return u - ln_t;
    }
    let t = u / (2.0 + u);
    let t2 = t * t;
    let mut term = t * t2;
    let mut sum = 0.0;
    let mut k = 3.0;
    for _ in 0..40 {
        let add = term / k;
        sum += add;
        if add.abs() <= 1e-18 * sum.abs() {
            break;
        }
        term *= t2;
        k += 2.0;
    }
    2.0 * t2 / (1.0 - t) - 2.0 * sum
}

/// `ln(1 − e^x)` for `x ≤ 0` (Mächler 2012, "Accurately computing log(1 − exp(−|a|))").
pub(super) fn ln_1m_exp(x: f64) -> f64 {
    if x > -std::f64::consts::LN_2 {
        (-x.exp_m1()).ln()
    } else {
        (-x.exp()).ln_1p()
    }
}

/// `ln(e^a + e^b)` without overflow.
pub(super) fn ln_add_exp(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if lo == f64::NEG_INFINITY {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_1p_is_accurate_near_zero() {
        // lgamma(1 + 1e-3) in R: -0.00057632520868... (R's lgamma1p)
        let v = ln_gamma_1p(1e-3);
        assert!((v - -5.763_935_982_833_693e-4).abs() < 1e-18, "{v:e}");
        assert!((ln_gamma_1p(0.4) - ln_gamma(1.4)).abs() < 1e-15);
        assert!((ln_gamma_1p(-0.3) - ln_gamma(0.7)).abs() < 1e-15);
    }

    #[test]
    fn stirling_remainder_is_continuous() {
        for z in [0.01, 0.5, 0.99, 1.0, 14.99, 15.0] {
            let direct = ln_gamma(z) - (z - 0.5) * z.ln() + z - LN_SQRT_2PI;
            assert!((stirling_remainder(z) - direct).abs() < 1e-13 * (1.0 + direct.abs()));
        }
    }

    #[test]
    fn deviance_matches_definition() {
        for u in [-0.9, -0.5, 0.3, 1.0, 5.0] {
            let d = deviance(u, u.ln_1p());
            let direct = u - u.ln_1p();
            assert!((d - direct).abs() <= 1e-14 * direct.abs(), "{u}");
        }
        for u in [-1e-4_f64, 1e-4] {
            let taylor = u * u / 2.0 - u * u * u / 3.0 + u.powi(4) / 4.0 - u.powi(5) / 5.0;
            assert!((deviance(u, 0.0) - taylor).abs() <= 1e-15 * taylor, "{u}");
        }
        assert!((deviance(1e-8, 0.0) - 5e-17).abs() < 1e-24);
    }
}
