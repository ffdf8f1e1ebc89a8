//! Optional transliteration of typographic characters into GSM 7-bit (off by default).

use std::borrow::Cow;

/// The transliteration table: each character on the left is replaced by the string on the
/// right, which is in the GSM 7-bit default alphabet. Used only when the caller enables it
/// ([`EncodingPolicy::transliterate`](super::EncodingPolicy::transliterate)).
pub const TRANSLITERATIONS: &[(char, &str)] = &[
    ('\u{2018}', "'"),   // left single quotation mark
    ('\u{2019}', "'"),   // right single quotation mark / apostrophe
    ('\u{201A}', "'"),   // single low-9 quotation mark
    ('\u{2032}', "'"),   // prime
    ('\u{201C}', "\""),  // left double quotation mark
    ('\u{201D}', "\""),  // right double quotation mark
    ('\u{201E}', "\""),  // double low-9 quotation mark
    ('\u{2033}', "\""),  // double prime
    ('\u{00AB}', "\""),  // left guillemet
    ('\u{00BB}', "\""),  // right guillemet
    ('\u{2010}', "-"),   // hyphen
    ('\u{2011}', "-"),   // non-breaking hyphen
    ('\u{2012}', "-"),   // figure dash
    ('\u{2013}', "-"),   // en dash
    ('\u{2014}', "-"),   // em dash
    ('\u{2015}', "-"),   // horizontal bar
    ('\u{2212}', "-"),   // minus sign
    ('\u{00A0}', " "),   // no-break space
    ('\u{2002}', " "),   // en space
    ('\u{2003}', " "),   // em space
    ('\u{2009}', " "),   // thin space
    ('\u{202F}', " "),   // narrow no-break space
    ('\u{2026}', "..."), // horizontal ellipsis
    ('\u{2022}', "*"),   // bullet
    ('\u{00B4}', "'"),   // acute accent
    ('`', "'"),          // grave accent (no GSM code)
    ('\u{00D7}', "x"),   // multiplication sign
    ('\u{00F7}', "/"),   // division sign
    ('\u{200B}', ""),    // zero width space
    ('\u{FEFF}', ""),    // zero width no-break space / BOM
];

fn lookup(c: char) -> Option<&'static str> {
    TRANSLITERATIONS
        .iter()
        .find(|&&(k, _)| k == c)
        .map(|&(_, v)| v)
}

/// Replace the characters of [`TRANSLITERATIONS`]; borrows when nothing changes.
///
/// ```
/// assert_eq!(smpp_proto::text::transliterate("“Hi” – it’s…"), "\"Hi\" - it's...");
/// ```
pub fn transliterate(text: &str) -> Cow<'_, str> {
    let Some(first) = text
        .char_indices()
        .find(|&(_, c)| lookup(c).is_some())
        .map(|(i, _)| i)
    else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(text.get(..first).unwrap_or_default());
    for c in text.get(first..).unwrap_or_default().chars() {
        match lookup(c) {
            Some(r) => out.push_str(r),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}
