//! The sans-IO session: one state machine for both the ESME and the SMSC role.
//!
//! A [`Session`] owns no socket, no clock and no thread. Bytes and time go in, bytes,
//! events and a deadline come out:
//!
//! ```text
//!                       commands: bind, send_request, respond, accept_bind,
//!                                 reject_bind, unbind, close
//!                                          |
//!                                          v
//!  handle_bytes(now, &[u8]) --> +-------------------+ --> poll_transmit() -> Bytes
//!  handle_eof(now)          --> |      Session      | --> poll_event()    -> Event
//!  handle_timeout(now)      --> +-------------------+ --> poll_timeout()  -> Instant
//! ```
//!
//! # Four kinds of method
//!
//! * getters (`&self`): [`state`](Session::state), [`role`](Session::role),
//!   [`in_flight`](Session::in_flight), [`can_send`](Session::can_send),
//!   [`wants_read`](Session::wants_read), [`stats`](Session::stats);
//! * `handle_*`, things that happened: [`handle_bytes`](Session::handle_bytes),
//!   [`handle_eof`](Session::handle_eof), [`handle_timeout`](Session::handle_timeout);
//! * commands, what the application wants: [`bind`](Session::bind),
//!   [`send_request`](Session::send_request), [`respond`](Session::respond),
//!   [`accept_bind`](Session::accept_bind), [`reject_bind`](Session::reject_bind),
//!   [`unbind`](Session::unbind), [`close`](Session::close);
//! * `poll_*`, what the caller must do: [`poll_transmit`](Session::poll_transmit),
//!   [`poll_event`](Session::poll_event), [`poll_timeout`](Session::poll_timeout).
//!
//! # The drain invariant
//!
//! > After any `handle_*` or command call, call every `poll_*` until it returns nothing,
//! > in this order: transmit, events, timeout.
//!
//! The deadline can depend on what was just queued, so read it last. The loop, with the
//! socket replaced by two in-memory queues:
//!
//! ```
//! use std::time::{Duration, Instant};
//! use smpp_proto::pdu::{Bind, Body, SubmitSm};
//! use smpp_proto::session::{BindKind, Event, Session, SessionConfig};
//!
//! let start = Instant::now(); // the adapter's clock, not the core's
//! let mut esme = Session::new(SessionConfig::esme(), start);
//! let mut smsc = Session::new(SessionConfig::smsc(), start);
//! let mut now = start;
//! esme.bind(now, BindKind::Transceiver, Bind::new("user", "secret")).unwrap();
//! let mut submitted = None;
//! let mut message_id = None;
//! for _ in 0..20 {
//!     // 1. wait for one thing (here: whatever the other side wrote, or the deadline)
//!     // 2. apply it; 3. drain: transmit, then events, then the timeout
//!     while let Some(bytes) = esme.poll_transmit() {
//!         smsc.handle_bytes(now, &bytes);
//!     }
//!     while let Some(bytes) = smsc.poll_transmit() {
//!         esme.handle_bytes(now, &bytes);
//!     }
//!     while let Some(ev) = smsc.poll_event() {
//!         match ev {
//!             Event::BindRequested { token, .. } => smsc.accept_bind(now, token, "SMSC").unwrap(),
//!             Event::Request { token, .. } => {
//!                 let resp = Body::SubmitSmResp(smpp_proto::pdu::MessageIdResp::new("id-1"));
//!                 smsc.respond(now, token, smpp_proto::session::Reply::ok(resp)).unwrap();
//!             }
//!             _ => {}
//!         }
//!     }
//!     while let Some(ev) = esme.poll_event() {
//!         match ev {
//!             Event::Bound { .. } => {
//!                 let sm = SubmitSm::new("Shop", "4512345678", &b"Hi"[..]);
//!                 submitted = Some(esme.send_request(now, Body::SubmitSm(sm)).unwrap());
//!             }
//!             Event::Response { sequence, outcome } if Some(sequence) == submitted => {
//!                 message_id = outcome.message_id().map(<[u8]>::to_vec);
//!             }
//!             _ => {}
//!         }
//!     }
//!     // 4. sleep until the deadline (a real loop waits for the socket too)
//!     if let Some(at) = esme.poll_timeout() {
//!         if message_id.is_some() { break; }
//!         now = now.max(at.min(now + Duration::from_millis(10)));
//!         esme.handle_timeout(now);
//!     }
//! }
//! assert_eq!(message_id.as_deref(), Some(&b"id-1"[..]));
//! ```
//!
//! Stop after [`Event::Closed`], once the pending transmit is flushed.
//!
//! # Guarantees
//!
//! * **Exactly one outcome per request.** Every sequence number returned by
//!   [`bind`](Session::bind), [`send_request`](Session::send_request) or
//!   [`unbind`](Session::unbind) produces exactly one [`Event::Response`]: the peer's
//!   answer, a `generic_nack`, [`Outcome::TimedOut`], [`Outcome::Unbound`] or
//!   [`Outcome::ConnectionLost`]. An adapter can keep a map from sequence number to a
//!   oneshot channel and nothing ever hangs.
//! * **A timeout means "unknown", not "failed".** The peer may have acted on a request
//!   that timed out. If its answer arrives later it is reported as
//!   [`Event::LateResponse`] (with the message id), and the number is not reused while
//!   it is remembered ([`SessionConfig::late_response_memory`]).
//! * **Sequence numbers** run 1..=0x7FFF_FFFF and wrap to 1, skipping any number still
//!   in flight or recently timed out.
//! * **[`Event::Closed`] is always the last event**, and closing is sticky: afterwards
//!   `handle_*` calls are ignored and commands return [`SendError::Closed`], but PDUs
//!   already queued (a final `generic_nack` or `unbind_resp`) still come out of
//!   [`poll_transmit`](Session::poll_transmit).
//! * **Bounded memory.** Requests in flight ≤ [`SessionConfig::window`]; unanswered
//!   inbound requests pause reading at [`SessionConfig::max_inbound_unanswered`]; the
//!   outbound buffer is capped by [`SessionConfig::max_outbound_buffer`]; an oversize
//!   `command_length` is refused before any allocation.
//! * **Time only moves forward.** Every `now` is clamped to the latest seen, so a stale
//!   `Instant` is harmless; calling [`handle_timeout`](Session::handle_timeout) early or
//!   twice does nothing.
//!
//! # What the session answers by itself
//!
//! * `enquire_link` → `enquire_link_resp`, in any state;
//! * `unbind` → `unbind_resp`, then every request in flight resolves as
//!   [`Outcome::Unbound`], then [`Event::UnbindRequested`] and [`Event::Closed`];
//! * a request the permission table refuses → its own response with ESME_RINVBNDSTS
//!   (ESME_RALYBND for a second bind);
//! * an unknown command id → `generic_nack` ESME_RINVCMDID;
//! * a malformed body → the request's own response or `generic_nack` with the status
//!   from [`DecodeError::command_status`](crate::pdu::DecodeError::command_status);
//! * a `command_length` that cannot be framed → `generic_nack` ESME_RINVCMDLEN, then
//!   [`CloseReason::Framing`];
//! * a request the application leaves unanswered for
//!   [`SessionConfig::inbound_response_timeout`] → its response with
//!   [`SessionConfig::auto_response_status`].
//!
//! Responses are never answered.
//!
//! # The permission table
//!
//! One table (SMPP 3.4 Table 2-1, with the 5.0 refinements) decides who may send what
//! in which state. It checks our own sends (a synchronous [`SendError`]) and the peer's
//! PDUs (an automatic error response). E = the ESME may send it, S = the SMSC may:
//!
//! | PDU | Open | Outbound | Binding | TX | RX | TRX | Unbinding |
//! |---|---|---|---|---|---|---|---|
//! | bind_transmitter, bind_receiver, bind_transceiver | E | E | - | - | - | - | - |
//! | bind_*_resp | - | - | S | - | - | - | - |
//! | outbind | S | - | - | - | - | - | - |
//! | unbind | - | - | - | ES | ES | ES | ES |
//! | unbind_resp | - | - | - | - | - | - | ES |
//! | submit_sm, submit_multi, query_sm, cancel_sm | - | - | - | E | - | E | - |
//! | their responses | - | - | - | S | - | S | S |
//! | replace_sm | - | - | - | E | - | E | - |
//! | replace_sm_resp | - | - | - | S | - | S | S |
//! | deliver_sm | - | - | - | - | S | S | - |
//! | deliver_sm_resp | - | - | - | - | E | E | E |
//! | data_sm | - | - | - | E | S | ES | - |
//! | data_sm_resp | - | - | - | S | E | ES | ES |
//! | alert_notification | - | - | - | - | S | S | - |
//! | enquire_link | ES | ES | ES | ES | ES | ES | ES |
//! | enquire_link_resp | ES | ES | ES | ES | ES | ES | ES |
//! | generic_nack | ES | ES | ES | ES | ES | ES | ES |
//! | anything else | - | - | - | - | - | - | - |
//!
//! # Timers and their defaults
//!
//! All timers are data: a fixed table of named deadlines plus a queue of in-flight
//! deadlines (the response timeout is one constant, so the queue is in deadline order).
//! [`Session::poll_timeout`] is the earliest of them; [`Session::next_timer`] says which.
//!
//! | timer | default | why |
//! |---|---|---|
//! | bind response | 30 s | authentication back ends are slow after deploys |
//! | no bind (session_init) | 60 s | SMSC: sheds connections that never bind |
//! | response | 30 s | busy SMSCs take seconds; 1-2 s timeouts turn slow successes into duplicates |
//! | enquire_link after idle | 30 s | what GatewayAPI and Wavix expect |
//! | enquire_link response | 10 s | no back-end work: a silent peer is a dead link |
//! | inactivity | off | the keep-alive already finds dead links |
//! | unbind response | 10 s | |
//! | automatic answer | 25 s | answered before the peer's usual 30 s timeout |
//! | ESME_RTHROTTLED back-off | 1 s | |
//! | window | 10 | SMPP 3.4's advice, Wavix's recommendation; 1 caps throughput at one round trip |
//!
//! A graceful [`unbind`](Session::unbind) waits for requests in flight; that wait is
//! bounded by their own response timeouts, after which `unbind` goes out and
//! [`SessionConfig::unbind_timeout`] bounds the wait for its response.

mod config;
mod error;
mod event;
mod inflight;
mod outbound;
mod state;
mod timers;
mod token;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use bytes::Bytes;

use crate::pdu::{
    Bind, BindResp, Body, COctetString, CommandId, CommandStatus, DecodeError, FrameDecoder,
    FrameError, Pdu, ReplyKind, SequenceNumber, Tlv, TlvTag, Tlvs, interface_version,
};

pub use config::{RateLimit, SessionConfig};
pub use error::SendError;
pub use event::{CloseReason, Event, Outcome};
pub use state::{BindKind, Role, State, permission_table_markdown};
pub use timers::TimerKind;
pub use token::ReplyToken;

use inflight::{InFlight, Inbound, TimedOut};
use outbound::Outbound;
use state::{Denied, check, needed_kind};
use timers::{Pacer, TimerTable};

/// Counters, for monitoring and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionStats {
    /// PDUs queued for sending.
    pub pdus_sent: u64,
    /// PDUs received (whole frames).
    pub pdus_received: u64,
    /// Octets handed out by `poll_transmit`.
    pub bytes_sent: u64,
    /// Octets passed to `handle_bytes`.
    pub bytes_received: u64,
    /// Octets received but not yet a whole frame.
    pub bytes_buffered: u64,
    /// Requests of ours that timed out.
    pub timeouts: u64,
    /// Responses that arrived after their request timed out.
    pub late_responses: u64,
    /// Responses matching no request.
    pub unknown_responses: u64,
    /// Peer requests refused by the permission table.
    pub refused_requests: u64,
    /// Peer requests with an unknown command id.
    pub unknown_commands: u64,
    /// PDUs that did not decode.
    pub decode_errors: u64,
    /// Peer requests answered automatically because the application did not.
    pub auto_responses: u64,
    /// ESME_RTHROTTLED answers received.
    pub throttled: u64,
}

/// The answer to a request from the peer, for [`Session::respond`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The status (0 for success).
    pub status: CommandStatus,
    /// The response body; `None` means the empty response for the request.
    pub body: Option<Body>,
}

impl Reply {
    /// A successful answer with this body.
    #[must_use]
    pub const fn ok(body: Body) -> Self {
        Self {
            status: CommandStatus::Ok,
            body: Some(body),
        }
    }

    /// An error answer (header only).
    #[must_use]
    pub const fn error(status: CommandStatus) -> Self {
        Self { status, body: None }
    }
}

static GENERATION: AtomicU64 = AtomicU64::new(1);

/// One SMPP connection's protocol state, for either role. See the [module docs](self).
#[derive(Debug)]
pub struct Session {
    cfg: SessionConfig,
    generation: u64,
    state: State,
    last_now: Instant,
    next_seq: SequenceNumber,
    wrapped: bool,
    framer: FrameDecoder,
    out: Outbound,
    events: VecDeque<Event>,
    timers: TimerTable,
    inflight: InFlight,
    timed_out: TimedOut,
    inbound: Inbound,
    pacer: Option<Pacer>,
    bind_req: Option<(SequenceNumber, BindKind)>,
    keepalive: Option<SequenceNumber>,
    unbind_req: Option<(SequenceNumber, bool)>,
    peer_bind: Option<(Bytes, u8)>,
    peer_v33: bool,
    stats: SessionStats,
}

fn is_paced(id: CommandId) -> bool {
    matches!(
        id,
        CommandId::SubmitSm
            | CommandId::SubmitMulti
            | CommandId::DataSm
            | CommandId::DeliverSm
            | CommandId::ReplaceSm
    )
}

fn body_tlvs(body: &Body) -> Option<&Tlvs> {
    Some(match body {
        Body::BindReceiver(b) | Body::BindTransmitter(b) | Body::BindTransceiver(b) => &b.tlvs,
        Body::BindReceiverResp(b) | Body::BindTransmitterResp(b) | Body::BindTransceiverResp(b) => {
            &b.tlvs
        }
        Body::Outbind(o) => &o.tlvs,
        Body::SubmitSm(m) | Body::DeliverSm(m) => &m.tlvs,
        Body::SubmitSmResp(m) | Body::DeliverSmResp(m) | Body::DataSmResp(m) => &m.tlvs,
        Body::SubmitMulti(m) => &m.tlvs,
        Body::SubmitMultiResp(m) => &m.tlvs,
        Body::DataSm(m) => &m.tlvs,
        Body::QuerySm(m) => &m.tlvs,
        Body::QuerySmResp(m) => &m.tlvs,
        Body::CancelSm(m) => &m.tlvs,
        Body::ReplaceSm(m) => &m.tlvs,
        Body::AlertNotification(m) => &m.tlvs,
        _ => return None,
    })
}

fn bind_resp_body(kind: BindKind, resp: BindResp) -> Body {
    match kind {
        BindKind::Transmitter => Body::BindTransmitterResp(resp),
        BindKind::Receiver => Body::BindReceiverResp(resp),
        BindKind::Transceiver => Body::BindTransceiverResp(resp),
    }
}

impl Session {
    /// A new session on a freshly connected transport, in [`State::Open`].
    ///
    /// An SMSC starts its "no bind yet" timer ([`SessionConfig::session_init_timeout`]).
    #[must_use]
    pub fn new(config: SessionConfig, now: Instant) -> Self {
        let mut timers = TimerTable::default();
        if config.role == Role::Smsc {
            timers.set(TimerKind::SessionInit, now + config.session_init_timeout);
        }
        Self {
            generation: GENERATION.fetch_add(1, Ordering::Relaxed),
            state: State::Open,
            last_now: now,
            next_seq: if SequenceNumber(config.first_sequence).is_valid() {
                SequenceNumber(config.first_sequence)
            } else {
                SequenceNumber(1)
            },
            wrapped: false,
            framer: FrameDecoder::new(config.frame_limits),
            out: Outbound::default(),
            events: VecDeque::with_capacity(16),
            timers,
            inflight: InFlight::with_capacity(config.window.min(1024)),
            timed_out: TimedOut::default(),
            inbound: Inbound::with_capacity(config.max_inbound_unanswered.min(1024)),
            pacer: config.rate_limit.map(Pacer::new),
            bind_req: None,
            keepalive: None,
            unbind_req: None,
            peer_bind: None,
            peer_v33: false,
            stats: SessionStats::default(),
            cfg: config,
        }
    }

    // ---- getters ------------------------------------------------------------------

    /// The current state.
    #[must_use]
    #[inline]
    pub const fn state(&self) -> State {
        self.state
    }

    /// Our role.
    #[must_use]
    pub const fn role(&self) -> Role {
        self.cfg.role
    }

    /// The configuration in force.
    #[must_use]
    pub const fn config(&self) -> &SessionConfig {
        &self.cfg
    }

    /// Requests sent with [`send_request`](Self::send_request) still awaiting their
    /// outcome (never more than [`SessionConfig::window`]). The bind, unbind and
    /// automatic `enquire_link` are not counted.
    #[must_use]
    #[inline]
    pub const fn in_flight(&self) -> usize {
        self.inflight.len()
    }

    /// Whether a message-carrying request (`submit_sm` for an ESME, `deliver_sm` for an
    /// SMSC) would be accepted now: bound for it, window not full, no throttle back-off,
    /// rate limit satisfied, outbound buffer not full. May change after any call.
    #[must_use]
    #[inline]
    pub fn can_send(&self) -> bool {
        let id = match self.cfg.role {
            Role::Esme => CommandId::SubmitSm,
            Role::Smsc => CommandId::DeliverSm,
        };
        check(self.cfg.role, id, self.state).is_ok()
            && self.inflight.len() < self.cfg.window
            && self.throttled_until().is_none()
            && self.pacer.is_none_or(|p| p.allows(self.last_now))
            && self.out.len() < self.cfg.max_outbound_buffer
    }

    /// Whether the adapter should read from the transport. False once closed, while
    /// [`SessionConfig::max_inbound_unanswered`] requests await the application, or while
    /// the outbound buffer is full; TCP flow control then pushes back on the peer.
    #[must_use]
    #[inline]
    pub fn wants_read(&self) -> bool {
        self.state != State::Closed
            && self.inbound.len() < self.cfg.max_inbound_unanswered
            && self.out.len() < self.cfg.max_outbound_buffer
    }

    /// The peer's requests handed out as [`Event::Request`] / [`Event::BindRequested`]
    /// and not answered yet (each holds a [`ReplyToken`]). An adapter that receives
    /// answers from the application through a channel need not poll it while this is 0.
    #[must_use]
    #[inline]
    pub fn awaiting_answers(&self) -> usize {
        self.inbound.len()
    }

    /// Counters.
    #[must_use]
    pub const fn stats(&self) -> &SessionStats {
        &self.stats
    }

    fn throttled_until(&self) -> Option<Instant> {
        self.timers
            .get(TimerKind::ThrottleBackoff)
            .filter(|t| *t > self.last_now)
    }

    // ---- things that happened ------------------------------------------------------

    fn tick(&mut self, now: Instant) -> Instant {
        if now > self.last_now {
            self.last_now = now;
        }
        self.last_now
    }

    /// Bytes arrived from the peer (any amount, split anywhere; an empty slice does
    /// nothing). Ignored after [`Event::Closed`]. Drain the `poll_*` methods afterwards.
    pub fn handle_bytes(&mut self, now: Instant, data: &[u8]) {
        let now = self.tick(now);
        if self.state == State::Closed {
            return;
        }
        self.stats.bytes_received += data.len() as u64;
        self.framer.push(data);
        while self.state != State::Closed {
            match self.framer.next_frame() {
                Ok(Some(frame)) => self.on_frame(now, frame),
                Ok(None) => break,
                Err(e) => {
                    self.on_frame_error(e);
                    break;
                }
            }
        }
        self.stats.bytes_buffered = self.framer.buffered() as u64;
        self.maybe_send_unbind(now);
    }

    /// The transport ended (the peer closed, or reading or writing failed). Everything in
    /// flight resolves as [`Outcome::ConnectionLost`], then [`Event::Closed`] with
    /// [`CloseReason::PeerClosed`]. Ignored after `Closed`.
    pub fn handle_eof(&mut self, now: Instant) {
        self.tick(now);
        self.close_with(CloseReason::PeerClosed, &Outcome::ConnectionLost);
    }

    /// Time has reached `now`: fire every due timer. Calling it early or twice is
    /// harmless. Ignored after `Closed`.
    pub fn handle_timeout(&mut self, now: Instant) {
        let now = self.tick(now);
        if self.state == State::Closed {
            return;
        }
        self.timed_out.forget_expired(now);
        while let Some(p) = self.inflight.pop_expired(now) {
            self.stats.timeouts += 1;
            self.remember_timed_out(now, p.seq, p.id);
            self.events.push_back(Event::Response {
                sequence: p.seq,
                outcome: Outcome::TimedOut,
            });
        }
        while let Some(u) = self.inbound.pop_expired(now) {
            self.stats.auto_responses += 1;
            let status = self.cfg.auto_response_status;
            if BindKind::from_command_id(u.id).is_some() {
                self.state = State::Open;
                self.peer_bind = None;
            }
            self.queue_error_response(u.seq, u.id, status);
        }
        if self.timers.take_expired(TimerKind::Bind, now) {
            if let Some((seq, _)) = self.bind_req.take() {
                self.stats.timeouts += 1;
                self.remember_timed_out(now, seq, CommandId::BindTransceiver);
                self.events.push_back(Event::Response {
                    sequence: seq,
                    outcome: Outcome::TimedOut,
                });
            }
            self.close_with(CloseReason::BindTimeout, &Outcome::ConnectionLost);
            return;
        }
        if self.timers.take_expired(TimerKind::SessionInit, now)
            && !matches!(self.state, State::Bound(_) | State::Unbinding)
        {
            self.close_with(CloseReason::SessionInitTimeout, &Outcome::ConnectionLost);
            return;
        }
        if self
            .timers
            .take_expired(TimerKind::EnquireLinkResponse, now)
        {
            self.close_with(CloseReason::EnquireLinkTimeout, &Outcome::ConnectionLost);
            return;
        }
        if self.timers.take_expired(TimerKind::Unbind, now) {
            if let Some((seq, _)) = self.unbind_req.take() {
                self.stats.timeouts += 1;
                self.events.push_back(Event::Response {
                    sequence: seq,
                    outcome: Outcome::TimedOut,
                });
            }
            self.close_with(CloseReason::UnbindTimeout, &Outcome::ConnectionLost);
            return;
        }
        if self.timers.take_expired(TimerKind::Inactivity, now) {
            self.close_with(CloseReason::InactivityTimeout, &Outcome::ConnectionLost);
            return;
        }
        if self.timers.take_expired(TimerKind::EnquireLink, now)
            && matches!(self.state, State::Bound(_))
            && self.keepalive.is_none()
        {
            let seq = self.alloc_seq();
            self.queue_auto(Pdu::new(seq, Body::EnquireLink));
            self.keepalive = Some(seq);
            self.timers.set(
                TimerKind::EnquireLinkResponse,
                now + self.cfg.enquire_link_timeout,
            );
        }
        let _ = self.timers.take_expired(TimerKind::ThrottleBackoff, now);
        self.maybe_send_unbind(now);
    }

    // ---- commands --------------------------------------------------------------------

    /// ESME: sends `bind_transmitter`, `bind_receiver` or `bind_transceiver` (from
    /// `Open`, or from `Outbound` after an [`Event::Outbind`]). The state becomes
    /// `Binding`; the returned sequence number resolves in one [`Event::Response`],
    /// accompanied by [`Event::Bound`] or [`Event::BindRejected`]. `bind` is sent as given
    /// (its `interface_version` is 0x34 from [`Bind::new`]).
    ///
    /// # Errors
    /// [`SendError::Closed`], [`SendError::NotAllowedForRole`] (an SMSC),
    /// [`SendError::NotAllowedInState`] (not `Open`/`Outbound`), [`SendError::Encode`].
    pub fn bind(
        &mut self,
        now: Instant,
        kind: BindKind,
        bind: Bind,
    ) -> Result<SequenceNumber, SendError> {
        let now = self.tick(now);
        let id = kind.command_id();
        self.check_send(id)?;
        let body = match kind {
            BindKind::Transmitter => Body::BindTransmitter(bind),
            BindKind::Receiver => Body::BindReceiver(bind),
            BindKind::Transceiver => Body::BindTransceiver(bind),
        };
        let seq = self.alloc_seq();
        self.out.push(&Pdu::new(seq, body))?;
        self.stats.pdus_sent += 1;
        self.bind_req = Some((seq, kind));
        self.state = State::Binding(kind);
        self.timers
            .set(TimerKind::Bind, now + self.cfg.bind_timeout);
        Ok(seq)
    }

    /// Sends a request that expects a response (`submit_sm`, `deliver_sm`, `data_sm`,
    /// `query_sm`, `cancel_sm`, `replace_sm`, `submit_multi`, `enquire_link`). Its
    /// sequence number resolves in exactly one [`Event::Response`].
    ///
    /// # Errors
    /// Nothing is queued on error:
    /// [`SendError::Closed`]; [`SendError::WrongMethod`] for binds, `unbind`, responses,
    /// `outbind`, `alert_notification` and unknown ids; [`SendError::NotBound`],
    /// [`SendError::WrongBindKind`], [`SendError::NotAllowedForRole`],
    /// [`SendError::NotAllowedInState`] from the permission table;
    /// [`SendError::TlvsNotSupported`] towards a 3.3 peer; [`SendError::WindowFull`];
    /// [`SendError::Throttled`] and [`SendError::RateLimited`] for message-carrying
    /// requests; [`SendError::OutboundFull`]; [`SendError::Encode`].
    pub fn send_request(&mut self, now: Instant, body: Body) -> Result<SequenceNumber, SendError> {
        let now = self.tick(now);
        let id = body.command_id();
        if !id.expects_response()
            || matches!(id, CommandId::Unbind | CommandId::Unknown(_))
            || BindKind::from_command_id(id).is_some()
        {
            return Err(if self.state == State::Closed {
                SendError::Closed
            } else {
                SendError::WrongMethod(id)
            });
        }
        self.check_send(id)?;
        self.check_tlvs(&body)?;
        if self.inflight.len() >= self.cfg.window {
            return Err(SendError::WindowFull);
        }
        if is_paced(id) {
            if let Some(until) = self.throttled_until() {
                return Err(SendError::Throttled { until });
            }
            if let Some(p) = &self.pacer {
                if !p.allows(now) {
                    return Err(SendError::RateLimited {
                        retry_at: p.next_allowed().unwrap_or(now),
                    });
                }
            }
        }
        if self.out.len() >= self.cfg.max_outbound_buffer {
            return Err(SendError::OutboundFull);
        }
        let seq = self.alloc_seq();
        self.out.push_parts(seq, CommandStatus::Ok, &body)?;
        self.stats.pdus_sent += 1;
        self.inflight.push(seq, id, now + self.cfg.response_timeout);
        if is_paced(id) {
            if let Some(p) = &mut self.pacer {
                p.record(now);
            }
        }
        if !matches!(id, CommandId::EnquireLink) {
            self.touch_activity(now);
        }
        Ok(seq)
    }

    /// SMSC: sends a request without a response: `outbind` (in `Open`, on a connection
    /// the SMSC opened) or `alert_notification` (bound RX/TRX). No outcome follows.
    ///
    /// # Errors
    /// [`SendError::WrongMethod`] for any other body, the permission-table errors of
    /// [`send_request`](Self::send_request), [`SendError::OutboundFull`],
    /// [`SendError::Encode`], [`SendError::Closed`].
    pub fn send_unacknowledged(&mut self, now: Instant, body: Body) -> Result<(), SendError> {
        let now = self.tick(now);
        let id = body.command_id();
        if !matches!(id, CommandId::Outbind | CommandId::AlertNotification) {
            return Err(SendError::WrongMethod(id));
        }
        self.check_send(id)?;
        self.check_tlvs(&body)?;
        if self.out.len() >= self.cfg.max_outbound_buffer {
            return Err(SendError::OutboundFull);
        }
        let seq = self.alloc_seq();
        self.out.push(&Pdu::new(seq, body))?;
        self.stats.pdus_sent += 1;
        self.touch_activity(now);
        Ok(())
    }

    /// Answers a request from the peer ([`Event::Request`]). The token is consumed
    /// either way; if this fails, the request gets the automatic answer when
    /// [`SessionConfig::inbound_response_timeout`] passes.
    ///
    /// # Errors
    /// [`SendError::Closed`]; [`SendError::UnknownToken`] (another session's token, or
    /// already answered automatically); [`SendError::WrongMethod`] for bind tokens (use
    /// [`accept_bind`](Self::accept_bind)); [`SendError::WrongResponse`] when the body is
    /// not the request's response; [`SendError::NotAllowedInState`];
    /// [`SendError::TlvsNotSupported`]; [`SendError::Encode`].
    pub fn respond(&mut self, now: Instant, to: ReplyToken, reply: Reply) -> Result<(), SendError> {
        let now = self.tick(now);
        if self.state == State::Closed {
            return Err(SendError::Closed);
        }
        if to.generation != self.generation || !self.inbound.is_waiting(to.slot) {
            return Err(SendError::UnknownToken);
        }
        if BindKind::from_command_id(to.command_id).is_some() {
            return Err(SendError::WrongMethod(to.command_id));
        }
        let expected = to.command_id.response();
        let empty;
        let body = match &reply.body {
            Some(b) => b,
            None => {
                empty = Body::empty_response(to.command_id)
                    .ok_or(SendError::WrongResponse { expected })?;
                &empty
            }
        };
        let id = body.command_id();
        if expected.is_none_or(|e| e.value() != id.value()) {
            return Err(SendError::WrongResponse { expected });
        }
        if check(self.cfg.role, id, self.state).is_err() {
            return Err(SendError::NotAllowedInState(id));
        }
        self.check_tlvs(body)?;
        self.out.push_parts(to.sequence, reply.status, body)?;
        self.stats.pdus_sent += 1;
        self.inbound.answer(to.slot);
        if !matches!(id, CommandId::EnquireLinkResp) {
            self.touch_activity(now);
        }
        Ok(())
    }

    /// SMSC: accepts the bind from [`Event::BindRequested`], answering with our
    /// `system_id` (and `sc_interface_version`, unless the ESME bound as 3.3). The
    /// state becomes `Bound` and [`Event::Bound`] follows.
    ///
    /// # Errors
    /// [`SendError::Closed`], [`SendError::UnknownToken`], [`SendError::WrongMethod`]
    /// (not a bind token), [`SendError::Encode`] (a `system_id` over 15 characters).
    pub fn accept_bind(
        &mut self,
        now: Instant,
        to: ReplyToken,
        system_id: impl Into<COctetString>,
    ) -> Result<(), SendError> {
        let now = self.tick(now);
        let kind = self.check_bind_token(&to)?;
        let (peer_system_id, version) = self.peer_bind.take().unwrap_or_default();
        let mut tlvs = Tlvs::new();
        if version >= interface_version::V34 {
            tlvs.push(&Tlv::u8(
                TlvTag::ScInterfaceVersion,
                self.cfg.interface_version,
            ))?;
        }
        let body = bind_resp_body(
            kind,
            BindResp {
                system_id: system_id.into(),
                tlvs,
            },
        );
        if let Err(e) = self.out.push(&Pdu::new(to.sequence, body)) {
            self.peer_bind = Some((peer_system_id, version));
            return Err(e.into());
        }
        self.stats.pdus_sent += 1;
        self.inbound.answer(to.slot);
        self.peer_v33 = version < interface_version::V34;
        self.enter_bound(now, kind);
        self.events.push_back(Event::Bound {
            kind,
            peer_system_id,
            peer_interface_version: Some(version),
        });
        Ok(())
    }

    /// SMSC: refuses the bind from [`Event::BindRequested`] with `status` (ESME_ROK is
    /// replaced by ESME_RBINDFAIL). The state returns to `Open`; the "no bind" timer
    /// keeps running.
    ///
    /// # Errors
    /// [`SendError::Closed`], [`SendError::UnknownToken`], [`SendError::WrongMethod`].
    pub fn reject_bind(
        &mut self,
        now: Instant,
        to: ReplyToken,
        status: CommandStatus,
    ) -> Result<(), SendError> {
        self.tick(now);
        self.check_bind_token(&to)?;
        let status = if status.is_ok() {
            CommandStatus::BindFail
        } else {
            status
        };
        self.queue_error_response(to.sequence, to.command_id, status);
        self.inbound.answer(to.slot);
        self.peer_bind = None;
        self.state = State::Open;
        Ok(())
    }

    /// Starts a graceful unbind: no new requests are accepted, requests in flight finish
    /// (each bounded by its response timeout), then `unbind` is sent and its response
    /// awaited ([`SessionConfig::unbind_timeout`]); then [`Event::Closed`] with
    /// [`CloseReason::LocalUnbind`]. The returned sequence number is the `unbind`'s and
    /// resolves in one [`Event::Response`].
    ///
    /// # Errors
    /// [`SendError::Closed`], [`SendError::NotBound`] (not bound), or
    /// [`SendError::NotAllowedInState`] (already unbinding).
    pub fn unbind(&mut self, now: Instant) -> Result<SequenceNumber, SendError> {
        let now = self.tick(now);
        match self.state {
            State::Closed => return Err(SendError::Closed),
            State::Bound(_) => {}
            State::Unbinding => return Err(SendError::NotAllowedInState(CommandId::Unbind)),
            _ => return Err(SendError::NotBound),
        }
        let seq = self.alloc_seq();
        self.unbind_req = Some((seq, false));
        self.state = State::Unbinding;
        self.timers.stop(TimerKind::EnquireLink);
        self.timers.stop(TimerKind::Inactivity);
        self.maybe_send_unbind(now);
        Ok(seq)
    }

    /// Ends the session abruptly: everything in flight resolves as
    /// [`Outcome::ConnectionLost`], then [`Event::Closed`] with
    /// [`CloseReason::LocallyClosed`]. PDUs already queued still come out of
    /// [`poll_transmit`](Self::poll_transmit). Does nothing when already closed.
    pub fn close(&mut self, now: Instant) {
        self.tick(now);
        self.close_with(CloseReason::LocallyClosed, &Outcome::ConnectionLost);
    }

    // ---- outputs ---------------------------------------------------------------------

    /// The next bytes to write: every queued PDU, whole and coalesced (no copy). Call
    /// until `None` after every `handle_*` or command. Still returns the final PDUs
    /// after [`Event::Closed`].
    #[must_use]
    #[inline]
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        let b = self.out.take()?;
        self.stats.bytes_sent += b.len() as u64;
        Some(b)
    }

    /// The bytes waiting to be written, left in the session: the borrowing alternative
    /// to [`Session::poll_transmit`] for an adapter that writes straight from the
    /// session's buffer (no allocation, no reference counting per write). Write what
    /// the transport takes, then report it with [`Session::advance_transmit`]; PDUs
    /// queued meanwhile are appended behind the unwritten bytes. Empty when nothing is
    /// waiting.
    ///
    /// ```
    /// # use std::time::Instant;
    /// # use smpp_proto::session::{BindKind, Session, SessionConfig};
    /// # use smpp_proto::pdu::Bind;
    /// let now = Instant::now();
    /// let mut s = Session::new(SessionConfig::esme(), now);
    /// s.bind(now, BindKind::Transceiver, Bind::new("user", "secret")).unwrap();
    /// let len = s.pending_transmit().len();
    /// assert!(len > 16);
    /// // Suppose the socket took 10 octets, then the rest.
    /// s.advance_transmit(10);
    /// assert_eq!(s.pending_transmit().len(), len - 10);
    /// s.advance_transmit(len - 10);
    /// assert!(s.pending_transmit().is_empty());
    /// ```
    #[must_use]
    #[inline]
    pub fn pending_transmit(&self) -> &[u8] {
        self.out.pending()
    }

    /// Reports that the first `n` octets of [`Session::pending_transmit`] were written.
    #[inline]
    pub fn advance_transmit(&mut self, n: usize) {
        let n = n.min(self.out.len());
        self.out.advance(n);
        self.stats.bytes_sent += n as u64;
    }

    /// The next event. Call until `None` after every `handle_*` or command.
    /// [`Event::Closed`] is the last one ever returned.
    #[must_use]
    #[inline]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When to call [`handle_timeout`](Self::handle_timeout) next (`None`: no timer;
    /// always `None` once closed). Read it after draining transmits and events.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.next_timer().map(|(at, _)| at)
    }

    /// The earliest deadline and what it is for (for debugging and tests).
    #[must_use]
    pub fn next_timer(&self) -> Option<(Instant, TimerKind)> {
        if self.state == State::Closed {
            return None;
        }
        let mut best = self.timers.next();
        let mut consider = |c: Option<(Instant, TimerKind)>| {
            if let Some(c) = c {
                if best.is_none_or(|b| c.0 < b.0) {
                    best = Some(c);
                }
            }
        };
        consider(
            self.inflight
                .next_deadline()
                .map(|t| (t, TimerKind::Response)),
        );
        consider(
            self.inbound
                .next_deadline()
                .map(|t| (t, TimerKind::InboundResponse)),
        );
        if matches!(self.state, State::Bound(_)) {
            consider(
                self.pacer
                    .and_then(|p| p.next_allowed())
                    .filter(|t| *t > self.last_now)
                    .map(|t| (t, TimerKind::RateLimit)),
            );
        }
        best
    }

    // ---- internals -------------------------------------------------------------------

    fn check_send(&self, id: CommandId) -> Result<(), SendError> {
        match check(self.cfg.role, id, self.state) {
            Ok(()) => Ok(()),
            Err(_) if self.state == State::Closed => Err(SendError::Closed),
            Err(Denied::Role) => Err(SendError::NotAllowedForRole(id)),
            Err(Denied::Unknown) => Err(SendError::WrongMethod(id)),
            Err(Denied::State) => Err(match (self.state, needed_kind(id, self.cfg.role)) {
                (State::Bound(_), Some(needed)) => SendError::WrongBindKind {
                    command: id,
                    needed,
                },
                (State::Open | State::Outbound | State::Binding(_), Some(_)) => SendError::NotBound,
                _ => SendError::NotAllowedInState(id),
            }),
        }
    }

    fn check_tlvs(&self, body: &Body) -> Result<(), SendError> {
        if self.peer_v33 && body_tlvs(body).is_some_and(|t| !t.is_empty()) {
            Err(SendError::TlvsNotSupported)
        } else {
            Ok(())
        }
    }

    fn check_bind_token(&self, to: &ReplyToken) -> Result<BindKind, SendError> {
        if self.state == State::Closed {
            return Err(SendError::Closed);
        }
        let Some(kind) = BindKind::from_command_id(to.command_id) else {
            return Err(SendError::WrongMethod(to.command_id));
        };
        if to.generation != self.generation
            || !self.inbound.is_waiting(to.slot)
            || self.state != State::Binding(kind)
        {
            return Err(SendError::UnknownToken);
        }
        Ok(kind)
    }

    fn alloc_seq(&mut self) -> SequenceNumber {
        let mut seq = self.next_seq;
        if !self.wrapped && seq.0 < SequenceNumber::MAX {
            // Before the first wrap every number is fresh.
            self.next_seq = seq.next();
            return seq;
        }
        // Only after a wrap can a number still be in use; the loop is bounded by the
        // numbers in use plus one.
        let limit = self.inflight.len() + self.cfg.max_timed_out_remembered + 4;
        for _ in 0..limit {
            seq = self.next_seq;
            if seq.0 >= SequenceNumber::MAX {
                self.wrapped = true;
            }
            self.next_seq = seq.next();
            if !self.wrapped || !self.seq_busy(seq) {
                break;
            }
        }
        seq
    }

    fn seq_busy(&self, seq: SequenceNumber) -> bool {
        self.inflight.contains(seq)
            || self.timed_out.contains(seq)
            || self.bind_req.is_some_and(|(s, _)| s == seq)
            || self.keepalive == Some(seq)
            || self.unbind_req.is_some_and(|(s, _)| s == seq)
    }

    fn remember_timed_out(&mut self, now: Instant, seq: SequenceNumber, id: CommandId) {
        self.timed_out.push(
            seq,
            id,
            now + self.cfg.late_response_memory,
            self.cfg.max_timed_out_remembered,
        );
    }

    /// Queues an automatic PDU (never refused: the buffer limit applies to requests).
    fn queue_auto(&mut self, pdu: Pdu) {
        if self.out.push(&pdu).is_ok() {
            self.stats.pdus_sent += 1;
        }
    }

    fn queue_nack(&mut self, seq: SequenceNumber, status: CommandStatus) {
        self.queue_auto(Pdu {
            sequence: seq,
            status,
            body: Body::GenericNack,
        });
    }

    /// The request's own response with `status` and no body (a `generic_nack` for ids
    /// without one).
    fn queue_error_response(&mut self, seq: SequenceNumber, id: CommandId, status: CommandStatus) {
        match Body::empty_response(id) {
            Some(body) => self.queue_auto(Pdu {
                sequence: seq,
                status,
                body,
            }),
            None => self.queue_nack(seq, status),
        }
    }

    fn enter_bound(&mut self, now: Instant, kind: BindKind) {
        self.state = State::Bound(kind);
        self.timers.stop(TimerKind::SessionInit);
        self.touch_rx(now);
        self.touch_activity(now);
    }

    /// A PDU arrived: the link is alive, restart the idle timer.
    fn touch_rx(&mut self, now: Instant) {
        if let (State::Bound(_), Some(i)) = (self.state, self.cfg.enquire_link_interval) {
            self.timers.set(TimerKind::EnquireLink, now + i);
        }
    }

    fn touch_activity(&mut self, now: Instant) {
        if let (State::Bound(_), Some(i)) = (self.state, self.cfg.inactivity_timeout) {
            self.timers.set(TimerKind::Inactivity, now + i);
        }
    }

    fn maybe_send_unbind(&mut self, now: Instant) {
        if self.state == State::Unbinding && self.inflight.len() == 0 {
            if let Some((seq, false)) = self.unbind_req {
                self.queue_auto(Pdu::new(seq, Body::Unbind));
                self.unbind_req = Some((seq, true));
                self.timers
                    .set(TimerKind::Unbind, now + self.cfg.unbind_timeout);
            }
        }
    }

    fn close_with(&mut self, reason: CloseReason, lost: &Outcome) {
        if self.state == State::Closed {
            return;
        }
        for p in self.inflight.drain_all() {
            self.events.push_back(Event::Response {
                sequence: p.seq,
                outcome: lost.clone(),
            });
        }
        if let Some((seq, _)) = self.bind_req.take() {
            self.events.push_back(Event::Response {
                sequence: seq,
                outcome: lost.clone(),
            });
        }
        if let Some((seq, _)) = self.unbind_req.take() {
            self.events.push_back(Event::Response {
                sequence: seq,
                outcome: lost.clone(),
            });
        }
        self.keepalive = None;
        self.inbound.clear();
        self.timers.stop_all();
        self.state = State::Closed;
        self.events.push_back(Event::Closed { reason });
    }

    fn on_frame_error(&mut self, e: FrameError) {
        self.stats.decode_errors += 1;
        let seq = e.header.map_or(SequenceNumber(0), |h| h.sequence);
        self.queue_nack(seq, e.command_status());
        self.close_with(CloseReason::Framing(e), &Outcome::ConnectionLost);
    }

    #[inline(always)]
    fn on_frame(&mut self, now: Instant, frame: Bytes) {
        self.stats.pdus_received += 1;
        self.touch_rx(now);
        // The decoder is inlined here and returns the PDU itself (errors aside), so the
        // decoded body is built where the event takes it from.
        let mut err = None;
        let pdu = Pdu::decode_frame_parts(frame, self.cfg.decode.lenient, &mut err);
        if let Some(e) = err {
            self.on_decode_error(now, e);
            return;
        }
        let id = pdu.command_id();
        if !matches!(id, CommandId::EnquireLink | CommandId::EnquireLinkResp) {
            self.touch_activity(now);
        }
        // The hot paths are written out here rather than in functions taking the `Pdu`:
        // passing it to an inlined function copies it (272 octets).
        let seq = pdu.sequence;
        if id.is_response() {
            if self.is_awaited_ok(seq, id, pdu.status) {
                // The steady state. The event is built in two steps: as one expression
                // (`Event::Response { outcome: Outcome::Ok(body) }`) the body was copied
                // into a temporary `Outcome` first.
                let mut ev = Event::Response {
                    sequence: seq,
                    outcome: Outcome::Throttled,
                };
                if let Event::Response { outcome, .. } = &mut ev {
                    *outcome = Outcome::Ok(pdu.body);
                }
                self.events.push_back(ev);
                self.maybe_send_unbind(now);
            } else {
                self.on_response_slow(now, pdu);
            }
        } else if self.admit_request(seq, id) {
            if matches!(
                pdu.body,
                Body::EnquireLink
                    | Body::Unbind
                    | Body::BindTransmitter(_)
                    | Body::BindReceiver(_)
                    | Body::BindTransceiver(_)
                    | Body::Outbind(_)
                    | Body::AlertNotification(_)
            ) {
                self.on_session_request(now, seq, id, pdu.body);
            } else {
                // A request for the application.
                let deadline = self.cfg.inbound_response_timeout.map(|t| now + t);
                let slot = self.inbound.push(seq, id, deadline);
                let token = self.token(seq, id, slot);
                self.events.push_back(Event::Request {
                    token,
                    body: pdu.body,
                });
            }
        }
    }

    fn on_decode_error(&mut self, now: Instant, e: DecodeError) {
        self.stats.decode_errors += 1;
        let header = e.header;
        let seq = header.map_or(SequenceNumber(0), |h| h.sequence);
        match e.reply_kind() {
            ReplyKind::Response => match header {
                Some(h) => self.queue_error_response(seq, h.command_id, e.command_status()),
                None => self.queue_nack(seq, e.command_status()),
            },
            ReplyKind::GenericNack => {
                if matches!(header, Some(h) if matches!(h.command_id, CommandId::Unknown(_))) {
                    self.stats.unknown_commands += 1;
                }
                self.queue_nack(seq, e.command_status());
            }
            ReplyKind::Nothing => {
                if let Some(h) = header.filter(|h| h.command_id.is_response()) {
                    let outcome = Outcome::Malformed(e);
                    self.resolve(now, seq, h.command_id, outcome, h.command_status);
                }
            }
            ReplyKind::Close => {
                self.close_with(CloseReason::ProtocolViolation(e), &Outcome::ConnectionLost);
            }
        }
    }

    fn outcome_of(&mut self, now: Instant, pdu: Pdu) -> Outcome {
        if matches!(pdu.body, Body::GenericNack) {
            Outcome::GenericNack(pdu.status)
        } else if pdu.status.is_ok() {
            Outcome::Ok(pdu.body)
        } else if pdu.status == CommandStatus::Throttled {
            self.stats.throttled += 1;
            self.timers
                .set(TimerKind::ThrottleBackoff, now + self.cfg.throttle_backoff);
            Outcome::Throttled
        } else {
            Outcome::Rejected {
                status: pdu.status,
                body: pdu.body,
            }
        }
    }

    /// Whether a response is the steady-state case: a successful answer to a request in
    /// flight, with no bind, keep-alive or unbind waiting on this number (its in-flight
    /// entry is then taken). `resolve` would reach the same branch.
    #[inline(always)]
    fn is_awaited_ok(&mut self, seq: SequenceNumber, id: CommandId, status: CommandStatus) -> bool {
        status.is_ok()
            && !matches!(id, CommandId::GenericNack)
            && self.bind_req.is_none_or(|(s, _)| s != seq)
            && self.keepalive != Some(seq)
            && self.unbind_req.is_none_or(|(s, _)| s != seq)
            && self.inflight.take(seq, id).is_some()
    }

    /// Every response but an OK answer to a request in flight.
    #[inline(never)]
    fn on_response_slow(&mut self, now: Instant, pdu: Pdu) {
        let seq = pdu.sequence;
        let id = pdu.command_id();
        let status = pdu.status;
        let outcome = self.outcome_of(now, pdu);
        self.resolve(now, seq, id, outcome, status);
    }

    /// Routes the answer `outcome` (a response `id` with `seq`) to whatever awaits it.
    fn resolve(
        &mut self,
        now: Instant,
        seq: SequenceNumber,
        id: CommandId,
        outcome: Outcome,
        status: CommandStatus,
    ) {
        let nack = matches!(id, CommandId::GenericNack);
        if let Some((bseq, kind)) = self.bind_req {
            if bseq == seq && (nack || BindKind::from_command_id(id) == Some(kind)) {
                self.on_bind_resp(now, seq, kind, outcome, status);
                return;
            }
        }
        if self.keepalive == Some(seq) && (nack || id == CommandId::EnquireLinkResp) {
            self.keepalive = None;
            self.timers.stop(TimerKind::EnquireLinkResponse);
            return;
        }
        if let Some((useq, true)) = self.unbind_req {
            if useq == seq && (nack || id == CommandId::UnbindResp) {
                self.unbind_req = None;
                self.events.push_back(Event::Response {
                    sequence: seq,
                    outcome,
                });
                self.close_with(CloseReason::LocalUnbind, &Outcome::ConnectionLost);
                return;
            }
        }
        if self.inflight.take(seq, id).is_some() {
            self.events.push_back(Event::Response {
                sequence: seq,
                outcome,
            });
            self.maybe_send_unbind(now);
        } else if self.timed_out.take(seq).is_some() {
            self.stats.late_responses += 1;
            self.events.push_back(Event::LateResponse {
                sequence: seq,
                outcome,
            });
        } else {
            self.stats.unknown_responses += 1;
            self.events.push_back(Event::UnknownResponse {
                sequence: seq,
                command_id: id,
                status,
            });
        }
    }

    fn on_bind_resp(
        &mut self,
        now: Instant,
        seq: SequenceNumber,
        kind: BindKind,
        outcome: Outcome,
        status: CommandStatus,
    ) {
        self.bind_req = None;
        self.timers.stop(TimerKind::Bind);
        let bound = match &outcome {
            Outcome::Ok(
                Body::BindTransmitterResp(r)
                | Body::BindReceiverResp(r)
                | Body::BindTransceiverResp(r),
            ) => Some((r.system_id.bytes().clone(), r.tlvs.sc_interface_version())),
            _ => None,
        };
        self.events.push_back(Event::Response {
            sequence: seq,
            outcome,
        });
        match bound {
            Some((peer_system_id, version)) => {
                self.peer_v33 = version.is_none_or(|v| v < interface_version::V34);
                self.enter_bound(now, kind);
                self.events.push_back(Event::Bound {
                    kind,
                    peer_system_id,
                    peer_interface_version: version,
                });
            }
            None => {
                self.state = State::Open;
                let status = if status.is_ok() {
                    CommandStatus::BindFail
                } else {
                    status
                };
                self.events.push_back(Event::BindRejected { status });
            }
        }
    }

    /// Whether the peer may send request `id` now; if not, it is answered (or not, as
    /// the rules say) by [`Session::refuse_request`].
    #[inline(always)]
    fn admit_request(&mut self, seq: SequenceNumber, id: CommandId) -> bool {
        if !matches!(id, CommandId::Unknown(_))
            && check(self.cfg.role.peer(), id, self.state).is_ok()
        {
            return true;
        }
        self.refuse_request(seq, id);
        false
    }

    #[inline(never)]
    fn refuse_request(&mut self, seq: SequenceNumber, id: CommandId) {
        if let CommandId::Unknown(_) = id {
            self.stats.unknown_commands += 1;
            self.queue_nack(seq, CommandStatus::InvCmdId);
            return;
        }
        match check(self.cfg.role.peer(), id, self.state) {
            Ok(()) => {}
            Err(Denied::Unknown) => {
                self.stats.unknown_commands += 1;
                self.queue_nack(seq, CommandStatus::InvCmdId);
            }
            Err(Denied::Role | Denied::State) => {
                self.stats.refused_requests += 1;
                let already = BindKind::from_command_id(id).is_some()
                    && self.cfg.role == Role::Smsc
                    && matches!(
                        self.state,
                        State::Binding(_) | State::Bound(_) | State::Unbinding
                    );
                let status = if already {
                    CommandStatus::AlyBnd
                } else {
                    CommandStatus::InvBndSts
                };
                if id.expects_response() {
                    self.queue_error_response(seq, id, status);
                }
            }
        }
    }

    /// The requests the session handles itself (keep-alive, unbind, bind, outbind,
    /// alert_notification), after the permission check.
    #[inline(never)]
    fn on_session_request(&mut self, now: Instant, seq: SequenceNumber, id: CommandId, body: Body) {
        let deadline = self.cfg.inbound_response_timeout.map(|t| now + t);
        match body {
            Body::EnquireLink => self.queue_auto(Pdu::new(seq, Body::EnquireLinkResp)),
            Body::Unbind => {
                self.queue_auto(Pdu::new(seq, Body::UnbindResp));
                for p in self.inflight.drain_all() {
                    self.events.push_back(Event::Response {
                        sequence: p.seq,
                        outcome: Outcome::Unbound,
                    });
                }
                if let Some((useq, _)) = self.unbind_req.take() {
                    self.events.push_back(Event::Response {
                        sequence: useq,
                        outcome: Outcome::Unbound,
                    });
                }
                self.events.push_back(Event::UnbindRequested);
                self.close_with(CloseReason::PeerUnbind, &Outcome::Unbound);
            }
            Body::BindTransmitter(bind)
            | Body::BindReceiver(bind)
            | Body::BindTransceiver(bind) => {
                let Some(kind) = BindKind::from_command_id(id) else {
                    return;
                };
                self.state = State::Binding(kind);
                self.peer_bind = Some((bind.system_id.bytes().clone(), bind.interface_version));
                let slot = self.inbound.push(seq, id, deadline);
                let token = self.token(seq, id, slot);
                self.events
                    .push_back(Event::BindRequested { token, kind, bind });
            }
            Body::Outbind(o) => {
                self.state = State::Outbound;
                self.timers
                    .set(TimerKind::SessionInit, now + self.cfg.session_init_timeout);
                self.events.push_back(Event::Outbind {
                    system_id: o.system_id.into_bytes(),
                    password: o.password.into_bytes(),
                });
            }
            Body::AlertNotification(a) => self.events.push_back(Event::AlertNotification(a)),
            body => {
                // Not reached: `on_frame` handles every other body.
                let slot = self.inbound.push(seq, id, deadline);
                let token = self.token(seq, id, slot);
                self.events.push_back(Event::Request { token, body });
            }
        }
    }

    const fn token(
        &self,
        sequence: SequenceNumber,
        command_id: CommandId,
        slot: u64,
    ) -> ReplyToken {
        ReplyToken {
            sequence,
            command_id,
            generation: self.generation,
            slot,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_table_in_docs_matches_the_code() {
        let src = include_str!("mod.rs");
        let table = permission_table_markdown();
        for line in table.lines() {
            let doc = format!("//! {line}");
            assert!(src.contains(&doc), "docs lack the row {line:?}");
        }
    }
}
