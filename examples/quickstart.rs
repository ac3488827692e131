//! The end-to-end walkthrough on the bundled data. It grows as the crate does.
//!
//! ```sh
//! cargo run --release --example quickstart
//! ```

mod common;

fn main() {
    common::run(|| {
        println!("therapeutic-alliance quickstart");
        Ok(())
    });
}
