//! The partial state an aggregate keeps per group and ships between partitions and machines.
//!
//! A part is one of the core crate's streaming accumulators plus the number of rows this crate
//! left out because an argument was NULL. The engine sees it as two state columns: the core
//! accumulator's own binary state (`AlphaAccumulator::to_bytes` and its siblings: a versioned,
//! checksummed encoding of the counts, sums and co-moments, whose size depends on the number
//! of columns only, never on the number of rows) as `Binary`, and that count as `UInt64`.
//! Parts are combined with the core accumulator's `merge`. Bytes that do not decode (a
//! corrupted, foreign or version-mismatched state) are an execution error, never a wrong
//! result.
//!
//! On integer data within the core's exact limit (|x| ≤ 2²⁰, every rating scale) the core
//! accumulators keep exact `i128` sums, so the merged state, and the result finished from it,
//! are bit-identical however the engine splits and merges the rows.

use datafusion::common::{DataFusionError, Result};
use therapeutic_alliance::stats::{
    AlphaAccumulator, CorrelationAccumulator, IccAccumulator, StateError, StatsError,
};

/// One of the core crate's mergeable accumulators, as this crate drives it.
pub(crate) trait CoreAccumulator: Clone + Send + Sync + std::fmt::Debug + 'static {
    /// An empty accumulator for rows of `width` values.
    fn empty(width: usize) -> Result<Self, StatsError>;
    /// Values per row.
    fn width(&self) -> usize;
    /// Adds complete, finite rows (row-major, a multiple of `width` values; none is fine).
    fn add_rows(&mut self, rows: &[f64]) -> Result<(), StatsError>;
    /// Combines another part of the same shape.
    fn combine(&mut self, other: &Self) -> Result<(), StatsError>;
    /// The core's binary state.
    fn encode(&self) -> Vec<u8>;
    /// The state from bytes written by [`CoreAccumulator::encode`], checked by the core.
    fn decode(bytes: &[u8]) -> Result<Self, StateError>;
    /// Heap bytes the accumulator holds (its moment vectors and scratch), beside
    /// `size_of::<Self>()`.
    fn heap_size(&self) -> usize;
}

const F64: usize = std::mem::size_of::<f64>();
const I128: usize = std::mem::size_of::<i128>();

impl CoreAccumulator for AlphaAccumulator {
    fn empty(width: usize) -> Result<Self, StatsError> {
        Self::new(width)
    }

    fn width(&self) -> usize {
        self.n_items()
    }

    fn add_rows(&mut self, rows: &[f64]) -> Result<(), StatsError> {
        if rows.is_empty() {
            return Ok(());
        }
        self.push_rows(rows)
    }

    fn combine(&mut self, other: &Self) -> Result<(), StatsError> {
        self.merge(other)
    }

    fn encode(&self) -> Vec<u8> {
        self.to_bytes()
    }

    fn decode(bytes: &[u8]) -> Result<Self, StateError> {
        Self::from_bytes(bytes)
    }

    /// The core's layout (`stats/reliability/covariance.rs`): means, deviations and block
    /// means (3p `f64`), the co-moments and the block co-moments (2p² `f64`), the exact
    /// path's sums (p + p² `i128` and as many pending `f64`, freed when the accumulator
    /// leaves that path) and, for more
    /// than 16 items once rows were pushed, a transposed block of 128 rows (128p `f64`).
    fn heap_size(&self) -> usize {
        let p = self.n_items();
        let mut bytes = (3 * p + 2 * p * p) * F64;
        if self.is_exact() {
            bytes += (p + p * p) * (I128 + F64);
        }
        if p > 16 && self.count() > 0 {
            bytes += 128 * p * F64;
        }
        bytes
    }
}

impl CoreAccumulator for IccAccumulator {
    fn empty(width: usize) -> Result<Self, StatsError> {
        Self::new(width)
    }

    fn width(&self) -> usize {
        self.n_raters()
    }

    fn add_rows(&mut self, rows: &[f64]) -> Result<(), StatsError> {
        if rows.is_empty() {
            return Ok(());
        }
        self.push_rows(rows)
    }

    fn combine(&mut self, other: &Self) -> Result<(), StatsError> {
        self.merge(other)
    }

    fn encode(&self) -> Vec<u8> {
        self.to_bytes()
    }

    fn decode(bytes: &[u8]) -> Result<Self, StateError> {
        Self::from_bytes(bytes)
    }

    /// The core's layout (`stats/agreement/accumulator.rs`): per-rater deviation means,
    /// co-moments and scratch (3k `f64`) and the exact path's per-rater sums (3k `i128`).
    fn heap_size(&self) -> usize {
        let k = self.n_raters();
        3 * k * F64 + if self.is_exact() { 3 * k * I128 } else { 0 }
    }
}

impl CoreAccumulator for CorrelationAccumulator {
    fn empty(width: usize) -> Result<Self, StatsError> {
        if width == 2 {
            Ok(Self::new())
        } else {
            Err(StatsError::LengthMismatch {
                what: "columns of a correlation".to_owned(),
                expected: 2,
                got: width,
            })
        }
    }

    fn width(&self) -> usize {
        2
    }

    fn add_rows(&mut self, rows: &[f64]) -> Result<(), StatsError> {
        for pair in rows.chunks_exact(2) {
            self.push(pair[0], pair[1])?;
        }
        Ok(())
    }

    fn combine(&mut self, other: &Self) -> Result<(), StatsError> {
        self.merge(other)
    }

    fn encode(&self) -> Vec<u8> {
        self.to_bytes()
    }

    fn decode(bytes: &[u8]) -> Result<Self, StateError> {
        Self::from_bytes(bytes)
    }

    /// Plain numbers (and the exact path's sums inline): nothing on the heap.
    fn heap_size(&self) -> usize {
        0
    }
}

/// One group's part of an aggregate.
#[derive(Debug, Clone)]
pub(crate) struct Part<A> {
    pub(crate) acc: A,
    /// Rows left out because an argument was NULL.
    pub(crate) incomplete: u64,
}

impl<A: CoreAccumulator> Part<A> {
    pub(crate) fn empty(width: usize) -> Result<Self> {
        Ok(Self {
            acc: A::empty(width).map_err(stats_error)?,
            incomplete: 0,
        })
    }

    pub(crate) fn merge(&mut self, other: &Self) -> Result<()> {
        self.acc.combine(&other.acc).map_err(stats_error)?;
        self.incomplete = self
            .incomplete
            .checked_add(other.incomplete)
            .ok_or_else(|| {
                DataFusionError::Execution(
                    "invalid aggregate state: incomplete-row count overflows".to_owned(),
                )
            })?;
        Ok(())
    }

    /// Heap bytes held (see [`CoreAccumulator::heap_size`]).
    pub(crate) fn heap_size(&self) -> usize {
        self.acc.heap_size()
    }

    /// Decodes a part and checks it has `width` values per row.
    pub(crate) fn decode(bytes: &[u8], incomplete: u64, width: usize) -> Result<Self> {
        let acc = A::decode(bytes)
            .map_err(|e| DataFusionError::Execution(format!("invalid aggregate state: {e}")))?;
        if acc.width() != width {
            return Err(DataFusionError::Execution(format!(
                "invalid aggregate state: it has {} columns, the function has {width} arguments",
                acc.width()
            )));
        }
        Ok(Self { acc, incomplete })
    }
}

/// The core's error as an execution error (by value: it is a `map_err` adapter).
#[expect(clippy::needless_pass_by_value, reason = "a `map_err` adapter")]
pub(crate) fn stats_error(e: StatsError) -> DataFusionError {
    DataFusionError::Execution(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn likert(seed: u64, n: usize, w: usize) -> Vec<f64> {
        let mut x = seed | 1;
        (0..n * w)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // a shared component per row makes the items correlate
                ((x % 3) + ((i / w) as u64 * 2_654_435_761 % 3) + 1) as f64
            })
            .collect()
    }

    #[test]
    fn state_round_trips_and_rejects_garbage() {
        let mut p = Part::<AlphaAccumulator>::empty(3).unwrap();
        p.acc.add_rows(&[1.0, 2.0, 3.0, 2.0, 2.0, 4.0]).unwrap();
        let b = p.acc.encode();
        let q = Part::<AlphaAccumulator>::decode(&b, 4, 3).unwrap();
        assert_eq!(q.acc, p.acc);
        assert_eq!(q.incomplete, 4);
        let err = |r: Result<Part<AlphaAccumulator>>| r.unwrap_err().to_string();
        assert!(err(Part::decode(&b[..b.len() - 1], 0, 3)).contains("invalid aggregate state"));
        assert!(err(Part::decode(b"nonsense nonsense", 0, 3)).contains("invalid aggregate state"));
        assert!(err(Part::decode(&b, 0, 4)).contains("it has 3 columns"));
        assert!(
            Part::<IccAccumulator>::decode(&b, 0, 3).is_err(),
            "foreign kind"
        );
        let mut flipped = b.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 1;
        assert!(
            Part::<AlphaAccumulator>::decode(&flipped, 0, 3).is_err(),
            "checksum"
        );
    }

    #[test]
    fn state_size_does_not_grow_with_the_rows() {
        fn sizes<A: CoreAccumulator>(w: usize) -> (usize, usize, usize, usize) {
            let few = likert(3, 10, w);
            let many = likert(3, 100_000, w);
            let mut a = A::empty(w).unwrap();
            a.add_rows(&few).unwrap();
            let mut b = A::empty(w).unwrap();
            b.add_rows(&many).unwrap();
            (
                a.encode().len(),
                b.encode().len(),
                a.heap_size(),
                b.heap_size(),
            )
        }
        for (what, (few, many, heap_few, heap_many)) in [
            ("alpha", sizes::<AlphaAccumulator>(12)),
            ("icc", sizes::<IccAccumulator>(4)),
            ("pearson", sizes::<CorrelationAccumulator>(2)),
        ] {
            assert_eq!(few, many, "{what}: state bytes for 10 and 100,000 rows");
            assert_eq!(heap_few, heap_many, "{what}: heap for 10 and 100,000 rows");
            assert!(few < 8 * 1024, "{what}: {few} bytes");
        }
    }

    mod random_splits {
        use super::*;
        use proptest::prelude::*;
        use therapeutic_alliance::stats::{AlphaOptions, IccOptions, alpha, icc};

        /// Parts of `data` (rows of `w`) cut at `cuts`, each exported and imported.
        fn parts<A: CoreAccumulator>(data: &[f64], w: usize, cuts: &[usize]) -> Vec<A> {
            let n = data.len() / w;
            let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (n + 1)).collect();
            cuts.push(0);
            cuts.push(n);
            cuts.sort_unstable();
            cuts.windows(2)
                .map(|c| {
                    let mut p = A::empty(w).unwrap();
                    p.add_rows(&data[c[0] * w..c[1] * w]).unwrap();
                    A::decode(&p.encode()).unwrap()
                })
                .collect()
        }

        fn merged<A: CoreAccumulator>(parts: &[A], order: &[usize]) -> A {
            let mut acc = A::empty(parts[0].width()).unwrap();
            for &i in order {
                acc.combine(&parts[i % parts.len()]).unwrap();
            }
            acc
        }

        proptest! {
            /// Exported and imported parts of integer data, merged in any order, give the
            /// in-memory result bit for bit.
            #[test]
            fn exported_parts_merge_to_the_in_memory_result(
                seed in any::<u64>(),
                n in 4usize..120,
                cuts in proptest::collection::vec(any::<usize>(), 0..6),
                rotate in 0usize..7,
            ) {
                let w = 4;
                let data = likert(seed, n, w);
                let alpha_parts: Vec<AlphaAccumulator> = parts(&data, w, &cuts);
                let mut order: Vec<usize> = (0..alpha_parts.len()).collect();
                order.rotate_left(rotate % alpha_parts.len());
                let a = merged(&alpha_parts, &order).finish(&AlphaOptions::new());
                match (a, alpha(&data, w, &AlphaOptions::new())) {
                    (Ok(a), Ok(b)) => {
                        prop_assert_eq!(a.raw_alpha.to_bits(), b.raw_alpha.to_bits());
                        prop_assert_eq!(a.std_alpha.to_bits(), b.std_alpha.to_bits());
                        prop_assert_eq!(a.n, b.n);
                    }
                    (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                    (a, b) => prop_assert!(false, "{a:?} vs {b:?}"),
                }
                let icc_parts: Vec<IccAccumulator> = parts(&data, w, &cuts);
                let c = merged(&icc_parts, &order).finish(&IccOptions::new());
                match (c, icc(&data, w, &IccOptions::new())) {
                    (Ok(a), Ok(b)) => {
                        for (x, y) in a.forms.iter().zip(&b.forms) {
                            prop_assert_eq!(x.icc.to_bits(), y.icc.to_bits());
                        }
                    }
                    (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                    (a, b) => prop_assert!(false, "{a:?} vs {b:?}"),
                }
            }
        }
    }
}
