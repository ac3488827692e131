//! The three accumulators' byte states. The first byte picks the accumulator (bits 0-1, `% 3`:
//! alpha, ICC, correlation) and the mode (bit 2): either the rest is a state for `from_bytes`
//! (bit 3 set: a bare payload, framed and checksummed here so that mutations reach the
//! state's checks), or it is a program of pushes and
//! merges run on a new accumulator. Every state reached reads back from its own `to_bytes` to
//! an equal accumulator (and the same bytes), a refused push or merge leaves the accumulator
//! unchanged, and `finish` gives finite numbers or a typed error.

use therapeutic_alliance::stats::{
    AlphaAccumulator, AlphaOptions, CorrelationAccumulator, CorrelationOptions, IccAccumulator,
    IccOptions, StatsError,
};

/// What the target needs of an accumulator.
trait Acc: Clone + PartialEq + std::fmt::Debug + Sized {
    const NAME: &'static str;
    fn make(width: usize) -> Self;
    fn width(&self) -> usize;
    fn from_bytes(bytes: &[u8]) -> Result<Self, therapeutic_alliance::stats::StateError>;
    fn to_bytes(&self) -> Vec<u8>;
    fn push(&mut self, row: &[f64]) -> Result<(), StatsError>;
    fn push_missing(&mut self, row: &[Option<f64>]) -> Result<(), StatsError>;
    fn merge(&mut self, other: &Self) -> Result<(), StatsError>;
    /// `finish` with each set of options, checked for finite numbers.
    fn check_finish(&self);
}

/// The methods every accumulator has under the same name: its own (inherent) ones.
macro_rules! state_methods {
    () => {
        fn from_bytes(bytes: &[u8]) -> Result<Self, therapeutic_alliance::stats::StateError> {
            Self::from_bytes(bytes)
        }
        fn to_bytes(&self) -> Vec<u8> {
            Self::to_bytes(self)
        }
        fn merge(&mut self, other: &Self) -> Result<(), StatsError> {
            Self::merge(self, other)
        }
    };
}

impl Acc for AlphaAccumulator {
    const NAME: &'static str = "alpha";
    fn make(width: usize) -> Self {
        Self::new(width).expect("small item counts are served")
    }
    fn width(&self) -> usize {
        self.n_items()
    }
    state_methods!();
    fn push(&mut self, row: &[f64]) -> Result<(), StatsError> {
        Self::push(self, row)
    }
    fn push_missing(&mut self, row: &[Option<f64>]) -> Result<(), StatsError> {
        // no missing cells in alpha's accumulator: a block of rows instead
        let rows: Vec<f64> = row.iter().map(|x| x.unwrap_or(1.0)).collect();
        self.push_rows(&[rows.clone(), rows].concat())
    }
    fn check_finish(&self) {
        match self.finish(&AlphaOptions::new()) {
            Ok(a) => super::assert_finite("alpha", &a),
            Err(e) => super::assert_finite("alpha error", &e),
        }
    }
}

impl Acc for IccAccumulator {
    const NAME: &'static str = "icc";
    fn make(width: usize) -> Self {
        Self::new(width).expect("small rater counts are served")
    }
    fn width(&self) -> usize {
        self.n_raters()
    }
    state_methods!();
    fn push(&mut self, row: &[f64]) -> Result<(), StatsError> {
        Self::push(self, row)
    }
    fn push_missing(&mut self, row: &[Option<f64>]) -> Result<(), StatsError> {
        self.push_with_missing(row).map(|_| ())
    }
    fn check_finish(&self) {
        for drop in [false, true] {
            let options = IccOptions::builder()
                .drop_incomplete(drop)
                .build()
                .expect("valid options");
            match self.finish(&options) {
                Ok(i) => super::assert_finite("icc", &i),
                Err(e) => super::assert_finite("icc error", &e),
            }
        }
    }
}

impl Acc for CorrelationAccumulator {
    const NAME: &'static str = "correlation";
    fn make(_: usize) -> Self {
        Self::new()
    }
    fn width(&self) -> usize {
        2
    }
    state_methods!();
    fn push(&mut self, row: &[f64]) -> Result<(), StatsError> {
        Self::push(self, row[0], row[1])
    }
    fn push_missing(&mut self, row: &[Option<f64>]) -> Result<(), StatsError> {
        self.push_pairwise(row[0], row[1])
    }
    fn check_finish(&self) {
        match self.finish(&CorrelationOptions::new()) {
            Ok(r) => super::assert_finite("correlation", &r),
            Err(e) => super::assert_finite("correlation error", &e),
        }
    }
}

/// `from_bytes(to_bytes(acc))` is `acc`, and writes the same bytes again.
fn check_round_trip<A: Acc>(acc: &A) {
    let bytes = acc.to_bytes();
    let back = A::from_bytes(&bytes)
        .unwrap_or_else(|e| panic!("{}: its own bytes are refused: {e}\n{acc:?}", A::NAME));
    assert_eq!(&back, acc, "{}: byte round trip", A::NAME);
    assert_eq!(
        back.to_bytes(),
        bytes,
        "{}: bytes differ after a round trip",
        A::NAME
    );
}

/// Runs `op` on `acc`; on error the accumulator must be unchanged.
fn step<A: Acc>(acc: &mut A, op: impl FnOnce(&mut A) -> Result<(), StatsError>) {
    let before = acc.clone();
    if let Err(e) = op(acc) {
        // a NonFinite error names the (non-finite) input value itself
        if !matches!(e, StatsError::NonFinite { .. }) {
            super::assert_finite("accumulator error", &e);
        }
        assert_eq!(
            *acc,
            before,
            "{}: a refused operation changed the state: {e}",
            A::NAME
        );
    }
    check_round_trip(acc);
}

/// Reads values from the program: 8 raw bytes (any `f64`, NaN and infinities included) or one
/// byte as a small integer (the exact path).
struct Program<'a>(&'a [u8]);

impl Program<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn raw(&mut self) -> Option<f64> {
        let (head, rest) = self.0.split_first_chunk::<8>()?;
        self.0 = rest;
        Some(f64::from_le_bytes(*head))
    }
    fn small(&mut self) -> Option<f64> {
        Some(f64::from(self.byte()?.cast_signed()))
    }
}

fn from_state<A: Acc>(bytes: &[u8]) {
    let Ok(mut acc) = A::from_bytes(bytes) else {
        return;
    };
    check_round_trip(&acc);
    acc.check_finish();
    let copy = acc.clone();
    step(&mut acc, |a| a.merge(&copy));
    acc.check_finish();
    let row = vec![1.0; acc.width()];
    step(&mut acc, |a| a.push(&row));
    acc.check_finish();
}

/// Most operations per program (a program is small; this only bounds the work).
const MAX_OPS: usize = 256;

fn program<A: Acc>(mut p: Program<'_>) {
    let Some(w) = p.byte() else { return };
    let mut acc = A::make(usize::from(w % 6) + 2);
    let mut other = A::make(acc.width());
    for _ in 0..MAX_OPS {
        let Some(op) = p.byte() else { break };
        let width = acc.width();
        match op % 6 {
            0 | 1 => {
                let mut row = Vec::with_capacity(width);
                for _ in 0..width {
                    let v = if op % 6 == 0 { p.raw() } else { p.small() };
                    let Some(v) = v else { break };
                    row.push(v);
                }
                if row.len() < width {
                    break;
                }
                let target = if op & 0x80 == 0 { &mut acc } else { &mut other };
                step(target, |a| a.push(&row));
            }
            2 => {
                let mut row = Vec::with_capacity(width);
                for _ in 0..width {
                    let Some(b) = p.byte() else { break };
                    row.push((b & 1 == 1).then_some(f64::from(b >> 1) - 64.0));
                }
                if row.len() < width {
                    break;
                }
                step(&mut acc, |a| a.push_missing(&row));
            }
            3 => {
                let copy = acc.clone();
                step(&mut acc, |a| a.merge(&copy));
            }
            4 => step(&mut acc, |a| a.merge(&other)),
            _ => {
                let copy = acc.clone();
                step(&mut other, |o| o.merge(&copy));
            }
        }
    }
    acc.check_finish();
    other.check_finish();
}

/// FNV-1a 64, the states' checksum (as `src/stats/state/codec.rs`).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A payload framed as state bytes of accumulator `tag` (magic, tag, version 1, length,
/// checksum), so that mutations of the payload get past the checksum to the state's checks.
fn frame(tag: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = b"TAST".to_vec();
    out.push(tag);
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(
        &u32::try_from(payload.len())
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    out.extend_from_slice(payload);
    let sum = fnv1a(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

pub fn run(data: &[u8]) {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let state = head & 4 == 0;
    let kind = (head & 3) % 3;
    // bit 3: the rest is a bare payload, framed here (else it is whole state bytes)
    let framed;
    let rest = if state && head & 8 != 0 {
        framed = frame(kind + 1, rest);
        &framed[..]
    } else {
        rest
    };
    match (kind, state) {
        (0, true) => from_state::<AlphaAccumulator>(rest),
        (1, true) => from_state::<IccAccumulator>(rest),
        (_, true) => from_state::<CorrelationAccumulator>(rest),
        (0, false) => program::<AlphaAccumulator>(Program(rest)),
        (1, false) => program::<IccAccumulator>(Program(rest)),
        (_, false) => program::<CorrelationAccumulator>(Program(rest)),
    }
}
