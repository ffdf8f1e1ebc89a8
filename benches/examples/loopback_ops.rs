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

#[path = "../benches/ping_pong/mod.rs"]
mod ping_pong;

use smpp_proto::pdu::{Body, MessageIdResp};
use smpp_proto::session::Reply;
use smpp_tokio::{ClientBuilder, Server};

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
                    Reply::ok(Body::SubmitSmResp(MessageIdResp::new(ping_pong::MSG_ID)))
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
        let sm = ping_pong::submit_sm();
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

/// The bench's baseline (`benches/ping_pong/mod.rs`).
fn raw(window: usize, n: usize) {
    let addr = ping_pong::serve();
    rt().block_on(async move {
        let mut s = ping_pong::connect(addr).await;
        ping_pong::run(&mut s, window, 2000).await; // warm-up
        let t = Instant::now();
        ping_pong::run(&mut s, window, n as u64).await;
        println!("{:?}", t.elapsed());
    });
}
