//! Protocol vectors: every PDU type, hex written from the spec tables (tests/data/*.hex).
//! Each is decoded whole, byte by byte through the framer, and followed by the start of
//! the next PDU; its fields are checked, and re-encoding gives the identical octets.

mod common;

use bytes::Bytes;
use common::{all_fixtures, fixture};
use smpp_proto::pdu::*;

fn decode(name: &str) -> Pdu {
    Pdu::decode(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_fixture_round_trips_byte_exact() {
    let all = all_fixtures();
    assert!(all.len() >= 29, "one fixture per PDU type at least");
    for (name, raw) in &all {
        let pdu = Pdu::decode(raw.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(pdu.encoded_len(), raw.len(), "{name}: encoded_len");
        let again = pdu.to_bytes().unwrap();
        assert_eq!(&again, raw, "{name}: re-encode differs");
    }
}

#[test]
fn every_fixture_frames_whole_bytewise_and_followed_by_next() {
    let all = all_fixtures();
    for (name, raw) in &all {
        // Whole.
        let mut d = FrameDecoder::new(FrameLimits::default());
        d.push(raw);
        assert_eq!(d.next_frame().unwrap().as_ref(), Some(raw), "{name}: whole");
        assert_eq!(d.buffered(), 0);
        // Byte by byte: no frame until the last byte.
        let mut d = FrameDecoder::new(FrameLimits::default());
        for (i, b) in raw.iter().enumerate() {
            d.push(&[*b]);
            let f = d.next_frame().unwrap();
            if i + 1 < raw.len() {
                assert!(f.is_none(), "{name}: frame after {} bytes", i + 1);
            } else {
                assert_eq!(f.as_ref(), Some(raw), "{name}: bytewise");
            }
        }
        // Followed by the first 7 octets of the next PDU.
        let mut d = FrameDecoder::new(FrameLimits::default());
        d.push(raw);
        d.push(&raw[..7.min(raw.len())]);
        let f = d.next_frame().unwrap().unwrap();
        assert_eq!(&f, raw, "{name}: followed");
        assert!(d.next_frame().unwrap().is_none());
        assert_eq!(d.buffered(), 7);
        assert_eq!(Pdu::decode(f).unwrap().encoded_len(), raw.len());
    }
}

#[test]
fn bind_transmitter_fields() {
    let p = decode("bind_transmitter");
    assert_eq!(p.sequence, SequenceNumber(1));
    let Body::BindTransmitter(b) = p.body else {
        panic!("{:?}", p.body)
    };
    assert_eq!(b.system_id, "SMPP3TEST");
    assert_eq!(b.password, "secret08");
    assert_eq!(b.system_type, "SUBMIT1");
    assert_eq!(b.interface_version, 0x34);
    assert_eq!((b.addr_ton, b.addr_npi), (Ton::International, Npi::Isdn));
    assert!(b.address_range.is_empty());
}

#[test]
fn bind_receiver_from_33_and_transceiver_from_00_are_accepted() {
    let Body::BindReceiver(b) = decode("bind_receiver").body else {
        panic!()
    };
    assert_eq!(b.interface_version, 0x33);
    assert!(b.tlvs.is_empty());
    let Body::BindTransceiver(b) = decode("bind_transceiver").body else {
        panic!()
    };
    assert_eq!(b.interface_version, 0x00);
    assert_eq!(b.address_range, "^1234");
}

#[test]
fn bind_resp_fields() {
    let Body::BindTransmitterResp(r) = decode("bind_transmitter_resp").body else {
        panic!()
    };
    assert_eq!(r.system_id, "SMSC");
    assert_eq!(r.tlvs.sc_interface_version(), Some(0x34));
    let Body::BindReceiverResp(r) = decode("bind_receiver_resp").body else {
        panic!()
    };
    assert_eq!(r.tlvs.sc_interface_version(), None);
    let p = decode("bind_transceiver_resp");
    assert_eq!(p.status, CommandStatus::BindFail);
    assert!(matches!(p.body, Body::BindTransceiverResp(ref r) if r.system_id.is_empty()));
}

#[test]
fn outbind_and_empty_pdus() {
    let Body::Outbind(o) = decode("outbind").body else {
        panic!()
    };
    assert_eq!(
        (o.system_id.as_bytes(), o.password.as_bytes()),
        (&b"SMSC"[..], &b"pw"[..])
    );
    assert_eq!(decode("unbind").body, Body::Unbind);
    assert_eq!(decode("unbind_resp").body, Body::UnbindResp);
    assert_eq!(decode("enquire_link").body, Body::EnquireLink);
    assert_eq!(decode("enquire_link_resp").body, Body::EnquireLinkResp);
    assert_eq!(decode("cancel_sm_resp").body, Body::CancelSmResp);
    assert_eq!(decode("replace_sm_resp").body, Body::ReplaceSmResp);
    let n = decode("generic_nack");
    assert_eq!(
        (n.body, n.status),
        (Body::GenericNack, CommandStatus::InvCmdId)
    );
}

#[test]
fn submit_sm_fields() {
    let Body::SubmitSm(s) = decode("submit_sm").body else {
        panic!()
    };
    assert_eq!(
        (s.source_addr_ton, s.source_addr_npi),
        (Ton::Alphanumeric, Npi::Unknown)
    );
    assert_eq!(s.source_addr, "MyShop");
    assert_eq!(s.destination_addr, "4512345678");
    assert_eq!(s.registered_delivery, RegisteredDelivery::FINAL);
    assert_eq!(&s.short_message[..], b"Hello World");
    assert!(s.tlvs.is_empty());
}

#[test]
fn submit_sm_with_udh_times_and_tlvs() {
    let Body::SubmitSm(s) = decode("submit_sm_udh_tlvs").body else {
        panic!()
    };
    assert_eq!(s.service_type, "CMT");
    assert!(s.esm_class.udhi());
    assert_eq!(s.priority_flag, 1);
    assert_eq!(s.schedule_delivery_time, "150203040506708+");
    assert_eq!(s.validity_period, "000000001500000R");
    assert_eq!(s.registered_delivery.0, 0x11);
    assert!(s.registered_delivery.intermediate());
    assert_eq!(s.data_coding, DataCoding::UCS2);
    assert_eq!(&s.short_message[..6], &[5, 0, 3, 0xcc, 2, 1]);
    assert_eq!(s.tlvs.user_message_reference(), Some(42));
    let tlvs: Vec<_> = s.tlvs.iter().collect();
    assert_eq!(tlvs.len(), 2);
    assert_eq!(tlvs[1].tag, TlvTag::Unknown(0x1400));
    assert_eq!(
        tlvs[1].value,
        TlvValue::Raw(Bytes::from_static(b"vendor-ref"))
    );
}

#[test]
fn submit_sm_payload() {
    let Body::SubmitSm(s) = decode("submit_sm_payload").body else {
        panic!()
    };
    assert!(s.short_message.is_empty());
    assert_eq!(&s.payload()[..], b"A long text in message_payload");
}

#[test]
fn submit_sm_resp_and_error_resp() {
    let p = decode("submit_sm_resp");
    assert!(matches!(p.body, Body::SubmitSmResp(ref r) if r.message_id == "5f3a9c"));
    let p = decode("submit_sm_resp_error");
    assert_eq!(p.status, CommandStatus::Throttled);
    assert!(matches!(p.body, Body::SubmitSmResp(ref r) if r.message_id.is_empty()));
}

#[test]
fn deliver_sm_receipt_fields() {
    let p = decode("deliver_sm_receipt");
    assert_eq!(p.sequence.0, 0x806A_179B);
    assert!(
        !p.sequence.is_valid(),
        "above 0x7FFFFFFF decodes but is flagged"
    );
    let Body::DeliverSm(d) = p.body else { panic!() };
    assert!(d.esm_class.is_delivery_receipt());
    assert!(d.short_message.starts_with(b"id:0123456789 sub:001"));
    assert_eq!(d.tlvs.receipted_message_id().unwrap(), "0123456789");
    assert_eq!(d.tlvs.message_state(), Some(MessageState::Delivered));
    assert_eq!(d.tlvs.network_error_code(), Some((3, 0)));
    let r = decode("deliver_sm_resp");
    assert!(matches!(r.body, Body::DeliverSmResp(ref m) if m.message_id.is_empty()));
}

#[test]
fn data_sm_and_resp_fields() {
    let Body::DataSm(d) = decode("data_sm").body else {
        panic!()
    };
    assert_eq!(d.registered_delivery, RegisteredDelivery::FINAL);
    assert_eq!(d.tlvs.message_payload().unwrap(), &b"data payload"[..]);
    assert_eq!(d.tlvs.source_port(), Some(9200));
    assert_eq!(d.tlvs.destination_port(), Some(2948));
    let Body::DataSmResp(r) = decode("data_sm_resp").body else {
        panic!()
    };
    assert_eq!(r.message_id, "abc");
    assert_eq!(
        r.tlvs.get(TlvTag::DeliveryFailureReason),
        Some(TlvValue::U8(1))
    );
    assert_eq!(
        r.tlvs.get(TlvTag::AdditionalStatusInfoText),
        Some(TlvValue::CString("absent subscriber".into()))
    );
}

#[test]
fn query_cancel_replace_fields() {
    let Body::QuerySm(q) = decode("query_sm").body else {
        panic!()
    };
    assert_eq!(
        (q.message_id.as_bytes(), q.source_addr.as_bytes()),
        (&b"5f3a9c"[..], &b"4512345678"[..])
    );
    let Body::QuerySmResp(q) = decode("query_sm_resp").body else {
        panic!()
    };
    assert_eq!(q.final_date, "231123120100000+");
    assert_eq!(MessageState::from(q.message_state), MessageState::Delivered);
    let Body::CancelSm(c) = decode("cancel_sm").body else {
        panic!()
    };
    assert_eq!(c.destination_addr, "4587654321");
    let Body::ReplaceSm(r) = decode("replace_sm").body else {
        panic!()
    };
    assert_eq!(r.validity_period, "000001000000000R");
    assert_eq!(&r.short_message[..], b"new");
}

#[test]
fn submit_multi_and_resp_fields() {
    let Body::SubmitMulti(m) = decode("submit_multi").body else {
        panic!()
    };
    assert_eq!(m.dest_addresses.len(), 3);
    assert_eq!(
        m.dest_addresses[1],
        DestAddress::DistributionList("friends".into())
    );
    assert_eq!(&m.short_message[..], b"Hi");
    let Body::SubmitMultiResp(r) = decode("submit_multi_resp").body else {
        panic!()
    };
    assert_eq!(r.unsuccess_sme.len(), 1);
    assert_eq!(
        r.unsuccess_sme[0].error_status_code,
        CommandStatus::InvDstAdr
    );
}

#[test]
fn alert_notification_and_unknown() {
    let Body::AlertNotification(a) = decode("alert_notification").body else {
        panic!()
    };
    assert_eq!(a.esme_addr, "4587654321");
    assert_eq!(
        a.tlvs.get(TlvTag::MsAvailabilityStatus),
        Some(TlvValue::U8(0))
    );
    let p = decode("unknown_command");
    assert_eq!(p.command_id(), CommandId::Unknown(0x0001_0203));
    assert_eq!(
        p.body,
        Body::Unknown {
            command_id: 0x0001_0203,
            body: Bytes::from_static(b"xyz")
        }
    );
}
