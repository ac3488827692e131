//! Ranks and the exact / Edgeworth null distribution of Spearman's S (R's `prho.c`).

use super::PValueMethod;
use crate::stats::dist;

pub(super) fn has_ties(x: &[f64]) -> bool {
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    v.windows(2).any(|w| w[0] == w[1])
}

/// Average ranks (1-based) as R's `rank(ties.method = "average")`, and whether any tie occurred.
pub(crate) fn average_ranks(x: &[f64]) -> (Vec<f64>, bool) {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut ranks = vec![0.0; x.len()];
    let mut ties = false;
    let mut i = 0;
    while i < idx.len() {
        let mut j = i + 1;
        while j < idx.len() && x[idx[j]] == x[idx[i]] {
            j += 1;
        }
        if j - i > 1 {
            ties = true;
        }
        // ranks i+1 ..= j averaged
        let avg = (i + 1 + j) as f64 / 2.0;
        for &k in &idx[i..j] {
            ranks[k] = avg;
        }
        i = j;
    }
    (ranks, ties)
}

/// R's `prho` (AS 89 as extended in R's `prho.c`): `P(S ≥ is)`, or `P(S < is)` when `lower`.
/// Exact enumeration for `n ≤ 9`, Edgeworth series otherwise. `n ≥ 3` here.
pub(super) fn prho(n: usize, is: f64, lower: bool) -> (f64, PValueMethod) {
    /// Edgeworth series coefficients of AS 89.
    const C: [f64; 12] = [
        0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932, 0.0879, 0.0151, 0.0072, 0.0831, 0.0131,
        4.6e-4,
    ];
    let exact = n <= 9;
    let how = if exact {
        PValueMethod::Exact
    } else {
        PValueMethod::Edgeworth
    };
    let base = if lower { 0.0 } else { 1.0 };
    if is <= 0.0 {
        return (base, how);
    }
    let nf = n as f64;
    let n3 = nf * (nf * nf - 1.0) / 3.0; // the largest possible S
    if is > n3 {
        return (1.0 - base, how);
    }
    if exact {
        let (ge, total) = count_s_at_least(n, is);
        let count = if lower { total - ge } else { ge };
        return (count as f64 / total as f64, how);
    }
    let b = 1.0 / nf;
    let x = (6.0 * (is - 1.0) * b / (nf * nf - 1.0) - 1.0) * (1.0 / b - 1.0).sqrt();
    let mut y = x * x;
    let u = x
        * b
        * (C[0]
            + b * (C[1] + C[2] * b)
            + y * (-C[3] + b * (C[4] + C[5] * b)
                - y * b * (C[6] + C[7] * b - y * (C[8] - C[9] * b + y * b * (C[10] - C[11] * y)))));
    y = u / (y / 2.0).exp();
    // R: pv = y + pnorm(x, lower = FALSE); the lower tail is 1 - pv, written here as
    // pnorm(x) - y so that neither tail loses digits to cancellation.
    let (cdf, sf) = dist::normal_tails(x);
    let p = if lower { cdf - y } else { y + sf };
    (p.clamp(0.0, 1.0), how)
}

/// Counts the permutations of `1..=n` whose `S = Σ (i - p_i)²` is at least `is`, and `n!`.
///
/// Equivalent to R's complete enumeration, but by dynamic programming over the set of values
/// already placed (`2^n` states, `n ≤ 9`), so it costs microseconds rather than `n!` steps.
fn count_s_at_least(n: usize, is: f64) -> (u64, u64) {
    let max_s = n * (n * n - 1) / 3;
    let states = 1usize << n;
    // dp[mask][s]: ways to fill positions 0..popcount(mask) with the values in mask, sum s
    let mut dp = vec![vec![0u64; max_s + 1]; states];
    dp[0][0] = 1;
    for mask in 0..states {
        let pos = mask.count_ones() as usize;
        if pos == n {
            continue;
        }
        for v in 0..n {
            if mask & (1 << v) != 0 {
                continue;
            }
            let d = pos.abs_diff(v);
            let add = d * d;
            let next = mask | (1 << v);
            for s in 0..=max_s - add {
                let ways = dp[mask][s];
                if ways != 0 {
                    dp[next][s + add] += ways;
                }
            }
        }
    }
    let full = &dp[states - 1];
    let total: u64 = full.iter().sum();
    let ge = full
        .iter()
        .enumerate()
        .filter(|&(s, _)| s as f64 >= is)
        .map(|(_, &c)| c)
        .sum();
    (ge, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn average_ranks_match_r() {
        // rank(c(10, 20, 20, 5, 30)) = 2.0 3.5 3.5 1.0 5.0
        let (r, ties) = average_ranks(&[10.0, 20.0, 20.0, 5.0, 30.0]);
        assert_eq!(r, vec![2.0, 3.5, 3.5, 1.0, 5.0]);
        assert!(ties);
    }

    #[test]
    fn exact_distribution_is_symmetric_and_complete() {
        // n = 4: 24 permutations, P(S >= 0) = 1
        assert_eq!(count_s_at_least(4, 0.0), (24, 24));
        // only the identity has S = 0, only the reversal has S = 20
        assert_eq!(count_s_at_least(4, 20.0), (1, 24));
    }
}
