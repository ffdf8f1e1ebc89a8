//! Single-pass splitting: the text is encoded straight into the output buffer, part by part,
//! with a gap before each part for its header (filled in at the end, when the number of parts
//! is known). Part boundaries come from the per-character unit costs, so an escape pair or a
//! surrogate pair is never split.

use bytes::{BufMut, Bytes, BytesMut};

use super::{Concat, Part, SarInfo, Split, SplitError, SplitOptions, payload, udh};
use crate::text::{self, ShiftTables, TextEncoding, TextError, gsm7, septets, ucs2};

/// Most parts a concatenated message can have.
const MAX_PARTS: usize = 255;

/// Longest UDH this module writes: UDHL + 16-bit concatenation IE + two shift IEs.
const MAX_UDH: usize = 1 + 6 + 3 + 3;

/// Output buffer of a split in progress.
pub(super) struct PartWriter {
    buf: BytesMut,
    /// Header gap before each part of a multi-part message.
    hdr: usize,
    /// Units per part of a multi-part message.
    cap: usize,
    /// Units in the current part.
    used: usize,
    /// Units written in all.
    units: usize,
    /// Parts started.
    parts: usize,
    /// Byte offset where each part (its header gap) starts. The first 255 parts end well
    /// below 4 GiB (at most 13 + 160 octets each), so 32 bits hold every offset recorded.
    starts: [u32; MAX_PARTS],
}

impl PartWriter {
    /// A writer for `encoding` split with `opts`, writing into `buf` (cleared), reserved for
    /// about `units_hint` units of `unit_bytes` octets.
    pub(super) fn new(
        encoding: TextEncoding,
        opts: &SplitOptions,
        unit_bytes: usize,
        units_hint: usize,
        mut buf: BytesMut,
    ) -> Self {
        let tables = encoding.tables();
        let (hdr, cap) = match opts.method {
            Concat::Udh8 | Concat::Udh16 => {
                let udh = text::udh_len_for(concat_ie(opts.method), &tables);
                (udh, text::capacity(encoding, udh))
            }
            Concat::Sar => (
                text::udh_len_for(0, &tables),
                text::capacity(encoding, text::udh_len_for(5, &ShiftTables::NONE)),
            ),
            Concat::Payload => (0, usize::MAX),
        };
        let cap = cap.max(2);
        // Parts of at least 127 octets (140 minus the longest UDH): the same reservation for
        // a GSM attempt and its UCS-2 fallback, so the fallback reuses the buffer as is.
        let parts_hint = units_hint * unit_bytes / (text::SMS_OCTETS - MAX_UDH) + 1;
        buf.clear();
        buf.reserve(units_hint * unit_bytes + parts_hint * hdr);
        buf.put_bytes(0, hdr);
        Self {
            buf,
            hdr,
            cap,
            used: 0,
            units: 0,
            parts: 1,
            starts: [0; MAX_PARTS],
        }
    }

    /// The buffer, for another attempt.
    pub(super) fn into_buffer(self) -> BytesMut {
        self.buf
    }

    /// Units that still fit in the current part.
    #[inline]
    pub(super) fn room(&self) -> usize {
        self.cap - self.used
    }

    /// Append `bytes` holding `units` units (which must fit: see [`room`](Self::room)).
    #[inline]
    pub(super) fn put(&mut self, bytes: &[u8], units: usize) {
        self.buf.put_slice(bytes);
        self.used += units;
        self.units += units;
    }

    /// Append one character of `units` units, starting a new part first if it does not fit.
    #[inline]
    pub(super) fn put_char(&mut self, bytes: &[u8], units: usize) {
        if self.used + units > self.cap {
            self.new_part();
        }
        self.put(bytes, units);
    }

    /// Start a new part.
    #[cold]
    pub(super) fn new_part(&mut self) {
        if let Some(s) = self.starts.get_mut(self.parts) {
            *s = u32::try_from(self.buf.len()).unwrap_or(u32::MAX);
        }
        self.parts += 1;
        self.buf.put_bytes(0, self.hdr);
        self.used = 0;
    }

    /// Append binary data of one octet per unit, splitting it anywhere.
    pub(super) fn put_octets(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.room() == 0 {
                self.new_part();
            }
            let (now, rest) = data.split_at(self.room().min(data.len()));
            self.put(now, now.len());
            data = rest;
        }
    }

    /// Byte range (gap included) of part `i`.
    fn range(&self, i: usize) -> (usize, usize) {
        let at = |i: usize| self.starts.get(i).map(|&s| s as usize);
        let start = at(i).unwrap_or(0);
        let end = if i + 1 < self.parts {
            at(i + 1).unwrap_or(start)
        } else {
            self.buf.len()
        };
        (start, end)
    }

    /// Lay out the headers, pack if asked, and cut the buffer into parts.
    pub(super) fn finish(
        mut self,
        encoding: TextEncoding,
        data_coding: u8,
        packed: bool,
        opts: &SplitOptions,
    ) -> Result<Split, SplitError> {
        let tables = encoding.tables();
        if opts.method == Concat::Payload {
            let mut data = self.buf;
            if packed {
                let n = data.len();
                let need = septets::packed_len(n, 0).max(n);
                data.resize(need, 0);
                let w = septets::pack_area(&mut data, n, 0);
                data.truncate(w);
            }
            if data.len() > payload::MAX_PAYLOAD {
                return Err(SplitError::PayloadTooLarge(data.len()));
            }
            return Ok(Split {
                encoding,
                data_coding,
                parts: vec![Part {
                    short_message: Bytes::new(),
                    message_payload: Some(data.freeze()),
                    udhi: false,
                    data_coding,
                    sar: None,
                }],
            });
        }
        let single_udh = text::udh_len_for(0, &tables);
        if self.units <= text::capacity(encoding, single_udh) {
            // One message: drop the concatenation gaps, keep only the shift IEs.
            let mut w = single_udh;
            for i in 0..self.parts {
                let (start, end) = self.range(i);
                let from = (start + self.hdr).min(end);
                self.buf.copy_within(from..end, w);
                w += end - from;
            }
            self.buf.truncate(w);
            let mut header = [0u8; MAX_UDH];
            let h = write_udh(&mut header, single_udh, None, &tables);
            if let (Some(dst), Some(src)) = (self.buf.get_mut(..h), header.get(..h)) {
                dst.copy_from_slice(src);
            }
            let mut part = self.buf;
            if packed {
                pack_part(&mut part, single_udh);
            }
            return Ok(Split {
                encoding,
                data_coding,
                parts: vec![Part {
                    short_message: part.freeze(),
                    message_payload: None,
                    udhi: single_udh > 0,
                    data_coding,
                    sar: None,
                }],
            });
        }
        if self.parts > MAX_PARTS {
            return Err(SplitError::TooManyParts(self.parts));
        }
        let total = u8::try_from(self.parts).unwrap_or(u8::MAX);
        let mut header = [0u8; MAX_UDH];
        for (i, seq) in (0..self.parts).zip(1..=total) {
            let (start, _) = self.range(i);
            let concat = match opts.method {
                Concat::Udh8 | Concat::Udh16 => Some((opts.method, opts.reference, total, seq)),
                Concat::Sar | Concat::Payload => None,
            };
            let h = write_udh(&mut header, self.hdr, concat, &tables);
            if let (Some(dst), Some(src)) = (self.buf.get_mut(start..start + h), header.get(..h)) {
                dst.copy_from_slice(src);
            }
        }
        let mut parts = Vec::with_capacity(self.parts);
        let part = |short_message: Bytes, seq: u8| Part {
            short_message,
            message_payload: None,
            udhi: self.hdr > 0,
            data_coding,
            sar: (opts.method == Concat::Sar).then_some(SarInfo {
                reference: opts.reference,
                total,
                seq,
            }),
        };
        if packed {
            let mut buf = std::mem::take(&mut self.buf);
            for (i, seq) in (0..self.parts).zip(1..=total) {
                // Non-final ranges come from `starts`; the final part is what is left.
                let len = if i + 1 < self.parts {
                    let (start, end) = self.range(i);
                    end - start
                } else {
                    buf.len()
                };
                let mut bytes = buf.split_to(len);
                pack_part(&mut bytes, self.hdr);
                parts.push(part(bytes.freeze(), seq));
            }
        } else {
            // One shared buffer, cut into slices.
            let all = std::mem::take(&mut self.buf).freeze();
            for (i, seq) in (0..self.parts).zip(1..=total) {
                let (start, end) = self.range(i);
                // (`range` sees the taken, empty buffer: the final part ends at the end.)
                let end = if i + 1 < self.parts { end } else { all.len() };
                let end = end.min(all.len());
                parts.push(part(all.slice(start.min(end)..end), seq));
            }
        }
        Ok(Split {
            encoding,
            data_coding,
            parts,
        })
    }
}

/// Pack the septets after a `udh`-octet header in place.
fn pack_part(part: &mut BytesMut, udh: usize) {
    let fill = septets::fill_bits(udh);
    let n = part.len().saturating_sub(udh);
    let need = udh + septets::packed_len(n, fill).max(n);
    if need > part.len() {
        part.resize(need, 0);
    }
    let w = part
        .get_mut(udh..)
        .map_or(0, |area| septets::pack_area(area, n, fill));
    part.truncate(udh + w);
}

/// Concatenation IE length of a UDH method.
fn concat_ie(method: Concat) -> usize {
    match method {
        Concat::Udh8 => 5,
        Concat::Udh16 => 6,
        Concat::Sar | Concat::Payload => 0,
    }
}

/// Write a UDH of `len` octets (0 = none) into `out`; returns `len`.
fn write_udh(
    out: &mut [u8; MAX_UDH],
    len: usize,
    concat: Option<(Concat, u16, u8, u8)>,
    tables: &ShiftTables,
) -> usize {
    if len == 0 {
        return 0;
    }
    let mut v = [0u8; MAX_UDH];
    let mut n = 0usize;
    let mut push = |bytes: &[u8]| {
        if let Some(dst) = v.get_mut(n..n + bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        n += bytes.len();
    };
    push(&[u8::try_from(len - 1).unwrap_or(0)]);
    match concat {
        Some((Concat::Udh8, reference, total, seq)) => {
            push(&[udh::IEI_CONCAT_8, 3, reference as u8, total, seq]);
        }
        Some((Concat::Udh16, reference, total, seq)) => {
            let [r0, r1] = reference.to_be_bytes();
            push(&[udh::IEI_CONCAT_16, 4, r0, r1, total, seq]);
        }
        _ => {}
    }
    if let Some(l) = tables.locking {
        push(&[udh::IEI_LOCKING_SHIFT, 1, l.id()]);
    }
    if let Some(s) = tables.single {
        push(&[udh::IEI_SINGLE_SHIFT, 1, s.id()]);
    }
    *out = v;
    n.min(len)
}

/// Encode `text` strictly in `encoding` into `w`.
pub(super) fn write_text(
    text: &str,
    encoding: TextEncoding,
    w: &mut PartWriter,
) -> Result<(), TextError> {
    match encoding {
        TextEncoding::Gsm7(tables) => write_gsm7(text, &tables, w),
        TextEncoding::Ucs2 => {
            write_ucs2(text, w);
            Ok(())
        }
        TextEncoding::Latin1 => write_latin1(text, w),
    }
}

fn write_gsm7(text: &str, tables: &ShiftTables, w: &mut PartWriter) -> Result<(), TextError> {
    let r = gsm7::Resolved::new(tables);
    let fast = r.default_main();
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    while pos < bytes.len() {
        if fast {
            let rest = bytes.get(pos..).unwrap_or_default();
            let room = rest.get(..w.room()).unwrap_or(rest);
            let run = gsm7::identity_run(room);
            if run > 0 {
                w.put(room.get(..run).unwrap_or_default(), run);
                pos += run;
                continue;
            }
            if let Some(s) = bytes.get(pos).and_then(|&b| gsm7::ascii_septet(b)) {
                w.put_char(&[s], 1);
                pos += 1;
                continue;
            }
        }
        let Some(c) = text.get(pos..).and_then(|s| s.chars().next()) else {
            break;
        };
        match r.encode_char(c) {
            Some((s, None)) => w.put_char(&[s], 1),
            Some((s, Some(e))) => w.put_char(&[s, e], 2),
            None => return Err(TextError::Unrepresentable { ch: c, index: pos }),
        }
        pos += c.len_utf8();
    }
    Ok(())
}

/// UTF-16 units [`write_ucs2`] encodes per step (a part holds at most 70).
const UCS2_STEP: usize = 128;

fn write_ucs2(text: &str, w: &mut PartWriter) {
    let mut src = text.as_bytes();
    let mut tmp = [0u8; 2 * UCS2_STEP];
    while !src.is_empty() {
        let (used, units, need) = ucs2::encode_some(src, &mut tmp, w.room().min(UCS2_STEP));
        w.put(tmp.get(..2 * units).unwrap_or_default(), units);
        src = src.get(used..).unwrap_or_default();
        if need > w.room() {
            w.new_part();
        }
    }
}

fn write_latin1(text: &str, w: &mut PartWriter) -> Result<(), TextError> {
    for (index, c) in text.char_indices() {
        match u8::try_from(u32::from(c)) {
            Ok(b) => w.put_char(&[b], 1),
            Err(_) => return Err(TextError::Unrepresentable { ch: c, index }),
        }
    }
    Ok(())
}
