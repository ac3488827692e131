//! The binary encoding of accumulator states.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | field |
//! |---|---|
//! | 4 | magic `b"TAST"` |
//! | 1 | kind tag: 1 alpha, 2 ICC, 3 correlation |
//! | 4 | format version (`u32`, [`STATE_VERSION`](super::STATE_VERSION)) |
//! | 4 | payload length in bytes (`u32`) |
//! | … | payload: the state's fields in declaration order (`u64` counts, `f64` as IEEE bits, `i128` sums in 16 bytes) |
//! | 8 | FNV-1a 64 checksum of everything before it |
//!
//! FNV-1a changes its value whenever any single byte changes (each step is a bijection of the
//! running hash), so a flipped byte is always detected; other corruptions pass the checksum with
//! probability 2⁻⁶⁴, and what passes is still validated as a state. Not a cryptographic hash:
//! it protects against accidents, not against an adversary forging a state.

use super::{STATE_VERSION, StateError, StateKind};

const MAGIC: [u8; 4] = *b"TAST";
const HEADER: usize = 4 + 1 + 4 + 4;
const CHECKSUM: usize = 8;

/// FNV-1a, 64 bits (Fowler, Noll & Vo; IETF draft-eastlake-fnv).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Builds the payload of one state.
pub(crate) struct Writer {
    buf: Vec<u8>,
    kind: StateKind,
}

impl Writer {
    pub(crate) fn new(kind: StateKind) -> Self {
        let mut buf = Vec::with_capacity(256);
        buf.extend_from_slice(&MAGIC);
        buf.push(kind.tag());
        buf.extend_from_slice(&STATE_VERSION.to_le_bytes());
        buf.extend_from_slice(&[0; 4]);
        Self { buf, kind }
    }

    pub(crate) fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub(crate) fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn f64(&mut self, v: f64) {
        self.buf.extend_from_slice(&v.to_bits().to_le_bytes());
    }

    pub(crate) fn f64s(&mut self, v: &[f64]) {
        for &x in v {
            self.f64(x);
        }
    }

    pub(crate) fn i128s(&mut self, v: &[i128]) {
        for x in v {
            self.buf.extend_from_slice(&x.to_le_bytes());
        }
    }

    /// An optional `f64`: a presence byte, then the value if present.
    pub(crate) fn opt_f64(&mut self, v: Option<f64>) {
        self.u8(u8::from(v.is_some()));
        if let Some(x) = v {
            self.f64(x);
        }
    }

    /// Length and checksum; the finished bytes.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        debug_assert_eq!(self.buf[4], self.kind.tag());
        let len = (self.buf.len() - HEADER) as u32;
        self.buf[9..13].copy_from_slice(&len.to_le_bytes());
        let sum = fnv1a(&self.buf);
        self.buf.extend_from_slice(&sum.to_le_bytes());
        self.buf
    }
}

/// Reads the payload of one state, after [`Reader::open`] checked the frame.
pub(crate) struct Reader<'a> {
    payload: &'a [u8],
    at: usize,
}

fn format(reason: impl Into<String>) -> StateError {
    StateError::Format {
        reason: reason.into(),
    }
}

impl<'a> Reader<'a> {
    /// Checks magic, checksum, kind, version and length; a reader over the payload.
    pub(crate) fn open(bytes: &'a [u8], expected: StateKind) -> Result<Self, StateError> {
        if bytes.len() < HEADER + CHECKSUM {
            return Err(format(format!(
                "truncated: {} bytes, a state has at least {}",
                bytes.len(),
                HEADER + CHECKSUM
            )));
        }
        if bytes[..4] != MAGIC {
            return Err(format("not an accumulator state (bad magic)"));
        }
        let (body, sum) = bytes.split_at(bytes.len() - CHECKSUM);
        let found = u64::from_le_bytes(sum.try_into().unwrap_or_default());
        let computed = fnv1a(body);
        let len = u32::from_le_bytes(body[9..13].try_into().unwrap_or_default()) as usize;
        if len != body.len() - HEADER {
            return Err(format(format!(
                "payload length {len} does not match the {} bytes present (truncated or extended)",
                body.len() - HEADER
            )));
        }
        if found != computed {
            return Err(StateError::Checksum { found, computed });
        }
        let kind = StateKind::from_tag(body[4])
            .ok_or_else(|| format(format!("unknown kind tag {}", body[4])))?;
        let version = u32::from_le_bytes(body[5..9].try_into().unwrap_or_default());
        super::check_header(version, kind, expected)?;
        Ok(Self {
            payload: &body[HEADER..],
            at: 0,
        })
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], StateError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.payload.len());
        let Some(end) = end else {
            return Err(format(format!(
                "truncated: {what} needs {n} bytes at payload offset {}, {} left",
                self.at,
                self.payload.len() - self.at
            )));
        };
        let out = &self.payload[self.at..end];
        self.at = end;
        Ok(out)
    }

    pub(crate) fn u8(&mut self, what: &str) -> Result<u8, StateError> {
        Ok(self.take(1, what)?[0])
    }

    pub(crate) fn u64(&mut self, what: &str) -> Result<u64, StateError> {
        let b = self.take(8, what)?;
        Ok(u64::from_le_bytes(b.try_into().unwrap_or_default()))
    }

    /// A count that must fit in `usize`.
    pub(crate) fn usize(&mut self, what: &str) -> Result<usize, StateError> {
        let v = self.u64(what)?;
        usize::try_from(v).map_err(|_| format(format!("{what} {v} does not fit in usize")))
    }

    pub(crate) fn f64(&mut self, what: &str) -> Result<f64, StateError> {
        Ok(f64::from_bits(self.u64(what)?))
    }

    /// `n` values, checking first that the payload holds them (no allocation from a forged
    /// length).
    pub(crate) fn f64s(&mut self, n: usize, what: &str) -> Result<Vec<f64>, StateError> {
        let b = self.take(
            n.checked_mul(8).ok_or_else(|| format("size overflow"))?,
            what,
        )?;
        Ok(b.chunks_exact(8)
            .map(|c| f64::from_bits(u64::from_le_bytes(c.try_into().unwrap_or_default())))
            .collect())
    }

    pub(crate) fn i128s(&mut self, n: usize, what: &str) -> Result<Vec<i128>, StateError> {
        let b = self.take(
            n.checked_mul(16).ok_or_else(|| format("size overflow"))?,
            what,
        )?;
        Ok(b.chunks_exact(16)
            .map(|c| i128::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect())
    }

    /// `n` signed 32-bit integers, each written as the 8 bytes of an `i64`.
    pub(crate) fn i32s(&mut self, n: usize, what: &str) -> Result<Vec<i32>, StateError> {
        let b = self.take(
            n.checked_mul(8).ok_or_else(|| format("size overflow"))?,
            what,
        )?;
        b.chunks_exact(8)
            .map(|c| {
                let v = i64::from_le_bytes(c.try_into().unwrap_or_default());
                i32::try_from(v).map_err(|_| format(format!("{what}: {v} does not fit in i32")))
            })
            .collect()
    }

    pub(crate) fn opt_f64(&mut self, what: &str) -> Result<Option<f64>, StateError> {
        match self.u8(what)? {
            0 => Ok(None),
            1 => Ok(Some(self.f64(what)?)),
            t => Err(format(format!(
                "{what}: presence byte {t} is neither 0 nor 1"
            ))),
        }
    }

    /// Refuses bytes left over after the last field.
    pub(crate) fn end(self) -> Result<(), StateError> {
        if self.at == self.payload.len() {
            Ok(())
        } else {
            Err(format(format!(
                "{} trailing bytes after the state",
                self.payload.len() - self.at
            )))
        }
    }
}
