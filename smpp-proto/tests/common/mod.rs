//! Shared helpers for the codec tests: fixture loading.
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

use bytes::Bytes;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// Parses a `.hex` fixture: `#` comment lines, hex digits, whitespace ignored.
pub fn parse_hex(text: &str) -> Vec<u8> {
    let digits: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(|l| l.chars())
        .filter(|c| c.is_ascii_hexdigit())
        .collect();
    assert!(digits.len() % 2 == 0, "odd number of hex digits");
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap())
        .collect()
}

/// The octets of fixture `name` (without `.hex`).
pub fn fixture(name: &str) -> Bytes {
    let text = std::fs::read_to_string(data_dir().join(format!("{name}.hex")))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"));
    Bytes::from(parse_hex(&text))
}

/// Every fixture as (name, octets), sorted by name.
pub fn all_fixtures() -> Vec<(String, Bytes)> {
    let mut v: Vec<_> = std::fs::read_dir(data_dir())
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "hex").then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .map(|n| {
            let b = fixture(&n);
            (n, b)
        })
        .collect();
    v.sort();
    v
}
