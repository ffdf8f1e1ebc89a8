//! GSM 03.38 / TS 23.038 7-bit default alphabet, its extension table and the national
//! language shift tables.
//!
//! The functions here work on *unpacked* septets (one per octet, SMPP's usual form for
//! `data_coding` 0x00); [`encode_packed`] and [`decode_packed`] combine them with
//! `septets` packing.
//!
//! ```
//! use smpp_proto::text::{gsm7, Strictness};
//! let mut septets = Vec::new();
//! gsm7::encode("Price: 5€", &gsm7::ShiftTables::NONE, Strictness::Strict, &mut septets).unwrap();
//! assert_eq!(septets, b"Price: 5\x1b\x65");
//! let mut text = String::new();
//! gsm7::decode(&septets, &gsm7::ShiftTables::NONE, Strictness::Strict, &mut text).unwrap();
//! assert_eq!(text, "Price: 5€");
//! ```

use super::{DecodeReport, EncodeReport, Strictness, TextError, septets, shift_tables};

/// The escape septet: the next septet is read from the (single shift) extension table.
pub const ESC: u8 = 0x1B;

/// A 128-entry septet table: `chars[septet]` is a UTF-16 code unit, `0` = unassigned.
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) chars: [u16; 128],
    /// `(code unit, septet)` sorted by code unit.
    pub(crate) rev: &'static [(u16, u8)],
}

impl Table {
    #[inline]
    fn find(&self, c: char) -> Option<u8> {
        let c = u16::try_from(u32::from(c)).ok()?;
        self.rev
            .binary_search_by_key(&c, |&(u, _)| u)
            .ok()
            .and_then(|i| self.rev.get(i))
            .map(|&(_, s)| s)
    }
}

/// The default alphabet (smpp-reference §10.1), septet -> UTF-16 code unit. 0x1B (escape) is 0.
pub(crate) const DEFAULT_CHARS: [u16; 128] = [
    0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, // 0x00
    0x00F2, 0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5, // 0x08
    0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, // 0x10
    0x03A3, 0x0398, 0x039E, 0x0000, 0x00C6, 0x00E6, 0x00DF, 0x00C9, // 0x18
    0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027, // 0x20
    0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F, // 0x28
    0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, // 0x30
    0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F, // 0x38
    0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047, // 0x40
    0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F, // 0x48
    0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057, // 0x50
    0x0058, 0x0059, 0x005A, 0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7, // 0x58
    0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, // 0x60
    0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F, // 0x68
    0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077, // 0x70
    0x0078, 0x0079, 0x007A, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0, // 0x78
];

/// The default extension table (smpp-reference §10.2) as `(septet after ESC, char)`.
pub(crate) const DEFAULT_EXT: [(u8, char); 10] = [
    (0x0A, '\u{000C}'),
    (0x14, '^'),
    (0x28, '{'),
    (0x29, '}'),
    (0x2F, '\\'),
    (0x3C, '['),
    (0x3D, '~'),
    (0x3E, ']'),
    (0x40, '|'),
    (0x65, '€'),
];

/// The default extension table by septet (0 = not in the table).
static DEFAULT_EXT_CHARS: [u16; 128] = build_default_ext_chars();

#[allow(clippy::indexing_slicing)] // evaluated at compile time; codes are < 128
const fn build_default_ext_chars() -> [u16; 128] {
    let mut t = [0u16; 128];
    let mut i = 0;
    while i < DEFAULT_EXT.len() {
        let (code, ch) = DEFAULT_EXT[i];
        t[code as usize] = ch as u16;
        i += 1;
    }
    t
}

/// Marker in [`ASCII_ENC`]: no code.
const NONE: u8 = 0xFF;
/// Flag in [`ASCII_ENC`]: the low 7 bits are an extension code (ESC + code).
const EXT: u8 = 0x80;

/// ASCII byte -> septet (or `EXT | ext code`, or [`NONE`]) for the default tables.
static ASCII_ENC: [u8; 128] = build_ascii_enc();

#[allow(clippy::indexing_slicing)] // evaluated at compile time; indices are < 128
const fn build_ascii_enc() -> [u8; 128] {
    let mut t = [NONE; 128];
    let mut s = 0;
    while s < 128 {
        let c = DEFAULT_CHARS[s];
        if c < 128 && s != 0x1B {
            t[c as usize] = s as u8;
        }
        s += 1;
    }
    let mut i = 0;
    while i < DEFAULT_EXT.len() {
        let (code, ch) = DEFAULT_EXT[i];
        if (ch as u32) < 128 {
            t[ch as usize] = EXT | code;
        }
        i += 1;
    }
    t
}

/// Byte -> septet for the default alphabet when the byte is an ASCII character with a
/// single-septet code; every other byte (extension characters, unmapped ASCII, UTF-8 lead and
/// continuation bytes) has the high bit set.
static ENC_FAST: [u8; 256] = build_enc_fast();

/// Septet -> ASCII byte when the default alphabet maps the septet to an ASCII character;
/// every other value (ESC, non-ASCII characters, octets >= 0x80) has the high bit set.
static DEC_FAST: [u8; 256] = build_dec_fast();

#[allow(clippy::indexing_slicing)] // evaluated at compile time; indices are < 256
const fn build_enc_fast() -> [u8; 256] {
    let mut t = [NONE; 256];
    let mut b = 0;
    while b < 128 {
        let v = ASCII_ENC[b];
        if v & EXT == 0 {
            t[b] = v;
        }
        b += 1;
    }
    t
}

#[allow(clippy::indexing_slicing)] // evaluated at compile time; indices are < 256
const fn build_dec_fast() -> [u8; 256] {
    let mut t = [NONE; 256];
    let mut s = 0;
    while s < 128 {
        let c = DEFAULT_CHARS[s];
        if c != 0 && c < 128 && s != 0x1B {
            t[s] = c as u8;
        }
        s += 1;
    }
    t
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = LO * 0x80;

/// SWAR: the high bit of each byte of `x` is set when that byte is *not* an "identity" byte
/// (an ASCII character whose default-alphabet septet has the same value; equivalently a
/// septet that decodes to the ASCII character of the same value). The non-identity bytes
/// are: >= 0x80, controls (< 0x20, including LF and CR, which take the slow path), '$', '@',
/// 0x5B..=0x60 and 0x7B..=0x7F.
///
/// By bit 6: in 0x40..=0x7F the odd ones are those whose low 5 bits are 0 ('@', '`') or at
/// least 0x1B (0x5B..=0x5F, 0x7B..=0x7F); in 0x00..=0x3F those with bit 5 clear (controls)
/// and '$' (low 5 bits 4 with bit 5 set). No sum below carries out of its byte.
#[inline(always)]
fn non_identity(x: u64) -> u64 {
    let b6 = (x << 1) & HI;
    let b5 = (x << 2) & HI;
    let low5 = x & (0x1F * LO);
    let low5_nonzero = (low5 + 0x7F * LO) & HI;
    let low5_ge_1b = (low5 + (0x80 - 0x1B) * LO) & HI;
    let low5_ne_4 = ((low5 ^ (0x04 * LO)) + 0x7F * LO) & HI;
    let upper = (low5_nonzero ^ HI) | low5_ge_1b;
    let lower = HI ^ (b5 & low5_ne_4);
    (x & HI) | (b6 & upper) | ((b6 ^ HI) & lower)
}

/// Length of the leading run of identity bytes of `bytes` (see [`non_identity`]): they are
/// copied unchanged when encoding to, or decoding from, the default alphabet.
#[inline]
pub(crate) fn identity_run(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(8);
    let mut n = 0usize;
    for c in chunks.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let m = non_identity(u64::from_le_bytes(w));
        if m != 0 {
            return n + (m.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    let rest = chunks.remainder();
    let mut w = [b'a'; 8];
    if let Some(dst) = w.get_mut(..rest.len()) {
        dst.copy_from_slice(rest);
    }
    let m = non_identity(u64::from_le_bytes(w));
    n + ((m.trailing_zeros() / 8) as usize).min(rest.len())
}

/// Replace, in place, the leading septets of `septets` that the default main table decodes
/// to one ASCII character by that character; returns how many there are.
#[inline]
fn ascii_run_in_place(septets: &mut [u8]) -> usize {
    /// Maps the word in `chunk` (`w`, padded with identity bytes); the run length within it.
    #[inline(always)]
    fn word(chunk: &mut [u8], w: u64) -> usize {
        let mut odd = non_identity(w);
        while odd != 0 {
            let j = (odd.trailing_zeros() / 8) as usize;
            let Some(b) = chunk.get_mut(j) else { break };
            match septet_ascii(*b) {
                Some(c) => *b = c,
                None => return j,
            }
            odd &= odd - 1;
        }
        chunk.len()
    }
    let mut n = 0usize;
    let mut chunks = septets.chunks_exact_mut(8);
    for chunk in chunks.by_ref() {
        let w = <[u8; 8]>::try_from(&*chunk).map_or(0, u64::from_le_bytes);
        let run = word(chunk, w);
        n += run;
        if run < 8 {
            return n;
        }
    }
    let rest = chunks.into_remainder();
    let mut w = [b'a'; 8];
    if let Some(dst) = w.get_mut(..rest.len()) {
        dst.copy_from_slice(rest);
    }
    n + word(rest, u64::from_le_bytes(w))
}

/// Default main table: the single septet of an ASCII byte, if it has one.
#[inline]
pub(crate) fn ascii_septet(b: u8) -> Option<u8> {
    let v = ENC_FAST.get(usize::from(b)).copied().unwrap_or(NONE);
    (v & 0x80 == 0).then_some(v)
}

/// Default main table: the ASCII character of a septet, if it is one.
#[inline]
fn septet_ascii(s: u8) -> Option<u8> {
    let v = DEC_FAST.get(usize::from(s)).copied().unwrap_or(NONE);
    (v & 0x80 == 0).then_some(v)
}

/// Default alphabet: the septet for a non-ASCII character.
#[inline]
fn default_non_ascii(c: char) -> Option<u8> {
    Some(match c {
        '£' => 0x01,
        '¥' => 0x03,
        'è' => 0x04,
        'é' => 0x05,
        'ù' => 0x06,
        'ì' => 0x07,
        'ò' => 0x08,
        'Ç' => 0x09,
        'Ø' => 0x0B,
        'ø' => 0x0C,
        'Å' => 0x0E,
        'å' => 0x0F,
        'Δ' => 0x10,
        'Φ' => 0x12,
        'Γ' => 0x13,
        'Λ' => 0x14,
        'Ω' => 0x15,
        'Π' => 0x16,
        'Ψ' => 0x17,
        'Σ' => 0x18,
        'Θ' => 0x19,
        'Ξ' => 0x1A,
        'Æ' => 0x1C,
        'æ' => 0x1D,
        'ß' => 0x1E,
        'É' => 0x1F,
        '¤' => 0x24,
        '¡' => 0x40,
        'Ä' => 0x5B,
        'Ö' => 0x5C,
        'Ñ' => 0x5D,
        'Ü' => 0x5E,
        '§' => 0x5F,
        '¿' => 0x60,
        'ä' => 0x7B,
        'ö' => 0x7C,
        'ñ' => 0x7D,
        'ü' => 0x7E,
        'à' => 0x7F,
        _ => return None,
    })
}

/// A national language of TS 23.038 §6.2.1.2.4 (the IED of UDH IEs 0x24 / 0x25).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the variant names are the languages
pub enum NationalLanguage {
    Turkish = 1,
    Spanish = 2,
    Portuguese = 3,
    Bengali = 4,
    Gujarati = 5,
    Hindi = 6,
    Kannada = 7,
    Malayalam = 8,
    Oriya = 9,
    Punjabi = 10,
    Tamil = 11,
    Telugu = 12,
    Urdu = 13,
}

impl NationalLanguage {
    /// All languages, by id.
    pub const ALL: [Self; 13] = [
        Self::Turkish,
        Self::Spanish,
        Self::Portuguese,
        Self::Bengali,
        Self::Gujarati,
        Self::Hindi,
        Self::Kannada,
        Self::Malayalam,
        Self::Oriya,
        Self::Punjabi,
        Self::Tamil,
        Self::Telugu,
        Self::Urdu,
    ];

    /// The language for an IE's language id (1..=13); other ids select nothing.
    pub fn from_id(id: u8) -> Option<Self> {
        Self::ALL.get(usize::from(id).checked_sub(1)?).copied()
    }

    /// The language id carried in the UDH IE.
    pub fn id(self) -> u8 {
        self as u8
    }

    /// Whether TS 23.038 defines a locking shift table (every language but Spanish).
    pub fn has_locking(self) -> bool {
        shift_tables::locking(self).is_some()
    }
}

/// The active tables: an optional national locking shift table (replacing the default
/// alphabet) and an optional national single shift table (replacing the extension table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ShiftTables {
    /// Language of the locking shift table (UDH IE 0x25), if any.
    pub locking: Option<NationalLanguage>,
    /// Language of the single shift table (UDH IE 0x24), if any.
    pub single: Option<NationalLanguage>,
}

impl ShiftTables {
    /// Default alphabet and default extension table.
    pub const NONE: Self = Self {
        locking: None,
        single: None,
    };

    /// Tables from the language ids found in UDH IEs 0x25 (locking) and 0x24 (single).
    /// Unknown ids, and Spanish as a locking table, select nothing (gsm-shift-tables.md).
    pub fn from_ids(locking: Option<u8>, single: Option<u8>) -> Self {
        Self {
            locking: locking
                .and_then(NationalLanguage::from_id)
                .filter(|l| l.has_locking()),
            single: single.and_then(NationalLanguage::from_id),
        }
    }

    /// No national table in use.
    pub fn is_default(&self) -> bool {
        self.locking.is_none() && self.single.is_none()
    }

    /// Number of UDH IEs (3 octets each) these tables need.
    pub fn ie_count(&self) -> usize {
        usize::from(self.locking.is_some()) + usize::from(self.single.is_some())
    }

    fn locking_table(&self) -> Option<&'static Table> {
        self.locking.and_then(shift_tables::locking)
    }

    fn single_table(&self) -> Option<&'static Table> {
        self.single.and_then(shift_tables::single)
    }
}

/// Resolved tables for one encode/decode call.
#[derive(Clone, Copy)]
pub(crate) struct Resolved {
    locking: Option<&'static Table>,
    single: Option<&'static Table>,
}

impl Resolved {
    pub(crate) fn new(t: &ShiftTables) -> Self {
        Self {
            locking: t.locking_table(),
            single: t.single_table(),
        }
    }

    /// Whether the main table is the default alphabet (the fast ASCII paths apply).
    #[inline]
    pub(crate) fn default_main(&self) -> bool {
        self.locking.is_none()
    }

    /// Septets for `c`: `(first, Some(second))` for an escape pair.
    #[inline]
    pub(crate) fn encode_char(&self, c: char) -> Option<(u8, Option<u8>)> {
        let main = match self.locking {
            None => {
                if c.is_ascii() {
                    let v = ASCII_ENC.get(c as usize).copied().unwrap_or(NONE);
                    if v & EXT == 0 {
                        return Some((v, None));
                    }
                    None
                } else {
                    default_non_ascii(c)
                }
            }
            Some(t) => t.find(c),
        };
        if let Some(s) = main {
            return Some((s, None));
        }
        let ext = match self.single {
            None => DEFAULT_EXT
                .iter()
                .find(|&&(_, ch)| ch == c)
                .map(|&(s, _)| s),
            Some(t) => t.find(c),
        };
        match ext {
            Some(s) => Some((ESC, Some(s))),
            // 'ç' has no exact code in the default alphabet: 0x09 ('Ç') stands for both.
            None if c == 'ç' && self.locking.is_none() => Some((0x09, None)),
            None => None,
        }
    }

    #[inline]
    fn main_char(&self, s: u8) -> Option<char> {
        let u = match self.locking {
            None => DEFAULT_CHARS.get(usize::from(s)).copied(),
            Some(t) => t.chars.get(usize::from(s)).copied(),
        }?;
        if u == 0 {
            None
        } else {
            char::from_u32(u32::from(u))
        }
    }

    #[inline]
    fn ext_char(&self, s: u8) -> Option<char> {
        let u = match self.single {
            None => DEFAULT_EXT_CHARS.get(usize::from(s)).copied()?,
            Some(t) => t.chars.get(usize::from(s)).copied()?,
        };
        if u == 0 {
            None
        } else {
            char::from_u32(u32::from(u))
        }
    }
}

/// Whether `c` can be written with `tables`, and its cost in septets (1, or 2 for an escape
/// pair).
pub fn char_cost(c: char, tables: &ShiftTables) -> Option<usize> {
    Resolved::new(tables)
        .encode_char(c)
        .map(|(_, e)| 1 + usize::from(e.is_some()))
}

/// Number of septets `text` needs with `tables`, or `None` if a character is not
/// representable.
pub fn septet_count(text: &str, tables: &ShiftTables) -> Option<usize> {
    let r = Resolved::new(tables);
    let fast = r.default_main();
    let bytes = text.as_bytes();
    let mut n = 0usize;
    let mut pos = 0usize;
    while pos < bytes.len() {
        if fast {
            let rest = bytes.get(pos..).unwrap_or_default();
            let run = identity_run(rest);
            n += run;
            pos += run;
            if bytes.get(pos).and_then(|&b| ascii_septet(b)).is_some() {
                n += 1;
                pos += 1;
                continue;
            }
            if pos >= bytes.len() {
                break;
            }
        }
        let c = text.get(pos..).and_then(|s| s.chars().next())?;
        let (_, e) = r.encode_char(c)?;
        n += 1 + usize::from(e.is_some());
        pos += c.len_utf8();
    }
    Some(n)
}

/// Encode `text` as unpacked septets (one per octet) appended to `out`.
///
/// Strict: the first character not in the tables is an error (`out` keeps what was written
/// before it). Lenient: such characters become '?' and are counted in
/// [`EncodeReport::replaced`]. The report's `units` is the number of septets written.
pub fn encode(
    text: &str,
    tables: &ShiftTables,
    strictness: Strictness,
    out: &mut Vec<u8>,
) -> Result<EncodeReport, TextError> {
    let r = Resolved::new(tables);
    let fast = r.default_main();
    let start = out.len();
    out.reserve(text.len());
    let mut replaced = 0usize;
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    while pos < bytes.len() {
        if fast {
            // Fast path: a run of characters whose septet equals their ASCII byte, then one
            // ASCII character with another single-septet code.
            let rest = bytes.get(pos..).unwrap_or_default();
            let run = identity_run(rest);
            out.extend_from_slice(rest.get(..run).unwrap_or_default());
            pos += run;
            if let Some(s) = bytes.get(pos).and_then(|&b| ascii_septet(b)) {
                out.push(s);
                pos += 1;
                continue;
            }
            if pos >= bytes.len() {
                break;
            }
        }
        let Some(c) = text.get(pos..).and_then(|s| s.chars().next()) else {
            break;
        };
        match r.encode_char(c) {
            Some((s, None)) => out.push(s),
            Some((s, Some(e))) => out.extend_from_slice(&[s, e]),
            None => match strictness {
                Strictness::Strict => return Err(TextError::Unrepresentable { ch: c, index: pos }),
                Strictness::Lenient => {
                    replaced += 1;
                    out.push(r.locking.and_then(|t| t.find('?')).unwrap_or(0x3F));
                }
            },
        }
        pos += c.len_utf8();
    }
    Ok(EncodeReport {
        units: out.len() - start,
        replaced,
    })
}

/// Encode `text` as packed septets after `fill` fill bits, appended to `out`.
///
/// The report's `units` is the number of septets (before packing).
///
/// ```
/// use smpp_proto::text::{gsm7, Strictness};
/// let mut out = Vec::new();
/// gsm7::encode_packed("hellohello", &gsm7::ShiftTables::NONE, Strictness::Strict, 0, &mut out).unwrap();
/// assert_eq!(out, [0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37]);
/// ```
pub fn encode_packed(
    text: &str,
    tables: &ShiftTables,
    strictness: Strictness,
    fill: u8,
    out: &mut Vec<u8>,
) -> Result<EncodeReport, TextError> {
    let start = out.len();
    let report = encode(text, tables, strictness, out);
    if report.is_err() {
        out.truncate(start);
    }
    let report = report?;
    septets::pack_in_place(out, start, fill);
    Ok(report)
}

/// Septets the packed decoder unpacks at a time (a multiple of 8).
const UNPACK_BLOCK: usize = 256;

/// Streaming septet decoder (keeps an escape that ends one chunk for the next).
struct Decoder {
    r: Resolved,
    strictness: Strictness,
    pending_esc: bool,
    offset: usize,
    report: DecodeReport,
}

impl Decoder {
    fn new(tables: &ShiftTables, strictness: Strictness) -> Self {
        Self {
            r: Resolved::new(tables),
            strictness,
            pending_esc: false,
            offset: 0,
            report: DecodeReport::default(),
        }
    }

    fn bad(&mut self, at: usize, out: &mut String) -> Result<(), TextError> {
        match self.strictness {
            Strictness::Strict => Err(TextError::Invalid { offset: at }),
            Strictness::Lenient => {
                self.report.replaced += 1;
                out.push(char::REPLACEMENT_CHARACTER);
                Ok(())
            }
        }
    }

    /// Decode septet `s` found at septet offset `at` (the general path).
    #[inline(always)]
    fn step(&mut self, s: u8, at: usize, out: &mut String) -> Result<(), TextError> {
        if s >= 0x80 {
            self.pending_esc = false;
            return self.bad(at, out);
        }
        if self.pending_esc {
            self.pending_esc = false;
            if s == ESC {
                // Reserved further extension: displayed as a space (TS 23.038).
                out.push(' ');
            } else if let Some(c) = self.r.ext_char(s) {
                out.push(c);
            } else if let Some(c) = self.r.main_char(s) {
                // Unknown escape: show the active main table's character.
                self.report.unknown_escapes += 1;
                out.push(c);
            } else {
                return self.bad(at, out);
            }
            return Ok(());
        }
        if s == ESC {
            self.pending_esc = true;
            return Ok(());
        }
        match self.r.main_char(s) {
            Some(c) => {
                out.push(c);
                Ok(())
            }
            None => self.bad(at, out),
        }
    }

    fn feed(&mut self, septets: &[u8], out: &mut String) -> Result<(), TextError> {
        let fast = self.r.default_main();
        let mut i = 0usize;
        while i < septets.len() {
            if fast && !self.pending_esc {
                // Fast path: a run of septets that decode to the ASCII byte of the same value,
                // then one septet that decodes to another ASCII character.
                let rest = septets.get(i..).unwrap_or_default();
                let run = identity_run(rest);
                // Identity septets are ASCII, hence valid UTF-8.
                if let Ok(s) = std::str::from_utf8(rest.get(..run).unwrap_or_default()) {
                    out.push_str(s);
                }
                i += run;
                if let Some(c) = septets.get(i).and_then(|&s| septet_ascii(s)) {
                    out.push(char::from(c));
                    i += 1;
                    continue;
                }
                if i >= septets.len() {
                    break;
                }
            }
            let Some(&s) = septets.get(i) else { break };
            self.step(s, self.offset + i, out)?;
            i += 1;
        }
        self.offset += septets.len();
        Ok(())
    }

    /// [`feed`](Self::feed) for a block the decoder owns: with the default main table, every
    /// septet that decodes to one ASCII character ('@', '$', '_', LF, CR, ... as well as the
    /// identity ones) is replaced in place by that character, so the block is output in runs
    /// broken only by escapes and non-ASCII characters (one UTF-8 check per run).
    fn feed_block(&mut self, block: &mut [u8], out: &mut String) -> Result<(), TextError> {
        if !self.r.default_main() {
            return self.feed(block, out);
        }
        let mut i = 0usize;
        while i < block.len() {
            if !self.pending_esc {
                let rest = block.get_mut(i..).unwrap_or_default();
                let run = ascii_run_in_place(rest);
                // The run is ASCII now, hence valid UTF-8.
                if let Ok(s) = std::str::from_utf8(rest.get(..run).unwrap_or_default()) {
                    out.push_str(s);
                }
                i += run;
            }
            // An escape, a non-ASCII character, or the septet after an escape.
            let Some(&s) = block.get(i) else { break };
            self.step(s, self.offset + i, out)?;
            i += 1;
        }
        self.offset += block.len();
        Ok(())
    }

    /// Decode the first `count` septets packed in `octets` after `fill` (< 8) fill bits:
    /// unpacked a block at a time (8 septets from 7 octets, branch-free) and fed to the
    /// unpacked decoder.
    ///
    /// Septets 8g..8g+8 occupy stream bits fill+56g .. fill+56g+55: the 8 octets from 7g on,
    /// shifted right by `fill`, hold them all (the last group's missing octets read as 0).
    fn packed(
        &mut self,
        octets: &[u8],
        fill: u8,
        count: usize,
        out: &mut String,
    ) -> Result<(), TextError> {
        let fill = u32::from(fill);
        let mut buf = [0u8; UNPACK_BLOCK];
        let mut done = 0usize;
        let mut src = octets;
        while done < count {
            let n = (count - done).min(UNPACK_BLOCK);
            // Whole 8-octet loads first (a plain loop), then the end of the data.
            let words = n.div_ceil(8);
            let bulk = words.min(src.len().saturating_sub(1) / 7);
            for (d, w) in buf
                .chunks_exact_mut(8)
                .zip(src.windows(8).step_by(7))
                .take(bulk)
            {
                let x = <[u8; 8]>::try_from(w).map_or(0, u64::from_le_bytes);
                d.copy_from_slice(&septets::spread(x >> fill).to_le_bytes());
            }
            src = src.get(7 * bulk..).unwrap_or_default();
            let tail = buf.get_mut(8 * bulk..).unwrap_or_default();
            for d in tail.chunks_exact_mut(8).take(words - bulk) {
                let x = match src.get(..8).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
                    Some(b) => u64::from_le_bytes(b),
                    None => {
                        let mut b = [0u8; 8];
                        let m = src.len().min(8);
                        if let (Some(dst), Some(s)) = (b.get_mut(..m), src.get(..m)) {
                            dst.copy_from_slice(s);
                        }
                        u64::from_le_bytes(b)
                    }
                };
                d.copy_from_slice(&septets::spread(x >> fill).to_le_bytes());
                src = src.get(7..).unwrap_or_default();
            }
            self.feed_block(buf.get_mut(..n).unwrap_or_default(), out)?;
            done += n;
        }
        Ok(())
    }

    fn finish(mut self) -> DecodeReport {
        if self.pending_esc {
            self.report.dropped_escape = true;
        }
        self.report
    }
}

/// Decode unpacked septets (one per octet), appending the text to `out`.
///
/// Rules: ESC + a code missing from the extension table shows the main table's character for
/// that code (counted in [`DecodeReport::unknown_escapes`]); ESC ESC shows a space; a trailing
/// lone ESC is dropped ([`DecodeReport::dropped_escape`]). 0x09 decodes as 'Ç'. An octet with
/// the high bit set, or an unassigned code of a national table, is an error when strict and
/// U+FFFD (counted) when lenient.
pub fn decode(
    septets: &[u8],
    tables: &ShiftTables,
    strictness: Strictness,
    out: &mut String,
) -> Result<DecodeReport, TextError> {
    out.reserve(septets.len());
    let mut d = Decoder::new(tables, strictness);
    d.feed(septets, out)?;
    Ok(d.finish())
}

/// Decode packed septets that start after `fill` fill bits, appending the text to `out`.
/// A final '@' or CR in the last octet's 7 spare bits is taken as padding and dropped
/// ([`DecodeReport::dropped_padding`]).
///
/// ```
/// use smpp_proto::text::{gsm7, Strictness};
/// let mut text = String::new();
/// gsm7::decode_packed(&[0x90, 0x65, 0x36, 0xFB, 0x0D], 1, &gsm7::ShiftTables::NONE, Strictness::Strict, &mut text).unwrap();
/// assert_eq!(text, "Hello");
/// ```
pub fn decode_packed(
    octets: &[u8],
    fill: u8,
    tables: &ShiftTables,
    strictness: Strictness,
    out: &mut String,
) -> Result<DecodeReport, TextError> {
    out.reserve(octets.len() * 8 / 7 + 1);
    let fill = fill % 8;
    let (count, dropped_padding) = septets::septets_to_deliver(octets, fill);
    let mut d = Decoder::new(tables, strictness);
    d.packed(octets, fill, count, out)?;
    let mut report = d.finish();
    report.dropped_padding = dropped_padding;
    Ok(report)
}

/// Every character of the active tables with its septets (for tests and documentation).
pub fn repertoire(tables: &ShiftTables) -> Vec<(char, Vec<u8>)> {
    let r = Resolved::new(tables);
    let mut v = Vec::new();
    for s in 0u8..128 {
        if s == ESC {
            continue;
        }
        if let Some(c) = r.main_char(s) {
            v.push((c, vec![s]));
        }
        if let Some(c) = r.ext_char(s) {
            v.push((c, vec![ESC, s]));
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_identity(b: u8) -> bool {
        // Controls (LF, CR) are identities too but take the slow path.
        (0x20..0x80).contains(&b) && DEFAULT_CHARS.get(usize::from(b)) == Some(&u16::from(b))
    }

    #[test]
    fn non_identity_matches_the_table() {
        for lane in 0..8 {
            for b in 0..=255u8 {
                // The other lanes hold every kind of byte too.
                for fill in [0u8, 0x41, 0x80, 0xFF, 0x24, 0x7F, 0x1F, 0x60] {
                    let mut w = [fill; 8];
                    if let Some(x) = w.get_mut(lane) {
                        *x = b;
                    }
                    let m = non_identity(u64::from_le_bytes(w)).to_le_bytes();
                    for (i, (&v, &mb)) in w.iter().zip(&m).enumerate() {
                        assert_eq!(mb & 0x7F, 0, "lane {i} of {w:02x?}");
                        assert_eq!(mb == 0, is_identity(v), "lane {i} of {w:02x?}");
                    }
                }
            }
        }
    }
}
