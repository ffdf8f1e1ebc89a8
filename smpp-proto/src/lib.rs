//! # smpp-proto
//!
//! A sans-IO SMPP v3.4 core: bytes and time in, bytes, events and deadlines out.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
#![forbid(unsafe_code)]

pub mod pdu;
pub mod receipt;
pub mod time;

#[cfg(feature = "__fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
