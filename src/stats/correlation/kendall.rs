//! Kendall's tau-b and the p-values of R's `cor.test(method = "kendall")`.
//!
//! * tau-b (Kendall 1945): `S / sqrt((n0 - n1)(n0 - n2))` with `S` = concordant − discordant
//!   pairs, `n0 = n(n-1)/2` and `n1`, `n2` the pairs tied in x and in y; counted in
//!   `O(n log n)` (Knight 1966: sort by (x, y), then count the discordant pairs as the swaps
//!   of a merge sort by y).
//! * Exact p (no ties): the null distribution of the number of concordant pairs `T` is that
//!   of the number of inversions of a random permutation (Kendall 1938); R's `ckendall`
//!   counts it by the recurrence `c(k, n) = Σ_{i=0}^{n-1} c(k - i, n - 1)`, done here the same
//!   way in the same order.
//! * Normal approximation: `z = S / sqrt(var_S)` with the variance corrected for ties
//!   (Kendall 1970, *Rank Correlation Methods*, 4th ed., ch. 4; as R's `cor.test`), and with
//!   `continuity` `S` replaced by `sign(S)(|S| - 1)`.

/// Counts of a Kendall tau: S = concordant − discordant, the pairs `n0`, the pairs tied in x
/// (`n1`) and in y (`n2`), and the tie-group sizes of each variable (groups of two or more).
pub(super) struct KendallCounts {
    pub(super) s: f64,
    pub(super) n0: f64,
    pub(super) n1: f64,
    pub(super) n2: f64,
    pub(super) x_groups: Vec<f64>,
    pub(super) y_groups: Vec<f64>,
}

/// Sizes (as f64) of the runs of equal values of an already sorted sequence, runs of two or
/// more only.
fn tie_groups<T: Copy>(sorted: impl Iterator<Item = T>, same: impl Fn(T, T) -> bool) -> Vec<f64> {
    let mut groups = Vec::new();
    let mut prev: Option<T> = None;
    let mut run = 0usize;
    for v in sorted {
        match prev {
            Some(p) if same(p, v) => run += 1,
            _ => {
                if run > 1 {
                    groups.push(run as f64);
                }
                run = 1;
            }
        }
        prev = Some(v);
    }
    if run > 1 {
        groups.push(run as f64);
    }
    groups
}

fn pairs(groups: &[f64]) -> f64 {
    groups.iter().map(|t| t * (t - 1.0) / 2.0).sum()
}

/// Sorts `v` and returns the number of inversions (pairs `i < j` with `v[i] > v[j]`).
fn merge_count(v: &mut [f64], buf: &mut [f64]) -> u64 {
    let n = v.len();
    if n < 2 {
        return 0;
    }
    let mid = n / 2;
    let mut swaps = {
        let (a, b) = v.split_at_mut(mid);
        let (ba, bb) = buf.split_at_mut(mid);
        merge_count(a, ba) + merge_count(b, bb)
    };
    let (mut i, mut j, mut k) = (0, mid, 0);
    while i < mid && j < n {
        if v[j] < v[i] {
            buf[k] = v[j];
            swaps += (mid - i) as u64;
            j += 1;
        } else {
            buf[k] = v[i];
            i += 1;
        }
        k += 1;
    }
    buf[k..k + mid - i].copy_from_slice(&v[i..mid]);
    let k = k + mid - i;
    buf[k..k + n - j].copy_from_slice(&v[j..n]);
    v.copy_from_slice(&buf[..n]);
    swaps
}

/// The counts of Kendall's tau of finite `x` and `y` (same length).
pub(super) fn counts(x: &[f64], y: &[f64]) -> KendallCounts {
    let n = x.len();
    // `+ 0.0` turns -0.0 into 0.0: `total_cmp` orders them apart, but they are tied
    let x: Vec<f64> = x.iter().map(|v| v + 0.0).collect();
    let y: Vec<f64> = y.iter().map(|v| v + 0.0).collect();
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(y[a].total_cmp(&y[b])));
    let x_groups = tie_groups(idx.iter().map(|&i| x[i]), |a, b| a == b);
    let joint = tie_groups(idx.iter().map(|&i| (x[i], y[i])), |a, b| a == b);
    let mut ys: Vec<f64> = idx.iter().map(|&i| y[i]).collect();
    let mut buf = vec![0.0; n];
    // within a run of equal x the y are sorted, so every inversion is a discordant pair
    let discordant = merge_count(&mut ys, &mut buf) as f64;
    let y_groups = tie_groups(ys.iter().copied(), |a, b| a == b);
    let nf = n as f64;
    let n0 = nf * (nf - 1.0) / 2.0;
    let (n1, n2, n3) = (pairs(&x_groups), pairs(&y_groups), pairs(&joint));
    // concordant + discordant = n0 - n1 - n2 + n3
    let s = n0 - n1 - n2 + n3 - 2.0 * discordant;
    KendallCounts {
        s,
        n0,
        n1,
        n2,
        x_groups,
        y_groups,
    }
}

impl KendallCounts {
    /// tau-b; `None` when either variable is constant.
    pub(super) fn tau_b(&self) -> Option<f64> {
        let (a, b) = (self.n0 - self.n1, self.n0 - self.n2);
        (a > 0.0 && b > 0.0).then(|| (self.s / (a.sqrt() * b.sqrt())).clamp(-1.0, 1.0))
    }

    /// The number of concordant pairs `T = (n0 + S)/2` (no ties).
    pub(super) fn concordant(&self) -> f64 {
        f64::midpoint(self.n0, self.s)
    }

    /// `z = S / sqrt(var_S)` with R's tie-corrected variance; `S - sign(S)` with
    /// `continuity`. `None` if the variance is not positive.
    pub(super) fn z(&self, n: usize, continuity: bool) -> Option<f64> {
        let nf = n as f64;
        let sum = |g: &[f64], f: &dyn Fn(f64) -> f64| g.iter().map(|&t| f(t)).sum::<f64>();
        let (xg, yg) = (&self.x_groups, &self.y_groups);
        let v0 = nf * (nf - 1.0) * (2.0 * nf + 5.0);
        let vt = sum(xg, &|t| t * (t - 1.0) * (2.0 * t + 5.0));
        let vu = sum(yg, &|t| t * (t - 1.0) * (2.0 * t + 5.0));
        let v1 = sum(xg, &|t| t * (t - 1.0)) * sum(yg, &|t| t * (t - 1.0));
        let v2 = sum(xg, &|t| t * (t - 1.0) * (t - 2.0)) * sum(yg, &|t| t * (t - 1.0) * (t - 2.0));
        let var_s = (v0 - vt - vu) / 18.0
            + v1 / (2.0 * nf * (nf - 1.0))
            + v2 / (9.0 * nf * (nf - 1.0) * (nf - 2.0));
        let s = if continuity && self.s != 0.0 {
            self.s.signum() * (self.s.abs() - 1.0)
        } else {
            self.s
        };
        let z = s / var_s.sqrt();
        (var_s > 0.0 && z.is_finite()).then_some(z)
    }
}

/// Two-sided exact p of `T` concordant pairs among `n` (no ties), as R's
/// `min(2 * p, 1)` with `p = pkendall(q)` below the mean `n(n-1)/4` and the upper tail above
/// it. The upper tail `P(T ≥ q)` is taken as `P(T ≤ n0 - q)` (the distribution is
/// symmetric), where R writes `1 - pkendall(q - 1)`: the same number, without the
/// cancellation. `n ≥ 1`; the counts are exact integers in f64 while they stay below 2^53, then
/// rounded as R's are.
pub(super) fn exact_p(t: f64, n: usize) -> f64 {
    let n0 = n * (n - 1) / 2;
    let q = t.round().clamp(0.0, n0 as f64) as usize;
    let tail = if 4 * q > n * (n - 1) { n0 - q } else { q };
    // counts[k] = permutations of 1..=m with k inversions, built up m = 1..=n
    let mut counts = vec![0.0_f64; n0 + 1];
    counts[0] = 1.0;
    let mut next = vec![0.0_f64; n0 + 1];
    for m in 2..=n {
        let top = m * (m - 1) / 2;
        for (k, slot) in next.iter_mut().enumerate().take(top + 1) {
            let mut s = 0.0;
            for i in 0..m.min(k + 1) {
                s += counts[k - i];
            }
            *slot = s;
        }
        std::mem::swap(&mut counts, &mut next);
    }
    let factorial: f64 = (2..=n).map(|m| m as f64).product();
    let below: f64 = counts[..=tail].iter().sum();
    (2.0 * below / factorial).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(x: &[f64], y: &[f64]) -> (f64, f64, f64) {
        let (mut s, mut tx, mut ty) = (0.0, 0.0, 0.0);
        for i in 0..x.len() {
            for j in 0..i {
                let a = (x[i] - x[j]).signum() * f64::from(x[i] != x[j]);
                let b = (y[i] - y[j]).signum() * f64::from(y[i] != y[j]);
                s += a * b;
                tx += a * a;
                ty += b * b;
            }
        }
        (s, tx, ty)
    }

    #[test]
    fn knight_counts_match_the_pairwise_definition() {
        let x = [
            1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0, 2.0, 7.0, -0.0, 0.0, -0.0,
        ];
        let y = [
            2.0, 1.0, 3.0, 3.0, 5.0, 4.0, 6.0, 6.0, 3.0, 0.0, 4.0, 1.0, 9.0,
        ];
        let c = counts(&x, &y);
        let (s, tx, ty) = brute(&x, &y);
        assert_eq!(c.s, s);
        assert_eq!(c.n0 - c.n1, tx);
        assert_eq!(c.n0 - c.n2, ty);
    }

    #[test]
    fn exact_distribution_is_complete() {
        // n = 4: 24 permutations; T = 0 only for the reversal
        assert_eq!(exact_p(0.0, 4), 2.0 / 24.0);
        assert_eq!(exact_p(6.0, 4), 2.0 / 24.0);
        assert_eq!(exact_p(3.0, 4), 1.0);
    }
}
