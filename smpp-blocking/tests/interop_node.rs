//! Our blocking client against a real third-party SMSC: node-smpp
//! (`interop/node_server_blocking.js`). Skipped with `SKIPPED: ...` when the peers cannot
//! be installed (see `interop/README.md`); `SMPP_INTEROP=require` makes that a failure.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]
#![allow(clippy::disallowed_methods)]

#[path = "../../smpp-proto/tests/interop/mod.rs"]
mod interop;

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use smpp_blocking::{ClientBuilder, ClientEvent, ConnectError, TextOptions};
use smpp_proto::pdu::CommandStatus;
use smpp_proto::session::Outcome;

/// Starts the node server; returns it, its address and a reader of its stdout lines.
fn node_server(
    peers: &interop::Peers,
) -> (
    Child,
    String,
    std::io::Lines<BufReader<std::process::ChildStdout>>,
) {
    let mut child = peers
        .node_cmd("node_server_blocking.js")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn node");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    let port = first.strip_prefix("PORT ").expect("PORT <n>").to_owned();
    (child, format!("127.0.0.1:{port}"), lines)
}

#[test]
fn blocking_client_against_node_smpp_server() {
    let Some(peers) = interop::peers("blocking_client_against_node_smpp_server") else {
        return;
    };
    let (mut child, addr, lines) = node_server(peers);
    let (client, events) = ClientBuilder::new(addr)
        .system_id("user")
        .password("secret")
        .reconnect(None)
        .call_timeout(Duration::from_secs(10))
        .connect()
        .expect("bind to node-smpp");
    // A long GSM-7 text: 3 parts with UDH, one message id each.
    let sent = client
        .send_text(
            "Shop",
            "4512345678",
            &"€uro ".repeat(70),
            &TextOptions::default(),
        )
        .expect("send_text");
    assert_eq!(sent.parts.len(), 3);
    assert!(sent.all_ok(), "{sent:?}");
    let mut ids: Vec<String> = sent.message_ids().into_iter().map(Option::unwrap).collect();
    // One receipt per part, each acknowledged after we take it.
    let until = Instant::now() + Duration::from_secs(10);
    let mut receipts = Vec::new();
    while receipts.len() < 3 {
        let left = until.saturating_duration_since(Instant::now());
        if let ClientEvent::Delivery(d) = events.recv_timeout(left).expect("receipt in time") {
            assert!(d.is_receipt);
            let text = d.text.clone().unwrap();
            receipts.push(
                text.split_whitespace()
                    .next()
                    .unwrap()
                    .trim_start_matches("id:")
                    .to_owned(),
            );
            d.ack.accept();
        }
    }
    ids.sort();
    receipts.sort();
    assert_eq!(ids, receipts, "a receipt for every message id");
    assert!(matches!(client.unbind().unwrap(), Outcome::Ok(_)));
    let status = child.wait().expect("node exits");
    let log: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(status.success(), "node-smpp: {status}: {log:?}");
    assert_eq!(
        log.iter().filter(|l| *l == "SUBMIT 0 1").count(),
        3,
        "{log:?}"
    );
    assert_eq!(
        log.iter().filter(|l| *l == "DELIVER_RESP 0").count(),
        3,
        "{log:?}"
    );
    assert!(log.iter().any(|l| l == "BIND transceiver"), "{log:?}");
    assert!(log.iter().any(|l| l == "UNBIND"), "{log:?}");
}

#[test]
fn wrong_password_refused_by_node_smpp() {
    let Some(peers) = interop::peers("wrong_password_refused_by_node_smpp") else {
        return;
    };
    let (mut child, addr, _lines) = node_server(peers);
    let r = ClientBuilder::new(addr)
        .system_id("user")
        .password("nope")
        .reconnect(None)
        .connect();
    assert!(
        matches!(r, Err(ConnectError::BindRejected(CommandStatus::InvPaswd))),
        "{r:?}"
    );
    let _ = child.kill();
    let _ = child.wait();
}
