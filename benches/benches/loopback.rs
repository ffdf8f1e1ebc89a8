//! Our client → our server over TCP loopback, against a raw request/response ping-pong
//! of same-sized frames on a tokio socket pair (the baseline). Client and server each
//! run on their own current-thread runtime and OS thread (one per core on a 2-core box).

#![allow(missing_docs)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use smpp_proto::pdu::{Body, EsmClass, MessageIdResp, RegisteredDelivery, SubmitSm};
use smpp_proto::session::Reply;
use smpp_tokio::{ClientBuilder, ClientEvent, Server};
use tokio::runtime::Runtime;

mod ping_pong;
use ping_pong::MSG_ID;

fn sm(receipt: bool) -> SubmitSm {
    let rd = if receipt {
        RegisteredDelivery::FINAL
    } else {
        RegisteredDelivery::default()
    };
    ping_pong::submit_sm().with_registered_delivery(rd)
}

fn rt() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A server on its own thread; receipts (when asked for) go back as deliver_sm.
fn start_server() -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        rt().block_on(async move {
            let me: Arc<std::sync::OnceLock<Arc<Server>>> = Arc::default();
            let me2 = me.clone();
            let s = Server::builder()
                .session_config(|c| {
                    c.max_inbound_unanswered = 1000;
                    c.window = 100;
                })
                .handler(move |ctx, body| {
                    if let Body::SubmitSm(s) = &body {
                        if s.registered_delivery != RegisteredDelivery::default() {
                            let r = SubmitSm::new(
                                "4512345678",
                                "Shop",
                                &b"id:0123456789abcdef sub:001 dlvrd:001 submit date:2311231200 done date:2311231201 stat:DELIVRD err:000 text:Hello"[..],
                            )
                            .with_esm_class(EsmClass(EsmClass::DELIVERY_RECEIPT));
                            if let Some(srv) = me2.get() {
                                let _ = srv.deliver(&ctx.system_id, r);
                            }
                        }
                    }
                    async { Reply::ok(Body::SubmitSmResp(MessageIdResp::new(MSG_ID))) }
                })
                .listen("127.0.0.1:0")
                .await
                .unwrap();
            let s = Arc::new(s);
            tx.send(s.local_addr()).unwrap();
            let _ = me.set(s);
            std::future::pending::<()>().await;
        });
    });
    rx.recv().unwrap()
}

struct Smpp {
    rt: Runtime,
    client: smpp_tokio::Client,
    receipts: Arc<AtomicU64>,
}

fn smpp_client(addr: SocketAddr, window: usize) -> Smpp {
    let rt = rt();
    let receipts = Arc::new(AtomicU64::new(0));
    let r2 = receipts.clone();
    let client = rt.block_on(async move {
        let (c, mut ev) = ClientBuilder::new(addr.to_string())
            .system_id("bench")
            .window(window)
            .auto_ack(true)
            .connect()
            .await
            .unwrap();
        tokio::spawn(async move {
            while let Some(e) = ev.recv().await {
                if let ClientEvent::Delivery(d) = e {
                    drop(d);
                    r2.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        c
    });
    Smpp {
        rt,
        client,
        receipts,
    }
}

impl Smpp {
    /// `n` submits with `window` of them in flight (one task per slot); with receipts,
    /// also waits for the `n` deliver_sm receipts.
    fn run(&self, window: usize, n: u64, receipt: bool) -> Duration {
        let per = n / window as u64;
        let want = self.receipts.load(Ordering::Relaxed) + per * window as u64;
        let t = Instant::now();
        self.rt.block_on(async {
            let tasks: Vec<_> = (0..window)
                .map(|_| {
                    let c = self.client.clone();
                    let sm = sm(receipt);
                    tokio::spawn(async move {
                        for _ in 0..per {
                            let o = c.submit(sm.clone()).await.unwrap();
                            debug_assert!(o.is_ok());
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
            if receipt {
                while self.receipts.load(Ordering::Relaxed) < want {
                    tokio::task::yield_now().await;
                }
            }
        });
        t.elapsed()
    }
}

/// The baseline (see `ping_pong/mod.rs`): one connection kept across iterations.
struct PingPong {
    rt: Runtime,
    stream: tokio::net::TcpStream,
}

fn ping_pong_pair() -> PingPong {
    let addr = ping_pong::serve();
    let rt = rt();
    let stream = rt.block_on(ping_pong::connect(addr));
    PingPong { rt, stream }
}

impl PingPong {
    fn run(&mut self, window: usize, n: u64) -> Duration {
        let t = Instant::now();
        self.rt
            .block_on(ping_pong::run(&mut self.stream, window, n));
        t.elapsed()
    }
}

fn bench(c: &mut Criterion) {
    const N: u64 = 10_000;
    let addr = start_server();
    let mut g = c.benchmark_group("loopback");
    g.throughput(Throughput::Elements(N));
    let mut pp = ping_pong_pair();
    for window in [1usize, 10, 100] {
        g.bench_with_input(BenchmarkId::new("ping_pong", window), &window, |b, &w| {
            b.iter_custom(|iters| (0..iters).map(|_| pp.run(w, N)).sum());
        });
        let client = smpp_client(addr, window);
        for receipt in [false, true] {
            let name = if receipt { "submit_receipt" } else { "submit" };
            g.bench_with_input(BenchmarkId::new(name, window), &window, |b, &w| {
                b.iter_custom(|iters| (0..iters).map(|_| client.run(w, N, receipt)).sum());
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
