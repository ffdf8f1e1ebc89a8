//! Legacy multi-octet and ISO-8859 codings through `encoding_rs`: ISO-8859-5 (0x06),
//! ISO-8859-8 (0x07), and the CJK codings (0x05 JIS as Shift_JIS, 0x0A ISO-2022-JP,
//! 0x0D JIS X 0212 as EUC-JP, 0x0E KS C 5601 as EUC-KR).
//!
//! SMPP 3.4 names the character sets but not their byte serialisation; the mapping to
//! `encoding_rs` encodings above is this crate's documented choice. `encoding_rs` decodes
//! JIS X 0212 inside EUC-JP but cannot encode it.

use encoding_rs::{DecoderResult, EncoderResult, Encoding};

use super::{DecodeReport, EncodeReport, Strictness, TextError};

/// Encode `text` with `encoding`, appending to `out`. Unmappable characters are an error when
/// strict and '?' (counted) when lenient. `units` counts octets written.
pub fn encode(
    text: &str,
    encoding: &'static Encoding,
    strictness: Strictness,
    out: &mut Vec<u8>,
) -> Result<EncodeReport, TextError> {
    let start = out.len();
    let mut enc = encoding.new_encoder();
    let mut rest = text;
    let mut consumed = 0usize;
    let mut replaced = 0usize;
    loop {
        let need = enc
            .max_buffer_length_from_utf8_without_replacement(rest.len())
            .unwrap_or(rest.len() * 8 + 16);
        out.reserve(need);
        let (result, read) = enc.encode_from_utf8_to_vec_without_replacement(rest, out, true);
        consumed += read;
        rest = rest.get(read..).unwrap_or_default();
        match result {
            EncoderResult::InputEmpty => break,
            EncoderResult::OutputFull => continue,
            EncoderResult::Unmappable(c) => {
                if strictness == Strictness::Strict {
                    out.truncate(start);
                    return Err(TextError::Unrepresentable {
                        ch: c,
                        index: consumed - c.len_utf8(),
                    });
                }
                replaced += 1;
                out.push(b'?');
            }
        }
    }
    Ok(EncodeReport {
        units: out.len() - start,
        replaced,
    })
}

/// Decode `bytes` with `encoding`, appending to `out`. Malformed sequences are an error when
/// strict and U+FFFD (counted) when lenient.
///
/// ```
/// use smpp_proto::text::{iso8859, Strictness};
/// let mut s = String::new();
/// iso8859::decode(&[0xBF, 0xE0, 0xD8, 0xD2, 0xD5, 0xE2], encoding_rs::ISO_8859_5, Strictness::Strict, &mut s).unwrap();
/// assert_eq!(s, "Привет");
/// ```
pub fn decode(
    bytes: &[u8],
    encoding: &'static Encoding,
    strictness: Strictness,
    out: &mut String,
) -> Result<DecodeReport, TextError> {
    let mut dec = encoding.new_decoder_without_bom_handling();
    let mut report = DecodeReport::default();
    let mut rest = bytes;
    let mut consumed = 0usize;
    loop {
        let need = dec
            .max_utf8_buffer_length_without_replacement(rest.len())
            .unwrap_or(rest.len() * 4 + 16);
        out.reserve(need);
        let (result, read) = dec.decode_to_string_without_replacement(rest, out, true);
        consumed += read;
        rest = rest.get(read..).unwrap_or_default();
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => continue,
            DecoderResult::Malformed(..) => {
                if strictness == Strictness::Strict {
                    return Err(TextError::Invalid {
                        offset: consumed.saturating_sub(1),
                    });
                }
                report.replaced += 1;
                out.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    Ok(report)
}
