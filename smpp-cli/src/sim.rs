//! `smpp sim`: an SMSC simulator on smpp-tokio's [`Server`], with provider profiles and
//! fault injection.
//!
//! One internal [`Server`] listens on a loopback port; every public listener (plain or
//! TLS) is a small proxy in front of it, so binds, limits and receipt routing are shared
//! by all listeners. The proxy also carries the faults that live below the application
//! (dropped connections, swallowed `enquire_link`s, `generic_nack`s); the rest live in
//! the request handler.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use clap::{Args, ValueEnum};
use smpp_proto::pdu::{
    Body, CommandStatus, DataCoding, DeliverSm, EsmClass, FrameLimits, MessageIdResp, Pdu,
    SequenceNumber, SubmitSm, Tlv, TlvTag, TlvValue, Tlvs, peek_frame,
};
use smpp_proto::receipt::{
    ErrQuirk, FormatOptions, IdRender, MessageState, ReceiptFields, TextMode, format,
};
use smpp_proto::segment::{Concat, SplitOptions, split_text};
use smpp_proto::session::Reply;
use smpp_proto::text::EncodingPolicy;
use smpp_tokio::{RequestContext, Server};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// Provider profiles (providers.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Profile {
    /// 8x8: 4 binds per system_id (the 5th refused), 50 submit/s per bind.
    #[value(name = "8x8")]
    EightByEight,
    /// GatewayAPI: 0x1nnn error codes written as the low three hex digits in decimal.
    Gatewayapi,
    /// Vonage: hexadecimal submit ids, decimal receipt ids, `text:none`.
    Vonage,
    /// Wavix: 20/s per account, window 10, receipt TLVs.
    Wavix,
}

/// How a split MO is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SplitArg {
    /// UDH with an 8-bit reference.
    Udh8,
    /// UDH with a 16-bit reference.
    Udh16,
    /// SAR TLVs.
    Sar,
    /// One PDU with message_payload.
    Payload,
}

impl SplitArg {
    pub(crate) const fn concat(self) -> Concat {
        match self {
            Self::Udh8 => Concat::Udh8,
            Self::Udh16 => Concat::Udh16,
            Self::Sar => Concat::Sar,
            Self::Payload => Concat::Payload,
        }
    }
}

/// Options of `smpp sim`.
#[derive(Clone, Debug, Args)]
pub(crate) struct SimArgs {
    /// Plain listener (repeatable; default 127.0.0.1:2775).
    #[arg(long)]
    pub(crate) listen: Vec<String>,
    /// TLS listener (repeatable).
    #[arg(long)]
    pub(crate) tls_listen: Vec<String>,
    /// Certificate chain (PEM) for TLS; a self-signed one is generated when absent.
    #[arg(long, requires = "key")]
    pub(crate) cert: Option<std::path::PathBuf>,
    /// Private key (PEM) for TLS.
    #[arg(long, requires = "cert")]
    pub(crate) key: Option<std::path::PathBuf>,
    /// Accept only this system_id (default: any credentials).
    #[arg(long)]
    pub(crate) system_id: Option<String>,
    /// Accept only this password.
    #[arg(long)]
    pub(crate) password: Option<String>,
    /// Behave like this provider.
    #[arg(long, value_enum)]
    pub(crate) profile: Option<Profile>,
    /// Binds allowed per system_id (8x8: 4).
    #[arg(long)]
    pub(crate) max_binds: Option<usize>,
    /// Delay before a delivery receipt, in milliseconds.
    #[arg(long, default_value_t = 100)]
    pub(crate) receipt_delay: u64,
    /// Outcome mix as weights DELIVRD:UNDELIV:EXPIRED:REJECTD, e.g. 90:5:3:2.
    #[arg(long, default_value = "100:0:0:0", value_parser = parse_mix)]
    pub(crate) outcomes: [u32; 4],
    /// err: code for failed outcomes (default per profile).
    #[arg(long)]
    pub(crate) error_code: Option<u32>,
    /// Send an ENROUTE intermediate receipt before the final one.
    #[arg(long)]
    pub(crate) enroute: bool,
    /// Send the final receipt before the ENROUTE one (implies --enroute).
    #[arg(long)]
    pub(crate) out_of_order: bool,
    /// Mobile-originated messages per second to every bound receiver.
    #[arg(long, default_value_t = 0.0)]
    pub(crate) mo_rate: f64,
    /// Make every other MO a long one, split this way.
    #[arg(long, value_enum)]
    pub(crate) mo_long: Option<SplitArg>,
    /// Make every third MO a UCS-2 one.
    #[arg(long)]
    pub(crate) mo_ucs2: bool,
    /// Most unanswered submits per bind (beyond: ESME_RTHROTTLED).
    #[arg(long)]
    pub(crate) window: Option<usize>,
    /// Submits per second per bind (beyond: ESME_RTHROTTLED).
    #[arg(long)]
    pub(crate) tps: Option<u32>,
    /// Submits per second per system_id (beyond: ESME_RTHROTTLED).
    #[arg(long)]
    pub(crate) account_tps: Option<u32>,
    /// Refuse submits with a schedule_delivery_time (ESME_RINVSCHED).
    #[arg(long)]
    pub(crate) refuse_scheduled: bool,
    /// Fault: drop each connection after this many PDUs from the client.
    #[arg(long)]
    pub(crate) drop_every_pdus: Option<u64>,
    /// Fault: drop each connection after this many seconds.
    #[arg(long)]
    pub(crate) drop_every_secs: Option<f64>,
    /// Fault: answer every submit after this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub(crate) delay_ms: u64,
    /// Fault: never answer every Nth submit.
    #[arg(long)]
    pub(crate) withhold_every: Option<u64>,
    /// Fault: answer every Nth submit with generic_nack.
    #[arg(long)]
    pub(crate) nack_every: Option<u64>,
    /// Fault: throttle in bursts, N:M = after every N submits, answer M with ESME_RTHROTTLED.
    #[arg(long, value_parser = parse_pair)]
    pub(crate) throttle_burst: Option<(u64, u64)>,
    /// Fault: send the receipt before the submit_sm_resp.
    #[arg(long)]
    pub(crate) early_receipt: bool,
    /// Fault: send every final receipt twice.
    #[arg(long)]
    pub(crate) double_receipt: bool,
    /// Fault: stop answering enquire_link.
    #[arg(long)]
    pub(crate) no_enquire_link: bool,
    /// Fault: refuse the first N bind attempts (ESME_RBINDFAIL).
    #[arg(long, default_value_t = 0)]
    pub(crate) refuse_binds: u64,
    /// Serve the counters as Prometheus metrics on http://ADDR/metrics (port 0: any free
    /// port; the address is printed as `metrics on ADDR`).
    #[arg(long, value_name = "ADDR")]
    pub(crate) metrics: Option<String>,
    /// Print counters every few seconds.
    #[arg(skip)]
    pub(crate) verbose: bool,
}

impl Default for SimArgs {
    fn default() -> Self {
        Self {
            listen: Vec::new(),
            tls_listen: Vec::new(),
            cert: None,
            key: None,
            system_id: None,
            password: None,
            profile: None,
            max_binds: None,
            receipt_delay: 100,
            outcomes: [100, 0, 0, 0],
            error_code: None,
            enroute: false,
            out_of_order: false,
            mo_rate: 0.0,
            mo_long: None,
            mo_ucs2: false,
            window: None,
            tps: None,
            account_tps: None,
            refuse_scheduled: false,
            drop_every_pdus: None,
            drop_every_secs: None,
            delay_ms: 0,
            withhold_every: None,
            nack_every: None,
            throttle_burst: None,
            early_receipt: false,
            double_receipt: false,
            no_enquire_link: false,
            refuse_binds: 0,
            metrics: None,
            verbose: false,
        }
    }
}

fn parse_mix(s: &str) -> Result<[u32; 4], String> {
    let v: Vec<u32> = s
        .split(':')
        .map(|x| x.trim().parse::<u32>().map_err(|e| format!("{x:?}: {e}")))
        .collect::<Result<_, _>>()?;
    match v.as_slice() {
        [a, b, c, d] if a + b + c + d > 0 => Ok([*a, *b, *c, *d]),
        _ => Err("expected four weights DELIVRD:UNDELIV:EXPIRED:REJECTD, not all 0".into()),
    }
}

fn parse_pair(s: &str) -> Result<(u64, u64), String> {
    let (a, b) = s.split_once(':').ok_or("expected N:M")?;
    let a = a.trim().parse::<u64>().map_err(|e| e.to_string())?;
    let b = b.trim().parse::<u64>().map_err(|e| e.to_string())?;
    if a == 0 || b == 0 {
        return Err("N and M must be at least 1".into());
    }
    Ok((a, b))
}

/// Counters, printed with -v and on exit.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) connections: AtomicU64,
    pub(crate) submits: AtomicU64,
    pub(crate) accepted: AtomicU64,
    pub(crate) throttled: AtomicU64,
    pub(crate) rejected: AtomicU64,
    pub(crate) withheld: AtomicU64,
    pub(crate) nacked: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) receipts: AtomicU64,
    pub(crate) mo: AtomicU64,
    pub(crate) binds_refused: AtomicU64,
}

fn n(a: &AtomicU64) -> u64 {
    a.load(Ordering::Relaxed)
}

/// A running simulator.
pub(crate) struct Sim {
    server: Arc<Server>,
    counters: Arc<Counters>,
    /// The public addresses (plain first, then TLS).
    pub(crate) addrs: Vec<(SocketAddr, bool)>,
    /// The internal server's address (no proxy, no faults below the handler).
    pub(crate) direct: SocketAddr,
    /// PEM file of the generated certificate, if any.
    pub(crate) cert_file: Option<std::path::PathBuf>,
    /// The Prometheus metrics listener's address (`--metrics`).
    pub(crate) metrics: Option<SocketAddr>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

#[derive(Clone, Copy)]
struct Effective {
    max_binds: usize,
    tps: Option<u32>,
    account_tps: Option<u32>,
    window: Option<usize>,
    hex_ids: bool,
    fmt: FormatOptions,
    wavix_tlvs: bool,
    default_err: u32,
}

fn effective(a: &SimArgs) -> Effective {
    let mut e = Effective {
        max_binds: 1000,
        tps: None,
        account_tps: None,
        window: None,
        hex_ids: false,
        fmt: FormatOptions::default(),
        wavix_tlvs: false,
        default_err: 1,
    };
    match a.profile {
        Some(Profile::EightByEight) => {
            e.max_binds = 4;
            e.tps = Some(50);
        }
        Some(Profile::Gatewayapi) => {
            e.fmt.err_quirk = ErrQuirk::GatewayApi;
            e.default_err = 0x107E;
        }
        Some(Profile::Vonage) => {
            e.hex_ids = true;
            e.fmt.id = IdRender::HexAsDecimal { min_width: 0 };
            e.fmt.text = TextMode::None;
        }
        Some(Profile::Wavix) => {
            e.account_tps = Some(20);
            e.window = Some(10);
            e.wavix_tlvs = true;
            e.default_err = 1005;
        }
        None => {}
    }
    if let Some(m) = a.max_binds {
        e.max_binds = m;
    }
    if a.tps.is_some() {
        e.tps = a.tps;
    }
    if a.account_tps.is_some() {
        e.account_tps = a.account_tps;
    }
    if a.window.is_some() {
        e.window = a.window;
    }
    e
}

/// A per-key token bucket: `rate` per second, burst `rate`.
#[derive(Default)]
struct Buckets(Mutex<HashMap<String, (f64, Instant)>>);

impl Buckets {
    fn take(&self, key: &str, rate: u32) -> bool {
        let mut m = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let rate = f64::from(rate.max(1));
        let e = m.entry(key.to_owned()).or_insert((rate, now));
        e.0 = (e.0 + now.duration_since(e.1).as_secs_f64() * rate).min(rate);
        e.1 = now;
        if e.0 >= 1.0 {
            e.0 -= 1.0;
            true
        } else {
            false
        }
    }
}

struct State {
    args: SimArgs,
    eff: Effective,
    counters: Arc<Counters>,
    server: OnceLock<Arc<Server>>,
    ids: AtomicU64,
    seen: AtomicU64,
    inflight: Mutex<HashMap<u64, usize>>,
    per_bind: Buckets,
    per_account: Buckets,
    pick: AtomicU64,
    /// Every system_id that ever bound (MO goes to those still bound).
    known: Mutex<std::collections::BTreeSet<String>>,
}

fn pick_state(st: &State) -> (MessageState, bool) {
    let w = st.args.outcomes;
    let total: u64 = w.iter().map(|&x| u64::from(x)).sum::<u64>().max(1);
    // A deterministic spread (golden ratio sequence): exact proportions, no RNG.
    let k = st.pick.fetch_add(1, Ordering::Relaxed);
    let r = (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) % total;
    let mut acc = 0u64;
    let states = [
        MessageState::Delivered,
        MessageState::Undeliverable,
        MessageState::Expired,
        MessageState::Rejected,
    ];
    for (i, &x) in w.iter().enumerate() {
        acc += u64::from(x);
        if r < acc {
            let s = states.get(i).copied().unwrap_or(MessageState::Delivered);
            return (s, s != MessageState::Delivered);
        }
    }
    (MessageState::Delivered, false)
}

fn receipt_sm(
    st: &State,
    sm: &SubmitSm,
    id: &str,
    state: MessageState,
    err: u32,
    submitted: SystemTime,
) -> DeliverSm {
    let umr = sm.tlvs.user_message_reference();
    let text_src: Vec<u8> = if st.eff.fmt.err_quirk == ErrQuirk::GatewayApi {
        umr.map(|u| u.to_string().into_bytes()).unwrap_or_default()
    } else {
        let p = sm.payload();
        p.get(..p.len().min(20)).unwrap_or_default().to_vec()
    };
    let fields = ReceiptFields {
        id: id.as_bytes(),
        sub: 1,
        dlvrd: u32::from(state == MessageState::Delivered),
        submit_date: submitted,
        done_date: SystemTime::now(),
        state,
        err,
        text: &text_src,
    };
    let mut buf = [0u8; 255];
    let len = format(&fields, &st.eff.fmt, &mut buf).unwrap_or(0);
    let text = Bytes::copy_from_slice(buf.get(..len).unwrap_or_default());
    let esm = if state == MessageState::Enroute {
        EsmClass::INTERMEDIATE_NOTIFICATION
    } else {
        EsmClass::DELIVERY_RECEIPT
    };
    let to = sm.source_addr.to_string_lossy().into_owned();
    let from = sm.destination_addr.to_string_lossy().into_owned();
    let mut d = DeliverSm::new(&from, &to, text).with_esm_class(EsmClass(esm));
    if st.eff.wavix_tlvs {
        let rid = id.to_owned();
        let mut tlvs = vec![
            Tlv::cstring(TlvTag::ReceiptedMessageId, rid),
            Tlv::u8(TlvTag::MessageState, state.value()),
        ];
        if let Some(u) = umr {
            tlvs.push(Tlv::u16(TlvTag::UserMessageReference, u));
        }
        if state == MessageState::Rejected {
            tlvs.push(Tlv {
                tag: TlvTag::NetworkErrorCode,
                value: TlvValue::NetworkErrorCode {
                    network_type: 3,
                    error_code: u16::try_from(err).unwrap_or(1005),
                },
            });
        }
        if let Ok(t) = Tlvs::from_slice(&tlvs) {
            d.tlvs = t;
        }
    }
    d
}

fn deliver(st: &State, system_id: &str, sm: DeliverSm) {
    if let Some(s) = st.server.get() {
        if s.deliver(system_id, sm).is_ok() {
            st.counters.receipts.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn handle(st: Arc<State>, ctx: RequestContext, body: Body) -> Reply {
    let Body::SubmitSm(sm) = body else {
        return match Body::empty_response(body.command_id()) {
            Some(Body::DataSmResp(_)) => {
                let id = st.ids.fetch_add(1, Ordering::Relaxed);
                Reply::ok(Body::DataSmResp(MessageIdResp::new(id.to_string())))
            }
            Some(b) => Reply::ok(b),
            None => Reply::error(CommandStatus::InvCmdId),
        };
    };
    let c = &st.counters;
    c.submits.fetch_add(1, Ordering::Relaxed);
    let k = st.seen.fetch_add(1, Ordering::Relaxed) + 1;
    if let Some(w) = st.args.withhold_every {
        if w > 0 && k % w == 0 {
            c.withheld.fetch_add(1, Ordering::Relaxed);
            return std::future::pending().await;
        }
    }
    if let Some((every, burst)) = st.args.throttle_burst {
        if (k - 1) % (every + burst) >= every {
            c.throttled.fetch_add(1, Ordering::Relaxed);
            return Reply::error(CommandStatus::Throttled);
        }
    }
    if st.args.refuse_scheduled && !sm.schedule_delivery_time.is_empty() {
        c.rejected.fetch_add(1, Ordering::Relaxed);
        return Reply::error(CommandStatus::InvSched);
    }
    if let Some(r) = st.eff.tps {
        if !st.per_bind.take(&ctx.connection.to_string(), r) {
            c.throttled.fetch_add(1, Ordering::Relaxed);
            return Reply::error(CommandStatus::Throttled);
        }
    }
    if let Some(r) = st.eff.account_tps {
        if !st.per_account.take(&ctx.system_id, r) {
            c.throttled.fetch_add(1, Ordering::Relaxed);
            return Reply::error(CommandStatus::Throttled);
        }
    }
    let over = {
        let mut m = st
            .inflight
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let e = m.entry(ctx.connection).or_insert(0);
        *e += 1;
        st.eff.window.is_some_and(|w| *e > w)
    };
    let reply = if over {
        c.throttled.fetch_add(1, Ordering::Relaxed);
        Reply::error(CommandStatus::Throttled)
    } else {
        if st.args.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(st.args.delay_ms)).await;
        }
        let n = st.ids.fetch_add(1, Ordering::Relaxed);
        let id = if st.eff.hex_ids {
            format!("{:x}", 0x1000_0000u64 + n)
        } else {
            n.to_string()
        };
        c.accepted.fetch_add(1, Ordering::Relaxed);
        if sm.registered_delivery.wants_receipt() {
            receipts(&st, &ctx, &sm, &id).await;
        }
        Reply::ok(Body::SubmitSmResp(MessageIdResp::new(id)))
    };
    let mut m = st
        .inflight
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(e) = m.get_mut(&ctx.connection) {
        *e = e.saturating_sub(1);
    }
    reply
}

async fn receipts(st: &Arc<State>, ctx: &RequestContext, sm: &SubmitSm, id: &str) {
    let (state, failed) = pick_state(st);
    let err = if failed {
        st.args.error_code.unwrap_or(st.eff.default_err)
    } else {
        0
    };
    let submitted = SystemTime::now();
    let enroute = st.args.enroute || st.args.out_of_order;
    let mut list = Vec::new();
    let fin = receipt_sm(st, sm, id, state, err, submitted);
    let inter = enroute.then(|| receipt_sm(st, sm, id, MessageState::Enroute, 0, submitted));
    if st.args.out_of_order {
        list.push(fin.clone());
        list.extend(inter);
    } else {
        list.extend(inter);
        list.push(fin.clone());
    }
    if st.args.double_receipt {
        list.push(fin);
    }
    if st.args.early_receipt {
        for r in list {
            deliver(st, &ctx.system_id, r);
        }
        // Give the receipts a head start over the response.
        tokio::time::sleep(Duration::from_millis(30)).await;
        return;
    }
    let st2 = st.clone();
    let sys = ctx.system_id.clone();
    let delay = Duration::from_millis(st.args.receipt_delay);
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        for r in list {
            deliver(&st2, &sys, r);
            // Keep the order visible to the receiver.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
}

fn mo_messages(st: &State, k: u64, ref_num: u16) -> Vec<DeliverSm> {
    let long = st.args.mo_long.filter(|_| k % 2 == 1);
    let ucs2 = st.args.mo_ucs2 && k % 3 == 2;
    let text: String = match (long.is_some(), ucs2) {
        (true, true) => "Привет из симулятора 👋 ".repeat(6),
        (true, false) => format!("MO {k}: {}", "a long mobile-originated message. ".repeat(8)),
        (false, true) => format!("MO {k}: Grüße 👋 ünïcödé"),
        (false, false) => format!("MO {k}: hello from the handset"),
    };
    let method = long.map_or(Concat::Udh8, SplitArg::concat);
    let reference = if method == Concat::Udh8 {
        ref_num & 0xFF
    } else {
        ref_num
    };
    let policy = EncodingPolicy {
        latin1: false,
        ..EncodingPolicy::default()
    };
    let Ok(split) = split_text(&text, &policy, &SplitOptions::new(method, reference)) else {
        return Vec::new();
    };
    split
        .parts
        .iter()
        .map(|part| {
            let mut d = DeliverSm::new("4512345678", "MyService", part.short_message.clone())
                .with_data_coding(DataCoding(part.data_coding))
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
            if let Ok(t) = Tlvs::from_slice(&tlvs) {
                d.tlvs = t;
            }
            d
        })
        .collect()
}

impl Sim {
    /// Starts the simulator.
    pub(crate) async fn start(mut args: SimArgs) -> Result<Self, String> {
        if args.listen.is_empty() && args.tls_listen.is_empty() {
            args.listen.push("127.0.0.1:2775".into());
        }
        if !(args.mo_rate >= 0.0 && args.mo_rate.is_finite()) {
            return Err("--mo-rate must be a non-negative number".into());
        }
        let eff = effective(&args);
        let counters = Arc::new(Counters::default());
        let st = Arc::new(State {
            args: args.clone(),
            eff,
            counters: counters.clone(),
            server: OnceLock::new(),
            ids: AtomicU64::new(1),
            seen: AtomicU64::new(0),
            inflight: Mutex::new(HashMap::new()),
            per_bind: Buckets::default(),
            per_account: Buckets::default(),
            pick: AtomicU64::new(0),
            known: Mutex::new(std::collections::BTreeSet::new()),
        });
        let want_sys = args.system_id.clone();
        let want_pw = args.password.clone();
        let refuse = Arc::new(AtomicU64::new(args.refuse_binds));
        let c2 = counters.clone();
        let st2 = st.clone();
        let st_auth = st.clone();
        let withhold = args.withhold_every.is_some();
        let server = Server::builder()
            .system_id(match args.profile {
                Some(Profile::EightByEight) => "8x8-sim",
                Some(Profile::Gatewayapi) => "gatewayapi-sim",
                Some(Profile::Vonage) => "vonage-sim",
                Some(Profile::Wavix) => "wavix-sim",
                None => "smpp-sim",
            })
            .max_binds_per_system_id(eff.max_binds)
            .session_config(move |c| {
                if withhold {
                    // Withheld answers stay withheld: the client's timeout must fire.
                    c.inbound_response_timeout = None;
                }
                c.max_inbound_unanswered = 1000;
                c.window = 100;
            })
            .authenticator(move |b| {
                let refused = refuse
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |r| r.checked_sub(1))
                    .is_ok();
                let bad = refused
                    || want_sys.as_ref().is_some_and(|s| *s != b.system_id)
                    || want_pw.as_ref().is_some_and(|p| *p != b.password);
                if bad {
                    c2.binds_refused.fetch_add(1, Ordering::Relaxed);
                    return Err(if refused {
                        CommandStatus::BindFail
                    } else if want_sys.as_ref().is_some_and(|s| *s != b.system_id) {
                        CommandStatus::InvSysId
                    } else {
                        CommandStatus::InvPaswd
                    });
                }
                st_auth
                    .known
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(b.system_id.clone());
                Ok(())
            })
            .handler(move |ctx, body| handle(st2.clone(), ctx, body))
            .listen("127.0.0.1:0")
            .await
            .map_err(|e| format!("cannot start the simulator: {e}"))?;
        let direct = server.local_addr();
        let server = Arc::new(server);
        let _ = st.server.set(server.clone());
        let mut tasks = Vec::new();
        let mut addrs = Vec::new();
        let mut cert_file = None;
        let tls = if args.tls_listen.is_empty() {
            None
        } else {
            let (acc, file) = tls_acceptor(&args)?;
            cert_file = file;
            Some(acc)
        };
        let faults = Arc::new(ProxyFaults {
            drop_every_pdus: args.drop_every_pdus.filter(|&x| x > 0),
            drop_every: args
                .drop_every_secs
                .filter(|s| s.is_finite() && *s > 0.0)
                .map(Duration::from_secs_f64),
            no_enquire_link: args.no_enquire_link,
            nack_every: args.nack_every.filter(|&x| x > 0),
            nack_count: AtomicU64::new(0),
            counters: counters.clone(),
        });
        for (list, is_tls) in [(&args.listen, false), (&args.tls_listen, true)] {
            for a in list {
                let l = TcpListener::bind(a)
                    .await
                    .map_err(|e| format!("cannot listen on {a}: {e}"))?;
                let local = l.local_addr().map_err(|e| e.to_string())?;
                addrs.push((local, is_tls));
                let acc = if is_tls { tls.clone() } else { None };
                let f = faults.clone();
                tasks.push(tokio::spawn(accept_loop(l, direct, acc, f)));
            }
        }
        let mut metrics = None;
        if let Some(a) = &args.metrics {
            let l = TcpListener::bind(a)
                .await
                .map_err(|e| format!("cannot listen for metrics on {a}: {e}"))?;
            metrics = Some(l.local_addr().map_err(|e| e.to_string())?);
            tasks.push(tokio::spawn(crate::metrics::serve(l, counters.clone())));
        }
        if args.mo_rate > 0.0 {
            let st3 = st.clone();
            let every = Duration::from_secs_f64(1.0 / args.mo_rate);
            tasks.push(tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                tick.tick().await;
                let mut k = 0u64;
                loop {
                    tick.tick().await;
                    let Some(server) = st3.server.get() else {
                        continue;
                    };
                    let known: Vec<String> = st3
                        .known
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .iter()
                        .cloned()
                        .collect();
                    for sys in known.into_iter().filter(|s| server.binds(s) > 0) {
                        for part in mo_messages(&st3, k, (k % 60_000) as u16 + 1) {
                            let _ = server.deliver(&sys, part);
                        }
                        st3.counters.mo.fetch_add(1, Ordering::Relaxed);
                    }
                    k += 1;
                }
            }));
        }
        if args.verbose {
            let c = counters.clone();
            tasks.push(tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(5));
                tick.tick().await;
                loop {
                    tick.tick().await;
                    eprintln!("sim: {}", c.line());
                }
            }));
        }
        Ok(Self {
            server,
            counters,
            addrs,
            direct,
            cert_file,
            metrics,
            tasks,
        })
    }

    /// Counters so far.
    pub(crate) fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Stops listening and unbinds everyone.
    pub(crate) async fn stop(&self) {
        for t in &self.tasks {
            t.abort();
        }
        self.server.shutdown().await;
    }
}

impl Counters {
    /// Every counter as (name, description, value), in summary order.
    pub(crate) fn fields(&self) -> [(&'static str, &'static str, u64); 11] {
        [
            (
                "connections",
                "Client connections accepted.",
                n(&self.connections),
            ),
            ("submits", "submit_sm requests received.", n(&self.submits)),
            (
                "accepted",
                "submit_sm requests accepted.",
                n(&self.accepted),
            ),
            (
                "throttled",
                "submit_sm requests answered with ESME_RTHROTTLED.",
                n(&self.throttled),
            ),
            (
                "rejected",
                "submit_sm requests rejected with another error.",
                n(&self.rejected),
            ),
            (
                "withheld",
                "submit_sm requests never answered (fault).",
                n(&self.withheld),
            ),
            (
                "nacked",
                "submit_sm requests answered with generic_nack (fault).",
                n(&self.nacked),
            ),
            ("dropped", "Connections dropped (fault).", n(&self.dropped)),
            ("receipts", "Delivery receipts queued.", n(&self.receipts)),
            ("mo", "Mobile-originated messages sent.", n(&self.mo)),
            (
                "binds_refused",
                "Bind attempts refused.",
                n(&self.binds_refused),
            ),
        ]
    }

    pub(crate) fn line(&self) -> String {
        self.fields()
            .iter()
            .map(|(name, _, v)| format!("{name} {v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn tls_acceptor(
    args: &SimArgs,
) -> Result<(tokio_rustls::TlsAcceptor, Option<std::path::PathBuf>), String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let (chain, key, file) = match (&args.cert, &args.key) {
        (Some(c), Some(k)) => {
            let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(c)
                .map_err(|e| format!("{}: {e}", c.display()))?
                .collect::<Result<_, _>>()
                .map_err(|e| format!("{}: {e}", c.display()))?;
            let key =
                PrivateKeyDer::from_pem_file(k).map_err(|e| format!("{}: {e}", k.display()))?;
            (chain, key, None)
        }
        _ => {
            let ck =
                rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
                    .map_err(|e| format!("generating a certificate: {e}"))?;
            let path = std::env::temp_dir().join(format!("smpp-sim-{}.pem", std::process::id()));
            std::fs::write(&path, ck.cert.pem())
                .map_err(|e| format!("writing {}: {e}", path.display()))?;
            let key = PrivateKeyDer::try_from(ck.signing_key.serialize_der())
                .map_err(|e| format!("key: {e}"))?;
            (vec![ck.cert.der().clone()], key, Some(path))
        }
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("tls: {e}"))?;
    Ok((tokio_rustls::TlsAcceptor::from(Arc::new(config)), file))
}

struct ProxyFaults {
    drop_every_pdus: Option<u64>,
    drop_every: Option<Duration>,
    no_enquire_link: bool,
    nack_every: Option<u64>,
    nack_count: AtomicU64,
    counters: Arc<Counters>,
}

impl ProxyFaults {
    fn active(&self) -> bool {
        self.drop_every_pdus.is_some()
            || self.drop_every.is_some()
            || self.no_enquire_link
            || self.nack_every.is_some()
    }
}

async fn accept_loop(
    l: TcpListener,
    direct: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
    f: Arc<ProxyFaults>,
) {
    loop {
        let Ok((tcp, _peer)) = l.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let tls = tls.clone();
        let f = f.clone();
        tokio::spawn(async move {
            f.counters.connections.fetch_add(1, Ordering::Relaxed);
            let Ok(up) = TcpStream::connect(direct).await else {
                return;
            };
            let _ = up.set_nodelay(true);
            match tls {
                None => proxy(tcp, up, &f).await,
                Some(acc) => {
                    if let Ok(s) = acc.accept(tcp).await {
                        proxy(s, up, &f).await;
                    }
                }
            }
        });
    }
}

async fn proxy<S>(client: S, mut up: TcpStream, f: &ProxyFaults)
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    let mut client = client;
    if !f.active() {
        let _ = tokio::io::copy_bidirectional(&mut client, &mut up).await;
        return;
    }
    let (mut crd, mut cwr) = tokio::io::split(client);
    let (mut urd, mut uwr) = up.into_split();
    let (to_client, mut rx) = mpsc::unbounded_channel::<Bytes>();
    let down = to_client.clone();
    // Server to client: forward as read.
    let from_server = async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match urd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(k) => {
                    if down
                        .send(Bytes::copy_from_slice(buf.get(..k).unwrap_or_default()))
                        .is_err()
                    {
                        break;
                    }
                }
            }
        }
    };
    let writer = async move {
        while let Some(b) = rx.recv().await {
            if cwr.write_all(&b).await.is_err() {
                break;
            }
        }
        let _ = cwr.shutdown().await;
    };
    // Client to server: frame by frame, with the faults.
    let from_client = async move {
        let mut acc = BytesMut::with_capacity(16 * 1024);
        let mut pdus = 0u64;
        let limits = FrameLimits::default();
        loop {
            match crd.read_buf(&mut acc).await {
                Ok(0) | Err(_) => return false,
                Ok(_) => {}
            }
            loop {
                let h = match peek_frame(&acc, &limits) {
                    Ok(Some(h)) => h,
                    Ok(None) => break,
                    Err(_) => return false,
                };
                let frame = acc.split_to(h.command_length as usize).freeze();
                pdus += 1;
                let id = h.command_id.value();
                let mut forward = true;
                if f.no_enquire_link && id == 0x0000_0015 {
                    forward = false;
                }
                if id == 0x0000_0004 {
                    if let Some(every) = f.nack_every {
                        if (f.nack_count.fetch_add(1, Ordering::Relaxed) + 1) % every == 0 {
                            forward = false;
                            f.counters.nacked.fetch_add(1, Ordering::Relaxed);
                            let mut out = BytesMut::new();
                            let mut nack =
                                Pdu::new(SequenceNumber(h.sequence.0), Body::GenericNack);
                            nack.status = CommandStatus::SysErr;
                            if nack.encode(&mut out).is_ok() {
                                let _ = to_client.send(out.freeze());
                            }
                        }
                    }
                }
                if forward && uwr.write_all(&frame).await.is_err() {
                    return false;
                }
                if f.drop_every_pdus.is_some_and(|d| pdus >= d) {
                    return true;
                }
            }
        }
    };
    let timer = async {
        match f.drop_every {
            Some(d) => {
                tokio::time::sleep(d).await;
                true
            }
            None => std::future::pending().await,
        }
    };
    let dropped = tokio::select! {
        d = from_client => d,
        () = from_server => false,
        () = writer => false,
        d = timer => d,
    };
    if dropped {
        f.counters.dropped.fetch_add(1, Ordering::Relaxed);
    }
}

/// `smpp sim`: runs until Ctrl-C or SIGTERM, then prints a summary.
pub(crate) async fn run(args: SimArgs) -> Result<(), String> {
    let sim = Sim::start(args).await?;
    for (i, (a, tls)) in sim.addrs.iter().enumerate() {
        if i == 0 {
            println!("smpp sim listening on {a}");
        } else {
            println!("also listening on {a}{}", if *tls { " (tls)" } else { "" });
        }
    }
    if let Some(f) = &sim.cert_file {
        println!("tls certificate (self-signed, for --ca): {}", f.display());
    }
    if let Some(m) = sim.metrics {
        // Not println!: a reader that kept only the first line must not make this panic.
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "metrics on {m}").and_then(|()| out.flush());
    }
    wait_for_signal().await;
    sim.stop().await;
    println!("sim summary: {}", sim.counters().line());
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
