//! Step 1 of alpha on complete rows: the one-pass covariance accumulator and its block
//! kernels.

use crate::stats::{StatsError, table};

/// Rows per block of the transposed path (more than 16 items): small enough that a block
/// stays in cache between its passes.
const BLOCK_ROWS: usize = 128;

/// Rows per block of the fixed-width one-pass kernel: long enough that the per-block merge
/// costs little, short enough that the block-local sums about the shift stay accurate.
const KERNEL_ROWS: usize = 256;

/// One-pass accumulator of n, item means and the co-moment matrix, plus the data minimum and
/// maximum (for reversing items as psych does). Memory is O(p²), independent of n; no
/// allocation per row.
///
/// Update algebra (Chan, Golub & LeVeque 1979/1983; Welford 1962 for single rows). A part A
/// holds n_A, the means m_A and the co-moments M_A,ij = Σ (x_i − m_A,i)(x_j − m_A,j). Two
/// parts combine exactly as
/// n = n_A + n_B, δ = m_B − m_A, m = m_A + δ·n_B/n, M = M_A + M_B + δδᵀ·n_A·n_B/n,
/// min/max = the min/max of both. Adding one row is the case n_B = 1, M_B = 0 (Welford).
/// [`CovarianceAccumulator::push_rows`] computes the moments of each block of rows (in one
/// pass about a shift for up to 16 items, two-pass over a transposed block for more) and
/// merges it by the same formula, which is both faster and at least as accurate as row-by-row
/// updates.
#[derive(Debug, Clone)]
pub(crate) struct CovarianceAccumulator {
    p: usize,
    n: usize,
    mean: Vec<f64>,
    /// Upper triangle (j ≥ i) of Σ (x_i − mean_i)(x_j − mean_j), row-major p × p.
    m2: Vec<f64>,
    /// Scratch: deviations of one row (p), block means (p), block co-moments (p × p) and, for
    /// more than 16 items, one block transposed into item columns (p × `BLOCK_ROWS`).
    delta: Vec<f64>,
    block_mean: Vec<f64>,
    block_m2: Vec<f64>,
    block_t: Vec<f64>,
    min: f64,
    max: f64,
}

impl PartialEq for CovarianceAccumulator {
    fn eq(&self, other: &Self) -> bool {
        self.p == other.p
            && self.n == other.n
            && self.mean == other.mean
            && self.m2 == other.m2
            && self.range() == other.range()
    }
}

impl CovarianceAccumulator {
    /// An empty accumulator for `p` items; the memory is reserved fallibly, so an impossible
    /// item count is an error, not an abort.
    pub(crate) fn try_new(p: usize) -> Result<Self, StatsError> {
        let pp = table::square("items", p)?;
        Ok(Self {
            p,
            n: 0,
            mean: table::zeros("items", p)?,
            m2: table::zeros("items", pp)?,
            delta: table::zeros("items", p)?,
            block_mean: table::zeros("items", p)?,
            block_m2: table::zeros("items", pp)?,
            block_t: Vec::new(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        })
    }

    /// [`CovarianceAccumulator::try_new`] for a size already known to fit.
    #[cfg(test)]
    pub(crate) fn new(p: usize) -> Self {
        Self::try_new(p).expect("test sizes fit")
    }

    /// Number of items (columns).
    pub(crate) fn items(&self) -> usize {
        self.p
    }

    /// Adds one complete row of `p` finite values (Welford's update).
    pub(crate) fn push(&mut self, row: &[f64]) {
        let p = self.p;
        self.n += 1;
        let inv_n = 1.0 / self.n as f64;
        for ((d, m), &x) in self.delta.iter_mut().zip(&mut self.mean).zip(row) {
            *d = x - *m;
            *m += *d * inv_n;
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        // m2_ij += delta_i * (x_j - mean_j(new)) = delta_i * delta_j * (n-1)/n
        let scale = (self.n - 1) as f64 * inv_n;
        for i in 0..p {
            let di = self.delta[i] * scale;
            let m2_row = &mut self.m2[i * p + i..(i + 1) * p];
            for (m, &dj) in m2_row.iter_mut().zip(&self.delta[i..]) {
                *m += di * dj;
            }
        }
    }

    /// Adds whole rows from a row-major slice, block by block (see the type's docs). Each block
    /// is checked before it is added: on a non-finite value, returns its offset in `data` and
    /// the rows of earlier blocks stay added. A trailing partial row is ignored (callers check
    /// the shape first).
    ///
    /// Each block is transposed into item columns so that centring and every co-moment are
    /// loops over contiguous rows (dot products in four independent lanes, which the compiler
    /// vectorises without reassociating anything).
    pub(crate) fn push_rows(&mut self, data: &[f64]) -> Result<(), usize> {
        match self.p {
            2 => self.push_rows_fixed::<2>(data),
            3 => self.push_rows_fixed::<3>(data),
            4 => self.push_rows_fixed::<4>(data),
            5 => self.push_rows_fixed::<5>(data),
            6 => self.push_rows_fixed::<6>(data),
            7 => self.push_rows_fixed::<7>(data),
            8 => self.push_rows_fixed::<8>(data),
            9 => self.push_rows_fixed::<9>(data),
            10 => self.push_rows_fixed::<10>(data),
            11 => self.push_rows_fixed::<11>(data),
            12 => self.push_rows_fixed::<12>(data),
            13 => self.push_rows_fixed::<13>(data),
            14 => self.push_rows_fixed::<14>(data),
            15 => self.push_rows_fixed::<15>(data),
            16 => self.push_rows_fixed::<16>(data),
            _ => self.push_rows_transposed(data),
        }
    }

    /// [`CovarianceAccumulator::push_rows`] for `P` items, a compile-time constant, so every
    /// row is a `[f64; P]`, every loop has a fixed trip count and the compiler keeps a row's
    /// deviations in registers.
    ///
    /// One pass, no transpose: per block of [`KERNEL_ROWS`] rows, [`block_sums`] adds each
    /// row's deviations from a shift (the running mean, or the block's first row for the
    /// first block) and their outer products straight into block-local sums S₁ = Σ d and
    /// S₂ = Σ ddᵀ, while the row has just been loaded. The arithmetic thus overlaps the
    /// memory stream instead of following it (the data are read from memory once; the
    /// transposed path read each block three times and spent a third of its time
    /// transposing). The block's mean is shift + S₁/n_b and its centred co-moments
    /// S₂ − S₁S₁ᵀ/n_b; the shift lies within the data's spread (and is exact for integer
    /// answers), so the subtraction loses nothing measurable. The block is then merged by
    /// Chan's formula as before.
    fn push_rows_fixed<const P: usize>(&mut self, data: &[f64]) -> Result<(), usize> {
        let (rows, _) = data.as_chunks::<P>();
        for (b, block) in rows.chunks(KERNEL_ROWS).enumerate() {
            let Some(first) = block.first() else {
                continue;
            };
            let nb = block.len();
            let mut shift = *first;
            if self.n > 0 {
                shift.copy_from_slice(&self.mean[..P]);
            }
            let mut s1 = [0.0f64; P];
            let mut s2 = [[0.0f64; P]; P];
            let (mut lo, mut hi) = (self.min, self.max);
            block_sums(block, &shift, &mut s1, &mut s2, (&mut lo, &mut hi));
            // Any NaN or infinity makes its column sum or its diagonal co-moment non-finite;
            // only then is the block searched (a non-finite sum of finite values, i.e.
            // overflow, is not an input error and goes on as before).
            let suspect = (0..P).any(|j| !(s1[j].is_finite() && s2[j][j].is_finite()));
            if suspect && let Some(at) = block.as_flattened().iter().position(|x| !x.is_finite()) {
                return Err(b * KERNEL_ROWS * P + at);
            }
            (self.min, self.max) = (lo, hi);
            let inv = 1.0 / nb as f64;
            for j in 0..P {
                self.block_mean[j] = shift[j] + s1[j] * inv;
            }
            for i in 0..P {
                let si = s1[i] * inv;
                for j in i..P {
                    self.block_m2[i * P + j] = s2[i][j] - si * s1[j];
                }
            }
            merge_moments(
                P,
                (&mut self.n, &mut self.mean, &mut self.m2),
                (nb, &self.block_mean, &self.block_m2),
                &mut self.delta,
            );
        }
        Ok(())
    }

    /// [`CovarianceAccumulator::push_rows`] for more than 16 items: each block is transposed
    /// into item columns, then every co-moment is a dot product of two columns.
    fn push_rows_transposed(&mut self, data: &[f64]) -> Result<(), usize> {
        let p = self.p;
        if p == 0 {
            return Ok(());
        }
        if self.block_t.len() != p * BLOCK_ROWS {
            self.block_t = vec![0.0; p * BLOCK_ROWS];
        }
        for (b, block) in data.chunks(BLOCK_ROWS * p).enumerate() {
            let nb = block.len() / p;
            if nb == 0 {
                continue;
            }
            let block = &block[..nb * p];
            let cols: &mut [f64] = &mut self.block_t;
            // rows are read in order (prefetch-friendly); the scattered writes stay in L1
            for (r, row) in block.chunks_exact(p).enumerate() {
                for (c, &x) in cols[r..].iter_mut().step_by(BLOCK_ROWS).zip(row) {
                    *c = x;
                }
            }
            // Per item column: finiteness, range and mean in one vectorisable pass.
            let (mut lo, mut hi) = (self.min, self.max);
            let mut finite = true;
            let inv = 1.0 / nb as f64;
            for (j, m) in self.block_mean.iter_mut().enumerate() {
                let col = &mut cols[j * BLOCK_ROWS..j * BLOCK_ROWS + nb];
                let st = column_stats(col);
                finite &= st.finite;
                lo = if st.min < lo { st.min } else { lo };
                hi = if st.max > hi { st.max } else { hi };
                *m = st.sum * inv;
            }
            if !finite {
                let at = block.iter().position(|x| !x.is_finite()).unwrap_or(0);
                return Err(b * BLOCK_ROWS * p + at);
            }
            (self.min, self.max) = (lo, hi);
            for (j, &m) in self.block_mean.iter().enumerate() {
                for x in &mut cols[j * BLOCK_ROWS..j * BLOCK_ROWS + nb] {
                    *x -= m;
                }
            }
            let col = |j: usize| &cols[j * BLOCK_ROWS..j * BLOCK_ROWS + nb];
            for i in 0..p {
                let ci = col(i);
                let mut j = i;
                // four columns per pass: each load of column i feeds four products
                while j + 4 <= p {
                    let m = lane_dot4(ci, [col(j), col(j + 1), col(j + 2), col(j + 3)]);
                    self.block_m2[i * p + j..i * p + j + 4].copy_from_slice(&m);
                    j += 4;
                }
                for j in j..p {
                    self.block_m2[i * p + j] = lane_dot(ci, col(j));
                }
            }
            merge_moments(
                p,
                (&mut self.n, &mut self.mean, &mut self.m2),
                (nb, &self.block_mean, &self.block_m2),
                &mut self.delta,
            );
        }
        Ok(())
    }

    /// Combines another accumulator over the same items into this one (Chan et al.).
    pub(crate) fn merge(&mut self, other: &Self) {
        if other.n == 0 || other.p != self.p {
            return;
        }
        merge_moments(
            self.p,
            (&mut self.n, &mut self.mean, &mut self.m2),
            (other.n, &other.mean, &other.m2),
            &mut self.delta,
        );
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Rows accumulated.
    pub(crate) fn count(&self) -> usize {
        self.n
    }

    /// The smallest and largest value seen.
    pub(crate) fn range(&self) -> (f64, f64) {
        (self.min, self.max)
    }

    /// Item means and the full sample covariance matrix (n − 1 denominator).
    pub(crate) fn mean_cov(&self) -> (Vec<f64>, Vec<f64>) {
        let p = self.p;
        let denom = (self.n.saturating_sub(1)).max(1) as f64;
        let mut cov = vec![0.0; p * p];
        for i in 0..p {
            for j in i..p {
                let v = self.m2[i * p + j] / denom;
                cov[i * p + j] = v;
                cov[j * p + i] = v;
            }
        }
        (self.mean.clone(), cov)
    }
}

/// Adds the deviations d = row − `shift` of every row of `block` to `s1` and the upper
/// triangle of their outer products (from the even column at or below the diagonal, so that
/// pairs of products line up with SSE2 registers) to `s2`, and the rows' values to the range.
///
/// Two rows per step: each accumulator in `s2` is loaded and stored once per two rows (the
/// 78 co-moments of 12 items do not fit in 16 registers, so they live in L1). Not inlined:
/// as a separate function `s2` stays an array in memory instead of being split into scalars
/// that spill. Per-column lanes for the range keep the comparisons vectorisable.
#[inline(never)]
fn block_sums<const P: usize>(
    block: &[[f64; P]],
    shift: &[f64; P],
    s1: &mut [f64; P],
    s2: &mut [[f64; P]; P],
    range: (&mut f64, &mut f64),
) {
    let (lo, hi) = range;
    let mut l = [*lo; P];
    let mut h = [*hi; P];
    let (pairs, rest) = block.as_chunks::<2>();
    for [a, b] in pairs {
        let mut da = [0.0; P];
        let mut db = [0.0; P];
        for j in 0..P {
            da[j] = a[j] - shift[j];
            db[j] = b[j] - shift[j];
            s1[j] += da[j] + db[j];
            l[j] = if a[j] < l[j] { a[j] } else { l[j] };
            l[j] = if b[j] < l[j] { b[j] } else { l[j] };
            h[j] = if a[j] > h[j] { a[j] } else { h[j] };
            h[j] = if b[j] > h[j] { b[j] } else { h[j] };
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
            da[j] = a[j] - shift[j];
            s1[j] += da[j];
            l[j] = l[j].min(a[j]);
            h[j] = h[j].max(a[j]);
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
    }
}

/// Sum, minimum, maximum and finiteness of a column.
struct ColumnStats {
    sum: f64,
    min: f64,
    max: f64,
    finite: bool,
}

/// [`ColumnStats`] in four independent lanes, which the compiler vectorises without
/// reassociating anything. `x·0` is ±0 for finite x and NaN otherwise, so one running sum of
/// it detects any NaN or infinity.
fn column_stats(x: &[f64]) -> ColumnStats {
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
fn lane_dot(a: &[f64], b: &[f64]) -> f64 {
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
fn lane_dot4(a: &[f64], b: [&[f64]; 4]) -> [f64; 4] {
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

/// Chan et al.'s combination of part B (n_b, means, upper-triangle co-moments) into part A.
/// `delta` is p scratch values.
fn merge_moments(
    p: usize,
    a: (&mut usize, &mut [f64], &mut [f64]),
    b: (usize, &[f64], &[f64]),
    delta: &mut [f64],
) {
    let (n_a, mean_a, m2_a) = a;
    let (n_b, mean_b, m2_b) = b;
    if n_b == 0 {
        return;
    }
    if *n_a == 0 {
        *n_a = n_b;
        mean_a.copy_from_slice(mean_b);
        m2_a.copy_from_slice(m2_b);
        return;
    }
    let n = *n_a + n_b;
    let (na, nb, nf) = (*n_a as f64, n_b as f64, n as f64);
    let w = nb / nf;
    let c = na * nb / nf;
    for ((d, ma), &mb) in delta.iter_mut().zip(mean_a.iter_mut()).zip(mean_b) {
        *d = mb - *ma;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic rows: one common factor plus noise around `offset`.
    fn rows(n: usize, p: usize, offset: f64) -> Vec<f64> {
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        let mut unit = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut out = Vec::with_capacity(n * p);
        for _ in 0..n {
            let t = unit() - 0.5;
            for _ in 0..p {
                out.push(offset + t + unit() - 0.5);
            }
        }
        out
    }

    /// The fixed-width kernel (2..=16 items) and the transposed path (more items) agree with
    /// Welford's row-by-row update, over several blocks, an odd last block and a large offset.
    #[test]
    fn block_paths_match_welford() {
        for p in [2, 3, 5, 12, 13, 16, 17, 20] {
            for offset in [0.0, 1e6] {
                let data = rows(2 * KERNEL_ROWS + 77, p, offset);
                let mut fast = CovarianceAccumulator::new(p);
                fast.push_rows(&data).unwrap();
                let mut slow = CovarianceAccumulator::new(p);
                data.chunks_exact(p).for_each(|r| slow.push(r));
                assert_eq!(fast.count(), slow.count());
                assert_eq!(fast.range(), slow.range());
                let ((mf, cf), (ms, cs)) = (fast.mean_cov(), slow.mean_cov());
                for (a, b) in mf.iter().zip(&ms) {
                    assert!(
                        (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                        "p {p}: {a} vs {b}"
                    );
                }
                for (a, b) in cf.iter().zip(&cs) {
                    assert!(
                        (a - b).abs() <= 1e-9 * b.abs().max(1e-3),
                        "p {p}: {a} vs {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn non_finite_is_found_in_a_later_block() {
        for p in [4, 12, 20] {
            let mut data = rows(3 * KERNEL_ROWS, p, 3.0);
            let at = (KERNEL_ROWS + 5) * p + p - 1;
            data[at] = f64::NEG_INFINITY;
            let mut acc = CovarianceAccumulator::new(p);
            assert_eq!(acc.push_rows(&data), Err(at));
            let mut ok = CovarianceAccumulator::new(p);
            let block = if p <= 16 { KERNEL_ROWS } else { BLOCK_ROWS };
            ok.push_rows(&data[..(at / p) / block * block * p]).unwrap();
            assert_eq!(acc, ok, "p {p}");
        }
    }

    #[test]
    fn welford_matches_two_pass() {
        let rows = [[1.0, 2.0], [2.0, 1.0], [4.0, 5.0], [3.0, 3.0]];
        let mut acc = CovarianceAccumulator::new(2);
        for r in &rows {
            acc.push(r);
        }
        let (m, c) = acc.mean_cov();
        assert_eq!(m, vec![2.5, 2.75]);
        // var(c(1,2,4,3)) = 1.666..., cov with c(2,1,5,3) = 1.8333...
        assert!((c[0] - 5.0 / 3.0).abs() < 1e-15);
        assert!((c[1] - 5.5 / 3.0).abs() < 1e-15);
        assert_eq!(c[1], c[2]);
        assert_eq!(acc.range(), (1.0, 5.0));
    }
}
