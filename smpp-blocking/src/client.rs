//! The ESME side: connect (TCP or TLS), bind, submit, receive, reconnect, all blocking
//! and each call bounded by a timeout.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bytes::Bytes;
use smpp_proto::pdu::{Bind, Body, COctetString, CommandStatus, SubmitSm};
use smpp_proto::segment::{SubmitPartsError, submit_parts};
use smpp_proto::session::{
    BindKind, CloseReason, Outcome, RateLimit, ReplyToken, SendError, SessionConfig,
};

use crate::conn::{Cmd, Done, Msg, Runner, Shared};
use crate::error::{ClientError, ConnectError};
use crate::tls::TlsConnect;

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

/// Builds a [`Client`]. The options and defaults are those of `smpp_tokio::ClientBuilder`
/// (window 10, enquire_link every 30 s, response timeout 30 s, reconnect from 1 s backing
/// off to 30 s with jitter, transceiver bind, interface version 3.4), plus the timeouts
/// that bound each blocking call.
///
/// ```no_run
/// # fn f() -> Result<(), Box<dyn std::error::Error>> {
/// use smpp_blocking::ClientBuilder;
/// let (client, events) = ClientBuilder::new("127.0.0.1:2775")
///     .system_id("user")
///     .password("secret")
///     .connect()?;
/// let sent = client.send_text("MyShop", "4512345678", "Hello!", &Default::default())?;
/// for event in events.iter() {
///     if let smpp_blocking::ClientEvent::Delivery(d) = event {
///         println!("{:?}", d.text);
///         d.ack.accept();
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    pub(crate) addr: String,
    pub(crate) tls: Option<TlsConnect>,
    pub(crate) bind: Bind,
    pub(crate) kind: BindKind,
    pub(crate) config: SessionConfig,
    pub(crate) reconnect: Option<Reconnect>,
    pub(crate) auto_ack: bool,
    pub(crate) connect_timeout: Duration,
    pub(crate) write_timeout: Duration,
    pub(crate) call_timeout: Duration,
    pub(crate) close_timeout: Duration,
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
            connect_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            call_timeout: Duration::from_secs(60),
            close_timeout: Duration::from_secs(2),
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
    pub const fn interface_version(mut self, v: u8) -> Self {
        self.bind.interface_version = v;
        self.config.interface_version = v;
        self
    }
    /// Maximum requests in flight (default 10); also the batch window of
    /// [`Client::submit_many`].
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
    pub const fn rate_limit(mut self, per_second: u32) -> Self {
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
    /// Bound on TCP connect and on the TLS handshake (default 10 s).
    #[must_use]
    pub const fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }
    /// Socket write timeout (default 10 s); a write that takes longer ends the connection.
    #[must_use]
    pub const fn write_timeout(mut self, d: Duration) -> Self {
        self.write_timeout = d;
        self
    }
    /// How long [`Client::submit`], [`Client::request`], [`Client::unbind`] and each
    /// outcome of [`Client::submit_many`] may block (default 60 s: the response timeout
    /// plus time waiting for the window or a reconnect).
    #[must_use]
    pub const fn call_timeout(mut self, d: Duration) -> Self {
        self.call_timeout = d;
        self
    }
    /// How long dropping the last [`Client`] handle waits for the graceful unbind before
    /// closing the connection (default 2 s).
    #[must_use]
    pub const fn close_timeout(mut self, d: Duration) -> Self {
        self.close_timeout = d;
        self
    }
    /// Full access to the session settings.
    #[must_use]
    pub fn session_config(mut self, f: impl FnOnce(&mut SessionConfig)) -> Self {
        f(&mut self.config);
        self
    }

    /// Connects and binds; returns once the first bind succeeded. Later drops reconnect
    /// in the background (if enabled) and show up as [`ClientEvent`]s on the returned
    /// receiver (iterate it with `events.iter()`, or poll with `recv_timeout`).
    ///
    /// Blocks at most the connect timeout plus the bind timeout.
    ///
    /// # Errors
    /// [`ConnectError`] when the first connection or bind fails or times out.
    pub fn connect(self) -> Result<(Client, mpsc::Receiver<ClientEvent>), ConnectError> {
        let (tx, rx) = mpsc::channel();
        let (app_tx, app_rx) = mpsc::channel();
        let (first_tx, first_rx) = mpsc::sync_channel(1);
        let limit = self.connect_timeout + self.config.bind_timeout + Duration::from_secs(1);
        let shared = Arc::new(Shared::new(tx));
        let inner = Inner {
            shared: shared.clone(),
            reference: AtomicU16::new(1),
            call_timeout: self.call_timeout,
            close_timeout: self.close_timeout,
            window: self.config.window.max(1),
            thread: Mutex::new(None),
        };
        let runner = Runner::new(self, rx, shared, app_tx, first_tx);
        let handle = std::thread::Builder::new()
            .name("smpp-session".into())
            .spawn(move || runner.run())?;
        *inner.thread.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle);
        let client = Client {
            inner: Arc::new(inner),
        };
        match first_rx.recv_timeout(limit) {
            Ok(Ok(())) => Ok((client, app_rx)),
            Ok(Err(e)) => Err(e),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(ConnectError::Timeout),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(ConnectError::Closed),
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
    /// Acknowledges the PDUs. Dropping it unanswered answers ESME_RX_T_APPN, so the SMSC
    /// redelivers rather than the message being lost.
    pub ack: Ack,
}

/// The pending answers to one [`Delivery`]'s PDUs.
#[derive(Debug)]
pub struct Ack {
    tokens: Vec<ReplyToken>,
    answers: Option<mpsc::Sender<Msg>>,
}

impl Ack {
    pub(crate) const fn new(tokens: Vec<ReplyToken>, answers: mpsc::Sender<Msg>) -> Self {
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
            let _ = tx.send(Msg::Command(Cmd::Answer { token, reply }));
        }
    }
    /// Answer OK: the application has the message. Does not block.
    pub fn accept(mut self) {
        self.send(CommandStatus::Ok);
    }
    /// Answer with an error status (ESME_RX_T_APPN: retry later; ESME_RX_P_APPN:
    /// permanent; ESME_RX_R_APPN: reject this message). Does not block.
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
    /// The client stopped (unbind, close, drop, or reconnect disabled). Always last.
    Stopped,
}

/// Options for [`Client::send_text`]: smpp-proto's
/// [`SubmitOptions`](smpp_proto::segment::SubmitOptions) under this crate's name.
pub use smpp_proto::segment::SubmitOptions as TextOptions;

/// The result of [`Client::send_text`].
#[derive(Debug)]
pub struct SentText {
    /// The `data_coding` used.
    pub data_coding: u8,
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

/// A refusal because the client stopped is [`ClientError::Closed`], as when the channel
/// is gone.
fn send_error(e: SendError) -> ClientError {
    match e {
        SendError::Closed => ClientError::Closed,
        e => ClientError::Send(e),
    }
}

struct Inner {
    shared: Arc<Shared>,
    reference: AtomicU16,
    call_timeout: Duration,
    close_timeout: Duration,
    window: usize,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let deadline = Instant::now() + self.close_timeout;
        let _ = self.shared.send(Cmd::Shutdown { deadline });
        let handle = self
            .thread
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(handle) = handle else { return };
        // Wait (bounded) for the unbind; a thread stuck connecting is left to finish.
        let limit = deadline + Duration::from_secs(1);
        while !handle.is_finished() && Instant::now() < limit {
            std::thread::park_timeout(Duration::from_millis(5));
        }
        if handle.is_finished() {
            let _ = handle.join();
        }
    }
}

/// A handle to a bound ESME connection (cheap to clone; usable from any thread). When
/// the last handle is dropped the client unbinds (bounded by
/// [`ClientBuilder::close_timeout`]) and its threads end.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl core::fmt::Debug for Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client").finish_non_exhaustive()
    }
}

impl Client {
    fn wait(
        &self,
        rx: &mpsc::Receiver<(usize, Result<Outcome, SendError>)>,
    ) -> Result<(usize, Outcome), ClientError> {
        match rx.recv_timeout(self.inner.call_timeout) {
            Ok((i, r)) => r.map(|o| (i, o)).map_err(send_error),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(ClientError::Timeout),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(ClientError::Closed),
        }
    }

    fn enqueue(&self, body: Body, done: Done) -> Result<(), ClientError> {
        // Sent from this thread when nothing is queued ahead; queued otherwise.
        let Err((body, done)) = self.inner.shared.try_request(body, done) else {
            return Ok(());
        };
        let cmd = Cmd::Request {
            body,
            done,
            give_up: Instant::now() + self.inner.call_timeout,
        };
        self.inner
            .shared
            .send(cmd)
            .map_err(|()| ClientError::Closed)
    }

    /// Sends any request and blocks until its one outcome (at most the call timeout).
    /// While the connection is down the request waits for the reconnect; in flight at a
    /// drop it resolves as [`Outcome::ConnectionLost`] and is never resent by the client.
    ///
    /// # Errors
    /// [`ClientError::Closed`] after the client stopped, [`ClientError::Send`] for a
    /// request the session refuses (wrong bind kind, not allowed...),
    /// [`ClientError::Timeout`] when no outcome came within the call timeout.
    pub fn request(&self, body: Body) -> Result<Outcome, ClientError> {
        let (tx, rx) = mpsc::channel();
        self.enqueue(body, Done { tx, index: 0 })?;
        self.wait(&rx).map(|(_, o)| o)
    }

    /// Submits one `submit_sm` and blocks until its outcome.
    ///
    /// # Errors
    /// As [`Client::request`].
    pub fn submit(&self, sm: SubmitSm) -> Result<Outcome, ClientError> {
        self.request(Body::SubmitSm(sm))
    }

    /// Sends requests from this one thread keeping up to the window
    /// ([`ClientBuilder::window`]) in flight; returns one result per request, in order.
    /// Each outcome is awaited at most the call timeout; after a timeout the requests not
    /// yet handed over are not sent and report [`ClientError::Timeout`] too.
    pub fn request_many(
        &self,
        bodies: impl IntoIterator<Item = Body>,
    ) -> Vec<Result<Outcome, ClientError>> {
        let (tx, rx) = mpsc::channel();
        let mut out: Vec<Option<Result<Outcome, ClientError>>> = Vec::new();
        let mut bodies = bodies.into_iter();
        let mut in_flight = 0usize;
        let mut failed: Option<fn() -> ClientError> = None;
        loop {
            while failed.is_none() && in_flight < self.inner.window {
                let Some(body) = bodies.next() else { break };
                let index = out.len();
                out.push(None);
                let done = Done {
                    tx: tx.clone(),
                    index,
                };
                match self.enqueue(body, done) {
                    Ok(()) => in_flight += 1,
                    Err(e) => {
                        if let Some(slot) = out.get_mut(index) {
                            *slot = Some(Err(e));
                        }
                        failed = Some(|| ClientError::Closed);
                    }
                }
            }
            if in_flight == 0 {
                break;
            }
            match rx.recv_timeout(self.inner.call_timeout) {
                Ok((i, r)) => {
                    in_flight -= 1;
                    if let Some(slot) = out.get_mut(i) {
                        *slot = Some(r.map_err(send_error));
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    failed = Some(|| ClientError::Timeout);
                    break;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    failed = Some(|| ClientError::Closed);
                    break;
                }
            }
        }
        let fail = failed.unwrap_or(|| ClientError::Closed);
        let mut results: Vec<_> = out
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(fail())))
            .collect();
        results.extend(bodies.map(|_| Err(fail())));
        results
    }

    /// [`Client::request_many`] for `submit_sm`s.
    pub fn submit_many(
        &self,
        sms: impl IntoIterator<Item = SubmitSm>,
    ) -> Vec<Result<Outcome, ClientError>> {
        self.request_many(sms.into_iter().map(Body::SubmitSm))
    }

    /// Encodes `text` (cheapest exact encoding allowed), splits it as `opts.split` says,
    /// submits every part within the window and returns every outcome (so every message
    /// id).
    ///
    /// # Errors
    /// [`ClientError::Split`] when the text cannot be encoded or split; the first error
    /// of any part as [`Client::request`] otherwise.
    pub fn send_text(
        &self,
        from: &str,
        to: &str,
        text: &str,
        opts: &TextOptions,
    ) -> Result<SentText, ClientError> {
        let reference = self.inner.reference.fetch_add(1, Ordering::Relaxed);
        let (data_coding, sms) = match submit_parts(from, to, text, opts, reference) {
            Ok(p) => (p.data_coding, p.parts),
            Err(SubmitPartsError::Split(e)) => return Err(ClientError::Split(e)),
            Err(SubmitPartsError::Encode(e)) => return Err(ClientError::Encode(e.to_string())),
        };
        let parts = self
            .submit_many(sms)
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SentText { data_coding, parts })
    }

    /// Unbinds gracefully (queued and in-flight requests finish first), stops
    /// reconnecting, and blocks until the `unbind_resp` (at most the call timeout).
    ///
    /// # Errors
    /// [`ClientError::Closed`] if the client already stopped, [`ClientError::Timeout`]
    /// when the unbind did not complete in time.
    pub fn unbind(&self) -> Result<Outcome, ClientError> {
        let (tx, rx) = mpsc::channel();
        self.inner
            .shared
            .send(Cmd::Unbind {
                done: Some(Done { tx, index: 0 }),
            })
            .map_err(|()| ClientError::Closed)?;
        self.wait(&rx).map(|(_, o)| o)
    }

    /// Closes the connection at once (in-flight requests resolve as connection lost) and
    /// stops reconnecting. Does not block.
    pub fn close(&self) {
        let _ = self.inner.shared.send(Cmd::Close);
    }
}
