//! Property tests: format → parse round trips, parse never panics, SMPP time round trips.

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use smpp_proto::receipt::{
    ErrValue, FormatOptions, MessageState, ParseOutcome, ReceiptFields, TextMode, format, parse,
    parse_any,
};
use smpp_proto::time::{AbsoluteTime, CivilDateTime, RelativeTime, SmppTime};

const Y2000: u64 = 946_684_800;
const Y2100: u64 = 4_102_444_800;

fn text_mode() -> impl Strategy<Value = TextMode> {
    prop_oneof![
        Just(TextMode::First20),
        Just(TextMode::None),
        Just(TextMode::Empty),
        Just(TextMode::Omit)
    ]
}

proptest! {
    #[test]
    fn format_then_parse_gives_the_fields_back(
        id in "[A-Za-z0-9-]{1,40}",
        sub in 0u32..5000,
        dlvrd in 0u32..5000,
        submit in Y2000..Y2100 - 86_400,
        done_after in 0u64..86_400,
        state in 0u8..10,
        err in 0u32..100_000,
        text in "[ -~]{0,40}",
        seconds in any::<bool>(),
        mode in text_mode(),
        capital in any::<bool>(),
        offset in -48i8..=48,
    ) {
        let submit_t = UNIX_EPOCH + Duration::from_secs(submit);
        let fields = ReceiptFields {
            id: id.as_bytes(), sub, dlvrd, submit_date: submit_t,
            done_date: submit_t + Duration::from_secs(done_after),
            state: MessageState::from_value(state), err, text: text.as_bytes(),
        };
        let opts = FormatOptions { dates_with_seconds: seconds, text: mode, capital_text_key: capital, offset_quarters: offset, ..FormatOptions::default() };
        let mut buf = [0u8; 300];
        // a zone offset can push a date just outside 2000-2099
        let Ok(n) = format(&fields, &opts, &mut buf) else { return Ok(()) };
        let ParseOutcome::Receipt(r) = parse(&buf[..n]) else { panic!("unparsed") };
        prop_assert_eq!(r.id, Some(id.as_bytes()));
        prop_assert_eq!(r.sub.and_then(|c| c.value), Some(sub));
        prop_assert_eq!(r.dlvrd.and_then(|c| c.value), Some(dlvrd));
        prop_assert!(r.sub.unwrap().raw.len() >= 3);
        prop_assert_eq!(r.state(), Some(MessageState::from_value(state)).filter(|s| !matches!(s, MessageState::Reserved(_))));
        prop_assert_eq!(r.err.map(|e| e.value), Some(ErrValue::Decimal(err)));
        let step = if seconds { 1 } else { 60 };
        let local = submit as i64 + i64::from(offset) * 900;
        let want = (local - local.rem_euclid(step)) as u64;
        let got = r.submit_date.and_then(|d| d.value).map(|v| v.datetime.unix_seconds() as u64);
        prop_assert_eq!(got, Some(want));
        let want_text: Option<&[u8]> = match mode {
            TextMode::First20 => Some(&text.as_bytes()[..text.len().min(20)]),
            TextMode::None => Some(b"none"),
            TextMode::Empty => Some(b""),
            TextMode::Omit => None,
        };
        prop_assert_eq!(r.text, want_text);
        prop_assert!(!r.truncated);
        prop_assert_eq!(r.remainder, b"");
    }

    #[test]
    fn parse_never_panics(data in proptest::collection::vec(any::<u8>(), 0..300), scratch_len in 0usize..700) {
        let _ = parse(&data);
        let mut scratch = vec![0u8; scratch_len];
        let _ = parse_any(&data, &mut scratch);
    }

    #[test]
    fn parse_never_panics_on_receipt_like_text(
        words in proptest::collection::vec(prop_oneof![
            Just("id:".to_owned()), Just("sub:".to_owned()), Just("dlvrd:".to_owned()), Just("submit date:".to_owned()),
            Just("done_date:".to_owned()), Just("stat:".to_owned()), Just("err:".to_owned()), Just("Text:".to_owned()),
            Just("txt:".to_owned()), Just(" ".to_owned()), Just("\t".to_owned()), Just("DELIVRD".to_owned()),
            "[0-9]{0,16}", "[ -~]{0,8}", "[\\x00-\\xff]{0,4}",
        ], 0..30),
        cut in any::<prop::sample::Index>(),
    ) {
        let s: Vec<u8> = words.concat().chars().map(|c| c as u32 as u8).collect();
        let end = if s.is_empty() { 0 } else { cut.index(s.len() + 1) };
        if let ParseOutcome::Receipt(r) = parse(&s[..end]) {
            // every slice borrows the input
            for f in [r.id, r.text, Some(r.prefix), Some(r.remainder)].into_iter().flatten() {
                prop_assert!(f.is_empty() || s.as_ptr_range().contains(&f.as_ptr()));
            }
        }
    }

    #[test]
    fn absolute_time_round_trips(secs in Y2000 + 86_400..Y2100 - 86_400, tenths in 0u64..10, q in -48i8..=48) {
        let t = UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(tenths * 100);
        let a = AbsoluteTime::from_system_time(t, q).unwrap();
        let s = SmppTime::Absolute(a).to_bytes();
        let back = SmppTime::parse(&s).unwrap().unwrap();
        prop_assert_eq!(back, SmppTime::Absolute(a));
        prop_assert_eq!(back.resolve(UNIX_EPOCH), Some(t));
    }

    #[test]
    fn relative_time_round_trips(y in 0u8..100, mo in 0u8..100, d in 0u8..100, h in 0u8..100, mi in 0u8..100, s in 0u8..100) {
        let r = SmppTime::Relative(RelativeTime { years: y, months: mo, days: d, hours: h, minutes: mi, seconds: s });
        prop_assert_eq!(SmppTime::parse(&r.to_bytes()), Ok(Some(r)));
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        prop_assert!(r.resolve(now).unwrap() >= now);
    }

    #[test]
    fn civil_round_trips(secs in 0i64..Y2100 as i64 * 2) {
        let c = CivilDateTime::from_unix_seconds(secs).unwrap();
        prop_assert_eq!(c.unix_seconds(), secs);
        prop_assert!(CivilDateTime::new(c.year, c.month, c.day, c.hour, c.minute, c.second).is_some());
    }

    #[test]
    fn time_parse_never_panics(data in proptest::collection::vec(any::<u8>(), 0..20)) {
        let _ = SmppTime::parse(&data);
    }
}

proptest! {
    #[test]
    fn fuzz_body_holds_on_random_input(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        smpp_proto::fuzzing::receipt::receipt(&data);
    }
}
