//! IA5 / ASCII (`data_coding` 0x01): 7-bit ASCII, one character per octet.

use super::{DecodeReport, EncodeReport, Strictness, TextError};

/// Encode `text` as ASCII appended to `out`. Non-ASCII characters are an error when strict
/// and '?' (counted) when lenient.
pub fn encode(
    text: &str,
    strictness: Strictness,
    out: &mut Vec<u8>,
) -> Result<EncodeReport, TextError> {
    let start = out.len();
    if text.is_ascii() {
        out.extend_from_slice(text.as_bytes());
        return Ok(EncodeReport {
            units: text.len(),
            replaced: 0,
        });
    }
    let mut replaced = 0;
    for (index, c) in text.char_indices() {
        if c.is_ascii() {
            out.push(c as u8);
        } else if strictness == Strictness::Strict {
            return Err(TextError::Unrepresentable { ch: c, index });
        } else {
            replaced += 1;
            out.push(b'?');
        }
    }
    Ok(EncodeReport {
        units: out.len() - start,
        replaced,
    })
}

/// Decode ASCII, appending to `out`. Octets above 0x7F are an error when strict and U+FFFD
/// (counted) when lenient.
///
/// ```
/// use smpp_proto::text::{ia5, Strictness};
/// let mut s = String::new();
/// let r = ia5::decode(b"ok\xff", Strictness::Lenient, &mut s).unwrap();
/// assert_eq!((s.as_str(), r.replaced), ("ok\u{FFFD}", 1));
/// ```
pub fn decode(
    bytes: &[u8],
    strictness: Strictness,
    out: &mut String,
) -> Result<DecodeReport, TextError> {
    let mut report = DecodeReport::default();
    if let Ok(s) = std::str::from_utf8(bytes) {
        if s.is_ascii() {
            out.push_str(s);
            return Ok(report);
        }
    }
    for (offset, &b) in bytes.iter().enumerate() {
        if b.is_ascii() {
            out.push(char::from(b));
        } else if strictness == Strictness::Strict {
            return Err(TextError::Invalid { offset });
        } else {
            report.replaced += 1;
            out.push(char::REPLACEMENT_CHARACTER);
        }
    }
    Ok(report)
}
