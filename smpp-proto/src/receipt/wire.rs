//! From a decoded `deliver_sm` / `data_sm` to a [`MergedReceipt`]: the receipt TLVs read
//! straight from the PDU's TLV area, the text from `short_message` or `message_payload`.

use super::ReceiptKind;
use super::correlate::IdNotation;
use super::merge::{ErrQuirk, MergedReceipt, TlvValues, merge};
use super::parse::{ParseOutcome, looks_like_utf16be_ascii, parse, parse_any};
use crate::pdu::{DataSm, DeliverSm, TlvTag, Tlvs};

/// Per-peer settings for reading receipts out of PDUs.
///
/// The default (ids in the same notation on both sides, `err:` as written) suits most SMSCs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ReceiptOptions {
    /// How the peer writes message ids (used to compare the text `id:` with
    /// `receipted_message_id`).
    pub notation: IdNotation,
    /// How the peer writes `err:`.
    pub err_quirk: ErrQuirk,
}

/// A receipt read from a `deliver_sm` or `data_sm` by [`from_deliver_sm`] / [`from_data_sm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PduReceipt<'a> {
    /// Delivery receipt or intermediate notification (from `esm_class`).
    pub kind: ReceiptKind,
    /// Text and TLVs merged; [`MergedReceipt::text`] is the parsed text, if it parsed.
    pub merged: MergedReceipt<'a>,
    /// The user data the text was read from (`short_message`, else `message_payload`),
    /// verbatim.
    pub user_data: &'a [u8],
    /// The user data is not empty but is not an Appendix B text (e.g. an operator's
    /// comma-separated format); only the TLVs were used. The bytes are in `user_data`.
    pub unparsed: bool,
}

/// The receipt TLVs of a PDU, borrowed from its TLV area (nothing is allocated).
///
/// A `receipted_message_id` loses its terminating NUL (and anything after it); a TLV with a
/// length its definition forbids is ignored, except `receipted_message_id`, which is taken as
/// written.
pub fn tlv_values(tlvs: &Tlvs) -> TlvValues<'_> {
    let id = tlvs.value_ref(TlvTag::ReceiptedMessageId).map(|v| {
        let end = v.iter().position(|&b| b == 0).unwrap_or(v.len());
        v.get(..end).unwrap_or(v)
    });
    TlvValues {
        receipted_message_id: id,
        message_state: match tlvs.value_ref(TlvTag::MessageState) {
            Some(&[s]) => Some(s),
            _ => None,
        },
        network_error_code: match tlvs.value_ref(TlvTag::NetworkErrorCode) {
            Some(&[t, hi, lo]) => Some([t, hi, lo]),
            _ => None,
        },
        user_message_reference: match tlvs.value_ref(TlvTag::UserMessageReference) {
            Some(&[hi, lo]) => Some(u16::from_be_bytes([hi, lo])),
            _ => None,
        },
    }
}

/// Reads the receipt carried by a `deliver_sm`: `None` unless `esm_class` says it is a
/// delivery receipt or an intermediate notification.
///
/// The text is `short_message`, or `message_payload` when `short_message` is empty. It is
/// read from the raw octets whatever `data_coding` says (SMSCs copy the original message's
/// `data_coding` into receipts): first as single-byte text, then, if that finds no key and
/// the octets look like UTF-16BE, decoded into `scratch` (which is only grown in that case,
/// so an ASCII receipt allocates nothing). The TLVs `receipted_message_id`,
/// `message_state`, `network_error_code` and `user_message_reference` are merged over the
/// text with [`merge`]. A text that is not Appendix B never fails the call: it gives
/// [`PduReceipt::unparsed`] and the TLV values alone.
///
/// ```
/// use smpp_proto::pdu::{DeliverSm, EsmClass, Tlv, TlvTag, Tlvs};
/// use smpp_proto::receipt::{self, MessageState, ReceiptKind, ReceiptOptions, Source};
///
/// let text = b"id:0123456789 sub:001 dlvrd:001 submit date:2311231200 done date:2311231201 stat:DELIVRD err:000 text:Hi";
/// let sm = DeliverSm::new("4512345678", "MyShop", &text[..])
///     .with_esm_class(EsmClass(EsmClass::DELIVERY_RECEIPT))
///     .with_tlvs(Tlvs::from_slice(&[Tlv::u8(TlvTag::MessageState, 2)]).unwrap());
/// let mut scratch = Vec::new();
/// let r = receipt::from_deliver_sm(&sm, &ReceiptOptions::default(), &mut scratch).unwrap();
/// assert_eq!(r.kind, ReceiptKind::SmscDeliveryReceipt);
/// assert_eq!(r.merged.id.unwrap().value, b"0123456789");
/// assert_eq!(r.merged.state.unwrap().value, MessageState::Delivered);
/// assert_eq!(r.merged.state.unwrap().source, Source::Both);
/// assert!(r.merged.conflicts.is_empty());
/// ```
pub fn from_deliver_sm<'a>(
    sm: &'a DeliverSm,
    opts: &ReceiptOptions,
    scratch: &'a mut Vec<u8>,
) -> Option<PduReceipt<'a>> {
    let kind = ReceiptKind::from_esm_class(sm.esm_class.0)?;
    let data: &'a [u8] = if sm.short_message.is_empty() {
        sm.tlvs
            .value_ref(TlvTag::MessagePayload)
            .unwrap_or_default()
    } else {
        sm.short_message.as_ref()
    };
    Some(read(kind, data, &sm.tlvs, opts, scratch))
}

/// [`from_deliver_sm`] for a `data_sm` receipt (text in `message_payload`).
///
/// ```
/// use smpp_proto::pdu::{DataSm, EsmClass, Tlv, TlvTag, Tlvs};
/// use smpp_proto::receipt::{self, MessageState, ReceiptOptions};
///
/// let d = DataSm {
///     esm_class: EsmClass(EsmClass::DELIVERY_RECEIPT),
///     tlvs: Tlvs::from_slice(&[
///         Tlv::message_payload(&b"id:77 stat:UNDELIV err:051\0"[..]),
///         Tlv::cstring(TlvTag::ReceiptedMessageId, "77"),
///     ]).unwrap(),
///     ..DataSm::default()
/// };
/// let mut scratch = Vec::new();
/// let r = receipt::from_data_sm(&d, &ReceiptOptions::default(), &mut scratch).unwrap();
/// assert_eq!(r.merged.state.unwrap().value, MessageState::Undeliverable);
/// assert_eq!(r.merged.error.unwrap().value, 51);
/// ```
pub fn from_data_sm<'a>(
    d: &'a DataSm,
    opts: &ReceiptOptions,
    scratch: &'a mut Vec<u8>,
) -> Option<PduReceipt<'a>> {
    let kind = ReceiptKind::from_esm_class(d.esm_class.0)?;
    let data = d.tlvs.value_ref(TlvTag::MessagePayload).unwrap_or_default();
    Some(read(kind, data, &d.tlvs, opts, scratch))
}

fn read<'a>(
    kind: ReceiptKind,
    data: &'a [u8],
    tlvs: &'a Tlvs,
    opts: &ReceiptOptions,
    scratch: &'a mut Vec<u8>,
) -> PduReceipt<'a> {
    let outcome = match parse(data) {
        ParseOutcome::Unparsed(_) if looks_like_utf16be_ascii(data) => {
            // Every UTF-16 code unit becomes at most 3 UTF-8 bytes.
            let need = data.len() / 2 * 3;
            if scratch.len() < need {
                scratch.resize(need, 0);
            }
            parse_any(data, scratch.as_mut_slice())
        }
        other => other,
    };
    let (text, unparsed) = match outcome {
        ParseOutcome::Receipt(r) => (Some(r), false),
        ParseOutcome::Unparsed(raw) => (None, !is_blank(raw)),
    };
    PduReceipt {
        kind,
        merged: merge(
            text.as_ref(),
            &tlv_values(tlvs),
            &opts.notation,
            opts.err_quirk,
        ),
        user_data: data,
        unparsed,
    }
}

/// Empty, or only NULs and blanks: no text at all rather than an unparsable one.
fn is_blank(b: &[u8]) -> bool {
    b.iter()
        .all(|&c| matches!(c, 0 | b' ' | b'\t' | b'\r' | b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdu::{DataCoding, EsmClass, Tlv};
    use crate::receipt::{Conflicts, IdFormat, MessageState, Source};

    const STD: &[u8] = b"id:0123456789 sub:001 dlvrd:001 submit date:2311231200 done date:2311231201 stat:DELIVRD err:000 text:Hello";

    fn dl(esm: u8, sm: &[u8], tlvs: &[Tlv]) -> DeliverSm {
        DeliverSm::new("4512345678", "MyShop", sm.to_vec())
            .with_esm_class(EsmClass(esm))
            .with_tlvs(Tlvs::from_slice(tlvs).unwrap())
    }

    fn receipt_tlvs(id: &'static str, state: u8) -> Vec<Tlv> {
        vec![
            Tlv::cstring(TlvTag::ReceiptedMessageId, id),
            Tlv::u8(TlvTag::MessageState, state),
            Tlv::raw(TlvTag::NetworkErrorCode, &[3, 0, 0]),
            Tlv::u16(TlvTag::UserMessageReference, 0x1234),
        ]
    }

    #[test]
    fn not_a_receipt() {
        let mut s = Vec::new();
        let opts = ReceiptOptions::default();
        assert!(from_deliver_sm(&dl(0, STD, &[]), &opts, &mut s).is_none());
        assert!(from_deliver_sm(&dl(0x0C, STD, &[]), &opts, &mut s).is_none());
        let d = DataSm::default();
        assert!(from_data_sm(&d, &opts, &mut s).is_none());
    }

    #[test]
    fn text_and_agreeing_tlvs() {
        let sm = dl(0x04, STD, &receipt_tlvs("0123456789", 2));
        let mut s = Vec::new();
        let r = from_deliver_sm(&sm, &ReceiptOptions::default(), &mut s).unwrap();
        assert_eq!(r.kind, ReceiptKind::SmscDeliveryReceipt);
        assert!(!r.unparsed);
        assert_eq!(r.user_data, STD);
        let m = r.merged;
        assert!(m.conflicts.is_empty());
        assert_eq!(m.id.unwrap().source, Source::Both);
        assert_eq!(m.id.unwrap().value, b"0123456789");
        assert_eq!(m.state.unwrap().value, MessageState::Delivered);
        assert_eq!(m.error.unwrap().value, 0);
        assert_eq!(m.network_error_code, Some([3, 0, 0]));
        assert_eq!(m.user_message_reference, Some(0x1234));
        assert_eq!(m.text.unwrap().text, Some(&b"Hello"[..]));
        assert!(s.is_empty(), "scratch untouched for ASCII");
    }

    #[test]
    fn conflicting_state_is_flagged_and_tlv_wins() {
        let sm = dl(0x04, STD, &receipt_tlvs("0123456789", 5));
        let mut s = Vec::new();
        let m = from_deliver_sm(&sm, &ReceiptOptions::default(), &mut s)
            .unwrap()
            .merged;
        assert_eq!(m.conflicts, Conflicts::STATE);
        assert_eq!(m.state.unwrap().value, MessageState::Undeliverable);
    }

    #[test]
    fn tlv_only_and_intermediate() {
        let sm = dl(0x20, b"", &receipt_tlvs("abc", 1));
        let mut s = Vec::new();
        let r = from_deliver_sm(&sm, &ReceiptOptions::default(), &mut s).unwrap();
        assert_eq!(r.kind, ReceiptKind::IntermediateNotification);
        assert!(!r.unparsed);
        assert_eq!(r.merged.text, None);
        assert_eq!(r.merged.id.unwrap().source, Source::Tlv);
        assert_eq!(r.merged.state.unwrap().value, MessageState::Enroute);
    }

    #[test]
    fn message_payload_when_short_message_is_empty() {
        let mut tlvs = vec![Tlv::message_payload(STD.to_vec())];
        tlvs.extend(receipt_tlvs("123456789", 2));
        let sm = dl(0x04, b"", &tlvs);
        let mut s = Vec::new();
        let r = from_deliver_sm(&sm, &ReceiptOptions::default(), &mut s).unwrap();
        assert_eq!(r.user_data, STD);
        assert_eq!(r.merged.id.unwrap().source, Source::Both);
        // zero padding does not make a conflict
        assert!(r.merged.conflicts.is_empty());
    }

    #[test]
    fn ucs2_labelled_ascii_and_real_utf16() {
        // ASCII octets labelled UCS-2: read as ASCII, scratch untouched.
        let sm = dl(0x04, STD, &[]).with_data_coding(DataCoding(0x08));
        let mut s = Vec::new();
        let r = from_deliver_sm(&sm, &ReceiptOptions::default(), &mut s).unwrap();
        assert_eq!(r.merged.id.unwrap().value, b"0123456789");
        assert!(!r.merged.text.unwrap().utf16);
        assert!(s.is_empty());
        // Real UTF-16BE, labelled or not.
        let text = std::str::from_utf8(STD).unwrap();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for dc in [0x00, 0x08] {
            let sm = dl(0x04, &be, &[]).with_data_coding(DataCoding(dc));
            let mut s = Vec::new();
            let r = from_deliver_sm(&sm, &ReceiptOptions::default(), &mut s).unwrap();
            let t = r.merged.text.unwrap();
            assert!(t.utf16);
            assert_eq!(t.text, Some(&b"Hello"[..]));
            assert_eq!(r.merged.state.unwrap().value, MessageState::Delivered);
        }
    }

    #[test]
    fn unparsed_text_keeps_tlvs() {
        let comma = b"00,0210021543,0210021500,,447887123456,1";
        let sm = dl(0x04, comma, &receipt_tlvs("x1", 2));
        let mut s = Vec::new();
        let r = from_deliver_sm(&sm, &ReceiptOptions::default(), &mut s).unwrap();
        assert!(r.unparsed);
        assert_eq!(r.user_data, comma);
        assert_eq!(r.merged.text, None);
        assert_eq!(r.merged.id.unwrap().value, b"x1");
        // A lone NUL is no text, not an unparsable one.
        let sm = dl(0x04, b"\0", &[]);
        let r = from_deliver_sm(&sm, &ReceiptOptions::default(), &mut s).unwrap();
        assert!(!r.unparsed);
        assert_eq!(r.merged.state, None);
    }

    #[test]
    fn data_sm_and_options() {
        let d = DataSm {
            esm_class: EsmClass(0x04),
            tlvs: Tlvs::from_slice(&[
                Tlv::message_payload(&b"id:862224236 stat:UNDELIV err:126\0"[..]),
                Tlv::cstring(TlvTag::ReceiptedMessageId, "33647f6c"),
            ])
            .unwrap(),
            ..DataSm::default()
        };
        let opts = ReceiptOptions {
            notation: IdNotation {
                submit_resp: IdFormat::Hex,
                receipt: IdFormat::Decimal,
            },
            err_quirk: ErrQuirk::GatewayApi,
        };
        let mut s = Vec::new();
        let m = from_data_sm(&d, &opts, &mut s).unwrap().merged;
        assert!(m.conflicts.is_empty());
        assert_eq!(m.id.unwrap().value, b"33647f6c");
        assert_eq!(m.error.unwrap().value, 0x107E);
        // the same ids conflict without the notation
        let m = from_data_sm(&d, &ReceiptOptions::default(), &mut s)
            .unwrap()
            .merged;
        assert_eq!(m.conflicts, Conflicts::ID);
        assert_eq!(m.error.unwrap().value, 126);
    }

    #[test]
    fn tlv_values_tolerate_odd_lengths() {
        let t = Tlvs::from_slice(&[
            Tlv::raw(TlvTag::ReceiptedMessageId, b"abc"),
            Tlv::raw(TlvTag::MessageState, &[2, 0]),
            Tlv::raw(TlvTag::NetworkErrorCode, &[3, 0]),
            Tlv::raw(TlvTag::UserMessageReference, &[1]),
        ])
        .unwrap();
        let v = tlv_values(&t);
        assert_eq!(v.receipted_message_id, Some(&b"abc"[..]));
        assert_eq!(
            (
                v.message_state,
                v.network_error_code,
                v.user_message_reference
            ),
            (None, None, None)
        );
        assert_eq!(tlv_values(&Tlvs::new()), TlvValues::default());
    }
}
