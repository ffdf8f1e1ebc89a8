//! Field-level readers (nom 8, complete mode, over exactly one frame) and writers.

use bytes::{BufMut, Bytes, BytesMut};
use nom::IResult;
use nom::Parser;
use nom::bytes::complete::take;
use nom::number::complete::{be_u8, be_u32};

use super::tlv::{Scan, Tlvs};
use super::{COctetString, CommandStatus, DecodeError, DecodeErrorKind, EncodeError, Header};

type NomErr<'a> = nom::error::Error<&'a [u8]>;

/// A cursor over the body of one frame. Each read runs a nom parser on the remaining
/// slice; values are zero-copy `Bytes` slices of the frame.
pub(crate) struct Reader<'a> {
    frame: &'a Bytes,
    rest: &'a [u8],
    header: Header,
    pub(crate) lenient: bool,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(frame: &'a Bytes, body: &'a [u8], header: Header, lenient: bool) -> Self {
        Self {
            frame,
            rest: body,
            header,
            lenient,
        }
    }

    pub(crate) fn err(
        &self,
        field: &'static str,
        kind: DecodeErrorKind,
        status: CommandStatus,
    ) -> DecodeError {
        DecodeError::new(Some(self.header), field, kind, status)
    }

    fn truncated(&self, field: &'static str) -> DecodeError {
        self.err(field, DecodeErrorKind::Truncated, CommandStatus::InvCmdLen)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        let r: IResult<&[u8], u8, NomErr<'a>> = be_u8.parse(self.rest);
        let (rest, v) = r.map_err(|_| self.truncated(field))?;
        self.rest = rest;
        Ok(v)
    }

    pub(crate) fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        let r: IResult<&[u8], u32, NomErr<'a>> = be_u32.parse(self.rest);
        let (rest, v) = r.map_err(|_| self.truncated(field))?;
        self.rest = rest;
        Ok(v)
    }

    /// Octet String of `n` octets.
    pub(crate) fn octets(&mut self, field: &'static str, n: usize) -> Result<Bytes, DecodeError> {
        let r: IResult<&[u8], &[u8], NomErr<'a>> = take(n).parse(self.rest);
        let (rest, v) = r.map_err(|_| self.truncated(field))?;
        self.rest = rest;
        Ok(self.frame.slice_ref(v))
    }

    /// C-Octet String of at most `max` octets, NUL included. No NUL before the end of the
    /// body is `Truncated` (ESME_RINVCMDLEN); no NUL within `max` octets while the body
    /// goes on is `TooLong` with the field's own status.
    pub(crate) fn cstr(
        &mut self,
        field: &'static str,
        max: usize,
        status: CommandStatus,
    ) -> Result<COctetString, DecodeError> {
        let window = self.rest.get(..max).unwrap_or(self.rest);
        let Some(nul) = window.iter().position(|&b| b == 0) else {
            return Err(if self.rest.len() < max {
                self.truncated(field)
            } else {
                self.err(field, DecodeErrorKind::TooLong { max }, status)
            });
        };
        let r: IResult<&[u8], &[u8], NomErr<'a>> = take(nul + 1).parse(self.rest);
        let (rest, v) = r.map_err(|_| self.truncated(field))?;
        self.rest = rest;
        let s = v.get(..nul).unwrap_or_default();
        Ok(COctetString::from_bytes(self.frame.slice_ref(s)))
    }

    /// Like [`Reader::cstr`], but an empty remainder reads as the NULL string (peers omit
    /// the only body field of some responses).
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
    pub(crate) fn tlvs(&mut self) -> Result<Tlvs, DecodeError> {
        let area = self.frame.slice_ref(self.rest);
        self.rest = &[];
        match Tlvs::scan(area, self.lenient) {
            Scan::Ok(t) => Ok(t),
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

/// Where encoders write: a counter (for `encoded_len`) or a buffer. One code path does
/// both, so the length computed up front always matches what is written.
pub(crate) trait Sink {
    fn put(&mut self, b: &[u8]);
    fn put_u8(&mut self, v: u8);
    fn put_u32(&mut self, v: u32);
}

/// Counts octets.
#[derive(Default)]
pub(crate) struct Counter(pub(crate) usize);

impl Sink for Counter {
    fn put(&mut self, b: &[u8]) {
        self.0 += b.len();
    }
    fn put_u8(&mut self, _: u8) {
        self.0 += 1;
    }
    fn put_u32(&mut self, _: u32) {
        self.0 += 4;
    }
}

impl Sink for BytesMut {
    fn put(&mut self, b: &[u8]) {
        self.put_slice(b);
    }
    fn put_u8(&mut self, v: u8) {
        BufMut::put_u8(self, v);
    }
    fn put_u32(&mut self, v: u32) {
        BufMut::put_u32(self, v);
    }
}

/// Writes a C-Octet String, checking its maximum (`max` counts the NUL).
pub(crate) fn put_cstr<S: Sink>(
    s: &mut S,
    field: &'static str,
    v: &COctetString,
    max: usize,
) -> Result<(), EncodeError> {
    let b = v.as_bytes();
    if b.len() >= max {
        return Err(EncodeError::FieldTooLong {
            field,
            len: b.len(),
            max,
        });
    }
    if b.contains(&0) {
        return Err(EncodeError::InteriorNul { field });
    }
    s.put(b);
    s.put_u8(0);
    Ok(())
}

/// Writes a one-octet length followed by the octets.
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
