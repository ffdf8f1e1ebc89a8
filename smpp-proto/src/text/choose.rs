//! Choosing the cheapest exact encoding for a text, and its cost in segments.

use super::{Alphabet, MessageClass, ShiftTables, gsm7};
use crate::segment::Concat;

/// One air-interface SMS carries 140 octets of user data (UDH included).
pub const SMS_OCTETS: usize = 140;

/// An encoding a text can be sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextEncoding {
    /// GSM 7-bit, with national shift tables when not [`ShiftTables::NONE`].
    Gsm7(ShiftTables),
    /// Latin-1, sized as 8-bit data (the conservative rule of smpp-reference §10.4).
    Latin1,
    /// UCS-2 / UTF-16BE.
    Ucs2,
}

impl TextEncoding {
    /// The alphabet (for [`encode`](super::encode) / [`Coding`](super::Coding)).
    pub fn alphabet(self) -> Alphabet {
        match self {
            Self::Gsm7(_) => Alphabet::Gsm7,
            Self::Latin1 => Alphabet::Latin1,
            Self::Ucs2 => Alphabet::Ucs2,
        }
    }

    /// The `data_coding` octet to send (Latin-1 has no class form: the class is ignored).
    pub fn data_coding(self, class: Option<MessageClass>) -> u8 {
        let a = self.alphabet();
        a.data_coding(class)
            .or_else(|| a.data_coding(None))
            .unwrap_or(0)
    }

    /// The shift tables (GSM only).
    pub fn tables(self) -> ShiftTables {
        match self {
            Self::Gsm7(t) => t,
            _ => ShiftTables::NONE,
        }
    }
}

/// Units (septets, octets or UTF-16 units) that fit in one SMS with a `udh_len`-octet UDH
/// (UDHL included; 0 = no UDH). This is the table of smpp-reference §10.5.
///
/// ```
/// use smpp_proto::text::{capacity, TextEncoding, ShiftTables};
/// let gsm = TextEncoding::Gsm7(ShiftTables::NONE);
/// assert_eq!((capacity(gsm, 0), capacity(gsm, 6), capacity(gsm, 7)), (160, 153, 152));
/// assert_eq!((capacity(TextEncoding::Ucs2, 0), capacity(TextEncoding::Ucs2, 6)), (70, 67));
/// assert_eq!(capacity(TextEncoding::Latin1, 7), 133);
/// assert_eq!(capacity(gsm, 9), 149); // 8-bit concat + one shift IE
/// ```
pub fn capacity(encoding: TextEncoding, udh_len: usize) -> usize {
    let octets = SMS_OCTETS.saturating_sub(udh_len);
    match encoding {
        TextEncoding::Gsm7(_) => octets * 8 / 7,
        TextEncoding::Latin1 => octets,
        TextEncoding::Ucs2 => octets / 2,
    }
}

/// UDH length (UDHL included) of one part: a concatenation IE of `concat_ie` octets (0 for
/// none, 5 for the 8-bit reference, 6 for the 16-bit one) plus 3 octets per shift IE; 0 when
/// there is no IE at all.
pub fn udh_len_for(concat_ie: usize, tables: &ShiftTables) -> usize {
    let ies = concat_ie + 3 * tables.ie_count();
    if ies == 0 { 0 } else { ies + 1 }
}

/// Concatenation IE length for a method (0 when the SMSC builds the header: SAR, payload;
/// those are sized like the 8-bit reference).
pub(crate) fn concat_ie_len(method: Concat) -> usize {
    match method {
        Concat::Udh16 => 6,
        Concat::Udh8 | Concat::Sar | Concat::Payload => 5,
    }
}

/// What the caller allows [`choose`] to use. The default allows GSM 7-bit and UCS-2 only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EncodingPolicy {
    /// National shift table combinations worth trying (empty: never; the default).
    /// Use only toward SMSCs and handsets known to support them.
    pub national: Vec<ShiftTables>,
    /// Latin-1 may be used (the peer delivers it).
    pub latin1: bool,
    /// Apply [`transliterate`](super::transliterate) before choosing (off by default).
    pub transliterate: bool,
}

/// Number of segments and room left in the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SegmentCount {
    /// Segments needed (1 when the text fits a single message).
    pub segments: usize,
    /// Units (septets / octets / UTF-16 units) still free in the last segment.
    pub remaining: usize,
}

/// The encoding chosen for a text and its cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The encoding.
    pub encoding: TextEncoding,
    /// Total units of the encoded text.
    pub units: usize,
    counts: [SegmentCount; 3],
}

impl Choice {
    /// Segments needed with `method` (SAR and message_payload are sized like the 8-bit
    /// reference because the SMSC adds that header on the air).
    pub fn segments(&self, method: Concat) -> SegmentCount {
        let i = match method {
            Concat::Udh8 => 0,
            Concat::Udh16 => 1,
            Concat::Sar | Concat::Payload => 2,
        };
        self.counts.get(i).copied().unwrap_or(SegmentCount {
            segments: 0,
            remaining: 0,
        })
    }
}

/// Greedy filling of segments of `cap` units without splitting a character.
#[derive(Clone, Copy)]
struct Greedy {
    cap: usize,
    parts: usize,
    used: usize,
}

impl Greedy {
    fn new(cap: usize) -> Self {
        Self {
            cap,
            parts: 1,
            used: 0,
        }
    }

    #[inline]
    fn add(&mut self, cost: usize) {
        if self.used + cost > self.cap {
            self.parts += 1;
            self.used = cost;
        } else {
            self.used += cost;
        }
    }
}

/// Cost a text in `encoding`; `None` if not representable.
fn cost(text: &str, encoding: TextEncoding) -> Option<Choice> {
    let tables = encoding.tables();
    let single_cap = capacity(encoding, udh_len_for(0, &tables));
    let mut g = [
        Greedy::new(capacity(
            encoding,
            udh_len_for(concat_ie_len(Concat::Udh8), &tables),
        )),
        Greedy::new(capacity(
            encoding,
            udh_len_for(concat_ie_len(Concat::Udh16), &tables),
        )),
        Greedy::new(capacity(
            encoding,
            udh_len_for(concat_ie_len(Concat::Sar), &ShiftTables::NONE),
        )),
    ];
    let mut units = 0usize;
    let mut feed = |c: usize, g: &mut [Greedy; 3]| {
        units += c;
        for x in g.iter_mut() {
            x.add(c);
        }
    };
    match encoding {
        TextEncoding::Gsm7(t) => {
            if t.is_default() {
                // Fast check on the septet count, then a greedy pass only if needed.
                let n = gsm7::septet_count(text, &t)?;
                if n <= single_cap {
                    let one = SegmentCount {
                        segments: 1,
                        remaining: single_cap - n,
                    };
                    return Some(Choice {
                        encoding,
                        units: n,
                        counts: [one; 3],
                    });
                }
            }
            let r = gsm7::Resolved::new(&t);
            for ch in text.chars() {
                let (_, e) = r.encode_char(ch)?;
                feed(1 + usize::from(e.is_some()), &mut g);
            }
        }
        TextEncoding::Latin1 => {
            for ch in text.chars() {
                if u32::from(ch) > 0xFF {
                    return None;
                }
                feed(1, &mut g);
            }
        }
        TextEncoding::Ucs2 => {
            for ch in text.chars() {
                feed(ch.len_utf16(), &mut g);
            }
        }
    }
    let counts = if units <= single_cap {
        [SegmentCount {
            segments: 1,
            remaining: single_cap - units,
        }; 3]
    } else {
        g.map(|x| SegmentCount {
            segments: x.parts,
            remaining: x.cap - x.used,
        })
    };
    Some(Choice {
        encoding,
        units,
        counts,
    })
}

/// Pick the cheapest exact encoding `policy` allows for `text`: the fewest segments (8-bit
/// reference sizing), preferring GSM 7-bit, then GSM 7-bit with national tables (most room
/// left first), then Latin-1, then UCS-2 (always possible). Transliteration is not applied
/// here (see [`EncodingPolicy::transliterate`]).
///
/// ```
/// use smpp_proto::segment::Concat;
/// use smpp_proto::text::{choose, EncodingPolicy, ShiftTables, TextEncoding};
/// let c = choose("Hello", &EncodingPolicy::default());
/// assert_eq!(c.encoding, TextEncoding::Gsm7(ShiftTables::NONE));
/// assert_eq!(c.segments(Concat::Udh8).remaining, 155);
/// let c = choose(&"😀".repeat(40), &EncodingPolicy::default());
/// assert_eq!(c.encoding, TextEncoding::Ucs2);
/// assert_eq!(c.segments(Concat::Udh8).segments, 2); // 80 units: 67 + 13, no pair split
/// ```
pub fn choose(text: &str, policy: &EncodingPolicy) -> Choice {
    if let Some(c) = cost(text, TextEncoding::Gsm7(ShiftTables::NONE)) {
        return c;
    }
    choose_among_others(text, policy)
}

/// [`choose`] for a text known not to fit the GSM 7-bit default alphabet: the encoding only.
pub(crate) fn choose_not_default(text: &str, policy: &EncodingPolicy) -> TextEncoding {
    if policy.national.is_empty() && !policy.latin1 {
        // UCS-2 is the only candidate left.
        return TextEncoding::Ucs2;
    }
    choose_among_others(text, policy).encoding
}

/// The cheapest of the national tables, Latin-1 and UCS-2 that `policy` allows.
fn choose_among_others(text: &str, policy: &EncodingPolicy) -> Choice {
    let key = |c: &Choice, pref: usize| {
        (
            c.segments(Concat::Udh8).segments,
            pref,
            usize::MAX - c.segments(Concat::Udh8).remaining,
        )
    };
    let mut best: Option<(Choice, (usize, usize, usize))> = None;
    let mut consider = |c: Choice, pref: usize| {
        let k = key(&c, pref);
        if best.as_ref().is_none_or(|(_, bk)| k < *bk) {
            best = Some((c, k));
        }
    };
    for t in &policy.national {
        if let Some(c) = cost(text, TextEncoding::Gsm7(*t)) {
            consider(c, 1);
        }
    }
    if policy.latin1 {
        if let Some(c) = cost(text, TextEncoding::Latin1) {
            consider(c, 2);
        }
    }
    if let Some(c) = cost(text, TextEncoding::Ucs2) {
        consider(c, 3);
    }
    match best {
        Some((c, _)) => c,
        None => Choice {
            encoding: TextEncoding::Ucs2,
            units: 0,
            counts: [SegmentCount {
                segments: 1,
                remaining: capacity(TextEncoding::Ucs2, 0),
            }; 3],
        },
    }
}

/// Cost of `text` in a given encoding, or `None` if it is not representable there.
pub fn cost_in(text: &str, encoding: TextEncoding) -> Option<Choice> {
    cost(text, encoding)
}
