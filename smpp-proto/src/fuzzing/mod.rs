//! Fuzz target bodies (not public API).

pub mod text;
