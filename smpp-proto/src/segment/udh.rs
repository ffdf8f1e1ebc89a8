//! User Data Header (TS 23.040 §9.2.3.24): parse and build.
//!
//! ```
//! use smpp_proto::segment::udh::{split_user_data, InformationElement, Udh};
//! let sm = [0x05, 0x00, 0x03, 0x2A, 0x02, 0x01, b'h', b'i'];
//! let (udh, text) = split_user_data(&sm).unwrap();
//! assert_eq!(udh.elements, [InformationElement::Concat8 { reference: 0x2A, total: 2, seq: 1 }]);
//! assert_eq!(text, b"hi");
//! let mut again = Vec::new();
//! udh.write(&mut again);
//! assert_eq!(again, sm[..6]);
//! ```

use bytes::Bytes;

use super::{ConcatRef, Namespace};
use crate::text::ShiftTables;

/// IEI: concatenated short message, 8-bit reference.
pub const IEI_CONCAT_8: u8 = 0x00;
/// IEI: application port addressing, 8-bit ports.
pub const IEI_PORT_8: u8 = 0x04;
/// IEI: application port addressing, 16-bit ports.
pub const IEI_PORT_16: u8 = 0x05;
/// IEI: concatenated short message, 16-bit reference.
pub const IEI_CONCAT_16: u8 = 0x08;
/// IEI: national language single shift.
pub const IEI_SINGLE_SHIFT: u8 = 0x24;
/// IEI: national language locking shift.
pub const IEI_LOCKING_SHIFT: u8 = 0x25;

/// One information element. Known IEIs with an unexpected length are kept as
/// [`Other`](Self::Other), so every header re-encodes byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InformationElement {
    /// 0x00: concatenation, 8-bit reference.
    Concat8 {
        /// Reference number.
        reference: u8,
        /// Total parts.
        total: u8,
        /// This part's number (from 1).
        seq: u8,
    },
    /// 0x08: concatenation, 16-bit reference.
    Concat16 {
        /// Reference number.
        reference: u16,
        /// Total parts.
        total: u8,
        /// This part's number (from 1).
        seq: u8,
    },
    /// 0x04: application ports, 8-bit.
    Port8 {
        /// Destination port.
        dest: u8,
        /// Originator port.
        orig: u8,
    },
    /// 0x05: application ports, 16-bit.
    Port16 {
        /// Destination port.
        dest: u16,
        /// Originator port.
        orig: u16,
    },
    /// 0x24: national language single shift, with the language id.
    SingleShift(u8),
    /// 0x25: national language locking shift, with the language id.
    LockingShift(u8),
    /// Any other IE, kept as received.
    Other {
        /// The IEI.
        iei: u8,
        /// The IE data (IEDL octets).
        data: Bytes,
    },
}

impl InformationElement {
    /// Encoded length (IEI + IEDL + data).
    pub fn encoded_len(&self) -> usize {
        2 + match self {
            Self::Concat8 { .. } => 3,
            Self::Concat16 { .. } | Self::Port16 { .. } => 4,
            Self::Port8 { .. } => 2,
            Self::SingleShift(_) | Self::LockingShift(_) => 1,
            Self::Other { data, .. } => data.len(),
        }
    }

    fn parse(iei: u8, data: &[u8]) -> Self {
        match (iei, data) {
            (IEI_CONCAT_8, &[reference, total, seq]) => Self::Concat8 {
                reference,
                total,
                seq,
            },
            (IEI_CONCAT_16, &[r0, r1, total, seq]) => Self::Concat16 {
                reference: u16::from_be_bytes([r0, r1]),
                total,
                seq,
            },
            (IEI_PORT_8, &[dest, orig]) => Self::Port8 { dest, orig },
            (IEI_PORT_16, &[d0, d1, o0, o1]) => Self::Port16 {
                dest: u16::from_be_bytes([d0, d1]),
                orig: u16::from_be_bytes([o0, o1]),
            },
            (IEI_SINGLE_SHIFT, &[id]) => Self::SingleShift(id),
            (IEI_LOCKING_SHIFT, &[id]) => Self::LockingShift(id),
            _ => Self::Other {
                iei,
                data: Bytes::copy_from_slice(data),
            },
        }
    }

    /// Append the encoded IE to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            Self::Concat8 {
                reference,
                total,
                seq,
            } => {
                out.extend_from_slice(&[IEI_CONCAT_8, 3, *reference, *total, *seq]);
            }
            Self::Concat16 {
                reference,
                total,
                seq,
            } => {
                let [r0, r1] = reference.to_be_bytes();
                out.extend_from_slice(&[IEI_CONCAT_16, 4, r0, r1, *total, *seq]);
            }
            Self::Port8 { dest, orig } => out.extend_from_slice(&[IEI_PORT_8, 2, *dest, *orig]),
            Self::Port16 { dest, orig } => {
                let [d0, d1] = dest.to_be_bytes();
                let [o0, o1] = orig.to_be_bytes();
                out.extend_from_slice(&[IEI_PORT_16, 4, d0, d1, o0, o1]);
            }
            Self::SingleShift(id) => out.extend_from_slice(&[IEI_SINGLE_SHIFT, 1, *id]),
            Self::LockingShift(id) => out.extend_from_slice(&[IEI_LOCKING_SHIFT, 1, *id]),
            Self::Other { iei, data } => {
                out.push(*iei);
                out.push(u8::try_from(data.len()).unwrap_or(u8::MAX));
                out.extend_from_slice(data.get(..usize::from(u8::MAX)).unwrap_or(data));
            }
        }
    }
}

/// UDH errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UdhError {
    /// No octet at all where the UDHL was expected.
    #[error("user data is empty, no UDH length octet")]
    Empty,
    /// The UDHL says more octets than the user data has.
    #[error("UDH length {udhl} overruns the {available} octets that follow it")]
    Overrun {
        /// The UDHL value.
        udhl: usize,
        /// Octets available after the UDHL octet.
        available: usize,
    },
    /// An IE's length runs past the end of the header.
    #[error("information element at header offset {offset} runs past the header")]
    TruncatedElement {
        /// Offset of the IEI inside the header (after the UDHL octet).
        offset: usize,
    },
    /// The header built would be longer than 255 octets.
    #[error("UDH too long ({0} octets)")]
    TooLong(usize),
}

/// A parsed user data header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Udh {
    /// The IEs in order.
    pub elements: Vec<InformationElement>,
}

impl Udh {
    /// Parse a header from the start of `user_data`; returns it and its length in octets
    /// (UDHL octet included).
    pub fn parse(user_data: &[u8]) -> Result<(Self, usize), UdhError> {
        let (&udhl, rest) = user_data.split_first().ok_or(UdhError::Empty)?;
        let udhl = usize::from(udhl);
        let header = rest.get(..udhl).ok_or(UdhError::Overrun {
            udhl,
            available: rest.len(),
        })?;
        let mut elements = Vec::new();
        let mut off = 0usize;
        while off < header.len() {
            let iei = header
                .get(off)
                .copied()
                .ok_or(UdhError::TruncatedElement { offset: off })?;
            let len = header
                .get(off + 1)
                .copied()
                .ok_or(UdhError::TruncatedElement { offset: off })?;
            let data = header
                .get(off + 2..off + 2 + usize::from(len))
                .ok_or(UdhError::TruncatedElement { offset: off })?;
            elements.push(InformationElement::parse(iei, data));
            off += 2 + usize::from(len);
        }
        Ok((Self { elements }, udhl + 1))
    }

    /// Length of the encoded header, UDHL octet included (a header without IEs is the single
    /// octet 0x00).
    pub fn encoded_len(&self) -> usize {
        1 + self
            .elements
            .iter()
            .map(InformationElement::encoded_len)
            .sum::<usize>()
    }

    /// Append the encoded header (UDHL first) to `out`. The UDHL saturates at 255; use
    /// [`Udh::check`] first for untrusted element lists.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.push(u8::try_from(self.encoded_len() - 1).unwrap_or(u8::MAX));
        for e in &self.elements {
            e.write(out);
        }
    }

    /// Error if the header would not fit its one-octet length.
    pub fn check(&self) -> Result<(), UdhError> {
        let n = self.encoded_len();
        if n > 256 {
            Err(UdhError::TooLong(n))
        } else {
            Ok(())
        }
    }

    /// The first valid concatenation IE (total ≥ 1, 1 ≤ seq ≤ total); invalid ones are ignored
    /// as smpp-reference §11.1 says.
    pub fn concat(&self) -> Option<ConcatRef> {
        self.elements.iter().find_map(|e| {
            let (namespace, reference, total, seq) = match *e {
                InformationElement::Concat8 {
                    reference,
                    total,
                    seq,
                } => (Namespace::Udh8, u16::from(reference), total, seq),
                InformationElement::Concat16 {
                    reference,
                    total,
                    seq,
                } => (Namespace::Udh16, reference, total, seq),
                _ => return None,
            };
            (total >= 1 && seq >= 1 && seq <= total).then_some(ConcatRef {
                namespace,
                reference,
                total,
                seq,
            })
        })
    }

    /// The national language tables selected by IEs 0x25 / 0x24 (last one of each wins).
    pub fn shift_tables(&self) -> ShiftTables {
        let mut locking = None;
        let mut single = None;
        for e in &self.elements {
            match *e {
                InformationElement::LockingShift(id) => locking = Some(id),
                InformationElement::SingleShift(id) => single = Some(id),
                _ => {}
            }
        }
        ShiftTables::from_ids(locking, single)
    }
}

/// Split `short_message` (with the UDHI bit set) into its header and the user data after it.
pub fn split_user_data(short_message: &[u8]) -> Result<(Udh, &[u8]), UdhError> {
    let (udh, len) = Udh::parse(short_message)?;
    Ok((udh, short_message.get(len..).unwrap_or_default()))
}
