//! Decode and encode errors. A decode error says what a well-behaved peer answers.

use super::{CommandId, CommandStatus, Header};

/// Why a PDU body could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The frame's `command_length` is below 16, above the limit, or differs from the
    /// frame's size.
    #[error("invalid command_length {0}")]
    InvalidCommandLength(u32),
    /// The command id is not one this codec knows (only from [`Body::decode_known`]).
    ///
    /// [`Body::decode_known`]: super::Body
    #[error("unknown command_id")]
    UnknownCommandId,
    /// The body ended inside a mandatory field (missing NUL, `sm_length` past the end…).
    #[error("body ends inside the field")]
    Truncated,
    /// A C-Octet String has no NUL within its maximum size (NUL included).
    #[error("longer than its maximum of {max} octets")]
    TooLong {
        /// The field's maximum size, NUL included.
        max: usize,
    },
    /// A field holds a value the specification does not allow (the status says which).
    #[error("invalid value")]
    InvalidValue,
    /// The TLV area is corrupt: 1-3 stray octets that cannot start a TLV, or a TLV whose
    /// length runs past the end of the PDU.
    #[error("malformed TLV stream")]
    TlvStream,
    /// A known TLV has a length its definition does not allow.
    #[error("TLV {tag:#06x} has invalid length {len}")]
    TlvLength {
        /// The tag.
        tag: u16,
        /// The length received.
        len: u16,
    },
    /// A TLV required by this PDU is missing (`message_payload` in `data_sm`).
    #[error("required TLV {tag:#06x} missing")]
    MissingTlv {
        /// The tag that is missing.
        tag: u16,
    },
    /// `short_message` and `message_payload` are both present (strict mode only).
    #[error("both short_message and message_payload present")]
    PayloadConflict,
}

/// What a peer should send back for a PDU that failed to decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyKind {
    /// The request's own `*_resp` with [`DecodeError::command_status`] and no body.
    Response,
    /// A `generic_nack` with [`DecodeError::command_status`], echoing the sequence number
    /// when the header was readable (else sequence 0).
    GenericNack,
    /// Nothing: the PDU was a response (never answer a response), or an
    /// `alert_notification`.
    Nothing,
    /// Close the connection without answering (a malformed `outbind`).
    Close,
}

/// A PDU that could not be decoded, with enough context to answer it.
///
/// ```
/// use bytes::Bytes;
/// use smpp_proto::pdu::{CommandStatus, Pdu, ReplyKind};
/// // submit_sm whose source_addr (max 21 octets incl. NUL) has no NUL in 21 octets
/// let mut raw = vec![0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 7, 0, 1, 1];
/// raw.extend_from_slice(&[b'9'; 30]);
/// raw.push(0);
/// let len = raw.len() as u32;
/// raw[..4].copy_from_slice(&len.to_be_bytes());
/// let err = Pdu::decode(Bytes::from(raw)).unwrap_err();
/// assert_eq!(err.field, "source_addr");
/// assert_eq!(err.command_status(), CommandStatus::InvSrcAdr);
/// assert_eq!(err.reply_kind(), ReplyKind::Response);
/// assert_eq!(err.header.unwrap().sequence.0, 7);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}: {field}: {kind}", command_name(.header))]
pub struct DecodeError {
    /// The header, when its 16 octets were readable (needed to echo the sequence).
    pub header: Option<Header>,
    /// The field that failed, by its specification name (`"destination_addr"`,
    /// `"tlv 0x0424"`, `"command_length"`…).
    pub field: &'static str,
    /// What was wrong with it.
    pub kind: DecodeErrorKind,
    /// The status to answer with.
    pub(crate) status: CommandStatus,
}

fn command_name(h: &Option<Header>) -> String {
    match h {
        Some(h) => h.command_id.name().map_or_else(
            || format!("command {:#010x}", h.command_id.value()),
            str::to_owned,
        ),
        None => "unreadable header".to_owned(),
    }
}

impl DecodeError {
    pub(crate) const fn new(
        header: Option<Header>,
        field: &'static str,
        kind: DecodeErrorKind,
        status: CommandStatus,
    ) -> Self {
        Self {
            header,
            field,
            kind,
            status,
        }
    }

    /// The `command_status` a well-behaved peer answers with (ESME_RINVCMDLEN,
    /// ESME_RINVCMDID, ESME_RINVSRCADR, ESME_RINVOPTPARSTREAM, ESME_RINVPARLEN…).
    #[must_use]
    pub const fn command_status(&self) -> CommandStatus {
        self.status
    }

    /// Whether to answer with the PDU's own response, a `generic_nack`, nothing, or by
    /// closing the connection.
    #[must_use]
    pub fn reply_kind(&self) -> ReplyKind {
        let Some(h) = self.header else {
            return ReplyKind::GenericNack;
        };
        match h.command_id {
            CommandId::Outbind => ReplyKind::Close,
            CommandId::AlertNotification => ReplyKind::Nothing,
            id if id.is_response() => ReplyKind::Nothing,
            CommandId::Unknown(_) => ReplyKind::GenericNack,
            _ if matches!(self.kind, DecodeErrorKind::InvalidCommandLength(_)) => {
                ReplyKind::GenericNack
            }
            _ => ReplyKind::Response,
        }
    }
}

/// A PDU that cannot be encoded: some field breaks its size limit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A C-Octet String is longer than its maximum (`max` counts the NUL).
    #[error("{field}: {len} octets, the maximum is {} plus NUL", .max - 1)]
    FieldTooLong {
        /// The field.
        field: &'static str,
        /// Its length without NUL.
        len: usize,
        /// The maximum size, NUL included.
        max: usize,
    },
    /// A C-Octet String contains a NUL octet.
    #[error("{field}: contains a NUL octet")]
    InteriorNul {
        /// The field.
        field: &'static str,
    },
    /// An octet string or list is longer than its length field can express.
    #[error("{field}: {len} is more than the maximum {max}")]
    TooMany {
        /// The field.
        field: &'static str,
        /// Its length or count.
        len: usize,
        /// The maximum.
        max: usize,
    },
    /// The whole PDU would exceed `u32::MAX` octets.
    #[error("PDU too large")]
    PduTooLarge,
}
