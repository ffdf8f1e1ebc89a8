//! `message_payload` (TLV 0x0424, smpp-reference §11.3).

/// Tag of the `message_payload` TLV.
pub const TAG_MESSAGE_PAYLOAD: u16 = 0x0424;

/// Largest value a TLV length can describe.
pub const MAX_PAYLOAD: usize = u16::MAX as usize;

/// Which field carries the user data of a received PDU. Rule (documented choice): a
/// non-empty `message_payload` wins; otherwise `short_message`. (A peer that fills both is
/// non-conformant: 3.4 requires `sm_length` 0 when the payload is used.)
///
/// ```
/// use smpp_proto::segment::payload::user_data;
/// assert_eq!(user_data(b"short", Some(b"long one")), b"long one");
/// assert_eq!(user_data(b"short", Some(b"")), b"short");
/// assert_eq!(user_data(b"short", None), b"short");
/// ```
pub fn user_data<'a>(short_message: &'a [u8], message_payload: Option<&'a [u8]>) -> &'a [u8] {
    match message_payload {
        Some(p) if !p.is_empty() => p,
        _ => short_message,
    }
}
