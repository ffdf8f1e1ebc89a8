//! Property tests: any valid PDU encodes, decodes back equal, and re-encodes to the same
//! octets; decoding arbitrary bytes never panics.

use bytes::{Bytes, BytesMut};
use proptest::collection::vec;
use proptest::prelude::*;
use smpp_proto::pdu::*;

fn cstr(max: usize) -> impl Strategy<Value = COctetString> {
    vec(0x20u8..0x7f, 0..max).prop_map(|v| COctetString::from_bytes(Bytes::from(v)))
}

fn octets(max: usize) -> impl Strategy<Value = Bytes> {
    vec(any::<u8>(), 0..=max).prop_map(Bytes::from)
}

fn ton() -> impl Strategy<Value = Ton> {
    any::<u8>().prop_map(Ton::from)
}

fn npi() -> impl Strategy<Value = Npi> {
    any::<u8>().prop_map(Npi::from)
}

fn tlv_value(tag: TlvTag) -> BoxedStrategy<TlvValue> {
    match tag.kind() {
        ValueKind::U8 => any::<u8>().prop_map(TlvValue::U8).boxed(),
        ValueKind::U16 => any::<u16>().prop_map(TlvValue::U16).boxed(),
        ValueKind::U32 => any::<u32>().prop_map(TlvValue::U32).boxed(),
        ValueKind::CStr { max } => cstr(usize::from(max) - 1)
            .prop_map(TlvValue::CString)
            .boxed(),
        ValueKind::Octets { min, max } => {
            vec(any::<u8>(), usize::from(min)..=usize::from(max.min(300)))
                .prop_map(|v| TlvValue::Octets(Bytes::from(v)))
                .boxed()
        }
        ValueKind::NetworkErrorCode => (any::<u8>(), any::<u16>())
            .prop_map(|(network_type, error_code)| TlvValue::NetworkErrorCode {
                network_type,
                error_code,
            })
            .boxed(),
        ValueKind::MsValidity => prop_oneof![
            any::<u8>().prop_map(TlvValue::U8),
            vec(any::<u8>(), 4).prop_map(|v| TlvValue::Octets(Bytes::from(v)))
        ]
        .boxed(),
        ValueKind::EmptyOrU8 => {
            prop_oneof![Just(TlvValue::Empty), any::<u8>().prop_map(TlvValue::U8)].boxed()
        }
        ValueKind::Unknown => octets(40).prop_map(TlvValue::Raw).boxed(),
    }
}

fn tlv(allow_payload: bool) -> impl Strategy<Value = Tlv> {
    let known: Vec<TlvTag> = TlvTag::ALL
        .iter()
        .copied()
        .filter(|t| allow_payload || *t != TlvTag::MessagePayload)
        .collect();
    prop_oneof![
        3 => proptest::sample::select(known),
        1 => (0x1400u16..=0x3FFF).prop_map(TlvTag::from),
    ]
    .prop_flat_map(|tag| tlv_value(tag).prop_map(move |value| Tlv { tag, value }))
}

fn tlvs_from(v: Vec<Tlv>) -> Tlvs {
    Tlvs::from_slice(&v).unwrap()
}

fn tlvs() -> impl Strategy<Value = Tlvs> {
    vec(tlv(true), 0..5).prop_map(tlvs_from)
}

prop_compose! {
    fn bind()(system_id in cstr(16), password in cstr(9), system_type in cstr(13),
              interface_version in any::<u8>(), addr_ton in ton(), addr_npi in npi(),
              address_range in cstr(41), tlvs in tlvs()) -> Bind {
        Bind { system_id, password, system_type, interface_version, addr_ton, addr_npi, address_range, tlvs }
    }
}

prop_compose! {
    fn submit_sm()(service_type in cstr(6), source_addr_ton in ton(), source_addr_npi in npi(),
                   source_addr in cstr(21), dest_addr_ton in ton(), dest_addr_npi in npi(),
                   destination_addr in cstr(21), esm in any::<u8>(), protocol_id in any::<u8>(),
                   priority_flag in any::<u8>(), schedule_delivery_time in cstr(17),
                   validity_period in cstr(17), rd in any::<u8>(), replace_if_present_flag in any::<u8>(),
                   dc in any::<u8>(), sm_default_msg_id in any::<u8>(), short_message in octets(255),
                   extra in vec(tlv(false), 0..4), payload in proptest::option::of(octets(400)))
                   -> SubmitSm {
        let mut t = extra;
        // short_message and message_payload are exclusive (strict decoding checks it).
        let short_message = if let Some(p) = payload { t.push(Tlv::message_payload(p)); Bytes::new() } else { short_message };
        SubmitSm { service_type, source_addr_ton, source_addr_npi, source_addr, dest_addr_ton,
                   dest_addr_npi, destination_addr, esm_class: EsmClass(esm), protocol_id, priority_flag,
                   schedule_delivery_time, validity_period, registered_delivery: RegisteredDelivery(rd),
                   replace_if_present_flag, data_coding: DataCoding(dc), sm_default_msg_id, short_message,
                   tlvs: tlvs_from(t) }
    }
}

fn dest() -> impl Strategy<Value = DestAddress> {
    prop_oneof![
        (ton(), npi(), cstr(21)).prop_map(|(ton, npi, addr)| DestAddress::Sme { ton, npi, addr }),
        cstr(21).prop_map(DestAddress::DistributionList),
    ]
}

prop_compose! {
    fn submit_multi()(sm in submit_sm(), dests in vec(dest(), 1..10)) -> SubmitMulti {
        SubmitMulti { service_type: sm.service_type, source_addr_ton: sm.source_addr_ton,
            source_addr_npi: sm.source_addr_npi, source_addr: sm.source_addr, dest_addresses: dests,
            esm_class: sm.esm_class, protocol_id: sm.protocol_id, priority_flag: sm.priority_flag,
            schedule_delivery_time: sm.schedule_delivery_time, validity_period: sm.validity_period,
            registered_delivery: sm.registered_delivery, replace_if_present_flag: sm.replace_if_present_flag,
            data_coding: sm.data_coding, sm_default_msg_id: sm.sm_default_msg_id,
            short_message: sm.short_message, tlvs: sm.tlvs }
    }
}

prop_compose! {
    fn data_sm()(service_type in cstr(6), sat in ton(), san in npi(), source_addr in cstr(65),
                 dat in ton(), dan in npi(), destination_addr in cstr(65), esm in any::<u8>(),
                 rd in any::<u8>(), dc in any::<u8>(), payload in octets(500),
                 extra in vec(tlv(false), 0..4)) -> DataSm {
        let mut t = extra;
        t.insert(0, Tlv::message_payload(payload));
        DataSm { service_type, source_addr_ton: sat, source_addr_npi: san, source_addr,
                 dest_addr_ton: dat, dest_addr_npi: dan, destination_addr, esm_class: EsmClass(esm),
                 registered_delivery: RegisteredDelivery(rd), data_coding: DataCoding(dc), tlvs: tlvs_from(t) }
    }
}

fn message_id_resp() -> impl Strategy<Value = MessageIdResp> {
    (cstr(65), tlvs()).prop_map(|(message_id, tlvs)| MessageIdResp { message_id, tlvs })
}

fn body() -> impl Strategy<Value = Body> {
    let bind_resp =
        || (cstr(16), tlvs()).prop_map(|(system_id, tlvs)| BindResp { system_id, tlvs });
    prop_oneof![
        bind().prop_map(Body::BindTransmitter),
        bind().prop_map(Body::BindReceiver),
        bind().prop_map(Body::BindTransceiver),
        bind_resp().prop_map(Body::BindTransmitterResp),
        bind_resp().prop_map(Body::BindReceiverResp),
        bind_resp().prop_map(Body::BindTransceiverResp),
        (cstr(16), cstr(9), tlvs()).prop_map(|(system_id, password, tlvs)| Body::Outbind(
            Outbind {
                system_id,
                password,
                tlvs
            }
        )),
        Just(Body::Unbind),
        Just(Body::UnbindResp),
        Just(Body::GenericNack),
        submit_sm().prop_map(Body::SubmitSm),
        message_id_resp().prop_map(Body::SubmitSmResp),
        submit_multi().prop_map(Body::SubmitMulti),
        (
            cstr(65),
            vec((ton(), npi(), cstr(21), any::<u32>()), 0..5),
            tlvs()
        )
            .prop_map(|(message_id, u, tlvs)| {
                Body::SubmitMultiResp(SubmitMultiResp {
                    message_id,
                    unsuccess_sme: u
                        .into_iter()
                        .map(|(ton, npi, addr, s)| UnsuccessSme {
                            ton,
                            npi,
                            addr,
                            error_status_code: s.into(),
                        })
                        .collect(),
                    tlvs,
                })
            }),
        submit_sm().prop_map(Body::DeliverSm),
        message_id_resp().prop_map(Body::DeliverSmResp),
        data_sm().prop_map(Body::DataSm),
        message_id_resp().prop_map(Body::DataSmResp),
        (cstr(65), ton(), npi(), cstr(21), tlvs()).prop_map(
            |(message_id, source_addr_ton, source_addr_npi, source_addr, tlvs)| {
                Body::QuerySm(QuerySm {
                    message_id,
                    source_addr_ton,
                    source_addr_npi,
                    source_addr,
                    tlvs,
                })
            }
        ),
        (cstr(65), cstr(17), any::<u8>(), any::<u8>(), tlvs()).prop_map(
            |(message_id, final_date, message_state, error_code, tlvs)| {
                Body::QuerySmResp(QuerySmResp {
                    message_id,
                    final_date,
                    message_state,
                    error_code,
                    tlvs,
                })
            }
        ),
        (
            cstr(6),
            cstr(65),
            ton(),
            npi(),
            cstr(21),
            ton(),
            npi(),
            cstr(21),
            tlvs()
        )
            .prop_map(
                |(
                    service_type,
                    message_id,
                    source_addr_ton,
                    source_addr_npi,
                    source_addr,
                    dest_addr_ton,
                    dest_addr_npi,
                    destination_addr,
                    tlvs,
                )| {
                    Body::CancelSm(CancelSm {
                        service_type,
                        message_id,
                        source_addr_ton,
                        source_addr_npi,
                        source_addr,
                        dest_addr_ton,
                        dest_addr_npi,
                        destination_addr,
                        tlvs,
                    })
                }
            ),
        Just(Body::CancelSmResp),
        (
            cstr(65),
            ton(),
            npi(),
            cstr(21),
            cstr(17),
            cstr(17),
            any::<u8>(),
            any::<u8>(),
            octets(255),
            tlvs()
        )
            .prop_map(
                |(
                    message_id,
                    source_addr_ton,
                    source_addr_npi,
                    source_addr,
                    schedule_delivery_time,
                    validity_period,
                    rd,
                    sm_default_msg_id,
                    short_message,
                    tlvs,
                )| {
                    Body::ReplaceSm(ReplaceSm {
                        message_id,
                        source_addr_ton,
                        source_addr_npi,
                        source_addr,
                        schedule_delivery_time,
                        validity_period,
                        registered_delivery: RegisteredDelivery(rd),
                        sm_default_msg_id,
                        short_message,
                        tlvs,
                    })
                }
            ),
        Just(Body::ReplaceSmResp),
        Just(Body::EnquireLink),
        Just(Body::EnquireLinkResp),
        (ton(), npi(), cstr(65), ton(), npi(), cstr(65), tlvs()).prop_map(
            |(a, b, source_addr, c, d, esme_addr, tlvs)| {
                Body::AlertNotification(AlertNotification {
                    source_addr_ton: a,
                    source_addr_npi: b,
                    source_addr,
                    esme_addr_ton: c,
                    esme_addr_npi: d,
                    esme_addr,
                    tlvs,
                })
            }
        ),
        ((0x0000_0200u32..0x7FFF_FFFF), octets(100))
            .prop_map(|(command_id, body)| Body::Unknown { command_id, body }),
    ]
}

fn pdu() -> impl Strategy<Value = Pdu> {
    (
        any::<u32>(),
        prop_oneof![3 => Just(0u32), 1 => any::<u32>()],
        body(),
    )
        .prop_map(|(seq, status, body)| Pdu {
            sequence: SequenceNumber(seq),
            status: status.into(),
            body,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn encode_decode_reencode(p in pdu()) {
        let mut out = BytesMut::new();
        p.encode(&mut out).unwrap();
        prop_assert_eq!(out.len(), p.encoded_len());
        let wire = out.freeze();
        let back = Pdu::decode(wire.clone()).unwrap();
        // An error response whose body is blank is sent header-only and decodes to the
        // same blank body.
        prop_assert_eq!(&back, &p);
        prop_assert_eq!(back.to_bytes().unwrap(), wire);
    }

    #[test]
    fn framer_splits_any_chunking(ps in vec(pdu(), 1..6), cuts in vec(1usize..50, 0..40)) {
        let mut stream = BytesMut::new();
        for p in &ps { p.encode(&mut stream).unwrap(); }
        let stream = stream.freeze();
        let mut d = FrameDecoder::new(FrameLimits::default());
        let mut got = Vec::new();
        let mut pos = 0;
        let mut cuts = cuts.into_iter().cycle();
        while pos < stream.len() {
            let n = cuts.next().unwrap_or(stream.len()).min(stream.len() - pos);
            d.push(&stream[pos..pos + n]);
            pos += n;
            while let Some(f) = d.next_frame().unwrap() { got.push(Pdu::decode(f).unwrap()); }
        }
        prop_assert_eq!(got, ps);
        prop_assert_eq!(d.buffered(), 0);
    }

    #[test]
    fn decode_never_panics(body in vec(any::<u8>(), 0..300), cid in prop_oneof![
        proptest::sample::select(CommandId::ALL.to_vec()).prop_map(CommandId::value), any::<u32>()],
        status in any::<u32>(), lenient in any::<bool>()) {
        let mut v = Vec::with_capacity(16 + body.len());
        v.extend_from_slice(&((16 + body.len()) as u32).to_be_bytes());
        v.extend_from_slice(&cid.to_be_bytes());
        v.extend_from_slice(&status.to_be_bytes());
        v.extend_from_slice(&1u32.to_be_bytes());
        v.extend_from_slice(&body);
        let opts = DecodeOptions { lenient };
        if let Ok(p) = Pdu::decode_with(Bytes::from(v), &opts) {
            // Whatever decodes re-encodes, and that decodes to the same PDU.
            let again = p.to_bytes().unwrap();
            let back = Pdu::decode_with(again.clone(), &opts).unwrap();
            prop_assert_eq!(back.to_bytes().unwrap(), again);
        }
    }
}
