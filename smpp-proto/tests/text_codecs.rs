//! UCS-2, Latin-1, IA5, encoding_rs codecs, data_coding interpretation, encoding choice.

use proptest::prelude::*;
use smpp_proto::segment::Concat;
use smpp_proto::text::{
    self, Alphabet, CodecOptions, Coding, DefaultAlphabet, EncodingPolicy, IndicationKind,
    MessageClass, NationalLanguage, ShiftTables, Strictness, TextEncoding, TextError, ia5, latin1,
    ucs2,
};

#[test]
fn ucs2_surrogates_odd_length_and_lone_surrogates() {
    let mut out = Vec::new();
    let r = ucs2::encode("A😀", &mut out);
    assert_eq!(out, [0x00, 0x41, 0xD8, 0x3D, 0xDE, 0x00]);
    assert_eq!(r.units, 3);
    let mut s = String::new();
    ucs2::decode(&out, Strictness::Strict, &mut s).unwrap();
    assert_eq!(s, "A😀");
    // Odd length.
    assert_eq!(
        ucs2::decode(&[0x00, 0x41, 0x00], Strictness::Strict, &mut String::new()),
        Err(TextError::Invalid { offset: 2 })
    );
    let mut s = String::new();
    let r = ucs2::decode(&[0x00, 0x41, 0x00], Strictness::Lenient, &mut s).unwrap();
    assert_eq!((s.as_str(), r.replaced), ("A\u{FFFD}", 1));
    // Lone high surrogate followed by a letter, lone low surrogate.
    let mut s = String::new();
    let r = ucs2::decode(
        &[0xD8, 0x3D, 0x00, 0x42, 0xDE, 0x00],
        Strictness::Lenient,
        &mut s,
    )
    .unwrap();
    assert_eq!((s.as_str(), r.replaced), ("\u{FFFD}B\u{FFFD}", 2));
    assert!(ucs2::decode(&[0xD8, 0x3D], Strictness::Strict, &mut String::new()).is_err());
}

#[test]
fn latin1_is_not_windows_1252() {
    let mut s = String::new();
    latin1::decode(&[0x80, 0x9F, 0xE9, 0xFF], &mut s);
    assert_eq!(s, "\u{80}\u{9F}éÿ");
    let mut out = Vec::new();
    latin1::encode(&s, Strictness::Strict, &mut out).unwrap();
    assert_eq!(out, [0x80, 0x9F, 0xE9, 0xFF]);
    assert_eq!(
        latin1::encode("€", Strictness::Strict, &mut Vec::new()),
        Err(TextError::Unrepresentable {
            ch: '€', index: 0
        })
    );
}

#[test]
fn ia5_ascii_only() {
    let mut out = Vec::new();
    ia5::encode("a{~}", Strictness::Strict, &mut out).unwrap();
    assert_eq!(out, b"a{~}");
    assert!(ia5::encode("é", Strictness::Strict, &mut Vec::new()).is_err());
    assert!(ia5::decode(&[0x41, 0x80], Strictness::Strict, &mut String::new()).is_err());
}

#[test]
fn encoding_rs_codecs() {
    let opts = CodecOptions::default();
    for (alphabet, text) in [
        (Alphabet::Cyrillic, "Привет, мир"),
        (Alphabet::Hebrew, "שלום"),
        (Alphabet::Jis, "こんにちは"),
        (Alphabet::Iso2022Jp, "日本語"),
        (Alphabet::KsC5601, "안녕하세요"),
        (Alphabet::ExtendedKanji, "漢字"),
    ] {
        let mut b = Vec::new();
        text::encode(text, alphabet, &opts, &mut b).unwrap();
        let mut s = String::new();
        text::decode(&b, alphabet, &opts, &mut s).unwrap();
        assert_eq!(s, text, "{alphabet:?}");
    }
    let mut b = Vec::new();
    text::encode("Привет", Alphabet::Cyrillic, &opts, &mut b).unwrap();
    assert_eq!(b, [0xBF, 0xE0, 0xD8, 0xD2, 0xD5, 0xE2]);
    assert!(matches!(
        text::encode("Привет😀", Alphabet::Cyrillic, &opts, &mut Vec::new()),
        Err(TextError::Unrepresentable {
            ch: '😀',
            index: 12
        })
    ));
    let lenient = CodecOptions {
        strictness: Strictness::Lenient,
        ..opts
    };
    let mut b = Vec::new();
    let r = text::encode("a😀", Alphabet::Hebrew, &lenient, &mut b).unwrap();
    assert_eq!((b.as_slice(), r.replaced), (&b"a?"[..], 1));
    assert_eq!(
        text::decode(b"x", Alphabet::Binary, &opts, &mut String::new()),
        Err(TextError::NotText)
    );
    assert_eq!(
        text::decode(b"x", Alphabet::Pictogram, &opts, &mut String::new()),
        Err(TextError::Unsupported(Alphabet::Pictogram))
    );
}

#[test]
fn data_coding_values() {
    let g = DefaultAlphabet::Gsm7;
    let a = |dc| Coding::from_data_coding(dc, g).alphabet;
    assert_eq!(a(0x00), Alphabet::Gsm7);
    assert_eq!(
        Coding::from_data_coding(0x00, DefaultAlphabet::Ia5).alphabet,
        Alphabet::Ia5
    );
    assert_eq!(
        Coding::from_data_coding(0x00, DefaultAlphabet::Latin1).alphabet,
        Alphabet::Latin1
    );
    let expect = [
        (0x01, Alphabet::Ia5),
        (0x02, Alphabet::Binary),
        (0x03, Alphabet::Latin1),
        (0x04, Alphabet::Binary),
        (0x05, Alphabet::Jis),
        (0x06, Alphabet::Cyrillic),
        (0x07, Alphabet::Hebrew),
        (0x08, Alphabet::Ucs2),
        (0x09, Alphabet::Pictogram),
        (0x0A, Alphabet::Iso2022Jp),
        (0x0B, Alphabet::Reserved),
        (0x0C, Alphabet::Reserved),
        (0x0D, Alphabet::ExtendedKanji),
        (0x0E, Alphabet::KsC5601),
        (0x0F, Alphabet::Reserved),
        (0x80, Alphabet::Reserved),
    ];
    for (dc, alphabet) in expect {
        assert_eq!(a(dc), alphabet, "{dc:#04x}");
        assert_eq!(Coding::from_data_coding(dc, g).class, None);
    }
    for dc in 0x10..=0x13u8 {
        let c = Coding::from_data_coding(dc, g);
        assert_eq!(
            (c.alphabet, c.class.map(|c| c as u8)),
            (Alphabet::Gsm7, Some(dc & 3))
        );
    }
    let c = Coding::from_data_coding(0x18, g);
    assert!(c.is_flash() && c.alphabet == Alphabet::Ucs2);
    let c = Coding::from_data_coding(0xF0, g);
    assert!(c.is_flash() && c.alphabet == Alphabet::Gsm7);
    let c = Coding::from_data_coding(0xF5, g);
    assert_eq!(
        (c.alphabet, c.class),
        (Alphabet::Binary, Some(MessageClass::Class1))
    );
    let c = Coding::from_data_coding(0x38, g); // compressed UCS2, class 0
    assert!(c.compressed && c.is_flash() && !c.is_text());
    let c = Coding::from_data_coding(0x48, g);
    assert!(c.auto_delete && c.alphabet == Alphabet::Ucs2 && c.class.is_none());
    let c = Coding::from_data_coding(0xC9, g);
    let w = c.waiting.unwrap();
    assert!(w.active && !w.store && w.kind == IndicationKind::Fax && c.alphabet == Alphabet::Gsm7);
    let c = Coding::from_data_coding(0xE2, g);
    let w = c.waiting.unwrap();
    assert!(
        !w.active && w.store && w.kind == IndicationKind::Email && c.alphabet == Alphabet::Ucs2
    );
    // Every octet interprets without panicking, and class values are consistent.
    for dc in 0..=255u8 {
        let c = Coding::from_data_coding(dc, g);
        if let Some(code) = c.alphabet.data_coding(c.class) {
            if c.waiting.is_none()
                && !c.compressed
                && !c.auto_delete
                && c.alphabet != Alphabet::Gsm7
            {
                assert_eq!(Coding::from_data_coding(code, g).alphabet, c.alphabet);
            }
        }
    }
    assert_eq!(
        Alphabet::Ucs2.data_coding(Some(MessageClass::Class0)),
        Some(0x18)
    );
    assert_eq!(
        Alphabet::Gsm7.data_coding(Some(MessageClass::Class0)),
        Some(0xF0)
    );
}

#[test]
fn choose_encodings_and_costs() {
    let p = EncodingPolicy::default();
    let c = text::choose(&"a".repeat(160), &p);
    assert_eq!(
        (c.encoding, c.segments(Concat::Udh8).segments),
        (TextEncoding::Gsm7(ShiftTables::NONE), 1)
    );
    let c = text::choose(&"a".repeat(161), &p);
    assert_eq!(c.segments(Concat::Udh8).segments, 2);
    assert_eq!(c.segments(Concat::Udh8).remaining, 153 * 2 - 161);
    assert_eq!(c.segments(Concat::Udh16).remaining, 152 * 2 - 161);
    assert_eq!(c.segments(Concat::Sar).remaining, 153 * 2 - 161);
    // Escapes cost 2 and are not split: 152 'a' + '€' does not fit 153.
    let c = text::choose(&format!("{}€{}", "a".repeat(152), "b".repeat(10)), &p);
    assert_eq!(c.units, 164);
    assert_eq!(c.segments(Concat::Udh8).remaining, 153 - 12);
    // UCS-2.
    let c = text::choose("Привет", &p);
    assert_eq!(
        (c.encoding, c.units, c.segments(Concat::Udh8).remaining),
        (TextEncoding::Ucs2, 6, 64)
    );
    // Latin-1 only when allowed.
    let p_l = EncodingPolicy {
        latin1: true,
        ..EncodingPolicy::default()
    };
    assert_eq!(text::choose("naïve", &p_l).encoding, TextEncoding::Latin1);
    assert_eq!(text::choose("naïve", &p).encoding, TextEncoding::Ucs2);
    // National tables when enabled and cheaper.
    let turkish = ShiftTables {
        locking: None,
        single: Some(NationalLanguage::Turkish),
    };
    let p_t = EncodingPolicy {
        national: vec![turkish],
        ..EncodingPolicy::default()
    };
    let c = text::choose("Dağ başı İzmir", &p_t);
    assert_eq!(c.encoding, TextEncoding::Gsm7(turkish));
    assert_eq!(c.units, 18);
    assert_eq!(c.segments(Concat::Udh8).remaining, 155 - 18);
    let hindi = ShiftTables::from_ids(Some(6), Some(6));
    let p_h = EncodingPolicy {
        national: vec![turkish, hindi],
        ..EncodingPolicy::default()
    };
    assert_eq!(
        text::choose("नमस्ते दुनिया", &p_h).encoding,
        TextEncoding::Gsm7(hindi)
    );
    // Transliteration is a separate, opt-in step.
    assert_eq!(
        text::transliterate("“quote” — dash…\u{a0}"),
        "\"quote\" - dash... "
    );
    assert_eq!(
        text::choose(&text::transliterate("it’s"), &p).encoding,
        TextEncoding::Gsm7(ShiftTables::NONE)
    );
}

proptest! {
    #[test]
    fn any_string_round_trips_in_ucs2(s in any::<String>()) {
        let mut b = Vec::new();
        let r = ucs2::encode(&s, &mut b);
        prop_assert_eq!(r.units, s.encode_utf16().count());
        let mut back = String::new();
        ucs2::decode(&b, Strictness::Strict, &mut back).unwrap();
        prop_assert_eq!(back, s);
    }

    #[test]
    fn latin1_strings_round_trip(v in proptest::collection::vec(any::<u8>(), 0..300)) {
        let s: String = v.iter().map(|&b| char::from(b)).collect();
        let mut b = Vec::new();
        latin1::encode(&s, Strictness::Strict, &mut b).unwrap();
        prop_assert_eq!(&b, &v);
        let mut back = String::new();
        latin1::decode(&b, &mut back);
        prop_assert_eq!(back, s);
    }

    #[test]
    fn ia5_strings_round_trip(s in "[\\x00-\\x7f]{0,200}") {
        let mut b = Vec::new();
        ia5::encode(&s, Strictness::Strict, &mut b).unwrap();
        let mut back = String::new();
        ia5::decode(&b, Strictness::Strict, &mut back).unwrap();
        prop_assert_eq!(back, s);
    }

    #[test]
    fn cyrillic_strings_round_trip(s in "[а-яА-ЯёЁ a-z0-9,.!]{0,100}") {
        let opts = CodecOptions::default();
        let mut b = Vec::new();
        text::encode(&s, Alphabet::Cyrillic, &opts, &mut b).unwrap();
        prop_assert_eq!(b.len(), s.chars().count());
        let mut back = String::new();
        text::decode(&b, Alphabet::Cyrillic, &opts, &mut back).unwrap();
        prop_assert_eq!(back, s);
    }

    #[test]
    fn lenient_decoders_never_fail(b in proptest::collection::vec(any::<u8>(), 0..200), dc in any::<u8>()) {
        let opts = CodecOptions { strictness: Strictness::Lenient, ..CodecOptions::default() };
        let coding = Coding::from_data_coding(dc, DefaultAlphabet::Gsm7);
        let mut s = String::new();
        match text::decode(&b, coding.alphabet, &opts, &mut s) {
            Ok(_) => {}
            Err(e) => prop_assert!(matches!(e, TextError::NotText | TextError::Unsupported(_))),
        }
    }
}
