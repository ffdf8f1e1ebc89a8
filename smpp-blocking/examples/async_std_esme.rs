//! The sans-IO core in async-std (deprecated upstream in favour of smol; a dev-dependency only): a short loop around [`Session`] that binds, submits one
//! message, waits for its delivery receipt, acknowledges it and unbinds.
//!
//! `cargo run -p smpp-blocking --example async_std_esme -- 127.0.0.1:2775` (user / secret);
//! `cargo test -p smpp-blocking --example async_std_esme` runs it against an in-process
//! smpp-tokio server.

use std::time::Instant;

use async_std::io::{ReadExt as _, WriteExt as _};
use smpp_proto::pdu::{Bind, Body, MessageIdResp, RegisteredDelivery, SubmitSm};
use smpp_proto::session::{BindKind, Event, Reply, Session, SessionConfig};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Runs one ESME session to its end; returns the receipt's text.
async fn esme(addr: &str) -> Result<String, Error> {
    let mut tcp = async_std::net::TcpStream::connect(addr).await?;
    let mut s = Session::new(SessionConfig::esme(), Instant::now());
    s.bind(
        Instant::now(),
        BindKind::Transceiver,
        Bind::new("user", "secret"),
    )?;
    let mut buf = vec![0u8; 4096];
    let mut receipt = None;
    loop {
        // Drain: transmit, then events, then (below) the deadline. A real adapter would
        // keep reading while a write is blocked; one small PDU at a time is fine here.
        while let Some(t) = s.poll_transmit() {
            tcp.write_all(&t).await?;
        }
        let now = Instant::now();
        let mut any = false;
        while let Some(ev) = s.poll_event() {
            any = true;
            match ev {
                Event::Bound { .. } => {
                    let sm = SubmitSm::new("Shop", "4512345678", &b"Hello from async-std"[..])
                        .with_registered_delivery(RegisteredDelivery::FINAL);
                    s.send_request(now, Body::SubmitSm(sm))?;
                }
                Event::BindRejected { status } => return Err(format!("bind: {status}").into()),
                Event::Response { outcome, .. } => println!("outcome: {outcome:?}"),
                Event::Request { token, body } => {
                    if let Body::DeliverSm(d) = &body {
                        receipt = Some(String::from_utf8_lossy(&d.payload()).into_owned());
                    }
                    let ok = Reply::ok(Body::DeliverSmResp(MessageIdResp::new("")));
                    s.respond(now, token, ok)?;
                    s.unbind(now)?;
                }
                Event::Closed { reason } => {
                    while let Some(t) = s.poll_transmit() {
                        tcp.write_all(&t).await?;
                    }
                    return receipt.ok_or_else(|| format!("closed: {reason:?}").into());
                }
                _ => {}
            }
        }
        if any {
            continue; // events may have queued PDUs: flush them first
        }
        // Wait for bytes or the session's deadline, whichever comes first.
        let read = tcp.read(&mut buf);
        let got = match s.poll_timeout() {
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                async_std::future::timeout(left, read).await.ok()
            }
            None => Some(read.await),
        };
        let now = Instant::now();
        match got {
            Some(Ok(n)) if n > 0 => s.handle_bytes(now, buf.get(..n).unwrap_or_default()),
            Some(_) => s.handle_eof(now),
            None => s.handle_timeout(now),
        }
    }
}

fn main() -> Result<(), Error> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:2775".into());
    let text = async_std::task::block_on(esme(&addr))?;
    println!("receipt: {text}");
    Ok(())
}

#[cfg(test)]
#[path = "common/server.rs"]
mod server;

#[cfg(test)]
mod tests {
    #[test]
    fn binds_submits_gets_a_receipt_and_unbinds() {
        let (_rt, addr) = super::server::start();
        let text = async_std::task::block_on(super::esme(&addr)).expect("session");
        assert!(text.starts_with("id:ex1"), "{text}");
    }
}
