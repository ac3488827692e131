//! The partial state an aggregate keeps per group and ships between partitions and machines.
//!
//! A part is one of the core crate's streaming accumulators plus the number of rows this crate
//! left out because an argument was NULL. The engine sees it as two state columns: the
//! accumulator's bytes (`Binary`) and that count (`UInt64`). Bytes that do not decode (a
//! corrupted, foreign or version-mismatched state) are an execution error, never a wrong
//! result.

use datafusion::common::{DataFusionError, Result};
use therapeutic_alliance::stats::{
    AlphaAccumulator, CorrelationAccumulator, IccAccumulator, StatsError,
};

/// One of the core crate's mergeable accumulators, as this crate drives it.
pub(crate) trait CoreAccumulator: Clone + Send + Sync + std::fmt::Debug + 'static {
    /// An empty accumulator for rows of `width` values.
    fn empty(width: usize) -> Result<Self, StatsError>;
    /// Values per row.
    fn width(&self) -> usize;
    /// Adds complete, finite rows (row-major, a multiple of `width` values; none is fine).
    fn push_rows(&mut self, rows: &[f64]) -> Result<(), StatsError>;
    /// Combines another part of the same shape.
    fn merge(&mut self, other: &Self) -> Result<(), StatsError>;
    /// The state as bytes.
    fn to_bytes(&self) -> Vec<u8>;
    /// The state from bytes written by [`CoreAccumulator::to_bytes`].
    fn from_bytes(bytes: &[u8]) -> Result<Self, String>;
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
        self.acc.merge(&other.acc).map_err(stats_error)?;
        self.incomplete += other.incomplete;
        Ok(())
    }

    /// Decodes a part and checks it has `width` values per row.
    pub(crate) fn decode(bytes: &[u8], incomplete: u64, width: usize) -> Result<Self> {
        let acc = A::from_bytes(bytes)
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

pub(crate) fn stats_error(e: StatsError) -> DataFusionError {
    DataFusionError::Execution(e.to_string())
}

// ---------------------------------------------------------------------------------------------
// TEMPORARY state encoding, until the core crate exports accumulator state (issue 13 item 1):
// the part keeps the rows it has seen and ships them; decoding replays them into a fresh
// accumulator. Correct, but its size grows with the rows. Replaced by the core's
// `to_bytes`/`from_bytes` when they land.
// ---------------------------------------------------------------------------------------------

const MAGIC: &[u8; 4] = b"TADF";
/// Version of this crate's temporary row-replay state format.
const TEMP_VERSION: u8 = 0;

/// A core accumulator together with the rows it has seen (temporary, see above).
#[derive(Debug, Clone)]
pub(crate) struct Replay<A> {
    acc: A,
    width: usize,
    rows: Vec<f64>,
}

impl<A> Replay<A> {
    pub(crate) fn inner(&self) -> &A {
        &self.acc
    }
}

/// The core accumulator's own operations that [`Replay`] wraps.
pub(crate) trait Replayable: Clone + Send + Sync + std::fmt::Debug + 'static {
    const KIND: u8;
    fn new_for(width: usize) -> Result<Self, StatsError>;
    fn push_block(&mut self, rows: &[f64]) -> Result<(), StatsError>;
    fn merge_with(&mut self, other: &Self) -> Result<(), StatsError>;
}

impl Replayable for AlphaAccumulator {
    const KIND: u8 = 1;
    fn new_for(width: usize) -> Result<Self, StatsError> {
        Self::new(width)
    }
    fn push_block(&mut self, rows: &[f64]) -> Result<(), StatsError> {
        self.push_rows(rows)
    }
    fn merge_with(&mut self, other: &Self) -> Result<(), StatsError> {
        self.merge(other)
    }
}

impl Replayable for IccAccumulator {
    const KIND: u8 = 2;
    fn new_for(width: usize) -> Result<Self, StatsError> {
        Self::new(width)
    }
    fn push_block(&mut self, rows: &[f64]) -> Result<(), StatsError> {
        self.push_rows(rows)
    }
    fn merge_with(&mut self, other: &Self) -> Result<(), StatsError> {
        self.merge(other)
    }
}

impl Replayable for CorrelationAccumulator {
    const KIND: u8 = 3;
    fn new_for(width: usize) -> Result<Self, StatsError> {
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
    fn push_block(&mut self, rows: &[f64]) -> Result<(), StatsError> {
        for pair in rows.chunks_exact(2) {
            self.push(pair[0], pair[1])?;
        }
        Ok(())
    }
    fn merge_with(&mut self, other: &Self) -> Result<(), StatsError> {
        self.merge(other);
        Ok(())
    }
}

impl<A: Replayable> CoreAccumulator for Replay<A> {
    fn empty(width: usize) -> Result<Self, StatsError> {
        Ok(Self {
            acc: A::new_for(width)?,
            width,
            rows: Vec::new(),
        })
    }

    fn width(&self) -> usize {
        self.width
    }

    fn push_rows(&mut self, rows: &[f64]) -> Result<(), StatsError> {
        // The core refuses an empty block (`EmptyInput`); a batch without complete rows adds
        // nothing.
        if rows.is_empty() {
            return Ok(());
        }
        self.acc.push_block(rows)?;
        self.rows.extend_from_slice(rows);
        Ok(())
    }

    fn merge(&mut self, other: &Self) -> Result<(), StatsError> {
        self.acc.merge_with(&other.acc)?;
        self.rows.extend_from_slice(&other.rows);
        Ok(())
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(14 + self.rows.len() * 8);
        out.extend_from_slice(MAGIC);
        out.push(TEMP_VERSION);
        out.push(A::KIND);
        out.extend_from_slice(&(self.width as u64).to_le_bytes());
        for x in &self.rows {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let (head, body) = bytes
            .split_at_checked(14)
            .ok_or_else(|| format!("{} bytes is too short for a state", bytes.len()))?;
        if &head[..4] != MAGIC {
            return Err("not a therapeutic-alliance-datafusion state".to_owned());
        }
        if head[4] != TEMP_VERSION {
            return Err(format!(
                "state format version {} (this build reads {TEMP_VERSION})",
                head[4]
            ));
        }
        if head[5] != A::KIND {
            return Err(format!(
                "state of accumulator kind {} where kind {} was expected",
                head[5],
                A::KIND
            ));
        }
        let mut w = [0u8; 8];
        w.copy_from_slice(&head[6..14]);
        let width = usize::try_from(u64::from_le_bytes(w))
            .ok()
            .filter(|&w| (1..=4096).contains(&w))
            .ok_or("state with an invalid column count")?;
        if body.len() % (8 * width) != 0 {
            return Err("state with a partial row".to_owned());
        }
        let rows: Vec<f64> = body
            .chunks_exact(8)
            .map(|c| {
                let mut b = [0u8; 8];
                b.copy_from_slice(c);
                f64::from_le_bytes(b)
            })
            .collect();
        let mut part = Self::empty(width).map_err(|e| e.to_string())?;
        part.push_rows(&rows).map_err(|e| e.to_string())?;
        Ok(part)
    }
}

/// The accumulators as this crate uses them (temporary row-replay state).
pub(crate) type AlphaPart = Replay<AlphaAccumulator>;
/// See [`AlphaPart`].
pub(crate) type IccPart = Replay<IccAccumulator>;
/// See [`AlphaPart`].
pub(crate) type PearsonPart = Replay<CorrelationAccumulator>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_rejects_garbage() {
        let mut p = AlphaPart::empty(3).unwrap();
        p.push_rows(&[1.0, 2.0, 3.0, 2.0, 2.0, 4.0]).unwrap();
        let b = p.to_bytes();
        let q = AlphaPart::from_bytes(&b).unwrap();
        assert_eq!(q.inner(), p.inner());
        assert!(AlphaPart::from_bytes(&b[..b.len() - 1]).is_err());
        assert!(AlphaPart::from_bytes(b"nonsense nonsense").is_err());
        assert!(IccPart::from_bytes(&b).is_err(), "foreign kind");
        let mut v = b.clone();
        v[4] = 9;
        assert!(AlphaPart::from_bytes(&v).is_err(), "version");
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
                    p.push_rows(&data[c[0] * w..c[1] * w]).unwrap();
                    A::from_bytes(&p.to_bytes()).unwrap()
                })
                .collect()
        }

        fn merged<A: CoreAccumulator>(parts: &[A], order: &[usize]) -> A {
            let mut acc = A::empty(parts[0].width()).unwrap();
            for &i in order {
                acc.merge(&parts[i % parts.len()]).unwrap();
            }
            acc
        }

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

        fn rel(a: f64, b: f64) -> f64 {
            (a - b).abs() / 1f64.max(a.abs()).max(b.abs())
        }

        proptest! {
            /// Exported and imported parts, merged in any order, give the in-memory result.
            #[test]
            fn exported_parts_merge_to_the_in_memory_result(
                seed in any::<u64>(),
                n in 4usize..120,
                cuts in proptest::collection::vec(any::<usize>(), 0..6),
                rotate in 0usize..7,
            ) {
                let w = 4;
                let data = likert(seed, n, w);
                let alpha_parts: Vec<AlphaPart> = parts(&data, w, &cuts);
                let mut order: Vec<usize> = (0..alpha_parts.len()).collect();
                order.rotate_left(rotate % alpha_parts.len());
                let a = merged(&alpha_parts, &order).inner().finish(&AlphaOptions::new());
                match (a, alpha(&data, w, &AlphaOptions::new())) {
                    (Ok(a), Ok(b)) => {
                        prop_assert!(rel(a.raw_alpha, b.raw_alpha) <= 1e-12);
                        prop_assert!(rel(a.std_alpha, b.std_alpha) <= 1e-12);
                        prop_assert_eq!(a.n, b.n);
                    }
                    (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                    (a, b) => prop_assert!(false, "{a:?} vs {b:?}"),
                }
                let icc_parts: Vec<IccPart> = parts(&data, w, &cuts);
                let c = merged(&icc_parts, &order).inner().finish(&IccOptions::new());
                match (c, icc(&data, w, &IccOptions::new())) {
                    (Ok(a), Ok(b)) => {
                        for (x, y) in a.forms.iter().zip(&b.forms) {
                            prop_assert!(rel(x.icc, y.icc) <= 1e-12, "{} vs {}", x.icc, y.icc);
                        }
                    }
                    (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                    (a, b) => prop_assert!(false, "{a:?} vs {b:?}"),
                }
            }
        }
    }
}
