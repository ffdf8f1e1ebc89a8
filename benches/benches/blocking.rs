//! The blocking client next to the tokio client, both against smpp-tokio's server on
//! loopback: batches of `submit_sm` → `submit_sm_resp` at window 1 (one request at a
//! time: pure round-trip latency, thread hand-offs included) and window 10.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use smpp_proto::pdu::SubmitSm;

const BATCH: usize = 100;

fn sm() -> SubmitSm {
    SubmitSm::new("Shop", "4512345678", &b"Hello, world"[..])
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let server_rt = runtime();
    let server = server_rt
        .block_on(
            smpp_tokio::Server::builder()
                .max_binds_per_system_id(16)
                .listen("127.0.0.1:0"),
        )
        .unwrap();
    let addr = server.local_addr().to_string();
    let mut g = c.benchmark_group("loopback_submit");
    g.throughput(Throughput::Elements(BATCH as u64));
    for window in [1usize, 10] {
        let client_rt = runtime();
        let (tokio_client, _tokio_events) = client_rt
            .block_on(
                smpp_tokio::ClientBuilder::new(addr.clone())
                    .system_id("bench")
                    .window(window)
                    .connect(),
            )
            .unwrap();
        let (blocking_client, _blocking_events) = smpp_blocking::ClientBuilder::new(addr.clone())
            .system_id("bench")
            .window(window)
            .connect()
            .unwrap();
        g.bench_with_input(BenchmarkId::new("tokio", window), &window, |b, &w| {
            b.iter(|| {
                client_rt.block_on(async {
                    if w == 1 {
                        for _ in 0..BATCH {
                            black_box(tokio_client.submit(sm()).await.unwrap());
                        }
                    } else {
                        let futs = (0..BATCH).map(|_| tokio_client.submit(sm()));
                        for r in futures_util::future::join_all(futs).await {
                            black_box(r.unwrap());
                        }
                    }
                });
            });
        });
        g.bench_with_input(BenchmarkId::new("blocking", window), &window, |b, &w| {
            b.iter(|| {
                if w == 1 {
                    for _ in 0..BATCH {
                        black_box(blocking_client.submit(sm()).unwrap());
                    }
                } else {
                    for r in blocking_client.submit_many((0..BATCH).map(|_| sm())) {
                        black_box(r.unwrap());
                    }
                }
            });
        });
        drop(blocking_client);
        client_rt.block_on(tokio_client.close());
    }
    g.finish();
    server_rt.block_on(server.shutdown());
}

criterion_group!(benches, bench);
criterion_main!(benches);
