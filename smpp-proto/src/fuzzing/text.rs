//! Fuzz bodies for the text codecs, the UDH parser and the reassembler.

use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::segment::udh::Udh;
use crate::segment::{IncomingPart, Reassembler, ReassemblerConfig, SarInfo};
use crate::text::{ShiftTables, Strictness, gsm7, septets};

/// Decode arbitrary bytes as GSM 7-bit (unpacked and packed, with and without shift tables),
/// encode the text back and compare where the decode was exact.
pub fn gsm7(data: &[u8]) {
    let (tables, fill, body) = match data {
        [a, b, rest @ ..] => (
            ShiftTables::from_ids(Some(a % 16), Some(b % 16)),
            b % 8,
            rest,
        ),
        _ => (ShiftTables::NONE, 0, data),
    };
    let mut text = String::new();
    let Ok(report) = gsm7::decode(body, &tables, Strictness::Lenient, &mut text) else {
        panic!("lenient decode failed");
    };
    let mut again = Vec::new();
    let enc = gsm7::encode(&text, &tables, Strictness::Lenient, &mut again);
    assert!(enc.is_ok(), "lenient encode failed");
    let mut text2 = String::new();
    let _ = gsm7::decode(&again, &tables, Strictness::Lenient, &mut text2);
    if report.is_clean() && enc.map(|r| r.replaced) == Ok(0) {
        // Exact: decoding the re-encoding gives the same text.
        assert_eq!(text, text2);
    }
    // Packed: packing the septets and unpacking gives them back (padding aside).
    let septs: Vec<u8> = body.iter().map(|b| b & 0x7F).collect();
    let mut packed = Vec::new();
    septets::pack(&septs, fill, &mut packed);
    assert_eq!(packed.len(), septets::packed_len(septs.len(), fill));
    let mut back = Vec::new();
    let info = septets::unpack(&packed, fill, &mut back);
    if info.dropped_padding && back.len() < septs.len() {
        back.push(septs.last().copied().unwrap_or(0));
    }
    assert_eq!(back, septs);
    let mut s = String::new();
    let _ = gsm7::decode_packed(body, fill, &tables, Strictness::Lenient, &mut s);
}

/// Parse arbitrary bytes as a UDH; a parsed header re-encodes byte for byte.
pub fn udh(data: &[u8]) {
    if let Ok((udh, len)) = Udh::parse(data) {
        let mut out = Vec::new();
        udh.write(&mut out);
        assert_eq!(Some(out.as_slice()), data.get(..len));
        let _ = udh.concat();
        let _ = udh.shift_tables();
    }
}

/// Feed arbitrary sequences of parts to a small reassembler; memory stays within bounds.
pub fn reassembly(data: &[u8]) {
    let config = ReassemblerConfig {
        max_messages: 4,
        max_bytes: 512,
        timeout: Duration::from_secs(5),
        packed: data.first().is_some_and(|b| b & 1 == 1),
        ..ReassemblerConfig::default()
    };
    let mut r = Reassembler::new(config);
    // The harness needs one time origin; all later times are derived from the input.
    #[allow(clippy::disallowed_methods)]
    let start = Instant::now();
    let mut now = start;
    let mut rest = data;
    while let [op, src, reference, total, seq, dc, len, tail @ ..] = rest {
        let n = usize::from(*len % 64).min(tail.len());
        let (body, after) = tail.split_at(n);
        rest = after;
        now += Duration::from_millis(u64::from(*op) * 40);
        let source = Bytes::copy_from_slice(&[b'0' + src % 4]);
        let dest = Bytes::from_static(b"1");
        let part = match op % 4 {
            0 => {
                let mut sm = vec![5, 0, 3, *reference % 4, *total % 5, *seq % 5];
                sm.extend_from_slice(body);
                IncomingPart::from_short_message(source, dest, *dc, true, sm.into(), None)
            }
            1 => {
                let mut sm = vec![6, 8, 4, 0, *reference % 4, *total % 5, *seq % 5];
                sm.extend_from_slice(body);
                IncomingPart::from_short_message(source, dest, *dc, true, sm.into(), None)
            }
            2 => {
                let sar = SarInfo::from_tlvs(
                    Some(u16::from(*reference % 4)),
                    Some(*total % 5),
                    Some(*seq % 5),
                );
                IncomingPart::from_short_message(
                    source,
                    dest,
                    *dc,
                    false,
                    Bytes::copy_from_slice(body),
                    sar,
                )
            }
            _ => IncomingPart::from_short_message(
                source,
                dest,
                *dc,
                true,
                Bytes::copy_from_slice(body),
                None,
            ),
        };
        r.handle_part(part, now);
        if op & 0x80 != 0 {
            r.handle_timeout(now);
        }
        while r.poll_event().is_some() {}
        assert!(r.pending_bytes() <= r.config().max_bytes);
        assert!(r.pending_messages() <= r.config().max_messages);
        if let Some(t) = r.poll_timeout() {
            assert!(t >= start);
        }
    }
    r.handle_timeout(now + Duration::from_secs(10));
    while r.poll_event().is_some() {}
    assert_eq!(r.pending_messages(), 0);
    assert_eq!(r.pending_bytes(), 0);
}
