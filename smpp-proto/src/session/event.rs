//! What the session reports to the application.

use bytes::Bytes;

use crate::pdu::{
    AlertNotification, Bind, Body, CommandId, CommandStatus, DecodeError, FrameError,
    SequenceNumber,
};

use super::state::BindKind;
use super::token::ReplyToken;

/// Something the application must know about; drained with
/// [`Session::poll_event`](super::Session::poll_event).
#[derive(Debug)]
#[non_exhaustive]
pub enum Event {
    /// The session is bound (ESME: the bind response said OK; SMSC: the application
    /// accepted the bind).
    Bound {
        /// The kind of bind.
        kind: BindKind,
        /// The peer's `system_id` (SMSC's from the bind response, ESME's from the bind).
        peer_system_id: Bytes,
        /// The peer's version: the ESME's `interface_version`, or the SMSC's
        /// `sc_interface_version` TLV. `None` (an SMSC that sent no such TLV) means a 3.3
        /// peer; the session then refuses to send TLVs.
        peer_interface_version: Option<u8>,
    },
    /// ESME: the SMSC refused the bind. The session is back in `Open`.
    BindRejected {
        /// The status of the bind response (or of the `generic_nack`).
        status: CommandStatus,
    },
    /// SMSC: an ESME asks to bind; answer with
    /// [`Session::accept_bind`](super::Session::accept_bind) or
    /// [`Session::reject_bind`](super::Session::reject_bind).
    BindRequested {
        /// The answer token.
        token: ReplyToken,
        /// The kind of bind asked for.
        kind: BindKind,
        /// The bind, credentials included.
        bind: Bind,
    },
    /// ESME: the SMSC sent `outbind`; call [`Session::bind`](super::Session::bind) to
    /// bind (usually as receiver) or close.
    Outbind {
        /// The SMSC's `system_id`.
        system_id: Bytes,
        /// The password it presented.
        password: Bytes,
    },
    /// A request from the peer for the application (`submit_sm`, `deliver_sm`,
    /// `data_sm`, `query_sm`, …): answer with [`Session::respond`](super::Session::respond).
    Request {
        /// The answer token.
        token: ReplyToken,
        /// The request.
        body: Body,
    },
    /// The single outcome of a request we sent. Every sequence number returned by
    /// [`Session::bind`](super::Session::bind), [`Session::send_request`](super::Session::send_request)
    /// or [`Session::unbind`](super::Session::unbind) gets exactly one of these.
    Response {
        /// The request's sequence number.
        sequence: SequenceNumber,
        /// What happened to it.
        outcome: Outcome,
    },
    /// A response arrived for a request that had already been reported as
    /// [`Outcome::TimedOut`]. The request *was* processed by the peer: a message id in
    /// here identifies a message that may well be delivered.
    LateResponse {
        /// The request's sequence number.
        sequence: SequenceNumber,
        /// What the peer answered.
        outcome: Outcome,
    },
    /// A response whose sequence number matches nothing we sent or remember. Counted in
    /// [`SessionStats::unknown_responses`](super::SessionStats::unknown_responses) and
    /// otherwise ignored (never answered).
    UnknownResponse {
        /// The sequence number it carried.
        sequence: SequenceNumber,
        /// Its command id.
        command_id: CommandId,
        /// Its status.
        status: CommandStatus,
    },
    /// SMSC to ESME: an `alert_notification` (it has no response).
    AlertNotification(AlertNotification),
    /// The peer sent `unbind`; the session answered `unbind_resp` and closes next.
    UnbindRequested,
    /// The session has ended. Always the last event.
    Closed {
        /// Why.
        reason: CloseReason,
    },
}

/// What became of one request we sent.
///
/// **A timeout means "unknown", not "failed".** [`Outcome::TimedOut`] and
/// [`Outcome::ConnectionLost`] say only that no answer arrived: the peer may have acted
/// on the request (a submitted message may be delivered). Retrying after them can
/// duplicate a message; a later answer to a timed-out request is reported as
/// [`Event::LateResponse`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The peer answered with status 0. The body is the response (e.g. the
    /// `submit_sm_resp` with its message id).
    Ok(Body),
    /// The peer answered with a non-zero status (other than ESME_RTHROTTLED).
    Rejected {
        /// The status.
        status: CommandStatus,
        /// The response body (usually empty on error).
        body: Body,
    },
    /// The peer answered ESME_RTHROTTLED: the request was not accepted; message-carrying
    /// requests pause for [`SessionConfig::throttle_backoff`](super::SessionConfig::throttle_backoff).
    Throttled,
    /// The peer answered with `generic_nack` and this status.
    GenericNack(CommandStatus),
    /// The peer answered with status 0 but a body that does not decode.
    Malformed(DecodeError),
    /// No answer within the response timeout. **Unknown, not failed**: see above.
    TimedOut,
    /// The connection ended first (EOF, [`Session::close`](super::Session::close), a fatal
    /// error or a dead link). Unknown, like `TimedOut`.
    ConnectionLost,
    /// The peer unbound before answering. Unknown, like `TimedOut`.
    Unbound,
}

impl Outcome {
    /// Whether the peer accepted the request.
    #[must_use]
    pub const fn is_ok(&self) -> bool {
        matches!(self, Self::Ok(_))
    }

    /// The message id of a successful `submit_sm_resp`, `data_sm_resp`, …, if any.
    #[must_use]
    pub fn message_id(&self) -> Option<&[u8]> {
        match self {
            Self::Ok(Body::SubmitSmResp(m) | Body::DeliverSmResp(m) | Body::DataSmResp(m)) => {
                Some(m.message_id.as_bytes())
            }
            Self::Ok(Body::SubmitMultiResp(m)) => Some(m.message_id.as_bytes()),
            _ => None,
        }
    }
}

/// Why a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloseReason {
    /// Our `unbind` was answered (or the peer closed after it).
    LocalUnbind,
    /// The peer sent `unbind`; we answered.
    PeerUnbind,
    /// The transport ended ([`Session::handle_eof`](super::Session::handle_eof)).
    PeerClosed,
    /// [`Session::close`](super::Session::close) was called.
    LocallyClosed,
    /// ESME: no bind response in time.
    BindTimeout,
    /// No successful bind within [`SessionConfig::session_init_timeout`](super::SessionConfig::session_init_timeout).
    SessionInitTimeout,
    /// The automatic `enquire_link` went unanswered: the link is dead.
    EnquireLinkTimeout,
    /// No traffic within [`SessionConfig::inactivity_timeout`](super::SessionConfig::inactivity_timeout).
    InactivityTimeout,
    /// No `unbind_resp` in time.
    UnbindTimeout,
    /// A `command_length` that cannot be framed (a `generic_nack` ESME_RINVCMDLEN was
    /// queued first).
    Framing(FrameError),
    /// A PDU that forbids continuing (a malformed `outbind`).
    ProtocolViolation(DecodeError),
}
