//! Runs every row of `tests/data/receipts.tsv` (real-world receipt texts with their sources)
//! through the parser and checks each field against the row's expectations.

use smpp_proto::receipt::{ErrValue, MessageState, ParseOutcome, Receipt, parse_any};

const CORPUS: &str = include_str!("data/receipts.tsv");

fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'\\' => out.push(b'\\'),
                b't' => out.push(b'\t'),
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b'0' => out.push(0),
                b'x' => {
                    out.push(u8::from_str_radix(&s[i + 2..i + 4], 16).expect("bad \\x escape"));
                    i += 2;
                }
                other => panic!("bad escape \\{}", other as char),
            }
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn opt(v: &str) -> Option<Vec<u8>> {
    (v != "~").then(|| unescape(v))
}

fn state_name(s: Option<MessageState>) -> String {
    // The corpus names states in CamelCase (Delivered, Undeliverable...).
    s.map_or_else(
        || "?".to_owned(),
        |s| match s.name() {
            Some(n) => {
                let lower = n.to_ascii_lowercase();
                let mut c = lower.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            }
            None => format!("Other({})", s.value()),
        },
    )
}

fn errv(e: Option<ErrValue>) -> String {
    match e {
        None => "~".into(),
        Some(ErrValue::Empty) => "empty".into(),
        Some(ErrValue::Text) => "text".into(),
        Some(ErrValue::Decimal(v)) => format!("d:{v}"),
        Some(ErrValue::Hex(v)) => format!("h:{v}"),
    }
}

fn civil(r: &Receipt<'_>) -> String {
    r.submit_date.and_then(|d| d.value).map_or_else(
        || "~".into(),
        |v| {
            let c = v.datetime;
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                c.year, c.month, c.day, c.hour, c.minute, c.second
            )
        },
    )
}

#[test]
fn corpus_rows_parse_as_documented() {
    let mut rows = 0;
    let mut sources = std::collections::BTreeSet::new();
    for (n, line) in CORPUS
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#'))
        .skip(1)
    {
        let c: Vec<&str> = line.split('\t').collect();
        assert_eq!(c.len(), 15, "line {}: {} columns", n + 1, c.len());
        rows += 1;
        sources.insert(c[0]);
        let ctx = format!("line {} ({})", n + 1, c[0]);
        let input = unescape(c[1]);
        let mut scratch = vec![0u8; input.len() * 2 + 16];
        let outcome = parse_any(&input, &mut scratch);
        let r = match (c[2], outcome) {
            ("unparsed", ParseOutcome::Unparsed(raw)) => {
                assert_eq!(raw, &input[..], "{ctx}");
                continue;
            }
            ("receipt", ParseOutcome::Receipt(r)) => r,
            (want, got) => panic!("{ctx}: expected {want}, got {got:?}"),
        };
        assert_eq!(r.id.map(<[u8]>::to_vec), opt(c[3]), "{ctx}: id");
        assert_eq!(r.sub.map(|v| v.raw.to_vec()), opt(c[4]), "{ctx}: sub");
        assert_eq!(r.dlvrd.map(|v| v.raw.to_vec()), opt(c[5]), "{ctx}: dlvrd");
        assert_eq!(
            r.submit_date.map(|v| v.raw.to_vec()),
            opt(c[6]),
            "{ctx}: submit date"
        );
        assert_eq!(civil(&r), c[7], "{ctx}: submit date parsed");
        assert_eq!(
            r.done_date.map(|v| v.raw.to_vec()),
            opt(c[8]),
            "{ctx}: done date"
        );
        assert_eq!(r.stat.map(|v| v.raw.to_vec()), opt(c[9]), "{ctx}: stat");
        assert_eq!(state_name(r.state()), c[10], "{ctx}: state");
        assert_eq!(r.err.map(|v| v.raw.to_vec()), opt(c[11]), "{ctx}: err");
        assert_eq!(errv(r.err.map(|e| e.value)), c[12], "{ctx}: err value");
        assert_eq!(r.text.map(<[u8]>::to_vec), opt(c[13]), "{ctx}: text");
        let (mut truncated, mut prefix, mut remainder) = (false, Vec::new(), Vec::new());
        if c[14] != "-" {
            for f in c[14].split(',') {
                if f == "truncated" {
                    truncated = true;
                } else if let Some(p) = f.strip_prefix("prefix=") {
                    prefix = unescape(p);
                } else if let Some(p) = f.strip_prefix("remainder=") {
                    remainder = unescape(p);
                } else {
                    panic!("{ctx}: unknown flag {f}");
                }
            }
        }
        assert_eq!(r.truncated, truncated, "{ctx}: truncated");
        assert_eq!(r.prefix, &prefix[..], "{ctx}: prefix");
        assert_eq!(r.remainder, &remainder[..], "{ctx}: remainder");
    }
    assert!(rows >= 60, "corpus has only {rows} rows");
    assert!(
        sources.len() >= 40,
        "corpus names only {} sources",
        sources.len()
    );
}

#[test]
fn corpus_rows_survive_utf16_encoding() {
    // Some SMSCs send an ASCII receipt as UCS-2: every ASCII row must parse the same that way.
    for line in CORPUS.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        let input = unescape(c[1]);
        if c[2] != "receipt" || !input.iter().all(|b| (0x20..0x7F).contains(b)) {
            continue;
        }
        let be: Vec<u8> = input.iter().flat_map(|&b| [0, b]).collect();
        let mut s1 = vec![0u8; be.len() * 2];
        let mut s2 = vec![0u8; 8];
        let (ParseOutcome::Receipt(a), ParseOutcome::Receipt(b)) =
            (parse_any(&be, &mut s1), parse_any(&input, &mut s2))
        else {
            panic!("{}: UTF-16 form did not parse", c[0]);
        };
        assert!(a.utf16 && !b.utf16);
        assert_eq!(
            (a.id, a.stat, a.err, a.text, a.sub, a.dlvrd),
            (b.id, b.stat, b.err, b.text, b.sub, b.dlvrd),
            "{}",
            c[0]
        );
    }
}
