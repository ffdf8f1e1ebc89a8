//! Errors of the blocking adapter.

use smpp_proto::pdu::CommandStatus;
use smpp_proto::segment::SplitError;
use smpp_proto::session::SendError;

/// Connecting or binding failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// TCP connect (or a socket option) failed.
    #[error("connect: {0}")]
    Io(#[from] std::io::Error),
    /// Connecting, the TLS handshake or the bind took longer than allowed.
    #[error("connect timed out")]
    Timeout,
    /// The TLS handshake or configuration failed.
    #[error("tls: {0}")]
    Tls(String),
    /// The SMSC refused the bind with this status (ESME_RINVPASWD, ESME_RBINDFAIL...).
    #[error("bind refused: {0}")]
    BindRejected(CommandStatus),
    /// The connection ended (or the bind got no answer) before the bind completed.
    #[error("connection ended before the bind completed: {0}")]
    NotBound(String),
    /// The session refused to send the bind.
    #[error("bind not sent: {0}")]
    Bind(SendError),
    /// The client thread ended.
    #[error("client stopped")]
    Closed,
}

/// A request could not be made, or its caller stopped waiting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The client stopped (unbound, closed, dropped, or reconnect disabled after a drop).
    #[error("client stopped")]
    Closed,
    /// The session refused the request (wrong bind kind, not allowed, ...).
    #[error("request refused: {0}")]
    Send(SendError),
    /// The text could not be encoded or split.
    #[error("text: {0}")]
    Split(SplitError),
    /// A PDU field could not be encoded.
    #[error("encode: {0}")]
    Encode(String),
    /// No outcome within the call timeout
    /// ([`ClientBuilder::call_timeout`](crate::ClientBuilder::call_timeout)). Like
    /// [`Outcome::TimedOut`](smpp_proto::session::Outcome::TimedOut) this means
    /// *unknown*: a request already sent may still be accepted by the SMSC. A request
    /// still queued when its caller gave up is never sent.
    #[error("no outcome within the call timeout")]
    Timeout,
}
