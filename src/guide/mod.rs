//! Guides: a [`tutorial`] that walks through the crate step by step, and a [`cookbook`] of short
//! recipes. Both are documentation only (no items), in the style of the `csv` crate's guides.
//! Every step and recipe names a runnable program in `examples/`, and every such program runs in
//! the crate's CI on bundled data.
//!
//! Most steps use the bundled **synthetic** data set in `examples/data/synthetic/` (200 invented
//! clients; see its `README.md`), regenerated bit for bit by
//! `cargo run --release --example generate_data`.

pub mod cookbook;
pub mod json_contract;
pub mod tutorial;
