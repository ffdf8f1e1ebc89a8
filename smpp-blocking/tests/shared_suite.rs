//! One behavioural suite, run against both adapters' clients (smpp-tokio's `Client` and
//! smpp-blocking's `Client`) talking to smpp-tokio's `Server` on loopback. Both run the
//! same core loop, so any difference here is an I/O bug in one adapter.
//!
//! The server lives on its own tokio runtime, so "the server goes away" is dropping that
//! runtime: every socket closes at once, as when the process dies.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::result_large_err
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rustls::pki_types::CertificateDer;
use smpp_proto::pdu::{Body, CommandStatus, DeliverSm, EsmClass, MessageIdResp, SubmitSm};
use smpp_proto::session::{BindKind, Outcome, Reply};
use smpp_tokio::{Server, TlsAccept};

// ---- the SMSC --------------------------------------------------------------------

struct Smsc {
    rt: Option<tokio::runtime::Runtime>,
    server: Option<Server>,
    in_flight_max: Arc<AtomicUsize>,
    tls_ca: Option<CertificateDer<'static>>,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

#[derive(Default, Clone, Copy)]
struct SmscOpts {
    /// Handler delay per submit.
    delay: Option<Duration>,
    tls: bool,
}

fn smsc(o: SmscOpts) -> Smsc {
    let rt = runtime();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let in_flight_max = Arc::new(AtomicUsize::new(0));
    let (inf, max) = (in_flight.clone(), in_flight_max.clone());
    let ids = Arc::new(AtomicUsize::new(1));
    let mut b = Server::builder()
        .authenticator(|b| {
            if b.password == "secret" {
                Ok(())
            } else {
                Err(CommandStatus::InvPaswd)
            }
        })
        .handler(move |_, _body| {
            let n = inf.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(n, Ordering::SeqCst);
            let inf = inf.clone();
            let id = ids.fetch_add(1, Ordering::Relaxed);
            async move {
                if let Some(d) = o.delay {
                    tokio::time::sleep(d).await;
                }
                inf.fetch_sub(1, Ordering::SeqCst);
                Reply::ok(Body::SubmitSmResp(MessageIdResp::new(format!("m{id}"))))
            }
        });
    let mut tls_ca = None;
    if o.tls {
        let ck = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let cert = ck.cert.der().clone();
        let key =
            rustls::pki_types::PrivateKeyDer::try_from(ck.signing_key.serialize_der()).unwrap();
        b = b.tls(TlsAccept::new(vec![cert.clone()], key).unwrap());
        tls_ca = Some(cert);
    }
    let server = rt.block_on(b.listen("127.0.0.1:0")).unwrap();
    Smsc {
        rt: Some(rt),
        server: Some(server),
        in_flight_max,
        tls_ca,
    }
}

impl Smsc {
    fn server(&self) -> &Server {
        self.server.as_ref().unwrap()
    }
    fn opts(&self) -> Opts {
        Opts {
            addr: self.server().local_addr().to_string(),
            password: "secret".into(),
            kind: BindKind::Transceiver,
            window: 10,
            tls_ca: self.tls_ca.clone(),
            reconnect: false,
        }
    }
    /// The server process "dies": every task and socket goes at once.
    /// The runtime goes first: dropping the `Server` first would make it unbind its
    /// sessions gracefully, which is not a crash.
    fn kill(mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
        drop(self.server.take());
    }
    /// `Server::deliver` spawns onto the ambient runtime, so enter the server's.
    fn deliver(&self, system_id: &str, sm: DeliverSm) -> Result<(), DeliverSm> {
        let _g = self.rt.as_ref().unwrap().enter();
        self.server().deliver(system_id, sm)
    }
    fn delivered(&self) -> u64 {
        self.server().stats().delivered.load(Ordering::Relaxed)
    }
}

fn receipt(id: &str) -> DeliverSm {
    let text = format!(
        "id:{id} sub:001 dlvrd:001 submit date:2311231200 done date:2311231201 stat:DELIVRD err:000 text:hi"
    );
    SubmitSm::new("4512345678", "Shop", text.into_bytes())
        .with_esm_class(EsmClass(EsmClass::DELIVERY_RECEIPT))
}

fn sm() -> SubmitSm {
    SubmitSm::new("Shop", "4512345678", &b"hi"[..])
}

fn eventually(what: &str, f: impl Fn() -> bool) {
    let until = Instant::now() + Duration::from_secs(5);
    while !f() {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

// ---- the small trait both clients implement ------------------------------------------

#[derive(Clone)]
struct Opts {
    addr: String,
    password: String,
    kind: BindKind,
    window: usize,
    tls_ca: Option<CertificateDer<'static>>,
    /// Reconnect quickly (50 ms .. 200 ms) instead of stopping at a drop.
    reconnect: bool,
}

#[derive(Debug)]
#[allow(dead_code, reason = "the message is read through Debug in assertions")]
enum ConnErr {
    Rejected(CommandStatus),
    Other(String),
}

/// A request error, adapter-neutral.
#[derive(Debug)]
#[allow(dead_code, reason = "the message is read through Debug in assertions")]
enum ReqErr {
    Refused,
    Other(String),
}

/// (data_coding, outcomes, message ids)
type Sent = (u8, Vec<Outcome>, Vec<Option<String>>);

struct Dlv {
    is_receipt: bool,
    text: Option<String>,
    parts: usize,
    accept: Box<dyn FnOnce()>,
}

trait Esme: Sized {
    fn connect(o: &Opts) -> Result<Self, ConnErr>;
    fn submit(&self, sm: SubmitSm) -> Result<Outcome, ReqErr>;
    fn submit_many(&self, sms: Vec<SubmitSm>) -> Vec<Result<Outcome, ReqErr>>;
    /// (data_coding, outcomes, message ids)
    fn send_text(&self, text: &str) -> Result<Sent, ReqErr>;
    /// The next delivery (others events skipped), or `None` after `within`.
    fn next_delivery(&self, within: Duration) -> Option<Dlv>;
    fn unbind(&self) -> Result<Outcome, ReqErr>;
}

struct TokioEsme {
    rt: tokio::runtime::Runtime,
    client: smpp_tokio::Client,
    events: std::sync::Mutex<tokio::sync::mpsc::Receiver<smpp_tokio::ClientEvent>>,
}

fn tokio_err(e: smpp_tokio::ClientError) -> ReqErr {
    match e {
        smpp_tokio::ClientError::Send(_) => ReqErr::Refused,
        other => ReqErr::Other(other.to_string()),
    }
}

impl Esme for TokioEsme {
    fn connect(o: &Opts) -> Result<Self, ConnErr> {
        let rt = runtime();
        let mut b = smpp_tokio::ClientBuilder::new(o.addr.clone())
            .system_id("user")
            .password(o.password.clone())
            .bind_kind(o.kind)
            .window(o.window)
            .reconnect(o.reconnect.then(|| smpp_tokio::Reconnect {
                initial: Duration::from_millis(50),
                max: Duration::from_millis(200),
            }));
        if let Some(ca) = &o.tls_ca {
            b = b.tls(
                smpp_tokio::TlsConnect::with_ca(std::slice::from_ref(ca), "localhost").unwrap(),
            );
        }
        match rt.block_on(b.connect()) {
            Ok((client, events)) => Ok(Self {
                rt,
                client,
                events: std::sync::Mutex::new(events),
            }),
            Err(smpp_tokio::ConnectError::BindRejected(s)) => Err(ConnErr::Rejected(s)),
            Err(e) => Err(ConnErr::Other(e.to_string())),
        }
    }
    fn submit(&self, sm: SubmitSm) -> Result<Outcome, ReqErr> {
        self.rt.block_on(self.client.submit(sm)).map_err(tokio_err)
    }
    fn submit_many(&self, sms: Vec<SubmitSm>) -> Vec<Result<Outcome, ReqErr>> {
        let futs = sms.into_iter().map(|s| self.client.submit(s));
        self.rt
            .block_on(futures_util::future::join_all(futs))
            .into_iter()
            .map(|r| r.map_err(tokio_err))
            .collect()
    }
    fn send_text(&self, text: &str) -> Result<Sent, ReqErr> {
        let s = self
            .rt
            .block_on(self.client.send_text(
                "Shop",
                "4512345678",
                text,
                &smpp_tokio::TextOptions::default(),
            ))
            .map_err(tokio_err)?;
        let ids = s.message_ids();
        Ok((s.data_coding, s.parts, ids))
    }
    fn next_delivery(&self, within: Duration) -> Option<Dlv> {
        let mut ev = self.events.lock().unwrap();
        self.rt.block_on(async {
            let until = tokio::time::Instant::now() + within;
            loop {
                match tokio::time::timeout_at(until, ev.recv()).await {
                    Ok(Some(smpp_tokio::ClientEvent::Delivery(d))) => {
                        let ack = d.ack;
                        return Some(Dlv {
                            is_receipt: d.is_receipt,
                            text: d.text,
                            parts: d.parts,
                            accept: Box::new(move || ack.accept()),
                        });
                    }
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => return None,
                }
            }
        })
    }
    fn unbind(&self) -> Result<Outcome, ReqErr> {
        self.rt.block_on(self.client.unbind()).map_err(tokio_err)
    }
}

struct BlockingEsme {
    client: smpp_blocking::Client,
    events: std::sync::Mutex<std::sync::mpsc::Receiver<smpp_blocking::ClientEvent>>,
}

fn blocking_err(e: smpp_blocking::ClientError) -> ReqErr {
    match e {
        smpp_blocking::ClientError::Send(_) => ReqErr::Refused,
        other => ReqErr::Other(other.to_string()),
    }
}

impl Esme for BlockingEsme {
    fn connect(o: &Opts) -> Result<Self, ConnErr> {
        let mut b = smpp_blocking::ClientBuilder::new(o.addr.clone())
            .system_id("user")
            .password(o.password.clone())
            .bind_kind(o.kind)
            .window(o.window)
            .reconnect(o.reconnect.then(|| smpp_blocking::Reconnect {
                initial: Duration::from_millis(50),
                max: Duration::from_millis(200),
            }))
            .call_timeout(Duration::from_secs(10));
        if let Some(ca) = &o.tls_ca {
            b = b.tls(
                smpp_blocking::TlsConnect::with_ca(std::slice::from_ref(ca), "localhost").unwrap(),
            );
        }
        match b.connect() {
            Ok((client, events)) => Ok(Self {
                client,
                events: std::sync::Mutex::new(events),
            }),
            Err(smpp_blocking::ConnectError::BindRejected(s)) => Err(ConnErr::Rejected(s)),
            Err(e) => Err(ConnErr::Other(e.to_string())),
        }
    }
    fn submit(&self, sm: SubmitSm) -> Result<Outcome, ReqErr> {
        self.client.submit(sm).map_err(blocking_err)
    }
    fn submit_many(&self, sms: Vec<SubmitSm>) -> Vec<Result<Outcome, ReqErr>> {
        self.client
            .submit_many(sms)
            .into_iter()
            .map(|r| r.map_err(blocking_err))
            .collect()
    }
    fn send_text(&self, text: &str) -> Result<Sent, ReqErr> {
        let s = self
            .client
            .send_text(
                "Shop",
                "4512345678",
                text,
                &smpp_blocking::TextOptions::default(),
            )
            .map_err(blocking_err)?;
        let ids = s.message_ids();
        Ok((s.data_coding, s.parts, ids))
    }
    fn next_delivery(&self, within: Duration) -> Option<Dlv> {
        let until = Instant::now() + within;
        let events = self.events.lock().unwrap();
        loop {
            let left = until.checked_duration_since(Instant::now())?;
            match events.recv_timeout(left) {
                Ok(smpp_blocking::ClientEvent::Delivery(d)) => {
                    let ack = d.ack;
                    return Some(Dlv {
                        is_receipt: d.is_receipt,
                        text: d.text,
                        parts: d.parts,
                        accept: Box::new(move || ack.accept()),
                    });
                }
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }
    fn unbind(&self) -> Result<Outcome, ReqErr> {
        self.client.unbind().map_err(blocking_err)
    }
}

// ---- the behaviours ---------------------------------------------------------------

fn bind_kinds_and_submit<E: Esme>() {
    let s = smsc(SmscOpts::default());
    for kind in [BindKind::Transmitter, BindKind::Transceiver] {
        let c = E::connect(&Opts { kind, ..s.opts() }).unwrap();
        let out = c.submit(sm()).unwrap();
        assert!(out.message_id().is_some(), "{out:?}");
        assert!(matches!(c.unbind().unwrap(), Outcome::Ok(_)));
    }
    let rx = E::connect(&Opts {
        kind: BindKind::Receiver,
        ..s.opts()
    })
    .unwrap();
    assert!(matches!(rx.submit(sm()), Err(ReqErr::Refused)));
    s.kill();
}

fn wrong_password_is_refused<E: Esme>() {
    let s = smsc(SmscOpts::default());
    let r = E::connect(&Opts {
        password: "nope".into(),
        ..s.opts()
    });
    assert!(
        matches!(r, Err(ConnErr::Rejected(CommandStatus::InvPaswd))),
        "{:?}",
        r.err()
    );
    s.kill();
}

fn window_is_kept_and_everything_resolves<E: Esme>() {
    let s = smsc(SmscOpts {
        delay: Some(Duration::from_millis(20)),
        ..SmscOpts::default()
    });
    let c = E::connect(&Opts {
        window: 3,
        ..s.opts()
    })
    .unwrap();
    let outs = c.submit_many((0..20).map(|_| sm()).collect());
    assert_eq!(outs.len(), 20);
    assert!(
        outs.iter().all(|o| matches!(o, Ok(Outcome::Ok(_)))),
        "{outs:?}"
    );
    let max = s.in_flight_max.load(Ordering::SeqCst);
    assert!((2..=3).contains(&max), "in flight at the SMSC: {max}");
    s.kill();
}

fn send_text_long_message<E: Esme>() {
    let s = smsc(SmscOpts::default());
    let c = E::connect(&s.opts()).unwrap();
    let text = "€uro ".repeat(70); // escapes: 420 septets -> 3 parts of 153
    let (dc, parts, ids) = c.send_text(&text).unwrap();
    assert_eq!((dc, parts.len()), (0, 3));
    assert!(parts.iter().all(Outcome::is_ok));
    assert!(ids.iter().all(Option::is_some));
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 3, "one message id per part: {ids:?}");
    let (dc, parts, _) = c.send_text(&"Hi 😀".repeat(20)).unwrap();
    assert_eq!(dc, 8);
    assert!(parts.len() >= 2);
    s.kill();
}

fn receipts_delivered_and_acked<E: Esme>() {
    let s = smsc(SmscOpts::default());
    s.deliver("user", receipt("a1")).unwrap(); // kept until a receiver binds
    let c = E::connect(&s.opts()).unwrap();
    let d = c.next_delivery(Duration::from_secs(5)).expect("receipt");
    assert!(d.is_receipt);
    assert!(d.text.as_deref().unwrap().starts_with("id:a1"));
    (d.accept)();
    s.deliver("user", receipt("a2")).unwrap();
    let d = c.next_delivery(Duration::from_secs(5)).expect("receipt");
    assert!(d.text.as_deref().unwrap().starts_with("id:a2"));
    (d.accept)();
    eventually("both acks at the SMSC", || s.delivered() == 2);
    assert_eq!(s.server().stored("user"), 0);
    s.kill();
}

fn unacknowledged_delivery_is_redelivered<E: Esme>() {
    let s = smsc(SmscOpts::default());
    let c = E::connect(&s.opts()).unwrap();
    s.deliver("user", receipt("r1")).unwrap();
    let d = c.next_delivery(Duration::from_secs(5)).expect("receipt");
    drop(d); // never accepted: ESME_RX_T_APPN, the SMSC redelivers
    let again = c.next_delivery(Duration::from_secs(5)).expect("redelivery");
    assert!(again.text.as_deref().unwrap().starts_with("id:r1"));
    (again.accept)();
    eventually("the ack at the SMSC", || s.delivered() == 1);
    s.kill();
}

fn long_mo_is_reassembled<E: Esme>() {
    let s = smsc(SmscOpts::default());
    let c = E::connect(&s.opts()).unwrap();
    for (seq, t) in [(2u8, &b"World"[..]), (1, &b"Hello "[..])] {
        let mut sm = vec![5, 0, 3, 7, 2, seq];
        sm.extend_from_slice(t);
        let d = SubmitSm::new("4512345678", "1234", sm).with_esm_class(EsmClass(EsmClass::UDHI));
        s.deliver("user", d).unwrap();
    }
    let d = c.next_delivery(Duration::from_secs(5)).expect("MO");
    assert_eq!(d.text.as_deref(), Some("Hello World"));
    assert_eq!(d.parts, 2);
    assert!(!d.is_receipt);
    (d.accept)();
    eventually("both parts acked", || s.delivered() == 2);
    s.kill();
}

fn server_dies_in_flight_resolve_as_connection_lost<E: Esme + Send + Sync + 'static>() {
    let s = smsc(SmscOpts {
        delay: Some(Duration::from_secs(30)),
        ..SmscOpts::default()
    });
    let c = Arc::new(E::connect(&s.opts()).unwrap());
    let c2 = c.clone();
    let load = std::thread::spawn(move || c2.submit_many((0..5).map(|_| sm()).collect()));
    eventually("5 submits at the SMSC", || {
        s.in_flight_max.load(Ordering::SeqCst) == 5
    });
    let t = Instant::now();
    s.kill();
    let outs = load.join().unwrap();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(outs.len(), 5);
    assert!(
        outs.iter()
            .all(|o| matches!(o, Ok(Outcome::ConnectionLost))),
        "{outs:?}"
    );
    // Afterwards (no reconnect) the client is stopped.
    assert!(c.submit(sm()).is_err());
}

fn server_restart_client_reconnects<E: Esme>() {
    let s = smsc(SmscOpts::default());
    let addr = s.server().local_addr();
    let c = E::connect(&Opts {
        reconnect: true,
        ..s.opts()
    })
    .unwrap();
    assert!(c.submit(sm()).unwrap().is_ok());
    s.kill();
    // Let the client see the drop, so the next submit is made while it is down.
    std::thread::sleep(Duration::from_millis(300));
    // A new SMSC on the same port (the old listener may take a moment to go).
    let rt = runtime();
    let until = Instant::now() + Duration::from_secs(5);
    let s2 = loop {
        match rt.block_on(Server::builder().listen(&addr.to_string())) {
            Ok(s2) => break s2,
            Err(e) => {
                assert!(Instant::now() < until, "rebind {addr}: {e}");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    };
    // Submitted while down: waits for the reconnect, then goes out once.
    let out = c.submit(sm()).unwrap();
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(s2.stats().requests.load(Ordering::Relaxed), 1);
    drop(c);
    drop(s2);
    rt.shutdown_background();
}

fn over_tls<E: Esme>() {
    let s = smsc(SmscOpts {
        tls: true,
        ..SmscOpts::default()
    });
    let c = E::connect(&s.opts()).unwrap();
    let outs = c.submit_many((0..30).map(|_| sm()).collect());
    assert!(
        outs.iter().all(|o| matches!(o, Ok(Outcome::Ok(_)))),
        "{outs:?}"
    );
    s.deliver("user", receipt("t1")).unwrap();
    let d = c
        .next_delivery(Duration::from_secs(5))
        .expect("receipt over TLS");
    (d.accept)();
    eventually("the ack over TLS", || s.delivered() == 1);
    assert!(matches!(c.unbind().unwrap(), Outcome::Ok(_)));
    // Plain TCP to the TLS port does not bind.
    let r = E::connect(&Opts {
        tls_ca: None,
        ..s.opts()
    });
    assert!(r.is_err());
    s.kill();
}

macro_rules! shared_suite {
    ($($name:ident),* $(,)?) => {
        mod tokio_client {
            $( #[test] fn $name() { super::$name::<super::TokioEsme>() } )*
        }
        mod blocking_client {
            $( #[test] fn $name() { super::$name::<super::BlockingEsme>() } )*
        }
    };
}

shared_suite!(
    bind_kinds_and_submit,
    wrong_password_is_refused,
    window_is_kept_and_everything_resolves,
    send_text_long_message,
    receipts_delivered_and_acked,
    unacknowledged_delivery_is_redelivered,
    long_mo_is_reassembled,
    server_dies_in_flight_resolve_as_connection_lost,
    server_restart_client_reconnects,
    over_tls,
);
