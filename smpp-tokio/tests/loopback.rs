//! Our client against our server over TCP (and TLS) on loopback.

use std::time::Duration;

use smpp_proto::pdu::{Body, CommandStatus, DeliverSm, EsmClass, MessageIdResp};
use smpp_proto::session::{BindKind, Outcome, Reply};
use smpp_tokio::{
    ClientBuilder, ClientEvent, ConnectError, Server, TextOptions, TlsAccept, TlsConnect,
};

async fn server() -> Server {
    Server::builder()
        .authenticator(|b| {
            if b.password == "secret" {
                Ok(())
            } else {
                Err(CommandStatus::InvPaswd)
            }
        })
        .listen("127.0.0.1:0")
        .await
        .unwrap()
}

fn client(s: &Server) -> ClientBuilder {
    ClientBuilder::new(s.local_addr().to_string())
        .system_id("user")
        .password("secret")
}

async fn next_delivery(ev: &mut tokio::sync::mpsc::Receiver<ClientEvent>) -> smpp_tokio::Delivery {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ev.recv())
            .await
            .expect("event in time")
        {
            Some(ClientEvent::Delivery(d)) => return d,
            Some(_) => {}
            None => panic!("events ended"),
        }
    }
}

#[tokio::test]
async fn each_bind_kind_and_submit() {
    let s = server().await;
    for kind in [BindKind::Transmitter, BindKind::Transceiver] {
        let (c, _ev) = client(&s).bind_kind(kind).connect().await.unwrap();
        let sm = smpp_proto::pdu::SubmitSm::new("Shop", "4512345678", &b"hi"[..]);
        let out = c.submit(sm).await.unwrap();
        assert!(out.message_id().is_some(), "{out:?}");
        assert!(matches!(c.unbind().await.unwrap(), Outcome::Ok(_)));
    }
    // A receiver may not submit: refused locally, nothing sent.
    let (c, _ev) = client(&s)
        .bind_kind(BindKind::Receiver)
        .connect()
        .await
        .unwrap();
    let sm = smpp_proto::pdu::SubmitSm::new("Shop", "4512345678", &b"hi"[..]);
    assert!(matches!(
        c.submit(sm).await,
        Err(smpp_tokio::ClientError::Send(_))
    ));
    s.shutdown().await;
}

#[tokio::test]
async fn wrong_password_is_refused() {
    let s = server().await;
    let r = client(&s).password("nope").reconnect(None).connect().await;
    assert!(
        matches!(r, Err(ConnectError::BindRejected(CommandStatus::InvPaswd))),
        "{r:?}"
    );
    assert_eq!(
        s.stats()
            .binds_refused
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}

#[tokio::test]
async fn fifth_bind_per_system_id_is_refused() {
    let s = server().await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(client(&s).connect().await.unwrap());
    }
    assert_eq!(s.binds("user"), 4);
    let r = client(&s).reconnect(None).connect().await;
    assert!(
        matches!(r, Err(ConnectError::BindRejected(CommandStatus::BindFail))),
        "{r:?}"
    );
    drop(held);
}

#[tokio::test]
async fn send_text_long_message_all_parts() {
    let s = server().await;
    let (c, _ev) = client(&s).connect().await.unwrap();
    let text = "€uro ".repeat(70); // escapes: 420 septets -> 3 parts of 153
    let sent = c
        .send_text("Shop", "4512345678", &text, &TextOptions::default())
        .await
        .unwrap();
    assert_eq!(sent.parts.len(), 3);
    assert!(sent.all_ok());
    assert_eq!(sent.data_coding, 0);
    assert!(sent.message_ids().iter().all(Option::is_some));
    let emoji = "Hi 😀".repeat(20);
    let sent = c
        .send_text("Shop", "4512345678", &emoji, &TextOptions::default())
        .await
        .unwrap();
    assert_eq!(sent.data_coding, 8);
    assert!(sent.parts.len() >= 2);
}

#[tokio::test]
async fn window_full_waits_and_everything_resolves() {
    let s = Server::builder()
        .handler(|_, _| async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Reply::ok(Body::SubmitSmResp(MessageIdResp::new("x")))
        })
        .listen("127.0.0.1:0")
        .await
        .unwrap();
    let (c, _ev) = client(&s).window(2).connect().await.unwrap();
    let futs: Vec<_> = (0..20)
        .map(|_| c.submit(smpp_proto::pdu::SubmitSm::new("1", "2", &b"x"[..])))
        .collect();
    let outs = futures_util::future::join_all(futs).await;
    assert!(outs.iter().all(|o| matches!(o, Ok(Outcome::Ok(_)))));
}

fn receipt(id: &str) -> DeliverSm {
    let text = format!(
        "id:{id} sub:001 dlvrd:001 submit date:2311231200 done date:2311231201 stat:DELIVRD err:000 text:hi"
    );
    smpp_proto::pdu::SubmitSm::new("4512345678", "Shop", text.into_bytes())
        .with_esm_class(EsmClass(EsmClass::DELIVERY_RECEIPT))
}

#[tokio::test]
async fn receipts_routed_to_another_bind_and_kept_while_none_bound() {
    let s = server().await;
    // Kept while no receiver is bound.
    s.deliver("user", receipt("a1")).unwrap();
    assert_eq!(s.stored("user"), 1);
    let (tx, _e) = client(&s)
        .bind_kind(BindKind::Transmitter)
        .connect()
        .await
        .unwrap();
    assert_eq!(s.stored("user"), 1, "a transmitter does not receive");
    let (_rx, mut events) = client(&s)
        .bind_kind(BindKind::Receiver)
        .connect()
        .await
        .unwrap();
    let d = next_delivery(&mut events).await;
    assert!(d.is_receipt);
    assert!(d.text.unwrap().starts_with("id:a1"));
    d.ack.accept();
    // Routed to the receiver while the transmitter submits.
    let _ = tx
        .submit(smpp_proto::pdu::SubmitSm::new("1", "2", &b"x"[..]))
        .await
        .unwrap();
    s.deliver("user", receipt("a2")).unwrap();
    let d = next_delivery(&mut events).await;
    assert!(d.text.unwrap().starts_with("id:a2"));
    d.ack.accept();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        s.stats()
            .delivered
            .load(std::sync::atomic::Ordering::Relaxed),
        2
    );
    assert_eq!(s.stored("user"), 0);
}

#[tokio::test]
async fn unacknowledged_delivery_is_redelivered() {
    let s = server().await;
    let (_c, mut events) = client(&s).connect().await.unwrap();
    s.deliver("user", receipt("r1")).unwrap();
    let d = next_delivery(&mut events).await;
    drop(d); // the application crashed before taking it: ESME_RX_T_APPN
    let again = next_delivery(&mut events).await;
    assert!(again.text.unwrap().starts_with("id:r1"));
    again.ack.accept();
}

#[tokio::test]
async fn long_mo_is_reassembled() {
    let s = server().await;
    let (_c, mut events) = client(&s).connect().await.unwrap();
    for (seq, t) in [(2u8, &b"World"[..]), (1, &b"Hello "[..])] {
        let mut sm = vec![5, 0, 3, 7, 2, seq];
        sm.extend_from_slice(t);
        let d = smpp_proto::pdu::SubmitSm::new("4512345678", "1234", sm)
            .with_esm_class(EsmClass(EsmClass::UDHI));
        s.deliver("user", d).unwrap();
    }
    let d = next_delivery(&mut events).await;
    assert_eq!(d.text.as_deref(), Some("Hello World"));
    assert_eq!(d.parts, 2);
    assert!(!d.is_receipt);
    d.ack.accept();
}

#[tokio::test]
async fn server_restart_client_reconnects_every_submit_resolves_once() {
    let s = server().await;
    let addr = s.local_addr();
    let (c, mut events) = client(&s)
        .reconnect(Some(smpp_tokio::Reconnect {
            initial: Duration::from_millis(50),
            max: Duration::from_millis(200),
        }))
        .connect()
        .await
        .unwrap();
    let c2 = c.clone();
    let load = tokio::spawn(async move {
        let mut outcomes = Vec::new();
        for _ in 0..200 {
            let r = c2
                .submit(smpp_proto::pdu::SubmitSm::new("1", "2", &b"x"[..]))
                .await;
            outcomes.push(r);
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        outcomes
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    s.shutdown().await;
    drop(s);
    // Same port again.
    let s2 = Server::builder().listen(&addr.to_string()).await.unwrap();
    let outcomes = tokio::time::timeout(Duration::from_secs(30), load)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(outcomes.len(), 200, "every submit resolved exactly once");
    let ok = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Outcome::Ok(_))))
        .count();
    let lost = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Outcome::ConnectionLost | Outcome::Unbound)))
        .count();
    assert_eq!(ok + lost, 200, "{outcomes:?}");
    assert!(ok > 150);
    let mut saw_disconnect = false;
    while let Ok(ev) = events.try_recv() {
        saw_disconnect |= matches!(ev, ClientEvent::Disconnected { .. });
    }
    assert!(saw_disconnect);
    assert!(
        s2.stats()
            .requests
            .load(std::sync::atomic::Ordering::Relaxed)
            > 0
    );
}

#[tokio::test]
async fn tls_with_a_generated_certificate() {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let cert = ck.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::try_from(ck.signing_key.serialize_der()).unwrap();
    let s = Server::builder()
        .tls(TlsAccept::new(vec![cert.clone()], key).unwrap())
        .listen("127.0.0.1:0")
        .await
        .unwrap();
    let (c, _ev) = ClientBuilder::new(s.local_addr().to_string())
        .system_id("u")
        .password("p")
        .tls(TlsConnect::with_ca(&[cert], "localhost").unwrap())
        .connect()
        .await
        .unwrap();
    let out = c
        .submit(smpp_proto::pdu::SubmitSm::new("1", "2", &b"over tls"[..]))
        .await
        .unwrap();
    assert!(out.is_ok());
    // Plain TCP to a TLS port does not bind.
    let r = ClientBuilder::new(s.local_addr().to_string())
        .reconnect(None)
        .connect()
        .await;
    assert!(r.is_err());
}

#[test]
fn deliver_from_a_thread_outside_the_runtime() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(server());
    let (_c, mut events) = rt.block_on(client(&s).connect()).unwrap();
    // Called from a plain thread while a receiver is bound: the delivery task must be
    // spawned on the server's runtime, not panic with "no reactor running".
    std::thread::scope(|t| {
        t.spawn(|| s.deliver("user", receipt("x1")).unwrap());
    });
    let d = rt.block_on(next_delivery(&mut events));
    assert!(d.text.unwrap().starts_with("id:x1"));
    d.ack.accept();
    rt.block_on(s.shutdown());
}

fn receipt_for(id: &str, stat: &str) -> DeliverSm {
    let text = format!(
        "id:{id} sub:001 dlvrd:001 submit date:2311231200 done date:2311231201 stat:{stat} err:000 text:x"
    );
    let mut sm = smpp_proto::pdu::SubmitSm::new("4512345678", "Shop", text.into_bytes())
        .with_esm_class(EsmClass(EsmClass::DELIVERY_RECEIPT));
    sm.tlvs = smpp_proto::pdu::Tlvs::from_slice(&[smpp_proto::pdu::Tlv::cstring(
        smpp_proto::pdu::TlvTag::ReceiptedMessageId,
        id.to_owned(),
    )])
    .unwrap();
    sm
}

#[tokio::test]
async fn receipts_matched_to_send_text_even_before_the_response() {
    use std::sync::{Arc, OnceLock};
    let me: Arc<OnceLock<Server>> = Arc::new(OnceLock::new());
    let ids = Arc::new(std::sync::atomic::AtomicU64::new(100));
    let (m, i) = (me.clone(), ids.clone());
    let s = Server::builder()
        .handler(move |_, body| {
            let id = format!("{}", i.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
            let srv = m.clone();
            async move {
                if matches!(body, Body::SubmitSm(_)) {
                    // The receipt goes out before the submit_sm_resp (an SMSC race).
                    if let Some(s) = srv.get() {
                        s.deliver("user", receipt_for(&id, "ENROUTE")).unwrap();
                        s.deliver("user", receipt_for(&id, "DELIVRD")).unwrap();
                    }
                    tokio::time::sleep(Duration::from_millis(30)).await;
                }
                Reply::ok(Body::SubmitSmResp(MessageIdResp::new(id)))
            }
        })
        .listen("127.0.0.1:0")
        .await
        .unwrap();
    let addr = s.local_addr();
    assert!(me.set(s).is_ok());
    let (c, mut ev) = ClientBuilder::new(addr.to_string())
        .system_id("user")
        .password("x")
        .auto_ack(true)
        .receipt_matching(smpp_proto::receipt::CorrelatorConfig {
            hold_unknown: Duration::from_secs(1),
            ..Default::default()
        })
        .connect()
        .await
        .unwrap();
    let sent = c
        .send_text(
            "Shop",
            "4512345678",
            &"long text ".repeat(40),
            &TextOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(sent.parts.len(), 3);
    let track = sent.track.expect("a receipt was requested");
    // Every receipt also comes as a Delivery with its parsed form; the message completes
    // once all three parts are DELIVRD.
    let mut parsed = 0;
    let mut matched = 0;
    let finished = loop {
        match tokio::time::timeout(Duration::from_secs(10), ev.recv())
            .await
            .expect("in time")
        {
            Some(ClientEvent::Delivery(d)) => {
                let r = d.receipt.as_ref().expect("parsed receipt");
                assert!(r.message_id.is_some());
                parsed += 1;
            }
            Some(ClientEvent::ReceiptMatched { track: t, .. }) => {
                assert_eq!(t, track);
                matched += 1;
            }
            Some(ClientEvent::MessageFinal {
                track: t,
                state,
                parts,
                ..
            }) => {
                assert_eq!(t, track);
                break (state, parts);
            }
            Some(_) => {}
            None => panic!("events ended"),
        }
    };
    assert_eq!(finished.0, smpp_proto::pdu::MessageState::Delivered);
    assert_eq!(finished.1.len(), 3);
    assert!(
        parsed >= 3 && matched >= 3,
        "parsed {parsed} matched {matched}"
    );
    // A receipt nobody registered is reported, not dropped.
    me.get()
        .unwrap()
        .deliver("user", receipt_for("999999", "UNDELIV"))
        .unwrap();
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ev.recv())
            .await
            .expect("in time")
        {
            Some(ClientEvent::ReceiptUnmatched { state, .. }) => {
                assert_eq!(state, smpp_proto::pdu::MessageState::Undeliverable);
                break;
            }
            Some(_) => {}
            None => panic!("events ended"),
        }
    }
}

/// A synchronous handler answers inside the driver turn: it sees the bound context,
/// its replies (success and error) reach the client in order, and many in flight at
/// once all resolve.
#[tokio::test]
async fn sync_handler_sees_context_and_answers_everything() {
    let s = Server::builder()
        .sync_handler(|ctx, body| match body {
            Body::SubmitSm(sm) if sm.short_message.as_ref() == b"bad" => {
                Reply::error(CommandStatus::InvDstAdr)
            }
            Body::SubmitSm(sm) => {
                let id = format!(
                    "{}-{}",
                    ctx.system_id,
                    String::from_utf8_lossy(sm.short_message.as_ref())
                );
                Reply::ok(Body::SubmitSmResp(MessageIdResp::new(id)))
            }
            _ => Reply::error(CommandStatus::InvCmdId),
        })
        .listen("127.0.0.1:0")
        .await
        .unwrap();
    let (c, _ev) = client(&s).window(50).connect().await.unwrap();
    let futs: Vec<_> = (0..200)
        .map(|i| {
            let text = if i % 10 == 9 {
                "bad".to_owned()
            } else {
                i.to_string()
            };
            c.submit(smpp_proto::pdu::SubmitSm::new("1", "2", text.into_bytes()))
        })
        .collect();
    let outs = futures_util::future::join_all(futs).await;
    for (i, o) in outs.iter().enumerate() {
        let o = o.as_ref().unwrap();
        if i % 10 == 9 {
            assert!(
                matches!(o, Outcome::Rejected { status, .. } if *status == CommandStatus::InvDstAdr),
                "{i}: {o:?}"
            );
        } else {
            assert_eq!(o.message_id(), Some(format!("user-{i}").as_bytes()));
        }
    }
    assert_eq!(
        s.stats()
            .requests
            .load(std::sync::atomic::Ordering::Relaxed),
        200
    );
}

/// Requests are queued when made (not when first polled), in order; past the command
/// queue's 1,024 they wait for room; a dropped `ResponseFuture` does not withdraw its
/// request.
#[tokio::test]
async fn requests_queue_eagerly_in_order_even_past_the_queue() {
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen2 = seen.clone();
    let s = Server::builder()
        .handler(move |_, body| {
            let first = {
                let mut v = seen2.lock().unwrap();
                if let Body::SubmitSm(sm) = &body {
                    v.push(String::from_utf8_lossy(sm.short_message.as_ref()).into_owned());
                }
                v.len() == 1
            };
            async move {
                if first {
                    // Hold the window so the client's command queue fills up.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Reply::ok(Body::SubmitSmResp(MessageIdResp::new("id")))
            }
        })
        .listen("127.0.0.1:0")
        .await
        .unwrap();
    let (c, _ev) = client(&s).window(1).connect().await.unwrap();
    let sm = |i: usize| smpp_proto::pdu::SubmitSm::new("1", "2", i.to_string().into_bytes());
    drop(c.submit(sm(0))); // never polled, still sent
    let futs: Vec<_> = (1..1500).map(|i| c.submit(sm(i))).collect();
    let outs = futures_util::future::join_all(futs).await;
    assert!(outs.iter().all(|o| matches!(o, Ok(Outcome::Ok(_)))));
    let v = seen.lock().unwrap().clone();
    let want: Vec<String> = (0..1500).map(|i| i.to_string()).collect();
    assert_eq!(v, want);
}

/// A response slower than the response timeout resolves the request as `TimedOut`
/// (unknown, not failed), and the late answer is reported with the message id the
/// server assigned; a later request on the same connection still works.
#[tokio::test]
async fn response_timeout_then_late_response_is_reported() {
    let s = Server::builder()
        .handler(|_, body| async move {
            if let Body::SubmitSm(sm) = &body {
                if sm.short_message.as_ref() == b"slow" {
                    tokio::time::sleep(Duration::from_millis(400)).await;
                }
            }
            Reply::ok(Body::SubmitSmResp(MessageIdResp::new("late-id")))
        })
        .listen("127.0.0.1:0")
        .await
        .unwrap();
    let (c, mut ev) = client(&s)
        .response_timeout(Duration::from_millis(100))
        .connect()
        .await
        .unwrap();
    let out = c
        .submit(smpp_proto::pdu::SubmitSm::new("1", "2", &b"slow"[..]))
        .await
        .unwrap();
    assert!(matches!(out, Outcome::TimedOut), "{out:?}");
    let late = loop {
        match tokio::time::timeout(Duration::from_secs(5), ev.recv()).await {
            Ok(Some(ClientEvent::LateResponse { outcome })) => break outcome,
            Ok(Some(_)) => {}
            other => panic!("no late response: {other:?}"),
        }
    };
    assert_eq!(late.message_id(), Some(&b"late-id"[..]));
    let out = c
        .submit(smpp_proto::pdu::SubmitSm::new("1", "2", &b"fast"[..]))
        .await
        .unwrap();
    assert!(out.is_ok());
    assert_eq!(c.stats().timeouts, 1);
}

/// A link that goes silent (bytes from the server black-holed by a proxy) is found
/// dead by the client's enquire_link and its response timeout: the request in flight
/// resolves as connection lost and the client reports the disconnect.
#[tokio::test]
async fn silent_link_is_detected_by_enquire_link() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = Server::builder()
        .handler(|_, _| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Reply::ok(Body::SubmitSmResp(MessageIdResp::new("never")))
        })
        .listen("127.0.0.1:0")
        .await
        .unwrap();
    let upstream = s.local_addr();
    let blackhole = Arc::new(AtomicBool::new(false));
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_addr = proxy.local_addr().unwrap();
    let bh = blackhole.clone();
    tokio::spawn(async move {
        let (down, _) = proxy.accept().await.unwrap();
        let up = tokio::net::TcpStream::connect(upstream).await.unwrap();
        let (mut dr, mut dw) = down.into_split();
        let (mut ur, mut uw) = up.into_split();
        tokio::spawn(async move {
            let mut b = [0u8; 4096];
            while let Ok(n) = dr.read(&mut b).await {
                if n == 0 || uw.write_all(&b[..n]).await.is_err() {
                    break;
                }
            }
        });
        let mut b = [0u8; 4096];
        while let Ok(n) = ur.read(&mut b).await {
            if n == 0 {
                break;
            }
            if !bh.load(Ordering::SeqCst) && dw.write_all(&b[..n]).await.is_err() {
                break;
            }
        }
    });
    let (c, mut ev) = ClientBuilder::new(proxy_addr.to_string())
        .system_id("user")
        .password("x")
        .enquire_link_interval(Some(Duration::from_millis(100)))
        .session_config(|c| c.enquire_link_timeout = Duration::from_millis(200))
        .reconnect(None)
        .connect()
        .await
        .unwrap();
    blackhole.store(true, Ordering::SeqCst);
    let started = std::time::Instant::now();
    let out = c
        .submit(smpp_proto::pdu::SubmitSm::new("1", "2", &b"x"[..]))
        .await
        .unwrap();
    assert!(matches!(out, Outcome::ConnectionLost), "{out:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ev.recv()).await {
            Ok(Some(ClientEvent::Disconnected { reason })) => {
                assert_eq!(
                    reason,
                    smpp_proto::session::CloseReason::EnquireLinkTimeout,
                    "{reason:?}"
                );
                break;
            }
            Ok(Some(_)) => {}
            other => panic!("no disconnect: {other:?}"),
        }
    }
}

/// Shutdown unbinds a bound client (it sees the server's unbind) and closes a
/// connection that never bound, and returns once both are gone.
#[tokio::test]
async fn shutdown_unbinds_bound_and_closes_unbound_connections() {
    use tokio::io::AsyncReadExt;
    let s = server().await;
    let (_c, mut ev) = client(&s).reconnect(None).connect().await.unwrap();
    let mut raw = tokio::net::TcpStream::connect(s.local_addr())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(s.binds("user"), 1);
    tokio::time::timeout(Duration::from_secs(3), s.shutdown())
        .await
        .expect("shutdown in time");
    // The unbound connection was closed: EOF.
    let mut b = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(3), raw.read(&mut b))
        .await
        .expect("closed in time")
        .unwrap_or(0);
    assert_eq!(n, 0);
    loop {
        match tokio::time::timeout(Duration::from_secs(3), ev.recv()).await {
            Ok(Some(ClientEvent::Disconnected { reason })) => {
                assert_eq!(reason, smpp_proto::session::CloseReason::PeerUnbind);
                break;
            }
            Ok(Some(_)) => {}
            other => panic!("no disconnect: {other:?}"),
        }
    }
    assert_eq!(s.binds("user"), 0);
}

/// Requests made from many threads at once (a multi-threaded runtime): some go out
/// from the caller's task, some through the command queue when the connection is busy
/// on another thread; every one resolves once, with its own response, and the order
/// each task made them in is the order the server saw them in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_from_many_threads_each_get_their_own_response() {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    let seen: Arc<Mutex<HashMap<u32, Vec<u32>>>> = Arc::default();
    let seen2 = seen.clone();
    let s = Server::builder()
        .sync_handler(move |_, body| match body {
            Body::SubmitSm(sm) => {
                let text = String::from_utf8_lossy(sm.short_message.as_ref()).into_owned();
                let (task, n) = text.split_once('/').expect("task/n");
                let (task, n): (u32, u32) = (task.parse().unwrap(), n.parse().unwrap());
                seen2.lock().unwrap().entry(task).or_default().push(n);
                Reply::ok(Body::SubmitSmResp(MessageIdResp::new(text)))
            }
            _ => Reply::error(CommandStatus::InvCmdId),
        })
        .listen("127.0.0.1:0")
        .await
        .unwrap();
    let (c, _ev) = client(&s).window(4).connect().await.unwrap();
    let tasks: Vec<_> = (0..8u32)
        .map(|task| {
            let c = c.clone();
            tokio::spawn(async move {
                for n in 0..300u32 {
                    let text = format!("{task}/{n}");
                    let o = c
                        .submit(smpp_proto::pdu::SubmitSm::new(
                            "1",
                            "2",
                            text.clone().into_bytes(),
                        ))
                        .await
                        .unwrap();
                    assert_eq!(o.message_id(), Some(text.as_bytes()), "{o:?}");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 8);
    for (task, ns) in seen.iter() {
        assert_eq!(*ns, (0..300).collect::<Vec<_>>(), "task {task}");
    }
}
