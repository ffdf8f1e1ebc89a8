//! Fuzz target bodies (not public API). Each takes arbitrary bytes and panics only when
//! an invariant breaks; `fuzz/` wraps them and the corpus replay test runs their seeds.

pub mod session;
