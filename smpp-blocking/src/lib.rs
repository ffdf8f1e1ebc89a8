//! # smpp-blocking
//!
//! A thin std-thread adapter around [`smpp_proto`]'s sans-IO session, for programs
//! without an async runtime. It holds no protocol logic: everything (binding,
//! `enquire_link`, windows, timeouts, exactly one outcome per request) is the core's.
//!
//! ```text
//!  app threads ──Msg::Command──┐
//!                              v
//!  reader thread ─Msg::Bytes─> one mpsc channel ─> session thread ── write (timeout) ─> socket
//!   (blocking read on a        (recv_timeout(deadline - now))   owns Session (+ rustls conn)
//!    try_clone() of the socket)
//! ```
//!
//! * One **reader thread** per connection does blocking reads on a `try_clone()` of the
//!   socket and sends the bytes (or EOF) into the channel. It stops reading while the
//!   session does not want bytes, so TCP pushes back.
//! * One **session thread** loops on `recv_timeout(deadline - now)`: a message is
//!   applied (`handle_bytes`, `handle_eof`, a command), a timeout is `handle_timeout`;
//!   then it drains the session (transmits written with a write timeout, events, next
//!   deadline). It also reconnects, so one thread serves the client's whole life.
//! * **TLS**: rustls's `ClientConnection` is owned by the session thread, and the reader
//!   thread carries ciphertext; see [`TlsConnect`] and the `tls` module source for why
//!   neither a shared `StreamOwned` nor a polling read timeout is used.
//!
//! [`ClientBuilder`] / [`Client`] mirror `smpp_tokio`'s (same options, same events, same
//! semantics), with every blocking call bounded by a timeout.

mod client;
mod conn;
mod error;
mod mo;
mod tls;

pub use client::{
    Ack, Client, ClientBuilder, ClientEvent, Delivery, Reconnect, SentText, TextOptions,
};
pub use error::{ClientError, ConnectError};
pub use tls::TlsConnect;

/// The sans-IO core, re-exported.
pub use smpp_proto as proto;
