//! Fixed-size loopback runs for instruction counting (`scripts/loopback-icount.sh`):
//! our client → our server over TCP loopback, `window` submits in flight, `n` submits
//! after a warm-up. Run under callgrind twice (n and 2n); the difference divided by n
//! is the user-space instruction cost of one submit round trip, client and server
//! together (tokio, channels, both sessions, the codec; not the kernel).
//!
//! Usage: `loopback_ops <window> <n>`.

use std::sync::Arc;

use smpp_proto::pdu::{Body, MessageIdResp, SubmitSm};
use smpp_proto::session::Reply;
use smpp_tokio::{ClientBuilder, Server};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let [window, n] = args.as_slice() else {
        eprintln!("usage: loopback_ops <window> <n>");
        std::process::exit(2);
    };
    let (window, n) = (*window, *n);
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
        }
    });
}
