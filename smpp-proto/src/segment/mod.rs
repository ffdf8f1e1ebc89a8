//! Long messages: splitting a text into parts (UDH with 8- or 16-bit reference, SAR TLVs,
//! or one `message_payload`) and reassembling received parts.
//!
//! The output is plain data ([`Part`]: the `short_message` or `message_payload` bytes, the
//! UDHI bit, the `data_coding` octet, the SAR values), so putting it into PDUs is a thin step.
//!
//! ```
//! use smpp_proto::segment::{split_text, Concat, SplitOptions};
//! use smpp_proto::text::EncodingPolicy;
//! let text = "x".repeat(200);
//! let split = split_text(&text, &EncodingPolicy::default(), &SplitOptions::new(Concat::Udh8, 42)).unwrap();
//! assert_eq!(split.parts.len(), 2);
//! assert!(split.parts[0].udhi);
//! assert_eq!(&split.parts[0].short_message[..6], &[0x05, 0x00, 0x03, 42, 2, 1]);
//! assert_eq!(split.parts[0].short_message.len(), 6 + 153);
//! ```

pub mod payload;
pub mod reassembler;
pub mod sar;
mod submit;
pub mod udh;
mod writer;

use bytes::{Bytes, BytesMut};

pub use reassembler::{
    CompleteMessage, IncomingPart, PartialMessage, PartialReason, ReassembledText, Reassembler,
    ReassemblerConfig, ReassemblyEvent,
};
pub use sar::SarInfo;
pub use submit::{SubmitOptions, SubmitParts, SubmitPartsError, submit_parts};
pub use udh::{InformationElement, Udh, UdhError};

use crate::text::{self, EncodingPolicy, MessageClass, ShiftTables, TextEncoding, TextError};

/// How a long message is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Concat {
    /// UDH IE 0x00 (8-bit reference) in each part, esm_class UDHI (0x40).
    Udh8,
    /// UDH IE 0x08 (16-bit reference) in each part, esm_class UDHI (0x40).
    Udh16,
    /// SAR TLVs 0x020C / 0x020E / 0x020F; no UDH (the SMSC builds it).
    Sar,
    /// One PDU with the whole text in `message_payload`; the SMSC segments it.
    Payload,
}

/// Reference-number namespace of a concatenated message (part of the reassembly key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Namespace {
    /// UDH IE 0x00.
    Udh8,
    /// UDH IE 0x08.
    Udh16,
    /// SAR TLVs.
    Sar,
}

/// Concatenation values of one received part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConcatRef {
    /// Where the values came from.
    pub namespace: Namespace,
    /// Reference number (8-bit references widened).
    pub reference: u16,
    /// Total parts (≥ 1).
    pub total: u8,
    /// This part's number (1..=total).
    pub seq: u8,
}

/// Options for [`split_text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitOptions {
    /// Concatenation method.
    pub method: Concat,
    /// Reference number chosen by the caller (e.g. a per-destination counter). Must fit 8
    /// bits for [`Concat::Udh8`]; unused for [`Concat::Payload`].
    pub reference: u16,
    /// Pack GSM septets (a per-connection option; SMPP normally sends one septet per octet).
    pub packed: bool,
    /// Message class to signal in `data_coding` (e.g. class 0 = flash).
    pub class: Option<MessageClass>,
}

impl SplitOptions {
    /// Unpacked, no class.
    pub fn new(method: Concat, reference: u16) -> Self {
        Self {
            method,
            reference,
            packed: false,
            class: None,
        }
    }
}

/// One PDU's worth of a split message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// `short_message` contents: UDH (if any) followed by the user data. Empty for
    /// [`Concat::Payload`].
    pub short_message: Bytes,
    /// `message_payload` contents ([`Concat::Payload`] only).
    pub message_payload: Option<Bytes>,
    /// esm_class UDHI (0x40) must be set.
    pub udhi: bool,
    /// The `data_coding` octet.
    pub data_coding: u8,
    /// SAR TLV values ([`Concat::Sar`] with more than one part).
    pub sar: Option<SarInfo>,
}

/// A text split into parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The encoding used.
    pub encoding: TextEncoding,
    /// The `data_coding` octet (same in every part).
    pub data_coding: u8,
    /// The parts in order.
    pub parts: Vec<Part>,
}

/// Splitting errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    /// More than 255 parts would be needed.
    #[error("the message needs {0} parts, more than 255")]
    TooManyParts(usize),
    /// The reference does not fit the 8-bit IE.
    #[error("reference {0} does not fit an 8-bit concatenation IE")]
    ReferenceTooLarge(u16),
    /// National shift tables need a UDH, which SAR and message_payload cannot carry.
    #[error("national shift tables need UDH concatenation")]
    ShiftNeedsUdh,
    /// The encoded message is longer than a TLV can hold.
    #[error("message_payload of {0} octets exceeds 65535")]
    PayloadTooLarge(usize),
    /// The text could not be encoded.
    #[error(transparent)]
    Text(#[from] TextError),
}

/// Choose the encoding with `policy` (see [`text::choose`]) and split `text`.
///
/// Single pass for the common case: the text is encoded in the GSM 7-bit default alphabet
/// straight into the parts (the encoding [`text::choose`] always prefers); only when a
/// character is not representable there are the other encodings costed.
pub fn split_text(
    text: &str,
    policy: &EncodingPolicy,
    opts: &SplitOptions,
) -> Result<Split, SplitError> {
    let text = if policy.transliterate {
        text::transliterate(text)
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    if opts.method == Concat::Udh8 && opts.reference > 0xFF {
        return Err(SplitError::ReferenceTooLarge(opts.reference));
    }
    // Room for GSM 7-bit and, should that fail, UCS-2 (at most 2 octets per UTF-8 octet),
    // so the fallback reuses the buffer.
    let unit_bytes = if text.is_ascii() { 1 } else { 2 };
    let gsm = TextEncoding::Gsm7(ShiftTables::NONE);
    let mut w = writer::PartWriter::new(gsm, opts, unit_bytes, text.len(), BytesMut::new());
    if writer::write_text(&text, gsm, &mut w).is_ok() {
        let data_coding = gsm.data_coding(opts.class);
        return w.finish(gsm, data_coding, opts.packed, opts);
    }
    let buf = w.into_buffer();
    let policy_for_method;
    let policy =
        if matches!(opts.method, Concat::Sar | Concat::Payload) && !policy.national.is_empty() {
            policy_for_method = EncodingPolicy {
                national: Vec::new(),
                ..policy.clone()
            };
            &policy_for_method
        } else {
            policy
        };
    let encoding = text::choose::choose_not_default(&text, policy);
    split_encoded_into(&text, encoding, opts, buf)
}

/// Split `text` in a given encoding (strict: an unrepresentable character is an error).
///
/// Sizes follow smpp-reference §10.5; an escape pair or a surrogate pair is never split.
/// One pass over the text: it is encoded straight into the parts' buffer.
pub fn split_encoded(
    text: &str,
    encoding: TextEncoding,
    opts: &SplitOptions,
) -> Result<Split, SplitError> {
    split_encoded_into(text, encoding, opts, BytesMut::new())
}

fn split_encoded_into(
    text: &str,
    encoding: TextEncoding,
    opts: &SplitOptions,
    buf: BytesMut,
) -> Result<Split, SplitError> {
    let tables = encoding.tables();
    if !tables.is_default() && matches!(opts.method, Concat::Sar | Concat::Payload) {
        return Err(SplitError::ShiftNeedsUdh);
    }
    if opts.method == Concat::Udh8 && opts.reference > 0xFF {
        return Err(SplitError::ReferenceTooLarge(opts.reference));
    }
    let data_coding = encoding.data_coding(opts.class);
    let unit_bytes = if encoding == TextEncoding::Ucs2 { 2 } else { 1 };
    let mut w = writer::PartWriter::new(encoding, opts, unit_bytes, text.len(), buf);
    writer::write_text(text, encoding, &mut w)?;
    let packed = opts.packed && matches!(encoding, TextEncoding::Gsm7(_));
    w.finish(encoding, data_coding, packed, opts)
}

/// Split binary data (8-bit, `data_coding` given by the caller, e.g. 0x04 or 0xF5).
pub fn split_binary(
    data: &[u8],
    data_coding: u8,
    opts: &SplitOptions,
) -> Result<Split, SplitError> {
    if opts.method == Concat::Udh8 && opts.reference > 0xFF {
        return Err(SplitError::ReferenceTooLarge(opts.reference));
    }
    let mut w = writer::PartWriter::new(TextEncoding::Latin1, opts, 1, data.len(), BytesMut::new());
    w.put_octets(data);
    w.finish(TextEncoding::Latin1, data_coding, false, opts)
}
