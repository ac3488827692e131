//! The block kernels of the one-pass covariance accumulator (`covariance.rs`): per-block sums
//! about a shift for up to 16 items, column statistics and lane-parallel dot products for more,
//! the non-finite search of a block and Chan's merge of two parts' moments, and why a push
//! stopped.

use crate::stats::{StatsError, table};

/// Adds the scaled deviations d = (row − `shift`)·`scale` of every row of `block` (the items'
/// frame units: `scale` is a power of two per item, 1 on the exact path) to `s1` and the upper
/// triangle of their outer products (from the even column at or below the diagonal, so that
/// pairs of products line up with SSE2 registers) to `s2`, and the rows' values to the range.
///
/// Two rows per step: each accumulator in `s2` is loaded and stored once per two rows (the
/// 78 co-moments of 12 items do not fit in 16 registers, so they live in L1). Not inlined:
/// as a separate function `s2` stays an array in memory instead of being split into scalars
/// that spill. Per-column lanes for the range keep the comparisons vectorisable.
///
/// With `EXACT`, also adds to `residual` each value's distance from the nearest integer
/// (`(x + C) − C` rounds x to an integer for |x| < 2⁵¹ with C = 1.5·2⁵², two vectorisable
/// additions; larger values are beyond the exact path's limit anyway), so `residual` stays 0
/// exactly when every value is an integer.
#[inline(never)]
pub(super) fn block_sums<const P: usize, const EXACT: bool>(
    block: &[[f64; P]],
    shift: &[f64; P],
    scale: &[f64; P],
    s1: &mut [f64; P],
    s2: &mut [[f64; P]; P],
    range: (&mut f64, &mut f64),
    residual: &mut f64,
) {
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let (lo, hi) = range;
    let mut l = [*lo; P];
    let mut h = [*hi; P];
    let mut r = [0.0f64; P];
    let (pairs, rest) = block.as_chunks::<2>();
    for [a, b] in pairs {
        let mut da = [0.0; P];
        let mut db = [0.0; P];
        for j in 0..P {
            da[j] = (a[j] - shift[j]) * scale[j];
            db[j] = (b[j] - shift[j]) * scale[j];
            s1[j] += da[j] + db[j];
            l[j] = if a[j] < l[j] { a[j] } else { l[j] };
            l[j] = if b[j] < l[j] { b[j] } else { l[j] };
            h[j] = if a[j] > h[j] { a[j] } else { h[j] };
            h[j] = if b[j] > h[j] { b[j] } else { h[j] };
            if EXACT {
                r[j] +=
                    ((a[j] + ROUND) - ROUND - a[j]).abs() + ((b[j] + ROUND) - ROUND - b[j]).abs();
            }
        }
        for i in 0..P {
            let (x, y) = (da[i], db[i]);
            for j in (i & !1)..P {
                s2[i][j] += x * da[j] + y * db[j];
            }
        }
    }
    for a in rest {
        let mut da = [0.0; P];
        for j in 0..P {
            da[j] = (a[j] - shift[j]) * scale[j];
            s1[j] += da[j];
            l[j] = l[j].min(a[j]);
            h[j] = h[j].max(a[j]);
            if EXACT {
                r[j] += ((a[j] + ROUND) - ROUND - a[j]).abs();
            }
        }
        for i in 0..P {
            for j in (i & !1)..P {
                s2[i][j] += da[i] * da[j];
            }
        }
    }
    for j in 0..P {
        *lo = lo.min(l[j]);
        *hi = hi.max(h[j]);
        *residual += r[j];
    }
}

/// Sum, minimum, maximum and finiteness of a column.
pub(super) struct ColumnStats {
    pub(super) sum: f64,
    pub(super) min: f64,
    pub(super) max: f64,
    pub(super) finite: bool,
}

/// [`ColumnStats`] in four independent lanes, which the compiler vectorises without
/// reassociating anything. `x·0` is ±0 for finite x and NaN otherwise, so one running sum of
/// it detects any NaN or infinity.
pub(super) fn column_stats(x: &[f64]) -> ColumnStats {
    let (chunks, rest) = x.as_chunks::<4>();
    let mut sum = [0.0f64; 4];
    let mut check = [0.0f64; 4];
    let mut lo = [f64::INFINITY; 4];
    let mut hi = [f64::NEG_INFINITY; 4];
    for c in chunks {
        for k in 0..4 {
            sum[k] += c[k];
            check[k] += c[k] * 0.0;
            lo[k] = if c[k] < lo[k] { c[k] } else { lo[k] };
            hi[k] = if c[k] > hi[k] { c[k] } else { hi[k] };
        }
    }
    let mut out = ColumnStats {
        sum: (sum[0] + sum[2]) + (sum[1] + sum[3]),
        min: lo[0].min(lo[1]).min(lo[2]).min(lo[3]),
        max: hi[0].max(hi[1]).max(hi[2]).max(hi[3]),
        finite: check.iter().all(|&c| c == 0.0),
    };
    for &v in rest {
        out.sum += v;
        out.finite &= v.is_finite();
        out.min = out.min.min(v);
        out.max = out.max.max(v);
    }
    out
}

/// Σ a·b in eight independent lanes (enough independent additions to hide their latency;
/// see [`column_stats`]).
pub(super) fn lane_dot(a: &[f64], b: &[f64]) -> f64 {
    let (ca, ra) = a.as_chunks::<8>();
    let (cb, rb) = b.as_chunks::<8>();
    let mut acc = [0.0f64; 8];
    for (x, y) in ca.iter().zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// Four dot products of `a` with `b[0..4]` at once, each in four lanes (register tile: one
/// load of `a` per four products).
pub(super) fn lane_dot4(a: &[f64], b: [&[f64]; 4]) -> [f64; 4] {
    let (ca, ra) = a.as_chunks::<4>();
    let [b0, b1, b2, b3] = b.map(|c| c.as_chunks::<4>());
    let mut acc = [[0.0f64; 4]; 4];
    for ((((x, y0), y1), y2), y3) in ca.iter().zip(b0.0).zip(b1.0).zip(b2.0).zip(b3.0) {
        for k in 0..4 {
            acc[0][k] += x[k] * y0[k];
            acc[1][k] += x[k] * y1[k];
            acc[2][k] += x[k] * y2[k];
            acc[3][k] += x[k] * y3[k];
        }
    }
    let mut out = [0.0; 4];
    for ((o, acc), rb) in out.iter_mut().zip(&acc).zip([b0.1, b1.1, b2.1, b3.1]) {
        *o = (acc[0] + acc[2]) + (acc[1] + acc[3]);
        for (x, y) in ra.iter().zip(rb) {
            *o += x * y;
        }
    }
    out
}

/// Where the first NaN or infinity of a block lies, if its sums say there may be one: any
/// such value makes its column sum or diagonal co-moment non-finite, and only then is the
/// block searched (a non-finite sum of finite values, i.e. overflow, is refused by the
/// checked merge instead).
pub(super) fn non_finite_in<const P: usize>(
    block: &[[f64; P]],
    s1: &[f64; P],
    s2: &[[f64; P]; P],
) -> Option<usize> {
    let suspect = (0..P).any(|j| !(s1[j].is_finite() && s2[j][j].is_finite()));
    if suspect {
        block.as_flattened().iter().position(|x| !x.is_finite())
    } else {
        None
    }
}

/// Chan et al.'s combination of part B (n_b, means, upper-triangle co-moments) into part A.
/// `delta` is p scratch values. Returns `false`, changing nothing in A, if a combined mean or
/// co-moment would not be finite (every new value is checked before any is stored).
pub(super) fn merge_moments(
    p: usize,
    a: (&mut usize, &mut [f64], &mut [f64]),
    b: (usize, &[f64], &[f64]),
    delta: &mut [f64],
) -> bool {
    let (n_a, mean_a, m2_a) = a;
    let (n_b, mean_b, m2_b) = b;
    if n_b == 0 {
        return true;
    }
    if *n_a == 0 {
        if !mean_b.iter().chain(m2_b).all(|x| x.is_finite()) {
            return false;
        }
        *n_a = n_b;
        mean_a.copy_from_slice(mean_b);
        m2_a.copy_from_slice(m2_b);
        return true;
    }
    let n = *n_a + n_b;
    let (na, nb, nf) = (*n_a as f64, n_b as f64, n as f64);
    let w = nb / nf;
    let c = na * nb / nf;
    let mut fits = true;
    for ((d, ma), &mb) in delta.iter_mut().zip(mean_a.iter()).zip(mean_b) {
        *d = mb - *ma;
        fits &= d.is_finite() && (*ma + *d * w).is_finite();
    }
    for i in 0..p {
        let di = delta[i] * c;
        let row = i * p + i..(i + 1) * p;
        for ((m, &mb), &dj) in m2_a[row.clone()].iter().zip(&m2_b[row]).zip(&delta[i..]) {
            fits &= (*m + (mb + di * dj)).is_finite();
        }
    }
    if !fits {
        return false;
    }
    for (d, ma) in delta.iter().zip(mean_a.iter_mut()) {
        *ma += *d * w;
    }
    for i in 0..p {
        let di = delta[i] * c;
        let row = i * p + i..(i + 1) * p;
        for ((m, &mb), &dj) in m2_a[row.clone()]
            .iter_mut()
            .zip(&m2_b[row])
            .zip(&delta[i..])
        {
            *m += mb + di * dj;
        }
    }
    *n_a = n;
    true
}

/// Why [`CovarianceAccumulator::push_rows`](super::covariance::CovarianceAccumulator::push_rows) stopped (the block that failed was not added).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PushError {
    /// A NaN or infinity at this offset of the data.
    NonFinite(usize),
    /// The block of rows starting at this row of the data would make a mean or co-moment
    /// overflow `f64`.
    Overflow(usize),
}

impl PushError {
    /// The public error, naming the column of a non-finite value with `column`.
    pub(crate) fn into_stats(
        self,
        data: &[f64],
        p: usize,
        column: impl Fn(usize) -> String,
    ) -> StatsError {
        match self {
            Self::NonFinite(i) => table::non_finite(data, p, i, column),
            Self::Overflow(row) => StatsError::Overflow {
                what: format!("rows from {row} of data: item means and co-moments"),
            },
        }
    }
}
