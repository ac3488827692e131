//! Helpers shared by the integration tests (each test file includes them with `mod common;`):
//! the golden loader and its tolerance check (`golden`), the seeded data generator that the
//! benches share too (`seeded`), one-line domain values (`domain`), and the example programs
//! built and run as a user runs them (`tools`).
#![allow(dead_code)]

pub mod domain;
pub mod golden;
pub mod seeded;
pub mod tools;
