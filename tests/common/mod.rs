//! Helpers shared by the integration tests (each test file includes them with `mod common;`):
//! the golden loader and its tolerance check (`golden`), the seeded data generator that the
//! benches share too (`seeded`), one-line domain values (`domain`), and running the example programs (`examples`).
#![allow(dead_code)]

pub mod domain;
pub mod examples;
pub mod golden;
pub mod seeded;
