//! `smpp listen`: bind as receiver (or transceiver) and print every MO and receipt.

use std::time::Duration;

use clap::Args;
use serde_json::json;
use smpp_proto::pdu::Body;
use smpp_tokio::ClientEvent;

use crate::common::{BindArg, ConnArgs, builder, connect, emit, receipt_info};

/// Options of `smpp listen`.
#[derive(Debug, Args)]
pub(crate) struct ListenArgs {
    #[command(flatten)]
    pub(crate) conn: ConnArgs,
    /// Bind as receiver or transceiver.
    #[arg(long, value_enum, default_value = "rx")]
    pub(crate) bind: BindArg,
    /// Exit after this many messages.
    #[arg(long)]
    pub(crate) count: Option<u64>,
    /// Exit after this many seconds.
    #[arg(long)]
    pub(crate) duration: Option<f64>,
    /// Print one JSON object per message.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Runs `smpp listen` until Ctrl-C, `--count` or `--duration`.
pub(crate) async fn run(a: ListenArgs) -> Result<bool, String> {
    if a.bind == BindArg::Tx {
        return Err("--bind tx receives nothing; use rx or trx".into());
    }
    let end = match a.duration {
        Some(d) if d.is_finite() && d >= 0.0 => {
            Some(tokio::time::Instant::now() + Duration::from_secs_f64(d))
        }
        Some(_) => return Err("--duration must be a number of seconds".into()),
        None => None,
    };
    let b = builder(&a.conn, a.bind.kind())?;
    let (client, mut events) = connect(b, &format!("{}:{}", a.conn.host, a.conn.port)).await?;
    emit(a.json, &json!({"event": "bound"}), || {
        format!(
            "bound to {}:{}, waiting for messages",
            a.conn.host, a.conn.port
        )
    });
    let mut seen = 0u64;
    let stop = async {
        match end {
            Some(t) => tokio::time::sleep_until(t).await,
            None => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    };
    tokio::pin!(stop);
    while a.count.is_none_or(|c| seen < c) {
        let ev = tokio::select! {
            ev = events.recv() => ev,
            () = &mut stop => break,
        };
        let Some(ev) = ev else { break };
        match ev {
            ClientEvent::Delivery(d) => {
                seen += 1;
                if let Some(r) = receipt_info(&d) {
                    emit(a.json, &r.json(), || {
                        format!("receipt {}: {} err:{}  [{}]", r.id, r.stat, r.err, r.text)
                    });
                } else if let Body::DeliverSm(sm) = &d.body {
                    let from = sm.source_addr.to_string_lossy().into_owned();
                    let to = sm.destination_addr.to_string_lossy().into_owned();
                    let dc = sm.data_coding.0;
                    let text = d.text.clone().unwrap_or_default();
                    emit(
                        a.json,
                        &json!({"event": "mo", "from": from, "to": to, "data_coding": dc, "parts": d.parts, "text": text}),
                        || {
                            format!(
                                "MO from {from} to {to} ({} part(s), data_coding {dc:#04x}): {text}",
                                d.parts
                            )
                        },
                    );
                } else {
                    emit(
                        a.json,
                        &json!({"event": "mo", "parts": d.parts, "text": d.text}),
                        || {
                            format!(
                                "MO ({} part(s)): {}",
                                d.parts,
                                d.text.clone().unwrap_or_default()
                            )
                        },
                    );
                }
                d.ack.accept();
            }
            ClientEvent::Disconnected { reason } => {
                emit(
                    a.json,
                    &json!({"event": "disconnected", "reason": format!("{reason:?}")}),
                    || format!("disconnected: {reason:?} (reconnecting)"),
                );
            }
            ClientEvent::Bound { .. } => {}
            ClientEvent::Stopped => break,
            _ => {}
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), client.unbind()).await;
    Ok(true)
}
