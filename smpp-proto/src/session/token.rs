//! The move-only handle for answering one request from the peer.

use crate::pdu::{CommandId, SequenceNumber};

/// The right to answer one request from the peer, exactly once.
///
/// Handed out in [`Event::Request`](super::Event::Request) and
/// [`Event::BindRequested`](super::Event::BindRequested); consumed by
/// [`Session::respond`](super::Session::respond), [`Session::accept_bind`](super::Session::accept_bind)
/// or [`Session::reject_bind`](super::Session::reject_bind). It is neither `Clone` nor
/// `Copy`, so "answer at most once" holds at compile time; a token from another session
/// (or generation) is refused with [`SendError::UnknownToken`](super::SendError::UnknownToken).
/// A token that is dropped, or held longer than
/// [`SessionConfig::inbound_response_timeout`](super::SessionConfig::inbound_response_timeout),
/// is answered automatically with
/// [`SessionConfig::auto_response_status`](super::SessionConfig::auto_response_status) when
/// that timer fires.
#[must_use = "every request needs an answer: pass the token to respond()"]
#[derive(Debug, PartialEq, Eq)]
pub struct ReplyToken {
    pub(crate) sequence: SequenceNumber,
    pub(crate) command_id: CommandId,
    pub(crate) generation: u64,
    pub(crate) slot: u64,
}

impl ReplyToken {
    /// The request's sequence number (the response echoes it).
    #[must_use]
    pub const fn sequence(&self) -> SequenceNumber {
        self.sequence
    }

    /// The request's command id.
    #[must_use]
    pub const fn command_id(&self) -> CommandId {
        self.command_id
    }
}
