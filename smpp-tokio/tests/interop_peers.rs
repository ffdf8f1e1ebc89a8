//! smpp-tokio against real third-party SMPP stacks over loopback TCP:
//!
//! * our [`Client`](smpp_tokio::Client) → a node-smpp server (`interop/node_server.js`);
//! * a node-smpp client (`interop/node_client.js`) → our [`Server`];
//! * a python-smpplib client (`interop/smpplib_client.py`) → our [`Server`].
//!
//! The peers are installed by `interop/setup.sh` through the shared harness
//! (`smpp-proto/tests/interop/mod.rs`): without them each test prints
//! `SKIPPED: <test>: <reason>` (and fails with `SMPP_INTEROP=require`). Each peer script
//! reports what it saw as JSON lines on stdout, bounds its own run time, and is killed when
//! its [`Peer`] is dropped. Results and peer quirks: `docs/interop-tokio.md`.

#[path = "../../smpp-proto/tests/interop/mod.rs"]
mod interop;

use std::collections::{BTreeSet, VecDeque};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{Value, json};
use smpp_proto::pdu::{
    Body, CommandStatus, DeliverSm, EsmClass, MessageIdResp, MessageState, SubmitSm,
};
use smpp_proto::receipt::{self, FormatOptions, ReceiptFields};
use smpp_proto::segment::{IncomingPart, Reassembler, ReassemblerConfig, ReassemblyEvent};
use smpp_proto::session::{Outcome, Reply};
use smpp_tokio::{
    BindRequest, ClientBuilder, ClientEvent, Delivery, RequestContext, Server, TextOptions,
};
use tokio::sync::mpsc;

/// How long to wait for one event from a peer or from our side.
const STEP: Duration = Duration::from_secs(15);

/// A running peer script: its JSON lines, its stderr, killed on drop.
struct Peer {
    name: &'static str,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::UnboundedReceiver<Value>,
    /// Events received but not yet asked for.
    backlog: VecDeque<Value>,
    /// Everything received, for failure messages.
    log: Vec<Value>,
    stderr: Arc<Mutex<String>>,
}

impl Peer {
    fn spawn(name: &'static str, mut cmd: Command) -> Self {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {name} ({cmd:?}): {e}"));
        let (tx, lines) = mpsc::unbounded_channel();
        let out = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                let v = serde_json::from_str(&line)
                    .unwrap_or_else(|_| json!({"event": "raw", "line": line}));
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Self {
            name,
            stdin: child.stdin.take(),
            child,
            lines,
            backlog: VecDeque::new(),
            log: Vec::new(),
            stderr,
        }
    }

    fn context(&self) -> String {
        format!(
            "{}: events so far:\n{}\nstderr:\n{}",
            self.name,
            self.log
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
            self.stderr.lock().unwrap()
        )
    }

    /// Writes one JSON line to the peer's stdin.
    fn send(&mut self, v: &Value) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        writeln!(stdin, "{v}").expect("write to peer");
        stdin.flush().expect("flush peer stdin");
    }

    /// Closes the peer's stdin.
    fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The next event named `event` (earlier ones of other names stay in the backlog).
    /// Panics on an `error` or `timeout` event from the peer, or after [`STEP`].
    async fn expect(&mut self, event: &str) -> Value {
        if let Some(i) = self.backlog.iter().position(|v| v["event"] == event) {
            return self.backlog.remove(i).expect("index");
        }
        loop {
            let v = match tokio::time::timeout(STEP, self.lines.recv()).await {
                Ok(Some(v)) => v,
                Ok(None) => panic!("{event}: peer output ended\n{}", self.context()),
                Err(_) => panic!("{event}: nothing from the peer in time\n{}", self.context()),
            };
            self.log.push(v.clone());
            if v["event"] == "error" || v["event"] == "timeout" {
                panic!("waiting for {event}: peer reported {v}\n{}", self.context());
            }
            if v["event"] == event {
                return v;
            }
            self.backlog.push_back(v);
        }
    }

    /// Waits (bounded) for the peer to exit by itself.
    async fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + STEP;
        loop {
            if let Some(st) = self.child.try_wait().expect("try_wait") {
                return st;
            }
            assert!(
                Instant::now() < deadline,
                "peer did not exit\n{}",
                self.context()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for a clean exit (status 0) and returns the events not asked for.
    async fn finish(&mut self) -> Vec<Value> {
        let st = self.wait().await;
        // Drain what it printed before exiting.
        while let Ok(Some(v)) =
            tokio::time::timeout(Duration::from_millis(200), self.lines.recv()).await
        {
            self.log.push(v.clone());
            self.backlog.push_back(v);
        }
        assert!(st.success(), "exit status {st}\n{}", self.context());
        self.backlog.drain(..).collect()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reassembles and decodes the parts of one message with our [`Reassembler`]:
/// `(text, data_coding, number of parts)`.
fn reassemble(parts: &[SubmitSm]) -> (String, u8, usize) {
    let mut r = Reassembler::new(ReassemblerConfig::default());
    let now = tokio::time::Instant::now().into_std();
    for sm in parts {
        r.handle_part(
            IncomingPart::from_short_message(
                sm.source_addr.bytes().clone(),
                sm.destination_addr.bytes().clone(),
                sm.data_coding.0,
                sm.esm_class.udhi(),
                sm.payload(),
                None,
            ),
            now,
        );
    }
    let mut out = None;
    while let Some(ev) = r.poll_event() {
        match ev {
            ReassemblyEvent::Complete(m) => {
                assert!(out.is_none(), "one message expected");
                let t = m.text.expect("text");
                assert!(t.report.is_clean(), "lossy decoding: {:?}", t.report);
                out = Some((t.text, m.data_coding));
            }
            other => panic!("unexpected reassembly event {other:?}"),
        }
    }
    let (text, dc) = out.expect("the parts make a whole message");
    (text, dc, parts.len())
}

/// An Appendix B receipt for `id` (our formatter), as an SMSC sends it.
fn receipt_for(id: &str, to: &str) -> DeliverSm {
    let t = std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let fields = ReceiptFields {
        id: id.as_bytes(),
        sub: 1,
        dlvrd: 1,
        submit_date: t,
        done_date: t + Duration::from_secs(60),
        state: MessageState::Delivered,
        err: 0,
        text: b"interop",
    };
    let mut buf = [0u8; 200];
    let n = receipt::format(&fields, &FormatOptions::default(), &mut buf).expect("format");
    SubmitSm::new("4512345678", to, Bytes::copy_from_slice(&buf[..n]))
        .with_esm_class(EsmClass(EsmClass::DELIVERY_RECEIPT))
}

async fn next_delivery(ev: &mut mpsc::Receiver<ClientEvent>) -> Delivery {
    loop {
        match tokio::time::timeout(STEP, ev.recv())
            .await
            .expect("a delivery in time")
        {
            Some(ClientEvent::Delivery(d)) => return d,
            Some(_) => {}
            None => panic!("client events ended"),
        }
    }
}

fn deliver_sm(d: &Delivery) -> &DeliverSm {
    match &d.body {
        Body::DeliverSm(sm) => sm,
        other => panic!("expected deliver_sm, got {other:?}"),
    }
}

/// Our server with a handler that forwards every request to the test and answers
/// submit_sm with `our-<n>`; the authenticator records the binds and wants "secret".
async fn recording_server() -> (
    Server,
    mpsc::UnboundedReceiver<(RequestContext, Body)>,
    Arc<Mutex<Vec<BindRequest>>>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let binds = Arc::new(Mutex::new(Vec::new()));
    let seen = binds.clone();
    let ids = Arc::new(AtomicU64::new(1));
    let server = Server::builder()
        .authenticator(move |b| {
            seen.lock().unwrap().push(b.clone());
            if b.password == "secret" {
                Ok(())
            } else {
                Err(CommandStatus::InvPaswd)
            }
        })
        .handler(move |ctx, body| {
            let _ = tx.send((ctx, body.clone()));
            let id = ids.fetch_add(1, Ordering::Relaxed);
            async move {
                match body {
                    Body::SubmitSm(_) => {
                        Reply::ok(Body::SubmitSmResp(MessageIdResp::new(format!("our-{id}"))))
                    }
                    other => match Body::empty_response(other.command_id()) {
                        Some(b) => Reply::ok(b),
                        None => Reply::error(CommandStatus::InvCmdId),
                    },
                }
            }
        })
        .listen("127.0.0.1:0")
        .await
        .expect("listen");
    (server, rx, binds)
}

async fn next_submit(rx: &mut mpsc::UnboundedReceiver<(RequestContext, Body)>) -> SubmitSm {
    loop {
        let (_, body) = tokio::time::timeout(STEP, rx.recv())
            .await
            .expect("a request in time")
            .expect("server alive");
        match body {
            Body::SubmitSm(sm) => return sm,
            Body::EnquireLink => {}
            other => panic!("unexpected request {other:?}"),
        }
    }
}

fn receipt_id(text: &[u8]) -> String {
    let r = receipt::parse(text)
        .receipt()
        .unwrap_or_else(|| panic!("not a receipt: {:?}", String::from_utf8_lossy(text)));
    assert_eq!(r.state(), Some(MessageState::Delivered));
    String::from_utf8_lossy(r.id.expect("id")).into_owned()
}

/// 1. Our client → node-smpp server: bind transceiver, GSM / UCS-2 / long (UDH) text, a
///    receipt per part and MOs back (acknowledged by us), enquire_link, unbind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_client_to_node_smpp_server() {
    let Some(peers) = interop::peers("our_client_to_node_smpp_server") else {
        return;
    };
    let mut cmd = peers.node_cmd("node_server.js");
    cmd.arg("30000");
    let mut node = Peer::spawn("node-smpp server", cmd);
    let port = node.expect("listening").await["port"]
        .as_u64()
        .expect("port");
    let (client, mut events) = ClientBuilder::new(format!("127.0.0.1:{port}"))
        .system_id("rust-esme")
        .password("secret")
        .reconnect(None)
        .enquire_link_interval(Some(Duration::from_millis(300)))
        .connect()
        .await
        .expect("bind to node-smpp");
    let bind = node.expect("bind").await;
    assert_eq!(bind["command"], "bind_transceiver");
    assert_eq!(bind["system_id"], "rust-esme");
    assert_eq!(bind["password"], "secret");
    assert_eq!(bind["interface_version"], 0x34);

    let long = format!("Long @ message: {}", "0123456789 abcdefghij ".repeat(10));
    let cases: [(&str, u8, usize); 3] = [
        ("Hello @ £5 {ok} [x] €uro", 0, 1),
        ("Привет, мир! 😀 Ünïcødé", 8, 1),
        (&long, 0, 2),
    ];
    let mut ids = BTreeSet::new();
    for (text, dc, nparts) in cases {
        let sent = client
            .send_text("RustShop", "4512345678", text, &TextOptions::default())
            .await
            .expect("send_text");
        assert!(sent.all_ok(), "{sent:?}");
        assert_eq!(sent.data_coding, dc, "{text}");
        assert_eq!(sent.parts.len(), nparts, "{text}");
        let mut joined = String::new();
        for (i, id) in sent.message_ids().into_iter().enumerate() {
            let id = id.expect("message id");
            let sm = node.expect("submit_sm").await;
            assert_eq!(sm["message_id"], id.as_str(), "{sm}");
            assert_eq!(sm["data_coding"], dc, "{sm}");
            assert_eq!(sm["registered_delivery"], 1, "{sm}");
            assert_eq!(sm["destination_addr"], "4512345678");
            let udh: Vec<String> = serde_json::from_value(sm["udh"].clone()).expect("udh");
            if nparts > 1 {
                assert_eq!(sm["esm_class"].as_u64().unwrap() & 0x40, 0x40, "{sm}");
                // One concatenation IE (8-bit reference): 00 03 ref total seq.
                assert_eq!(udh.len(), 1, "{sm}");
                assert!(udh[0].starts_with("0003"), "{sm}");
                assert!(
                    udh[0].ends_with(&format!("{nparts:02x}{:02x}", i + 1)),
                    "{sm}"
                );
            } else {
                assert!(udh.is_empty(), "{sm}");
            }
            joined.push_str(sm["message"].as_str().unwrap_or_else(|| panic!("{sm}")));
            ids.insert(id);
        }
        assert_eq!(joined, text, "node-smpp decodes what we sent");
    }

    // node-smpp answers every part with an Appendix B receipt (esm_class 0x04).
    let mut receipted = BTreeSet::new();
    for _ in 0..ids.len() {
        let d = next_delivery(&mut events).await;
        assert!(d.is_receipt, "{d:?}");
        let sm = deliver_sm(&d);
        assert_eq!(sm.esm_class.0 & 0x3C, EsmClass::DELIVERY_RECEIPT);
        // node-smpp labels its (ASCII-only) receipt text 0x01, its GSM label.
        assert_eq!(sm.data_coding.0, 1);
        let id = receipt_id(&sm.short_message);
        assert_eq!(
            sm.tlvs
                .receipted_message_id()
                .map(|s| s.to_string_lossy().into_owned())
                .as_deref(),
            Some(id.as_str())
        );
        assert_eq!(sm.tlvs.message_state(), Some(MessageState::Delivered));
        receipted.insert(id);
        d.ack.accept();
    }
    assert_eq!(receipted, ids, "one receipt per message id");
    for _ in 0..ids.len() {
        let r = node.expect("deliver_sm_resp").await;
        assert!(r["tag"].as_str().unwrap().starts_with("receipt:"), "{r}");
        assert_eq!(r["command_status"], 0, "{r}");
    }

    // MOs: GSM labelled 0 explicitly, node-smpp's own label (0x01 for GSM text), and a
    // long UCS-2 message in two UDH parts.
    let mos = [
        (
            json!({"cmd": "deliver", "tag": "mo-gsm", "data_coding": 0,
                "parts": [{"message": "Reply @ 10€ {ok} ^_^"}]}),
            "Reply @ 10€ {ok} ^_^",
            0u8,
            1usize,
        ),
        (
            json!({"cmd": "deliver", "tag": "mo-default",
                "parts": [{"message": "Plain reply 42, ok?"}]}),
            "Plain reply 42, ok?",
            1,
            1,
        ),
        (
            json!({"cmd": "deliver", "tag": "mo-long", "data_coding": 8,
                "parts": [{"udh": "050003420201", "message": "Привет из node-smpp, "},
                          {"udh": "050003420202", "message": "часть два 😀"}]}),
            "Привет из node-smpp, часть два 😀",
            8,
            2,
        ),
    ];
    for (cmd, text, dc, nparts) in mos {
        node.send(&cmd);
        let d = next_delivery(&mut events).await;
        assert!(!d.is_receipt, "{d:?}");
        assert_eq!(d.text.as_deref(), Some(text), "{d:?}");
        assert_eq!(d.parts, nparts);
        assert_eq!(deliver_sm(&d).data_coding.0, dc, "{d:?}");
        d.ack.accept();
        for _ in 0..nparts {
            let r = node.expect("deliver_sm_resp").await;
            assert_eq!(r["tag"], cmd["tag"], "{r}");
            assert_eq!(r["command_status"], 0, "{r}");
        }
    }

    // Idle for a moment: our enquire_link (every 300 ms idle) answered by node-smpp.
    node.expect("enquire_link").await;
    let out = client.unbind().await.expect("unbind");
    assert!(matches!(out, Outcome::Ok(_)), "{out:?}");
    node.expect("unbind").await;
    let closed = node.expect("closed").await;
    assert_eq!(closed["unbound"], true);
    node.close_stdin();
    let rest = node.finish().await;
    assert!(
        rest.iter().all(|v| v["event"] == "enquire_link"),
        "unexpected events: {rest:?}"
    );
}

/// 2. node-smpp client → our server: bind (interface_version 0x50), submit_sm in node's
///    GSM labelling, explicit GSM, UCS-2, and a long text in message_payload; a receipt via
///    `Server::deliver`, answered by node; enquire_link; unbind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_smpp_client_to_our_server() {
    let Some(peers) = interop::peers("node_smpp_client_to_our_server") else {
        return;
    };
    let (server, mut rx, binds) = recording_server().await;
    // (text, data_coding node-smpp is told to use, data_coding expected on the wire)
    let long = format!("Long text in message_payload: {}", "0123456789 ".repeat(20));
    // (text, data_coding node-smpp is told to use, data_coding expected on the wire,
    // sent in message_payload)
    let cases: [(&str, Option<u8>, u8, bool); 4] = [
        // node-smpp's own choice for GSM text: 0x01 (IA5 label, GSM bytes): plain
        // letters and digits survive.
        ("Hello from node-smpp 42", None, 1, false),
        ("Price @ 5£ {ok} [x] €", Some(0), 0, false),
        ("Привет из node 😀 Ünïcødé", None, 8, false),
        (&long, Some(0), 0, true),
    ];
    let messages: Vec<Value> = cases
        .iter()
        .map(|(t, dc, _, payload)| json!({"text": t, "data_coding": dc, "payload": payload}))
        .collect();
    let cfg = json!({
        "port": server.local_addr().port(), "system_id": "node", "password": "secret",
        "limit_ms": 20000, "messages": messages, "expect_deliveries": 1,
    });
    let mut cmd = peers.node_cmd("node_client.js");
    cmd.arg(cfg.to_string());
    let mut node = Peer::spawn("node-smpp client", cmd);

    let bind = node.expect("bind_resp").await;
    assert_eq!(bind["command_status"], 0, "{bind}");
    assert_eq!(bind["system_id"], "smpp-rs");
    assert_eq!(bind["sc_interface_version"], 0x34, "{bind}");
    {
        let b = binds.lock().unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].system_id, "node");
        assert_eq!(b[0].interface_version, 0x50, "node-smpp binds as SMPP 5.0");
        assert_eq!(b[0].kind, smpp_proto::session::BindKind::Transceiver);
    }
    let mut first_id = None;
    for (i, (text, _, dc, payload)) in cases.iter().enumerate() {
        let sm = next_submit(&mut rx).await;
        assert_eq!(sm.short_message.is_empty(), *payload, "{text}");
        assert_eq!(sm.tlvs.message_payload().is_some(), *payload, "{text}");
        let (decoded, got_dc, _) = reassemble(std::slice::from_ref(&sm));
        assert_eq!(got_dc, *dc, "{text}");
        assert_eq!(decoded, *text, "our server decodes node-smpp's submit_sm");
        let resp = node.expect("submit_sm_resp").await;
        assert_eq!(resp["index"], i);
        assert_eq!(resp["command_status"], 0);
        assert_eq!(resp["data_coding"], *dc);
        let id = resp["message_id"].as_str().expect("id").to_owned();
        assert!(id.starts_with("our-"), "{resp}");
        first_id.get_or_insert(id);
    }
    let id = first_id.expect("one id");
    server
        .deliver("node", receipt_for(&id, "NodeShop"))
        .expect("deliver");
    let d = node.expect("deliver_sm").await;
    assert_eq!(d["esm_class"], 4, "{d}");
    let text = d["message"].as_str().expect("text receipt");
    assert_eq!(receipt_id(text.as_bytes()), id);
    let e = node.expect("enquire_link_resp").await;
    assert_eq!(e["command_status"], 0);
    let u = node.expect("unbind_resp").await;
    assert_eq!(u["command_status"], 0);
    node.expect("closed").await;
    let rest = node.finish().await;
    assert!(rest.is_empty(), "unexpected events: {rest:?}");
    assert_eq!(server.stats().delivered.load(Ordering::Relaxed), 1);
    assert_eq!(server.stored("node"), 0);
    server.shutdown().await;
}

/// 3. python-smpplib client → our server: a long GSM message split by
///    `smpplib.gsm.make_parts` (UDH) and a UCS-2 one; our side reassembles them to the
///    original text; a receipt per message reaches smpplib's message_received_handler.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smpplib_client_to_our_server() {
    let Some(peers) = interop::peers("smpplib_client_to_our_server") else {
        return;
    };
    let (server, mut rx, binds) = recording_server().await;
    let texts = [
        format!(
            "Long message from python-smpplib @ {}",
            "0123456789 abcdefghij ".repeat(15)
        ),
        "Привет из smpplib 😀 Ünïcødé".to_owned(),
    ];
    let cfg = json!({
        "port": server.local_addr().port(), "system_id": "py", "password": "secret",
        "limit_s": 20, "messages": texts, "expect_receipts": texts.len(),
    });
    let mut py = Peer::spawn(
        "python-smpplib client",
        peers.python_cmd("smpplib_client.py"),
    );
    py.send(&cfg);
    py.close_stdin();

    let bind = py.expect("bind_resp").await;
    assert_eq!(bind["status"], 0, "{bind}");
    assert_eq!(bind["system_id"], "smpp-rs");
    assert_eq!(binds.lock().unwrap()[0].interface_version, 0x34);

    for (i, text) in texts.iter().enumerate() {
        let sent = py.expect("sent").await;
        assert_eq!(sent["index"], i);
        let nparts = usize::try_from(sent["parts"].as_u64().expect("parts")).unwrap();
        let mut parts = Vec::new();
        for _ in 0..nparts {
            parts.push(next_submit(&mut rx).await);
        }
        let expect_dc = if i == 0 { 0 } else { 8 };
        assert_eq!(sent["data_coding"], expect_dc, "{sent}");
        if i == 0 {
            assert!(nparts >= 3, "{sent}");
            assert!(parts.iter().all(|p| p.esm_class.udhi()), "UDH parts");
        }
        let (decoded, dc, n) = reassemble(&parts);
        assert_eq!(n, nparts);
        assert_eq!(dc, expect_dc);
        assert_eq!(&decoded, text, "reassembled smpplib message");
        // Message ids of the parts, as smpplib saw them.
        let mut ids = Vec::new();
        for _ in 0..nparts {
            let r = py.expect("submit_sm_resp").await;
            assert_eq!(r["status"], 0, "{r}");
            ids.push(r["message_id"].as_str().expect("id").to_owned());
        }
        // One receipt per message, for its last part.
        let last = ids.last().expect("a part").clone();
        server
            .deliver("py", receipt_for(&last, "PyShop"))
            .expect("deliver");
        let d = py.expect("deliver_sm").await;
        assert_eq!(d["esm_class"], 4, "{d}");
        let sm = d["short_message"].as_str().expect("short_message");
        assert_eq!(receipt_id(sm.as_bytes()), last);
    }
    let u = py.expect("unbind_resp").await;
    assert_eq!(u["status"], 0, "{u}");
    assert_eq!(u["command"], "unbind_resp", "{u}");
    py.expect("done").await;
    let rest = py.finish().await;
    assert!(rest.is_empty(), "unexpected events: {rest:?}");
    assert_eq!(
        server.stats().delivered.load(Ordering::Relaxed),
        texts.len() as u64
    );
    server.shutdown().await;
}
