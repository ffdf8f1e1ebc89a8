//! Several binds across several hosts behind one handle.
//!
//! Each member is an ordinary [`Client`] that reconnects on its own. A request goes to
//! the bound member with the fewest requests in flight (ties rotate). A request that was
//! never written to a connection that went down (queued or waiting for the window) is
//! sent to another member; one that was written resolves as
//! [`Outcome::ConnectionLost`] and is never resent (that could duplicate a message).
//! An optional token bucket limits message-carrying requests across the whole pool;
//! each member's own [`ClientBuilder::rate_limit`] still applies to its session.

use std::sync::atomic::{AtomicBool, AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use smpp_proto::pdu::{Body, SubmitSm};
use smpp_proto::session::{Outcome, SendError};
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

use crate::client::{Client, ClientBuilder, ClientEvent, SentText, TextOptions, text_parts};
use crate::error::{ClientError, ConnectError};
use crate::metrics::SessionCounters;

/// Builds a [`Pool`]: one [`ClientBuilder`] per bind.
///
/// ```no_run
/// # async fn f() -> Result<(), Box<dyn std::error::Error>> {
/// use smpp_tokio::{ClientBuilder, PoolBuilder};
/// let member = |host: &str| ClientBuilder::new(host).system_id("user").password("secret");
/// let (pool, mut events) = PoolBuilder::new()
///     .member(member("smpp1.example.com:2775"))
///     .member(member("smpp2.example.com:2775"))
///     .rate_limit(100)
///     .connect()
///     .await?;
/// let sent = pool.send_text("MyShop", "4512345678", "Hello!", &Default::default()).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
pub struct PoolBuilder {
    members: Vec<ClientBuilder>,
    rate_limit: Option<u32>,
}

impl PoolBuilder {
    /// An empty pool.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds one bind.
    #[must_use]
    pub fn member(mut self, b: ClientBuilder) -> Self {
        self.members.push(b);
        self
    }
    /// Adds `n` binds with the same settings (8x8 allows 4 per system_id).
    #[must_use]
    pub fn members(mut self, b: &ClientBuilder, n: usize) -> Self {
        self.members.extend(std::iter::repeat_n(b, n).cloned());
        self
    }
    /// Limits message-carrying requests (`submit_sm`, `data_sm`, `submit_multi`,
    /// `replace_sm`) to `per_second` across the whole pool (token bucket, burst of a
    /// tenth of a second's worth, at least 1). Default: none.
    #[must_use]
    pub const fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = Some(per_second);
        self
    }

    /// Starts every member and returns once one is bound. Members whose host is
    /// unreachable keep trying in the background (their own reconnect policy, or 1 s to
    /// 30 s) and join when they bind.
    ///
    /// Keep reading the returned event stream (deliveries and receipts of every member
    /// arrive there): like a [`Client`]'s, a full stream holds its members back.
    ///
    /// # Errors
    /// The first member's error when every member fails its first attempt (the pool
    /// then stops), [`ConnectError::Closed`] for a pool without members.
    pub async fn connect(self) -> Result<(Pool, mpsc::Receiver<PoolEvent>), ConnectError> {
        if self.members.is_empty() {
            return Err(ConnectError::Closed);
        }
        let n = self.members.len();
        let members: Vec<Arc<Member>> = self
            .members
            .iter()
            .enumerate()
            .map(|(i, b)| {
                Arc::new(Member {
                    index: i,
                    addr: b.addr().to_owned(),
                    client: Mutex::new(None),
                    in_flight: AtomicUsize::new(0),
                })
            })
            .collect();
        let inner = Arc::new(Inner {
            members,
            changed: Arc::new(Notify::new()),
            closing: Arc::new(AtomicBool::new(false)),
            bucket: self
                .rate_limit
                .map(|r| tokio::sync::Mutex::new(Bucket::new(r))),
            rr: AtomicUsize::new(0),
            reference: AtomicU16::new(1),
        });
        let (ev_tx, ev_rx) = mpsc::channel(1024);
        let (first_tx, mut first_rx) = mpsc::channel(n);
        for (m, mut b) in inner.members.iter().zip(self.members) {
            b.reroute = true;
            tokio::spawn(run_member(
                Arc::downgrade(m),
                b,
                ev_tx.clone(),
                inner.changed.clone(),
                inner.closing.clone(),
                first_tx.clone(),
            ));
        }
        drop(first_tx);
        let mut first_err = None;
        for _ in 0..n {
            match first_rx.recv().await {
                Some(Ok(())) => return Ok((Pool { inner }, ev_rx)),
                Some(Err(e)) => {
                    first_err.get_or_insert(e);
                }
                None => break,
            }
        }
        inner.closing.store(true, Ordering::SeqCst);
        inner.changed.notify_waiters();
        Err(first_err.unwrap_or(ConnectError::Closed))
    }
}

/// What a pool reports: a member's [`ClientEvent`] (a member that could not connect at
/// start reports [`ClientEvent::Reconnecting`] too).
#[derive(Debug)]
#[non_exhaustive]
pub struct PoolEvent {
    /// The member's index, in the order they were added.
    pub member: usize,
    /// The member's `host:port`.
    pub addr: String,
    /// What happened.
    pub event: ClientEvent,
}

/// One member's state, from [`Pool::members`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct MemberStatus {
    /// The member's `host:port`.
    pub addr: String,
    /// Bound right now.
    pub bound: bool,
    /// Requests the pool has handed to it that have not resolved.
    pub in_flight: usize,
    /// Its counters.
    pub counters: SessionCounters,
}

#[derive(Debug)]
struct Member {
    index: usize,
    addr: String,
    client: Mutex<Option<Client>>,
    in_flight: AtomicUsize,
}

impl Member {
    fn client(&self) -> Option<Client> {
        self.client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

#[derive(Debug)]
struct Bucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn new(per_second: u32) -> Self {
        let rate = f64::from(per_second.max(1));
        let burst = (rate / 10.0).max(1.0);
        Self {
            rate,
            burst,
            tokens: burst,
            last: Instant::now(),
        }
    }
}

#[derive(Debug)]
struct Inner {
    members: Vec<Arc<Member>>,
    changed: Arc<Notify>,
    closing: Arc<AtomicBool>,
    bucket: Option<tokio::sync::Mutex<Bucket>>,
    rr: AtomicUsize,
    reference: AtomicU16,
}

/// A handle to a pool of binds (cheap to clone). Dropping every handle closes them.
#[derive(Clone, Debug)]
pub struct Pool {
    inner: Arc<Inner>,
}

struct InFlight<'a>(&'a Member);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

fn is_paced(body: &Body) -> bool {
    matches!(
        body,
        Body::SubmitSm(_) | Body::DataSm(_) | Body::SubmitMulti(_) | Body::ReplaceSm(_)
    )
}

impl Pool {
    /// Sends any request through the least busy bound member and waits for its one
    /// outcome. While no member is bound it waits for one.
    ///
    /// # Errors
    /// [`ClientError::Closed`] once the pool is closed; [`ClientError::Send`] for a
    /// request the session refuses (wrong bind kind...).
    pub async fn request(&self, body: Body) -> Result<Outcome, ClientError> {
        if is_paced(&body) {
            self.take_token().await;
        }
        loop {
            let (m, c) = self.pick().await?;
            m.in_flight.fetch_add(1, Ordering::Relaxed);
            let guard = InFlight(&m);
            // A clone of a body is reference counts (its fields are `Bytes`); it is
            // needed only when the member hands the request back unsent.
            let r = c.request(body.clone()).await;
            drop(guard);
            match r {
                Err(ClientError::Send(SendError::NotBound) | ClientError::Closed) => {
                    tracing::debug!(member = m.index, "request handed back unsent; rerouting");
                }
                other => return other,
            }
        }
    }

    /// Submits one `submit_sm`.
    ///
    /// # Errors
    /// As [`Pool::request`].
    pub async fn submit(&self, sm: SubmitSm) -> Result<Outcome, ClientError> {
        self.request(Body::SubmitSm(sm)).await
    }

    /// As [`Client::send_text`], the parts spread over the members.
    ///
    /// # Errors
    /// As [`Client::send_text`].
    pub async fn send_text(
        &self,
        from: &str,
        to: &str,
        text: &str,
        opts: &TextOptions,
    ) -> Result<SentText, ClientError> {
        let reference = self.inner.reference.fetch_add(1, Ordering::Relaxed);
        let (data_coding, sms) = text_parts(from, to, text, opts, reference)?;
        let futs: Vec<_> = sms.into_iter().map(|sm| self.submit(sm)).collect();
        let mut parts = Vec::with_capacity(futs.len());
        for r in futures_util::future::join_all(futs).await {
            parts.push(r?);
        }
        // Receipt tracking is per client; a pool's parts may go to several members.
        Ok(SentText {
            data_coding,
            track: None,
            parts,
        })
    }

    /// The members' counters summed.
    #[must_use]
    pub fn stats(&self) -> SessionCounters {
        self.inner
            .members
            .iter()
            .filter_map(|m| m.client())
            .fold(SessionCounters::default(), |a, c| a + c.stats())
    }

    /// Each member's state, in the order they were added.
    #[must_use]
    pub fn members(&self) -> Vec<MemberStatus> {
        self.inner
            .members
            .iter()
            .map(|m| {
                let c = m.client();
                MemberStatus {
                    addr: m.addr.clone(),
                    bound: c.as_ref().is_some_and(Client::is_bound),
                    in_flight: m.in_flight.load(Ordering::Relaxed),
                    counters: c.map(|c| c.stats()).unwrap_or_default(),
                }
            })
            .collect()
    }

    /// How many members are bound right now.
    #[must_use]
    pub fn bound(&self) -> usize {
        self.members().iter().filter(|m| m.bound).count()
    }

    /// Unbinds every member gracefully and stops the pool.
    pub async fn unbind(&self) {
        self.inner.closing.store(true, Ordering::SeqCst);
        self.inner.changed.notify_waiters();
        let clients: Vec<Client> = self
            .inner
            .members
            .iter()
            .filter_map(|m| m.client())
            .collect();
        let _ = futures_util::future::join_all(clients.iter().map(Client::unbind)).await;
    }

    /// Closes every member at once and stops the pool.
    pub async fn close(&self) {
        self.inner.closing.store(true, Ordering::SeqCst);
        self.inner.changed.notify_waiters();
        for c in self.inner.members.iter().filter_map(|m| m.client()) {
            c.close().await;
        }
    }

    async fn take_token(&self) {
        let Some(b) = &self.inner.bucket else { return };
        // A fair (FIFO) lock: waiters get tokens in arrival order.
        let mut g = b.lock().await;
        loop {
            let now = Instant::now();
            let add = now.duration_since(g.last).as_secs_f64() * g.rate;
            g.tokens = (g.tokens + add).min(g.burst);
            g.last = now;
            if g.tokens >= 1.0 {
                g.tokens -= 1.0;
                return;
            }
            let wait = (1.0 - g.tokens) / g.rate;
            tokio::time::sleep(Duration::from_secs_f64(wait)).await;
        }
    }

    /// The bound member with the fewest requests in flight; waits while none is bound.
    async fn pick(&self) -> Result<(Arc<Member>, Client), ClientError> {
        loop {
            let notified = self.inner.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.inner.closing.load(Ordering::SeqCst) {
                return Err(ClientError::Closed);
            }
            if let Some(x) = self.least_busy() {
                return Ok(x);
            }
            // Woken when a member binds; the timeout only guards against a missed edge.
            let _ = tokio::time::timeout(Duration::from_millis(500), notified).await;
        }
    }

    fn least_busy(&self) -> Option<(Arc<Member>, Client)> {
        let ms = &self.inner.members;
        let start = self.inner.rr.fetch_add(1, Ordering::Relaxed);
        let mut best: Option<(usize, &Arc<Member>, Client)> = None;
        for i in 0..ms.len() {
            let m = &ms[(start + i) % ms.len()];
            let Some(c) = m.client() else { continue };
            if !c.is_bound() {
                continue;
            }
            let f = m.in_flight.load(Ordering::Relaxed);
            if best.as_ref().is_none_or(|(bf, _, _)| f < *bf) {
                best = Some((f, m, c));
            }
        }
        best.map(|(_, m, c)| (m.clone(), c))
    }
}

/// Keeps one member connected: its first connection (retried), then its events.
async fn run_member(
    member: Weak<Member>,
    b: ClientBuilder,
    events: mpsc::Sender<PoolEvent>,
    changed: Arc<Notify>,
    closing: Arc<AtomicBool>,
    first: mpsc::Sender<Result<(), ConnectError>>,
) {
    let (index, addr) = match member.upgrade() {
        Some(m) => (m.index, m.addr.clone()),
        None => return,
    };
    let policy = b.reconnect_policy().unwrap_or_default();
    let mut first = Some(first);
    let mut attempt = 0u32;
    let ev = |event| PoolEvent {
        member: index,
        addr: addr.clone(),
        event,
    };
    loop {
        if closing.load(Ordering::SeqCst) {
            return;
        }
        match b.clone().connect().await {
            Ok((client, mut rx)) => {
                attempt = 0;
                match member.upgrade() {
                    Some(m) => {
                        *m.client
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(client);
                    }
                    None => return,
                }
                if let Some(f) = first.take() {
                    let _ = f.send(Ok(())).await;
                }
                changed.notify_waiters();
                while let Some(e) = rx.recv().await {
                    let stopped = matches!(e, ClientEvent::Stopped);
                    if matches!(e, ClientEvent::Bound { .. }) {
                        changed.notify_waiters();
                    }
                    let _ = events.send(ev(e)).await;
                    if stopped {
                        break;
                    }
                }
                if member.upgrade().is_none() {
                    return;
                }
            }
            Err(e) => {
                tracing::warn!(member = index, addr = %addr, error = %e, "pool member could not bind");
                attempt += 1;
                let base = policy
                    .initial
                    .saturating_mul(1u32 << attempt.min(16).saturating_sub(1))
                    .min(policy.max);
                let _ = events
                    .send(ev(ClientEvent::Reconnecting {
                        attempt,
                        delay: base,
                        error: e.to_string(),
                    }))
                    .await;
                if let Some(f) = first.take() {
                    let _ = f.send(Err(e)).await;
                }
                tokio::time::sleep(base).await;
                if member.upgrade().is_none() {
                    return;
                }
            }
        }
    }
}
