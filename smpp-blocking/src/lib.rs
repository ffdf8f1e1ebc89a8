//! # smpp-blocking
//!
//! A thin std-thread adapter around [`smpp_proto`]'s sans-IO session, for programs
//! without an async runtime. It holds no protocol logic: everything (binding,
//! `enquire_link`, windows, timeouts, exactly one outcome per request) is the core's.
//!
//! ```text
//!  app threads ── request: nothing queued ahead? ── yes: send_request + write ──> socket
//!                   │ no: Msg::Command                        (write timeout)       ^
//!                   v                                                               │
//!  reader thread ─Msg::Bytes─> one mpsc channel ─> session thread ── write (timeout) ┘
//!   (blocking read on a        (recv_timeout(deadline - now))
//!    try_clone() of the socket; nothing queued ahead: handle_bytes itself, responses
//!    straight to their callers, Msg::Wake when the session thread has work left)
//!
//!  The Session, the request queue and the socket's write side sit in one Mutex<Link>
//!  shared by the three; the session thread holds it while it works, not while it waits.
//! ```
//!
//! * One **reader thread** per connection does blocking reads on a `try_clone()` of the
//!   socket. When no earlier read waits in the channel and the lock is free, it hands
//!   the bytes to the session itself and completes the responses' callers directly;
//!   anything else the input produced (an answer to write, a delivery or other event,
//!   an earlier deadline) wakes the session thread (`Msg::Wake`). Otherwise it sends the
//!   bytes (or EOF) into the channel. It stops reading while the session does not want
//!   bytes, so TCP pushes back.
//! * A **request** is sent from the caller's thread when no command is queued ahead
//!   of it, the lock is free and the session can send now: the caller applies it and
//!   writes the session's bytes with the socket's write timeout, waking the session
//!   thread only if something is left for it. Otherwise it goes through the channel
//!   and the session thread's queue, so requests keep their order.
//! * One **session thread** loops on `recv_timeout(deadline - now)`: a message is
//!   applied (`handle_bytes`, `handle_eof`, a command), a timeout is `handle_timeout`;
//!   then it drains the session (transmits written with a write timeout, events, next
//!   deadline). It also reconnects, so one thread serves the client's whole life.
//! * **TLS**: rustls's `ClientConnection` is owned by the session thread, and the reader
//!   thread carries ciphertext; see [`TlsConnect`] and the `tls` module source for why
//!   neither a shared `StreamOwned` nor a polling read timeout is used. With TLS both
//!   shortcuts above are off: everything goes through the session thread.
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
