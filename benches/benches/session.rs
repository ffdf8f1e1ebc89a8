//! Request/response round trips through two sessions in memory (pure protocol cost).

#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use smpp_proto::pdu::{Body, MessageIdResp, SubmitSm};
use smpp_proto::session::{BindKind, Event, Reply, SessionConfig};
use smpp_proto::testing::Pair;

/// Runs `n` submit_sm → submit_sm_resp round trips keeping `window` in flight.
fn round_trips(p: &mut Pair, sm: &Body, n: u64) -> u64 {
    let now = p.now;
    let mut sent = 0;
    let mut done = 0;
    while done < n {
        while sent < n && p.esme.can_send() {
            p.esme.send_request(now, sm.clone()).ok();
            sent += 1;
        }
        while let Some(b) = p.esme.poll_transmit() {
            p.smsc.handle_bytes(now, &b);
        }
        while let Some(ev) = p.smsc.poll_event() {
            if let Event::Request { token, .. } = ev {
                let resp = Body::SubmitSmResp(MessageIdResp::new("0123456789abcdef"));
                p.smsc.respond(now, token, Reply::ok(resp)).ok();
            }
        }
        while let Some(b) = p.smsc.poll_transmit() {
            p.esme.handle_bytes(now, &b);
        }
        while let Some(ev) = p.esme.poll_event() {
            if let Event::Response { outcome, .. } = ev {
                black_box(&outcome);
                done += 1;
            }
        }
    }
    done
}

fn bench(c: &mut Criterion) {
    let sm = Body::SubmitSm(SubmitSm::new("Shop", "4512345678", &b"Hello, world"[..]));
    let mut g = c.benchmark_group("session_round_trip");
    for window in [1usize, 10, 100] {
        let mut esme = SessionConfig::esme();
        esme.window = window;
        let mut smsc = SessionConfig::smsc();
        smsc.max_inbound_unanswered = window.max(100);
        let mut p = Pair::bound_with(esme, smsc, BindKind::Transceiver);
        const N: u64 = 1000;
        g.throughput(Throughput::Elements(N));
        g.bench_with_input(BenchmarkId::new("window", window), &window, |b, _| {
            b.iter(|| round_trips(&mut p, &sm, N));
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
