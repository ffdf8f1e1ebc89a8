//! Field-level readers (complete mode, over exactly one frame) and writers.
//!
//! The hot reads (single octets, C-Octet Strings, Octet Strings) are plain slice splits:
//! nom's `take`/`be_u8` did not inline there and cost a call per field. Other reads go
//! through nom 8 parsers.

use bytes::{BufMut, Bytes, BytesMut};
use nom::IResult;
use nom::Parser;
use nom::number::complete::be_u32;

use super::tlv::{Scan, Tlvs};
use super::{COctetString, CommandStatus, DecodeError, DecodeErrorKind, EncodeError, Header};

type NomErr<'a> = nom::error::Error<&'a [u8]>;

/// A cursor over the body of one frame; values are zero-copy `Bytes` slices of the
/// frame.
pub(crate) struct Reader<'a> {
    frame: &'a Bytes,
    rest: &'a [u8],
    /// Offset of `rest` in `frame`.
    off: usize,
    header: Header,
    pub(crate) lenient: bool,
    /// Whether the last [`Reader::tlvs`] area held a `message_payload` (noted during the
    /// validating scan, so that bodies need not scan the TLVs a second time).
    pub(crate) saw_message_payload: bool,
}

impl<'a> Reader<'a> {
    /// A reader over `frame[off..]`.
    pub(crate) fn new(frame: &'a Bytes, off: usize, header: Header, lenient: bool) -> Self {
        Self {
            frame,
            rest: frame.get(off..).unwrap_or_default(),
            off,
            header,
            lenient,
            saw_message_payload: false,
        }
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn err(
        &self,
        field: &'static str,
        kind: DecodeErrorKind,
        status: CommandStatus,
    ) -> DecodeError {
        DecodeError::new(Some(self.header), field, kind, status)
    }

    #[cold]
    #[inline(never)]
    fn truncated(&self, field: &'static str) -> DecodeError {
        self.err(field, DecodeErrorKind::Truncated, CommandStatus::InvCmdLen)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    #[inline(always)]
    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        let Some((&v, rest)) = self.rest.split_first() else {
            return Err(self.truncated(field));
        };
        self.rest = rest;
        self.off += 1;
        Ok(v)
    }

    #[inline]
    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        let r: IResult<&[u8], u32, NomErr<'a>> = be_u32.parse(self.rest);
        let (rest, v) = r.map_err(|_| self.truncated(field))?;
        self.rest = rest;
        self.off += 4;
        Ok(v)
    }

    /// `n` octets of the frame as `Bytes`, advancing past them (the caller checked that
    /// they are there).
    #[inline(always)]
    fn take(&mut self, n: usize) -> Bytes {
        let start = self.off;
        self.off += n;
        self.rest = self.rest.get(n..).unwrap_or_default();
        self.frame.slice(start..start + n)
    }

    /// Octet String of `n` octets.
    #[inline]
    pub(crate) fn octets(&mut self, field: &'static str, n: usize) -> Result<Bytes, DecodeError> {
        if n > self.rest.len() {
            return Err(self.truncated(field));
        }
        Ok(self.take(n))
    }

    /// C-Octet String of at most `max` octets, NUL included. No NUL before the end of the
    /// body is `Truncated` (ESME_RINVCMDLEN); no NUL within `max` octets while the body
    /// goes on is `TooLong` with the field's own status.
    #[inline(always)]
    pub(crate) fn cstr(
        &mut self,
        field: &'static str,
        max: usize,
        status: CommandStatus,
    ) -> Result<COctetString, DecodeError> {
        let window = self.rest.get(..max).unwrap_or(self.rest);
        let Some(nul) = find_nul(window) else {
            return Err(if self.rest.len() < max {
                self.truncated(field)
            } else {
                self.err(field, DecodeErrorKind::TooLong { max }, status)
            });
        };
        if nul == 0 {
            // The NULL string (most optional fields): no slice of the frame to make.
            self.rest = self.rest.get(1..).unwrap_or_default();
            self.off += 1;
            return Ok(COctetString::empty());
        }
        let v = self.take(nul);
        self.rest = self.rest.get(1..).unwrap_or_default();
        self.off += 1;
        Ok(COctetString::from_bytes(v))
    }

    /// Like [`Reader::cstr`], but an empty remainder reads as the NULL string (peers omit
    /// the only body field of some responses).
    #[inline]
    pub(crate) fn cstr_or_end(
        &mut self,
        field: &'static str,
        max: usize,
        status: CommandStatus,
    ) -> Result<COctetString, DecodeError> {
        if self.rest.is_empty() {
            Ok(COctetString::empty())
        } else {
            self.cstr(field, max, status)
        }
    }

    /// Everything left, as TLVs.
    #[inline]
    pub(crate) fn tlvs(&mut self) -> Result<Tlvs, DecodeError> {
        if self.rest.is_empty() {
            // No TLVs (the common case): nothing to slice or scan.
            self.saw_message_payload = false;
            return Ok(Tlvs::new());
        }
        self.tlvs_slow()
    }

    #[inline(never)]
    fn tlvs_slow(&mut self) -> Result<Tlvs, DecodeError> {
        let area = self.take(self.rest.len());
        match Tlvs::scan(area, self.lenient) {
            Scan::Ok(t, saw_message_payload) => {
                self.saw_message_payload = saw_message_payload;
                Ok(t)
            }
            Scan::Stream => Err(self.err(
                "tlv stream",
                DecodeErrorKind::TlvStream,
                CommandStatus::InvOptParStream,
            )),
            Scan::Length { tag, len } => Err(self.err(
                "tlv length",
                DecodeErrorKind::TlvLength { tag, len },
                CommandStatus::InvParLen,
            )),
        }
    }
}

/// Where encoders write: a counter (for `encoded_len`, and the validating first pass of
/// `encode`) or the output buffer (reserved to the counted size). One code path does both, so the length
/// computed up front always matches what is written.
pub(crate) trait Sink {
    /// Whether field limits are checked while writing to this sink. The counting pass
    /// checks them; the writing pass, which only runs after a counting pass succeeded,
    /// does not check them again.
    const CHECK: bool;
    fn put(&mut self, b: &[u8]);
    fn put_u8(&mut self, v: u8);
    fn put_u32(&mut self, v: u32);
}

/// Counts octets.
#[derive(Default)]
pub(crate) struct Counter(pub(crate) usize);

impl Sink for Counter {
    const CHECK: bool = true;
    #[inline]
    fn put(&mut self, b: &[u8]) {
        self.0 += b.len();
    }
    #[inline]
    fn put_u8(&mut self, _: u8) {
        self.0 += 1;
    }
    #[inline]
    fn put_u32(&mut self, _: u32) {
        self.0 += 4;
    }
}

impl Sink for BytesMut {
    const CHECK: bool = false;
    #[inline]
    fn put(&mut self, b: &[u8]) {
        // Empty TLV areas are the common case: skip the call to `memcpy`.
        if !b.is_empty() {
            self.extend_from_slice(b);
        }
    }
    #[inline]
    fn put_u8(&mut self, v: u8) {
        BufMut::put_u8(self, v);
    }
    #[inline]
    fn put_u32(&mut self, v: u32) {
        self.extend_from_slice(&v.to_be_bytes());
    }
}

/// The output buffer, checking field limits while writing: the single pass of
/// [`Pdu::encode`](super::Pdu::encode) (on error the caller truncates what was written).
pub(crate) struct Checked<'a>(pub(crate) &'a mut BytesMut);

impl Sink for Checked<'_> {
    const CHECK: bool = true;
    #[inline]
    fn put(&mut self, b: &[u8]) {
        Sink::put(self.0, b);
    }
    #[inline]
    fn put_u8(&mut self, v: u8) {
        Sink::put_u8(self.0, v);
    }
    #[inline]
    fn put_u32(&mut self, v: u32) {
        Sink::put_u32(self.0, v);
    }
}

/// Whether `b` contains a NUL, eight octets at a time (the fields are short: the call to
/// `memchr` behind `<[u8]>::contains` cost more than the search).
#[inline]
fn has_nul(b: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_ne_bytes(w);
        if x.wrapping_sub(LO) & !x & HI != 0 {
            return true;
        }
    }
    // A plain loop: `contains` would call `memchr` for these few octets.
    #[allow(clippy::manual_contains, reason = "contains calls memchr, slower here")]
    let found = chunks.remainder().iter().any(|&c| c == 0);
    found
}

/// The position of the first NUL in `b`, eight octets at a time (`iter().position`
/// tested one octet per iteration; addresses and message ids are 10-20 octets).
#[inline(always)]
fn find_nul(b: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut chunks = b.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w);
        // The lowest flagged octet is always a zero one (a borrow only flags octets
        // above a zero), so its index is the first NUL's.
        let z = x.wrapping_sub(LO) & !x & HI;
        if z != 0 {
            return Some(base + (z.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| c == 0)
        .map(|i| base + i)
}

/// Writes a C-Octet String, checking its maximum (`max` counts the NUL).
#[inline]
pub(crate) fn put_cstr<S: Sink>(
    s: &mut S,
    field: &'static str,
    v: &COctetString,
    max: usize,
) -> Result<(), EncodeError> {
    let b = v.as_bytes();
    if S::CHECK {
        if b.len() >= max {
            return Err(EncodeError::FieldTooLong {
                field,
                len: b.len(),
                max,
            });
        }
        if has_nul(b) {
            return Err(EncodeError::InteriorNul { field });
        }
    }
    s.put(b);
    s.put_u8(0);
    Ok(())
}

/// Writes a one-octet length followed by the octets.
#[inline]
pub(crate) fn put_sm<S: Sink>(s: &mut S, field: &'static str, v: &[u8]) -> Result<(), EncodeError> {
    let len = u8::try_from(v.len()).map_err(|_| EncodeError::TooMany {
        field,
        len: v.len(),
        max: 255,
    })?;
    s.put_u8(len);
    s.put(v);
    Ok(())
}

impl Reader<'_> {
    pub(crate) fn remaining(&self) -> usize {
        self.rest.len()
    }
}

#[cfg(test)]
mod tests {
    use super::{find_nul, has_nul};

    #[test]
    fn find_nul_matches_position() {
        for len in 0..40usize {
            let clean: Vec<u8> = (0..len).map(|i| (i % 255) as u8 + 1).collect();
            assert_eq!(find_nul(&clean), None, "len {len}");
            for fill in [0x01u8, 0x80, 0xFF] {
                for at in 0..len {
                    for second in [None, Some(at + 1), Some(len.saturating_sub(1))] {
                        let mut v = vec![fill; len];
                        v[at] = 0;
                        if let Some(j) = second.filter(|&j| j < len) {
                            v[j] = 0;
                        }
                        assert_eq!(find_nul(&v), v.iter().position(|&c| c == 0), "{v:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn has_nul_matches_contains() {
        for len in 0..40usize {
            let clean: Vec<u8> = (0..len).map(|i| (i % 255) as u8 + 1).collect();
            assert!(!has_nul(&clean), "len {len}");
            let high = vec![0x80u8; len];
            assert!(!has_nul(&high), "len {len} high");
            for at in 0..len {
                let mut v = clean.clone();
                v[at] = 0;
                assert_eq!(has_nul(&v), v.contains(&0), "len {len} at {at}");
                let mut h = high.clone();
                h[at] = 0;
                assert!(has_nul(&h), "len {len} at {at} high");
            }
        }
    }
}
