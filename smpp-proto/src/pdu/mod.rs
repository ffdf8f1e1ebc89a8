//! The PDU codec: framing, every SMPP 3.4 PDU and TLV, decode and encode.
//!
//! * **Framing first.** [`peek_frame`] / [`FrameDecoder`] read `command_length` before
//!   anything else and refuse a value below 16 or above [`FrameLimits::max_pdu_len`]
//!   before any allocation.
//! * **Bodies in complete mode (nom-style readers), over exactly one frame.** [`Pdu::decode`] takes
//!   one frame as [`Bytes`]; every string and octet field of the result is a zero-copy
//!   slice of it. Decoding `submit_sm`, `deliver_sm`, their responses and
//!   `enquire_link` allocates nothing.
//! * **Errors say what to answer.** A [`DecodeError`] carries the header (when readable),
//!   the field, and [`DecodeError::command_status`] / [`DecodeError::reply_kind`].
//! * **Lossless.** Unknown command ids, statuses and TLV tags keep their values; TLVs keep
//!   their order and octets, so `encode(decode(x)) == x` for every well-formed PDU.
//!
//! # Lenient where real peers deviate, strict where it matters
//!
//! Always accepted (each has a test):
//! * a response with a non-zero status and an empty body, a lone NUL, or a body that does
//!   not decode (the body is then ignored, as 3.4 says it is not returned on error);
//! * a success response without its `message_id`/`system_id` (read as empty);
//! * any 3.4 TLV on a PDU that the spec does not list it for, and vendor TLVs;
//! * 1-3 stray octets after the last field (kept in [`Tlvs::trailing`], re-encoded);
//! * 3.3 binds (`interface_version` 0x33 or 0x00, no TLVs), 5.0 binds (0x50);
//! * passwords longer than 8 characters (up to 64), SMSC `system_id`s up to 64 characters
//!   in bind responses;
//! * sequence numbers 0 or above 0x7FFF_FFFF ([`SequenceNumber::is_valid`] tells);
//! * a non-zero `command_status` in a request (ignored by the session, kept here).
//!
//! Strict by default, lenient with [`DecodeOptions::lenient`]:
//! * a TLV running past the end of the PDU (ESME_RINVOPTPARSTREAM; lenient: the tail is
//!   kept as trailing octets);
//! * a known TLV with a length its definition forbids (ESME_RINVPARLEN; lenient: kept
//!   raw, typed as [`TlvValue::Raw`]);
//! * `short_message` and `message_payload` both set (ESME_RINVMSGLEN; lenient: allowed,
//!   [`SubmitSm::payload`] prefers `short_message`);
//! * `data_sm` without `message_payload` (ESME_RMISSINGOPTPARAM).
//!
//! Never accepted: `command_length` outside 16..=max or different from the frame
//! (ESME_RINVCMDLEN), a mandatory field cut short (ESME_RINVCMDLEN), a C-Octet String
//! without NUL within its maximum (the field's own status, e.g. ESME_RINVSRCADR),
//! `number_of_dests` 0 (ESME_RINVNUMDESTS), an unknown `dest_flag` (ESME_RINVDESTFLAG).
//! Octets after the header of a header-only PDU (`enquire_link`, `unbind`,
//! `generic_nack`, `cancel_sm_resp`, `replace_sm_resp` and their kind) are ignored.

mod body;
mod command_id;
mod command_status;
mod error;
mod fields;
pub(crate) mod frame;
mod primitives;
mod tlv;
mod tlv_tag;
mod wire_enum;

use bytes::{BufMut, Bytes, BytesMut};

pub use body::{
    AlertNotification, Bind, BindResp, CancelSm, DataSm, DeliverSm, DestAddress, MessageIdResp,
    Outbind, QuerySm, QuerySmResp, ReplaceSm, SubmitMulti, SubmitMultiResp, SubmitSm, UnsuccessSme,
};
pub use command_id::CommandId;
pub use command_status::CommandStatus;
pub use error::{DecodeError, DecodeErrorKind, EncodeError, ReplyKind};
pub use fields::{
    COctetString, DataCoding, EsmClass, MessageState, Npi, RegisteredDelivery, SequenceNumber, Ton,
    interface_version,
};
pub use frame::{FrameDecoder, FrameError, FrameLimits, HEADER_LEN, Header, peek_frame};
pub use tlv::{SarInfo, Tlv, TlvIter, TlvValue, Tlvs};
pub use tlv_tag::{TlvTag, ValueKind};

use primitives::{Checked, Counter, Reader, Sink};

/// Decoder settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecodeOptions {
    /// Accept TLV problems instead of failing the PDU (see the module docs). An ESME
    /// receiving receipts is better served lenient (a nack'd receipt is redelivered
    /// forever or lost); an SMSC validating submissions strict.
    pub lenient: bool,
}

impl DecodeOptions {
    /// Strict TLV checking (the default).
    #[must_use]
    pub const fn strict() -> Self {
        Self { lenient: false }
    }
    /// Lenient TLV checking.
    #[must_use]
    pub const fn lenient() -> Self {
        Self { lenient: true }
    }
}

/// The body of a PDU, one variant per command.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant, reason = "boxing would allocate per PDU")]
pub enum Body {
    /// bind_receiver.
    BindReceiver(Bind),
    /// bind_receiver_resp.
    BindReceiverResp(BindResp),
    /// bind_transmitter.
    BindTransmitter(Bind),
    /// bind_transmitter_resp.
    BindTransmitterResp(BindResp),
    /// bind_transceiver.
    BindTransceiver(Bind),
    /// bind_transceiver_resp.
    BindTransceiverResp(BindResp),
    /// outbind.
    Outbind(Outbind),
    /// unbind.
    Unbind,
    /// unbind_resp.
    UnbindResp,
    /// generic_nack (the reason is the PDU's status).
    GenericNack,
    /// submit_sm.
    SubmitSm(SubmitSm),
    /// submit_sm_resp.
    SubmitSmResp(MessageIdResp),
    /// submit_multi.
    SubmitMulti(SubmitMulti),
    /// submit_multi_resp.
    SubmitMultiResp(SubmitMultiResp),
    /// deliver_sm.
    DeliverSm(DeliverSm),
    /// deliver_sm_resp.
    DeliverSmResp(MessageIdResp),
    /// data_sm.
    DataSm(DataSm),
    /// data_sm_resp.
    DataSmResp(MessageIdResp),
    /// query_sm.
    QuerySm(QuerySm),
    /// query_sm_resp.
    QuerySmResp(QuerySmResp),
    /// cancel_sm.
    CancelSm(CancelSm),
    /// cancel_sm_resp.
    CancelSmResp,
    /// replace_sm.
    ReplaceSm(ReplaceSm),
    /// replace_sm_resp.
    ReplaceSmResp,
    /// enquire_link.
    EnquireLink,
    /// enquire_link_resp.
    EnquireLinkResp,
    /// alert_notification.
    AlertNotification(AlertNotification),
    /// A command id this codec does not know, with its body kept as received.
    Unknown {
        /// The command id.
        command_id: u32,
        /// The body octets.
        body: Bytes,
    },
}

impl Body {
    /// The command id of this body.
    #[must_use]
    pub const fn command_id(&self) -> CommandId {
        match self {
            Self::BindReceiver(_) => CommandId::BindReceiver,
            Self::BindReceiverResp(_) => CommandId::BindReceiverResp,
            Self::BindTransmitter(_) => CommandId::BindTransmitter,
            Self::BindTransmitterResp(_) => CommandId::BindTransmitterResp,
            Self::BindTransceiver(_) => CommandId::BindTransceiver,
            Self::BindTransceiverResp(_) => CommandId::BindTransceiverResp,
            Self::Outbind(_) => CommandId::Outbind,
            Self::Unbind => CommandId::Unbind,
            Self::UnbindResp => CommandId::UnbindResp,
            Self::GenericNack => CommandId::GenericNack,
            Self::SubmitSm(_) => CommandId::SubmitSm,
            Self::SubmitSmResp(_) => CommandId::SubmitSmResp,
            Self::SubmitMulti(_) => CommandId::SubmitMulti,
            Self::SubmitMultiResp(_) => CommandId::SubmitMultiResp,
            Self::DeliverSm(_) => CommandId::DeliverSm,
            Self::DeliverSmResp(_) => CommandId::DeliverSmResp,
            Self::DataSm(_) => CommandId::DataSm,
            Self::DataSmResp(_) => CommandId::DataSmResp,
            Self::QuerySm(_) => CommandId::QuerySm,
            Self::QuerySmResp(_) => CommandId::QuerySmResp,
            Self::CancelSm(_) => CommandId::CancelSm,
            Self::CancelSmResp => CommandId::CancelSmResp,
            Self::ReplaceSm(_) => CommandId::ReplaceSm,
            Self::ReplaceSmResp => CommandId::ReplaceSmResp,
            Self::EnquireLink => CommandId::EnquireLink,
            Self::EnquireLinkResp => CommandId::EnquireLinkResp,
            Self::AlertNotification(_) => CommandId::AlertNotification,
            Self::Unknown { command_id, .. } => CommandId::from_value(*command_id),
        }
    }

    /// The empty response body for a request id (what an error response carries), or
    /// `None` for ids without a response.
    #[must_use]
    pub fn empty_response(id: CommandId) -> Option<Self> {
        Some(match id.response()? {
            CommandId::BindReceiverResp => Self::BindReceiverResp(BindResp::default()),
            CommandId::BindTransmitterResp => Self::BindTransmitterResp(BindResp::default()),
            CommandId::BindTransceiverResp => Self::BindTransceiverResp(BindResp::default()),
            CommandId::UnbindResp => Self::UnbindResp,
            CommandId::SubmitSmResp => Self::SubmitSmResp(MessageIdResp::default()),
            CommandId::SubmitMultiResp => Self::SubmitMultiResp(SubmitMultiResp::default()),
            CommandId::DeliverSmResp => Self::DeliverSmResp(MessageIdResp::default()),
            CommandId::DataSmResp => Self::DataSmResp(MessageIdResp::default()),
            CommandId::QuerySmResp => Self::QuerySmResp(QuerySmResp::default()),
            CommandId::CancelSmResp => Self::CancelSmResp,
            CommandId::ReplaceSmResp => Self::ReplaceSmResp,
            CommandId::EnquireLinkResp => Self::EnquireLinkResp,
            _ => return None,
        })
    }

    fn decode(id: CommandId, r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(match id {
            CommandId::BindReceiver => Self::BindReceiver(Bind::decode(r)?),
            CommandId::BindTransmitter => Self::BindTransmitter(Bind::decode(r)?),
            CommandId::BindTransceiver => Self::BindTransceiver(Bind::decode(r)?),
            CommandId::BindReceiverResp => Self::BindReceiverResp(BindResp::decode(r)?),
            CommandId::BindTransmitterResp => Self::BindTransmitterResp(BindResp::decode(r)?),
            CommandId::BindTransceiverResp => Self::BindTransceiverResp(BindResp::decode(r)?),
            CommandId::Outbind => Self::Outbind(Outbind::decode(r)?),
            CommandId::Unbind => Self::Unbind,
            CommandId::UnbindResp => Self::UnbindResp,
            CommandId::GenericNack => Self::GenericNack,
            CommandId::SubmitSm => Self::SubmitSm(SubmitSm::decode(r)?),
            CommandId::SubmitSmResp => Self::SubmitSmResp(MessageIdResp::decode(r)?),
            CommandId::SubmitMulti => Self::SubmitMulti(SubmitMulti::decode(r)?),
            CommandId::SubmitMultiResp => Self::SubmitMultiResp(SubmitMultiResp::decode(r)?),
            CommandId::DeliverSm => Self::DeliverSm(SubmitSm::decode(r)?),
            CommandId::DeliverSmResp => Self::DeliverSmResp(MessageIdResp::decode(r)?),
            CommandId::DataSm => Self::DataSm(DataSm::decode(r)?),
            CommandId::DataSmResp => Self::DataSmResp(MessageIdResp::decode(r)?),
            CommandId::QuerySm => Self::QuerySm(QuerySm::decode(r)?),
            CommandId::QuerySmResp => Self::QuerySmResp(QuerySmResp::decode(r)?),
            CommandId::CancelSm => Self::CancelSm(CancelSm::decode(r)?),
            CommandId::CancelSmResp => Self::CancelSmResp,
            CommandId::ReplaceSm => Self::ReplaceSm(ReplaceSm::decode(r)?),
            CommandId::ReplaceSmResp => Self::ReplaceSmResp,
            CommandId::EnquireLink => Self::EnquireLink,
            CommandId::EnquireLinkResp => Self::EnquireLinkResp,
            CommandId::AlertNotification => Self::AlertNotification(AlertNotification::decode(r)?),
            CommandId::Unknown(v) => Self::Unknown {
                command_id: v,
                body: r.octets("body", r_len(r))?,
            },
        })
    }

    /// The body of a PDU that has none (whatever octets follow the header are ignored);
    /// the same list as the header-only arms of [`Pdu::decode_frame_parts`].
    #[inline(always)]
    const fn header_only(id: CommandId) -> Option<Self> {
        Some(match id {
            CommandId::EnquireLink => Self::EnquireLink,
            CommandId::EnquireLinkResp => Self::EnquireLinkResp,
            CommandId::Unbind => Self::Unbind,
            CommandId::UnbindResp => Self::UnbindResp,
            CommandId::GenericNack => Self::GenericNack,
            CommandId::CancelSmResp => Self::CancelSmResp,
            CommandId::ReplaceSmResp => Self::ReplaceSmResp,
            _ => return None,
        })
    }

    /// Whether an error response's body is blank (encoded header-only, as 3.4 says).
    fn is_blank_response(&self) -> bool {
        match self {
            Self::BindReceiverResp(b)
            | Self::BindTransmitterResp(b)
            | Self::BindTransceiverResp(b) => b.is_blank(),
            Self::SubmitSmResp(m) | Self::DeliverSmResp(m) | Self::DataSmResp(m) => m.is_blank(),
            Self::SubmitMultiResp(m) => {
                m.message_id.is_empty() && m.unsuccess_sme.is_empty() && m.tlvs.is_empty()
            }
            Self::QuerySmResp(q) => *q == QuerySmResp::default(),
            _ => false,
        }
    }

    #[inline(always)]
    fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        match self {
            Self::BindReceiver(b) | Self::BindTransmitter(b) | Self::BindTransceiver(b) => {
                b.encode(s)
            }
            Self::BindReceiverResp(b)
            | Self::BindTransmitterResp(b)
            | Self::BindTransceiverResp(b) => b.encode(s),
            Self::Outbind(o) => o.encode(s),
            Self::SubmitSm(m) | Self::DeliverSm(m) => m.encode(s),
            Self::SubmitSmResp(m) | Self::DeliverSmResp(m) | Self::DataSmResp(m) => m.encode(s),
            Self::SubmitMulti(m) => m.encode(s),
            Self::SubmitMultiResp(m) => m.encode(s),
            Self::DataSm(m) => m.encode(s),
            Self::QuerySm(m) => m.encode(s),
            Self::QuerySmResp(m) => m.encode(s),
            Self::CancelSm(m) => m.encode(s),
            Self::ReplaceSm(m) => m.encode(s),
            Self::AlertNotification(m) => m.encode(s),
            Self::Unknown { body, .. } => {
                s.put(body);
                Ok(())
            }
            Self::Unbind
            | Self::UnbindResp
            | Self::GenericNack
            | Self::CancelSmResp
            | Self::ReplaceSmResp
            | Self::EnquireLink
            | Self::EnquireLinkResp => Ok(()),
        }
    }
}

fn r_len(r: &Reader<'_>) -> usize {
    r.remaining()
}

/// One SMPP PDU: header values and body.
///
/// ```
/// use bytes::{Bytes, BytesMut};
/// use smpp_proto::pdu::{Body, Pdu, SequenceNumber, SubmitSm};
///
/// let pdu = Pdu::new(SequenceNumber(1), Body::SubmitSm(SubmitSm::new("Shop", "4512345678", &b"Hi"[..])));
/// let mut out = BytesMut::new();
/// pdu.encode(&mut out).unwrap();
/// assert_eq!(out.len(), pdu.encoded_len());
/// let back = Pdu::decode(out.freeze()).unwrap();
/// assert_eq!(back, pdu);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pdu {
    /// sequence_number.
    pub sequence: SequenceNumber,
    /// command_status (0 in requests).
    pub status: CommandStatus,
    /// The body; it determines the command id.
    pub body: Body,
}

impl Pdu {
    /// A PDU with status 0.
    #[must_use]
    pub const fn new(sequence: SequenceNumber, body: Body) -> Self {
        Self {
            sequence,
            status: CommandStatus::Ok,
            body,
        }
    }

    /// The command id.
    #[must_use]
    pub const fn command_id(&self) -> CommandId {
        self.body.command_id()
    }

    /// Decodes exactly one frame (as returned by [`FrameDecoder::next_frame`]) with the
    /// default (strict TLV) options.
    ///
    /// # Errors
    /// A [`DecodeError`] saying which field failed and what to answer.
    pub fn decode(frame: Bytes) -> Result<Self, DecodeError> {
        Self::decode_frame(frame, false)
    }

    /// Decodes exactly one frame with the given options.
    ///
    /// # Errors
    /// A [`DecodeError`] saying which field failed and what to answer.
    pub fn decode_with(frame: Bytes, opts: &DecodeOptions) -> Result<Self, DecodeError> {
        Self::decode_frame(frame, opts.lenient)
    }

    #[inline(always)]
    fn decode_frame(frame: Bytes, lenient: bool) -> Result<Self, DecodeError> {
        // Header-only PDUs are built in place here: through `decode_frame_parts` the
        // result would be copied into the `Result` (272 octets for a 16-octet PDU).
        if let Some(h) = Header::parse(&frame) {
            if h.command_length as usize == frame.len() {
                if let Some(body) = Body::header_only(h.command_id) {
                    return Ok(Self {
                        sequence: h.sequence,
                        status: h.command_status,
                        body,
                    });
                }
            }
        }
        let mut err = None;
        let pdu = Self::decode_frame_parts(frame, lenient, &mut err);
        match err {
            None => Ok(pdu),
            Some(e) => Err(e),
        }
    }

    /// The decoder proper, for the session's receive path: the PDU is the return value
    /// itself and an error goes to `err` (the returned PDU is then a placeholder).
    /// Through a `Result<Pdu, _>` the caller's `Ok(pdu)` binding and every function
    /// taking that `pdu` copied all 272 octets of it.
    #[inline(always)]
    pub(crate) fn decode_frame_parts(
        frame: Bytes,
        lenient: bool,
        err: &mut Option<DecodeError>,
    ) -> Self {
        let Some(header) = Header::parse(&frame) else {
            return Self::failed(
                err,
                DecodeError::new(
                    None,
                    "command_length",
                    DecodeErrorKind::InvalidCommandLength(frame.len() as u32),
                    CommandStatus::InvCmdLen,
                ),
            );
        };
        if header.command_length as usize != frame.len() {
            return Self::failed(
                err,
                DecodeError::new(
                    Some(header),
                    "command_length",
                    DecodeErrorKind::InvalidCommandLength(header.command_length),
                    CommandStatus::InvCmdLen,
                ),
            );
        }
        let id = header.command_id;
        // Header-only bodies are built in place (no body to parse, nothing to move).
        let header_only = |body| Self {
            sequence: header.sequence,
            status: header.command_status,
            body,
        };
        match id {
            CommandId::EnquireLink => return header_only(Body::EnquireLink),
            CommandId::EnquireLinkResp => return header_only(Body::EnquireLinkResp),
            CommandId::Unbind => return header_only(Body::Unbind),
            CommandId::UnbindResp => return header_only(Body::UnbindResp),
            CommandId::GenericNack => return header_only(Body::GenericNack),
            CommandId::CancelSmResp => return header_only(Body::CancelSmResp),
            CommandId::ReplaceSmResp => return header_only(Body::ReplaceSmResp),
            _ => {}
        }
        let mut r = Reader::new(&frame, HEADER_LEN, header, lenient);
        // The hot bodies are wrapped straight into the result (through `Body::decode` a
        // `Body`, 256 octets, was copied several times).
        match id {
            CommandId::SubmitSm => {
                return match SubmitSm::decode(&mut r) {
                    Ok(v) => Self {
                        sequence: header.sequence,
                        status: header.command_status,
                        body: Body::SubmitSm(v),
                    },
                    Err(e) => Self::body_failed(header, e, err),
                };
            }
            CommandId::DeliverSm => {
                return match SubmitSm::decode(&mut r) {
                    Ok(v) => Self {
                        sequence: header.sequence,
                        status: header.command_status,
                        body: Body::DeliverSm(v),
                    },
                    Err(e) => Self::body_failed(header, e, err),
                };
            }
            CommandId::SubmitSmResp => {
                return match MessageIdResp::decode(&mut r) {
                    Ok(v) => Self {
                        sequence: header.sequence,
                        status: header.command_status,
                        body: Body::SubmitSmResp(v),
                    },
                    Err(e) => Self::body_failed(header, e, err),
                };
            }
            CommandId::DeliverSmResp => {
                return match MessageIdResp::decode(&mut r) {
                    Ok(v) => Self {
                        sequence: header.sequence,
                        status: header.command_status,
                        body: Body::DeliverSmResp(v),
                    },
                    Err(e) => Self::body_failed(header, e, err),
                };
            }
            _ => {}
        }
        match Body::decode(id, &mut r) {
            Ok(body) => Self {
                sequence: header.sequence,
                status: header.command_status,
                body,
            },
            Err(e) => Self::body_failed(header, e, err),
        }
    }

    /// The placeholder returned with an error by [`Pdu::decode_frame_parts`].
    #[cold]
    #[inline(never)]
    fn failed(err: &mut Option<DecodeError>, e: DecodeError) -> Self {
        *err = Some(e);
        Self::new(SequenceNumber(0), Body::GenericNack)
    }

    /// [`Pdu::body_error`] for [`Pdu::decode_frame_parts`].
    #[cold]
    #[inline(never)]
    fn body_failed(header: Header, e: DecodeError, err: &mut Option<DecodeError>) -> Self {
        match Self::body_error(header, e) {
            Ok(pdu) => pdu,
            Err(e) => Self::failed(err, e),
        }
    }

    /// A body that failed to decode: 3.4 says an error response carries no body, so
    /// whatever a peer put there is ignored; anything else is the error.
    #[cold]
    #[inline(never)]
    fn body_error(header: Header, e: DecodeError) -> Result<Self, DecodeError> {
        let id = header.command_id;
        if id.is_response() && !header.command_status.is_ok() {
            Ok(Self {
                sequence: header.sequence,
                status: header.command_status,
                body: Body::empty_response_for(id).unwrap_or(Body::GenericNack),
            })
        } else {
            Err(e)
        }
    }

    /// Exact encoded size, for a single `reserve`.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        if self.header_only() {
            return HEADER_LEN;
        }
        let mut c = Counter::default();
        // A body that cannot be encoded still has a length; `encode` reports the error.
        let _ = self.body.encode(&mut c);
        HEADER_LEN + c.0
    }

    fn header_only(&self) -> bool {
        !self.status.is_ok() && self.body.is_blank_response()
    }

    /// Appends the encoded PDU to `out`. On error nothing is appended.
    ///
    /// # Errors
    /// An [`EncodeError`] naming the field that breaks its limit.
    pub fn encode(&self, out: &mut BytesMut) -> Result<(), EncodeError> {
        Self::encode_parts(self.sequence, self.status, &self.body, out)
    }

    /// [`encode`](Self::encode) from the parts of a PDU, for callers that hold a body
    /// and would otherwise move it into a `Pdu` just to encode it (the session).
    #[inline]
    pub(crate) fn encode_parts(
        sequence: SequenceNumber,
        status: CommandStatus,
        body: &Body,
        out: &mut BytesMut,
    ) -> Result<(), EncodeError> {
        // One pass: the header with a zero length, then the body, checking every field
        // limit while writing; the length is patched in at the end. On error whatever
        // was written is cut off again. (Counting first and writing second walked the
        // body twice.)
        let status = status.value();
        let header_only = status != 0 && body.is_blank_response();
        let start = out.len();
        let mut header = [0u8; HEADER_LEN];
        for (dst, v) in
            header
                .chunks_exact_mut(4)
                .zip([0, body.command_id().value(), status, sequence.0])
        {
            dst.copy_from_slice(&v.to_be_bytes());
        }
        out.put_slice(&header);
        if !header_only {
            if let Err(e) = body.encode(&mut Checked(out)) {
                out.truncate(start);
                return Err(e);
            }
        }
        let Ok(len32) = u32::try_from(out.len() - start) else {
            out.truncate(start);
            return Err(EncodeError::PduTooLarge);
        };
        if let Some(dst) = out.get_mut(start..start + 4) {
            dst.copy_from_slice(&len32.to_be_bytes());
        }
        Ok(())
    }

    /// Encodes into a new buffer.
    ///
    /// # Errors
    /// An [`EncodeError`] naming the field that breaks its limit.
    pub fn to_bytes(&self) -> Result<Bytes, EncodeError> {
        let mut b = BytesMut::with_capacity(self.encoded_len());
        self.encode(&mut b)?;
        Ok(b.freeze())
    }
}

impl Body {
    fn empty_response_for(resp_id: CommandId) -> Option<Self> {
        let req = CommandId::from_value(resp_id.value() & !0x8000_0000);
        Self::empty_response(req)
    }
}
