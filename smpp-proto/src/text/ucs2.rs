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

/// Characters per ASCII block of the fast paths.
pub(crate) const ASCII_BLOCK: usize = 8;

/// The next [`ASCII_BLOCK`] bytes when they are all ASCII.
#[inline]
pub(crate) fn ascii_block(bytes: &[u8]) -> Option<[u8; ASCII_BLOCK]> {
    if !bytes.first()?.is_ascii() {
        return None;
    }
    let block: [u8; ASCII_BLOCK] = bytes.get(..ASCII_BLOCK)?.try_into().ok()?;
    (u64::from_le_bytes(block) & 0x8080_8080_8080_8080 == 0).then_some(block)
}

/// ASCII bytes as UTF-16BE.
#[inline]
pub(crate) fn widen(block: [u8; ASCII_BLOCK]) -> [u8; 2 * ASCII_BLOCK] {
    let mut wide = [0u8; 2 * ASCII_BLOCK];
    for (w, b) in wide.chunks_exact_mut(2).zip(block) {
        if let Some(lo) = w.get_mut(1) {
            *lo = b;
        }
    }
    wide
}

/// The UTF-16BE octets of `c` (2 or 4) and their count.
#[inline]
pub(crate) fn char_bytes(c: char) -> ([u8; 4], usize) {
    let mut units = [0u16; 2];
    let n = c.encode_utf16(&mut units).len();
    let [a, b] = units;
    let [a0, a1] = a.to_be_bytes();
    let [b0, b1] = b.to_be_bytes();
    ([a0, a1, b0, b1], 2 * n)
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
