//! Behaviour specific to the blocking client: timeouts on blocking calls, clean close on
//! drop, many threads sharing one client.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use smpp_blocking::{ClientBuilder, ClientError, ClientEvent, ConnectError};
use smpp_proto::pdu::{Body, MessageIdResp, SubmitSm};
use smpp_proto::session::{Outcome, Reply};
use smpp_tokio::Server;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn sm() -> SubmitSm {
    SubmitSm::new("Shop", "4512345678", &b"hi"[..])
}

#[test]
fn call_timeout_bounds_submit_and_the_late_answer_is_reported() {
    let rt = runtime();
    let s = rt
        .block_on(
            Server::builder()
                .handler(|_, _| async {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    Reply::ok(Body::SubmitSmResp(MessageIdResp::new("slow")))
                })
                .listen("127.0.0.1:0"),
        )
        .unwrap();
    let (c, events) = ClientBuilder::new(s.local_addr().to_string())
        .call_timeout(Duration::from_millis(50))
        .response_timeout(Duration::from_millis(100))
        .connect()
        .unwrap();
    let t = Instant::now();
    assert!(matches!(c.submit(sm()), Err(ClientError::Timeout)));
    assert!(
        t.elapsed() < Duration::from_millis(250),
        "{:?}",
        t.elapsed()
    );
    // The session's own response timeout fires next; the answer then arrives late.
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if let ClientEvent::LateResponse { outcome } = events.recv_timeout(left).unwrap() {
            assert_eq!(outcome.message_id(), Some(&b"slow"[..]));
            break;
        }
    }
}

#[test]
fn connect_to_nothing_fails_fast() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    let r = ClientBuilder::new(addr.to_string()).connect();
    assert!(matches!(r, Err(ConnectError::Io(_))), "{r:?}");
}

#[test]
fn drop_unbinds_cleanly_and_ends_the_threads() {
    let rt = runtime();
    let s = rt
        .block_on(Server::builder().listen("127.0.0.1:0"))
        .unwrap();
    let (c, events) = ClientBuilder::new(s.local_addr().to_string())
        .system_id("dropper")
        .connect()
        .unwrap();
    assert_eq!(s.binds("dropper"), 1);
    let t = Instant::now();
    drop(c);
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    let rest: Vec<_> = events.try_iter().collect();
    assert!(
        matches!(rest.last(), Some(ClientEvent::Stopped)),
        "{rest:?}"
    );
    assert!(rest.iter().any(|e| matches!(
        e,
        ClientEvent::Disconnected {
            reason: smpp_proto::session::CloseReason::LocalUnbind
        }
    )));
    let until = Instant::now() + Duration::from_secs(2);
    while s.binds("dropper") != 0 {
        assert!(Instant::now() < until);
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn many_threads_share_one_client_within_the_window() {
    let rt = runtime();
    let s = rt
        .block_on(Server::builder().listen("127.0.0.1:0"))
        .unwrap();
    let (c, _events) = ClientBuilder::new(s.local_addr().to_string())
        .window(4)
        .connect()
        .unwrap();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || {
                (0..50)
                    .map(|_| c.submit(sm()))
                    .filter(|r| matches!(r, Ok(Outcome::Ok(_))))
                    .count()
            })
        })
        .collect();
    let ok: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(ok, 400);
    assert_eq!(s.stats().requests.load(Ordering::Relaxed), 400);
    assert!(matches!(c.unbind().unwrap(), Outcome::Ok(_)));
    // After unbind the client is stopped.
    assert!(matches!(c.submit(sm()), Err(ClientError::Closed)));
}

#[test]
fn unanswered_deliveries_pause_reading_until_acked() {
    let rt = runtime();
    let s = rt
        .block_on(Server::builder().listen("127.0.0.1:0"))
        .unwrap();
    let (_c, events) = ClientBuilder::new(s.local_addr().to_string())
        .system_id("bp")
        .session_config(|c| c.max_inbound_unanswered = 5)
        .connect()
        .unwrap();
    {
        let _g = rt.enter(); // Server::deliver spawns onto the ambient runtime
        for i in 0..30 {
            let mo = SubmitSm::new("4512345678", "1234", format!("m{i}").into_bytes());
            s.deliver("bp", mo).unwrap();
        }
    }
    let take = |within: Duration| {
        let until = Instant::now() + within;
        let mut got = Vec::new();
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            match events.recv_timeout(left) {
                Ok(ClientEvent::Delivery(d)) => got.push(d),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        got
    };
    // Five unanswered: the session stops reading, nothing more reaches the application
    // (the limit is checked between reads, so PDUs that shared the last read may pass it;
    // the SMSC's window of 10 bounds them).
    let first = take(Duration::from_millis(500));
    assert!((5..=10).contains(&first.len()), "{}", first.len());
    let mut total = first.len();
    for d in first {
        d.ack.accept();
    }
    let until = Instant::now() + Duration::from_secs(10);
    while total < 30 {
        assert!(Instant::now() < until, "only {total} of 30 delivered");
        let more = take(Duration::from_millis(100));
        assert!(more.len() <= 10, "{} unanswered at once", more.len());
        total += more.len();
        for d in more {
            d.ack.accept();
        }
    }
    let until = Instant::now() + Duration::from_secs(5);
    while s.stats().delivered.load(Ordering::Relaxed) < 30 {
        assert!(Instant::now() < until);
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn tls_both_directions_busy_at_once() {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let cert = ck.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::try_from(ck.signing_key.serialize_der()).unwrap();
    let rt = runtime();
    let s = rt
        .block_on(
            Server::builder()
                .tls(smpp_tokio::TlsAccept::new(vec![cert.clone()], key).unwrap())
                .listen("127.0.0.1:0"),
        )
        .unwrap();
    let (c, events) = ClientBuilder::new(s.local_addr().to_string())
        .system_id("tls")
        .tls(smpp_blocking::TlsConnect::with_ca(&[cert], "localhost").unwrap())
        .auto_ack(true)
        .connect()
        .unwrap();
    {
        let _g = rt.enter();
        for i in 0..50 {
            let mo = SubmitSm::new("4512345678", "1234", format!("mo {i}").into_bytes());
            s.deliver("tls", mo).unwrap();
        }
    }
    let outs = c.submit_many((0..500).map(|_| sm()));
    assert!(outs.iter().all(|o| matches!(o, Ok(Outcome::Ok(_)))));
    let until = Instant::now() + Duration::from_secs(10);
    let mut got = 0;
    while got < 50 {
        let left = until.saturating_duration_since(Instant::now());
        if let ClientEvent::Delivery(_) = events.recv_timeout(left).expect("50 MOs") {
            got += 1;
        }
    }
    let until = Instant::now() + Duration::from_secs(5);
    while s.stats().delivered.load(Ordering::Relaxed) < 50 {
        assert!(Instant::now() < until);
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(matches!(c.unbind().unwrap(), Outcome::Ok(_)));
}

#[test]
fn requests_from_many_threads_each_get_their_own_response() {
    use smpp_proto::pdu::CommandStatus;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<HashMap<u32, Vec<u32>>>> = Arc::default();
    let seen2 = seen.clone();
    let rt = runtime();
    let s = rt
        .block_on(
            Server::builder()
                .sync_handler(move |_, body| match body {
                    Body::SubmitSm(sm) => {
                        let text = String::from_utf8_lossy(sm.short_message.as_ref()).into_owned();
                        let (thread, n) = text.split_once('/').expect("thread/n");
                        let (thread, n): (u32, u32) = (thread.parse().unwrap(), n.parse().unwrap());
                        seen2.lock().unwrap().entry(thread).or_default().push(n);
                        Reply::ok(Body::SubmitSmResp(MessageIdResp::new(text)))
                    }
                    _ => Reply::error(CommandStatus::InvCmdId),
                })
                .listen("127.0.0.1:0"),
        )
        .unwrap();
    for window in [1, 4] {
        seen.lock().unwrap().clear();
        let (c, _events) = ClientBuilder::new(s.local_addr().to_string())
            .window(window)
            .connect()
            .unwrap();
        let threads: Vec<_> = (0..8u32)
            .map(|thread| {
                let c = c.clone();
                std::thread::spawn(move || {
                    for n in 0..300u32 {
                        let text = format!("{thread}/{n}");
                        let o = c
                            .submit(SubmitSm::new("1", "2", text.clone().into_bytes()))
                            .unwrap();
                        assert_eq!(o.message_id(), Some(text.as_bytes()), "{o:?}");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        {
            let seen = seen.lock().unwrap();
            assert_eq!(seen.len(), 8);
            for (thread, ns) in seen.iter() {
                assert_eq!(
                    *ns,
                    (0..300).collect::<Vec<_>>(),
                    "window {window}, thread {thread}"
                );
            }
        }
        assert!(matches!(c.unbind().unwrap(), Outcome::Ok(_)));
    }
}

#[test]
fn close_while_many_threads_submit_resolves_every_request_once() {
    let rt = runtime();
    let s = rt
        .block_on(Server::builder().listen("127.0.0.1:0"))
        .unwrap();
    let (c, _events) = ClientBuilder::new(s.local_addr().to_string())
        .window(2)
        .call_timeout(Duration::from_secs(5))
        .connect()
        .unwrap();
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let c = c.clone();
            std::thread::spawn(move || {
                let mut accepted = 0usize;
                loop {
                    match c.submit(sm()) {
                        Ok(Outcome::Ok(_)) => accepted += 1,
                        Ok(Outcome::ConnectionLost) => {}
                        Err(ClientError::Closed) => return accepted,
                        other => panic!("{other:?}"),
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    c.close();
    let accepted: usize = threads.into_iter().map(|h| h.join().unwrap()).sum();
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert!(accepted > 0);
    // Every request the server answered was reported accepted, or lost by the close.
    assert!(s.stats().requests.load(Ordering::Relaxed) >= accepted as u64);
}
