//! Fixtures shared by the `codec` (criterion) and `codec_callgrind` benches: the wire
//! images of the benchmarked PDUs, our prebuilt `Pdu` values, and thin adapters that
//! drive the two baseline codecs (`rusmpp` 0.4 and `smpp34` 1.5) on the same bytes.
//!
//! Every wire image is written here octet by octet (not by any of the codecs under
//! test); each codec must decode it and re-encode it to exactly the same octets, which
//! [`Case::check`] asserts before anything is measured.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use smpp_proto::pdu::{
    Body, DataCoding, EsmClass, MessageIdResp, Pdu, RegisteredDelivery, SequenceNumber, SubmitSm,
    Tlv, TlvTag, Tlvs,
};

/// The 59-octet text of the submit_sm.
pub(crate) const SUBMIT_TEXT: &[u8; 59] =
    b"Your verification code is 482913. It expires in 10 minutes.";
/// The SMSC message id used by submit_sm_resp and the receipt.
pub(crate) const MESSAGE_ID: &str = "3fa85f6457";
/// The Appendix B receipt text.
pub(crate) const RECEIPT_TEXT: &[u8] = b"id:3fa85f6457 sub:001 dlvrd:001 submit date:2511231200 \
done date:2511231201 stat:DELIVRD err:000 text:Your verification co";

/// The benchmarked PDUs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Case {
    /// A 125-octet submit_sm with two TLVs.
    SubmitSm,
    /// A deliver_sm delivery receipt (esm_class 0x04) with receipted_message_id and
    /// message_state.
    DeliverSmReceipt,
    /// A submit_sm_resp carrying a message id.
    SubmitSmResp,
    /// An enquire_link (header only).
    EnquireLink,
}

impl Case {
    /// All cases, in report order.
    pub(crate) const ALL: [Self; 4] = [
        Self::SubmitSm,
        Self::DeliverSmReceipt,
        Self::SubmitSmResp,
        Self::EnquireLink,
    ];

    /// The `<pdu>` part of the bench names.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::SubmitSm => "submit_sm",
            Self::DeliverSmReceipt => "deliver_sm_receipt",
            Self::SubmitSmResp => "submit_sm_resp",
            Self::EnquireLink => "enquire_link",
        }
    }

    /// The case with this name.
    #[allow(dead_code, reason = "only the callgrind bench looks cases up by name")]
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The wire image, hand-assembled.
    pub(crate) fn wire(self) -> Vec<u8> {
        match self {
            Self::SubmitSm => {
                let mut w = Wire::default();
                w.cstr(""); // service_type
                w.u8(5).u8(0).cstr("MyCompany"); // source: alphanumeric
                w.u8(1).u8(1).cstr("491701234567"); // destination: international/ISDN
                w.u8(0).u8(0).u8(0); // esm_class, protocol_id, priority_flag
                w.cstr("").cstr(""); // schedule_delivery_time, validity_period
                w.u8(1).u8(0).u8(0).u8(0); // registered_delivery, replace, data_coding, default_msg_id
                w.sm(SUBMIT_TEXT);
                w.tlv(0x0204, &0x1234u16.to_be_bytes()); // user_message_reference
                w.tlv(0x020A, &9200u16.to_be_bytes()); // source_port
                let v = w.finish(0x0000_0004, 0, 7);
                assert_eq!(v.len(), 125, "the submit_sm must be 125 octets");
                v
            }
            Self::DeliverSmReceipt => {
                let mut w = Wire::default();
                w.cstr("");
                w.u8(1).u8(1).cstr("491701234567"); // source: the handset
                w.u8(5).u8(0).cstr("MyCompany"); // destination: the original sender
                w.u8(0x04).u8(0).u8(0); // esm_class: SMSC delivery receipt
                w.cstr("").cstr("");
                w.u8(0).u8(0).u8(0).u8(0);
                w.sm(RECEIPT_TEXT);
                let mut id = MESSAGE_ID.as_bytes().to_vec();
                id.push(0);
                w.tlv(0x001E, &id); // receipted_message_id
                w.tlv(0x0427, &[2]); // message_state: DELIVERED
                w.finish(0x0000_0005, 0, 1_000_001)
            }
            Self::SubmitSmResp => {
                let mut w = Wire::default();
                w.cstr(MESSAGE_ID);
                w.finish(0x8000_0004, 0, 7)
            }
            Self::EnquireLink => Wire::default().finish(0x0000_0015, 0, 42),
        }
    }

    /// The wire image as a session hands it to `Pdu::decode`: a slice of a shared
    /// buffer (not the "promotable" `Vec` kind of `Bytes`), so that cloning it is one
    /// atomic increment.
    pub(crate) fn frame(self) -> Bytes {
        let wire = self.wire();
        let mut buf = BytesMut::with_capacity(4096);
        buf.put_slice(&wire);
        buf.put_slice(&[0u8; 64]); // the start of a next PDU in the read buffer
        let frame = buf.split_to(wire.len()).freeze();
        assert_eq!(frame, wire);
        frame
    }

    /// Our `Pdu` value for this case, built with the public API.
    pub(crate) fn ours(self) -> Pdu {
        match self {
            Self::SubmitSm => {
                let tlvs = Tlvs::from_slice(&[
                    Tlv::u16(TlvTag::UserMessageReference, 0x1234),
                    Tlv::u16(TlvTag::SourcePort, 9200),
                ])
                .expect("valid TLVs");
                let sm = SubmitSm::new("MyCompany", "491701234567", &SUBMIT_TEXT[..])
                    .with_registered_delivery(RegisteredDelivery::FINAL)
                    .with_data_coding(DataCoding::DEFAULT)
                    .with_tlvs(tlvs);
                Pdu::new(SequenceNumber(7), Body::SubmitSm(sm))
            }
            Self::DeliverSmReceipt => {
                let tlvs = Tlvs::from_slice(&[
                    Tlv::cstring(TlvTag::ReceiptedMessageId, MESSAGE_ID),
                    Tlv::u8(TlvTag::MessageState, 2),
                ])
                .expect("valid TLVs");
                let mut sm = SubmitSm::new("491701234567", "", RECEIPT_TEXT)
                    .with_esm_class(EsmClass(EsmClass::DELIVERY_RECEIPT))
                    .with_tlvs(tlvs);
                let alnum = SubmitSm::new("MyCompany", "", Bytes::new());
                sm.dest_addr_ton = alnum.source_addr_ton;
                sm.dest_addr_npi = alnum.source_addr_npi;
                sm.destination_addr = alnum.source_addr;
                Pdu::new(SequenceNumber(1_000_001), Body::DeliverSm(sm))
            }
            Self::SubmitSmResp => Pdu::new(
                SequenceNumber(7),
                Body::SubmitSmResp(MessageIdResp::new(MESSAGE_ID)),
            ),
            Self::EnquireLink => Pdu::new(SequenceNumber(42), Body::EnquireLink),
        }
    }

    /// Asserts that all three codecs decode the wire image and re-encode it exactly, and
    /// that our prebuilt value is what we decode.
    pub(crate) fn check(self) {
        let wire = self.wire();
        let ours = self.ours();
        assert_eq!(Pdu::decode(self.frame()).expect("ours decodes"), ours);
        let mut out = BytesMut::new();
        ours.encode(&mut out).expect("ours encodes");
        assert_eq!(&out[..], &wire[..], "ours: {}", self.name());
        assert_eq!(ours.encoded_len(), wire.len());

        let r = rusmpp_decode(&mut rusmpp_input(&wire)).expect("rusmpp decodes");
        assert!(r.pdu().is_some() || self == Self::EnquireLink);
        let mut out = BytesMut::new();
        rusmpp_encode(&r, &mut out);
        assert_eq!(&out[..], &wire[..], "rusmpp: {}", self.name());

        let s = Smpp34Pdu::decode(&wire).expect("smpp34 decodes");
        assert_eq!(s.clone().encode(), wire, "smpp34: {}", self.name());
    }
}

/// Hand assembly of a PDU.
#[derive(Default)]
struct Wire(Vec<u8>);

impl Wire {
    fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    fn cstr(&mut self, s: &str) -> &mut Self {
        self.0.extend_from_slice(s.as_bytes());
        self.0.push(0);
        self
    }
    fn sm(&mut self, v: &[u8]) -> &mut Self {
        self.0
            .push(u8::try_from(v.len()).expect("short_message fits"));
        self.0.extend_from_slice(v);
        self
    }
    fn tlv(&mut self, tag: u16, v: &[u8]) -> &mut Self {
        self.0.extend_from_slice(&tag.to_be_bytes());
        self.0
            .extend_from_slice(&u16::try_from(v.len()).expect("fits").to_be_bytes());
        self.0.extend_from_slice(v);
        self
    }
    fn finish(&self, command_id: u32, status: u32, seq: u32) -> Vec<u8> {
        let len = u32::try_from(16 + self.0.len()).expect("fits");
        let mut v = Vec::with_capacity(len as usize);
        for w in [len, command_id, status, seq] {
            v.extend_from_slice(&w.to_be_bytes());
        }
        v.extend_from_slice(&self.0);
        v
    }
}

// ---------------------------------------------------------------- rusmpp 0.4 (owned API)

/// rusmpp's input: the frame in a `BytesMut` that is already of the shared ("Arc")
/// kind, as its tokio `CommandCodec` read buffer is after the first frame, so that the
/// `split_to` calls of its decoder are reference-count increments, not a promotion.
pub(crate) fn rusmpp_input(wire: &[u8]) -> BytesMut {
    let mut b = BytesMut::with_capacity(wire.len());
    b.put_slice(wire);
    drop(b.split_to(0));
    b
}

/// What rusmpp's `CommandCodec::decode` does once a whole frame is buffered: read
/// `command_length`, then `Command::decode` the rest (without its `tracing` calls,
/// which are compiled out when the feature is off).
#[inline]
pub(crate) fn rusmpp_decode(
    src: &mut BytesMut,
) -> Result<rusmpp::Command, rusmpp::decode::DecodeError> {
    use rusmpp::decode::DecodeWithLength;
    let command_length = src.get_u32() as usize;
    rusmpp::Command::decode(src, command_length - 4).map(|(c, _)| c)
}

/// What rusmpp's `CommandCodec` encoder does: reserve, write `command_length`, encode.
#[inline]
pub(crate) fn rusmpp_encode(cmd: &rusmpp::Command, dst: &mut BytesMut) {
    use rusmpp::encode::{Length, owned::Encode};
    let command_length = 4 + cmd.length();
    dst.reserve(command_length);
    dst.put_u32(u32::try_from(command_length).expect("fits"));
    cmd.encode(dst);
}

// ---------------------------------------------------------------- smpp34 1.5

/// smpp34 has one type per PDU and no enum over them; this wraps the four used here.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant, reason = "mirrors smpp34's own types")]
pub(crate) enum Smpp34Pdu {
    /// submit_sm.
    SubmitSm(smpp34::submit_sm),
    /// deliver_sm.
    DeliverSm(smpp34::deliver_sm),
    /// submit_sm_resp.
    SubmitSmResp(smpp34::submit_sm_resp),
    /// enquire_link.
    EnquireLink(smpp34::enquire_link),
}

impl Smpp34Pdu {
    /// `CommandHeader::decode` then the body decoder for the command id (what smpp34's
    /// session does with a frame).
    #[inline]
    pub(crate) fn decode(frame: &[u8]) -> Result<Self, smpp34::SmppError> {
        let h = smpp34::CommandHeader::decode(frame)?;
        Ok(match h.command_id {
            0x0000_0004 => Self::SubmitSm(smpp34::submit_sm::decode(h, frame)?),
            0x0000_0005 => Self::DeliverSm(smpp34::deliver_sm::decode(h, frame)?),
            0x8000_0004 => Self::SubmitSmResp(smpp34::submit_sm_resp::decode(h, frame)?),
            0x0000_0015 => Self::EnquireLink(smpp34::enquire_link::decode(h, frame)?),
            _ => return Err(smpp34::SmppError::ESME_RINVCMDID),
        })
    }

    /// smpp34's `encode(self) -> Vec<u8>` (it consumes the PDU and returns a new `Vec`).
    #[inline]
    pub(crate) fn encode(self) -> Vec<u8> {
        match self {
            Self::SubmitSm(p) => p.encode(),
            Self::DeliverSm(p) => p.encode(),
            Self::SubmitSmResp(p) => p.encode(),
            Self::EnquireLink(p) => p.encode(),
        }
    }
}
