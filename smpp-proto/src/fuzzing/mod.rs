//! Fuzz target bodies (not public API). Each takes arbitrary bytes and must never panic except on
//! a broken invariant.

pub mod receipt;
