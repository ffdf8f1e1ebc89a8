//! Session settings and their defaults.

use core::time::Duration;

use crate::pdu::{CommandStatus, DecodeOptions, FrameLimits, interface_version};

use super::state::Role;

/// An optional pacing limit for message-carrying requests (`submit_sm`, `submit_multi`,
/// `data_sm`, `deliver_sm`, `replace_sm`).
///
/// It is a token bucket computed from the `now` passed in (no clock): `per_second`
/// requests per second on average, with up to `burst` sent back to back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Average requests per second (at least 1; 0 is treated as 1).
    pub per_second: u32,
    /// How many may go out back to back (at least 1; 0 is treated as 1).
    pub burst: u32,
}

impl RateLimit {
    /// `per_second` requests per second with a burst of the same size.
    #[must_use]
    pub const fn per_second(per_second: u32) -> Self {
        Self {
            per_second,
            burst: per_second,
        }
    }
}

/// Everything a [`Session`](super::Session) can be tuned with.
///
/// Construct with [`SessionConfig::esme`] or [`SessionConfig::smsc`] and change fields.
/// Every default is chosen to be safe against real providers (see `providers.md` in the
/// design notes); the reasons are on each field. Several widely used libraries ship
/// unsafe defaults (a window of 1, requests that never expire, 1-2 s response timeouts
/// that fire while a busy SMSC is still working); these do not.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionConfig {
    /// Which side of the connection we are.
    pub role: Role,
    /// The `sc_interface_version` an SMSC announces in its bind response (default 0x34).
    /// Not sent to a peer that bound with 0x33 or lower.
    pub interface_version: u8,
    /// Most requests of ours awaiting a response (default **10**: what SMPP 3.4 suggests
    /// and what providers such as Wavix recommend; a window of 1 caps throughput at one
    /// request per round trip).
    pub window: usize,
    /// Most requests from the peer that the application has not yet answered (default
    /// **100**). At this count [`wants_read`](super::Session::wants_read) turns false so
    /// the adapter stops reading and TCP pushes back; nothing is dropped.
    pub max_inbound_unanswered: usize,
    /// Most octets queued for the transport (default **1 MiB**). Beyond it requests fail
    /// with [`SendError::OutboundFull`](super::SendError::OutboundFull) and reading pauses.
    pub max_outbound_buffer: usize,
    /// Framing limits (largest PDU accepted, default 70,000 octets).
    pub frame_limits: FrameLimits,
    /// Body decoding options (strict TLV checking by default).
    pub decode: DecodeOptions,
    /// How long an ESME waits for its bind response (default **30 s**: binds hit the
    /// provider's authentication back end, which can be slow after a deploy).
    pub bind_timeout: Duration,
    /// How long a connection may stay unbound (default **60 s**): the SMSC closes a
    /// connection that has not bound by then (3.4 `session_init_timer`); the ESME applies
    /// it after receiving `outbind`.
    pub session_init_timeout: Duration,
    /// How long a request may wait for its response (default **30 s**). An SMSC may take
    /// seconds to accept a submit under load; timing out early turns slow successes into
    /// duplicates when the application retries. Never infinite: a request that can never
    /// expire can hang a caller forever.
    pub response_timeout: Duration,
    /// After this long without receiving any PDU, a bound session sends `enquire_link`
    /// (default **30 s**, what GatewayAPI and Wavix expect; `None` disables it).
    pub enquire_link_interval: Option<Duration>,
    /// How long the automatic `enquire_link` may go unanswered before the link is
    /// declared dead and closed with
    /// [`CloseReason::EnquireLinkTimeout`](super::CloseReason::EnquireLinkTimeout)
    /// (default **10 s**: an answer needs no back-end work).
    pub enquire_link_timeout: Duration,
    /// Close a bound session after this long without a PDU other than `enquire_link` /
    /// `enquire_link_resp` in either direction (default `None`: the keep-alive already
    /// detects dead links; servers may set a few minutes to shed idle binds).
    pub inactivity_timeout: Option<Duration>,
    /// How long to wait for `unbind_resp` after sending `unbind` (default **10 s**).
    pub unbind_timeout: Duration,
    /// How long a request from the peer may stay unanswered by the application before
    /// the session answers it with [`auto_response_status`](Self::auto_response_status)
    /// (default **25 s**, a little under the usual 30 s peer timeout, so the peer gets a
    /// definite answer instead of timing out; `None` disables it).
    pub inbound_response_timeout: Option<Duration>,
    /// The status of automatic answers to requests the application left unanswered
    /// (default ESME_RSYSERR).
    pub auto_response_status: CommandStatus,
    /// How long a timed-out sequence number is remembered so that a late response is
    /// recognised as [`Event::LateResponse`](super::Event::LateResponse) and the number is
    /// not reused (default **5 minutes**).
    pub late_response_memory: Duration,
    /// Most timed-out sequence numbers remembered (default 4096).
    pub max_timed_out_remembered: usize,
    /// Optional pacing of message-carrying requests (default `None`; 8x8 allows 50/s,
    /// Wavix 20/s).
    pub rate_limit: Option<RateLimit>,
    /// After an ESME_RTHROTTLED response, message-carrying requests pause for this long
    /// (default **1 s**).
    pub throttle_backoff: Duration,
    /// The first sequence number handed out (default 1, as the specification says; tests
    /// set it near 0x7FFF_FFFF to exercise the wrap). Values outside 1..=0x7FFF_FFFF
    /// start at 1.
    pub first_sequence: u32,
}

impl SessionConfig {
    /// Defaults for the given role.
    #[must_use]
    pub fn new(role: Role) -> Self {
        Self {
            role,
            interface_version: interface_version::V34,
            window: 10,
            max_inbound_unanswered: 100,
            max_outbound_buffer: 1 << 20,
            frame_limits: FrameLimits::default(),
            decode: DecodeOptions::default(),
            bind_timeout: Duration::from_secs(30),
            session_init_timeout: Duration::from_secs(60),
            response_timeout: Duration::from_secs(30),
            enquire_link_interval: Some(Duration::from_secs(30)),
            enquire_link_timeout: Duration::from_secs(10),
            inactivity_timeout: None,
            unbind_timeout: Duration::from_secs(10),
            inbound_response_timeout: Some(Duration::from_secs(25)),
            auto_response_status: CommandStatus::SysErr,
            late_response_memory: Duration::from_secs(300),
            max_timed_out_remembered: 4096,
            rate_limit: None,
            throttle_backoff: Duration::from_secs(1),
            first_sequence: 1,
        }
    }

    /// Defaults for an ESME (client).
    #[must_use]
    pub fn esme() -> Self {
        Self::new(Role::Esme)
    }

    /// Defaults for an SMSC (server).
    #[must_use]
    pub fn smsc() -> Self {
        Self::new(Role::Smsc)
    }
}
