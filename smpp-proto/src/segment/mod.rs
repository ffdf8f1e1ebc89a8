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
pub mod udh;

use bytes::{BufMut, Bytes, BytesMut};

pub use reassembler::{
    CompleteMessage, IncomingPart, PartialMessage, PartialReason, ReassembledText, Reassembler,
    ReassemblerConfig, ReassemblyEvent,
};
pub use sar::SarInfo;
pub use udh::{InformationElement, Udh, UdhError};

use crate::text::{
    self, CodecOptions, EncodingPolicy, MessageClass, ShiftTables, Strictness, TextEncoding,
    TextError, septets,
};

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
    let choice = text::choose(&text, policy);
    split_encoded(&text, choice.encoding, opts)
}

/// Split `text` in a given encoding (strict: an unrepresentable character is an error).
///
/// Sizes follow smpp-reference §10.5; an escape pair or a surrogate pair is never split.
pub fn split_encoded(
    text: &str,
    encoding: TextEncoding,
    opts: &SplitOptions,
) -> Result<Split, SplitError> {
    let tables = encoding.tables();
    if !tables.is_default() && matches!(opts.method, Concat::Sar | Concat::Payload) {
        return Err(SplitError::ShiftNeedsUdh);
    }
    if opts.method == Concat::Udh8 && opts.reference > 0xFF {
        return Err(SplitError::ReferenceTooLarge(opts.reference));
    }
    let data_coding = encoding.data_coding(opts.class);
    let codec = CodecOptions {
        strictness: Strictness::Strict,
        tables,
        packed: None,
    };
    let mut encoded = Vec::with_capacity(text.len() * 2);
    text::encode(text, encoding.alphabet(), &codec, &mut encoded)?;
    let packed = opts.packed && matches!(encoding, TextEncoding::Gsm7(_));
    split_units(&encoded, encoding, packed, data_coding, opts)
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
    split_units(data, TextEncoding::Latin1, false, data_coding, opts)
}

/// Bytes per unit and the boundary rule of an encoding.
fn unit_bytes(encoding: TextEncoding) -> usize {
    if encoding == TextEncoding::Ucs2 { 2 } else { 1 }
}

/// End (exclusive, in bytes) of the part starting at `start` with room for `cap` units.
fn part_end(encoded: &[u8], start: usize, cap: usize, encoding: TextEncoding) -> usize {
    let ub = unit_bytes(encoding);
    let end = start + cap * ub;
    if end >= encoded.len() {
        return encoded.len();
    }
    match encoding {
        // 0x1B only ever starts an escape pair in encoder output: never end a part on one.
        TextEncoding::Gsm7(_) if end > start + 1 && encoded.get(end - 1) == Some(&gsm7_esc()) => {
            end - 1
        }
        TextEncoding::Ucs2 if end >= start + 4 => {
            let hi = encoded.get(end - 2).copied().unwrap_or(0);
            if (0xD8..=0xDB).contains(&hi) {
                end - 2
            } else {
                end
            }
        }
        _ => end,
    }
}

const fn gsm7_esc() -> u8 {
    text::gsm7::ESC
}

fn split_units(
    encoded: &[u8],
    encoding: TextEncoding,
    packed: bool,
    data_coding: u8,
    opts: &SplitOptions,
) -> Result<Split, SplitError> {
    let tables = encoding.tables();
    let mut parts = Vec::new();
    if opts.method == Concat::Payload {
        let mut buf = Vec::new();
        let data = if packed {
            septets::pack(encoded, 0, &mut buf);
            buf.as_slice()
        } else {
            encoded
        };
        if data.len() > payload::MAX_PAYLOAD {
            return Err(SplitError::PayloadTooLarge(data.len()));
        }
        parts.push(Part {
            short_message: Bytes::new(),
            message_payload: Some(Bytes::copy_from_slice(data)),
            udhi: false,
            data_coding,
            sar: None,
        });
        return Ok(Split {
            encoding,
            data_coding,
            parts,
        });
    }
    let ub = unit_bytes(encoding);
    let units = encoded.len() / ub;
    let single_udh = text::udh_len_for(0, &tables);
    let single = units <= text::capacity(encoding, single_udh);
    let concat_ie = if single {
        0
    } else {
        match opts.method {
            Concat::Udh8 => 5,
            Concat::Udh16 => 6,
            Concat::Sar | Concat::Payload => 0,
        }
    };
    let udh_len = text::udh_len_for(concat_ie, &tables);
    let cap = if single {
        units
    } else {
        let sizing = if opts.method == Concat::Sar {
            text::udh_len_for(5, &ShiftTables::NONE)
        } else {
            udh_len
        };
        text::capacity(encoding, sizing)
    };
    // Pass 1: count parts.
    let mut total = 0usize;
    let mut start = 0usize;
    loop {
        let end = part_end(encoded, start, cap.max(1), encoding);
        total += 1;
        if end >= encoded.len() {
            break;
        }
        start = end;
    }
    if total > 255 {
        return Err(SplitError::TooManyParts(total));
    }
    let total_u8 = u8::try_from(total).unwrap_or(u8::MAX);
    let fill = septets::fill_bits(udh_len);
    let mut out = BytesMut::with_capacity(encoded.len() + total * (udh_len + 1));
    let mut scratch = Vec::new();
    let mut header = Vec::with_capacity(udh_len);
    let mut start = 0usize;
    for seq in 1..=total_u8 {
        let end = part_end(encoded, start, cap.max(1), encoding);
        let data = encoded.get(start..end).unwrap_or_default();
        start = end;
        header.clear();
        if udh_len > 0 {
            header.push(u8::try_from(udh_len - 1).unwrap_or(0));
            match (single, opts.method) {
                (false, Concat::Udh8) => {
                    header.extend_from_slice(&[
                        udh::IEI_CONCAT_8,
                        3,
                        opts.reference as u8,
                        total_u8,
                        seq,
                    ]);
                }
                (false, Concat::Udh16) => {
                    let [r0, r1] = opts.reference.to_be_bytes();
                    header.extend_from_slice(&[udh::IEI_CONCAT_16, 4, r0, r1, total_u8, seq]);
                }
                _ => {}
            }
            if let Some(l) = tables.locking {
                header.extend_from_slice(&[udh::IEI_LOCKING_SHIFT, 1, l.id()]);
            }
            if let Some(s) = tables.single {
                header.extend_from_slice(&[udh::IEI_SINGLE_SHIFT, 1, s.id()]);
            }
        }
        out.put_slice(&header);
        if packed {
            scratch.clear();
            septets::pack(data, fill, &mut scratch);
            out.put_slice(&scratch);
        } else {
            out.put_slice(data);
        }
        let sar = (!single && opts.method == Concat::Sar).then_some(SarInfo {
            reference: opts.reference,
            total: total_u8,
            seq,
        });
        parts.push(Part {
            short_message: out.split().freeze(),
            message_payload: None,
            udhi: udh_len > 0,
            data_coding,
            sar,
        });
    }
    Ok(Split {
        encoding,
        data_coding,
        parts,
    })
}
