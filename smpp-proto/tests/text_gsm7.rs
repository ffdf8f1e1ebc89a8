//! GSM 7-bit: tables, packing, shift tables and the vectors of smpp-reference §10 and
//! gsm-shift-tables.md.

use proptest::prelude::*;
use smpp_proto::text::gsm7::{self, NationalLanguage, ShiftTables};
use smpp_proto::text::septets;
use smpp_proto::text::{Strictness, TextError};

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect()
}

fn enc(text: &str, t: &ShiftTables) -> Vec<u8> {
    let mut out = Vec::new();
    gsm7::encode(text, t, Strictness::Strict, &mut out).unwrap();
    out
}

fn dec(septets: &[u8], t: &ShiftTables) -> String {
    let mut s = String::new();
    gsm7::decode(septets, t, Strictness::Strict, &mut s).unwrap();
    s
}

fn all_tables() -> Vec<ShiftTables> {
    let mut v = vec![ShiftTables::NONE];
    for l in NationalLanguage::ALL {
        v.push(ShiftTables::from_ids(Some(l.id()), None));
        v.push(ShiftTables::from_ids(None, Some(l.id())));
        v.push(ShiftTables::from_ids(Some(l.id()), Some(l.id())));
    }
    v
}

#[test]
fn default_tables_every_character_round_trips() {
    let rep = gsm7::repertoire(&ShiftTables::NONE);
    // 127 main-table characters + 10 extension characters.
    assert_eq!(rep.len(), 137);
    for (c, septets) in &rep {
        let s = c.to_string();
        assert_eq!(&enc(&s, &ShiftTables::NONE), septets, "{c:?}");
        assert_eq!(dec(septets, &ShiftTables::NONE), s, "{septets:02X?}");
    }
}

#[test]
fn every_shift_table_character_round_trips() {
    for t in all_tables() {
        for (c, septets) in gsm7::repertoire(&t) {
            let s = c.to_string();
            // Decoding the listed septets gives the character back.
            assert_eq!(dec(&septets, &t), s, "{t:?} {septets:02X?}");
            // Encoding gives septets that decode to the same character (a character can sit in
            // both tables; the locking table is preferred, and duplicates pick one code).
            let e = enc(&s, &t);
            assert!(e.len() <= septets.len(), "{t:?} {c:?}");
            assert_eq!(dec(&e, &t), s, "{t:?} {c:?}");
        }
    }
}

#[test]
fn table_sizes_match_the_tsv() {
    let count = |t: ShiftTables| gsm7::repertoire(&t).len();
    // Turkish locking 127 (complete) + default extension 10.
    assert_eq!(
        count(ShiftTables {
            locking: Some(NationalLanguage::Turkish),
            single: None
        }),
        137
    );
    // Default alphabet 127 + Turkish single 17.
    assert_eq!(
        count(ShiftTables {
            locking: None,
            single: Some(NationalLanguage::Turkish)
        }),
        144
    );
    assert_eq!(
        count(ShiftTables {
            locking: None,
            single: Some(NationalLanguage::Spanish)
        }),
        127 + 19
    );
    assert_eq!(
        count(ShiftTables {
            locking: Some(NationalLanguage::Tamil),
            single: None
        }),
        102 + 10
    );
    // Spanish has no locking table: the IE selects nothing.
    assert_eq!(ShiftTables::from_ids(Some(2), None), ShiftTables::NONE);
    assert_eq!(ShiftTables::from_ids(Some(14), Some(0)), ShiftTables::NONE);
}

#[test]
fn c_cedilla_and_specials() {
    assert_eq!(enc("Ç", &ShiftTables::NONE), [0x09]);
    assert_eq!(enc("ç", &ShiftTables::NONE), [0x09]);
    assert_eq!(dec(&[0x09], &ShiftTables::NONE), "Ç");
    assert_eq!(
        enc("@$_¤¡", &ShiftTables::NONE),
        [0x00, 0x02, 0x11, 0x24, 0x40]
    );
    assert_eq!(
        enc("€[]", &ShiftTables::NONE),
        [0x1B, 0x65, 0x1B, 0x3C, 0x1B, 0x3E]
    );
    assert_eq!(
        gsm7::encode(
            "a`b",
            &ShiftTables::NONE,
            Strictness::Strict,
            &mut Vec::new()
        ),
        Err(TextError::Unrepresentable { ch: '`', index: 1 })
    );
    let mut out = Vec::new();
    let r = gsm7::encode("a`b😀", &ShiftTables::NONE, Strictness::Lenient, &mut out).unwrap();
    assert_eq!((out.as_slice(), r.replaced, r.units), (&b"a?b?"[..], 2, 4));
}

#[test]
fn escape_rules_on_decode() {
    let mut s = String::new();
    // Unknown escape -> main table character; ESC ESC -> space; trailing ESC dropped.
    let r = gsm7::decode(
        &[0x1B, 0x41, 0x1B, 0x1B, 0x21, 0x1B],
        &ShiftTables::NONE,
        Strictness::Strict,
        &mut s,
    )
    .unwrap();
    assert_eq!(s, "A !");
    assert_eq!(r.unknown_escapes, 1);
    assert!(r.dropped_escape);
    // High bit: strict error, lenient U+FFFD counted.
    assert_eq!(
        gsm7::decode(
            b"ab\x80",
            &ShiftTables::NONE,
            Strictness::Strict,
            &mut String::new()
        ),
        Err(TextError::Invalid { offset: 2 })
    );
    let mut s = String::new();
    let r = gsm7::decode(b"ab\x80", &ShiftTables::NONE, Strictness::Lenient, &mut s).unwrap();
    assert_eq!((s.as_str(), r.replaced), ("ab\u{FFFD}", 1));
}

#[test]
fn packing_vectors() {
    let mut out = Vec::new();
    gsm7::encode_packed(
        "hellohello",
        &ShiftTables::NONE,
        Strictness::Strict,
        0,
        &mut out,
    )
    .unwrap();
    assert_eq!(out, hex("e8 32 9b fd 46 97 d9 ec 37"));
    out.clear();
    gsm7::encode_packed("Hi", &ShiftTables::NONE, Strictness::Strict, 0, &mut out).unwrap();
    assert_eq!(out, hex("c8 34"));
    out.clear();
    gsm7::encode_packed(
        "1234567",
        &ShiftTables::NONE,
        Strictness::Strict,
        0,
        &mut out,
    )
    .unwrap();
    assert_eq!(out, hex("31 d9 8c 56 b3 dd 00"));
    let mut s = String::new();
    let r = gsm7::decode_packed(&out, 0, &ShiftTables::NONE, Strictness::Strict, &mut s).unwrap();
    assert_eq!(s, "1234567");
    assert!(r.dropped_padding);
    // A trailing CR in the spare bits is padding too.
    let mut s = String::new();
    gsm7::decode_packed(
        &[0x31, 0xD9, 0x8C, 0x56, 0xB3, 0xDD, 0x1A],
        0,
        &ShiftTables::NONE,
        Strictness::Strict,
        &mut s,
    )
    .unwrap();
    assert_eq!(s, "1234567");
    out.clear();
    gsm7::encode_packed(
        "Hello",
        &ShiftTables::NONE,
        Strictness::Strict,
        septets::fill_bits(6),
        &mut out,
    )
    .unwrap();
    assert_eq!(out, hex("90 65 36 fb 0d"));
    assert_eq!(septets::fill_bits(7), 0);
}

const DAG: &str = "Dağ başı İzmir";

#[test]
fn turkish_single_shift_vector() {
    let t = ShiftTables {
        locking: None,
        single: Some(NationalLanguage::Turkish),
    };
    let septets_ = enc(DAG, &t);
    assert_eq!(
        septets_,
        hex("44 61 1B 67 20 62 61 1B 73 1B 69 20 1B 49 7A 6D 69 72")
    );
    assert_eq!(dec(&septets_, &t), DAG);
    let mut packed = Vec::new();
    septets::pack(&septets_, 0, &mut packed);
    assert_eq!(
        packed,
        hex("C4 F0 E6 0C 12 87 37 F3 4D 1A B4 49 EA DB 69 39")
    );
    packed.clear();
    septets::pack(&septets_, septets::fill_bits(4), &mut packed);
    assert_eq!(
        packed,
        hex("20 86 37 67 90 38 BC 99 6F D2 A0 4D 52 DF 4E CB 01")
    );
    let mut s = String::new();
    gsm7::decode_packed(&packed, 3, &t, Strictness::Strict, &mut s).unwrap();
    assert_eq!(s, DAG);
    // A receiver ignoring the IE degrades gently.
    let mut s = String::new();
    let r = gsm7::decode(&septets_, &ShiftTables::NONE, Strictness::Strict, &mut s).unwrap();
    assert_eq!(s, "Dag basi Izmir");
    assert_eq!(r.unknown_escapes, 4);
}

#[test]
fn turkish_locking_shift_vector() {
    let t = ShiftTables {
        locking: Some(NationalLanguage::Turkish),
        single: None,
    };
    let septets_ = enc(DAG, &t);
    assert_eq!(septets_, hex("44 61 0C 20 62 61 1D 07 20 40 7A 6D 69 72"));
    assert_eq!(dec(&septets_, &t), DAG);
    let mut packed = Vec::new();
    septets::pack(&septets_, 0, &mut packed);
    assert_eq!(packed, hex("C4 30 03 24 0E 77 0E 20 A0 BE 9D 96 03"));
    packed.clear();
    septets::pack(&septets_, septets::fill_bits(4), &mut packed);
    assert_eq!(packed, hex("20 86 19 20 71 B8 73 00 01 F5 ED B4 1C"));
    assert_eq!(dec(&septets_, &ShiftTables::NONE), "Daø baæì ¡zmir");
}

#[test]
fn portuguese_locking_turkish_single_vector() {
    let t = ShiftTables::from_ids(Some(3), Some(1));
    assert_eq!(enc("Ação ş", &t), hex("41 09 7B 6F 20 1B 73"));
    assert_eq!(dec(&hex("41 09 7B 6F 20 1B 73"), &t), "Ação ş");
}

#[test]
fn hindi_locking_vector() {
    let t = ShiftTables::from_ids(Some(6), None);
    assert_eq!(enc("नमस्ते", &t), hex("2F 42 4C 5F 27 59"));
    assert_eq!(dec(&hex("2F 42 4C 5F 27 59"), &t), "नमस्ते");
}

#[test]
fn turkish_single_fallback_decode_vector() {
    let t = ShiftTables::from_ids(None, Some(1));
    assert_eq!(dec(&hex("1B 41 1B 1B 21"), &t), "A !");
}

fn gsm_char(t: ShiftTables) -> impl Strategy<Value = char> {
    let chars: Vec<char> = gsm7::repertoire(&t).into_iter().map(|(c, _)| c).collect();
    proptest::sample::select(chars)
}

proptest! {
    #[test]
    fn representable_default_text_round_trips(chars in proptest::collection::vec(gsm_char(ShiftTables::NONE), 0..400), fill in 0u8..7) {
        let text: String = chars.into_iter().collect::<String>().replace('ç', "Ç");
        let e = enc(&text, &ShiftTables::NONE);
        prop_assert_eq!(dec(&e, &ShiftTables::NONE), text.clone());
        let mut packed = Vec::new();
        gsm7::encode_packed(&text, &ShiftTables::NONE, Strictness::Strict, fill, &mut packed).unwrap();
        prop_assert_eq!(packed.len(), septets::packed_len(e.len(), fill));
        let mut s = String::new();
        let r = gsm7::decode_packed(&packed, fill, &ShiftTables::NONE, Strictness::Strict, &mut s).unwrap();
        let spare = packed.len() * 8 - e.len() * 7 - usize::from(fill);
        if spare == 7 {
            // Genuine padding: removed, reported.
            prop_assert!(r.dropped_padding);
            prop_assert_eq!(s, text);
        } else if spare == 0 && (text.ends_with('@') || text.ends_with('\r')) {
            // A real final '@' / CR on an octet boundary is indistinguishable from padding
            // (smpp-reference §10.3): dropped, but reported.
            prop_assert!(r.dropped_padding);
            prop_assert_eq!(&s[..], &text[..text.len() - 1]);
        } else {
            prop_assert!(!r.dropped_padding);
            prop_assert_eq!(s, text);
        }
    }

    #[test]
    fn representable_national_text_round_trips(lang in 1u8..=13, lock in any::<bool>(), single in any::<bool>(), seed in proptest::collection::vec(any::<u16>(), 0..200)) {
        let t = ShiftTables::from_ids(lock.then_some(lang), single.then_some(lang));
        let rep: Vec<char> = gsm7::repertoire(&t).into_iter().map(|(c, _)| c).collect();
        let text: String = seed.iter().map(|i| rep[usize::from(*i) % rep.len()]).collect();
        let e = enc(&text, &t);
        let back = dec(&e, &t);
        // Characters listed twice (e.g. 'ç' / 'Ç' at 0x09) normalise; compare re-encodings.
        prop_assert_eq!(enc(&back, &t), e);
        prop_assert_eq!(back.chars().count(), text.chars().count());
    }

    #[test]
    fn arbitrary_septets_never_panic(data in proptest::collection::vec(any::<u8>(), 0..300), fill in 0u8..8) {
        let mut s = String::new();
        let _ = gsm7::decode(&data, &ShiftTables::NONE, Strictness::Lenient, &mut s).unwrap();
        let mut s = String::new();
        let _ = gsm7::decode_packed(&data, fill, &ShiftTables::from_ids(Some(6), Some(11)), Strictness::Lenient, &mut s).unwrap();
    }
}

/// `decode_packed` must behave exactly as unpacking and then decoding the septets: same
/// text (appended after what `out` held), same report, same error and the same partial
/// output on error.
fn packed_matches_unpacked(data: &[u8], fill: u8, t: &ShiftTables, st: Strictness) {
    let mut septs = Vec::new();
    let info = septets::unpack(data, fill, &mut septs);
    let mut want = String::from("pre");
    let want_r = gsm7::decode(&septs, t, st, &mut want).map(|mut r| {
        r.dropped_padding = info.dropped_padding;
        r
    });
    let mut got = String::from("pre");
    let got_r = gsm7::decode_packed(data, fill, t, st, &mut got);
    assert_eq!(got_r, want_r, "data={data:02x?} fill={fill} t={t:?} {st:?}");
    assert_eq!(got, want, "data={data:02x?} fill={fill} t={t:?} {st:?}");
}

fn pack_septets(s: &[u8], fill: u8) -> Vec<u8> {
    let mut out = Vec::new();
    septets::pack(s, fill, &mut out);
    out
}

/// Edge cases of the packed decoder (8-septet words, 256-septet blocks): an escape (or a pair) at every
/// position relative to the 8-septet words, lengths that are not multiples of 8, every fill,
/// trailing '@' / CR on and off an octet boundary, invalid codes in strict and lenient mode.
#[test]
fn packed_decode_word_edges() {
    let tables = [
        ShiftTables::NONE,
        ShiftTables::from_ids(None, Some(1)),
        ShiftTables::from_ids(Some(6), None),
        ShiftTables::from_ids(Some(6), Some(11)),
    ];
    let specials: [&[u8]; 8] = [
        &[0x1B, 0x65], // '€'
        &[0x1B],       // lone ESC (dropped at the end, else escapes the next)
        &[0x1B, 0x1B], // ESC ESC: space
        &[0x1B, 0x41], // unknown escape
        &[0x00],       // '@'
        &[0x0D],       // CR
        &[0x24],       // '¤'
        &[0x7F],       // 'à' (unassigned in some national tables)
    ];
    for len in 0..34usize {
        for pos in 0..=len {
            for sp in specials {
                let mut s: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                s.splice(pos..pos, sp.iter().copied());
                for fill in 0..9u8 {
                    let data = pack_septets(&s, fill % 8);
                    for t in &tables {
                        for st in [Strictness::Strict, Strictness::Lenient] {
                            packed_matches_unpacked(&data, fill, t, st);
                        }
                    }
                    // Octets after a UDH: the same septets with extra (non-zero) fill bits.
                    if fill > 0 && fill < 8 {
                        let mut d = data.clone();
                        if let Some(b) = d.first_mut() {
                            *b |= (1 << fill) - 1;
                        }
                        packed_matches_unpacked(&d, fill, &ShiftTables::NONE, Strictness::Strict);
                    }
                }
            }
        }
    }
}

#[test]
fn packed_decode_trailing_padding() {
    for n in 1..24usize {
        for last in [0x00u8, 0x0D, b'a'] {
            let mut s = vec![b'x'; n];
            s.push(last);
            for fill in 0..7u8 {
                let data = pack_septets(&s, fill);
                for st in [Strictness::Strict, Strictness::Lenient] {
                    packed_matches_unpacked(&data, fill, &ShiftTables::NONE, st);
                }
            }
        }
    }
}

fn septet_strategy() -> impl Strategy<Value = u8> {
    prop_oneof![
        6 => 0x20u8..0x7B,
        1 => Just(0x1Bu8),
        1 => 0u8..0x80,
    ]
}

proptest! {
    #[test]
    fn packed_decode_matches_unpack_then_decode(
        s in proptest::collection::vec(septet_strategy(), 0..300),
        garbage in proptest::collection::vec(any::<u8>(), 0..40),
        fill in 0u8..8,
        t in proptest::sample::select(all_tables()),
        strict in any::<bool>(),
    ) {
        let st = if strict { Strictness::Strict } else { Strictness::Lenient };
        let data = pack_septets(&s, fill);
        packed_matches_unpacked(&data, fill, &t, st);
        packed_matches_unpacked(&data, fill, &ShiftTables::NONE, st);
        packed_matches_unpacked(&garbage, fill, &t, st);
    }
}

/// Around the packed decoder's 256-septet block boundary: an escape pair split across
/// blocks, a lone escape ending a block, every fill.
#[test]
fn packed_decode_block_boundary() {
    for len in 248..272usize {
        for pos in 248..=len {
            for sp in [&[0x1B, 0x65][..], &[0x1B], &[0x00], &[0x1B, 0x1B]] {
                let mut s: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                s.splice(pos..pos, sp.iter().copied());
                for fill in 0..8u8 {
                    let data = pack_septets(&s, fill);
                    packed_matches_unpacked(&data, fill, &ShiftTables::NONE, Strictness::Strict);
                    packed_matches_unpacked(
                        &data,
                        fill,
                        &ShiftTables::from_ids(Some(1), Some(1)),
                        Strictness::Lenient,
                    );
                }
            }
        }
    }
}
