//! Property tests on a session pair: random operation sequences with random chunking,
//! latency, stalls and cuts (the operation decoder is shared with the `session_ops` fuzz
//! target, whose body checks the invariants: exactly one outcome per issued sequence
//! number, window never exceeded, every byte sent decodes, `Closed` last, no panic).

use proptest::collection::vec;
use proptest::prelude::*;
use smpp_proto::fuzzing::session::{session_esme, session_ops, session_smsc};

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_keep_the_invariants(ops in vec(any::<u8>(), 0..300)) {
        session_ops(&ops);
    }

    #[test]
    fn submit_heavy_operations(ops in vec(prop_oneof![Just(0u8), Just(4), Just(15), any::<u8>()], 0..300)) {
        session_ops(&ops);
    }

    #[test]
    fn arbitrary_bytes_into_an_esme(data in vec(any::<u8>(), 0..600)) {
        session_esme(&data);
    }

    #[test]
    fn arbitrary_bytes_into_an_smsc(data in vec(any::<u8>(), 0..600)) {
        session_smsc(&data);
    }

    #[test]
    fn valid_pdus_in_random_chunks_into_an_esme(seed in any::<u8>(), n in 1usize..20) {
        // A stream of well-formed PDUs (enquire_link, deliver_sm, responses) cut anywhere.
        let mut data = vec![seed];
        for i in 0..n {
            let seq = u32::try_from(i).unwrap() + 100;
            let body = match i % 3 {
                0 => smpp_proto::pdu::Body::EnquireLink,
                1 => smpp_proto::pdu::Body::DeliverSm(smpp_proto::pdu::SubmitSm::new("a", "b", &b"x"[..])),
                _ => smpp_proto::pdu::Body::SubmitSmResp(smpp_proto::pdu::MessageIdResp::new("id")),
            };
            let pdu = smpp_proto::pdu::Pdu::new(smpp_proto::pdu::SequenceNumber(seq), body);
            data.extend_from_slice(&pdu.to_bytes().unwrap());
        }
        session_esme(&data);
    }
}
