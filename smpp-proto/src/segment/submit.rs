//! A text as the `submit_sm` PDUs that carry it: [`split_text`](super::split_text) /
//! [`split_encoded`](super::split_encoded) plus the PDU fields each part needs (UDHI in
//! esm_class, `data_coding`, SAR or `message_payload` TLVs, `registered_delivery`).
//!
//! ```
//! use smpp_proto::segment::{submit_parts, SubmitOptions};
//! let parts = submit_parts("Shop", "4512345678", &"x".repeat(200), &SubmitOptions::default(), 7).unwrap();
//! assert_eq!(parts.parts.len(), 2);
//! assert!(parts.parts[0].esm_class.udhi());
//! assert_eq!(parts.data_coding, 0);
//! ```

use crate::pdu::{
    DataCoding, EncodeError, EsmClass, RegisteredDelivery, SubmitSm, Tlv, TlvTag, Tlvs,
};
use crate::text::{EncodingPolicy, TextEncoding};

use super::{Concat, SplitError, SplitOptions, split_encoded, split_text};

/// How [`submit_parts`] encodes and splits a text (the adapters' `TextOptions`).
#[derive(Clone, Debug)]
pub struct SubmitOptions {
    /// Encoding policy (GSM-7 first, then national tables / Latin-1 if allowed, else UCS-2).
    pub policy: EncodingPolicy,
    /// Force an encoding instead of choosing.
    pub encoding: Option<TextEncoding>,
    /// How to split a long message (default: UDH with an 8-bit reference).
    pub split: Concat,
    /// registered_delivery (default: receipt on final outcome).
    pub registered_delivery: RegisteredDelivery,
}

impl Default for SubmitOptions {
    fn default() -> Self {
        Self {
            policy: EncodingPolicy::default(),
            encoding: None,
            split: Concat::Udh8,
            registered_delivery: RegisteredDelivery::FINAL,
        }
    }
}

/// The `submit_sm`s that carry one text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmitParts {
    /// The encoding used.
    pub encoding: TextEncoding,
    /// The `data_coding` octet (same in every part).
    pub data_coding: u8,
    /// The PDUs in part order.
    pub parts: Vec<SubmitSm>,
}

/// Why [`submit_parts`] failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SubmitPartsError {
    /// The text could not be encoded or split.
    #[error(transparent)]
    Split(#[from] SplitError),
    /// A part's TLVs could not be encoded.
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

/// Encodes `text` (cheapest exact encoding `opts.policy` allows, or `opts.encoding`),
/// splits it as `opts.split` says and builds one `submit_sm` per part, from `from` to `to`
/// (addresses as [`SubmitSm::new`] reads them). `reference` is the concatenation reference
/// (e.g. a per-client counter); only its low 8 bits are used for [`Concat::Udh8`].
///
/// # Errors
/// [`SubmitPartsError::Split`] when the text cannot be encoded or split;
/// [`SubmitPartsError::Encode`] when a part's TLVs cannot be encoded.
pub fn submit_parts(
    from: &str,
    to: &str,
    text: &str,
    opts: &SubmitOptions,
    reference: u16,
) -> Result<SubmitParts, SubmitPartsError> {
    let reference = if opts.split == Concat::Udh8 {
        reference & 0xFF
    } else {
        reference
    };
    let so = SplitOptions::new(opts.split, reference);
    let split = match opts.encoding {
        Some(e) => split_encoded(text, e, &so),
        None => split_text(text, &opts.policy, &so),
    }?;
    let mut out = Vec::with_capacity(split.parts.len());
    for part in &split.parts {
        let mut sm = SubmitSm::new(from, to, part.short_message.clone())
            .with_data_coding(DataCoding(part.data_coding))
            .with_registered_delivery(opts.registered_delivery)
            .with_esm_class(EsmClass(0).with_udhi(part.udhi));
        let mut tlvs = Vec::new();
        if let Some(p) = &part.message_payload {
            tlvs.push(Tlv::message_payload(p.clone()));
        }
        if let Some(s) = part.sar {
            tlvs.push(Tlv::u16(TlvTag::SarMsgRefNum, s.reference));
            tlvs.push(Tlv::u8(TlvTag::SarTotalSegments, s.total));
            tlvs.push(Tlv::u8(TlvTag::SarSegmentSeqnum, s.seq));
        }
        if !tlvs.is_empty() {
            sm.tlvs = Tlvs::from_slice(&tlvs)?;
        }
        out.push(sm);
    }
    Ok(SubmitParts {
        encoding: split.encoding,
        data_coding: split.data_coding,
        parts: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udh8_reference_is_masked_and_udhi_set() {
        let p = submit_parts(
            "1",
            "2",
            &"a".repeat(170),
            &SubmitOptions::default(),
            0x1234,
        )
        .unwrap();
        assert_eq!(p.parts.len(), 2);
        for (i, sm) in p.parts.iter().enumerate() {
            assert!(sm.esm_class.udhi());
            assert_eq!(sm.registered_delivery, RegisteredDelivery::FINAL);
            assert_eq!(&sm.short_message[..6], &[5, 0, 3, 0x34, 2, i as u8 + 1]);
        }
    }

    #[test]
    fn sar_and_payload_use_tlvs() {
        let opts = SubmitOptions {
            split: Concat::Sar,
            ..SubmitOptions::default()
        };
        let p = submit_parts("1", "2", &"a".repeat(170), &opts, 0x1234).unwrap();
        assert_eq!(p.parts.len(), 2);
        let sar = p.parts[1].tlvs.sar().unwrap();
        assert_eq!((sar.ref_num, sar.total, sar.seq), (0x1234, 2, 2));
        assert!(!p.parts[1].esm_class.udhi());

        let opts = SubmitOptions {
            split: Concat::Payload,
            encoding: Some(TextEncoding::Ucs2),
            ..SubmitOptions::default()
        };
        let p = submit_parts("1", "2", &"é".repeat(300), &opts, 1).unwrap();
        assert_eq!(p.parts.len(), 1);
        assert!(p.parts[0].short_message.is_empty());
        assert_eq!(p.parts[0].tlvs.message_payload().unwrap().len(), 600);
        assert_eq!(p.data_coding, 8);
    }
}
