//! Runs one text operation N times, for instruction counts under callgrind:
//!
//! ```text
//! cargo build --release -p smpp-benches --example text_ops
//! valgrind --tool=callgrind --toggle-collect='text_ops::run*' \
//!     target/release/examples/text_ops <op> 1000
//! ```
//!
//! `<op>`: encode, decode, encode_packed, decode_packed, ucs2_encode, ucs2_decode, split,
//! split_mixed. Divide `Collected` instructions by N for the per-call cost.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use smpp_proto::segment::{Concat, SplitOptions, split_text};
use smpp_proto::text::{EncodingPolicy, ShiftTables, Strictness, gsm7, ucs2};

fn gsm_text() -> String {
    let base =
        "The quick brown fox jumps over the lazy dog, 0123456789! Prices: 5€ (approx.) @home. ";
    base.chars().cycle().take(1000).collect()
}

fn cycle(s: &str) -> String {
    s.chars().cycle().take(1000).collect()
}

#[inline(never)]
fn run(op: &str, n: usize) -> usize {
    let text = gsm_text();
    let utext = cycle("Привет, мир! Hello 😀 ");
    let mixed = cycle("Hello [world] 5€ ünïcödé ");
    let t = &ShiftTables::NONE;
    let st = Strictness::Strict;
    let mut septets = Vec::new();
    gsm7::encode(&text, t, st, &mut septets).unwrap();
    let mut packed = Vec::new();
    gsm7::encode_packed(&text, t, st, 0, &mut packed).unwrap();
    let mut units = Vec::new();
    ucs2::encode(&utext, &mut units);
    let mut out = Vec::with_capacity(4096);
    let mut s = String::with_capacity(4096);
    let policy = EncodingPolicy::default();
    let opts = SplitOptions::new(Concat::Udh8, 7);
    let mut acc = 0usize;
    match op {
        "encode" => run_encode(n, &text, &mut out, &mut acc),
        "decode" => run_decode(n, &septets, &mut s, &mut acc),
        "encode_packed" => run_encode_packed(n, &text, &mut out, &mut acc),
        "decode_packed" => run_decode_packed(n, &packed, &mut s, &mut acc),
        "ucs2_encode" => run_ucs2_encode(n, &utext, &mut out, &mut acc),
        "ucs2_decode" => run_ucs2_decode(n, &units, &mut s, &mut acc),
        "split" => run_split(n, &text, &policy, &opts, &mut acc),
        "split_mixed" => run_split(n, &mixed, &policy, &opts, &mut acc),
        other => panic!("unknown op {other}"),
    }
    acc
}

#[inline(never)]
fn run_encode(n: usize, text: &str, out: &mut Vec<u8>, acc: &mut usize) {
    for _ in 0..n {
        out.clear();
        gsm7::encode(black_box(text), &ShiftTables::NONE, Strictness::Strict, out).unwrap();
        *acc += out.len();
    }
}

#[inline(never)]
fn run_decode(n: usize, septets: &[u8], s: &mut String, acc: &mut usize) {
    for _ in 0..n {
        s.clear();
        gsm7::decode(
            black_box(septets),
            &ShiftTables::NONE,
            Strictness::Strict,
            s,
        )
        .unwrap();
        *acc += s.len();
    }
}

#[inline(never)]
fn run_encode_packed(n: usize, text: &str, out: &mut Vec<u8>, acc: &mut usize) {
    for _ in 0..n {
        out.clear();
        gsm7::encode_packed(
            black_box(text),
            &ShiftTables::NONE,
            Strictness::Strict,
            0,
            out,
        )
        .unwrap();
        *acc += out.len();
    }
}

#[inline(never)]
fn run_decode_packed(n: usize, packed: &[u8], s: &mut String, acc: &mut usize) {
    for _ in 0..n {
        s.clear();
        gsm7::decode_packed(
            black_box(packed),
            0,
            &ShiftTables::NONE,
            Strictness::Strict,
            s,
        )
        .unwrap();
        *acc += s.len();
    }
}

#[inline(never)]
fn run_ucs2_encode(n: usize, text: &str, out: &mut Vec<u8>, acc: &mut usize) {
    for _ in 0..n {
        out.clear();
        ucs2::encode(black_box(text), out);
        *acc += out.len();
    }
}

#[inline(never)]
fn run_ucs2_decode(n: usize, units: &[u8], s: &mut String, acc: &mut usize) {
    for _ in 0..n {
        s.clear();
        ucs2::decode(black_box(units), Strictness::Strict, s).unwrap();
        *acc += s.len();
    }
}

#[inline(never)]
fn run_split(n: usize, text: &str, policy: &EncodingPolicy, opts: &SplitOptions, acc: &mut usize) {
    for _ in 0..n {
        let split = split_text(black_box(text), policy, opts).unwrap();
        *acc += split.parts.len();
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let op = args.next().unwrap_or_else(|| "encode".to_owned());
    let n = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    println!("{op} x{n}: {}", black_box(run(&op, n)));
}
