//! Small field types: addresses' TON/NPI, esm_class, registered_delivery, data_coding,
//! message_state, sequence numbers and C-Octet Strings.

use bytes::Bytes;

use super::wire_enum::wire_enum;

wire_enum! {
    /// Type of number (`*_ton` fields, SMPP 3.4 §5.2.5).
    pub enum Ton: u8, catch_all = Reserved {
        /// 0: unknown.
        Unknown = 0 => "unknown",
        /// 1: international (E.164 with country code, no `+`).
        International = 1 => "international",
        /// 2: national.
        National = 2 => "national",
        /// 3: network specific.
        NetworkSpecific = 3 => "network_specific",
        /// 4: subscriber number.
        SubscriberNumber = 4 => "subscriber_number",
        /// 5: alphanumeric (sender names).
        Alphanumeric = 5 => "alphanumeric",
        /// 6: abbreviated.
        Abbreviated = 6 => "abbreviated",
    }
}

wire_enum! {
    /// Numbering plan indicator (`*_npi` fields, SMPP 3.4 §5.2.6).
    pub enum Npi: u8, catch_all = Reserved {
        /// 0: unknown.
        Unknown = 0 => "unknown",
        /// 1: ISDN (E.163/E.164).
        Isdn = 1 => "isdn",
        /// 3: data (X.121).
        Data = 3 => "data",
        /// 4: telex (F.69).
        Telex = 4 => "telex",
        /// 6: land mobile (E.212).
        LandMobile = 6 => "land_mobile",
        /// 8: national.
        National = 8 => "national",
        /// 9: private.
        Private = 9 => "private",
        /// 10: ERMES.
        Ermes = 10 => "ermes",
        /// 14: Internet (IP address).
        Internet = 14 => "internet",
        /// 18: WAP client id.
        WapClientId = 18 => "wap_client_id",
    }
}

wire_enum! {
    /// Message state (`query_sm_resp.message_state`, TLV 0x0427; SMPP 3.4 §5.2.28).
    pub enum MessageState: u8, catch_all = Reserved {
        /// 0: scheduled (5.0).
        Scheduled = 0 => "SCHEDULED",
        /// 1: en route.
        Enroute = 1 => "ENROUTE",
        /// 2: delivered.
        Delivered = 2 => "DELIVERED",
        /// 3: expired.
        Expired = 3 => "EXPIRED",
        /// 4: deleted.
        Deleted = 4 => "DELETED",
        /// 5: undeliverable.
        Undeliverable = 5 => "UNDELIVERABLE",
        /// 6: accepted.
        Accepted = 6 => "ACCEPTED",
        /// 7: unknown.
        Unknown = 7 => "UNKNOWN",
        /// 8: rejected.
        Rejected = 8 => "REJECTED",
        /// 9: skipped (5.0).
        Skipped = 9 => "SKIPPED",
    }
}

impl MessageState {
    /// Whether no further state change is expected. Only `Scheduled` and `Enroute` are
    /// intermediate; every other state, `Unknown` and reserved/vendor values included,
    /// counts as final (a receipt correlator must not wait forever on a vendor code).
    #[must_use]
    pub const fn is_final(self) -> bool {
        !matches!(self.value(), 0 | 1)
    }
}

/// `interface_version` values (SMPP 3.4 §5.2.4).
pub mod interface_version {
    /// SMPP 3.3 (anything up to 0x33 means 3.3 or earlier).
    pub const V33: u8 = 0x33;
    /// SMPP 3.4.
    pub const V34: u8 = 0x34;
    /// SMPP 5.0.
    pub const V50: u8 = 0x50;
}

/// A sequence number (`sequence_number` header field).
///
/// Our own generator stays within `1..=0x7FFF_FFFF`; peers send 0 and values above
/// `0x7FFF_FFFF` anyway, so any `u32` decodes and [`SequenceNumber::is_valid`] tells the
/// session whether it is in the range the specification allows.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SequenceNumber(pub u32);

impl SequenceNumber {
    /// The largest sequence number the specification allows.
    pub const MAX: u32 = 0x7FFF_FFFF;

    /// Whether the value lies in `1..=0x7FFF_FFFF`.
    #[must_use]
    pub const fn is_valid(self) -> bool {
        self.0 >= 1 && self.0 <= Self::MAX
    }

    /// The number after this one, wrapping from `0x7FFF_FFFF` (or anything invalid) to 1.
    #[must_use]
    pub const fn next(self) -> Self {
        if self.0 >= Self::MAX {
            Self(1)
        } else {
            Self(self.0 + 1)
        }
    }
}

impl core::fmt::Debug for SequenceNumber {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

impl core::fmt::Display for SequenceNumber {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<u32> for SequenceNumber {
    fn from(v: u32) -> Self {
        Self(v)
    }
}

/// `esm_class` (SMPP 3.4 §5.2.12): messaging mode, message type and GSM features.
///
/// ```
/// use smpp_proto::pdu::EsmClass;
/// let e = EsmClass(0x44);
/// assert!(e.udhi());
/// assert!(e.is_delivery_receipt());
/// assert!(!EsmClass(0x0C).is_delivery_receipt()); // 0x04 alone would misread this
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
pub struct EsmClass(pub u8);

impl EsmClass {
    /// UDH indicator: the user data starts with a User Data Header.
    pub const UDHI: u8 = 0x40;
    /// Reply path.
    pub const REPLY_PATH: u8 = 0x80;
    /// Message type: SMSC delivery receipt (SMSC → ESME).
    pub const DELIVERY_RECEIPT: u8 = 0x04;
    /// Message type: intermediate delivery notification (SMSC → ESME).
    pub const INTERMEDIATE_NOTIFICATION: u8 = 0x20;
    /// Mask of the message-type bits (5..2).
    pub const TYPE_MASK: u8 = 0x3C;

    /// Messaging mode, bits 1-0 (0 default, 1 datagram, 2 forward, 3 store and forward).
    #[must_use]
    pub const fn messaging_mode(self) -> u8 {
        self.0 & 0x03
    }
    /// Message type, bits 5-2 (as a masked value, e.g. 0x04 for a receipt).
    #[must_use]
    pub const fn message_type(self) -> u8 {
        self.0 & Self::TYPE_MASK
    }
    /// Whether the UDHI bit (0x40) is set.
    #[must_use]
    pub const fn udhi(self) -> bool {
        self.0 & Self::UDHI != 0
    }
    /// Whether the reply-path bit (0x80) is set.
    #[must_use]
    pub const fn reply_path(self) -> bool {
        self.0 & Self::REPLY_PATH != 0
    }
    /// Whether the message type is "SMSC delivery receipt" (`(esm_class & 0x3C) == 0x04`).
    #[must_use]
    pub const fn is_delivery_receipt(self) -> bool {
        self.message_type() == Self::DELIVERY_RECEIPT
    }
    /// Whether the message type is "intermediate delivery notification" (0x20).
    #[must_use]
    pub const fn is_intermediate_notification(self) -> bool {
        self.message_type() == Self::INTERMEDIATE_NOTIFICATION
    }
    /// The same value with the UDHI bit set or cleared.
    #[must_use]
    pub const fn with_udhi(self, on: bool) -> Self {
        if on {
            Self(self.0 | Self::UDHI)
        } else {
            Self(self.0 & !Self::UDHI)
        }
    }
}

/// `registered_delivery` (SMPP 3.4 §5.2.17).
///
/// ```
/// use smpp_proto::pdu::RegisteredDelivery;
/// assert!(RegisteredDelivery::FINAL.wants_receipt());
/// assert!(RegisteredDelivery(0x11).intermediate());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
pub struct RegisteredDelivery(pub u8);

impl RegisteredDelivery {
    /// No receipt.
    pub const NONE: Self = Self(0x00);
    /// Receipt on final outcome (success or failure).
    pub const FINAL: Self = Self(0x01);
    /// Receipt on failure only.
    pub const FAILURE: Self = Self(0x02);
    /// Receipt on success only (5.0; reserved in 3.4).
    pub const SUCCESS: Self = Self(0x03);

    /// SMSC receipt bits (1-0).
    #[must_use]
    pub const fn smsc_receipt(self) -> u8 {
        self.0 & 0x03
    }
    /// Whether any SMSC receipt is requested.
    #[must_use]
    pub const fn wants_receipt(self) -> bool {
        self.smsc_receipt() != 0
    }
    /// SME acknowledgement bits (3-2), as a masked value.
    #[must_use]
    pub const fn sme_ack(self) -> u8 {
        self.0 & 0x0C
    }
    /// Whether intermediate notifications are requested (0x10).
    #[must_use]
    pub const fn intermediate(self) -> bool {
        self.0 & 0x10 != 0
    }
}

/// The raw `data_coding` octet (SMPP 3.4 §5.2.19). Interpretation (alphabet, class,
/// flash) lives in the text module; the codec keeps the octet as received.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Debug)]
pub struct DataCoding(pub u8);

impl DataCoding {
    /// 0x00: SMSC default alphabet (GSM 03.38 in practice).
    pub const DEFAULT: Self = Self(0x00);
    /// 0x01: IA5 / ASCII.
    pub const IA5: Self = Self(0x01);
    /// 0x03: Latin-1.
    pub const LATIN1: Self = Self(0x03);
    /// 0x04: 8-bit binary.
    pub const BINARY: Self = Self(0x04);
    /// 0x08: UCS-2 (UTF-16BE).
    pub const UCS2: Self = Self(0x08);
}

/// A C-Octet String field without its terminating NUL.
///
/// Decoded values are zero-copy slices of the received frame. The codec checks the
/// field's maximum (NUL included) when decoding and again when encoding; a value with an
/// interior NUL cannot be encoded.
#[derive(Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct COctetString(Bytes);

impl COctetString {
    /// The empty (NULL) string.
    #[must_use]
    pub const fn empty() -> Self {
        Self(Bytes::new())
    }
    /// Wraps bytes (without a NUL terminator).
    #[must_use]
    pub const fn from_bytes(b: Bytes) -> Self {
        Self(b)
    }
    /// A string from a `'static` str, without copying.
    #[must_use]
    pub const fn from_static(s: &'static str) -> Self {
        Self(Bytes::from_static(s.as_bytes()))
    }
    /// The bytes, without the NUL.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    /// The underlying `Bytes`.
    #[must_use]
    pub fn bytes(&self) -> &Bytes {
        &self.0
    }
    /// Consumes the string, returning its `Bytes`.
    #[must_use]
    pub fn into_bytes(self) -> Bytes {
        self.0
    }
    /// Length in octets, NUL excluded.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Whether this is the NULL string.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The value as UTF-8 (C-Octet Strings are ASCII by the spec).
    ///
    /// # Errors
    /// When the octets are not valid UTF-8.
    pub fn to_str(&self) -> Result<&str, core::str::Utf8Error> {
        core::str::from_utf8(&self.0)
    }
    /// The value as text, with invalid UTF-8 replaced by U+FFFD.
    #[must_use]
    pub fn to_string_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }
}

impl core::fmt::Debug for COctetString {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?}", self.to_string_lossy())
    }
}

impl core::fmt::Display for COctetString {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.to_string_lossy())
    }
}

impl From<&'static str> for COctetString {
    fn from(s: &'static str) -> Self {
        Self::from_static(s)
    }
}

impl From<String> for COctetString {
    fn from(s: String) -> Self {
        Self(Bytes::from(s))
    }
}

impl From<&String> for COctetString {
    fn from(s: &String) -> Self {
        Self(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl From<Bytes> for COctetString {
    fn from(b: Bytes) -> Self {
        Self(b)
    }
}

impl PartialEq<str> for COctetString {
    fn eq(&self, other: &str) -> bool {
        self.0 == other.as_bytes()
    }
}

impl PartialEq<&str> for COctetString {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}
