//! Text codec, segmentation and reassembly benchmarks.
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Instant;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smpp_proto::segment::{
    Concat, IncomingPart, Reassembler, ReassemblerConfig, SplitOptions, split_text,
};
use smpp_proto::text::{EncodingPolicy, ShiftTables, Strictness, gsm7, ucs2};

fn gsm_text() -> String {
    let base =
        "The quick brown fox jumps over the lazy dog, 0123456789! Prices: 5€ (approx.) @home. ";
    base.chars().cycle().take(1000).collect()
}

fn bench_text(c: &mut Criterion) {
    let text = gsm_text();
    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Bytes(text.len() as u64));
    let mut out = Vec::with_capacity(2048);
    g.bench_function("gsm7_encode_unpacked_1000", |b| {
        b.iter(|| {
            out.clear();
            gsm7::encode(
                black_box(&text),
                &ShiftTables::NONE,
                Strictness::Strict,
                &mut out,
            )
            .unwrap();
        })
    });
    let mut septets = Vec::new();
    gsm7::encode(&text, &ShiftTables::NONE, Strictness::Strict, &mut septets).unwrap();
    let mut s = String::with_capacity(2048);
    g.bench_function("gsm7_decode_unpacked_1000", |b| {
        b.iter(|| {
            s.clear();
            gsm7::decode(
                black_box(&septets),
                &ShiftTables::NONE,
                Strictness::Strict,
                &mut s,
            )
            .unwrap();
        })
    });
    g.bench_function("gsm7_encode_packed_1000", |b| {
        b.iter(|| {
            out.clear();
            gsm7::encode_packed(
                black_box(&text),
                &ShiftTables::NONE,
                Strictness::Strict,
                0,
                &mut out,
            )
            .unwrap();
        })
    });
    let mut packed = Vec::new();
    gsm7::encode_packed(
        &text,
        &ShiftTables::NONE,
        Strictness::Strict,
        0,
        &mut packed,
    )
    .unwrap();
    g.bench_function("gsm7_decode_packed_1000", |b| {
        b.iter(|| {
            s.clear();
            gsm7::decode_packed(
                black_box(&packed),
                0,
                &ShiftTables::NONE,
                Strictness::Strict,
                &mut s,
            )
            .unwrap();
        })
    });
    let utext: String = "Привет, мир! Hello 😀 "
        .chars()
        .cycle()
        .take(1000)
        .collect();
    g.throughput(Throughput::Bytes(utext.len() as u64));
    g.bench_function("ucs2_encode_1000", |b| {
        b.iter(|| {
            out.clear();
            ucs2::encode(black_box(&utext), &mut out);
        })
    });
    let mut units = Vec::new();
    ucs2::encode(&utext, &mut units);
    g.bench_function("ucs2_decode_1000", |b| {
        b.iter(|| {
            s.clear();
            ucs2::decode(black_box(&units), Strictness::Strict, &mut s).unwrap();
        })
    });
    g.finish();

    let mut g = c.benchmark_group("segment");
    let policy = EncodingPolicy::default();
    let mixed: String = "Hello [world] 5€ ünïcödé "
        .chars()
        .cycle()
        .take(1000)
        .collect();
    let opts = SplitOptions::new(Concat::Udh8, 7);
    g.bench_function("choose_and_split_gsm_1000", |b| {
        b.iter(|| split_text(black_box(&text), &policy, &opts).unwrap())
    });
    g.bench_function("choose_and_split_mixed_ucs2_1000", |b| {
        b.iter(|| split_text(black_box(&mixed), &policy, &opts).unwrap())
    });
    let ten: String = text.chars().cycle().take(1500).collect();
    let split = split_text(&ten, &policy, &opts).unwrap();
    assert_eq!(split.parts.len(), 10);
    let parts: Vec<IncomingPart> = split
        .parts
        .iter()
        .map(|p| {
            IncomingPart::from_short_message(
                Bytes::from_static(b"447700900001"),
                Bytes::from_static(b"12345"),
                p.data_coding,
                p.udhi,
                p.short_message.clone(),
                p.sar,
            )
        })
        .collect();
    let now = Instant::now();
    g.bench_function("reassemble_10_parts", |b| {
        b.iter(|| {
            let mut r = Reassembler::new(ReassemblerConfig::default());
            for p in parts.iter().rev() {
                r.handle_part(p.clone(), now);
            }
            black_box(r.poll_event().unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, bench_text);
criterion_main!(benches);
