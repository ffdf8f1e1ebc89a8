//! Text codecs for SMPP short messages.
//!
//! * [`Coding`] interprets the `data_coding` octet (alphabet, message class, flash, ...).
//! * Codecs, each with `encode` into a caller-provided `Vec<u8>` and `decode` into a
//!   caller-provided `String`: [`gsm7`] (default alphabet, extension table, national shift
//!   tables; unpacked or [`septets`]-packed), [`ucs2`] (UTF-16BE), [`latin1`], [`ia5`],
//!   [`iso8859`] (ISO-8859-5/8 and CJK through `encoding_rs`). [`encode`] and [`decode`]
//!   dispatch on an [`Alphabet`].
//! * [`choose`] picks the cheapest exact encoding for a text and reports its segment counts;
//!   [`transliterate`] optionally maps typographic characters into GSM 7-bit.
//!
//! Strict codecs fail on the first problem; lenient ones substitute ('?' when encoding,
//! U+FFFD when decoding) and count every substitution in the report, so information loss is
//! never silent.
//!
//! ```
//! use smpp_proto::text::{self, Alphabet, CodecOptions};
//! let mut bytes = Vec::new();
//! text::encode("Grüße", Alphabet::Gsm7, &CodecOptions::default(), &mut bytes).unwrap();
//! let mut back = String::new();
//! text::decode(&bytes, Alphabet::Gsm7, &CodecOptions::default(), &mut back).unwrap();
//! assert_eq!(back, "Grüße");
//! ```

pub(crate) mod choose;
pub mod data_coding;
pub mod gsm7;
pub mod ia5;
pub mod iso8859;
pub mod latin1;
pub mod septets;
mod shift_tables;
mod translit;
pub mod ucs2;

pub use choose::{
    Choice, EncodingPolicy, SMS_OCTETS, SegmentCount, TextEncoding, capacity, choose, cost_in,
    udh_len_for,
};
pub use data_coding::{
    Alphabet, Coding, DefaultAlphabet, IndicationKind, MessageClass, WaitingIndication,
};
pub use gsm7::{NationalLanguage, ShiftTables};
pub use translit::{TRANSLITERATIONS, transliterate};

/// How a codec treats characters or octets it cannot convert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Strictness {
    /// Fail with a [`TextError`].
    #[default]
    Strict,
    /// Substitute ('?' when encoding, U+FFFD when decoding) and count it in the report.
    Lenient,
}

/// Result of a successful encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EncodeReport {
    /// Units written: septets (GSM 7-bit, before packing), 16-bit units (UCS-2) or octets.
    pub units: usize,
    /// Characters replaced by '?' (lenient mode only).
    pub replaced: usize,
}

/// Result of a successful decode; all zero / false means the input was clean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecodeReport {
    /// Invalid units replaced by U+FFFD (lenient mode only).
    pub replaced: usize,
    /// GSM: escape + code missing from the extension table, shown as the main table's
    /// character (TS 23.038 rule).
    pub unknown_escapes: usize,
    /// GSM: a trailing lone escape was dropped.
    pub dropped_escape: bool,
    /// GSM packed: a final '@' / CR in the last octet's 7 spare bits was taken as padding.
    pub dropped_padding: bool,
}

impl DecodeReport {
    /// True when nothing was replaced, guessed or dropped.
    pub fn is_clean(&self) -> bool {
        *self == Self::default()
    }

    /// Combine the reports of two pieces of one message.
    pub fn merge(&mut self, other: Self) {
        self.replaced += other.replaced;
        self.unknown_escapes += other.unknown_escapes;
        self.dropped_escape |= other.dropped_escape;
        self.dropped_padding |= other.dropped_padding;
    }
}

/// Text codec errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// A character has no code in the target encoding.
    #[error("character {ch:?} at byte {index} is not representable")]
    Unrepresentable {
        /// The character.
        ch: char,
        /// Its byte index in the input string.
        index: usize,
    },
    /// Invalid input data (bad septet, lone surrogate, odd UCS-2 length, malformed sequence).
    #[error("invalid encoded data at offset {offset}")]
    Invalid {
        /// Offset of the problem in the input (octets, or septets for unpacked GSM).
        offset: usize,
    },
    /// The alphabet is binary data, not text.
    #[error("the data coding denotes binary data, not text")]
    NotText,
    /// No codec for this alphabet.
    #[error("no codec for alphabet {0:?}")]
    Unsupported(Alphabet),
}

/// Options for [`encode`] and [`decode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CodecOptions {
    /// Strict or lenient.
    pub strictness: Strictness,
    /// GSM 7-bit: national shift tables in use.
    pub tables: ShiftTables,
    /// GSM 7-bit: pack septets (`Some(fill_bits)`) instead of one septet per octet (`None`).
    pub packed: Option<u8>,
}

/// Encode `text` in `alphabet`, appending to `out`.
///
/// Binary is a passthrough of the UTF-8 bytes; pictogram and reserved alphabets are
/// [`TextError::Unsupported`].
pub fn encode(
    text: &str,
    alphabet: Alphabet,
    opts: &CodecOptions,
    out: &mut Vec<u8>,
) -> Result<EncodeReport, TextError> {
    match alphabet {
        Alphabet::Gsm7 => match opts.packed {
            None => gsm7::encode(text, &opts.tables, opts.strictness, out),
            Some(fill) => gsm7::encode_packed(text, &opts.tables, opts.strictness, fill, out),
        },
        Alphabet::Ucs2 => Ok(ucs2::encode(text, out)),
        Alphabet::Latin1 => latin1::encode(text, opts.strictness, out),
        Alphabet::Ia5 => ia5::encode(text, opts.strictness, out),
        Alphabet::Binary => {
            out.extend_from_slice(text.as_bytes());
            Ok(EncodeReport {
                units: text.len(),
                replaced: 0,
            })
        }
        other => match other.encoding_rs() {
            Some(e) => iso8859::encode(text, e, opts.strictness, out),
            None => Err(TextError::Unsupported(other)),
        },
    }
}

/// Decode `bytes` in `alphabet`, appending to `out`.
///
/// Binary is [`TextError::NotText`]; pictogram and reserved alphabets are
/// [`TextError::Unsupported`].
pub fn decode(
    bytes: &[u8],
    alphabet: Alphabet,
    opts: &CodecOptions,
    out: &mut String,
) -> Result<DecodeReport, TextError> {
    match alphabet {
        Alphabet::Gsm7 => match opts.packed {
            None => gsm7::decode(bytes, &opts.tables, opts.strictness, out),
            Some(fill) => gsm7::decode_packed(bytes, fill, &opts.tables, opts.strictness, out),
        },
        Alphabet::Ucs2 => ucs2::decode(bytes, opts.strictness, out),
        Alphabet::Latin1 => Ok(latin1::decode(bytes, out)),
        Alphabet::Ia5 => ia5::decode(bytes, opts.strictness, out),
        Alphabet::Binary => Err(TextError::NotText),
        other => match other.encoding_rs() {
            Some(e) => iso8859::decode(bytes, e, opts.strictness, out),
            None => Err(TextError::Unsupported(other)),
        },
    }
}
