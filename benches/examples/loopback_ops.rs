//! Fixed-size loopback runs for instruction counting (`scripts/loopback-icount.sh`):
//! our client → our server over TCP loopback, `window` submits in flight, `n` submits
//! after a warm-up. Run under callgrind twice (n and 2n); the difference divided by n
//! is the user-space instruction cost of one submit round trip, client and server
//! together (tokio, channels, both sessions, the codec; not the kernel).
//!
//! Usage: `loopback_ops <window> <n>`, or `loopback_ops <window> <n> ping-pong` for the
//! baseline of the `loopback` bench (same-sized frames on a plain tokio socket pair).
//! Prints the wall time of the `n` measured round trips.

use std::sync::Arc;
use std::time::Instant;

use smpp_proto::pdu::{Body, MessageIdResp, Pdu, SequenceNumber, SubmitSm};
use smpp_proto::session::Reply;
use smpp_tokio::{ClientBuilder, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let ping_pong = args.last().is_some_and(|a| a == "ping-pong");
    if ping_pong {
        args.pop();
    }
    let nums: Vec<usize> = args.iter().map(|a| a.parse().expect("a number")).collect();
    let [window, n] = nums.as_slice() else {
        eprintln!("usage: loopback_ops <window> <n> [ping-pong]");
        std::process::exit(2);
    };
    let (window, n) = (*window, *n);
    if ping_pong {
        return raw(window, n);
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        rt().block_on(async move {
            let s = Server::builder()
                .session_config(|c| c.max_inbound_unanswered = 1000)
                .sync_handler(|_, _| {
                    Reply::ok(Body::SubmitSmResp(MessageIdResp::new("0123456789abcdef")))
                })
                .listen("127.0.0.1:0")
                .await
                .expect("listen");
            tx.send(s.local_addr()).expect("send addr");
            std::future::pending::<()>().await;
        });
    });
    let addr = rx.recv().expect("addr");
    rt().block_on(async move {
        let (c, _ev) = ClientBuilder::new(addr.to_string())
            .system_id("bench")
            .window(window)
            .connect()
            .await
            .expect("connect");
        let c = Arc::new(c);
        let sm = SubmitSm::new("Shop", "4512345678", &b"Hello, world"[..]);
        for count in [2000, n] {
            let t = Instant::now();
            let per = count / window;
            let tasks: Vec<_> = (0..window)
                .map(|_| {
                    let c = c.clone();
                    let sm = sm.clone();
                    tokio::spawn(async move {
                        for _ in 0..per {
                            let o = c.submit(sm.clone()).await.expect("outcome");
                            assert!(o.is_ok());
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.expect("task");
            }
            if count == n {
                println!("{:?}", t.elapsed());
            }
        }
    });
}

/// The bench's baseline: a request frame out, a response frame back, `window`
/// outstanding, no protocol work.
fn raw(window: usize, n: usize) {
    let sm = SubmitSm::new("Shop", "4512345678", &b"Hello, world"[..]);
    let req_len = Pdu::new(SequenceNumber(1), Body::SubmitSm(sm))
        .to_bytes()
        .expect("encode")
        .len();
    let resp = Pdu::new(
        SequenceNumber(1),
        Body::SubmitSmResp(MessageIdResp::new("0123456789abcdef")),
    )
    .to_bytes()
    .expect("encode");
    let resp_len = resp.len();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        rt().block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(l.local_addr().expect("addr")).expect("send addr");
            let (s, _) = l.accept().await.expect("accept");
            s.set_nodelay(true).expect("nodelay");
            let (mut r, mut w) = s.into_split();
            let mut buf = vec![0u8; 64 * 1024];
            let (mut carry, mut out) = (0usize, Vec::with_capacity(64 * 1024));
            loop {
                let k = match r.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(k) => k,
                };
                carry += k;
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
    let addr = rx.recv().expect("addr");
    rt().block_on(async move {
        let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
        s.set_nodelay(true).expect("nodelay");
        let (mut r, mut w) = s.split();
        let req = vec![0u8; req_len];
        let mut buf = vec![0u8; 64 * 1024];
        for count in [2000, n] {
            let t = Instant::now();
            let (mut sent, mut done, mut carry) = (0usize, 0usize, 0usize);
            let mut out = Vec::with_capacity(req_len * window);
            while done < count {
                out.clear();
                while sent < count && sent - done < window {
                    out.extend_from_slice(&req);
                    sent += 1;
                }
                if !out.is_empty() {
                    w.write_all(&out).await.expect("write");
                }
                carry += r.read(&mut buf).await.expect("read");
                done += carry / resp_len;
                carry %= resp_len;
            }
            if count == n {
                println!("{:?}", t.elapsed());
            }
        }
    });
}
