//! Malformed input: every fixture truncated at every offset, every length field too
//! small or too large, C-strings without NUL or over their maximum, TLV lengths overrunning
//! the body, unknown command ids, huge command_length. Never a panic; always the status
//! a peer should answer.

mod common;

use bytes::{Bytes, BytesMut};
use common::{all_fixtures, fixture};
use smpp_proto::pdu::*;

fn with_len(mut raw: Vec<u8>) -> Bytes {
    let len = raw.len() as u32;
    raw[..4].copy_from_slice(&len.to_be_bytes());
    Bytes::from(raw)
}

#[test]
fn truncated_at_every_offset_needs_more_or_errors() {
    for (name, raw) in all_fixtures() {
        for cut in 0..raw.len() {
            // The framer: a prefix is never a frame.
            let r = peek_frame(&raw[..cut], &FrameLimits::default());
            assert!(matches!(r, Ok(None)), "{name} cut {cut}: {r:?}");
            // The body decoder, given the short slice as if it were a whole frame with a
            // corrected length: an error or a (lenient) PDU, never a panic.
            if cut >= 16 {
                let frame = with_len(raw[..cut].to_vec());
                let _ = Pdu::decode(frame.clone());
                let _ = Pdu::decode_with(frame, &DecodeOptions::lenient());
                // Without correcting command_length, the length mismatch is refused.
                let e = Pdu::decode(raw.slice(..cut)).unwrap_err();
                assert_eq!(
                    e.command_status(),
                    CommandStatus::InvCmdLen,
                    "{name} cut {cut}"
                );
            } else {
                let e = Pdu::decode(raw.slice(..cut)).unwrap_err();
                assert_eq!(e.header, None);
                assert_eq!(e.reply_kind(), ReplyKind::GenericNack);
            }
        }
    }
}

#[test]
fn truncated_mandatory_fields_answer_invcmdlen_in_own_response() {
    let raw = fixture("submit_sm");
    // Cut inside destination_addr and fix the length: the NUL is missing.
    let frame = with_len(raw[..16 + 1 + 2 + 7 + 2 + 4].to_vec());
    let e = Pdu::decode(frame).unwrap_err();
    assert_eq!(e.field, "destination_addr");
    assert_eq!(e.kind, DecodeErrorKind::Truncated);
    assert_eq!(e.command_status(), CommandStatus::InvCmdLen);
    assert_eq!(e.reply_kind(), ReplyKind::Response);
    assert_eq!(e.header.unwrap().sequence, SequenceNumber(10));
}

#[test]
fn command_length_field_too_small_or_too_large() {
    for (name, raw) in all_fixtures() {
        let mut v = raw.to_vec();
        // One less than the frame: the frame is shorter than the bytes given.
        let real = raw.len() as u32;
        for bad in [real - 1, real + 1] {
            v[..4].copy_from_slice(&bad.to_be_bytes());
            let e = Pdu::decode(Bytes::from(v.clone())).unwrap_err();
            assert_eq!(e.command_status(), CommandStatus::InvCmdLen, "{name} {bad}");
            assert!(e.header.is_some());
        }
    }
}

#[test]
fn framer_refuses_bad_lengths_before_allocating() {
    let limits = FrameLimits::default();
    for len in [0u32, 1, 15, limits.max_pdu_len + 1, u32::MAX] {
        let mut hdr = len.to_be_bytes().to_vec();
        // Refused with only the 4 length octets present.
        let e = peek_frame(&hdr, &limits).unwrap_err();
        assert_eq!(e.command_length, len);
        assert_eq!(e.command_status(), CommandStatus::InvCmdLen);
        assert_eq!(e.header, None);
        // With a whole header, it is carried for the generic_nack.
        hdr.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 9]);
        let e = peek_frame(&hdr, &limits).unwrap_err();
        assert_eq!(e.header.unwrap().sequence, SequenceNumber(9));
        // The decoder reserves nothing for it.
        let mut d = FrameDecoder::new(limits);
        d.push(&hdr);
        assert!(d.next_frame().is_err());
        assert!(d.capacity() < 1024, "capacity {}", d.capacity());
        assert!(d.next_frame().is_err(), "sticky");
    }
    // 16 and the maximum are accepted.
    assert!(peek_frame(&16u32.to_be_bytes(), &limits).unwrap().is_none());
    assert!(
        peek_frame(&limits.max_pdu_len.to_be_bytes(), &limits)
            .unwrap()
            .is_none()
    );
    // A valid large length reserves only what the frame needs.
    let mut d = FrameDecoder::new(limits);
    d.push(&limits.max_pdu_len.to_be_bytes());
    assert!(d.next_frame().unwrap().is_none());
    assert!(d.capacity() >= limits.max_pdu_len as usize);
}

#[test]
fn configurable_maximum() {
    let limits = FrameLimits { max_pdu_len: 100 };
    let raw = fixture("deliver_sm_receipt");
    assert!(raw.len() > 100);
    assert!(peek_frame(&raw, &limits).is_err());
    assert!(peek_frame(&raw, &FrameLimits::default()).unwrap().is_some());
}

fn submit_with(source: &[u8]) -> Bytes {
    let mut v = vec![0u8; 16];
    v[4..8].copy_from_slice(&4u32.to_be_bytes());
    v[12..16].copy_from_slice(&5u32.to_be_bytes());
    v.push(0); // service_type
    v.extend_from_slice(&[1, 1]);
    v.extend_from_slice(source);
    v.extend_from_slice(&[1, 1, b'1', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    with_len(v)
}

#[test]
fn c_string_over_its_maximum_gets_the_field_status() {
    // 20 characters + NUL is the maximum for source_addr.
    let mut ok = vec![b'1'; 20];
    ok.push(0);
    assert!(Pdu::decode(submit_with(&ok)).is_ok());
    let mut long = vec![b'1'; 21];
    long.push(0);
    let e = Pdu::decode(submit_with(&long)).unwrap_err();
    assert_eq!(
        (e.field, e.command_status()),
        ("source_addr", CommandStatus::InvSrcAdr)
    );
    assert_eq!(e.kind, DecodeErrorKind::TooLong { max: 21 });
}

#[test]
fn field_specific_statuses() {
    // system_id over 15 characters in a bind.
    let mut v = vec![0u8; 16];
    v[4..8].copy_from_slice(&2u32.to_be_bytes());
    v.extend_from_slice(&[b'a'; 20]);
    v.extend_from_slice(&[0, 0, 0, 0x34, 0, 0, 0]);
    let e = Pdu::decode(with_len(v)).unwrap_err();
    assert_eq!(e.command_status(), CommandStatus::InvSysId);
    // A password of 12 characters is accepted (providers issue them).
    let mut v = vec![0u8; 16];
    v[4..8].copy_from_slice(&2u32.to_be_bytes());
    v.extend_from_slice(b"user\0abcdefghijkl\0\0\x34\0\0\0");
    let Body::BindTransmitter(b) = Pdu::decode(with_len(v)).unwrap().body else {
        panic!()
    };
    assert_eq!(b.password, "abcdefghijkl");
    // submit_multi: 0 destinations and an unknown dest_flag.
    let raw = fixture("submit_multi").to_vec();
    let n_at = 16 + 1 + 2 + 11;
    assert_eq!(raw[n_at], 3);
    let mut zero = raw.clone();
    zero[n_at] = 0;
    assert_eq!(
        Pdu::decode(Bytes::from(zero)).unwrap_err().command_status(),
        CommandStatus::InvNumDests
    );
    let mut flag = raw.clone();
    flag[n_at + 1] = 7;
    assert_eq!(
        Pdu::decode(Bytes::from(flag)).unwrap_err().command_status(),
        CommandStatus::InvDestFlag
    );
    // schedule_delivery_time over 16 characters.
    let raw = fixture("submit_sm_udh_tlvs").to_vec();
    let at = raw
        .windows(17)
        .position(|w| w == b"150203040506708+\0")
        .unwrap();
    let mut sched = raw[..at].to_vec();
    sched.extend_from_slice(b"1502030405067080+\0");
    sched.extend_from_slice(&raw[at + 17..]);
    let e = Pdu::decode(with_len(sched)).unwrap_err();
    assert_eq!(e.command_status(), CommandStatus::InvSched);
}

#[test]
fn sm_length_past_the_end() {
    let raw = fixture("submit_sm").to_vec();
    let mut v = raw.clone();
    let at = v.len() - 12; // sm_length octet (11-octet text follows)
    assert_eq!(v[at], 11);
    v[at] = 200;
    let e = Pdu::decode(Bytes::from(v)).unwrap_err();
    assert_eq!(
        (e.field, e.command_status()),
        ("short_message", CommandStatus::InvCmdLen)
    );
}

#[test]
fn tlv_length_overrunning_the_body() {
    let raw = fixture("deliver_sm_receipt").to_vec();
    // Last TLV is network_error_code (4 + 3 octets); claim 0x41 octets.
    let mut v = raw.clone();
    let at = v.len() - 5;
    v[at..at + 2].copy_from_slice(&0x41u16.to_be_bytes());
    let e = Pdu::decode(Bytes::from(v.clone())).unwrap_err();
    assert_eq!(e.command_status(), CommandStatus::InvOptParStream);
    assert_eq!(e.reply_kind(), ReplyKind::Response);
    // Lenient: the receipt survives, the broken tail is kept verbatim.
    let p = Pdu::decode_with(Bytes::from(v.clone()), &DecodeOptions::lenient()).unwrap();
    let Body::DeliverSm(d) = &p.body else {
        panic!()
    };
    assert_eq!(d.tlvs.message_state(), Some(MessageState::Delivered));
    assert_eq!(d.tlvs.network_error_code(), None);
    assert_eq!(d.tlvs.trailing().len(), 7);
    assert_eq!(p.to_bytes().unwrap(), Bytes::from(v));
}

#[test]
fn known_tlv_with_wrong_length() {
    let raw = fixture("deliver_sm_receipt").to_vec();
    // message_state (0x0427) with 2 octets instead of 1.
    let mut v = raw.clone();
    let at = v.windows(4).position(|w| w == [0x04, 0x27, 0, 1]).unwrap();
    v[at + 3] = 2;
    v.insert(at + 5, 0);
    let v = with_len(v).to_vec();
    let e = Pdu::decode(Bytes::from(v.clone())).unwrap_err();
    assert_eq!(e.command_status(), CommandStatus::InvParLen);
    assert_eq!(
        e.kind,
        DecodeErrorKind::TlvLength {
            tag: 0x0427,
            len: 2
        }
    );
    let p = Pdu::decode_with(Bytes::from(v.clone()), &DecodeOptions::lenient()).unwrap();
    let Body::DeliverSm(d) = &p.body else {
        panic!()
    };
    assert_eq!(d.tlvs.message_state(), None, "malformed value is not typed");
    assert_eq!(
        d.tlvs.get(TlvTag::MessageState),
        Some(TlvValue::Raw(Bytes::from_static(&[2, 0])))
    );
    assert_eq!(p.to_bytes().unwrap(), Bytes::from(v), "kept byte-exact");
}

#[test]
fn unknown_command_id_is_kept_and_answered_with_generic_nack() {
    let raw = fixture("unknown_command");
    let p = Pdu::decode(raw.clone()).unwrap();
    assert_eq!(p.to_bytes().unwrap(), raw);
    assert_eq!(
        p.command_id().response(),
        Some(CommandId::Unknown(0x8001_0203))
    );
    // An unknown *response* id is never answered.
    let mut v = raw.to_vec();
    v[4] = 0x80;
    let p = Pdu::decode(Bytes::from(v)).unwrap();
    assert!(p.command_id().is_response());
    assert_eq!(p.command_id().response(), None);
}

#[test]
fn reply_kinds() {
    // Malformed outbind: close; malformed alert_notification: nothing; response: nothing.
    for (cid, kind) in [
        (0x0000_000Bu32, ReplyKind::Close),
        (0x0000_0102, ReplyKind::Nothing),
        (0x8000_0004, ReplyKind::Nothing),
        (0x0000_0004, ReplyKind::Response),
    ] {
        let mut v = vec![0u8; 16];
        v[4..8].copy_from_slice(&cid.to_be_bytes());
        v.extend_from_slice(b"abc"); // no NUL anywhere
        let e = Pdu::decode(with_len(v)).unwrap_err();
        assert_eq!(e.reply_kind(), kind, "{cid:#x}");
    }
}

#[test]
fn error_responses_with_empty_nul_or_junk_bodies() {
    for body in [&b""[..], b"\0", b"00000000\0", b"\xff\xff"] {
        let mut v = vec![0u8; 16];
        v[4..8].copy_from_slice(&0x8000_0004u32.to_be_bytes());
        v[8..12].copy_from_slice(&0x0Au32.to_be_bytes());
        v.extend_from_slice(body);
        let p = Pdu::decode(with_len(v)).unwrap();
        assert_eq!(p.status, CommandStatus::InvSrcAdr);
        assert!(matches!(p.body, Body::SubmitSmResp(_)), "{body:?}");
    }
    // A bind_transceiver_resp with status 0x0E still carrying "SMSC" keeps it.
    let mut v = vec![0u8; 16];
    v[4..8].copy_from_slice(&0x8000_0009u32.to_be_bytes());
    v[8..12].copy_from_slice(&0x0Eu32.to_be_bytes());
    v.extend_from_slice(b"SMSC\0");
    let p = Pdu::decode(with_len(v)).unwrap();
    assert!(matches!(p.body, Body::BindTransceiverResp(ref b) if b.system_id == "SMSC"));
}

#[test]
fn header_only_success_responses() {
    for cid in [0x8000_0004u32, 0x8000_0005, 0x8000_0103, 0x8000_0009] {
        let mut v = vec![0u8; 16];
        v[4..8].copy_from_slice(&cid.to_be_bytes());
        let p = Pdu::decode(with_len(v)).unwrap();
        assert!(p.status.is_ok());
        assert_eq!(p.encoded_len(), 17, "re-encoded with the NULL field");
    }
}

#[test]
fn stray_octets_after_the_last_field() {
    // Jasmin/larvit captures: one stray 0x00 after short_message.
    let mut v = fixture("submit_sm").to_vec();
    v.push(0);
    let raw = with_len(v);
    let p = Pdu::decode(raw.clone()).unwrap();
    let Body::SubmitSm(s) = &p.body else { panic!() };
    assert_eq!(s.tlvs.trailing(), &[0]);
    assert_eq!(s.tlvs.iter().count(), 0);
    assert_eq!(p.to_bytes().unwrap(), raw, "kept and re-encoded");
    // Three stray octets after the TLVs of a receipt.
    let mut v = fixture("deliver_sm_receipt").to_vec();
    v.extend_from_slice(&[1, 2, 3]);
    let p = Pdu::decode(with_len(v)).unwrap();
    let Body::DeliverSm(d) = &p.body else {
        panic!()
    };
    assert_eq!(d.tlvs.iter().count(), 3);
    assert_eq!(d.tlvs.trailing(), &[1, 2, 3]);
}

#[test]
fn tlv_not_listed_for_the_pdu_is_accepted() {
    // message_state (deliver_sm/data_sm only) on a submit_sm, sc_interface_version on a bind.
    let mut v = fixture("submit_sm").to_vec();
    v.extend_from_slice(&[0x04, 0x27, 0, 1, 2]);
    let Body::SubmitSm(s) = Pdu::decode(with_len(v)).unwrap().body else {
        panic!()
    };
    assert_eq!(s.tlvs.message_state(), Some(MessageState::Delivered));
    let mut v = fixture("bind_transmitter").to_vec();
    v.extend_from_slice(&[0x02, 0x10, 0, 1, 0x34]);
    let Body::BindTransmitter(b) = Pdu::decode(with_len(v)).unwrap().body else {
        panic!()
    };
    assert_eq!(b.tlvs.sc_interface_version(), Some(0x34));
}

#[test]
fn payload_conflict_and_missing_payload() {
    let mut v = fixture("submit_sm").to_vec();
    v.extend_from_slice(&[0x04, 0x24, 0, 2, b'h', b'i']);
    let raw = with_len(v);
    assert_eq!(
        Pdu::decode(raw.clone()).unwrap_err().command_status(),
        CommandStatus::InvMsgLen
    );
    let p = Pdu::decode_with(raw, &DecodeOptions::lenient()).unwrap();
    let Body::SubmitSm(s) = p.body else { panic!() };
    assert_eq!(&s.payload()[..], b"Hello World", "short_message wins");
    // data_sm without message_payload.
    let raw = fixture("data_sm").to_vec();
    let cut = raw.windows(2).position(|w| w == [0x04, 0x24]).unwrap();
    let mut v = raw[..cut].to_vec();
    v.extend_from_slice(&[0x02, 0x0A, 0, 2, 0x23, 0xF0]);
    let raw = with_len(v);
    assert_eq!(
        Pdu::decode(raw.clone()).unwrap_err().command_status(),
        CommandStatus::MissingOptParam
    );
    assert!(Pdu::decode_with(raw, &DecodeOptions::lenient()).is_ok());
}

#[test]
fn request_with_nonzero_status_and_odd_sequences_decode() {
    let mut v = fixture("enquire_link").to_vec();
    v[8..12].copy_from_slice(&2u32.to_be_bytes());
    v[12..16].copy_from_slice(&0u32.to_be_bytes());
    let p = Pdu::decode(Bytes::from(v)).unwrap();
    assert_eq!(p.status, CommandStatus::InvCmdLen);
    assert!(!p.sequence.is_valid());
    assert_eq!(SequenceNumber(0x7FFF_FFFF).next(), SequenceNumber(1));
}

#[test]
fn header_only_pdus_ignore_a_body() {
    let mut v = fixture("enquire_link").to_vec();
    v.extend_from_slice(b"junk");
    assert_eq!(Pdu::decode(with_len(v)).unwrap().body, Body::EnquireLink);
}

#[test]
fn encode_refuses_fields_over_their_maximum() {
    let mut sm = SubmitSm::new("1234", "5678", &b"x"[..]);
    sm.destination_addr = "1".repeat(21).into();
    let p = Pdu::new(SequenceNumber(1), Body::SubmitSm(sm));
    let mut out = BytesMut::from(&b"keep"[..]);
    let e = p.encode(&mut out).unwrap_err();
    assert_eq!(
        e,
        EncodeError::FieldTooLong {
            field: "destination_addr",
            len: 21,
            max: 21
        }
    );
    assert_eq!(&out[..], b"keep", "nothing appended on error");
    let sm = SubmitSm::new("1234", "5678", vec![0u8; 256]);
    assert!(matches!(
        Pdu::new(SequenceNumber(1), Body::SubmitSm(sm)).to_bytes(),
        Err(EncodeError::TooMany {
            field: "short_message",
            ..
        })
    ));
    let mut b = Bind::new("sys", "pw");
    b.system_type = COctetString::from(String::from("a\0b"));
    assert!(matches!(
        Pdu::new(SequenceNumber(1), Body::BindTransceiver(b)).to_bytes(),
        Err(EncodeError::InteriorNul {
            field: "system_type"
        })
    ));
}
