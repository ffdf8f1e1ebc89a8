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
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_be_bytes());
    }
    EncodeReport {
        units: (out.len() - start) / 2,
        replaced: 0,
    }
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
    let chunks = bytes.chunks_exact(2);
    let odd = !chunks.remainder().is_empty();
    let units = chunks.map(|c| {
        u16::from_be_bytes([
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
        ])
    });
    let mut offset = 0usize;
    for r in char::decode_utf16(units) {
        match r {
            Ok(c) => {
                offset += 2 * c.len_utf16();
                out.push(c);
            }
            Err(_) => {
                if strictness == Strictness::Strict {
                    return Err(TextError::Invalid { offset });
                }
                offset += 2;
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
