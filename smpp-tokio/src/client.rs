//! The ESME side: connect (TCP or TLS), bind, submit, receive, reconnect.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::time::Duration;

use bytes::Bytes;
use smpp_proto::pdu::{Bind, Body, COctetString, CommandStatus, SubmitSm};
use smpp_proto::segment::{SubmitPartsError, submit_parts};
use smpp_proto::session::{
    BindKind, CloseReason, Event, Outcome, RateLimit, ReplyToken, Session, SessionConfig,
};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;

use crate::driver::{Answer, Cmd, Driver, Link, SharedLink, lock_link, now};
use crate::error::{ClientError, ConnectError};
use crate::metrics::{Counters, SessionCounters};
use crate::response::ResponseFuture;
use crate::tls::TlsConnect;
use crate::tracking::{ReceiptInfo, Tracker};
use smpp_proto::pdu::MessageState;
use smpp_proto::receipt::{CorrelatorConfig, MessageKey, ReceiptOptions};

/// How to reconnect after a drop.
#[derive(Clone, Debug)]
pub struct Reconnect {
    /// First delay.
    pub initial: Duration,
    /// Largest delay (GatewayAPI asks for 30 s between attempts).
    pub max: Duration,
}

impl Default for Reconnect {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(30),
        }
    }
}

/// Builds a [`Client`]. Defaults follow what providers ask for (providers.md): window
/// 10, enquire_link every 30 s, response timeout 30 s, reconnect from 1 s backing off to
/// 30 s with jitter, transceiver bind, interface version 3.4.
///
/// ```no_run
/// # async fn f() -> Result<(), Box<dyn std::error::Error>> {
/// use smpp_tokio::ClientBuilder;
/// let (client, mut events) = ClientBuilder::new("127.0.0.1:2775")
///     .system_id("user")
///     .password("secret")
///     .connect()
///     .await?;
/// let ids = client.send_text("MyShop", "4512345678", "Hello!", &Default::default()).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    addr: String,
    tls: Option<TlsConnect>,
    bind: Bind,
    kind: BindKind,
    config: SessionConfig,
    reconnect: Option<Reconnect>,
    auto_ack: bool,
    connect_timeout: Duration,
    receipts: ReceiptOptions,
    correlator: CorrelatorConfig,
    /// Pool members: requests never sent hand back `SendError::NotBound` at a drop
    /// instead of waiting for the reconnect, so the pool sends them elsewhere.
    pub(crate) reroute: bool,
}

impl core::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("addr", &self.addr)
            .field("tls", &self.tls.is_some())
            .field("bind", &self.bind)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder for `host:port`.
    #[must_use]
    pub fn new(addr: impl Into<String>) -> Self {
        Self {
            addr: addr.into(),
            tls: None,
            bind: Bind::new("", ""),
            kind: BindKind::Transceiver,
            config: SessionConfig::esme(),
            reconnect: Some(Reconnect::default()),
            auto_ack: false,
            receipts: ReceiptOptions::default(),
            correlator: CorrelatorConfig::default(),
            connect_timeout: Duration::from_secs(10),
            reroute: false,
        }
    }
    /// The `system_id` (user name).
    #[must_use]
    pub fn system_id(mut self, v: impl Into<String>) -> Self {
        self.bind.system_id = COctetString::from(v.into());
        self
    }
    /// The password.
    #[must_use]
    pub fn password(mut self, v: impl Into<String>) -> Self {
        self.bind.password = COctetString::from(v.into());
        self
    }
    /// The `system_type` (often empty).
    #[must_use]
    pub fn system_type(mut self, v: impl Into<String>) -> Self {
        self.bind.system_type = COctetString::from(v.into());
        self
    }
    /// Bind as transmitter, receiver or transceiver (the default).
    #[must_use]
    pub const fn bind_kind(mut self, kind: BindKind) -> Self {
        self.kind = kind;
        self
    }
    /// `interface_version` sent in the bind (0x34 by default).
    #[must_use]
    pub fn interface_version(mut self, v: u8) -> Self {
        self.bind.interface_version = v;
        self.config.interface_version = v;
        self
    }
    /// Maximum requests in flight (default 10).
    #[must_use]
    pub const fn window(mut self, n: usize) -> Self {
        self.config.window = n;
        self
    }
    /// Response timeout per request (default 30 s).
    #[must_use]
    pub const fn response_timeout(mut self, d: Duration) -> Self {
        self.config.response_timeout = d;
        self
    }
    /// Idle time after which an `enquire_link` is sent (default 30 s; `None` disables).
    #[must_use]
    pub const fn enquire_link_interval(mut self, d: Option<Duration>) -> Self {
        self.config.enquire_link_interval = d;
        self
    }
    /// Limit message-carrying requests to `per_second` (e.g. 50, 8x8's default per bind).
    #[must_use]
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.config.rate_limit = Some(RateLimit::per_second(per_second));
        self
    }
    /// Connect with TLS.
    #[must_use]
    pub fn tls(mut self, tls: TlsConnect) -> Self {
        self.tls = Some(tls);
        self
    }
    /// Reconnect policy (`None`: a drop ends the client).
    #[must_use]
    pub fn reconnect(mut self, r: Option<Reconnect>) -> Self {
        self.reconnect = r;
        self
    }
    /// Acknowledge incoming `deliver_sm`/`data_sm` as soon as they arrive instead of when
    /// the application calls [`Ack::accept`] (default: off).
    #[must_use]
    pub const fn auto_ack(mut self, on: bool) -> Self {
        self.auto_ack = on;
        self
    }
    pub(crate) fn addr(&self) -> &str {
        &self.addr
    }
    pub(crate) fn reconnect_policy(&self) -> Option<Reconnect> {
        self.reconnect.clone()
    }
    /// How this SMSC writes message ids (submit_sm_resp vs receipt: Vonage answers hex and
    /// reports decimal; Kannel's `msg-id-type`) and its `err:` quirk (GatewayAPI), for
    /// receipt parsing and matching.
    #[must_use]
    pub const fn receipts(mut self, opts: ReceiptOptions) -> Self {
        self.receipts = opts;
        self
    }

    /// Limits and hold times of receipt matching (defaults: 100,000 tracked messages,
    /// receipts with an unknown id held 30 s for their `submit_sm_resp`, 48 h to wait for
    /// final receipts).
    #[must_use]
    pub const fn receipt_matching(mut self, c: CorrelatorConfig) -> Self {
        self.correlator = c;
        self
    }

    /// Full access to the session settings.
    #[must_use]
    pub fn session_config(mut self, f: impl FnOnce(&mut SessionConfig)) -> Self {
        f(&mut self.config);
        self
    }

    /// Connects and binds. Returns once the first bind succeeded; later drops reconnect
    /// in the background (if enabled) and show up as [`ClientEvent`]s.
    ///
    /// # Errors
    /// [`ConnectError`] when the first connection or bind fails.
    pub async fn connect(self) -> Result<(Client, mpsc::Receiver<ClientEvent>), ConnectError> {
        let (cmd_tx, cmd_rx) = mpsc::channel(1024);
        let (app_tx, app_rx) = mpsc::channel(1024);
        let (first_tx, first_rx) = oneshot::channel();
        let shutdown = Arc::new(AtomicBool::new(false));
        let counters = Arc::new(Counters::new(
            "esme",
            &self.bind.system_id.to_string_lossy(),
            &self.addr,
        ));
        let bound = Arc::new(AtomicBool::new(false));
        let tracker = Tracker::new(CorrelatorConfig {
            notation: self.receipts.notation,
            ..self.correlator
        });
        let link = SharedLink::default();
        tokio::spawn(manage(
            tracker.clone(),
            self,
            link.clone(),
            cmd_rx,
            app_tx,
            first_tx,
            shutdown.clone(),
            counters.clone(),
            bound.clone(),
        ));
        match first_rx.await {
            Ok(Ok(())) => Ok((
                Client {
                    cmds: cmd_tx,
                    link,
                    shutdown,
                    reference: Arc::new(AtomicU16::new(1)),
                    counters,
                    bound,
                    tracker,
                },
                app_rx,
            )),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(ConnectError::Closed),
        }
    }
}

/// An inbound `deliver_sm` or `data_sm`, answered when the application says so.
#[derive(Debug)]
pub struct Delivery {
    /// The request (for a long message: the last part; see `parts`).
    pub body: Body,
    /// Whether esm_class marks an SMSC delivery receipt or intermediate notification.
    pub is_receipt: bool,
    /// The decoded text of the whole message (all parts joined), when it is text.
    pub text: Option<String>,
    /// How many PDUs made up this message.
    pub parts: usize,
    /// The receipt, parsed (text and TLVs merged), when this is one.
    pub receipt: Option<ReceiptInfo>,
    /// Acknowledges the PDUs. Dropping it unanswered answers ESME_RX_T_APPN, so the SMSC
    /// redelivers rather than the message being lost.
    pub ack: Ack,
}

/// The pending answers to one [`Delivery`]'s PDUs.
#[derive(Debug)]
pub struct Ack {
    tokens: Vec<ReplyToken>,
    answers: Option<mpsc::UnboundedSender<Answer>>,
}

impl Ack {
    pub(crate) fn new(tokens: Vec<ReplyToken>, answers: mpsc::UnboundedSender<Answer>) -> Self {
        Self {
            tokens,
            answers: Some(answers),
        }
    }

    /// Answers OK now (auto-ack); the `Ack` then does nothing more.
    pub(crate) fn accept_in_place(&mut self) {
        self.send(CommandStatus::Ok);
    }

    fn send(&mut self, status: CommandStatus) {
        let Some(tx) = self.answers.take() else {
            return;
        };
        for token in self.tokens.drain(..) {
            let reply = smpp_proto::inbound::reply_with(&token, status);
            let _ = tx.send(Answer::Respond { token, reply });
        }
    }
    /// Answer OK: the application has the message.
    pub fn accept(mut self) {
        self.send(CommandStatus::Ok);
    }
    /// Answer with an error status (ESME_RX_T_APPN: retry later; ESME_RX_P_APPN:
    /// permanent; ESME_RX_R_APPN: reject this message).
    pub fn reject(mut self, status: CommandStatus) {
        self.send(status);
    }
}

impl Drop for Ack {
    fn drop(&mut self) {
        self.send(CommandStatus::XTAppn);
    }
}

/// What the client reports.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientEvent {
    /// Bound (again, after a reconnect).
    Bound {
        /// The SMSC's system_id.
        system_id: Bytes,
    },
    /// The connection ended; requests in flight resolved as connection lost.
    Disconnected {
        /// Why.
        reason: CloseReason,
    },
    /// Waiting before the next connection attempt.
    Reconnecting {
        /// Attempt number (1 for the first retry).
        attempt: u32,
        /// The delay.
        delay: Duration,
        /// What went wrong.
        error: String,
    },
    /// A mobile-originated message or a delivery receipt.
    Delivery(Delivery),
    /// A response that arrived after its request timed out (the message may well be
    /// delivered: do not resend blindly).
    LateResponse {
        /// The outcome it carried.
        outcome: Outcome,
    },
    /// The client stopped (unbind, or reconnect disabled).
    Stopped,
    /// A receipt matched a part of a message sent with [`Client::send_text`] (intermediate
    /// or final; `late` when the part was already final, e.g. ENROUTE after DELIVRD).
    ReceiptMatched {
        /// [`SentText::track`] of the message.
        track: u64,
        /// The part (0-based).
        part: u16,
        /// The state reported.
        state: MessageState,
        /// The error code, if any.
        error: Option<u32>,
        /// The part already had a final state; this one was not applied.
        late: bool,
    },
    /// Every part of a tracked message has a final state (the worst part decides).
    MessageFinal {
        /// [`SentText::track`] of the message.
        track: u64,
        /// The combined state.
        state: MessageState,
        /// The error of the part that decided it.
        error: Option<u32>,
        /// Each part's final state.
        parts: Vec<MessageState>,
    },
    /// A tracked message got no final receipt in time (or was evicted to bound memory).
    TrackExpired {
        /// [`SentText::track`] of the message.
        track: u64,
    },
    /// A receipt that matched no tracked message (sent with `submit`, from another
    /// system, or with an id nobody registered within the hold time). Reported, never
    /// dropped; its [`Delivery`] was delivered too.
    ReceiptUnmatched {
        /// The normalised message id.
        key: MessageKey,
        /// The state reported.
        state: MessageState,
        /// The error code, if any.
        error: Option<u32>,
    },
}

/// Options for [`Client::send_text`]: smpp-proto's
/// [`SubmitOptions`](smpp_proto::segment::SubmitOptions) under this crate's name.
pub use smpp_proto::segment::SubmitOptions as TextOptions;

/// The result of [`Client::send_text`].
#[derive(Debug)]
pub struct SentText {
    /// The `data_coding` used.
    pub data_coding: u8,
    /// The id under which receipts for this message are reported
    /// ([`ClientEvent::ReceiptMatched`], [`ClientEvent::MessageFinal`]); `None` when no
    /// receipt was requested.
    pub track: Option<u64>,
    /// One outcome per part, in order.
    pub parts: Vec<Outcome>,
}

impl SentText {
    /// The message ids of the accepted parts (`None` for a part that was not accepted).
    #[must_use]
    pub fn message_ids(&self) -> Vec<Option<String>> {
        self.parts
            .iter()
            .map(|o| {
                o.message_id()
                    .map(|m| String::from_utf8_lossy(m).into_owned())
            })
            .collect()
    }
    /// Whether every part was accepted.
    #[must_use]
    pub fn all_ok(&self) -> bool {
        self.parts.iter().all(Outcome::is_ok)
    }
}

/// A handle to a bound ESME connection (cheap to clone).
#[derive(Clone, Debug)]
pub struct Client {
    cmds: mpsc::Sender<Cmd>,
    link: SharedLink,
    shutdown: Arc<AtomicBool>,
    reference: Arc<AtomicU16>,
    counters: Arc<Counters>,
    bound: Arc<AtomicBool>,
    tracker: Tracker,
}

impl Client {
    /// This client's counters (summed over its reconnects).
    #[must_use]
    pub fn stats(&self) -> SessionCounters {
        self.counters.snapshot()
    }

    /// Whether the connection is bound right now (false while reconnecting).
    #[must_use]
    pub fn is_bound(&self) -> bool {
        self.bound.load(Ordering::SeqCst)
    }

    /// Whether the client stopped for good (unbound, closed, or reconnect disabled).
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.cmds.is_closed()
    }

    /// Sends any request; the returned future resolves to its one outcome. The request
    /// is handed over at once, before the future is polled (see [`ResponseFuture`]):
    /// straight into the session when nothing is queued ahead of it and the window has
    /// room, otherwise into the command queue, in order. While
    /// the connection is down the request waits for the reconnect; in flight at a drop it resolves as
    /// [`Outcome::ConnectionLost`] and is never resent by the client. A request the client
    /// never sent because it stopped (unbind, close, reconnect disabled) fails with
    /// [`ClientError::Send`]`(SendError::Closed)`: not delivered, safe to resend.
    ///
    /// # Errors
    /// [`ClientError::Closed`] after the client stopped, [`ClientError::Send`] for a
    /// request the session refuses (wrong bind kind, not allowed...).
    #[inline]
    pub fn request(&self, body: Body) -> ResponseFuture {
        ResponseFuture::start(&self.cmds, &self.link, body)
    }

    /// Submits one `submit_sm` (queued at once, like [`Client::request`]).
    ///
    /// # Errors
    /// As [`Client::request`].
    #[inline]
    pub fn submit(&self, sm: SubmitSm) -> ResponseFuture {
        self.request(Body::SubmitSm(sm))
    }

    /// Encodes `text` (cheapest exact encoding allowed), splits it as `opts.split` says,
    /// submits every part within the window and returns every outcome.
    ///
    /// # Errors
    /// [`ClientError::Split`] when the text cannot be encoded or split; as
    /// [`Client::request`] otherwise.
    pub async fn send_text(
        &self,
        from: &str,
        to: &str,
        text: &str,
        opts: &TextOptions,
    ) -> Result<SentText, ClientError> {
        let reference = self.reference.fetch_add(1, Ordering::Relaxed);
        let (data_coding, sms) = text_parts(from, to, text, opts, reference)?;
        // Registered before sending: a receipt that overtakes its submit_sm_resp is held
        // by the correlator until the id below is known.
        let tracked = if opts.registered_delivery.wants_receipt() {
            self.tracker.register(sms.len())
        } else {
            None
        };
        let futs: Vec<_> = sms.into_iter().map(|sm| self.submit(sm)).collect();
        let mut parts = Vec::with_capacity(futs.len());
        for r in futures_util::future::join_all(futs).await {
            parts.push(r?);
        }
        if let Some((_, sref)) = tracked {
            let mut c = self.tracker.lock();
            for (i, o) in parts.iter().enumerate() {
                if let (Some(id), Ok(part)) = (o.message_id(), u16::try_from(i)) {
                    let _ = c.register_message_id(now(), sref, part, id);
                }
            }
        }
        Ok(SentText {
            data_coding,
            track: tracked.map(|(t, _)| t),
            parts,
        })
    }

    /// Unbinds gracefully (in-flight requests finish first) and stops reconnecting.
    ///
    /// # Errors
    /// [`ClientError::Closed`] if the client already stopped.
    pub async fn unbind(&self) -> Result<Outcome, ClientError> {
        self.shutdown.store(true, Ordering::SeqCst);
        let (done, rx) = oneshot::channel();
        self.cmds
            .send(Cmd::Unbind { done })
            .await
            .map_err(|_| ClientError::Closed)?;
        rx.await
            .map_err(|_| ClientError::Closed)?
            .map_err(ClientError::Send)
    }

    /// Closes the connection at once (in-flight requests resolve as connection lost) and
    /// stops reconnecting.
    pub async fn close(&self) {
        self.shutdown.store(true, Ordering::SeqCst);
        let _ = self.cmds.send(Cmd::Close).await;
    }
}

/// Encodes and splits `text` into the `submit_sm`s to send, and the data_coding used
/// ([`smpp_proto::segment::submit_parts`] with this crate's errors).
pub(crate) fn text_parts(
    from: &str,
    to: &str,
    text: &str,
    opts: &TextOptions,
    reference: u16,
) -> Result<(u8, Vec<SubmitSm>), ClientError> {
    match submit_parts(from, to, text, opts, reference) {
        Ok(p) => Ok((p.data_coding, p.parts)),
        Err(SubmitPartsError::Split(e)) => Err(ClientError::Split(e)),
        Err(SubmitPartsError::Encode(e)) => Err(ClientError::Encode(e.to_string())),
    }
}

async fn open(b: &ClientBuilder) -> Result<crate::tls::MaybeTls, ConnectError> {
    let tcp = tokio::time::timeout(b.connect_timeout, TcpStream::connect(&b.addr))
        .await
        .map_err(|_| ConnectError::Timeout)?
        .map_err(ConnectError::Io)?;
    let _ = tcp.set_nodelay(true);
    match &b.tls {
        None => Ok(crate::tls::MaybeTls::Plain(tcp)),
        Some(t) => t.connect(tcp).await,
    }
}

/// A request that never went out: answered `NotBound` so a pool sends it elsewhere.
fn refuse_unsent(c: Cmd) {
    match c {
        Cmd::Request { done, .. } => {
            let _ = done.send(Err(smpp_proto::session::SendError::NotBound));
        }
        Cmd::Bind { done, .. } | Cmd::Unbind { done } => {
            let _ = done.send(Ok(Outcome::ConnectionLost));
        }
        Cmd::Close | Cmd::Shutdown => {}
    }
}

/// Pool members only: hands back the parked and queued requests (never sent).
fn reroute_pending(
    b: &ClientBuilder,
    parked: &mut Option<Cmd>,
    cmds: &mut mpsc::Receiver<Cmd>,
) -> usize {
    if !b.reroute {
        return 0;
    }
    let mut n = 0;
    if let Some(c) = parked.take() {
        refuse_unsent(c);
        n += 1;
    }
    while let Ok(c) = cmds.try_recv() {
        refuse_unsent(c);
        n += 1;
    }
    n
}

fn jitter(d: Duration, attempt: u32) -> Duration {
    // Spread reconnects of many clients: +-20 % from a cheap per-process hash.
    let seed = u64::from(attempt).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ u64::from(std::process::id()).rotate_left(17)
        ^ u64::from(now().elapsed().subsec_nanos());
    let frac = (seed % 400) as f64 / 1000.0 - 0.2;
    d.mul_f64(1.0 + frac)
}

#[allow(
    clippy::too_many_arguments,
    reason = "the connection task's shared state"
)]
async fn manage(
    tracker: Tracker,
    b: ClientBuilder,
    link: SharedLink,
    mut cmds: mpsc::Receiver<Cmd>,
    app: mpsc::Sender<ClientEvent>,
    first: oneshot::Sender<Result<(), ConnectError>>,
    shutdown: Arc<AtomicBool>,
    counters: Arc<Counters>,
    bound_flag: Arc<AtomicBool>,
) {
    let mut first = Some(first);
    let system_id = b.bind.system_id.to_string_lossy().into_owned();
    let mut conn_no = 0u64;
    let mut attempt = 0u32;
    let mut parked: Option<Cmd> = None;
    let mut reassembler = crate::mo::Assembler::new(b.receipts);
    loop {
        conn_no += 1;
        // One span per connection; never the password.
        let span = tracing::info_span!(
            "smpp_client",
            peer = %b.addr,
            system_id = %system_id,
            bind = ?b.kind,
            conn = conn_no,
        );
        let result: Result<(), String> = match open(&b).instrument(span.clone()).await {
            Ok(io) => {
                tracing::debug!(parent: &span, "connected");
                let (ev_tx, mut ev_rx) = mpsc::unbounded_channel();
                let (ans_tx, ans_rx) = mpsc::unbounded_channel();
                let mut driver =
                    Driver::new(Session::new(b.config.clone(), now()), cmds, ans_rx, ev_tx)
                        .with_counters(counters.clone());
                let (bind_done, bind_rx) = oneshot::channel();
                driver.apply(
                    now(),
                    Cmd::Bind {
                        kind: b.kind,
                        bind: b.bind.clone(),
                        done: bind_done,
                    },
                );
                // A request that never went out on the last connection waits for this bind.
                driver.parked = parked.take();
                *lock_link(&link) = Some(Link::new(driver, io));
                let slot = link.clone();
                let mut task = tokio::spawn(
                    std::future::poll_fn(move |cx| match lock_link(&slot).as_mut() {
                        Some(l) => l.poll_drive(cx),
                        None => std::task::Poll::Ready(()),
                    })
                    .instrument(span.clone()),
                );
                let mut bound = false;
                let mut bind_rx = Some(bind_rx);
                // Matches found when send_text registers ids, and expiries, surface here.
                let mut tick = tokio::time::interval(Duration::from_millis(200));
                let mut close_reason = None;
                let driver = loop {
                    tokio::select! {
                        r = async { bind_rx.as_mut().expect("guarded").await }, if bind_rx.is_some() => {
                            bind_rx = None;
                            match r {
                                Ok(Ok(Outcome::Ok(_))) => {}
                                Ok(Ok(o)) => {
                                    tracing::warn!(parent: &span, outcome = ?o, "bind refused");
                                if let Some(f) = first.take() {
                                        let e = match o {
                                            Outcome::Rejected { status, .. } => ConnectError::BindRejected(status),
                                            Outcome::GenericNack(status) => ConnectError::BindRejected(status),
                                            other => ConnectError::NotBound(format!("{other:?}")),
                                        };
                                        let _ = f.send(Err(e));
                                        shutdown.store(true, Ordering::SeqCst);
                                    }
                                }
                                Ok(Err(e)) => {
                                    tracing::warn!(parent: &span, error = %e, "bind not sent");
                                    if let Some(f) = first.take() { let _ = f.send(Err(ConnectError::Bind(e))); }
                                }
                                Err(_) => {}
                            }
                        }
                        ev = ev_rx.recv() => match ev {
                            Some(Event::Bound { peer_system_id, .. }) => {
                                tracing::info!(parent: &span, smsc = %String::from_utf8_lossy(&peer_system_id), "bound");
                                bound = true;
                                bound_flag.store(true, Ordering::SeqCst);
                                attempt = 0;
                                if let Some(f) = first.take() { let _ = f.send(Ok(())); }
                                let _ = app.send(ClientEvent::Bound { system_id: peer_system_id }).await;
                            }
                            Some(Event::Request { token, body }) => {
                                if let Some(d) = reassembler.push(token, body, &ans_tx, b.auto_ack) {
                                    let info = d.receipt.clone();
                                    let _ = app.send(ClientEvent::Delivery(d)).await;
                                    if let Some(info) = info {
                                        tracker.receipt(&info);
                                        for e in tracker.drain() { let _ = app.send(e).await; }
                                    }
                                }
                            }
                            Some(Event::LateResponse { outcome, .. }) => {
                                tracing::warn!(parent: &span, ?outcome, "late response");
                                let _ = app.send(ClientEvent::LateResponse { outcome }).await;
                            }
                            Some(Event::Closed { reason }) => close_reason = Some(reason),
                            Some(Event::Outbind { .. }) | Some(_) => {}
                            None => {}
                        },
                        _ = tick.tick() => {
                            for e in tracker.drain() { let _ = app.send(e).await; }
                        }
                        j = &mut task => {
                            // Taken out either way: should the driver task have died, the
                            // link's pending requests are dropped with it (their futures
                            // resolve `Closed`) and no handle writes into it any more.
                            let l = lock_link(&link).take();
                            break j.ok().and(l).map(Link::into_driver);
                        }
                    }
                };
                bound_flag.store(false, Ordering::SeqCst);
                // Events queued after the join.
                while let Ok(ev) = ev_rx.try_recv() {
                    if let Event::Closed { reason } = ev {
                        close_reason = Some(reason);
                    }
                }
                match driver {
                    Some(d) => {
                        cmds = d.cmds;
                        parked = d.parked.filter(|c| matches!(c, Cmd::Request { .. }));
                    }
                    None => return,
                }
                let reason = close_reason.unwrap_or(CloseReason::PeerClosed);
                tracing::info!(parent: &span, ?reason, "closed");
                if reroute_pending(&b, &mut parked, &mut cmds) > 0 {
                    tracing::debug!(parent: &span, "requests handed back to the pool");
                }
                if bound {
                    let _ = app
                        .send(ClientEvent::Disconnected {
                            reason: reason.clone(),
                        })
                        .await;
                }
                Err(format!("connection ended: {reason:?}"))
            }
            Err(e) => {
                tracing::warn!(parent: &span, error = %e, "connect failed");
                if let Some(f) = first.take() {
                    let _ = f.send(Err(e));
                    return;
                }
                Err(e.to_string())
            }
        };
        if first.is_some() {
            if let (Some(f), Err(e)) = (first.take(), &result) {
                let _ = f.send(Err(ConnectError::NotBound(e.clone())));
            }
            return;
        }
        let Some(policy) = &b.reconnect else { break };
        if shutdown.load(Ordering::SeqCst) || cmds.is_closed() {
            break;
        }
        attempt += 1;
        let base = policy
            .initial
            .saturating_mul(1u32 << attempt.min(16).saturating_sub(1))
            .min(policy.max);
        let delay = jitter(base, attempt);
        let _ = app
            .send(ClientEvent::Reconnecting {
                attempt,
                delay,
                error: result.err().unwrap_or_default(),
            })
            .await;
        if b.reroute {
            // A pool member: whatever reaches us while down goes back to the pool.
            let sleep = tokio::time::sleep(delay);
            tokio::pin!(sleep);
            loop {
                tokio::select! {
                    () = &mut sleep => break,
                    c = cmds.recv() => match c {
                        Some(c) => refuse_unsent(c),
                        None => break,
                    },
                }
            }
        } else {
            tokio::time::sleep(delay).await;
        }
        if shutdown.load(Ordering::SeqCst) {
            break;
        }
    }
    // Whatever still waits was never sent: say so (`SendError::Closed`, which means
    // "not delivered, safe to send again elsewhere"), unlike ConnectionLost ("unknown").
    if let Some(Cmd::Request { done, .. }) = parked {
        let _ = done.send(Err(smpp_proto::session::SendError::Closed));
    }
    cmds.close();
    while let Ok(c) = cmds.try_recv() {
        if let Cmd::Request { done, .. } | Cmd::Bind { done, .. } | Cmd::Unbind { done } = c {
            let _ = done.send(Err(smpp_proto::session::SendError::Closed));
        }
    }
    let _ = app.send(ClientEvent::Stopped).await;
}
