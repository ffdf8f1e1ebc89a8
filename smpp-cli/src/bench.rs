//! `smpp bench`: a load generator with a progress bar and a latency histogram.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use smpp_proto::pdu::{DataCoding, RegisteredDelivery, SubmitSm};
use smpp_proto::session::Outcome;
use smpp_tokio::{Client, ClientEvent};

use crate::common::{ConnArgs, builder, connect, receipt_info};
use crate::sim::{Profile, Sim, SimArgs};

/// Encodings for bench messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum BenchEncoding {
    /// GSM-7 (data_coding 0).
    Gsm7,
    /// UCS-2 (data_coding 8).
    Ucs2,
}

/// Options of `smpp bench`.
#[derive(Clone, Debug, Args)]
pub(crate) struct BenchArgs {
    /// SMSC host; without it an in-process simulator is started.
    #[arg(long)]
    pub(crate) host: Option<String>,
    /// SMSC port.
    #[arg(long, default_value_t = 2775)]
    pub(crate) port: u16,
    /// system_id.
    #[arg(long, default_value = "bench")]
    pub(crate) system_id: String,
    /// Password.
    #[arg(long, default_value = "secret")]
    pub(crate) password: String,
    /// Submits to send.
    #[arg(short = 'n', long, default_value_t = 10_000)]
    pub(crate) count: u64,
    /// Requests in flight per bind.
    #[arg(long, default_value_t = 10)]
    pub(crate) window: usize,
    /// Binds (transceivers).
    #[arg(long, default_value_t = 1)]
    pub(crate) binds: usize,
    /// Pace each bind to this many submits per second.
    #[arg(long)]
    pub(crate) tps: Option<u32>,
    /// Ask for delivery receipts and count those matched.
    #[arg(long)]
    pub(crate) receipts: bool,
    /// Characters per message.
    #[arg(long, default_value_t = 60)]
    pub(crate) size: usize,
    /// Encoding of the messages.
    #[arg(long, value_enum, default_value = "gsm7")]
    pub(crate) encoding: BenchEncoding,
    /// Profile of the in-process simulator.
    #[arg(long, value_enum)]
    pub(crate) profile: Option<Profile>,
    /// Response timeout in seconds.
    #[arg(long, default_value_t = 30.0)]
    pub(crate) timeout: f64,
    /// Send enquire_link after this many idle seconds.
    #[arg(long, default_value_t = 30.0)]
    pub(crate) enquire_link: f64,
    /// Print the result as one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

/// What a run measured.
#[derive(Debug)]
pub(crate) struct BenchResult {
    pub(crate) submitted: u64,
    pub(crate) ok: u64,
    pub(crate) failed: u64,
    pub(crate) seconds: f64,
    pub(crate) hist: Histogram<u64>,
    pub(crate) errors: BTreeMap<String, u64>,
    pub(crate) receipts: u64,
    pub(crate) matched: u64,
}

impl BenchResult {
    pub(crate) fn per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.ok as f64 / self.seconds
        } else {
            0.0
        }
    }
    pub(crate) fn json(&self) -> Value {
        json!({
            "submitted": self.submitted,
            "ok": self.ok,
            "failed": self.failed,
            "seconds": (self.seconds * 1000.0).round() / 1000.0,
            "per_second": self.per_second().round(),
            "latency_us": {
                "p50": self.hist.value_at_quantile(0.5),
                "p90": self.hist.value_at_quantile(0.9),
                "p99": self.hist.value_at_quantile(0.99),
                "max": self.hist.max(),
            },
            "errors": self.errors,
            "receipts": self.receipts,
            "receipts_matched": self.matched,
        })
    }
    pub(crate) fn text(&self) -> String {
        let ms = |q: f64| self.hist.value_at_quantile(q) as f64 / 1000.0;
        let mut s = format!(
            "{} submitted, {} ok, {} failed in {:.2} s: {:.0} submits/s\nlatency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.submitted,
            self.ok,
            self.failed,
            self.seconds,
            self.per_second(),
            ms(0.5),
            ms(0.9),
            ms(0.99),
            self.hist.max() as f64 / 1000.0,
        );
        if !self.errors.is_empty() {
            let e: Vec<String> = self
                .errors
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            s.push_str(&format!("\nerrors: {}", e.join(", ")));
        }
        if self.receipts > 0 || self.matched > 0 {
            s.push_str(&format!(
                "\nreceipts: {} received, {} matched",
                self.receipts, self.matched
            ));
        }
        s
    }
}

fn status_name(o: &Outcome) -> String {
    match o {
        Outcome::Ok(_) => "ok".into(),
        Outcome::Rejected { status, .. } => status.to_string(),
        Outcome::Throttled => "ESME_RTHROTTLED".into(),
        Outcome::GenericNack(s) => format!("generic_nack({s})"),
        Outcome::Malformed(_) => "malformed".into(),
        Outcome::TimedOut => "timeout".into(),
        Outcome::ConnectionLost => "connection_lost".into(),
        Outcome::Unbound => "unbound".into(),
        _ => "other".into(),
    }
}

/// Runs a bench against `addr` (already resolved); `progress` shows a bar.
pub(crate) async fn bench(
    a: &BenchArgs,
    addr_host: &str,
    port: u16,
    progress: bool,
) -> Result<BenchResult, String> {
    if a.binds == 0 || a.window == 0 {
        return Err("--binds and --window must be at least 1".into());
    }
    let conn = ConnArgs {
        host: addr_host.to_owned(),
        port,
        tls: false,
        ca: None,
        system_id: a.system_id.clone(),
        password: a.password.clone(),
        timeout: a.timeout,
    };
    let mut clients: Vec<Client> = Vec::new();
    #[derive(Default)]
    struct Pending {
        ids: HashSet<String>,
        early: HashSet<String>,
    }
    let receipts = Arc::new(AtomicU64::new(0));
    let matched = Arc::new(AtomicU64::new(0));
    // One lock for both sets: a receipt may overtake its submit_sm_resp, and the
    // check-then-insert on either side must be atomic or the two can miss each other.
    let pending: Arc<Mutex<Pending>> = Arc::new(Mutex::new(Pending::default()));
    let el_timeout = Duration::from_secs_f64(a.enquire_link.clamp(0.5, 10.0));
    for _ in 0..a.binds {
        let mut b = builder(&conn, smpp_proto::session::BindKind::Transceiver)?
            .window(a.window)
            .auto_ack(true)
            .reconnect(Some(smpp_tokio::Reconnect {
                initial: Duration::from_millis(200),
                max: Duration::from_secs(2),
            }))
            .enquire_link_interval(Some(Duration::from_secs_f64(
                a.enquire_link.clamp(0.1, 86_400.0),
            )))
            .session_config(move |c| c.enquire_link_timeout = el_timeout);
        if let Some(t) = a.tps {
            b = b.rate_limit(t);
        }
        let (c, mut ev) = connect(b, &format!("{addr_host}:{port}")).await?;
        clients.push(c);
        let (r, m, pending) = (receipts.clone(), matched.clone(), pending.clone());
        tokio::spawn(async move {
            while let Some(e) = ev.recv().await {
                if let ClientEvent::Delivery(d) = e {
                    if let Some(info) = receipt_info(&d) {
                        if !info.is_final {
                            continue;
                        }
                        r.fetch_add(1, Ordering::Relaxed);
                        let keys = receipt_keys(&info.id);
                        let mut p = pending
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                        if keys.iter().any(|k| p.ids.remove(k)) {
                            m.fetch_add(1, Ordering::Relaxed);
                        } else {
                            p.early.extend(keys);
                        }
                    }
                }
            }
        });
    }
    let text: String = match a.encoding {
        BenchEncoding::Gsm7 => "Benchmark message 0123456789 "
            .chars()
            .cycle()
            .take(a.size)
            .collect(),
        BenchEncoding::Ucs2 => "Bänchmark ✓ ".chars().cycle().take(a.size).collect(),
    };
    let (payload, dc) = match a.encoding {
        BenchEncoding::Gsm7 => (text.into_bytes(), 0u8),
        BenchEncoding::Ucs2 => (
            text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            8u8,
        ),
    };
    if payload.len() > 254 {
        return Err("--size too large for one PDU (max 254 octets)".into());
    }
    let payload = bytes::Bytes::from(payload);
    let rd = if a.receipts {
        RegisteredDelivery::FINAL
    } else {
        RegisteredDelivery::NONE
    };
    let bar = if progress {
        let b = ProgressBar::new(a.count);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let next = Arc::new(AtomicU64::new(0));
    let hist_template =
        Histogram::<u64>::new_with_bounds(1, 600_000_000, 3).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let mut workers = Vec::new();
    for c in &clients {
        for _ in 0..a.window {
            let (c, next, bar, payload, pending, matched) = (
                c.clone(),
                next.clone(),
                bar.clone(),
                payload.clone(),
                pending.clone(),
                matched.clone(),
            );
            let count = a.count;
            let template = hist_template.clone();
            workers.push(tokio::spawn(async move {
                let mut hist = template;
                let mut errors: BTreeMap<String, u64> = BTreeMap::new();
                let mut ok = 0u64;
                while next.fetch_add(1, Ordering::Relaxed) < count {
                    let sm = SubmitSm::new("bench", "4512345678", payload.clone())
                        .with_data_coding(DataCoding(dc))
                        .with_registered_delivery(rd);
                    let t = Instant::now();
                    let r = c.submit(sm).await;
                    let us = t.elapsed().as_micros().max(1) as u64;
                    let _ = hist.record(us.min(600_000_000));
                    match r {
                        Ok(o) if o.is_ok() => {
                            ok += 1;
                            if let Some(id) = o.message_id() {
                                let key = canon(&String::from_utf8_lossy(id));
                                let mut p = pending
                                    .lock()
                                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                                if p.early.remove(&key) {
                                    matched.fetch_add(1, Ordering::Relaxed);
                                } else if rd.wants_receipt() {
                                    p.ids.insert(key);
                                }
                            }
                        }
                        Ok(o) => *errors.entry(status_name(&o)).or_default() += 1,
                        Err(e) => *errors.entry(e.to_string()).or_default() += 1,
                    }
                    bar.inc(1);
                }
                (hist, errors, ok)
            }));
        }
    }
    let mut hist = hist_template;
    let mut errors = BTreeMap::new();
    let mut ok = 0;
    for w in workers {
        let (h, e, o) = w.await.map_err(|e| format!("worker failed: {e}"))?;
        let _ = hist.add(&h);
        for (k, v) in e {
            *errors.entry(k).or_default() += v;
        }
        ok += o;
    }
    let seconds = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    if a.receipts {
        // Wait (bounded) for the receipts of accepted submits.
        let deadline = Instant::now() + Duration::from_secs(10);
        while matched.load(Ordering::Relaxed) < ok && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    for c in &clients {
        let _ = tokio::time::timeout(Duration::from_secs(2), c.unbind()).await;
    }
    let submitted = a.count;
    Ok(BenchResult {
        submitted,
        ok,
        failed: submitted - ok,
        seconds,
        hist,
        errors,
        receipts: receipts.load(Ordering::Relaxed),
        matched: matched.load(Ordering::Relaxed),
    })
}

/// One key per message id (lower case, no leading zeros).
fn canon(id: &str) -> String {
    id.trim_start_matches('0').to_ascii_lowercase()
}

/// The keys a receipt id may match: as written, and, for a decimal id, its hexadecimal
/// form (Vonage writes hexadecimal submit ids in decimal in receipts).
fn receipt_keys(id: &str) -> Vec<String> {
    let mut v = vec![canon(id)];
    if let Ok(n) = id.parse::<u128>() {
        v.push(format!("{n:x}"));
    }
    v
}

/// `smpp bench`.
pub(crate) async fn run(a: BenchArgs) -> Result<bool, String> {
    let mut sim = None;
    let (host, port) = match &a.host {
        Some(h) => (h.clone(), a.port),
        None => {
            let s = Sim::start(SimArgs {
                listen: vec!["127.0.0.1:0".into()],
                profile: a.profile,
                receipt_delay: 10,
                ..SimArgs::default()
            })
            .await?;
            let port = s.direct.port();
            sim = Some(s);
            ("127.0.0.1".to_owned(), port)
        }
    };
    if !a.json {
        println!(
            "bench: {} submits to {host}:{port}{}, {} bind(s), window {}{}",
            a.count,
            if sim.is_some() {
                " (in-process simulator)"
            } else {
                ""
            },
            a.binds,
            a.window,
            a.tps
                .map(|t| format!(", {t}/s per bind"))
                .unwrap_or_default()
        );
    }
    let r = bench(&a, &host, port, !a.json).await;
    if let Some(s) = sim {
        s.stop().await;
    }
    let r = r?;
    if a.json {
        println!("{}", r.json());
    } else {
        println!("{}", r.text());
    }
    Ok(r.failed == 0 && (!a.receipts || r.matched == r.ok))
}
