//! Fuzz body for the receipt parser and formatter.

use std::time::{Duration, UNIX_EPOCH};

use crate::receipt::{
    self, ErrValue, FormatOptions, MessageState, ParseOutcome, ReceiptFields, TextMode, format,
    parse, parse_any,
};

/// Parses `data` as a receipt (single-byte and UTF-16 paths), then formats a receipt built from
/// the bytes and checks that parsing the result gives the same fields back.
pub fn receipt(data: &[u8]) {
    let _ = parse(data);
    let mut scratch = [0u8; 1024];
    let _ = parse_any(data, &mut scratch);
    pdu_paths(data);

    // A structure derived from the bytes.
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let id: Vec<u8> = data
        .iter()
        .skip(16)
        .take(24)
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    let id = if id.is_empty() { b"0".to_vec() } else { id };
    let text: Vec<u8> = data
        .iter()
        .skip(40)
        .copied()
        .filter(|c| (0x20..0x7F).contains(c))
        .take(30)
        .collect();
    let secs = 946_684_800
        + u64::from(u32::from_le_bytes([byte(0), byte(1), byte(2), byte(3)])) % 3_155_000_000;
    let t = UNIX_EPOCH + Duration::from_secs(secs);
    let fields = ReceiptFields {
        id: &id,
        sub: u32::from(byte(4)),
        dlvrd: u32::from(byte(5)),
        submit_date: t,
        done_date: t + Duration::from_secs(u64::from(byte(6)) * 60),
        state: MessageState::from_value(byte(7) % 10),
        err: u32::from(u16::from_le_bytes([byte(8), byte(9)])),
        text: &text,
    };
    let opts = FormatOptions {
        dates_with_seconds: byte(10) & 1 == 1,
        text: if byte(10) & 2 == 2 {
            TextMode::First20
        } else {
            TextMode::Omit
        },
        ..FormatOptions::default()
    };
    let mut buf = [0u8; 256];
    let Ok(n) = format(&fields, &opts, &mut buf) else {
        return;
    };
    let out = buf.get(..n).unwrap_or_default();
    let ParseOutcome::Receipt(r) = parse(out) else {
        panic!("formatted receipt did not parse")
    };
    assert_eq!(r.id, Some(&id[..]));
    assert_eq!(r.sub.and_then(|c| c.value), Some(fields.sub));
    assert_eq!(r.dlvrd.and_then(|c| c.value), Some(fields.dlvrd));
    assert_eq!(r.state(), Some(fields.state));
    assert_eq!(r.err.map(|e| e.value), Some(ErrValue::Decimal(fields.err)));
    let date = r
        .submit_date
        .and_then(|d| d.value)
        .and_then(|d| d.to_system_time(0));
    let expect = if opts.dates_with_seconds {
        secs
    } else {
        secs - secs % 60
    };
    assert_eq!(date, Some(UNIX_EPOCH + Duration::from_secs(expect)));
    if opts.text == TextMode::First20 {
        let want = text.get(..text.len().min(20)).unwrap_or_default();
        // trailing blanks before the end of input are kept verbatim
        assert_eq!(r.text, Some(want));
    } else {
        assert_eq!(r.text, None);
    }
    assert!(!receipt::looks_like_utf16be_ascii(out));
}

/// The PDU helpers over the same bytes: as `short_message` and as `message_payload`, with
/// receipt TLVs taken from the first octets.
fn pdu_paths(data: &[u8]) {
    use crate::pdu::{DataSm, DeliverSm, EsmClass, Tlv, TlvTag, Tlvs};
    use crate::receipt::{ReceiptOptions, from_data_sm, from_deliver_sm};

    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let tlvs = Tlvs::from_slice(&[
        Tlv::raw(TlvTag::ReceiptedMessageId, data.get(..8).unwrap_or(data)),
        Tlv::raw(TlvTag::MessageState, &[byte(0) % 12]),
        Tlv::raw(TlvTag::NetworkErrorCode, &[byte(1), byte(2), byte(3)]),
    ])
    .unwrap_or_default();
    let short = data.get(..data.len().min(254)).unwrap_or_default();
    let sm = DeliverSm::new("1", "2", short.to_vec())
        .with_esm_class(EsmClass(EsmClass::DELIVERY_RECEIPT))
        .with_tlvs(tlvs.clone());
    let mut scratch = Vec::new();
    let opts = ReceiptOptions::default();
    let Some(r) = from_deliver_sm(&sm, &opts, &mut scratch) else {
        panic!("esm_class 0x04 is a receipt")
    };
    if !short.is_empty() {
        assert_eq!(r.user_data, short);
    }
    assert!(!(r.unparsed && r.merged.text.is_some()));
    assert!(r.merged.state.is_some(), "message_state TLV always present");
    let mut payload_tlvs = tlvs;
    if payload_tlvs
        .push(&Tlv::message_payload(data.to_vec()))
        .is_ok()
    {
        let d = DataSm {
            esm_class: EsmClass(EsmClass::INTERMEDIATE_NOTIFICATION),
            tlvs: payload_tlvs,
            ..DataSm::default()
        };
        let mut scratch = Vec::new();
        let _ = from_data_sm(&d, &opts, &mut scratch);
    }
}
