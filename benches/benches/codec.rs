//! Codec benchmarks (criterion): decode and encode of a 125-octet submit_sm, a deliver_sm
//! delivery receipt, a submit_sm_resp and an enquire_link, by `smpp-proto` and, on the
//! identical octets, by the `rusmpp` 0.4 and `smpp34` 1.5 codecs as baselines.
//!
//! Bench names: `codec/decode/<pdu>/<impl>` and `codec/encode/<pdu>/<impl>`, with
//! `<impl>` one of `smpp-proto`, `rusmpp`, `smpp34`.
//!
//! * **decode**: from the frame octets to the codec's fully decoded PDU type. Inputs
//!   are prepared outside the timed section in batches of 64 and the decoded values (the
//!   `Result`s, checked beforehand) are dropped outside it too (same for the three). Ours gets a clone of a prebuilt shared
//!   `Bytes` frame (one atomic increment, what a session's framer hands over); rusmpp a
//!   `BytesMut` holding the frame, already of the shared kind (its codec's read buffer);
//!   smpp34 a `&[u8]` of the frame.
//! * **encode**: from a prebuilt PDU value to octets. Ours and rusmpp write into one
//!   reused `BytesMut` (cleared each iteration); smpp34's only API is
//!   `encode(self) -> Vec<u8>`, so it gets a clone made outside the timed section, and
//!   the returned `Vec` is dropped outside it.
//!
//! Run: `cargo bench -p smpp-benches --bench codec -- --warm-up-time 1 --measurement-time 3`.

mod common;

use std::hint::black_box;

use bytes::BytesMut;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use smpp_proto::pdu::Pdu;

use common::{Case, Smpp34Pdu, rusmpp_decode, rusmpp_encode, rusmpp_input};

/// Inputs prepared (and outputs dropped) per timed batch.
const BATCH: BatchSize = BatchSize::NumIterations(64);

fn decode(c: &mut Criterion) {
    for case in Case::ALL {
        case.check();
        let wire = case.wire();
        let frame = case.frame();
        let mut g = c.benchmark_group(format!("codec/decode/{}", case.name()));
        g.bench_function("smpp-proto", |b| {
            b.iter_batched(|| frame.clone(), |f| Pdu::decode(black_box(f)), BATCH);
        });
        g.bench_function("rusmpp", |b| {
            b.iter_batched(
                || rusmpp_input(&wire),
                |mut src| rusmpp_decode(black_box(&mut src)),
                BATCH,
            );
        });
        g.bench_function("smpp34", |b| {
            b.iter_batched(|| (), |()| Smpp34Pdu::decode(black_box(&wire)), BATCH);
        });
        g.finish();
    }
}

fn encode(c: &mut Criterion) {
    for case in Case::ALL {
        let wire = case.wire();
        let ours = case.ours();
        let theirs = rusmpp_decode(&mut rusmpp_input(&wire)).expect("decodes");
        let smpp34 = Smpp34Pdu::decode(&wire).expect("decodes");
        let mut g = c.benchmark_group(format!("codec/encode/{}", case.name()));
        g.bench_function("smpp-proto", |b| {
            let mut buf = BytesMut::with_capacity(1024);
            b.iter(|| {
                buf.clear();
                black_box(&ours).encode(&mut buf).expect("encodes");
                black_box(&buf);
            });
        });
        g.bench_function("rusmpp", |b| {
            let mut buf = BytesMut::with_capacity(1024);
            b.iter(|| {
                buf.clear();
                rusmpp_encode(black_box(&theirs), &mut buf);
                black_box(&buf);
            });
        });
        g.bench_function("smpp34", |b| {
            b.iter_batched(|| smpp34.clone(), |p| black_box(p).encode(), BATCH);
        });
        g.finish();
    }
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
