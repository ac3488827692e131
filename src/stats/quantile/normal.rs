//! The standard normal quantile, Wichura (1988), "Algorithm AS 241: The percentage points of
//! the normal distribution", Applied Statistics 37(3), 477–484 (`PPND16`, about 1e-16 relative
//! accuracy), evaluated from the log of the smaller tail so that tails down to `e^-700` (and
//! `log_p` arguments) keep full accuracy. This is the algorithm R's `qnorm` uses (R 4.2).

// The coefficients are printed as published (more digits than an f64 holds).
#![allow(clippy::excessive_precision)]

use super::Prob;

/// `qnorm` for the probability `p` (either tail, possibly given as a log).
pub(crate) fn quantile(p: Prob) -> f64 {
    let (ln_lo, ln_up) = (p.ln_lower(), p.ln_upper());
    if ln_lo == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    if ln_up == f64::NEG_INFINITY {
        return f64::INFINITY;
    }
    let lower = ln_lo.exp();
    let q = if ln_lo <= ln_up {
        lower - 0.5
    } else {
        0.5 - ln_up.exp()
    };
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q
            * (((((((r * 2_509.080_928_730_122_7 + 33_430.575_583_588_13) * r
                + 67_265.770_927_008_7)
                * r
                + 45_921.953_931_549_87)
                * r
                + 13_731.693_765_509_461)
                * r
                + 1_971.590_950_306_551_4)
                * r
                + 133.141_667_891_784_38)
                * r
                + 3.387_132_872_796_366_5)
            / (((((((r * 5_226.495_278_852_546 + 28_729.085_735_721_943) * r
                + 39_307.895_800_092_71)
                * r
                + 21_213.794_301_586_597)
                * r
                + 5_394.196_021_424_751)
                * r
                + 687.187_007_492_057_9)
                * r
                + 42.313_330_701_600_91)
                * r
                + 1.0);
    }
    // r = sqrt(-ln(min(p, 1 - p))), from the log so that tiny tails keep their digits
    let mut r = (-ln_lo.min(ln_up)).sqrt();
    let val = if r <= 5.0 {
        r -= 1.6;
        (((((((r * 7.745_450_142_783_414e-4 + 0.022_723_844_989_269_184) * r
            + 0.241_780_725_177_450_6)
            * r
            + 1.270_458_252_452_368_4)
            * r
            + 3.647_848_324_763_204_5)
            * r
            + 5.769_497_221_460_691)
            * r
            + 4.630_337_846_156_546)
            * r
            + 1.423_437_110_749_683_5)
            / (((((((r * 1.050_750_071_644_416_9e-9 + 5.475_938_084_995_345e-4) * r
                + 0.015_198_666_563_616_457)
                * r
                + 0.148_103_976_427_480_07)
                * r
                + 0.689_767_334_985_1)
                * r
                + 1.676_384_830_183_803_8)
                * r
                + 2.053_191_626_637_759)
                * r
                + 1.0)
    } else {
        r -= 5.0;
        (((((((r * 2.010_334_399_292_288e-7 + 2.711_555_568_743_487_6e-5) * r
            + 0.001_242_660_947_388_078_4)
            * r
            + 0.026_532_189_526_576_124)
            * r
            + 0.296_560_571_828_504_9)
            * r
            + 1.784_826_539_917_291_3)
            * r
            + 5.463_784_911_164_114)
            * r
            + 6.657_904_643_501_103)
            / (((((((r * 2.044_263_103_389_939_7e-15 + 1.421_511_758_316_446e-7) * r
                + 1.846_318_317_510_054_8e-5)
                * r
                + 7.868_691_311_456_133e-4)
                * r
                + 0.014_875_361_290_850_615)
                * r
                + 0.136_929_880_922_735_8)
                * r
                + 0.599_832_206_555_887_9)
                * r
                + 1.0)
    };
    if ln_lo <= ln_up { -val } else { val }
}
