//! Merging the receipt text with the receipt TLVs (`receipted_message_id`, `message_state`,
//! `network_error_code`, `user_message_reference`). TLVs win; disagreements stay visible.

use super::MessageState;
use super::correlate::{IdNotation, MessageKey};
use super::parse::{ErrValue, ErrorCode, Receipt};

/// The receipt TLV values of a `deliver_sm`/`data_sm`, as plain values (the codec fills these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TlvValues<'a> {
    /// `receipted_message_id` (0x001E), without its NUL.
    pub receipted_message_id: Option<&'a [u8]>,
    /// `message_state` (0x0427).
    pub message_state: Option<u8>,
    /// `network_error_code` (0x0423): network type, then the error code big-endian.
    pub network_error_code: Option<[u8; 3]>,
    /// `user_message_reference` (0x0204).
    pub user_message_reference: Option<u16>,
}

/// Where a merged value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Only the receipt text had it.
    Text,
    /// Only a TLV had it.
    Tlv,
    /// Both had it (the TLV value is used; see [`Conflicts`] for disagreement).
    Both,
}

/// A merged value and its [`Source`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sourced<T> {
    /// The value (the TLV's where both exist).
    pub value: T,
    /// Where it came from.
    pub source: Source,
}

/// Fields on which the text and the TLVs disagree (a small bit set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Conflicts(u8);

impl Conflicts {
    /// The message ids differ (after normalisation with the peer's [`IdNotation`]).
    pub const ID: Self = Self(1);
    /// `stat` maps to a different state than `message_state` (or is not a known word).
    pub const STATE: Self = Self(2);
    /// The numeric `err` differs from the code in `network_error_code`.
    pub const ERROR: Self = Self(4);

    /// No conflict at all.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The raw bits.
    pub const fn bits(self) -> u8 {
        self.0
    }

    fn insert(&mut self, other: Self) {
        self.0 |= other.0;
    }
}

/// How a peer writes `err:` (per-peer option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ErrQuirk {
    /// The value is the error code as written (decimal, or hex when it has letters).
    #[default]
    None,
    /// GatewayAPI: its 0x1nnn status codes are written as the low three hex digits read as a
    /// decimal number (0x107E is written `err:126`). Decoding gives back 0x1000 + n for a
    /// non-zero decimal `n` below 4096, and 0 for 0.
    GatewayApi,
}

impl ErrQuirk {
    /// The real error code of an `err:` value under this quirk.
    ///
    /// ```
    /// use smpp_proto::receipt::{parse, ErrQuirk};
    /// let r = parse(b"id:1 stat:UNDELIV err:126").receipt().unwrap();
    /// assert_eq!(ErrQuirk::GatewayApi.decode(&r.err.unwrap()), Some(0x107E));
    /// assert_eq!(ErrQuirk::None.decode(&r.err.unwrap()), Some(126));
    /// ```
    pub fn decode(self, err: &ErrorCode<'_>) -> Option<u32> {
        match (self, err.value) {
            (Self::GatewayApi, ErrValue::Decimal(0)) => Some(0),
            (Self::GatewayApi, ErrValue::Decimal(n)) if n < 0x1000 => Some(0x1000 | n),
            (_, v) => v.numeric(),
        }
    }

    /// The number to write as `err:` for a real error code (inverse of [`ErrQuirk::decode`]).
    pub const fn encode(self, code: u32) -> u32 {
        match self {
            Self::GatewayApi if code & !0xFFF == 0x1000 => code & 0xFFF,
            _ => code,
        }
    }
}

/// A receipt with text and TLV values combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergedReceipt<'a> {
    /// The message id (`receipted_message_id` over `id:`).
    pub id: Option<Sourced<&'a [u8]>>,
    /// The state (`message_state` over `stat:`).
    pub state: Option<Sourced<MessageState>>,
    /// The numeric error (`network_error_code`'s code over `err:` decoded with the [`ErrQuirk`]).
    pub error: Option<Sourced<u32>>,
    /// The raw `network_error_code` TLV, when present.
    pub network_error_code: Option<[u8; 3]>,
    /// `user_message_reference`, when present.
    pub user_message_reference: Option<u16>,
    /// Disagreements between text and TLVs.
    pub conflicts: Conflicts,
    /// The parsed text, when there was one.
    pub text: Option<Receipt<'a>>,
}

impl MergedReceipt<'_> {
    /// What the [`Correlator`](super::Correlator) needs from this receipt: the state (if known)
    /// and the error. `None` when neither text nor TLV gave a known state.
    pub fn update(&self) -> Option<super::ReceiptUpdate> {
        let state = self.state?.value;
        Some(super::ReceiptUpdate {
            state,
            error: self.error.map(|e| e.value),
        })
    }

    /// The correlation key of the id: a TLV id is read in the peer's `submit_sm_resp`
    /// notation (it repeats that id), a text-only id in its receipt notation.
    pub fn message_key(&self, notation: &IdNotation) -> Option<MessageKey> {
        let id = self.id?;
        let fmt = match id.source {
            Source::Text => notation.receipt,
            Source::Tlv | Source::Both => notation.submit_resp,
        };
        Some(MessageKey::new(id.value, fmt))
    }
}

fn pick<T: Copy>(text: Option<T>, tlv: Option<T>) -> Option<Sourced<T>> {
    match (text, tlv) {
        (Some(_), Some(v)) => Some(Sourced {
            value: v,
            source: Source::Both,
        }),
        (None, Some(v)) => Some(Sourced {
            value: v,
            source: Source::Tlv,
        }),
        (Some(v), None) => Some(Sourced {
            value: v,
            source: Source::Text,
        }),
        (None, None) => None,
    }
}

/// Combines a parsed receipt text (if any) with the receipt TLVs.
///
/// TLV values win where both exist. A conflict is flagged when both exist and disagree: ids
/// compared as [`MessageKey`]s (text id in `notation.receipt`, TLV id in
/// `notation.submit_resp`), states compared after mapping `stat`, errors compared when the
/// text `err` is numeric (after `quirk`) against bytes 2-3 of `network_error_code`.
///
/// ```
/// use smpp_proto::receipt::{self, Conflicts, IdFormat, IdNotation, MessageState, Source, TlvValues, ErrQuirk};
/// let text = receipt::parse(b"id:862224236 stat:DELIVRD err:000").receipt().unwrap();
/// let tlvs = TlvValues { receipted_message_id: Some(b"33647f6c"), message_state: Some(2), ..Default::default() };
/// let notation = IdNotation { submit_resp: IdFormat::Hex, receipt: IdFormat::Decimal };
/// let m = receipt::merge(Some(&text), &tlvs, &notation, ErrQuirk::None);
/// assert_eq!(m.id.unwrap().value, b"33647f6c");
/// assert_eq!(m.id.unwrap().source, Source::Both);
/// assert_eq!(m.state.unwrap().value, MessageState::Delivered);
/// assert!(m.conflicts.is_empty());
/// ```
pub fn merge<'a>(
    text: Option<&Receipt<'a>>,
    tlvs: &TlvValues<'a>,
    notation: &IdNotation,
    quirk: ErrQuirk,
) -> MergedReceipt<'a> {
    let mut conflicts = Conflicts::default();
    let text_id = text.and_then(|r| r.id).filter(|id| !id.is_empty());
    let tlv_id = tlvs.receipted_message_id.filter(|id| !id.is_empty());
    if let (Some(a), Some(b)) = (text_id, tlv_id) {
        if MessageKey::new(a, notation.receipt) != MessageKey::new(b, notation.submit_resp) {
            conflicts.insert(Conflicts::ID);
        }
    }

    let text_stat = text.and_then(|r| r.stat).filter(|s| !s.raw.is_empty());
    let tlv_state = tlvs.message_state.map(MessageState::from_value);
    if let (Some(s), Some(t)) = (text_stat, tlv_state) {
        if s.state != Some(t) {
            conflicts.insert(Conflicts::STATE);
        }
    }
    let state = match (text_stat, tlv_state) {
        (_, Some(t)) => Some(Sourced {
            value: t,
            source: if text_stat.is_some() {
                Source::Both
            } else {
                Source::Tlv
            },
        }),
        (Some(s), None) => s.state.map(|value| Sourced {
            value,
            source: Source::Text,
        }),
        (None, None) => None,
    };

    let text_err = text.and_then(|r| r.err).and_then(|e| quirk.decode(&e));
    let tlv_err = tlvs
        .network_error_code
        .map(|[_, hi, lo]| u32::from(u16::from_be_bytes([hi, lo])));
    if let (Some(a), Some(b)) = (text_err, tlv_err) {
        if a != b {
            conflicts.insert(Conflicts::ERROR);
        }
    }

    MergedReceipt {
        id: pick(text_id, tlv_id),
        state,
        error: pick(text_err, tlv_err),
        network_error_code: tlvs.network_error_code,
        user_message_reference: tlvs.user_message_reference,
        conflicts,
        text: text.copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::{IdFormat, parse};

    const SAME: IdNotation = IdNotation {
        submit_resp: IdFormat::Same,
        receipt: IdFormat::Same,
    };

    #[test]
    fn tlv_only() {
        let tlvs = TlvValues {
            receipted_message_id: Some(b"abc"),
            message_state: Some(5),
            network_error_code: Some([3, 0x04, 0x0D]),
            user_message_reference: Some(7),
        };
        let m = merge(None, &tlvs, &SAME, ErrQuirk::None);
        assert_eq!(
            m.id,
            Some(Sourced {
                value: &b"abc"[..],
                source: Source::Tlv
            })
        );
        assert_eq!(
            m.state,
            Some(Sourced {
                value: MessageState::Undeliverable,
                source: Source::Tlv
            })
        );
        assert_eq!(
            m.error,
            Some(Sourced {
                value: 1037,
                source: Source::Tlv
            })
        );
        assert_eq!(m.user_message_reference, Some(7));
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn text_only() {
        let r = parse(b"id:77 stat:FAILED err:051").receipt().unwrap();
        let m = merge(Some(&r), &TlvValues::default(), &SAME, ErrQuirk::None);
        assert_eq!(m.id.unwrap().source, Source::Text);
        assert_eq!(
            m.state,
            Some(Sourced {
                value: MessageState::Undeliverable,
                source: Source::Text
            })
        );
        assert_eq!(
            m.error,
            Some(Sourced {
                value: 51,
                source: Source::Text
            })
        );
    }

    #[test]
    fn conflicts_are_visible_and_tlv_wins() {
        let r = parse(b"id:111 stat:DELIVRD err:000").receipt().unwrap();
        let tlvs = TlvValues {
            receipted_message_id: Some(b"222"),
            message_state: Some(8),
            network_error_code: Some([1, 0, 5]),
            user_message_reference: None,
        };
        let m = merge(Some(&r), &tlvs, &SAME, ErrQuirk::None);
        assert!(m.conflicts.contains(Conflicts::ID));
        assert!(m.conflicts.contains(Conflicts::STATE));
        assert!(m.conflicts.contains(Conflicts::ERROR));
        assert_eq!(m.conflicts.bits(), 7);
        assert_eq!(m.id.unwrap().value, b"222");
        assert_eq!(
            m.state.unwrap(),
            Sourced {
                value: MessageState::Rejected,
                source: Source::Both
            }
        );
        assert_eq!(
            m.error.unwrap(),
            Sourced {
                value: 5,
                source: Source::Both
            }
        );
    }

    #[test]
    fn unknown_stat_with_tlv_state_is_a_conflict() {
        // Telesign-style: text says UNKNOWN, TLV says 9 (SKIPPED)
        let r = parse(b"id:e9ca stat:UNKNOWN err:4A6").receipt().unwrap();
        let tlvs = TlvValues {
            message_state: Some(9),
            receipted_message_id: Some(b"e9ca"),
            ..Default::default()
        };
        let m = merge(Some(&r), &tlvs, &SAME, ErrQuirk::None);
        assert_eq!(m.state.unwrap().value, MessageState::Skipped);
        assert_eq!(m.conflicts, Conflicts::STATE);
        assert_eq!(m.error.unwrap().value, 0x4A6);
    }

    #[test]
    fn zero_padded_ids_do_not_conflict() {
        let r = parse(b"id:0000706678557 stat:DELIVRD").receipt().unwrap();
        let tlvs = TlvValues {
            receipted_message_id: Some(b"706678557"),
            ..Default::default()
        };
        let m = merge(Some(&r), &tlvs, &SAME, ErrQuirk::None);
        assert!(m.conflicts.is_empty());
        assert_eq!(
            m.message_key(&SAME),
            Some(MessageKey::new(b"706678557", IdFormat::Decimal))
        );
    }

    #[test]
    fn gatewayapi_quirk() {
        let r = parse(b"id:1 stat:UNDELIV err:126").receipt().unwrap();
        let m = merge(Some(&r), &TlvValues::default(), &SAME, ErrQuirk::GatewayApi);
        assert_eq!(m.error.unwrap().value, 0x107E);
        assert_eq!(
            m.update(),
            Some(crate::receipt::ReceiptUpdate {
                state: MessageState::Undeliverable,
                error: Some(0x107E)
            })
        );
        assert_eq!(ErrQuirk::GatewayApi.encode(0x107E), 126);
        assert_eq!(ErrQuirk::GatewayApi.encode(0x0042), 0x42);
        let r = parse(b"id:1 stat:DELIVRD err:000").receipt().unwrap();
        assert_eq!(ErrQuirk::GatewayApi.decode(&r.err.unwrap()), Some(0));
    }
}
