//! # smpp-proto
//!
//! A sans-IO SMPP v3.4 core: bytes and time in, bytes, events and deadlines out.
//!
//! # The session layer in one loop
//!
//! [`session::Session`] is the protocol state machine for both roles. Four kinds of
//! method: getters, `handle_*` (things that happened), commands (what the application
//! wants) and `poll_*` (what the caller must do). **The drain invariant:** after any
//! `handle_*` or command call, call every `poll_*` until it returns nothing, in the order
//! transmit, events, timeout. The canonical loop of an adapter, with the socket and the
//! application abstracted as closures:
//!
//! ```
//! use std::time::Instant;
//! use smpp_proto::session::{Event, Session, SessionConfig};
//!
//! /// One turn of the loop. `input` is the one thing that happened (step 1).
//! enum Input<'a> { Bytes(&'a [u8]), Eof, Timer, Command(Box<dyn FnOnce(&mut Session, Instant)>) }
//!
//! fn turn(s: &mut Session, now: Instant, input: Input<'_>,
//!         write: &mut dyn FnMut(&[u8]), deliver: &mut dyn FnMut(Event)) -> Option<Instant> {
//!     // 2. apply exactly one thing
//!     match input {
//!         Input::Bytes(b) => s.handle_bytes(now, b), // only read while s.wants_read()
//!         Input::Eof => s.handle_eof(now),
//!         Input::Timer => s.handle_timeout(now),
//!         Input::Command(f) => f(s, now),
//!     }
//!     // 3. drain: transmit, then events, then the deadline
//!     while let Some(bytes) = s.poll_transmit() { write(&bytes); }
//!     while let Some(ev) = s.poll_event() { deliver(ev); } // Response -> complete its oneshot
//!     s.poll_timeout() // 4. sleep until this, a readable socket or a command
//! }
//!
//! let now = Instant::now(); // the adapter's clock; the core never reads one
//! let mut s = Session::new(SessionConfig::smsc(), now);
//! let (mut out, mut events) = (Vec::new(), Vec::new());
//! let deadline = turn(&mut s, now, Input::Bytes(&[0, 0, 0, 16, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 1]),
//!                     &mut |b| out.extend_from_slice(b), &mut |e| events.push(e));
//! assert_eq!(out.len(), 16); // enquire_link answered by the core
//! assert!(deadline.is_some()); // the SMSC's "no bind yet" timer
//! let _ = turn(&mut s, now, Input::Eof, &mut |_| {}, &mut |e| events.push(e));
//! assert!(matches!(events.last(), Some(Event::Closed { .. }))); // 5. stop after Closed
//! ```
//!
//! The [`session`] module documents the guarantees (exactly one outcome per request, a
//! timeout means "unknown"), the permission table, and every timer with its default.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]
#![forbid(unsafe_code)]

pub mod guide;
pub mod inbound;
pub mod pdu;
pub mod segment;
pub mod session;
pub mod text;

pub mod receipt;
#[cfg(feature = "testing")]
pub mod testing;
pub mod time;

#[cfg(feature = "__fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
