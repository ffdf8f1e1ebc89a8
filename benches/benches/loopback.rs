//! Our client → our server over TCP loopback, against a raw request/response ping-pong
//! of same-sized frames on a tokio socket pair (the baseline). Client and server each
//! run on their own current-thread runtime and OS thread (one per core on a 2-core box).

#![allow(missing_docs)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use smpp_proto::pdu::{
    Body, EsmClass, MessageIdResp, Pdu, RegisteredDelivery, SequenceNumber, SubmitSm,
};
use smpp_proto::session::Reply;
use smpp_tokio::{ClientBuilder, ClientEvent, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;

const MSG_ID: &str = "0123456789abcdef";

fn sm(receipt: bool) -> SubmitSm {
    let rd = if receipt {
        RegisteredDelivery::FINAL
    } else {
        RegisteredDelivery::default()
    };
    SubmitSm::new("Shop", "4512345678", &b"Hello, world"[..]).with_registered_delivery(rd)
}

fn frame_sizes() -> (usize, usize) {
    let req = Pdu::new(SequenceNumber(1), Body::SubmitSm(sm(false)))
        .to_bytes()
        .unwrap()
        .len();
    let resp = Pdu::new(
        SequenceNumber(1),
        Body::SubmitSmResp(MessageIdResp::new(MSG_ID)),
    )
    .to_bytes()
    .unwrap()
    .len();
    (req, resp)
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

/// The baseline: one request frame out, one response frame back, `window` outstanding,
/// on a plain tokio TCP socket pair (reader and writer halves, no protocol work).
struct PingPong {
    rt: Runtime,
    stream: Option<tokio::net::TcpStream>,
    req: Vec<u8>,
    resp_len: usize,
}

fn ping_pong_pair() -> PingPong {
    let (req_len, resp_len) = frame_sizes();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        rt().block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(l.local_addr().unwrap()).unwrap();
            let (s, _) = l.accept().await.unwrap();
            s.set_nodelay(true).unwrap();
            let (mut r, mut w) = s.into_split();
            let resp = vec![0u8; resp_len];
            let mut buf = vec![0u8; 64 * 1024];
            let mut carry = 0usize;
            let mut out = Vec::with_capacity(64 * 1024);
            loop {
                let n = match r.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                carry += n;
                out.clear();
                while carry >= req_len {
                    carry -= req_len;
                    out.extend_from_slice(&resp);
                }
                if w.write_all(&out).await.is_err() {
                    return;
                }
            }
        });
    });
    let addr = rx.recv().unwrap();
    let rt = rt();
    let stream = rt.block_on(async {
        let s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.set_nodelay(true).unwrap();
        s
    });
    PingPong {
        rt,
        stream: Some(stream),
        req: vec![0u8; req_len],
        resp_len,
    }
}

impl PingPong {
    fn run(&mut self, window: usize, n: u64) -> Duration {
        let s = self.stream.take().unwrap();
        let req = self.req.clone();
        let resp_len = self.resp_len;
        let t = Instant::now();
        let s = self.rt.block_on(async move {
            let mut s = s;
            let (mut r, mut w) = s.split();
            let mut buf = vec![0u8; 64 * 1024];
            let (mut sent, mut done, mut carry) = (0u64, 0u64, 0usize);
            let mut out = Vec::with_capacity(req.len() * window);
            while done < n {
                out.clear();
                while sent < n && sent - done < window as u64 {
                    out.extend_from_slice(&req);
                    sent += 1;
                }
                if !out.is_empty() {
                    w.write_all(&out).await.unwrap();
                }
                let k = r.read(&mut buf).await.unwrap();
                carry += k;
                done += (carry / resp_len) as u64;
                carry %= resp_len;
            }
            s
        });
        self.stream = Some(s);
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
