//! The lenient Appendix B tokeniser (reference §12.4): keys are found case-insensitively, each
//! value is read by its kind, and whatever belongs to no field is kept aside.

use super::MessageState;
use crate::time::{CivilDateTime, SmppTime};

/// The result of [`parse`]: a receipt, or the raw bytes when the text has no Appendix B key.
// Boxing the receipt would allocate; the outcome is returned by value on purpose.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseOutcome<'a> {
    /// At least one known key was found.
    Receipt(Receipt<'a>),
    /// Not an Appendix B text (e.g. an operator's comma-separated format): the input, verbatim.
    Unparsed(&'a [u8]),
}

impl<'a> ParseOutcome<'a> {
    /// The receipt, if one was parsed.
    pub fn receipt(self) -> Option<Receipt<'a>> {
        match self {
            Self::Receipt(r) => Some(r),
            Self::Unparsed(_) => None,
        }
    }
}

/// A parsed receipt text. Every slice borrows the parsed bytes verbatim (`001` stays `001`).
///
/// A field is `None` when its key is absent, and `Some` with an empty `raw` when the key is
/// present with nothing after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Receipt<'a> {
    /// `id:` — the message id as the SMSC wrote it.
    pub id: Option<&'a [u8]>,
    /// `sub:` — number of messages submitted.
    pub sub: Option<Count<'a>>,
    /// `dlvrd:` — number of messages delivered.
    pub dlvrd: Option<Count<'a>>,
    /// `submit date:` / `submit_date:`.
    pub submit_date: Option<ReceiptDate<'a>>,
    /// `done date:` / `done_date:`.
    pub done_date: Option<ReceiptDate<'a>>,
    /// `stat:` (or a bare Table B-2 word where the key is missing).
    pub stat: Option<Stat<'a>>,
    /// `err:`.
    pub err: Option<ErrorCode<'a>>,
    /// `text:` / `Text:` / `txt:` — without a trailing NUL, CR or LF.
    pub text: Option<&'a [u8]>,
    /// Bytes before the first key (some SMSCs prepend an address or a tag).
    pub prefix: &'a [u8],
    /// Words that belong to no field (the first such run), e.g. text appended without a key.
    pub remainder: &'a [u8],
    /// The text ends inside a key (`... err:000 te`): the cut key was left out.
    pub truncated: bool,
    /// The text was UTF-16BE and was decoded (to UTF-8) before parsing; see [`parse_any`].
    pub utf16: bool,
}

impl Receipt<'_> {
    /// The mapped `stat`, if there is one and it is a known word.
    pub fn state(&self) -> Option<MessageState> {
        self.stat.and_then(|s| s.state)
    }
}

/// A `sub:` / `dlvrd:` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count<'a> {
    /// As written (`001`, `1`, `000`, ``).
    pub raw: &'a [u8],
    /// The decimal value when `raw` is 1-9 digits.
    pub value: Option<u32>,
}

/// A `stat:` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat<'a> {
    /// As written, possibly several words (`DELIVERED TO CARRIER`).
    pub raw: &'a [u8],
    /// The state it maps to ([`MessageState::from_stat`]).
    pub state: Option<MessageState>,
}

/// A `stat:` value as a known state or the raw word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptStatus<'a> {
    /// A recognised word.
    State(MessageState),
    /// Anything else, verbatim.
    Unknown(&'a [u8]),
}

impl<'a> Stat<'a> {
    /// The status as a known state or `Unknown(raw)`.
    pub fn status(&self) -> ReceiptStatus<'a> {
        self.state
            .map_or(ReceiptStatus::Unknown(self.raw), ReceiptStatus::State)
    }
}

/// An `err:` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode<'a> {
    /// As written (`000`, `21b`, `xxx`).
    pub raw: &'a [u8],
    /// Its reading.
    pub value: ErrValue,
}

/// How an `err:` value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrValue {
    /// Nothing after `err:`.
    Empty,
    /// Only decimal digits (`000`, `021`, `0000`): the decimal value.
    Decimal(u32),
    /// Hex digits including at least one letter (`4A6`, `21b`, `00B`): the hexadecimal value.
    Hex(u32),
    /// Anything else (`xxx`), or too long for a `u32`.
    Text,
}

impl ErrValue {
    /// The numeric value, decimal or hexadecimal.
    pub const fn numeric(self) -> Option<u32> {
        match self {
            Self::Decimal(v) | Self::Hex(v) => Some(v),
            Self::Empty | Self::Text => None,
        }
    }
}

/// A date field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiptDate<'a> {
    /// As written.
    pub raw: &'a [u8],
    /// The parsed time, when `raw` has one of the known layouts and valid values.
    pub value: Option<ReceiptTime>,
}

/// Which layout a receipt date was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateLayout {
    /// `YYMMDDhhmm` (Appendix B).
    Yymmddhhmm,
    /// `YYMMDDhhmmss` (Clickatell and others).
    Yymmddhhmmss,
    /// `YYYYMMDDhhmm`.
    Yyyymmddhhmm,
    /// `YYYYMMDDhhmmss`.
    Yyyymmddhhmmss,
    /// A full 16-character SMPP absolute time (`YYMMDDhhmmsstnn+`).
    SmppAbsolute,
}

/// A parsed receipt date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReceiptTime {
    /// The date and time as written (the SMSC's local time unless `offset_quarters` says).
    pub datetime: CivilDateTime,
    /// Tenths of a second (SMPP absolute layout only).
    pub tenths: Option<u8>,
    /// Offset from UTC in quarter hours (SMPP absolute layout only).
    pub offset_quarters: Option<i8>,
    /// The layout the value was read from.
    pub layout: DateLayout,
}

impl ReceiptTime {
    /// The instant, using the written offset if there is one and `assumed_offset_quarters`
    /// (the peer's configured zone, 0 for UTC) otherwise.
    pub fn to_system_time(&self, assumed_offset_quarters: i8) -> Option<std::time::SystemTime> {
        let q = self.offset_quarters.unwrap_or(assumed_offset_quarters);
        let secs = self.datetime.unix_seconds() - i64::from(q) * 900;
        let ms = u64::try_from(secs).ok()? * 1000 + u64::from(self.tenths.unwrap_or(0)) * 100;
        std::time::UNIX_EPOCH.checked_add(std::time::Duration::from_millis(ms))
    }
}

fn digits<const N: usize>(s: &[u8]) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    let mut bad = s.len() < 2 * N;
    for (o, c) in out.iter_mut().zip(s.chunks_exact(2)) {
        if let [a, b] = c {
            let (a, b) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'));
            bad |= (a > 9) | (b > 9);
            *o = a.wrapping_mul(10).wrapping_add(b);
        }
    }
    (!bad).then_some(out)
}

fn civil(year: u16, p: &[u8]) -> Option<CivilDateTime> {
    let g = |i: usize| p.get(i).copied().unwrap_or(0);
    CivilDateTime::new(year, g(0), g(1), g(2), g(3), g(4))
}

/// Reads a receipt date by its length: 10, 12 (`YYMMDDhhmmss`, else `YYYYMMDDhhmm` when that is
/// the only valid reading), 14 or 16 characters.
pub(crate) fn parse_date(raw: &[u8]) -> Option<ReceiptTime> {
    let simple = |datetime, layout| {
        Some(ReceiptTime {
            datetime,
            tenths: None,
            offset_quarters: None,
            layout,
        })
    };
    match raw.len() {
        10 => {
            let d = digits::<5>(raw)?;
            let (yy, rest) = d.split_first()?;
            simple(civil(2000 + u16::from(*yy), rest)?, DateLayout::Yymmddhhmm)
        }
        12 => {
            let d = digits::<6>(raw)?;
            let (yy, rest) = d.split_first()?;
            if let Some(dt) = civil(2000 + u16::from(*yy), rest) {
                return simple(dt, DateLayout::Yymmddhhmmss);
            }
            let (cc, rest) = d.split_first()?;
            let (yy, rest) = rest.split_first()?;
            let year = u16::from(*cc) * 100 + u16::from(*yy);
            let g = |i: usize| rest.get(i).copied().unwrap_or(0);
            simple(
                CivilDateTime::new(year, g(0), g(1), g(2), g(3), 0)?,
                DateLayout::Yyyymmddhhmm,
            )
        }
        14 => {
            let d = digits::<7>(raw)?;
            let (cc, rest) = d.split_first()?;
            let (yy, rest) = rest.split_first()?;
            simple(
                civil(u16::from(*cc) * 100 + u16::from(*yy), rest)?,
                DateLayout::Yyyymmddhhmmss,
            )
        }
        16 => match SmppTime::parse(raw).ok()?? {
            SmppTime::Absolute(a) => Some(ReceiptTime {
                datetime: a.local,
                tenths: Some(a.tenths),
                offset_quarters: Some(a.offset_quarters),
                layout: DateLayout::SmppAbsolute,
            }),
            SmppTime::Relative(_) => None,
        },
        _ => None,
    }
}

fn parse_count(raw: &[u8]) -> Count<'_> {
    let value = if !raw.is_empty() && raw.len() <= 9 && raw.iter().all(u8::is_ascii_digit) {
        Some(raw.iter().fold(0u32, |a, c| a * 10 + u32::from(c - b'0')))
    } else {
        None
    };
    Count { raw, value }
}

pub(crate) fn parse_err(raw: &[u8]) -> ErrorCode<'_> {
    let value = if raw.is_empty() {
        ErrValue::Empty
    } else if raw.len() > 8 {
        ErrValue::Text
    } else if raw.iter().all(u8::is_ascii_digit) {
        ErrValue::Decimal(raw.iter().fold(0u32, |a, c| a * 10 + u32::from(c - b'0')))
    } else if raw.iter().all(u8::is_ascii_hexdigit) {
        let v = raw.iter().fold(0u32, |a, c| {
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                _ => c.wrapping_sub(b'A').wrapping_add(10),
            };
            (a << 4) | u32::from(d)
        });
        ErrValue::Hex(v)
    } else {
        ErrValue::Text
    };
    ErrorCode { raw, value }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Id = 0,
    Sub,
    Dlvrd,
    SubmitDate,
    DoneDate,
    Stat,
    Err,
    Text,
}

const fn bit(f: Field) -> u8 {
    1 << f as u8
}

#[inline]
const fn is_sep(c: u8) -> bool {
    c <= b' ' && matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0)
}

/// Every key, lower case, with its colon (a blank stands for a blank or an underscore).
const KEYS: [&[u8]; 9] = [
    b"id:",
    b"sub:",
    b"dlvrd:",
    b"submit date:",
    b"done date:",
    b"stat:",
    b"err:",
    b"text:",
    b"txt:",
];

/// The key starting at `s`, if any: its field and length including the colon.
#[inline]
fn key_at(s: &[u8]) -> Option<(Field, usize)> {
    // Cheap rejection first: every key starts with one of five letters.
    if !matches!(s.first()? | 0x20, b'i' | b's' | b'd' | b'e' | b't') {
        return None;
    }
    if let Some(k) = s.first_chunk::<12>() {
        return key_in(k);
    }
    let mut k = [0u8; 12];
    for (d, c) in k.iter_mut().zip(s) {
        *d = *c;
    }
    key_in(&k)
}

/// [`key_at`] over the first 12 bytes (zero padded).
///
/// Hand-unrolled (this is the parser's hot path): `c | 0x20 == b'x'` holds exactly for the
/// two cases of the letter `x`; colons and the blank/underscore are compared exactly.
#[inline]
fn key_in(k: &[u8; 12]) -> Option<(Field, usize)> {
    let l = |c: u8| c | 0x20;
    let [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11] = *k;
    let sep = |c: u8| c == b' ' || c == b'_';
    match l(c0) {
        b'i' if l(c1) == b'd' && c2 == b':' => Some((Field::Id, 3)),
        b's' => match (l(c1), l(c2)) {
            (b'u', b'b') if c3 == b':' => Some((Field::Sub, 4)),
            (b'u', b'b')
                if l(c3) == b'm'
                    && l(c4) == b'i'
                    && l(c5) == b't'
                    && sep(c6)
                    && l(c7) == b'd'
                    && l(c8) == b'a'
                    && l(c9) == b't'
                    && l(c10) == b'e'
                    && c11 == b':' =>
            {
                Some((Field::SubmitDate, 12))
            }
            (b't', b'a') if l(c3) == b't' && c4 == b':' => Some((Field::Stat, 5)),
            _ => None,
        },
        b'd' => match (l(c1), l(c2)) {
            (b'l', b'v') if l(c3) == b'r' && l(c4) == b'd' && c5 == b':' => Some((Field::Dlvrd, 6)),
            (b'o', b'n')
                if l(c3) == b'e'
                    && sep(c4)
                    && l(c5) == b'd'
                    && l(c6) == b'a'
                    && l(c7) == b't'
                    && l(c8) == b'e'
                    && c9 == b':' =>
            {
                Some((Field::DoneDate, 10))
            }
            _ => None,
        },
        b'e' if l(c1) == b'r' && l(c2) == b'r' && c3 == b':' => Some((Field::Err, 4)),
        b't' => match (l(c1), l(c2)) {
            (b'e', b'x') if l(c3) == b't' && c4 == b':' => Some((Field::Text, 5)),
            (b'x', b't') if c3 == b':' => Some((Field::Text, 4)),
            _ => None,
        },
        _ => None,
    }
}

/// `s` (to the end of input) is a proper beginning of a key: a receipt cut mid-key.
fn is_cut_key(s: &[u8]) -> bool {
    !s.is_empty()
        && KEYS.iter().any(|p| {
            s.len() < p.len()
                && p.iter()
                    .zip(s)
                    .all(|(&pc, &sc)| sc.to_ascii_lowercase() == pc || (pc == b' ' && sc == b'_'))
        })
}

/// End of a one-word value starting at `from`: the first separator, or the first position where
/// a key of a field not yet seen begins (some SMSCs omit the blank between fields). Keys need a
/// colon, so words without one take the fast path.
#[inline]
fn word_end(s: &[u8], from: usize, seen: u8) -> usize {
    let rest = s.get(from..).unwrap_or_default();
    let mut len = rest.len();
    let mut colon = false;
    for (k, &c) in rest.iter().enumerate() {
        if c <= b' ' {
            if is_sep(c) {
                len = k;
                break;
            }
        } else if c == b':' {
            colon = true;
        }
    }
    let word = rest.get(..len).unwrap_or_default();
    if !colon {
        return from + len;
    }
    for j in 1..len {
        if let Some((f, _)) = word.get(j..).and_then(key_at) {
            if seen & bit(f) == 0 && f != Field::Id {
                return from + j;
            }
        }
    }
    from + len
}

#[inline]
fn skip_seps(s: &[u8], mut i: usize) -> usize {
    while s.get(i).is_some_and(|&c| is_sep(c)) {
        i += 1;
    }
    i
}

/// A word that can continue a multi-word `stat` ("DELIVERED TO CARRIER"): capitals only.
fn is_stat_continuation(w: &[u8]) -> bool {
    !w.is_empty() && w.iter().all(|c| c.is_ascii_uppercase() || *c == b'_')
}

/// Parses an Appendix B receipt text given as single-byte characters (ASCII, Latin-1, GSM
/// unpacked...). Never fails and never allocates.
///
/// Keys are matched case-insensitively (`Text:`, `Submit_Date:`, `txt:`), in any order, with
/// blanks, tabs, CR or LF between fields. Each value is read by its kind:
/// * `id`, `sub`, `dlvrd`, the dates and `err` end at the first blank (or where an unseen key
///   starts right after them);
/// * `stat` is one word, or several capitalised words (`DELIVERED TO CARRIER`);
/// * `text` runs to the end, unless a key of a field not yet seen follows it; trailing NUL, CR
///   and LF are dropped (the separator before a following key too).
///
/// Words that start no key are kept in [`Receipt::remainder`], except a bare Table B-2 state
/// word when there is no `stat` yet (taken as the status) and a cut key at the very end (sets
/// [`Receipt::truncated`]). Bytes before the first key are kept in [`Receipt::prefix`].
///
/// For text that may be UTF-16, use [`parse_any`]. The exact Appendix B layout takes a fast
/// path (about 1,400 instructions for a typical receipt); anything else goes through the
/// general tokeniser, with the same results.
///
/// ```
/// use smpp_proto::receipt::{parse, ErrValue, MessageState, ReceiptStatus};
/// let r = parse(b"stat:DELIVERED TO CARRIER err:4A6 ID:77 Submit_Date:201506201641 txt:hi").receipt().unwrap();
/// assert_eq!(r.id, Some(&b"77"[..]));
/// assert_eq!(r.stat.unwrap().status(), ReceiptStatus::State(MessageState::Enroute));
/// assert_eq!(r.err.unwrap().value, ErrValue::Hex(0x4A6));
/// assert_eq!(r.submit_date.unwrap().value.unwrap().datetime.year, 2015);
/// assert_eq!(r.text, Some(&b"hi"[..]));
/// assert!(parse(b"00,0210021543,0210021500,,447887123456").receipt().is_none());
/// ```
pub fn parse(input: &[u8]) -> ParseOutcome<'_> {
    let mut end = input.len();
    while end > 0
        && input
            .get(end - 1)
            .is_some_and(|&c| matches!(c, 0 | b'\r' | b'\n'))
    {
        end -= 1;
    }
    let s = input.get(..end).unwrap_or(input);
    match parse_standard(s) {
        Some(r) => ParseOutcome::Receipt(r),
        None => parse_general(input, s),
    }
}

/// Reads one value of the fast path: bytes up to a blank or the end. `None` (leave the fast
/// path) on a colon or any other separator, which only the general tokeniser handles.
#[inline]
fn fast_value<'a>(s: &'a [u8], i: &mut usize) -> Option<&'a [u8]> {
    let rest = s.get(*i..)?;
    let mut n = rest.len();
    for (k, &c) in rest.iter().enumerate() {
        if c == b':' {
            return None;
        }
        if c <= b' ' {
            if c == b' ' {
                n = k;
                break;
            }
            if is_sep(c) {
                return None;
            }
        }
    }
    *i += n;
    rest.get(..n)
}

#[inline]
fn fast_lit<const N: usize>(s: &[u8], i: &mut usize, lit: &[u8; N]) -> Option<()> {
    // A fixed-size comparison compiles to a few word compares (no memcmp call).
    if s.get(*i..)?.first_chunk::<N>()? == lit {
        *i += N;
        Some(())
    } else {
        None
    }
}

/// Fast path for the exact Appendix B layout as nearly every SMSC writes it (lower-case keys,
/// one blank between fields, a known one-word `stat`, `text:`/`Text:` last or absent). Any
/// deviation returns `None` and the general tokeniser runs; both give the same result on this
/// layout (checked by a test over the corpus).
fn parse_standard(s: &[u8]) -> Option<Receipt<'_>> {
    let mut i = 0;
    fast_lit(s, &mut i, b"id:")?;
    let id = fast_value(s, &mut i)?;
    fast_lit(s, &mut i, b" sub:")?;
    let sub = parse_count(fast_value(s, &mut i)?);
    fast_lit(s, &mut i, b" dlvrd:")?;
    let dlvrd = parse_count(fast_value(s, &mut i)?);
    fast_lit(s, &mut i, b" submit date:")?;
    let sd = fast_value(s, &mut i)?;
    fast_lit(s, &mut i, b" done date:")?;
    let dd = fast_value(s, &mut i)?;
    fast_lit(s, &mut i, b" stat:")?;
    let stat = fast_value(s, &mut i)?;
    let state = Some(MessageState::from_stat_word(stat)?);
    fast_lit(s, &mut i, b" err:")?;
    let err = parse_err(fast_value(s, &mut i)?);
    let text = match s.get(i..)? {
        [] => None,
        [b' ', b't' | b'T', b'e', b'x', b't', b':', text @ ..] => Some(text),
        _ => return None,
    };
    Some(Receipt {
        id: Some(id),
        sub: Some(sub),
        dlvrd: Some(dlvrd),
        submit_date: Some(ReceiptDate {
            raw: sd,
            value: parse_date(sd),
        }),
        done_date: Some(ReceiptDate {
            raw: dd,
            value: parse_date(dd),
        }),
        stat: Some(Stat { raw: stat, state }),
        err: Some(err),
        text,
        ..Receipt::default()
    })
}

/// The general tokeniser (§12.4). `s` is `input` without trailing NUL/CR/LF.
fn parse_general<'a>(input: &'a [u8], s: &'a [u8]) -> ParseOutcome<'a> {
    // First key: at the start, or after a byte that cannot be part of a word.
    let mut start = None;
    for i in 0..s.len() {
        let boundary = i == 0
            || s.get(i - 1)
                .is_some_and(|&p| !(p.is_ascii_alphanumeric() || p == b'_'));
        if boundary && s.get(i..).and_then(key_at).is_some() {
            start = Some(i);
            break;
        }
    }
    let Some(start) = start else {
        return ParseOutcome::Unparsed(input);
    };

    let mut r = Receipt {
        prefix: s.get(..start).unwrap_or_default(),
        ..Receipt::default()
    };
    let mut seen: u8 = 0;
    let mut rem: Option<(usize, usize)> = None;
    let mut rem_closed = false;
    let mut i = start;
    let mut next = s.get(i..).and_then(key_at);
    'fields: while let Some((field, klen)) = next.take() {
        let v = i + klen;
        seen |= bit(field);
        i = match field {
            Field::Text => {
                // Runs to the end, or to a word-initial key of a field not yet seen.
                let mut j = v;
                let mut stop = s.len();
                while let Some(off) = s.get(j..).and_then(|r| r.iter().position(|&c| is_sep(c))) {
                    let k = j + off + 1;
                    if let Some((f, _)) = s.get(k..).and_then(key_at) {
                        if seen & bit(f) == 0 {
                            stop = k;
                            break;
                        }
                    }
                    j = k;
                }
                let mut t_end = stop;
                if stop < s.len() {
                    while t_end > v && s.get(t_end - 1).is_some_and(|&c| is_sep(c)) {
                        t_end -= 1;
                    }
                }
                r.text = s.get(v..t_end);
                stop
            }
            Field::Stat => {
                let mut e = word_end(s, v, seen);
                // Extend over further capitalised words: "DELIVERED TO CARRIER".
                loop {
                    let n = skip_seps(s, e);
                    if n == e || n >= s.len() {
                        break;
                    }
                    if s.get(n..).and_then(key_at).is_some() {
                        break;
                    }
                    let we = word_end(s, n, seen);
                    if e == v || !s.get(n..we).is_some_and(is_stat_continuation) {
                        break;
                    }
                    e = we;
                }
                let raw = s.get(v..e).unwrap_or_default();
                r.stat = Some(Stat {
                    raw,
                    state: MessageState::from_stat(raw),
                });
                e
            }
            _ => {
                let e = word_end(s, v, seen);
                let raw = s.get(v..e).unwrap_or_default();
                match field {
                    Field::Id => r.id = Some(raw),
                    Field::Sub => r.sub = Some(parse_count(raw)),
                    Field::Dlvrd => r.dlvrd = Some(parse_count(raw)),
                    Field::SubmitDate => {
                        r.submit_date = Some(ReceiptDate {
                            raw,
                            value: parse_date(raw),
                        })
                    }
                    Field::DoneDate => {
                        r.done_date = Some(ReceiptDate {
                            raw,
                            value: parse_date(raw),
                        })
                    }
                    _ => r.err = Some(parse_err(raw)),
                }
                e
            }
        };
        // Between fields: skip blanks; take the next unseen key, else set the word aside.
        loop {
            i = skip_seps(s, i);
            if i >= s.len() {
                break 'fields;
            }
            if let Some((f, klen)) = s.get(i..).and_then(key_at) {
                if seen & bit(f) == 0 {
                    if rem.is_some() {
                        rem_closed = true;
                    }
                    next = Some((f, klen));
                    continue 'fields;
                }
            }
            let rest = s.get(i..).unwrap_or_default();
            if is_cut_key(rest) {
                r.truncated = true;
                break 'fields;
            }
            let e = word_end(s, i, seen | bit(Field::Id)).max(i + 1);
            let word = s.get(i..e).unwrap_or_default();
            let bare_state = if r.stat.is_none_or(|st| st.raw.is_empty()) {
                MessageState::from_stat(word)
            } else {
                None
            };
            if let Some(state) = bare_state {
                r.stat = Some(Stat {
                    raw: word,
                    state: Some(state),
                });
            } else if !rem_closed {
                rem = Some(rem.map_or((i, e), |(a, _)| (a, e)));
            }
            i = e;
        }
    }
    if let Some((a, b)) = rem {
        r.remainder = s.get(a..b).unwrap_or_default();
    }
    ParseOutcome::Receipt(r)
}

/// Whether `input` looks like ASCII text encoded as UTF-16BE: an even length and `00 xx` pairs
/// (xx printable) for at least the first three characters.
pub fn looks_like_utf16be_ascii(input: &[u8]) -> bool {
    input.len() >= 6
        && input.len() % 2 == 0
        && input
            .chunks_exact(2)
            .take(3)
            .all(|p| matches!(p, [0, c] if (0x20..0x7F).contains(c)))
}

/// Like [`parse`], but also accepts receipts sent as UTF-16BE (some SMSCs label or encode an
/// ASCII receipt as UCS-2, `data_coding` 8).
///
/// The input is first parsed as single-byte text. If that finds no key and the bytes look like
/// UTF-16BE ([`looks_like_utf16be_ascii`]), they are decoded to UTF-8 into `scratch` (which
/// needs up to `input.len() / 2 * 3` bytes; a shorter buffer yields `Unparsed`) and parsed
/// from there, with [`Receipt::utf16`] set. Non-ASCII characters of the text survive as UTF-8;
/// unpaired surrogates become U+FFFD.
///
/// ```
/// use smpp_proto::receipt::{parse_any, MessageState};
/// let utf16: Vec<u8> = "id:42 stat:DELIVRD text:Привет".encode_utf16().flat_map(u16::to_be_bytes).collect();
/// let mut scratch = [0u8; 256];
/// let r = parse_any(&utf16, &mut scratch).receipt().unwrap();
/// assert!(r.utf16);
/// assert_eq!(r.id, Some(&b"42"[..]));
/// assert_eq!(r.state(), Some(MessageState::Delivered));
/// assert_eq!(r.text, Some("Привет".as_bytes()));
/// ```
pub fn parse_any<'a>(input: &'a [u8], scratch: &'a mut [u8]) -> ParseOutcome<'a> {
    let first = parse(input);
    if matches!(first, ParseOutcome::Receipt(_)) || !looks_like_utf16be_ascii(input) {
        return first;
    }
    let units = input.chunks_exact(2).map(|p| match p {
        [a, b] => u16::from_be_bytes([*a, *b]),
        _ => 0,
    });
    let mut n = 0;
    for ch in char::decode_utf16(units) {
        let ch = ch.unwrap_or(char::REPLACEMENT_CHARACTER);
        let Some(dst) = scratch.get_mut(n..n + ch.len_utf8()) else {
            return ParseOutcome::Unparsed(input);
        };
        ch.encode_utf8(dst);
        n += ch.len_utf8();
    }
    let decoded: &'a [u8] = scratch.get(..n).unwrap_or_default();
    match parse(decoded) {
        ParseOutcome::Receipt(mut r) => {
            r.utf16 = true;
            ParseOutcome::Receipt(r)
        }
        ParseOutcome::Unparsed(_) => ParseOutcome::Unparsed(input),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &[u8]) -> Receipt<'_> {
        match parse(s) {
            ParseOutcome::Receipt(r) => r,
            ParseOutcome::Unparsed(_) => panic!("unparsed: {}", String::from_utf8_lossy(s)),
        }
    }

    fn stat<'a>(r: &Receipt<'a>) -> &'a [u8] {
        r.stat.map(|s| s.raw).unwrap_or_default()
    }

    const STD: &[u8] = b"id:0123456789 sub:002 dlvrd:001 submit date:1005232039 done date:1005242339 stat:DELIVRD err:012 text:This is a sample mes";

    #[test]
    fn standard_receipt_verbatim_and_parsed() {
        let r = p(STD);
        assert_eq!(r.id, Some(&b"0123456789"[..]));
        assert_eq!(
            r.sub,
            Some(Count {
                raw: b"002",
                value: Some(2)
            })
        );
        assert_eq!(
            r.dlvrd,
            Some(Count {
                raw: b"001",
                value: Some(1)
            })
        );
        let sd = r.submit_date.unwrap();
        assert_eq!(sd.raw, b"1005232039");
        let v = sd.value.unwrap();
        assert_eq!(
            v.datetime,
            CivilDateTime::new(2010, 5, 23, 20, 39, 0).unwrap()
        );
        assert_eq!(v.layout, DateLayout::Yymmddhhmm);
        assert_eq!(r.state(), Some(MessageState::Delivered));
        assert_eq!(
            r.err,
            Some(ErrorCode {
                raw: b"012",
                value: ErrValue::Decimal(12)
            })
        );
        assert_eq!(r.text, Some(&b"This is a sample mes"[..]));
        assert_eq!(
            (r.prefix, r.remainder, r.truncated, r.utf16),
            (&b""[..], &b""[..], false, false)
        );
    }

    #[test]
    fn keys_in_any_case() {
        let r = p(b"ID:77 SUB:001 DLVRD:001 Submit Date:1005232039 DONE DATE:1005242339 STAT:delivrd ERR:000 TEXT:Hi");
        assert_eq!(r.id, Some(&b"77"[..]));
        assert!(r.submit_date.and_then(|d| d.value).is_some());
        assert!(r.done_date.and_then(|d| d.value).is_some());
        assert_eq!(stat(&r), b"delivrd");
        assert_eq!(r.state(), Some(MessageState::Delivered));
        assert_eq!(r.text, Some(&b"Hi"[..]));
    }

    #[test]
    fn underscore_date_keys() {
        for s in [
            &b"id:1 submit_date:1005232039 done_date:1005242339 stat:DELIVRD"[..],
            b"id:1 Submit_Date:1005232039 Done_Date:1005242339 stat:DELIVRD",
        ] {
            let r = p(s);
            assert_eq!(r.submit_date.unwrap().raw, b"1005232039");
            assert_eq!(r.done_date.unwrap().raw, b"1005242339");
        }
    }

    #[test]
    fn text_key_spellings() {
        for (s, t) in [
            (&b"id:1 stat:DELIVRD err:0 Text:report"[..], &b"report"[..]),
            (b"id:1 stat:DELIVRD err:0 text:report", b"report"),
            (b"id:1 stat:DELIVRD err:0 txt:report", b"report"),
            (b"id:1 stat:DELIVRD err:0 TXT:", b""),
        ] {
            assert_eq!(p(s).text, Some(t));
        }
    }

    #[test]
    fn fields_in_any_order() {
        let r = p(b"sub:001 id:74e02ee1-4e2f-4a6e-a78b-4b247d756a22 err:000 dlvrd:001 done date:110206193110 submit date:110206193041 text: stat:DELIVRD");
        assert_eq!(r.id, Some(&b"74e02ee1-4e2f-4a6e-a78b-4b247d756a22"[..]));
        assert_eq!(r.text, Some(&b""[..]));
        assert_eq!(r.state(), Some(MessageState::Delivered));
        let d = r.done_date.unwrap().value.unwrap();
        assert_eq!(
            d.datetime,
            CivilDateTime::new(2011, 2, 6, 19, 31, 10).unwrap()
        );
        // text in the middle, with a key-looking word inside it
        let r = p(b"id:9 text:the id: was x stat:UNDELIV err:001");
        assert_eq!(r.text, Some(&b"the id: was x"[..]));
        assert_eq!(r.state(), Some(MessageState::Undeliverable));
        assert_eq!(r.err.unwrap().value, ErrValue::Decimal(1));
    }

    #[test]
    fn missing_empty_and_unpadded_fields() {
        let r = p(b"stat:DELIVRD");
        assert_eq!((r.id, r.sub, r.err, r.text), (None, None, None, None));
        assert_eq!(r.state(), Some(MessageState::Delivered));
        let r = p(b"id:4791967 sub:0 dlvrd:1 submit date:2302281329 done date:2302281329 stat:ENROUTE err: text:");
        assert_eq!(
            r.sub,
            Some(Count {
                raw: b"0",
                value: Some(0)
            })
        );
        assert_eq!(
            r.dlvrd,
            Some(Count {
                raw: b"1",
                value: Some(1)
            })
        );
        assert_eq!(
            r.err,
            Some(ErrorCode {
                raw: b"",
                value: ErrValue::Empty
            })
        );
        assert_eq!(r.text, Some(&b""[..]));
        let r = p(b"id: sub:28 dlvrd:... stat:UNDELIV");
        assert_eq!(r.id, Some(&b""[..]));
        assert_eq!(r.sub.unwrap().value, Some(28));
        assert_eq!(
            r.dlvrd,
            Some(Count {
                raw: b"...",
                value: None
            })
        );
        let r = p(b"submit date:110206193041");
        assert!(r.submit_date.unwrap().value.is_some());
        assert_eq!(r.stat, None);
    }

    #[test]
    fn separators() {
        let r = p(b"id:5\tsub:001\r\ndlvrd:001\nsubmit date:1005232039  done date:1005242339\t\tstat:EXPIRED\r\nerr:000\r\ntext:x\r\n");
        assert_eq!(r.id, Some(&b"5"[..]));
        assert_eq!(r.dlvrd.unwrap().value, Some(1));
        assert_eq!(r.state(), Some(MessageState::Expired));
        assert_eq!(r.text, Some(&b"x"[..]));
        // no blank at all between fields
        let r = p(b"id:123sub:001dlvrd:001stat:DELIVRD");
        assert_eq!(r.id, Some(&b"123"[..]));
        assert_eq!(r.sub.unwrap().raw, b"001");
        assert_eq!(r.dlvrd.unwrap().raw, b"001");
    }

    #[test]
    fn stat_outside_table_b2() {
        let cases: [(&[u8], &[u8], Option<MessageState>); 10] = [
            (
                b"id:1 stat:FAILED err:051",
                b"FAILED",
                Some(MessageState::Undeliverable),
            ),
            (
                b"id:1 stat:ACKED   err:003 text: ",
                b"ACKED",
                Some(MessageState::Accepted),
            ),
            (
                b"id:1 stat:BUFFRED err:000",
                b"BUFFRED",
                Some(MessageState::Enroute),
            ),
            (
                b"id:1 stat:BUFFERD err:000",
                b"BUFFERD",
                Some(MessageState::Enroute),
            ),
            (
                b"id:1 err:123 stat:DND_REJECTED text:Hello",
                b"DND_REJECTED",
                Some(MessageState::Rejected),
            ),
            (
                b"id:1 stat:DELIVERED TO CARRIER err:000",
                b"DELIVERED TO CARRIER",
                Some(MessageState::Enroute),
            ),
            (
                b"id:1 stat:SCHEDLD err:000",
                b"SCHEDLD",
                Some(MessageState::Scheduled),
            ),
            (
                b"id:1 stat:SKIPPED err:000",
                b"SKIPPED",
                Some(MessageState::Skipped),
            ),
            (b"id:1 stat:DLV text:Hi", b"DLV", None),
            (b"id:1 stat:0 err:0", b"0", None),
        ];
        for (s, raw, state) in cases {
            let r = p(s);
            assert_eq!(stat(&r), raw, "{}", String::from_utf8_lossy(s));
            assert_eq!(r.state(), state);
        }
        assert_eq!(
            p(b"stat:DLV").stat.unwrap().status(),
            ReceiptStatus::Unknown(b"DLV")
        );
        assert_eq!(
            p(b"stat:DELIVRD").stat.unwrap().status(),
            ReceiptStatus::State(MessageState::Delivered)
        );
        // the text after ACKED's padding is still its own field
        assert_eq!(
            p(b"id:1 stat:ACKED   err:003 text: ").err.unwrap().value,
            ErrValue::Decimal(3)
        );
    }

    #[test]
    fn bare_state_word_without_key() {
        let r = p(b"id:86 submit date:1410160730 done date:1410160730 DELIVRD err:000");
        assert_eq!(r.state(), Some(MessageState::Delivered));
        assert_eq!(r.remainder, b"");
        let r = p(b"id:86 stat: UNDELIV err:1");
        assert_eq!(r.state(), Some(MessageState::Undeliverable));
    }

    #[test]
    fn err_forms() {
        let e = |s: &[u8]| p(s).err.unwrap().value;
        assert_eq!(e(b"err:0"), ErrValue::Decimal(0));
        assert_eq!(e(b"err:21"), ErrValue::Decimal(21));
        assert_eq!(e(b"err:0000"), ErrValue::Decimal(0));
        assert_eq!(e(b"err:4A6"), ErrValue::Hex(0x4A6));
        assert_eq!(e(b"err:21b"), ErrValue::Hex(0x21B));
        assert_eq!(e(b"err:00B"), ErrValue::Hex(0xB));
        assert_eq!(e(b"err:xxx"), ErrValue::Text);
        assert_eq!(e(b"err:"), ErrValue::Empty);
        assert_eq!(e(b"err:123456789"), ErrValue::Text);
        assert_eq!(ErrValue::Hex(5).numeric(), Some(5));
        assert_eq!(ErrValue::Text.numeric(), None);
    }

    #[test]
    fn date_lengths() {
        let d = |s: &[u8]| parse_date(s);
        let v = d(b"1005232039").unwrap();
        assert_eq!(
            (v.layout, v.datetime.year, v.datetime.minute),
            (DateLayout::Yymmddhhmm, 2010, 39)
        );
        let v = d(b"110206193041").unwrap();
        assert_eq!(v.layout, DateLayout::Yymmddhhmmss);
        assert_eq!(
            v.datetime,
            CivilDateTime::new(2011, 2, 6, 19, 30, 41).unwrap()
        );
        // month 15 as YYMMDDhhmmss is impossible: YYYYMMDDhhmm
        let v = d(b"201506201641").unwrap();
        assert_eq!(v.layout, DateLayout::Yyyymmddhhmm);
        assert_eq!(
            v.datetime,
            CivilDateTime::new(2015, 6, 20, 16, 41, 0).unwrap()
        );
        let v = d(b"20110314181534").unwrap();
        assert_eq!(v.layout, DateLayout::Yyyymmddhhmmss);
        assert_eq!(
            v.datetime,
            CivilDateTime::new(2011, 3, 14, 18, 15, 34).unwrap()
        );
        let v = d(b"180711070003912+").unwrap();
        assert_eq!(v.layout, DateLayout::SmppAbsolute);
        assert_eq!((v.tenths, v.offset_quarters), (Some(9), Some(12)));
        let utc = CivilDateTime::new(2018, 7, 11, 4, 0, 3)
            .unwrap()
            .to_system_time()
            .unwrap();
        assert_eq!(
            v.to_system_time(0),
            Some(utc + std::time::Duration::from_millis(900))
        );
        // local 10-digit date read in an assumed zone (UTC+01:00)
        let v = d(b"1005232039").unwrap();
        let utc = CivilDateTime::new(2010, 5, 23, 19, 39, 0)
            .unwrap()
            .to_system_time()
            .unwrap();
        assert_eq!(v.to_system_time(4), Some(utc));
        for bad in [
            &b"0000000000"[..],
            b"1013010000",
            b"100523203",
            b"2023010112000000",
            b"10052320x9",
            b"",
        ] {
            assert_eq!(d(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        // raw kept even when unparsable
        let r = p(b"submit date:0000000000 stat:BADSTAT");
        assert_eq!(
            r.submit_date,
            Some(ReceiptDate {
                raw: b"0000000000",
                value: None
            })
        );
    }

    #[test]
    fn text_contents() {
        let r = p(b"id:1 stat:DELIVRD err:000 text:Hello, how are you? 10:30 stat:ok done");
        assert_eq!(r.text, Some(&b"Hello, how are you? 10:30 stat:ok done"[..]));
        let r = p(b"id:1 stat:DELIVRD err:000 text:caf\xe9 \x1b\x80\xff end\0");
        assert_eq!(r.text, Some(&b"caf\xe9 \x1b\x80\xff end"[..]));
        let r = p(b"id:1 stat:DELIVRD err:000 text:none                ");
        assert_eq!(r.text, Some(&b"none                "[..]));
        let r = p(b"id:1 stat:DELIVRD text:@$#!%&/:\0\0");
        assert_eq!(r.text, Some(&b"@$#!%&/:"[..]));
    }

    #[test]
    fn truncated_mid_key() {
        for s in [
            &b"id:1 sub:001 dlvrd:001 submit date:1005232039 done date:1005242339 stat:DELIVRD err:000 te"[..],
            b"id:1 sub:001 dlvrd:001 submit da",
            b"id:1 stat:DELIVRD e",
            b"id:1 stat:DELIVRD Tex",
        ] {
            let r = p(s);
            assert!(r.truncated, "{}", String::from_utf8_lossy(s));
            assert_eq!(r.text, None);
            assert_eq!(r.remainder, b"");
        }
        assert!(!p(STD).truncated);
    }

    #[test]
    fn prefix_and_remainder() {
        let r = p(b"4790000000SMSAlert^id:1054BC63 sub:0 dlvrd:1 submit date:0610231217 done date:0610231217 stat:DELIVRD err: text:");
        assert_eq!(r.prefix, b"4790000000SMSAlert^");
        assert_eq!(r.id, Some(&b"1054BC63"[..]));
        let r = p(b"id:0123456789 sub:001 dlvrd:001 submit date:0809011130 done date:0809011131 stat:DELIVRD err:000 testing jsmpp bow");
        assert_eq!(r.text, None);
        assert_eq!(r.remainder, b"testing jsmpp bow");
        let r = p(b"id:40072910491419819 sub:001 dlvrd:001 submit date:1007291049 done date:1007291049 stat:UNDELIV err:001 IMSI: MSC: ORN:VipNet MCCMNC:");
        assert_eq!(r.remainder, b"IMSI: MSC: ORN:VipNet MCCMNC:");
        assert_eq!(r.state(), Some(MessageState::Undeliverable));
    }

    #[test]
    fn unparsed_outcomes() {
        let s = b"00,0210021543,0210021500,,447887123456,1";
        assert_eq!(parse(s), ParseOutcome::Unparsed(s));
        assert_eq!(parse(b""), ParseOutcome::Unparsed(b""));
        assert_eq!(
            parse(b"hello world"),
            ParseOutcome::Unparsed(b"hello world")
        );
        // "valid:" is not "id:" (a word boundary is required)
        assert_eq!(parse(b"valid:1"), ParseOutcome::Unparsed(b"valid:1"));
        assert_eq!(parse(b"hello").receipt(), None);
    }

    #[test]
    fn utf16_receipts() {
        let text = "id:0123 sub:001 dlvrd:001 submit date:1005232039 done date:1005242339 stat:DELIVRD err:000 text:Hi";
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(looks_like_utf16be_ascii(&be));
        assert_eq!(parse(&be), ParseOutcome::Unparsed(&be[..]));
        let mut scratch = [0u8; 512];
        let r = parse_any(&be, &mut scratch).receipt().unwrap();
        assert!(r.utf16);
        assert_eq!(r.id, Some(&b"0123"[..]));
        assert_eq!(r.text, Some(&b"Hi"[..]));
        // ASCII input goes through the first path untouched
        let mut scratch2 = [0u8; 4];
        assert!(!parse_any(STD, &mut scratch2).receipt().unwrap().utf16);
        // scratch too small: unparsed, no panic
        let mut tiny = [0u8; 8];
        assert_eq!(parse_any(&be, &mut tiny), ParseOutcome::Unparsed(&be[..]));
        // unpaired surrogate
        let mut odd = be.clone();
        odd.extend_from_slice(&[0xD8, 0x00]);
        let r = parse_any(&odd, &mut scratch).receipt().unwrap();
        assert_eq!(r.text, Some("Hi\u{FFFD}".as_bytes()));
        assert!(!looks_like_utf16be_ascii(b"id:1"));
    }

    fn unescape(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        let mut it = s.bytes();
        while let Some(c) = it.next() {
            if c != b'\\' {
                out.push(c);
                continue;
            }
            match it.next() {
                Some(b't') => out.push(b'\t'),
                Some(b'n') => out.push(b'\n'),
                Some(b'r') => out.push(b'\r'),
                Some(b'0') => out.push(0),
                Some(b'x') => {
                    let h = [it.next().unwrap(), it.next().unwrap()];
                    out.push(u8::from_str_radix(std::str::from_utf8(&h).unwrap(), 16).unwrap());
                }
                Some(other) => out.push(other),
                None => {}
            }
        }
        out
    }

    fn trimmed(input: &[u8]) -> &[u8] {
        let mut end = input.len();
        while end > 0 && matches!(input[end - 1], 0 | b'\r' | b'\n') {
            end -= 1;
        }
        &input[..end]
    }

    #[test]
    fn fast_path_agrees_with_general_tokeniser() {
        let corpus = include_str!("../../tests/data/receipts.tsv");
        let mut fast = 0;
        let mut inputs: Vec<Vec<u8>> = corpus
            .lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
            .map(|l| unescape(l.split('\t').nth(1).unwrap()))
            .collect();
        inputs.push(STD.to_vec());
        inputs.push(b"id:1 sub:001 dlvrd:001 submit date:1005232039 done date:1005242339 stat:DELIVRD err:000 text:a stat:x".to_vec());
        inputs.push(b"id:1 sub:001 dlvrd:001 submit date:1005232039 done date:1005242339 stat:DELIVRD err:000".to_vec());
        inputs.push(b"id:1 sub:001 dlvrd:001 submit date:1005232039 done date:1005242339 stat:delivrd err: Text:\0".to_vec());
        for input in &inputs {
            let s = trimmed(input);
            if let Some(r) = parse_standard(s) {
                fast += 1;
                assert_eq!(
                    ParseOutcome::Receipt(r),
                    parse_general(input, s),
                    "{}",
                    String::from_utf8_lossy(input)
                );
            }
        }
        assert!(fast >= 40, "fast path taken only {fast} times");
    }

    proptest::proptest! {
        #[test]
        fn fast_path_agrees_on_generated_layouts(
            id in "[ -~]{0,12}", sub in "[0-9a-z.]{0,4}", sd in "[0-9+]{0,16}", stat in "(DELIVRD|delivrd|ENROUTE|FAILED|ACKED|X)",
            err in "[0-9A-Fx]{0,4}", text in proptest::option::of("[ -~]{0,25}"), cap in proptest::bool::ANY,
        ) {
            let mut v = format!("id:{id} sub:{sub} dlvrd:{sub} submit date:{sd} done date:{sd} stat:{stat} err:{err}");
            if let Some(t) = text {
                v.push_str(if cap { " Text:" } else { " text:" });
                v.push_str(&t);
            }
            let s = v.as_bytes();
            if let Some(r) = parse_standard(s) {
                proptest::prop_assert_eq!(ParseOutcome::Receipt(r), parse_general(s, s));
            }
        }
    }
}
