//! Fuzz target bodies (not public API; behind the `__fuzzing` feature).
//!
//! Each function takes arbitrary bytes and panics only on a real bug. `fuzz/` calls them
//! from cargo-fuzz targets; `tests/fuzz_corpus.rs` replays `fuzz/corpus/*` through them on
//! stable `cargo test`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

pub mod codec;
pub mod receipt;
pub mod session;
pub mod text;
