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
    for (o, c) in out.iter_mut().zip(s.chunks(2)) {
        match c {
            [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => *o = (a - b'0') * 10 + (b - b'0'),
            _ => return None,
        }
    }
    Some(out)
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
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0)
}

/// Case-insensitive match of `pat` at the start of `s`; a space in `pat` also matches `_`.
#[inline]
fn matches_at(s: &[u8], pat: &[u8]) -> bool {
    s.len() >= pat.len()
        && s.iter()
            .zip(pat)
            .all(|(&c, &p)| c.to_ascii_lowercase() == p || (p == b' ' && c == b'_'))
}

const KEYS: [(&[u8], Field); 9] = [
    (b"id:", Field::Id),
    (b"sub:", Field::Sub),
    (b"dlvrd:", Field::Dlvrd),
    (b"submit date:", Field::SubmitDate),
    (b"done date:", Field::DoneDate),
    (b"stat:", Field::Stat),
    (b"err:", Field::Err),
    (b"text:", Field::Text),
    (b"txt:", Field::Text),
];

/// The key starting at `s`, if any: its field and length including the colon.
#[inline]
fn key_at(s: &[u8]) -> Option<(Field, usize)> {
    let first = s.first()?.to_ascii_lowercase();
    let cands: &[(&[u8], Field)] = match first {
        b'i' => KEYS.get(0..1)?,
        b's' => KEYS.get(1..6)?,
        b'd' => KEYS.get(2..5)?,
        b'e' => KEYS.get(6..7)?,
        b't' => KEYS.get(7..9)?,
        _ => return None,
    };
    cands
        .iter()
        .find(|(p, _)| matches_at(s, p))
        .map(|&(p, f)| (f, p.len()))
}

/// `s` (to the end of input) is a proper beginning of a key: a receipt cut mid-key.
fn is_cut_key(s: &[u8]) -> bool {
    !s.is_empty()
        && KEYS.iter().any(|(p, _)| {
            s.len() < p.len()
                && p.iter()
                    .zip(s)
                    .all(|(&pc, &sc)| sc.to_ascii_lowercase() == pc || (pc == b' ' && sc == b'_'))
        })
}

/// End of a one-word value starting at `from`: the first separator, or the first position where
/// a key of a field not yet seen begins (some SMSCs omit the blank between fields).
#[inline]
fn word_end(s: &[u8], from: usize, seen: u8) -> usize {
    let mut j = from;
    while let Some(&c) = s.get(j) {
        if is_sep(c) {
            break;
        }
        if j > from && matches!(c | 0x20, b's' | b'd' | b'e' | b't') {
            if let Some((f, _)) = s.get(j..).and_then(key_at) {
                if seen & bit(f) == 0 && f != Field::Id {
                    break;
                }
            }
        }
        j += 1;
    }
    j
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
/// For text that may be UTF-16, use [`parse_any`].
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
    'fields: while let Some((field, klen)) = s.get(i..).and_then(key_at) {
        let v = i + klen;
        seen |= bit(field);
        i = match field {
            Field::Text => {
                // Runs to the end, or to a word-initial key of a field not yet seen.
                let mut j = v;
                let mut stop = s.len();
                while j < s.len() {
                    if j > v && s.get(j - 1).is_some_and(|&p| is_sep(p)) {
                        if let Some((f, _)) = s.get(j..).and_then(key_at) {
                            if seen & bit(f) == 0 {
                                stop = j;
                                break;
                            }
                        }
                    }
                    j += 1;
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
            if let Some((f, _)) = s.get(i..).and_then(key_at) {
                if seen & bit(f) == 0 {
                    if rem.is_some() {
                        rem_closed = true;
                    }
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
