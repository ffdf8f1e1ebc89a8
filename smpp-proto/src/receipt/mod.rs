//! Delivery receipts: detection, a lenient zero-copy parser for the SMPP 3.4 Appendix B text,
//! merging with the receipt TLVs, message-id correlation and a strict formatter.
//!
//! A receipt is a `deliver_sm` (or `data_sm`) whose `esm_class` says so ([`ReceiptKind`]). Its
//! text usually looks like
//!
//! ```text
//! id:0123456789 sub:001 dlvrd:001 submit date:1005232039 done date:1005242339 stat:DELIVRD err:000 text:Hello
//! ```
//!
//! but real SMSCs bend every rule of that layout (key case, order, widths, missing fields,
//! non-standard states, truncation...). [`parse`] never fails: it returns a [`Receipt`] whose
//! fields borrow the input verbatim next to their parsed forms, or
//! [`ParseOutcome::Unparsed`] with the raw bytes when the text is not Appendix B at all.
//!
//! ```
//! use smpp_proto::receipt::{self, MessageState, ParseOutcome, ReceiptKind};
//!
//! assert_eq!(ReceiptKind::from_esm_class(0x04), Some(ReceiptKind::SmscDeliveryReceipt));
//! let text = b"id:0059113978 sub:001 dlvrd:001 submit date:1002101730 done date:1002101731 stat:DELIVRD err:000 text:@$#!%&/:";
//! let ParseOutcome::Receipt(r) = receipt::parse(text) else { panic!() };
//! assert_eq!(r.id, Some(&b"0059113978"[..]));
//! assert_eq!(r.state(), Some(MessageState::Delivered));
//! assert_eq!(r.sub.unwrap().raw, b"001");
//! assert_eq!(r.text, Some(&b"@$#!%&/:"[..]));
//! ```
//!
//! Fields are `&[u8]` slices of the input; with a `bytes::Bytes` input, `Bytes::slice_ref`
//! turns any of them into a cheap owned `Bytes`.
//!
//! From a decoded PDU, [`from_deliver_sm`] / [`from_data_sm`] do all of it: detection, the
//! text from `short_message` or `message_payload` (ASCII first, UTF-16 if need be, whatever
//! `data_coding` says), the receipt TLVs, and [`merge`].

mod correlate;
mod format;
mod merge;
mod parse;
mod wire;

pub use correlate::{
    CorrelateError, Correlator, CorrelatorConfig, Event, IdFormat, IdNotation, MessageKey,
    ReceiptUpdate, SubmitRef, UnmatchedReason, combine_states,
};
pub use format::{FormatError, FormatOptions, IdRender, ReceiptFields, TextMode, format};
pub use merge::{Conflicts, ErrQuirk, MergedReceipt, Source, Sourced, TlvValues, merge};
pub use parse::{
    Count, DateLayout, ErrValue, ErrorCode, ParseOutcome, Receipt, ReceiptDate, ReceiptStatus,
    ReceiptTime, Stat, looks_like_utf16be_ascii, parse, parse_any,
};
pub use wire::{PduReceipt, ReceiptOptions, from_data_sm, from_deliver_sm, tlv_values};

/// What kind of receipt a `deliver_sm`/`data_sm` is, from its `esm_class` (bits 5-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReceiptKind {
    /// Message type 0001 (`esm_class & 0x3C == 0x04`): SMSC delivery receipt.
    SmscDeliveryReceipt,
    /// Message type 1000 (`esm_class & 0x3C == 0x20`): intermediate delivery notification.
    IntermediateNotification,
}

impl ReceiptKind {
    /// Reads the message-type bits of `esm_class`; `None` for anything that is not a receipt.
    ///
    /// Only the four message-type bits are compared, so the UDHI / reply-path bits (0xC0) and the
    /// messaging-mode bits (0x03) do not matter, and 0x0C / 0x1C are *not* receipts.
    pub const fn from_esm_class(esm_class: u8) -> Option<Self> {
        match esm_class & 0x3C {
            0x04 => Some(Self::SmscDeliveryReceipt),
            0x20 => Some(Self::IntermediateNotification),
            _ => None,
        }
    }
}

/// The receipt's state is the codec's `pdu::MessageState` (re-exported
/// here); this module adds the Appendix B `stat` words.
pub use crate::pdu::MessageState;

impl MessageState {
    /// The 7-character Appendix B `stat` word (Table B-2, plus ENROUTE/SCHEDLD/SKIPPED).
    /// `Other` values are written as `UNKNOWN`.
    pub const fn stat_word(self) -> &'static str {
        match self {
            Self::Scheduled => "SCHEDLD",
            Self::Enroute => "ENROUTE",
            Self::Delivered => "DELIVRD",
            Self::Expired => "EXPIRED",
            Self::Deleted => "DELETED",
            Self::Undeliverable => "UNDELIV",
            Self::Accepted => "ACCEPTD",
            Self::Unknown | Self::Reserved(_) => "UNKNOWN",
            Self::Rejected => "REJECTD",
            Self::Skipped => "SKIPPED",
        }
    }

    /// Maps a receipt `stat` value (case-insensitive, surrounding blanks ignored) to a state.
    ///
    /// Besides Table B-2 this knows the spellings seen in the field: ENROUTE, SCHEDLD, SKIPPED,
    /// FAILED (undeliverable), ACKED (accepted), BUFFRED / BUFFERD / BUFFERED (en route, i.e.
    /// buffered at the SMSC), DND_REJECTED (rejected), "DELIVERED TO CARRIER" (en route: handed
    /// to the carrier, not yet to the handset) and the long forms DELIVERED, UNDELIVERABLE,
    /// ACCEPTED, REJECTED. Returns `None` for anything else.
    pub fn from_stat(word: &[u8]) -> Option<Self> {
        let w = word.trim_ascii();
        if let Some(s) = Self::from_upper_stat(w) {
            return Some(s);
        }
        if !w.iter().any(u8::is_ascii_lowercase) {
            return None;
        }
        let mut buf = [0u8; 24];
        let dst = buf.get_mut(..w.len())?;
        dst.copy_from_slice(w);
        dst.make_ascii_uppercase();
        Self::from_upper_stat(dst)
    }

    /// [`MessageState::from_stat`] for a word without surrounding blanks (upper case tried first).
    pub(crate) fn from_stat_word(w: &[u8]) -> Option<Self> {
        Self::from_upper_stat(w).or_else(|| Self::from_stat(w))
    }

    fn from_upper_stat(w: &[u8]) -> Option<Self> {
        Some(match w {
            b"DELIVRD" | b"DELIVERED" => Self::Delivered,
            b"EXPIRED" => Self::Expired,
            b"DELETED" => Self::Deleted,
            b"UNDELIV" | b"UNDELIVERABLE" | b"FAILED" => Self::Undeliverable,
            b"ACCEPTD" | b"ACCEPTED" | b"ACKED" => Self::Accepted,
            b"UNKNOWN" => Self::Unknown,
            b"REJECTD" | b"REJECTED" | b"DND_REJECTED" => Self::Rejected,
            b"ENROUTE" | b"BUFFRED" | b"BUFFERD" | b"BUFFERED" | b"DELIVERED TO CARRIER" => {
                Self::Enroute
            }
            b"SCHEDLD" | b"SCHEDULED" => Self::Scheduled,
            b"SKIPPED" => Self::Skipped,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esm_class_detection() {
        assert_eq!(
            ReceiptKind::from_esm_class(0x04),
            Some(ReceiptKind::SmscDeliveryReceipt)
        );
        assert_eq!(
            ReceiptKind::from_esm_class(0x44),
            Some(ReceiptKind::SmscDeliveryReceipt)
        );
        assert_eq!(
            ReceiptKind::from_esm_class(0xC7),
            Some(ReceiptKind::SmscDeliveryReceipt)
        );
        assert_eq!(
            ReceiptKind::from_esm_class(0x20),
            Some(ReceiptKind::IntermediateNotification)
        );
        assert_eq!(
            ReceiptKind::from_esm_class(0x60),
            Some(ReceiptKind::IntermediateNotification)
        );
        for not in [0x00, 0x08, 0x0C, 0x10, 0x18, 0x1C, 0x24, 0x40, 0x3C] {
            assert_eq!(ReceiptKind::from_esm_class(not), None, "{not:#x}");
        }
    }

    #[test]
    fn state_octets_round_trip() {
        for v in 0..=255u8 {
            assert_eq!(MessageState::from_value(v).value(), v);
        }
        assert!(!MessageState::Enroute.is_final());
        assert!(MessageState::Delivered.is_final());
    }

    #[test]
    fn stat_words() {
        assert_eq!(
            MessageState::from_stat(b"delivrd"),
            Some(MessageState::Delivered)
        );
        assert_eq!(
            MessageState::from_stat(b"ACKED  "),
            Some(MessageState::Accepted)
        );
        assert_eq!(
            MessageState::from_stat(b"Delivered to Carrier"),
            Some(MessageState::Enroute)
        );
        assert_eq!(
            MessageState::from_stat(b"FAILED"),
            Some(MessageState::Undeliverable)
        );
        assert_eq!(MessageState::from_stat(b"0"), None);
        assert_eq!(MessageState::from_stat(&[b'A'; 40]), None);
        for v in 0..=9u8 {
            let s = MessageState::from_value(v);
            assert_eq!(MessageState::from_stat(s.stat_word().as_bytes()), Some(s));
        }
    }
}
