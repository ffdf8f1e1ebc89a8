//! # smpp-tokio
//!
//! A thin tokio adapter around [`smpp_proto`]'s sans-IO session: one task per connection
//! runs a `select!` loop (read while the session wants bytes, write the coalesced
//! transmit, sleep until the session's deadline, take commands from handles) and holds no
//! protocol logic.
//!
//! * [`ClientBuilder`] / [`Client`]: an ESME over TCP or TLS with automatic
//!   `enquire_link`, reconnect with back-off and jitter, `submit` resolving to exactly one
//!   outcome, `send_text` (encoding choice and splitting), and inbound messages and
//!   receipts acknowledged when the application takes them.
//! * [`Server`]: an SMSC that authenticates binds, limits binds per system_id, hands
//!   requests to a handler, and routes `deliver_sm` to bound receivers (kept while none
//!   is bound).
//!
//! Defaults are the providers' recommendations: window 10, enquire_link every 30 s,
//! response timeout 30 s, reconnect from 1 s to 30 s.

#![allow(
    clippy::result_large_err,
    reason = "a refused DeliverSm is handed back whole, not boxed"
)]

mod client;
mod driver;
mod error;
mod mo;
mod server;
mod tls;

pub use client::{
    Ack, Client, ClientBuilder, ClientEvent, Delivery, Reconnect, SentText, TextOptions,
};
pub use error::{ClientError, ConnectError};
pub use server::{
    Authenticator, BindRequest, Handler, MemoryStore, ReplyFuture, RequestContext, Server,
    ServerBuilder, Stats, Store,
};
pub use tls::{TlsAccept, TlsConnect};

/// The sans-IO core, re-exported.
pub use smpp_proto as proto;
