//! The TLV area of a PDU: kept as the exact bytes received (order, unknown and vendor
//! tags, duplicates all preserved), validated once at decode time, typed on access.

use bytes::{BufMut, Bytes, BytesMut};

use super::tlv_tag::{TlvTag, ValueKind, kind_of};
use super::{COctetString, EncodeError, MessageState};

/// A typed TLV value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlvValue {
    /// A tag whose presence is the value (alert_on_message_delivery in 3.4).
    Empty,
    /// A 1-octet integer.
    U8(u8),
    /// A 2-octet integer.
    U16(u16),
    /// A 4-octet integer.
    U32(u32),
    /// A C-Octet String (without its NUL; a missing NUL is tolerated on receive).
    CString(COctetString),
    /// An Octet String.
    Octets(Bytes),
    /// network_error_code.
    NetworkErrorCode {
        /// Network type (3.4: 1 ANSI-136, 2 IS-95, 3 GSM; 5.0 adds 4-8).
        network_type: u8,
        /// The network's error code.
        error_code: u16,
    },
    /// An unknown tag, or a known one whose length breaks its definition (accepted in
    /// lenient mode): the value exactly as received.
    Raw(Bytes),
}

/// One TLV: a tag and its typed value.
///
/// ```
/// use smpp_proto::pdu::{Tlv, TlvTag, TlvValue, Tlvs};
/// let mut tlvs = Tlvs::new();
/// tlvs.push(&Tlv::u16(TlvTag::UserMessageReference, 42)).unwrap();
/// tlvs.push(&Tlv::raw(TlvTag::from(0x1400), b"vendor")).unwrap();
/// assert_eq!(tlvs.user_message_reference(), Some(42));
/// let tags: Vec<u16> = tlvs.iter().map(|t| t.tag.value()).collect();
/// assert_eq!(tags, [0x0204, 0x1400]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tlv {
    /// The tag.
    pub tag: TlvTag,
    /// The value.
    pub value: TlvValue,
}

impl Tlv {
    /// A 1-octet TLV.
    #[must_use]
    pub const fn u8(tag: TlvTag, v: u8) -> Self {
        Self {
            tag,
            value: TlvValue::U8(v),
        }
    }
    /// A 2-octet TLV.
    #[must_use]
    pub const fn u16(tag: TlvTag, v: u16) -> Self {
        Self {
            tag,
            value: TlvValue::U16(v),
        }
    }
    /// A 4-octet TLV.
    #[must_use]
    pub const fn u32(tag: TlvTag, v: u32) -> Self {
        Self {
            tag,
            value: TlvValue::U32(v),
        }
    }
    /// A C-Octet String TLV (the NUL is added on encode).
    #[must_use]
    pub fn cstring(tag: TlvTag, v: impl Into<COctetString>) -> Self {
        Self {
            tag,
            value: TlvValue::CString(v.into()),
        }
    }
    /// An Octet String TLV.
    #[must_use]
    pub fn octets(tag: TlvTag, v: impl Into<Bytes>) -> Self {
        Self {
            tag,
            value: TlvValue::Octets(v.into()),
        }
    }
    /// A TLV with the value bytes given verbatim.
    #[must_use]
    pub fn raw(tag: TlvTag, v: &[u8]) -> Self {
        Self {
            tag,
            value: TlvValue::Raw(Bytes::copy_from_slice(v)),
        }
    }
    /// `message_payload` (0x0424).
    #[must_use]
    pub fn message_payload(v: impl Into<Bytes>) -> Self {
        Self::octets(TlvTag::MessagePayload, v)
    }

    fn value_len(&self) -> usize {
        match &self.value {
            TlvValue::Empty => 0,
            TlvValue::U8(_) => 1,
            TlvValue::U16(_) => 2,
            TlvValue::U32(_) => 4,
            TlvValue::CString(s) => s.len() + 1,
            TlvValue::Octets(b) | TlvValue::Raw(b) => b.len(),
            TlvValue::NetworkErrorCode { .. } => 3,
        }
    }

    /// Octets this TLV takes on the wire (header included).
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        4 + self.value_len()
    }

    /// Appends the TLV to `out`.
    ///
    /// # Errors
    /// When the value is longer than 65,535 octets or a C-Octet String holds a NUL.
    pub fn encode(&self, out: &mut impl BufMut) -> Result<(), EncodeError> {
        let len = self.value_len();
        let len16 = u16::try_from(len).map_err(|_| EncodeError::TooMany {
            field: "tlv value",
            len,
            max: usize::from(u16::MAX),
        })?;
        if let TlvValue::CString(s) = &self.value {
            if s.as_bytes().contains(&0) {
                return Err(EncodeError::InteriorNul { field: "tlv value" });
            }
        }
        out.put_u16(self.tag.value());
        out.put_u16(len16);
        match &self.value {
            TlvValue::Empty => {}
            TlvValue::U8(v) => out.put_u8(*v),
            TlvValue::U16(v) => out.put_u16(*v),
            TlvValue::U32(v) => out.put_u32(*v),
            TlvValue::CString(s) => {
                out.put_slice(s.as_bytes());
                out.put_u8(0);
            }
            TlvValue::Octets(b) | TlvValue::Raw(b) => out.put_slice(b),
            TlvValue::NetworkErrorCode {
                network_type,
                error_code,
            } => {
                out.put_u8(*network_type);
                out.put_u16(*error_code);
            }
        }
        Ok(())
    }
}

/// The concatenation TLVs (sar_msg_ref_num, sar_total_segments, sar_segment_seqnum).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SarInfo {
    /// sar_msg_ref_num.
    pub ref_num: u16,
    /// sar_total_segments.
    pub total: u8,
    /// sar_segment_seqnum (from 1).
    pub seq: u8,
}

/// Tag and length of the TLV header at `pos`.
fn tlv_header(b: &[u8], pos: usize) -> Option<(u16, u16)> {
    let [t0, t1, l0, l1]: [u8; 4] = b.get(pos..pos.checked_add(4)?)?.try_into().ok()?;
    Some((u16::from_be_bytes([t0, t1]), u16::from_be_bytes([l0, l1])))
}

/// Whether a TLV's length fits its tag's definition.
pub(crate) fn length_ok(tag: TlvTag, len: usize) -> bool {
    kind_length_ok(tag.kind(), len)
}

/// Whether a length fits a value kind.
#[inline]
const fn kind_length_ok(kind: ValueKind, len: usize) -> bool {
    match kind {
        ValueKind::U8 => len == 1,
        ValueKind::U16 => len == 2,
        ValueKind::U32 => len == 4,
        ValueKind::CStr { max } => len >= 1 && len <= max as usize,
        ValueKind::Octets { min, max } => len >= min as usize && len <= max as usize,
        ValueKind::NetworkErrorCode => len == 3,
        ValueKind::MsValidity => len == 1 || len == 4,
        ValueKind::EmptyOrU8 => len <= 1,
        ValueKind::Unknown => true,
    }
}

fn typed(tag: TlvTag, v: Bytes) -> TlvValue {
    if !length_ok(tag, v.len()) {
        return TlvValue::Raw(v);
    }
    match (tag.kind(), v.as_ref()) {
        (ValueKind::U8 | ValueKind::MsValidity | ValueKind::EmptyOrU8, [a]) => TlvValue::U8(*a),
        (ValueKind::EmptyOrU8, []) => TlvValue::Empty,
        (ValueKind::U16, [a, b]) => TlvValue::U16(u16::from_be_bytes([*a, *b])),
        (ValueKind::U32, [a, b, c, d]) => TlvValue::U32(u32::from_be_bytes([*a, *b, *c, *d])),
        (ValueKind::NetworkErrorCode, [t, a, b]) => TlvValue::NetworkErrorCode {
            network_type: *t,
            error_code: u16::from_be_bytes([*a, *b]),
        },
        (ValueKind::CStr { .. }, bytes) => {
            let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
            TlvValue::CString(COctetString::from_bytes(v.slice(..end)))
        }
        (ValueKind::Octets { .. } | ValueKind::MsValidity, _) => TlvValue::Octets(v),
        _ => TlvValue::Raw(v),
    }
}

/// The TLVs of a PDU, in wire order.
///
/// Stored as the received octets (a zero-copy slice of the frame), so re-encoding is
/// byte-exact, unknown and vendor TLVs survive, and decoding allocates nothing. The
/// structure was validated when the PDU was decoded; [`Tlvs::iter`] types each value on
/// the fly. Octets after the last whole TLV that cannot form one (1-3 stray octets seen
/// from real SMSCs, or in lenient mode a TLV running past the end) are kept as
/// [`Tlvs::trailing`] and re-encoded verbatim.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Tlvs {
    raw: Bytes,
    valid: usize,
}

impl core::fmt::Debug for Tlvs {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut l = f.debug_list();
        for t in self.iter() {
            l.entry(&t);
        }
        if !self.trailing().is_empty() {
            l.entry(&format_args!("trailing {:02x?}", self.trailing()));
        }
        l.finish()
    }
}

/// Outcome of scanning a TLV area.
pub(crate) enum Scan {
    /// The area, and whether it holds a `message_payload`.
    Ok(Tlvs, bool),
    Stream,
    Length {
        tag: u16,
        len: u16,
    },
}

impl Tlvs {
    /// No TLVs.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            raw: Bytes::new(),
            valid: 0,
        }
    }

    /// Validates and wraps the TLV area of a PDU (`area` is a slice of the frame).
    ///
    /// Strict: a TLV running past the end is a stream error, a known tag with a bad length
    /// a length error. Lenient: the former becomes trailing octets, the latter a
    /// [`TlvValue::Raw`] value. 1-3 stray octets at the end are accepted either way.
    pub(crate) fn scan(area: Bytes, lenient: bool) -> Scan {
        let mut pos = 0usize;
        let mut saw_message_payload = false;
        let bytes = area.as_ref();
        while let Some((tag, len)) = tlv_header(bytes, pos) {
            let end = pos + 4 + usize::from(len);
            if end > bytes.len() {
                if lenient {
                    break;
                }
                return Scan::Stream;
            }
            if !lenient && !kind_length_ok(kind_of(tag), usize::from(len)) {
                return Scan::Length { tag, len };
            }
            saw_message_payload |= tag == TlvTag::MessagePayload.value();
            pos = end;
        }
        Scan::Ok(
            Self {
                raw: area,
                valid: pos,
            },
            saw_message_payload,
        )
    }

    /// Whether there are no TLVs (and no trailing octets).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The TLVs as typed values, in wire order.
    #[must_use]
    pub fn iter(&self) -> TlvIter<'_> {
        TlvIter {
            raw: &self.raw,
            pos: 0,
            end: self.valid,
        }
    }

    /// Stray octets after the last whole TLV (normally empty).
    #[must_use]
    pub fn trailing(&self) -> &[u8] {
        self.raw.get(self.valid..).unwrap_or_default()
    }

    /// The exact octets of the TLV area (trailing octets included).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// Encoded size in octets.
    #[must_use]
    pub fn encoded_len(&self) -> usize {
        self.raw.len()
    }

    /// The TLVs as (tag, value octets exactly as received), in wire order.
    pub fn iter_raw(&self) -> impl Iterator<Item = (TlvTag, Bytes)> + '_ {
        self.raw_entries().map(|(t, v)| (TlvTag::from(t), v))
    }

    fn raw_entries(&self) -> impl Iterator<Item = (u16, Bytes)> + '_ {
        let mut pos = 0usize;
        core::iter::from_fn(move || {
            let (tag, len) = tlv_header(&self.raw, pos).filter(|_| pos + 4 <= self.valid)?;
            let len = usize::from(len);
            let start = pos + 4;
            pos = start + len;
            (pos <= self.valid).then(|| (tag, self.raw.slice(start..pos)))
        })
    }

    /// The raw value of the first TLV with this tag.
    #[must_use]
    pub fn value(&self, tag: TlvTag) -> Option<Bytes> {
        let t = tag.value();
        self.raw_entries().find(|(tg, _)| *tg == t).map(|(_, v)| v)
    }

    /// The raw value of the first TLV with this tag, borrowed from the TLV area (no
    /// reference count is touched, nothing is allocated).
    ///
    /// ```
    /// use smpp_proto::pdu::{Tlv, TlvTag, Tlvs};
    /// let t = Tlvs::from_slice(&[Tlv::u8(TlvTag::MessageState, 2)]).unwrap();
    /// assert_eq!(t.value_ref(TlvTag::MessageState), Some(&[2u8][..]));
    /// assert_eq!(t.value_ref(TlvTag::MessagePayload), None);
    /// ```
    #[must_use]
    pub fn value_ref(&self, tag: TlvTag) -> Option<&[u8]> {
        let t = tag.value();
        let area = self.raw.get(..self.valid)?;
        let mut pos = 0usize;
        while let Some((tg, len)) = tlv_header(area, pos) {
            let start = pos + 4;
            let end = start + usize::from(len);
            let v = area.get(start..end)?;
            if tg == t {
                return Some(v);
            }
            pos = end;
        }
        None
    }

    /// The first TLV with this tag, typed.
    #[must_use]
    pub fn get(&self, tag: TlvTag) -> Option<TlvValue> {
        self.value(tag).map(|v| typed(tag, v))
    }

    /// Whether a TLV with this tag is present.
    #[must_use]
    pub fn contains(&self, tag: TlvTag) -> bool {
        self.value(tag).is_some()
    }

    fn get_u8(&self, tag: TlvTag) -> Option<u8> {
        match self.get(tag)? {
            TlvValue::U8(v) => Some(v),
            _ => None,
        }
    }

    fn get_u16(&self, tag: TlvTag) -> Option<u16> {
        match self.get(tag)? {
            TlvValue::U16(v) => Some(v),
            _ => None,
        }
    }

    /// `message_payload` (0x0424).
    #[must_use]
    pub fn message_payload(&self) -> Option<Bytes> {
        self.value(TlvTag::MessagePayload)
    }
    /// `receipted_message_id` (0x001E), with or without its NUL on the wire.
    #[must_use]
    pub fn receipted_message_id(&self) -> Option<COctetString> {
        match self.get(TlvTag::ReceiptedMessageId)? {
            TlvValue::CString(s) => Some(s),
            TlvValue::Raw(b) => Some(COctetString::from_bytes(b)),
            _ => None,
        }
    }
    /// `message_state` (0x0427).
    #[must_use]
    pub fn message_state(&self) -> Option<MessageState> {
        self.get_u8(TlvTag::MessageState).map(MessageState::from)
    }
    /// `network_error_code` (0x0423) as (network type, error code).
    #[must_use]
    pub fn network_error_code(&self) -> Option<(u8, u16)> {
        match self.get(TlvTag::NetworkErrorCode)? {
            TlvValue::NetworkErrorCode {
                network_type,
                error_code,
            } => Some((network_type, error_code)),
            _ => None,
        }
    }
    /// `user_message_reference` (0x0204).
    #[must_use]
    pub fn user_message_reference(&self) -> Option<u16> {
        self.get_u16(TlvTag::UserMessageReference)
    }
    /// `sc_interface_version` (0x0210).
    #[must_use]
    pub fn sc_interface_version(&self) -> Option<u8> {
        self.get_u8(TlvTag::ScInterfaceVersion)
    }
    /// `source_port` (0x020A).
    #[must_use]
    pub fn source_port(&self) -> Option<u16> {
        self.get_u16(TlvTag::SourcePort)
    }
    /// `destination_port` (0x020B).
    #[must_use]
    pub fn destination_port(&self) -> Option<u16> {
        self.get_u16(TlvTag::DestinationPort)
    }
    /// The three SAR TLVs, when all three are present (the spec says to ignore a partial
    /// set).
    #[must_use]
    pub fn sar(&self) -> Option<SarInfo> {
        Some(SarInfo {
            ref_num: self.get_u16(TlvTag::SarMsgRefNum)?,
            total: self.get_u8(TlvTag::SarTotalSegments)?,
            seq: self.get_u8(TlvTag::SarSegmentSeqnum)?,
        })
    }

    /// Appends a TLV (before any trailing octets). This copies the area once; build
    /// outgoing PDUs with [`Tlvs::from_slice`] when adding several.
    ///
    /// # Errors
    /// When the value cannot be encoded (too long, NUL inside a C-Octet String).
    pub fn push(&mut self, tlv: &Tlv) -> Result<(), EncodeError> {
        let mut b = BytesMut::with_capacity(self.raw.len() + tlv.encoded_len());
        b.extend_from_slice(self.raw.get(..self.valid).unwrap_or_default());
        tlv.encode(&mut b)?;
        let valid = b.len();
        b.extend_from_slice(self.trailing());
        *self = Self {
            raw: b.freeze(),
            valid,
        };
        Ok(())
    }

    /// Builds a TLV area from typed TLVs, in order.
    ///
    /// # Errors
    /// When a value cannot be encoded.
    pub fn from_slice(tlvs: &[Tlv]) -> Result<Self, EncodeError> {
        let mut b = BytesMut::with_capacity(tlvs.iter().map(Tlv::encoded_len).sum());
        for t in tlvs {
            t.encode(&mut b)?;
        }
        let valid = b.len();
        Ok(Self {
            raw: b.freeze(),
            valid,
        })
    }

    /// Removes every TLV with this tag (trailing octets are kept).
    pub fn remove(&mut self, tag: TlvTag) {
        let t = tag.value();
        if !self.raw_entries().any(|(tg, _)| tg == t) {
            return;
        }
        let mut b = BytesMut::with_capacity(self.raw.len());
        for (tg, v) in self.raw_entries() {
            if tg != t {
                b.put_u16(tg);
                // Lengths came from a u16 on the wire.
                b.put_u16(u16::try_from(v.len()).unwrap_or(u16::MAX));
                b.extend_from_slice(&v);
            }
        }
        let valid = b.len();
        b.extend_from_slice(self.trailing());
        *self = Self {
            raw: b.freeze(),
            valid,
        };
    }
}

/// Iterator over typed TLVs; see [`Tlvs::iter`].
#[derive(Debug)]
pub struct TlvIter<'a> {
    raw: &'a Bytes,
    pos: usize,
    end: usize,
}

impl Iterator for TlvIter<'_> {
    type Item = Tlv;
    fn next(&mut self) -> Option<Tlv> {
        let (tag, len) = tlv_header(self.raw, self.pos).filter(|_| self.pos + 4 <= self.end)?;
        let (tag, len) = (TlvTag::from(tag), usize::from(len));
        let start = self.pos + 4;
        let stop = start + len;
        if stop > self.end {
            return None;
        }
        self.pos = stop;
        Some(Tlv {
            tag,
            value: typed(tag, self.raw.slice(start..stop)),
        })
    }
}
