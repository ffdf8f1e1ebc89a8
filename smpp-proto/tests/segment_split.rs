//! Splitting and UDH.

use smpp_proto::segment::udh::{InformationElement, Udh, UdhError, split_user_data};
use smpp_proto::segment::{
    Concat, SplitError, SplitOptions, split_binary, split_encoded, split_text,
};
use smpp_proto::text::{EncodingPolicy, MessageClass, NationalLanguage, ShiftTables, TextEncoding};

fn opts(method: Concat, reference: u16) -> SplitOptions {
    SplitOptions::new(method, reference)
}

#[test]
fn udh_parse_build_all_ies_byte_exact() {
    let raw = [
        0x1D, // UDHL
        0x00, 0x03, 0x2A, 0x03, 0x02, // concat 8
        0x08, 0x04, 0x12, 0x34, 0x05, 0x01, // concat 16
        0x04, 0x02, 0xF0, 0xF1, // ports 8
        0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, // ports 16
        0x24, 0x01, 0x01, // single shift
        0x25, 0x01, 0x03, // locking shift
        0x70, 0x00, // unknown, empty
        b'x',
    ];
    let (udh, rest) = split_user_data(&raw).unwrap();
    assert_eq!(rest, b"x");
    assert_eq!(
        udh.elements,
        vec![
            InformationElement::Concat8 {
                reference: 0x2A,
                total: 3,
                seq: 2
            },
            InformationElement::Concat16 {
                reference: 0x1234,
                total: 5,
                seq: 1
            },
            InformationElement::Port8 {
                dest: 0xF0,
                orig: 0xF1
            },
            InformationElement::Port16 {
                dest: 2948,
                orig: 9200
            },
            InformationElement::SingleShift(1),
            InformationElement::LockingShift(3),
            InformationElement::Other {
                iei: 0x70,
                data: bytes::Bytes::new()
            },
        ]
    );
    let mut back = Vec::new();
    udh.write(&mut back);
    assert_eq!(back, raw[..raw.len() - 1]);
    assert_eq!(udh.encoded_len(), raw.len() - 1);
    // First valid concat IE wins; shift tables from the IEs.
    let c = udh.concat().unwrap();
    assert_eq!((c.reference, c.total, c.seq), (0x2A, 3, 2));
    assert_eq!(udh.shift_tables(), ShiftTables::from_ids(Some(3), Some(1)));
    // Known IEI with an unusual length is kept verbatim.
    let odd = [0x05, 0x00, 0x03, 0x01, 0x02, 0x03, 0x99];
    let (u, _) = Udh::parse(&[0x04, 0x00, 0x02, 0x01, 0x02]).unwrap();
    assert!(matches!(
        u.elements[0],
        InformationElement::Other { iei: 0, .. }
    ));
    let mut b = Vec::new();
    u.write(&mut b);
    assert_eq!(b, [0x04, 0x00, 0x02, 0x01, 0x02]);
    assert!(Udh::parse(&odd).is_ok());
}

#[test]
fn malformed_udh_is_a_typed_error() {
    assert_eq!(Udh::parse(&[]), Err(UdhError::Empty));
    assert_eq!(
        Udh::parse(&[0x05, 0x00, 0x03]),
        Err(UdhError::Overrun {
            udhl: 5,
            available: 2
        })
    );
    assert_eq!(
        Udh::parse(&[0x03, 0x00, 0x03, 0x01]),
        Err(UdhError::TruncatedElement { offset: 0 })
    );
    assert_eq!(
        Udh::parse(&[0x01, 0x00]),
        Err(UdhError::TruncatedElement { offset: 0 })
    );
    // Invalid concat values are ignored.
    let (u, _) = Udh::parse(&[0x05, 0x00, 0x03, 0x01, 0x02, 0x03]).unwrap();
    assert_eq!(u.concat(), None);
    let (u, _) = Udh::parse(&[0x05, 0x00, 0x03, 0x01, 0x00, 0x00]).unwrap();
    assert_eq!(u.concat(), None);
}

#[test]
fn sizes_per_method_gsm() {
    let p = EncodingPolicy::default();
    let t = "a".repeat(160);
    let s = split_text(&t, &p, &opts(Concat::Udh8, 1)).unwrap();
    assert_eq!(s.parts.len(), 1);
    assert!(!s.parts[0].udhi && s.parts[0].short_message.len() == 160 && s.parts[0].sar.is_none());
    let t = "a".repeat(161);
    let s = split_text(&t, &p, &opts(Concat::Udh8, 7)).unwrap();
    assert_eq!(
        s.parts
            .iter()
            .map(|p| p.short_message.len())
            .collect::<Vec<_>>(),
        [6 + 153, 6 + 8]
    );
    assert_eq!(&s.parts[1].short_message[..6], &[0x05, 0x00, 0x03, 7, 2, 2]);
    let s = split_text(&t, &p, &opts(Concat::Udh16, 0x1234)).unwrap();
    assert_eq!(
        s.parts
            .iter()
            .map(|p| p.short_message.len())
            .collect::<Vec<_>>(),
        [7 + 152, 7 + 9]
    );
    assert_eq!(
        &s.parts[0].short_message[..7],
        &[0x06, 0x08, 0x04, 0x12, 0x34, 2, 1]
    );
    let s = split_text(&t, &p, &opts(Concat::Sar, 0x0102)).unwrap();
    assert_eq!(
        s.parts
            .iter()
            .map(|p| p.short_message.len())
            .collect::<Vec<_>>(),
        [153, 8]
    );
    assert!(s.parts.iter().all(|p| !p.udhi));
    let sar = s.parts[1].sar.unwrap();
    assert_eq!((sar.reference, sar.total, sar.seq), (0x0102, 2, 2));
    assert_eq!(sar.tlvs()[0], (0x020C, [0x01, 0x02], 2));
    let s = split_text(&t, &p, &opts(Concat::Payload, 0)).unwrap();
    assert_eq!(s.parts.len(), 1);
    assert!(s.parts[0].short_message.is_empty());
    assert_eq!(s.parts[0].message_payload.as_ref().unwrap().len(), 161);
}

#[test]
fn sizes_ucs2_and_latin1() {
    let p = EncodingPolicy::default();
    let t = "ж".repeat(71);
    let s = split_text(&t, &p, &opts(Concat::Udh8, 1)).unwrap();
    assert_eq!(s.data_coding, 0x08);
    assert_eq!(
        s.parts
            .iter()
            .map(|p| p.short_message.len())
            .collect::<Vec<_>>(),
        [6 + 134, 6 + 8]
    );
    let s = split_text(&t, &p, &opts(Concat::Udh16, 1)).unwrap();
    assert_eq!(s.parts[0].short_message.len(), 7 + 132);
    let p = EncodingPolicy {
        latin1: true,
        ..EncodingPolicy::default()
    };
    let t = "ï".repeat(141);
    let s = split_text(&t, &p, &opts(Concat::Udh8, 1)).unwrap();
    assert_eq!(s.data_coding, 0x03);
    assert_eq!(
        s.parts
            .iter()
            .map(|p| p.short_message.len())
            .collect::<Vec<_>>(),
        [140, 13]
    );
    let s = split_binary(&[0xAB; 300], 0xF5, &opts(Concat::Udh16, 9)).unwrap();
    assert_eq!(
        s.parts
            .iter()
            .map(|p| p.short_message.len())
            .collect::<Vec<_>>(),
        [140, 140, 7 + 34]
    );
    assert!(s.parts.iter().all(|p| p.data_coding == 0xF5));
}

#[test]
fn never_split_escape_or_surrogate_pairs() {
    let p = EncodingPolicy::default();
    let t = format!("{}€{}", "a".repeat(152), "b".repeat(10));
    let s = split_text(&t, &p, &opts(Concat::Udh8, 1)).unwrap();
    assert_eq!(s.parts[0].short_message.len(), 6 + 152);
    assert_eq!(&s.parts[1].short_message[6..8], &[0x1B, 0x65]);
    let t = format!("{}😀bbbbb", "a".repeat(66));
    let s = split_text(&t, &p, &opts(Concat::Udh8, 1)).unwrap();
    assert_eq!(s.parts.len(), 2);
    assert_eq!(s.parts[0].short_message.len(), 6 + 132);
    assert_eq!(&s.parts[1].short_message[6..10], &[0xD8, 0x3D, 0xDE, 0x00]);
}

#[test]
fn errors_and_options() {
    let p = EncodingPolicy::default();
    let t = "a".repeat(153 * 255 + 1);
    assert_eq!(
        split_text(&t, &p, &opts(Concat::Udh8, 1)),
        Err(SplitError::TooManyParts(256))
    );
    assert_eq!(
        split_text(&"a".repeat(153 * 255), &p, &opts(Concat::Udh8, 1))
            .unwrap()
            .parts
            .len(),
        255
    );
    assert_eq!(
        split_text("x", &p, &opts(Concat::Udh8, 256)),
        Err(SplitError::ReferenceTooLarge(256))
    );
    let turkish = TextEncoding::Gsm7(ShiftTables {
        locking: None,
        single: Some(NationalLanguage::Turkish),
    });
    assert_eq!(
        split_encoded("ş", turkish, &opts(Concat::Sar, 1)),
        Err(SplitError::ShiftNeedsUdh)
    );
    assert!(matches!(
        split_encoded("😀", TextEncoding::Latin1, &opts(Concat::Udh8, 1)),
        Err(SplitError::Text(_))
    ));
    assert!(matches!(
        split_text(&"a".repeat(70_000), &p, &opts(Concat::Payload, 0)),
        Err(SplitError::PayloadTooLarge(70_000))
    ));
    let flash = SplitOptions {
        class: Some(MessageClass::Class0),
        ..opts(Concat::Udh8, 1)
    };
    assert_eq!(split_text("hi", &p, &flash).unwrap().data_coding, 0xF0);
    assert_eq!(split_text("привет", &p, &flash).unwrap().data_coding, 0x18);
    // Transliteration keeps a text in GSM 7-bit when enabled.
    let pt = EncodingPolicy {
        transliterate: true,
        ..EncodingPolicy::default()
    };
    assert_eq!(
        split_text("it’s", &pt, &opts(Concat::Udh8, 1))
            .unwrap()
            .data_coding,
        0x00
    );
    assert_eq!(
        split_text("it’s", &p, &opts(Concat::Udh8, 1))
            .unwrap()
            .data_coding,
        0x08
    );
}

#[test]
fn national_shift_in_udh_with_packing() {
    // gsm-shift-tables.md vector 1: single message, UDH 03 24 01 01, packed after 3 fill bits.
    let turkish = TextEncoding::Gsm7(ShiftTables {
        locking: None,
        single: Some(NationalLanguage::Turkish),
    });
    let o = SplitOptions {
        packed: true,
        ..opts(Concat::Udh8, 1)
    };
    let s = split_encoded("Dağ başı İzmir", turkish, &o).unwrap();
    assert_eq!(s.parts.len(), 1);
    assert!(s.parts[0].udhi);
    let expect: Vec<u8> = [0x03, 0x24, 0x01, 0x01]
        .into_iter()
        .chain([
            0x20, 0x86, 0x37, 0x67, 0x90, 0x38, 0xBC, 0x99, 0x6F, 0xD2, 0xA0, 0x4D, 0x52, 0xDF,
            0x4E, 0xCB, 0x01,
        ])
        .collect();
    assert_eq!(&s.parts[0].short_message[..], &expect[..]);
    // Concat + single shift = 9-octet UDH -> 149 septets per part.
    let s = split_encoded(&"ş".repeat(100), turkish, &opts(Concat::Udh8, 5)).unwrap();
    assert_eq!(s.parts.len(), 2);
    assert_eq!(
        &s.parts[0].short_message[..9],
        &[0x08, 0x00, 0x03, 5, 2, 1, 0x24, 0x01, 0x01]
    );
    assert_eq!(s.parts[0].short_message.len(), 9 + 148);
}

/// UCS-2 splitting writes the whole text (ASCII blocks, 2-, 3- and 4-octet UTF-8) and fills
/// each part greedily: a new part starts only when the next character does not fit, so a
/// surrogate pair is never split and no part ends early.
fn check_ucs2_split(text: &str, method: Concat) {
    let s = split_encoded(text, TextEncoding::Ucs2, &opts(method, 1)).unwrap();
    let mut want = Vec::new();
    smpp_proto::text::ucs2::encode(text, &mut want);
    let udh = match method {
        Concat::Udh8 => 6,
        Concat::Udh16 => 7,
        Concat::Sar | Concat::Payload => 0,
    };
    let cap = if method == Concat::Sar {
        67
    } else {
        (140 - udh) / 2
    };
    let bodies: Vec<&[u8]> = s
        .parts
        .iter()
        .map(|p| match &p.message_payload {
            Some(m) => &m[..],
            None if s.parts.len() > 1 => &p.short_message[udh..],
            None => &p.short_message[..],
        })
        .collect();
    assert_eq!(bodies.concat(), want, "{text:?} {method:?}");
    if s.parts.len() > 1 {
        for (i, b) in bodies.iter().enumerate() {
            assert!(b.len() / 2 <= cap, "{text:?} {method:?} part {i}");
            if let Some(next) = bodies.get(i + 1) {
                let first = if (0xD8..=0xDB).contains(&next[0]) {
                    2
                } else {
                    1
                };
                assert!(
                    b.len() / 2 + first > cap,
                    "{text:?} {method:?} part {i} ends early"
                );
            }
        }
    }
}

#[test]
fn ucs2_split_edges() {
    let pieces = [
        "a",
        "abcdefghij",
        "é",
        "€",
        "😀",
        " ",
        "日本語",
        "Hello [world] 5€ ",
    ];
    for method in [Concat::Udh8, Concat::Udh16, Concat::Sar, Concat::Payload] {
        for lead in 0..80 {
            for p in pieces {
                for q in pieces {
                    let text = format!("{}{}{}", "x".repeat(lead), p.repeat(70), q.repeat(9));
                    check_ucs2_split(&text, method);
                }
            }
        }
        check_ucs2_split("", method);
        check_ucs2_split(&"😀".repeat(300), method);
        check_ucs2_split(&"a😀".repeat(300), method);
        check_ucs2_split(&"ab€".repeat(300), method);
    }
}

proptest::proptest! {
    #[test]
    fn ucs2_split_matches_encode(
        pieces in proptest::collection::vec(
            proptest::sample::select(vec!["a", "Hello ", "é", "€", "😀", "日本", "x y z 123", "ñ", "\u{FFFF}", "\u{10000}", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}"]),
            0..300,
        ),
        method in proptest::sample::select(vec![Concat::Udh8, Concat::Udh16, Concat::Sar, Concat::Payload]),
    ) {
        check_ucs2_split(&pieces.concat(), method);
    }
}
