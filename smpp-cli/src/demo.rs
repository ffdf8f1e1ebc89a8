//! `smpp demo`: the simulator and a client in one process, on loopback.

use std::time::Duration;

use smpp_proto::segment::Concat;
use smpp_tokio::{ClientBuilder, ClientEvent, TextOptions};

use crate::bench::{BenchArgs, BenchEncoding, bench};
use crate::common::{ids_match, receipt_info};
use crate::sim::{Sim, SimArgs};

/// Runs the demo; `Ok(true)` when every step worked.
pub(crate) async fn run() -> Result<bool, String> {
    let sim = Sim::start(SimArgs {
        listen: vec!["127.0.0.1:0".into()],
        receipt_delay: 50,
        ..SimArgs::default()
    })
    .await?;
    let r = steps(&sim).await;
    sim.stop().await;
    r
}

async fn steps(sim: &Sim) -> Result<bool, String> {
    let addr = sim
        .addrs
        .first()
        .map(|(a, _)| *a)
        .ok_or("the simulator has no listener")?;
    println!("1. SMSC simulator listening on {addr}");
    let (client, mut events) = ClientBuilder::new(addr.to_string())
        .system_id("demo")
        .password("secret")
        .connect()
        .await
        .map_err(|e| format!("bind: {e}"))?;
    println!("2. bound as transceiver \"demo\"");
    let texts: [(&str, String); 4] = [
        ("GSM-7", "Hello from smpp-rs!".to_owned()),
        ("GSM-7 with extension characters", "Price: 10€ [promo] {code} ~50%".to_owned()),
        ("UCS-2 with emoji", "Grüße aus Köln 👋🎉".to_owned()),
        (
            "long, split with UDH",
            "This is a long message that does not fit into one SMS, so it is split into several parts, each with a user data header that lets the handset put them back together in order. "
                .repeat(2),
        ),
    ];
    let mut all_ok = true;
    let mut pending: Vec<String> = Vec::new();
    for (i, (what, text)) in texts.iter().enumerate() {
        let opts = TextOptions {
            split: Concat::Udh8,
            ..TextOptions::default()
        };
        let sent = client
            .send_text("smpp-rs", "4512345678", text, &opts)
            .await
            .map_err(|e| format!("send: {e}"))?;
        let ids: Vec<String> = sent.message_ids().into_iter().flatten().collect();
        let enc = match sent.data_coding {
            0 => "GSM-7",
            8 => "UCS-2",
            3 => "Latin-1",
            _ => "other",
        };
        println!(
            "3.{} sent {what}: {} chars as {enc}, {} part(s), message id(s) {}",
            i + 1,
            text.chars().count(),
            sent.parts.len(),
            ids.join(", ")
        );
        all_ok &= sent.all_ok();
        pending.extend(ids);
    }
    let expected = pending.len();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut delivered = 0;
    while !pending.is_empty() {
        let Ok(Some(ev)) = tokio::time::timeout_at(deadline, events.recv()).await else {
            break;
        };
        if let ClientEvent::Delivery(d) = ev {
            if let Some(r) = receipt_info(&d) {
                if let Some(p) = pending.iter().position(|m| ids_match(m, &r.id)) {
                    pending.remove(p);
                    delivered += usize::from(r.delivered);
                }
            }
            d.ack.accept();
        }
    }
    println!(
        "4. {delivered} of {expected} delivery receipts back, all DELIVRD: {}",
        delivered == expected
    );
    all_ok &= delivered == expected;
    let _ = client.unbind().await;
    let b = BenchArgs {
        host: None,
        port: 0,
        system_id: "demo-bench".into(),
        password: "secret".into(),
        count: 3000,
        window: 10,
        binds: 2,
        tps: None,
        receipts: true,
        size: 60,
        encoding: BenchEncoding::Gsm7,
        profile: None,
        timeout: 10.0,
        enquire_link: 30.0,
        json: false,
    };
    println!("5. bench: 3000 submits over 2 binds, window 10, with receipts");
    let r = bench(&b, "127.0.0.1", sim.direct.port(), true).await?;
    for line in r.text().lines() {
        println!("   {line}");
    }
    all_ok &= r.failed == 0 && r.matched == r.ok;
    println!(
        "6. {}",
        if all_ok {
            "all steps worked"
        } else {
            "SOMETHING FAILED (see above)"
        }
    );
    Ok(all_ok)
}
