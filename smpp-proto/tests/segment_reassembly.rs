//! Reassembly: ordering, duplicates, conflicts, bounds, expiry, and the split -> reassemble
//! property for every method and encoding.
#![allow(clippy::disallowed_methods)] // tests need a time origin; the library never reads the clock

use std::time::{Duration, Instant};

use bytes::Bytes;
use proptest::prelude::*;
use smpp_proto::segment::{
    Concat, IncomingPart, PartialReason, Reassembler, ReassemblerConfig, ReassemblyEvent, SarInfo,
    Split, SplitOptions, payload, split_text,
};
use smpp_proto::text::{EncodingPolicy, NationalLanguage, ShiftTables, TextEncoding};

const SRC: &[u8] = b"447700900001";
const DST: &[u8] = b"12345";

fn incoming(split: &Split, i: usize) -> IncomingPart {
    let p = &split.parts[i];
    let data = Bytes::copy_from_slice(payload::user_data(
        &p.short_message,
        p.message_payload.as_deref(),
    ));
    IncomingPart::from_short_message(
        Bytes::from_static(SRC),
        Bytes::from_static(DST),
        p.data_coding,
        p.udhi,
        data,
        p.sar,
    )
}

fn drain(r: &mut Reassembler) -> Vec<ReassemblyEvent> {
    std::iter::from_fn(|| r.poll_event()).collect()
}

fn udh8(reference: u8, total: u8, seq: u8, text: &str) -> IncomingPart {
    let mut sm = vec![5, 0, 3, reference, total, seq];
    sm.extend_from_slice(text.as_bytes());
    IncomingPart::from_short_message(
        Bytes::from_static(SRC),
        Bytes::from_static(DST),
        0,
        true,
        sm.into(),
        None,
    )
}

#[test]
fn out_of_order_duplicates_and_conflicts() {
    let mut r = Reassembler::new(ReassemblerConfig::default());
    let now = Instant::now();
    r.handle_part(udh8(1, 3, 3, "c"), now);
    r.handle_part(udh8(1, 3, 1, "a"), now);
    r.handle_part(udh8(1, 3, 1, "a"), now); // identical duplicate: ignored
    r.handle_part(udh8(1, 3, 1, "X"), now); // conflicting duplicate: reported, first kept
    let ev = drain(&mut r);
    assert_eq!(ev.len(), 1);
    assert!(
        matches!(&ev[0], ReassemblyEvent::ConflictingDuplicate { concat, .. } if concat.seq == 1)
    );
    // Same reference in another namespace is another message.
    let sar = SarInfo::from_tlvs(Some(1), Some(3), Some(2));
    r.handle_part(
        IncomingPart::from_short_message(
            Bytes::from_static(SRC),
            Bytes::from_static(DST),
            0,
            false,
            "z".into(),
            sar,
        ),
        now,
    );
    assert!(drain(&mut r).is_empty());
    assert_eq!(r.pending_messages(), 2);
    r.handle_part(udh8(1, 3, 2, "b"), now);
    match drain(&mut r).as_slice() {
        [ReassemblyEvent::Complete(m)] => {
            assert_eq!(m.text.as_ref().unwrap().text, "abc");
            assert_eq!(&m.user_data[..], b"abc");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.pending_messages(), 1);
}

#[test]
fn unsegmented_and_malformed_pass_through() {
    let mut r = Reassembler::new(ReassemblerConfig::default());
    let now = Instant::now();
    r.handle_part(
        IncomingPart::from_short_message(
            Bytes::from_static(SRC),
            Bytes::from_static(DST),
            8,
            false,
            Bytes::from_static(&[0, 0x48, 0, 0x69]),
            None,
        ),
        now,
    );
    // UDHI set but the header overruns the data: delivered raw, flagged.
    r.handle_part(
        IncomingPart::from_short_message(
            Bytes::from_static(SRC),
            Bytes::from_static(DST),
            4,
            true,
            Bytes::from_static(&[9, 0, 3]),
            None,
        ),
        now,
    );
    let ev = drain(&mut r);
    match ev.as_slice() {
        [ReassemblyEvent::Complete(a), ReassemblyEvent::Complete(b)] => {
            assert_eq!(a.text.as_ref().unwrap().text, "Hi");
            assert!(b.malformed_udh && b.text.is_err());
            assert_eq!(&b.user_data[..], &[9, 0, 3]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn expiry_and_eviction_report_partials() {
    let cfg = ReassemblerConfig {
        max_messages: 2,
        max_bytes: 100,
        timeout: Duration::from_secs(10),
        ..Default::default()
    };
    let mut r = Reassembler::new(cfg);
    let t0 = Instant::now();
    assert_eq!(r.poll_timeout(), None);
    r.handle_part(udh8(1, 2, 1, "one"), t0);
    r.handle_part(udh8(2, 2, 2, "two"), t0 + Duration::from_secs(1));
    assert_eq!(r.poll_timeout(), Some(t0 + Duration::from_secs(10)));
    // A third message evicts the oldest.
    r.handle_part(udh8(3, 2, 1, "three"), t0 + Duration::from_secs(2));
    match drain(&mut r).as_slice() {
        [ReassemblyEvent::Partial(p)] => {
            assert_eq!(
                (p.reason, p.reference, p.total),
                (PartialReason::Evicted, 1, 2)
            );
            assert_eq!(p.parts, vec![(1, Bytes::from_static(b"one"))]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.pending_messages(), 2);
    r.handle_timeout(t0 + Duration::from_secs(10));
    assert!(drain(&mut r).is_empty());
    r.handle_timeout(t0 + Duration::from_secs(11));
    match drain(&mut r).as_slice() {
        [ReassemblyEvent::Partial(p)] => {
            assert_eq!((p.reason, p.reference), (PartialReason::Expired, 2))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(r.poll_timeout(), Some(t0 + Duration::from_secs(12)));
    // Byte bound: a big part pushes the other message out; an oversized one is refused.
    r.handle_part(udh8(4, 2, 1, &"x".repeat(70)), t0 + Duration::from_secs(3));
    assert!(r.pending_bytes() <= 100);
    let ev = drain(&mut r);
    assert!(
        matches!(ev.as_slice(), [ReassemblyEvent::Partial(p)] if p.reason == PartialReason::Evicted && p.reference == 3)
    );
    r.handle_part(udh8(5, 2, 1, &"y".repeat(200)), t0);
    let ev = drain(&mut r);
    assert!(
        matches!(ev.as_slice(), [ReassemblyEvent::Partial(p)] if p.reason == PartialReason::Oversized)
    );
    assert!(r.pending_bytes() <= 100);
}

#[test]
fn packed_gsm_segments_decode_with_their_own_fill_bits() {
    let text = format!("{}€ end", "packed text ".repeat(20));
    for method in [Concat::Udh8, Concat::Udh16] {
        let o = SplitOptions {
            packed: true,
            ..SplitOptions::new(method, 9)
        };
        let split = split_text(&text, &EncodingPolicy::default(), &o).unwrap();
        assert_eq!(split.parts.len(), 2);
        let mut r = Reassembler::new(ReassemblerConfig {
            packed: true,
            ..Default::default()
        });
        for i in (0..split.parts.len()).rev() {
            r.handle_part(incoming(&split, i), Instant::now());
        }
        match drain(&mut r).as_slice() {
            [ReassemblyEvent::Complete(m)] => assert_eq!(m.text.as_ref().unwrap().text, text),
            other => panic!("{other:?}"),
        }
    }
}

fn text_strategy() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("a"),
        Just("Hello "),
        Just("€"),
        Just("[x]"),
        Just("{}"),
        Just("é"),
        Just("Ñ"),
        Just("😀"),
        Just("Привет"),
        Just("ş"),
        Just("ğ"),
        Just("İ"),
        Just("\n"),
        Just("@"),
        Just("日本"),
        Just("👍🏽"),
        Just("ç"),
        Just("~^|\\"),
    ];
    proptest::collection::vec(pieces, 0..220).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn split_shuffle_duplicate_reassemble(
        text in text_strategy(),
        method in prop_oneof![Just(Concat::Udh8), Just(Concat::Udh16), Just(Concat::Sar), Just(Concat::Payload)],
        national in any::<bool>(),
        latin1 in any::<bool>(),
        packed in any::<bool>(),
        reference in 0u16..=255,
        order in proptest::collection::vec(any::<u16>(), 0..40),
    ) {
        let turkish = ShiftTables { locking: None, single: Some(NationalLanguage::Turkish) };
        let policy = EncodingPolicy {
            national: if national { vec![turkish] } else { vec![] },
            latin1,
            transliterate: false,
        };
        let o = SplitOptions { packed, ..SplitOptions::new(method, reference) };
        let split = match split_text(&text, &policy, &o) {
            Ok(s) => s,
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        };
        let n = split.parts.len();
        // Size limits.
        for p in &split.parts {
            let data = payload::user_data(&p.short_message, p.message_payload.as_deref());
            if method == Concat::Payload {
                continue;
            }
            let udh_len = if p.udhi { usize::from(data[0]) + 1 } else { 0 };
            let body = data.len() - udh_len;
            match split.encoding {
                TextEncoding::Gsm7(_) if packed => prop_assert!(data.len() <= 140),
                TextEncoding::Gsm7(_) => {
                    let sizing = if method == Concat::Sar && n > 1 { 6 } else { udh_len };
                    prop_assert!(body <= (140 - sizing) * 8 / 7);
                    prop_assert_ne!(data.last(), Some(&0x1B), "escape pair split");
                }
                TextEncoding::Ucs2 => {
                    let sizing = if method == Concat::Sar && n > 1 { 6 } else { udh_len };
                    prop_assert!(udh_len + body <= 140 && body <= 140 - sizing && body % 2 == 0);
                    if body >= 2 {
                        prop_assert!(!(0xD8..=0xDB).contains(&data[data.len() - 2]), "surrogate pair split");
                    }
                }
                TextEncoding::Latin1 => prop_assert!(data.len() <= 140),
            }
        }
        // Deliver in a shuffled order with duplicates.
        let mut seq: Vec<usize> = (0..n).collect();
        for (i, k) in order.iter().enumerate() {
            if n > 1 {
                seq.swap(i % n, usize::from(*k) % n);
            }
            if *k % 3 == 0 {
                seq.push(usize::from(*k) % n);
            }
        }
        let mut r = Reassembler::new(ReassemblerConfig { packed, ..Default::default() });
        let now = Instant::now();
        let mut complete = Vec::new();
        for i in seq {
            r.handle_part(incoming(&split, i), now);
            while let Some(ev) = r.poll_event() {
                match ev {
                    ReassemblyEvent::Complete(m) => complete.push(m),
                    other => return Err(TestCaseError::fail(format!("unexpected {other:?}"))),
                }
            }
        }
        // Duplicates arriving after completion start a new message: only the first completion counts.
        prop_assert!(!complete.is_empty());
        let t = complete[0].text.as_ref().unwrap();
        let expect = if matches!(split.encoding, TextEncoding::Gsm7(t) if t.single.is_none()) { text.replace('ç', "Ç") } else { text.clone() };
        if packed && t.report.dropped_padding && !expect.is_empty() && expect.ends_with('@') {
            prop_assert_eq!(&t.text[..], &expect[..expect.len() - 1]);
        } else {
            prop_assert_eq!(&t.text, &expect);
            prop_assert!(t.report.is_clean() || t.report.dropped_padding);
        }
    }
}
