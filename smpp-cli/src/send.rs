//! `smpp send`: bind, submit one message (split if long), optionally wait for receipts.

use std::time::Duration;

use clap::{Args, ValueEnum};
use serde_json::json;
use smpp_proto::pdu::{DataCoding, EsmClass, RegisteredDelivery, SubmitSm, Tlv, TlvTag, Tlvs};
use smpp_proto::segment::{SplitOptions, split_binary};
use smpp_proto::session::Outcome;
use smpp_proto::text::{EncodingPolicy, ShiftTables, TextEncoding};
use smpp_tokio::{Client, ClientEvent, TextOptions};

use crate::common::{BindArg, ConnArgs, builder, connect, emit, ids_match, receipt_info};
use crate::sim::SplitArg;

/// Encodings on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum EncodingArg {
    /// Cheapest exact encoding (GSM-7, else UCS-2).
    Auto,
    /// GSM 03.38 7-bit.
    Gsm7,
    /// UCS-2 (UTF-16BE).
    Ucs2,
    /// Latin-1.
    Latin1,
}

impl EncodingArg {
    pub(crate) const fn encoding(self) -> Option<TextEncoding> {
        match self {
            Self::Auto => None,
            Self::Gsm7 => Some(TextEncoding::Gsm7(ShiftTables::NONE)),
            Self::Ucs2 => Some(TextEncoding::Ucs2),
            Self::Latin1 => Some(TextEncoding::Latin1),
        }
    }
}

/// Options of `smpp send`.
#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    #[command(flatten)]
    pub(crate) conn: ConnArgs,
    /// Bind as transceiver (receipts come back on it) or transmitter.
    #[arg(long, value_enum, default_value = "trx")]
    pub(crate) bind: BindArg,
    /// Sender (alphanumeric or digits).
    #[arg(long, default_value = "smpp-rs")]
    pub(crate) from: String,
    /// Recipient (E.164 digits).
    #[arg(long)]
    pub(crate) to: String,
    /// The text.
    #[arg(long, conflicts_with_all = ["text_file", "hex"], required_unless_present_any = ["text_file", "hex"])]
    pub(crate) text: Option<String>,
    /// Read the text from a file.
    #[arg(long, conflicts_with = "hex")]
    pub(crate) text_file: Option<std::path::PathBuf>,
    /// Binary user data in hex (sent with data_coding 0x04).
    #[arg(long)]
    pub(crate) hex: Option<String>,
    /// Encoding.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) encoding: EncodingArg,
    /// How to split a long message.
    #[arg(long, value_enum, default_value = "udh8")]
    pub(crate) split: SplitArg,
    /// Wait this many seconds (default 30) for the delivery receipts.
    #[arg(long, num_args = 0..=1, default_missing_value = "30")]
    pub(crate) wait_receipt: Option<f64>,
    /// Print one JSON object per event.
    #[arg(long)]
    pub(crate) json: bool,
}

const fn enc_name(dc: u8) -> &'static str {
    match dc {
        0 | 0xF0 => "GSM-7",
        1 => "IA5",
        3 => "Latin-1",
        8 | 0x18 => "UCS-2",
        2 | 4 => "binary",
        _ => "other",
    }
}

fn outcome_str(o: &Outcome) -> String {
    match o {
        Outcome::Ok(_) => "ok".into(),
        Outcome::Rejected { status, .. } => status.to_string(),
        Outcome::Throttled => "ESME_RTHROTTLED".into(),
        Outcome::GenericNack(s) => format!("generic_nack {s}"),
        Outcome::Malformed(e) => format!("malformed response: {e}"),
        Outcome::TimedOut => "timed out (outcome unknown)".into(),
        Outcome::ConnectionLost => "connection lost (outcome unknown)".into(),
        Outcome::Unbound => "peer unbound (outcome unknown)".into(),
        _ => format!("{o:?}"),
    }
}

async fn send_hex(client: &Client, a: &SendArgs, hex: &str) -> Result<(u8, Vec<Outcome>), String> {
    let data = crate::decode::parse_hex(hex).map_err(|e| format!("bad --hex: {e}"))?;
    if data.is_empty() {
        return Err("bad --hex: no data".into());
    }
    let split = split_binary(&data, 0x04, &SplitOptions::new(a.split.concat(), 1))
        .map_err(|e| e.to_string())?;
    let rd = if a.wait_receipt.is_some() {
        RegisteredDelivery::FINAL
    } else {
        RegisteredDelivery::NONE
    };
    let mut futs = Vec::new();
    for part in &split.parts {
        let mut sm = SubmitSm::new(&a.from, &a.to, part.short_message.clone())
            .with_data_coding(DataCoding(part.data_coding))
            .with_registered_delivery(rd)
            .with_esm_class(EsmClass(0).with_udhi(part.udhi));
        let mut tlvs = Vec::new();
        if let Some(p) = &part.message_payload {
            tlvs.push(Tlv::message_payload(p.clone()));
        }
        if let Some(s) = part.sar {
            tlvs.push(Tlv::u16(TlvTag::SarMsgRefNum, s.reference));
            tlvs.push(Tlv::u8(TlvTag::SarTotalSegments, s.total));
            tlvs.push(Tlv::u8(TlvTag::SarSegmentSeqnum, s.seq));
        }
        sm.tlvs = Tlvs::from_slice(&tlvs).map_err(|e| e.to_string())?;
        futs.push(client.submit(sm));
    }
    let mut out = Vec::new();
    for r in futures_util::future::join_all(futs).await {
        out.push(r.map_err(|e| e.to_string())?);
    }
    Ok((0x04, out))
}

/// Runs `smpp send`; `Ok(true)` when everything worked.
pub(crate) async fn run(a: SendArgs) -> Result<bool, String> {
    let text = match (&a.text, &a.text_file) {
        (Some(t), _) => Some(t.clone()),
        (None, Some(f)) => {
            Some(std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?)
        }
        _ => None,
    };
    if let Some(h) = &a.hex {
        // Check the hex before connecting.
        crate::decode::parse_hex(h).map_err(|e| format!("bad --hex: {e}"))?;
    }
    if a.wait_receipt.is_some_and(|w| !(w.is_finite() && w >= 0.0)) {
        return Err("--wait-receipt must be a number of seconds".into());
    }
    if a.wait_receipt.is_some() && a.bind == BindArg::Rx {
        return Err("--bind rx cannot submit".into());
    }
    let b = builder(&a.conn, a.bind.kind())?.reconnect(None);
    let (client, mut events) = connect(b, &format!("{}:{}", a.conn.host, a.conn.port)).await?;
    let result = match (&text, &a.hex) {
        (Some(t), _) => {
            let opts = TextOptions {
                policy: EncodingPolicy {
                    latin1: a.encoding == EncodingArg::Latin1,
                    ..EncodingPolicy::default()
                },
                encoding: a.encoding.encoding(),
                split: a.split.concat(),
                registered_delivery: if a.wait_receipt.is_some() {
                    RegisteredDelivery::FINAL
                } else {
                    RegisteredDelivery::NONE
                },
            };
            client
                .send_text(&a.from, &a.to, t, &opts)
                .await
                .map(|s| (s.data_coding, s.parts))
                .map_err(|e| e.to_string())
        }
        (None, Some(h)) => send_hex(&client, &a, h).await,
        (None, None) => Err("nothing to send: give --text, --text-file or --hex".into()),
    };
    let (dc, parts) = match result {
        Ok(x) => x,
        Err(e) => {
            client.close().await;
            return Err(e);
        }
    };
    let total = parts.len();
    emit(
        a.json,
        &json!({"event": "encoded", "encoding": enc_name(dc), "data_coding": dc, "parts": total}),
        || {
            format!(
                "encoding {} (data_coding {dc:#04x}), {total} part(s)",
                enc_name(dc)
            )
        },
    );
    let mut ok = true;
    let mut ids = Vec::new();
    for (i, o) in parts.iter().enumerate() {
        let id = o
            .message_id()
            .map(|m| String::from_utf8_lossy(m).into_owned());
        ok &= o.is_ok();
        let status = outcome_str(o);
        emit(
            a.json,
            &json!({"event": "submitted", "part": i + 1, "parts": total, "ok": o.is_ok(), "message_id": id, "status": status}),
            || match &id {
                Some(m) => format!("part {}/{total}: message id {m}", i + 1),
                None => format!("part {}/{total}: failed: {status}", i + 1),
            },
        );
        if let Some(m) = id {
            ids.push(m);
        }
    }
    if let (Some(wait), true) = (a.wait_receipt, ok) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(wait);
        let mut pending: Vec<String> = ids.clone();
        let mut delivered = true;
        while !pending.is_empty() {
            let ev = match tokio::time::timeout_at(deadline, events.recv()).await {
                Ok(Some(ev)) => ev,
                Ok(None) => break,
                Err(_) => break,
            };
            if let ClientEvent::Delivery(d) = ev {
                if let Some(r) = receipt_info(&d) {
                    emit(a.json, &r.json(), || {
                        format!("receipt for {}: {} err:{}", r.id, r.stat, r.err)
                    });
                    if r.is_final {
                        if let Some(pos) = pending.iter().position(|m| ids_match(m, &r.id)) {
                            pending.remove(pos);
                            delivered &= r.delivered;
                        }
                    }
                }
                d.ack.accept();
            }
        }
        if !pending.is_empty() {
            eprintln!(
                "smpp send: no final receipt within {wait} s for {}",
                pending.join(", ")
            );
            ok = false;
        } else if !delivered {
            eprintln!("smpp send: not delivered (see the receipts)");
            ok = false;
        }
    } else if !ok {
        eprintln!("smpp send: the SMSC did not accept every part");
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), client.unbind()).await;
    emit(a.json, &json!({"event": "done", "ok": ok}), || {
        if ok { "ok".into() } else { "failed".into() }
    });
    Ok(ok)
}
