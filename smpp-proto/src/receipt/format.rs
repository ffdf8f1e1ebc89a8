//! The strict Appendix B formatter, for servers and simulators.

use std::time::SystemTime;

use super::MessageState;
use super::merge::ErrQuirk;
use crate::time::CivilDateTime;

/// How to write the `id:` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum IdRender {
    /// As given.
    #[default]
    Verbatim,
    /// The given id is hexadecimal (`submit_sm_resp` form); write it in decimal, left padded
    /// with zeros to `min_width` digits (Vonage: 0; classic Logica: 10).
    HexAsDecimal {
        /// Minimum number of digits.
        min_width: u8,
    },
    /// The given id is decimal; write it in lower-case hexadecimal.
    DecimalAsHex,
}

/// How to write the `text:` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TextMode {
    /// `text:` and the first 20 characters of the given text (Appendix B).
    #[default]
    First20,
    /// `text:none` (Vonage).
    None,
    /// `text:` with nothing after it (LINK Mobility).
    Empty,
    /// No `text:` field at all.
    Omit,
}

/// Formatting options (per simulated provider).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormatOptions {
    /// How to write the id.
    pub id: IdRender,
    /// How to write the text field.
    pub text: TextMode,
    /// How to write `err:` ([`ErrQuirk::GatewayApi`] writes 0x107E as `126`).
    pub err_quirk: ErrQuirk,
    /// Dates with seconds (`YYMMDDhhmmss`, 12 digits) instead of `YYMMDDhhmm`.
    pub dates_with_seconds: bool,
    /// Offset from UTC, in quarter hours, of the zone the dates are written in (0: UTC).
    pub offset_quarters: i8,
    /// Write the key as `Text:` (the capital T of the Appendix B template).
    pub capital_text_key: bool,
}

impl Default for FormatOptions {
    fn default() -> Self {
        Self {
            id: IdRender::Verbatim,
            text: TextMode::First20,
            err_quirk: ErrQuirk::None,
            dates_with_seconds: false,
            offset_quarters: 0,
            capital_text_key: false,
        }
    }
}

/// The values of a receipt to format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptFields<'a> {
    /// Message id (interpreted according to [`FormatOptions::id`]).
    pub id: &'a [u8],
    /// Messages submitted (written with at least 3 digits).
    pub sub: u32,
    /// Messages delivered (written with at least 3 digits).
    pub dlvrd: u32,
    /// Submission time (wall clock, passed in).
    pub submit_date: SystemTime,
    /// Time the final (or current) state was reached.
    pub done_date: SystemTime,
    /// The state, written as its Appendix B word ([`MessageState::stat_word`]).
    pub state: MessageState,
    /// The error code (written with at least 3 digits, after [`FormatOptions::err_quirk`]).
    pub err: u32,
    /// The original message text; its first 20 characters are written.
    pub text: &'a [u8],
}

/// Why [`format()`](fn@format) failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The output buffer is too small.
    #[error("output buffer too small")]
    BufferTooSmall,
    /// The id is not a number in the notation [`IdRender`] says.
    #[error("message id is not a number in the configured notation")]
    BadId,
    /// A date falls outside 2000-2099 in the configured zone.
    #[error("date outside 2000-2099")]
    BadDate,
}

struct Out<'b> {
    buf: &'b mut [u8],
    n: usize,
}

impl Out<'_> {
    fn put(&mut self, s: &[u8]) -> Result<(), FormatError> {
        let dst = self
            .buf
            .get_mut(self.n..self.n + s.len())
            .ok_or(FormatError::BufferTooSmall)?;
        dst.copy_from_slice(s);
        self.n += s.len();
        Ok(())
    }

    fn num(&mut self, v: u128, radix: u32, min_width: usize) -> Result<(), FormatError> {
        // u128 division is a library call; almost every value fits a u64.
        match u64::try_from(v) {
            // constant divisors compile to multiplications
            Ok(small) if radix == 10 => self.num64::<10>(small, min_width),
            Ok(small) if radix == 16 => self.num64::<16>(small, min_width),
            _ => {
                let mut tmp = [b'0'; 40];
                let mut i = tmp.len();
                let mut v = v;
                while (v > 0 || tmp.len() - i < min_width.max(1)) && i > 0 {
                    i -= 1;
                    let d = (v % u128::from(radix)) as u8;
                    if let Some(c) = tmp.get_mut(i) {
                        *c = if d < 10 { b'0' + d } else { b'a' + d - 10 };
                    }
                    v /= u128::from(radix);
                }
                self.put(tmp.get(i..).unwrap_or_default())
            }
        }
    }

    fn num64<const RADIX: u64>(&mut self, mut v: u64, min_width: usize) -> Result<(), FormatError> {
        let mut tmp = [b'0'; 24];
        let mut i = tmp.len();
        while (v > 0 || tmp.len() - i < min_width.max(1)) && i > 0 {
            i -= 1;
            let d = (v % RADIX) as u8;
            if let Some(c) = tmp.get_mut(i) {
                *c = if d < 10 { b'0' + d } else { b'a' + d - 10 };
            }
            v /= RADIX;
        }
        self.put(tmp.get(i..).unwrap_or_default())
    }

    fn date(&mut self, t: SystemTime, opts: &FormatOptions) -> Result<(), FormatError> {
        let secs = t
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| FormatError::BadDate)?
            .as_secs();
        let local = i64::try_from(secs).map_err(|_| FormatError::BadDate)?
            + i64::from(opts.offset_quarters) * 900;
        let c = CivilDateTime::from_unix_seconds(local).ok_or(FormatError::BadDate)?;
        if !(2000..=2099).contains(&c.year) {
            return Err(FormatError::BadDate);
        }
        let yy = (c.year % 100) as u8;
        let mut d = [0u8; 12];
        for (slot, v) in d
            .chunks_exact_mut(2)
            .zip([yy, c.month, c.day, c.hour, c.minute, c.second])
        {
            slot.copy_from_slice(&[b'0' + v / 10, b'0' + v % 10]);
        }
        let n = if opts.dates_with_seconds { 12 } else { 10 };
        self.put(d.get(..n).unwrap_or_default())?;
        Ok(())
    }
}

/// The first `n` characters of `text`, counting UTF-8 continuation bytes as part of the
/// character before them (single-byte text is cut at `n` bytes).
fn first_chars(text: &[u8], n: usize) -> &[u8] {
    let mut count = 0;
    for (i, &b) in text.iter().enumerate() {
        if b & 0xC0 != 0x80 {
            if count == n {
                return text.get(..i).unwrap_or(text);
            }
            count += 1;
        }
    }
    text
}

fn parse_num(id: &[u8], radix: u32) -> Option<u128> {
    let id = if radix == 16 {
        id.strip_prefix(b"0x")
            .or_else(|| id.strip_prefix(b"0X"))
            .unwrap_or(id)
    } else {
        id
    };
    if id.is_empty() {
        return None;
    }
    id.iter().try_fold(0u128, |a, &c| {
        a.checked_mul(u128::from(radix))?
            .checked_add(u128::from(char::from(c).to_digit(radix)?))
    })
}

/// Writes a strict Appendix B receipt text into `out` and returns its length.
///
/// Layout: `id:<id> sub:SSS dlvrd:DDD submit date:<date> done date:<date> stat:<word>
/// err:EEE text:<first 20 chars>`, numbers zero padded to 3 digits, dates `YYMMDDhhmm` (or
/// with seconds) in the configured zone.
///
/// # Errors
/// [`FormatError::BufferTooSmall`] (nothing useful is left in `out`), [`FormatError::BadId`]
/// when the id does not convert, [`FormatError::BadDate`] for dates outside 2000-2099.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use smpp_proto::receipt::{format, FormatOptions, MessageState, ReceiptFields};
/// let t = UNIX_EPOCH + Duration::from_secs(1_274_647_140); // 2010-05-23 20:39 UTC
/// let fields = ReceiptFields {
///     id: b"0123456789", sub: 1, dlvrd: 1, submit_date: t,
///     done_date: t + Duration::from_secs(97_200), state: MessageState::Delivered, err: 12,
///     text: b"This is a sample message that I want to have added",
/// };
/// let mut buf = [0u8; 200];
/// let n = format(&fields, &FormatOptions::default(), &mut buf).unwrap();
/// assert_eq!(&buf[..n], &b"id:0123456789 sub:001 dlvrd:001 submit date:1005232039 done date:1005242339 stat:DELIVRD err:012 text:This is a sample mes"[..]);
/// ```
pub fn format(
    fields: &ReceiptFields<'_>,
    opts: &FormatOptions,
    out: &mut [u8],
) -> Result<usize, FormatError> {
    let mut o = Out { buf: out, n: 0 };
    o.put(b"id:")?;
    match opts.id {
        IdRender::Verbatim => o.put(fields.id)?,
        IdRender::HexAsDecimal { min_width } => {
            let v = parse_num(fields.id, 16).ok_or(FormatError::BadId)?;
            o.num(v, 10, usize::from(min_width))?;
        }
        IdRender::DecimalAsHex => {
            let v = parse_num(fields.id, 10).ok_or(FormatError::BadId)?;
            o.num(v, 16, 1)?;
        }
    }
    o.put(b" sub:")?;
    o.num(u128::from(fields.sub), 10, 3)?;
    o.put(b" dlvrd:")?;
    o.num(u128::from(fields.dlvrd), 10, 3)?;
    o.put(b" submit date:")?;
    o.date(fields.submit_date, opts)?;
    o.put(b" done date:")?;
    o.date(fields.done_date, opts)?;
    o.put(b" stat:")?;
    o.put(fields.state.stat_word().as_bytes())?;
    o.put(b" err:")?;
    o.num(u128::from(opts.err_quirk.encode(fields.err)), 10, 3)?;
    let key: &[u8] = if opts.capital_text_key {
        b" Text:"
    } else {
        b" text:"
    };
    match opts.text {
        TextMode::First20 => {
            o.put(key)?;
            o.put(first_chars(fields.text, 20))?;
        }
        TextMode::None => {
            o.put(key)?;
            o.put(b"none")?;
        }
        TextMode::Empty => o.put(key)?,
        TextMode::Omit => {}
    }
    Ok(o.n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::{ErrValue, ParseOutcome, parse};
    use std::time::{Duration, UNIX_EPOCH};

    fn fields(id: &[u8]) -> ReceiptFields<'_> {
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000); // 2023-11-14 22:13:20 UTC
        ReceiptFields {
            id,
            sub: 1,
            dlvrd: 0,
            submit_date: t,
            done_date: t + Duration::from_secs(75),
            state: MessageState::Undeliverable,
            err: 0x107E,
            text: "héllo wörld, this is longer than twenty".as_bytes(),
        }
    }

    fn fmt(f: &ReceiptFields<'_>, o: &FormatOptions) -> String {
        let mut buf = [0u8; 256];
        let n = format(f, o, &mut buf).unwrap();
        String::from_utf8(buf.get(..n).unwrap().to_vec()).unwrap()
    }

    #[test]
    fn provider_options() {
        let vonage = FormatOptions {
            id: IdRender::HexAsDecimal { min_width: 0 },
            text: TextMode::None,
            ..Default::default()
        };
        assert_eq!(
            fmt(&fields(b"33647f6c"), &vonage),
            "id:862224236 sub:001 dlvrd:000 submit date:2311142213 done date:2311142214 stat:UNDELIV err:4222 text:none"
        );
        let gw = FormatOptions {
            err_quirk: ErrQuirk::GatewayApi,
            dates_with_seconds: true,
            ..Default::default()
        };
        assert_eq!(
            fmt(&fields(b"abc"), &gw),
            "id:abc sub:001 dlvrd:000 submit date:231114221320 done date:231114221435 stat:UNDELIV err:126 text:héllo wörld, this is"
        );
        let logica = FormatOptions {
            id: IdRender::HexAsDecimal { min_width: 10 },
            text: TextMode::Omit,
            ..Default::default()
        };
        assert!(fmt(&fields(b"0xC085E0"), &logica).starts_with("id:0012617184 sub:001"));
        assert!(!fmt(&fields(b"0xC085E0"), &logica).contains("text"));
        let hex = FormatOptions {
            id: IdRender::DecimalAsHex,
            text: TextMode::Empty,
            capital_text_key: true,
            ..Default::default()
        };
        let s = fmt(&fields(b"862224236"), &hex);
        assert!(s.starts_with("id:33647f6c "));
        assert!(s.ends_with(" Text:"));
        // UTC+02:00
        let tz = FormatOptions {
            offset_quarters: 8,
            ..Default::default()
        };
        assert!(fmt(&fields(b"1"), &tz).contains("submit date:2311150013"));
    }

    #[test]
    fn errors() {
        let mut small = [0u8; 20];
        assert_eq!(
            format(&fields(b"1"), &FormatOptions::default(), &mut small),
            Err(FormatError::BufferTooSmall)
        );
        let mut buf = [0u8; 256];
        let o = FormatOptions {
            id: IdRender::DecimalAsHex,
            ..Default::default()
        };
        assert_eq!(
            format(&fields(b"12z"), &o, &mut buf),
            Err(FormatError::BadId)
        );
        let mut f = fields(b"1");
        f.submit_date = UNIX_EPOCH;
        assert_eq!(
            format(&f, &FormatOptions::default(), &mut buf),
            Err(FormatError::BadDate)
        );
    }

    #[test]
    fn formatted_text_parses_back() {
        let mut buf = [0u8; 256];
        let n = format(&fields(b"xyz"), &FormatOptions::default(), &mut buf).unwrap();
        let ParseOutcome::Receipt(r) = parse(buf.get(..n).unwrap()) else {
            panic!()
        };
        assert_eq!(r.id, Some(&b"xyz"[..]));
        assert_eq!(r.err.unwrap().value, ErrValue::Decimal(0x107E));
        assert_eq!(r.state(), Some(MessageState::Undeliverable));
        assert_eq!(r.text, Some("héllo wörld, this is".as_bytes()));
    }
}
