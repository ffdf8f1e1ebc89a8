//! Local misuse, returned synchronously by the command methods.

use std::time::Instant;

use crate::pdu::{CommandId, EncodeError};

use super::state::BindKind;

/// Why a command was refused. Nothing was queued and no sequence number was used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// The session is not bound (or is binding / unbinding).
    #[error("not bound")]
    NotBound,
    /// The bind kind does not allow this command (e.g. `submit_sm` on a receiver bind).
    #[error("{command:?} needs a {needed:?} (or transceiver) bind")]
    WrongBindKind {
        /// The command.
        command: CommandId,
        /// A kind that allows it.
        needed: BindKind,
    },
    /// Our role never sends this command (e.g. an ESME sending `deliver_sm`).
    #[error("{0:?} is not sent by this role")]
    NotAllowedForRole(CommandId),
    /// The command is not allowed in the current state (e.g. `bind` when bound).
    #[error("{0:?} is not allowed in the current state")]
    NotAllowedInState(CommandId),
    /// The body is not a request this method sends (a response, a bind for
    /// `send_request`, `outbind` or an unknown id).
    #[error("{0:?} cannot be sent with this method")]
    WrongMethod(CommandId),
    /// A response body that does not match the request (`submit_sm_resp` for a
    /// `deliver_sm`…).
    #[error("the request needs {expected:?}")]
    WrongResponse {
        /// The response id the request needs.
        expected: Option<CommandId>,
    },
    /// [`SessionConfig::window`](super::SessionConfig::window) requests are in flight.
    #[error("window full")]
    WindowFull,
    /// The outbound buffer holds more than
    /// [`SessionConfig::max_outbound_buffer`](super::SessionConfig::max_outbound_buffer).
    #[error("outbound buffer full")]
    OutboundFull,
    /// The rate limit allows the next message-carrying request at `retry_at`.
    #[error("rate limited")]
    RateLimited {
        /// When it may be sent.
        retry_at: Instant,
    },
    /// The peer answered ESME_RTHROTTLED; message-carrying requests pause until `until`.
    #[error("throttled by the peer")]
    Throttled {
        /// When the back-off ends.
        until: Instant,
    },
    /// The peer is a 3.3 peer, which must not receive TLVs.
    #[error("the peer speaks SMPP 3.3: no TLVs may be sent")]
    TlvsNotSupported,
    /// The session is closed (sticky).
    #[error("session closed")]
    Closed,
    /// The PDU breaks a field limit.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// The token belongs to another session, or its request was already answered
    /// automatically.
    #[error("unknown or expired reply token")]
    UnknownToken,
}
