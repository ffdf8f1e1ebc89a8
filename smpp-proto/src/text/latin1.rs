//! Latin-1 (ISO-8859-1, `data_coding` 0x03): octet value = code point. This is *not*
//! windows-1252 (0x80-0x9F are C1 controls here).

use super::{DecodeReport, EncodeReport, Strictness, TextError};

/// Encode `text` as Latin-1 appended to `out`. Characters above U+00FF are an error when
/// strict and '?' (counted) when lenient.
///
/// ```
/// use smpp_proto::text::{latin1, Strictness};
/// let mut out = Vec::new();
/// latin1::encode("café\u{80}", Strictness::Strict, &mut out).unwrap();
/// assert_eq!(out, [b'c', b'a', b'f', 0xE9, 0x80]);
/// ```
pub fn encode(
    text: &str,
    strictness: Strictness,
    out: &mut Vec<u8>,
) -> Result<EncodeReport, TextError> {
    let start = out.len();
    out.reserve(text.len());
    let mut replaced = 0;
    for (index, c) in text.char_indices() {
        match u8::try_from(u32::from(c)) {
            Ok(b) => out.push(b),
            Err(_) => match strictness {
                Strictness::Strict => return Err(TextError::Unrepresentable { ch: c, index }),
                Strictness::Lenient => {
                    replaced += 1;
                    out.push(b'?');
                }
            },
        }
    }
    Ok(EncodeReport {
        units: out.len() - start,
        replaced,
    })
}

/// Decode Latin-1 (cannot fail), appending to `out`.
pub fn decode(bytes: &[u8], out: &mut String) -> DecodeReport {
    out.reserve(bytes.len());
    out.extend(bytes.iter().map(|&b| char::from(b)));
    DecodeReport::default()
}
