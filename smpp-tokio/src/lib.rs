//! # smpp-tokio
//!
//! A thin tokio adapter around [`smpp_proto`]'s sans-IO session: one task per connection
//! drives it (read while the session wants bytes, write the coalesced transmit, sleep
//! until the session's deadline, take commands from handles) and holds no protocol
//! logic.
//!
//! * [`ClientBuilder`] / [`Client`]: an ESME over TCP or TLS with automatic
//!   `enquire_link`, reconnect with back-off and jitter, `submit` resolving to exactly one
//!   outcome, `send_text` (encoding choice and splitting), and inbound messages and
//!   receipts acknowledged when the application takes them.
//! * [`Server`]: an SMSC that authenticates binds, limits binds per system_id, hands
//!   requests to a handler, and routes `deliver_sm` to bound receivers (kept while none
//!   is bound). Binds and requests are answered inside the connection's own driver
//!   turn: a [`ServerBuilder::sync_handler`] costs no task hop and no allocation per
//!   request; an async [`ServerBuilder::handler`] is polled once in place and only a
//!   handler that really waits is driven further by the driver.
//!
//! Requests are handed over when [`Client::request`] / [`Client::submit`] is called and
//! the returned [`ResponseFuture`] (a channel receiver, 40 octets) resolves to the one
//! outcome, so thousands of submits can be in flight from one task without copying
//! large future state on every `.await`. As in quinn, the handles share the
//! connection's state with its driver (behind a mutex): when nothing is queued ahead
//! and the window has room, the request is encoded into the session from the caller's
//! own task (and, on an idle link, written at once) instead of crossing to the driver
//! task through the command queue; otherwise it waits in that queue, in order.
//!
//! * [`PoolBuilder`] / [`Pool`]: several binds across several hosts at once (GatewayAPI
//!   and Vonage ask for two hosts, 8x8 allows 4 binds per system_id), submits spread by
//!   least in flight, one aggregate rate limit, each member reconnecting on its own.
//!
//! ## Defaults
//!
//! The providers' recommendations: window 10, enquire_link every 30 s, response timeout
//! 30 s, reconnect from 1 s backing off to 30 s with ±20 % jitter, connect timeout 10 s,
//! transceiver bind, manual acknowledgement of deliveries. A pool has no aggregate rate
//! limit unless [`PoolBuilder::rate_limit`] sets one (burst: a tenth of a second's
//! worth, at least 1).
//!
//! ## Observability
//!
//! * **tracing**: each client connection runs in an `smpp_client` span with `peer`,
//!   `system_id`, `bind` and `conn` fields; events: `connected`, `bound` (info), `bind
//!   refused` / `connect failed` / `late response` (warn), `closed` with its reason
//!   (info), read and write errors (debug). Passwords are never a field and the `Debug`
//!   of builders, binds and bind requests prints `<redacted>`.
//! * **counters**: [`Client::stats`] and [`Pool::stats`] return a [`SessionCounters`]
//!   (PDUs sent and received, requests in flight, timeouts, late responses,
//!   ESME_RTHROTTLED answers), kept across reconnects.
//! * **metrics**: the same figures go through the [`metrics`](https://docs.rs/metrics)
//!   facade (`smpp_pdus_sent_total`, `smpp_pdus_received_total`,
//!   `smpp_requests_in_flight`, `smpp_timeouts_total`, `smpp_late_responses_total`,
//!   `smpp_throttled_total`; labels `role`, `system_id`, `addr`). Install any recorder
//!   (e.g. a Prometheus exporter) to collect them; without one they cost nothing.

#![allow(
    clippy::result_large_err,
    reason = "a refused DeliverSm is handed back whole, not boxed"
)]

mod client;
mod driver;
mod error;
mod metrics;
mod mo;
mod pool;
mod response;
mod server;
mod tls;
mod tracking;

pub use client::{
    Ack, Client, ClientBuilder, ClientEvent, Delivery, Reconnect, SentText, TextOptions,
};
pub use error::{ClientError, ConnectError};
pub use metrics::SessionCounters;
pub use pool::{MemberStatus, Pool, PoolBuilder, PoolEvent};
pub use response::ResponseFuture;
pub use server::{
    Authenticator, BindRequest, Handler, MemoryStore, ReplyFuture, RequestContext, Server,
    ServerBuilder, Stats, Store, SyncHandler,
};
pub use tls::{TlsAccept, TlsConnect};
pub use tracking::ReceiptInfo;

/// The sans-IO core, re-exported.
pub use smpp_proto as proto;
