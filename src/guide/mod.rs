//! Guides: a [`tutorial`] that walks through the crate step by step, a [`cookbook`] of short
//! recipes, and the [`design`] decisions with their reasons. All are documentation only (no
//! items), in the style of the `csv` crate's guides and jiff's `DESIGN`.
//! Every step and recipe names a runnable program in `examples/`, and every such program runs in
//! the crate's CI on bundled data.
//!
//! Most steps use the bundled **synthetic** data set in `examples/data/synthetic/` (200 invented
//! clients; see its `README.md`), regenerated bit for bit by
//! `cargo run --release --example generate_data`.

pub mod cookbook;
#[doc = include_str!("../../DESIGN.md")]
pub mod design {}
pub mod json_contract;
pub mod tutorial;
