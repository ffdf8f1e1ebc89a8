//! UCS-2 (`data_coding` 0x08) as UTF-16 big endian: characters outside the BMP are
//! surrogate pairs (2 units).

use super::{DecodeReport, EncodeReport, Strictness, TextError};

/// Encode `text` as UTF-16BE appended to `out`. Never fails; `units` counts 16-bit units.
///
/// ```
/// let mut out = Vec::new();
/// let r = smpp_proto::text::ucs2::encode("é😀", &mut out);
/// assert_eq!(out, [0x00, 0xE9, 0xD8, 0x3D, 0xDE, 0x00]);
/// assert_eq!(r.units, 3);
/// ```
pub fn encode(text: &str, out: &mut Vec<u8>) -> EncodeReport {
    let start = out.len();
    out.reserve(text.len() * 2);
    // (A per-char ASCII fast path measured slower on mostly non-ASCII text: the plain
    // `encode_utf16` loop is kept.)
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_be_bytes());
    }
    EncodeReport {
        units: (out.len() - start) / 2,
        replaced: 0,
    }
}

/// Encode characters from `src` (the UTF-8 of a `str` from a character boundary on) as
/// UTF-16BE into `dst`, at most `max` units (`dst` must hold `2 × max` octets), stopping
/// before a character that does not fit whole.
///
/// Returns the octets of `src` consumed, the units written, and the units of the character
/// that did not fit (0 when `src` was consumed entirely).
#[inline]
pub(crate) fn encode_some(src: &[u8], dst: &mut [u8], max: usize) -> (usize, usize, usize) {
    let byte = |i: usize| u32::from(src.get(i).copied().unwrap_or(0) & 0x3F);
    let mut i = 0usize;
    let mut n = 0usize;
    while n < max {
        let Some(&b0) = src.get(i) else {
            return (i, n, 0);
        };
        if b0 < 0x80 {
            // ASCII: the ASCII prefix of the next 8 octets, widened as a block (unless the
            // next character is not ASCII: a lone one is cheaper on its own).
            if n + 8 <= max && src.get(i + 1).is_some_and(|&b| b < 0x80) {
                if let Some(block) = src.get(i..i + 8).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
                    let x = u64::from_le_bytes(block);
                    let run = ((x & 0x8080_8080_8080_8080).trailing_zeros() / 8) as usize;
                    if let Some(d) = dst.get_mut(2 * n..2 * n + 16) {
                        d.fill(0);
                        for (u, b) in d.chunks_exact_mut(2).zip(block) {
                            if let [_, lo] = u {
                                *lo = b;
                            }
                        }
                    }
                    i += run;
                    n += run;
                    continue;
                }
            }
            if let Some(d) = dst.get_mut(2 * n..2 * n + 2) {
                d.copy_from_slice(&[0, b0]);
            }
            i += 1;
            n += 1;
            continue;
        }
        let (cp, len) = if b0 < 0xE0 {
            ((u32::from(b0 & 0x1F) << 6) | byte(i + 1), 2)
        } else if b0 < 0xF0 {
            let cp = (u32::from(b0 & 0x0F) << 12) | (byte(i + 1) << 6) | byte(i + 2);
            (cp, 3)
        } else {
            let cp = (u32::from(b0 & 0x07) << 18)
                | (byte(i + 1) << 12)
                | (byte(i + 2) << 6)
                | byte(i + 3);
            (cp, 4)
        };
        if cp < 0x1_0000 {
            if let Some(d) = dst.get_mut(2 * n..2 * n + 2) {
                d.copy_from_slice(&(cp as u16).to_be_bytes());
            }
            n += 1;
            i += len;
            // A lone ASCII character between two others ("für", "ünï") goes along.
            if let Some(&a) = src.get(i) {
                if a < 0x80 && n < max && src.get(i + 1).is_some_and(|&b| b >= 0x80) {
                    if let Some(d) = dst.get_mut(2 * n..2 * n + 2) {
                        d.copy_from_slice(&[0, a]);
                    }
                    n += 1;
                    i += 1;
                }
            }
            continue;
        } else {
            if n + 2 > max {
                return (i, n, 2);
            }
            let v = cp - 0x1_0000;
            let hi = 0xD800 | (v >> 10) as u16;
            let lo = 0xDC00 | (v & 0x3FF) as u16;
            if let Some(d) = dst.get_mut(2 * n..2 * n + 4) {
                let [h0, h1] = hi.to_be_bytes();
                let [l0, l1] = lo.to_be_bytes();
                d.copy_from_slice(&[h0, h1, l0, l1]);
            }
            n += 2;
        }
        i += len;
    }
    let need = match src.get(i) {
        None => 0,
        Some(&b) if b >= 0xF0 => 2,
        Some(_) => 1,
    };
    (i, n, need)
}

/// Number of UTF-16 units of a character (1, or 2 for a surrogate pair).
pub fn char_units(c: char) -> usize {
    c.len_utf16()
}

/// Decode UTF-16BE, appending to `out`. A lone surrogate or an odd final octet is an error
/// when strict and U+FFFD (counted) when lenient.
pub fn decode(
    bytes: &[u8],
    strictness: Strictness,
    out: &mut String,
) -> Result<DecodeReport, TextError> {
    out.reserve(bytes.len());
    let mut report = DecodeReport::default();
    let odd = bytes.len() % 2 == 1;
    let even = bytes.get(..bytes.len() & !1).unwrap_or_default();
    let mut i = 0usize;
    while i < even.len() {
        // Fast path: four units below 0x80 (ASCII).
        if let Some(block) = even.get(i..i + 8).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
            if u64::from_be_bytes(block) & 0xFF80_FF80_FF80_FF80 == 0 {
                let [_, a, _, b, _, c, _, d] = block;
                for x in [a, b, c, d] {
                    out.push(char::from(x));
                }
                i += 8;
                continue;
            }
        }
        let unit = |at: usize| {
            even.get(at..at + 2).map(|u| {
                u16::from_be_bytes([
                    u.first().copied().unwrap_or(0),
                    u.get(1).copied().unwrap_or(0),
                ])
            })
        };
        let Some(u) = unit(i) else { break };
        let c = match u {
            0xD800..=0xDBFF => match unit(i + 2) {
                Some(lo @ 0xDC00..=0xDFFF) => {
                    let cp = 0x1_0000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                    char::from_u32(cp).map(|c| (c, 4))
                }
                _ => None,
            },
            _ => char::from_u32(u32::from(u)).map(|c| (c, 2)),
        };
        match c {
            Some((c, len)) => {
                out.push(c);
                i += len;
            }
            None => {
                if strictness == Strictness::Strict {
                    return Err(TextError::Invalid { offset: i });
                }
                i += 2;
                report.replaced += 1;
                out.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    if odd {
        if strictness == Strictness::Strict {
            return Err(TextError::Invalid {
                offset: bytes.len() - 1,
            });
        }
        report.replaced += 1;
        out.push(char::REPLACEMENT_CHARACTER);
    }
    Ok(report)
}
