//! The SMSC side: accept binds through the application's authenticator, hand requests
//! to its handler, and route `deliver_sm` (receipts, MO) to bound receivers of a
//! `system_id`, keeping them while none is bound.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use std::task::{Context, Poll, Waker};

use smpp_proto::pdu::{Bind, Body, COctetString, CommandStatus, DeliverSm};
use smpp_proto::session::{
    BindKind, CloseReason, Event, Outcome, Reply, ReplyToken, Session, SessionConfig,
};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use tracing::Instrument;

use crate::driver::{Cmd, Driver, Link, Work, now};
use crate::tls::{MaybeTls, TlsAccept};

/// A bind attempt, for the [`Authenticator`].
#[derive(Clone)]
pub struct BindRequest {
    /// The ESME's system_id.
    pub system_id: String,
    /// Its password (never printed by `Debug`).
    pub password: String,
    /// Its system_type.
    pub system_type: String,
    /// Transmitter, receiver or transceiver.
    pub kind: BindKind,
    /// Its interface_version.
    pub interface_version: u8,
    /// Where it connects from.
    pub peer: SocketAddr,
}

impl core::fmt::Debug for BindRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BindRequest")
            .field("system_id", &self.system_id)
            .field("password", &"<redacted>")
            .field("kind", &self.kind)
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

/// Decides binds: `Ok(())` accepts, `Err(status)` refuses (ESME_RBINDFAIL,
/// ESME_RINVPASWD, ...).
pub type Authenticator = Arc<dyn Fn(&BindRequest) -> Result<(), CommandStatus> + Send + Sync>;

/// Where a request came from.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// The bound system_id (shared: cloning a context does not allocate).
    pub system_id: Arc<str>,
    /// The bind kind.
    pub kind: BindKind,
    /// The peer address.
    pub peer: SocketAddr,
    /// A connection id, unique in this server.
    pub connection: u64,
}

/// A boxed future of a reply.
pub type ReplyFuture = Pin<Box<dyn Future<Output = Reply> + Send>>;

/// Answers `submit_sm`, `data_sm`, `query_sm`, `cancel_sm`, `replace_sm`, `submit_multi`.
pub type Handler = Arc<dyn Fn(RequestContext, Body) -> ReplyFuture + Send + Sync>;

/// Answers requests at once, inside the connection's driver turn.
pub type SyncHandler = Arc<dyn Fn(&RequestContext, Body) -> Reply + Send + Sync>;

/// The application's request handler, either kind.
#[derive(Clone)]
enum HandlerKind {
    Async(Handler),
    Sync(SyncHandler),
}

/// Keeps `deliver_sm`s for a system_id while no receiver is bound.
pub trait Store: Send + Sync {
    /// Keeps one; `Err` gives it back when the store is full.
    ///
    /// # Errors
    /// The message, when there is no room.
    fn push(&self, system_id: &str, sm: DeliverSm) -> Result<(), DeliverSm>;
    /// Takes the oldest one.
    fn pop(&self, system_id: &str) -> Option<DeliverSm>;
    /// How many are kept for this system_id.
    fn len(&self, system_id: &str) -> usize;
}

/// The default [`Store`]: in memory, bounded per system_id (25,000 by default, what
/// GatewayAPI keeps).
#[derive(Debug)]
pub struct MemoryStore {
    cap: usize,
    inner: Mutex<HashMap<String, VecDeque<DeliverSm>>>,
}

impl MemoryStore {
    /// A store keeping at most `cap` messages per system_id.
    #[must_use]
    pub fn new(cap: usize) -> Self {
        Self {
            cap,
            inner: Mutex::new(HashMap::new()),
        }
    }
}

impl Store for MemoryStore {
    fn push(&self, system_id: &str, sm: DeliverSm) -> Result<(), DeliverSm> {
        let mut m = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let q = m.entry(system_id.to_owned()).or_default();
        if q.len() >= self.cap {
            return Err(sm);
        }
        q.push_back(sm);
        Ok(())
    }
    fn pop(&self, system_id: &str) -> Option<DeliverSm> {
        let mut m = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        m.get_mut(system_id)?.pop_front()
    }
    fn len(&self, system_id: &str) -> usize {
        let m = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        m.get(system_id).map_or(0, VecDeque::len)
    }
}

/// Configures and starts a [`Server`].
pub struct ServerBuilder {
    auth: Authenticator,
    handler: HandlerKind,
    config: SessionConfig,
    max_binds_per_system_id: usize,
    max_connections: usize,
    store: Arc<dyn Store>,
    system_id: String,
    tls: Option<TlsAccept>,
}

impl core::fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("max_binds_per_system_id", &self.max_binds_per_system_id)
            .field("max_connections", &self.max_connections)
            .finish_non_exhaustive()
    }
}

impl Default for ServerBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ServerBuilder {
    /// Accepts any credentials, answers every submit with a counter message id; binds
    /// per system_id limited to 4 (8x8's rule), 1,000 connections.
    #[must_use]
    pub fn new() -> Self {
        let ids = Arc::new(AtomicU64::new(1));
        Self {
            auth: Arc::new(|_| Ok(())),
            handler: HandlerKind::Sync(Arc::new(move |_, body| {
                default_reply(&body, ids.fetch_add(1, Ordering::Relaxed))
            })),
            config: SessionConfig::smsc(),
            max_binds_per_system_id: 4,
            max_connections: 1000,
            store: Arc::new(MemoryStore::new(25_000)),
            system_id: "smpp-rs".into(),
            tls: None,
        }
    }
    /// The authenticator.
    #[must_use]
    pub fn authenticator(
        mut self,
        f: impl Fn(&BindRequest) -> Result<(), CommandStatus> + Send + Sync + 'static,
    ) -> Self {
        self.auth = Arc::new(f);
        self
    }
    /// The request handler, async: for answers that need I/O (a database, a
    /// downstream route). Its future is polled once inside the connection's driver; one
    /// that is ready answers in the same turn, one that waits is driven by the driver
    /// while other requests go on (the session's `max_inbound_unanswered` bounds how
    /// many wait). Costs one allocation per request (the boxed future); see
    /// [`ServerBuilder::sync_handler`] for the allocation-free form.
    #[must_use]
    pub fn handler<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(RequestContext, Body) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Reply> + Send + 'static,
    {
        self.handler = HandlerKind::Async(Arc::new(move |c, b| Box::pin(f(c, b))));
        self
    }

    /// The request handler, synchronous: it answers at once (a simulator, a gateway
    /// that queues the message and hands back an id). It runs inside the connection's
    /// driver turn, so the response leaves in the same write as its neighbours, with
    /// no task hop and no allocation. It must not block.
    ///
    /// ```
    /// use smpp_tokio::Server;
    /// use smpp_tokio::proto::pdu::{Body, MessageIdResp};
    /// use smpp_tokio::proto::session::Reply;
    ///
    /// let builder = Server::builder().sync_handler(|ctx, body| match body {
    ///     Body::SubmitSm(_) => Reply::ok(Body::SubmitSmResp(MessageIdResp::new("42"))),
    ///     other => Reply::error(smpp_tokio::proto::pdu::CommandStatus::InvCmdId),
    /// });
    /// # let _ = builder;
    /// ```
    #[must_use]
    pub fn sync_handler<F>(mut self, f: F) -> Self
    where
        F: Fn(&RequestContext, Body) -> Reply + Send + Sync + 'static,
    {
        self.handler = HandlerKind::Sync(Arc::new(f));
        self
    }
    /// Binds allowed per system_id (the next one gets ESME_RBINDFAIL).
    #[must_use]
    pub const fn max_binds_per_system_id(mut self, n: usize) -> Self {
        self.max_binds_per_system_id = n;
        self
    }
    /// Connections allowed at once.
    #[must_use]
    pub const fn max_connections(mut self, n: usize) -> Self {
        self.max_connections = n;
        self
    }
    /// The store for undeliverable-now `deliver_sm`s.
    #[must_use]
    pub fn store(mut self, s: Arc<dyn Store>) -> Self {
        self.store = s;
        self
    }
    /// The system_id in bind responses.
    #[must_use]
    pub fn system_id(mut self, s: impl Into<String>) -> Self {
        self.system_id = s.into();
        self
    }
    /// Serve TLS.
    #[must_use]
    pub fn tls(mut self, t: TlsAccept) -> Self {
        self.tls = Some(t);
        self
    }
    /// Session settings.
    #[must_use]
    pub fn session_config(mut self, f: impl FnOnce(&mut SessionConfig)) -> Self {
        f(&mut self.config);
        self
    }

    /// Listens on `addr` and serves until [`Server::shutdown`].
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn listen(self, addr: &str) -> std::io::Result<Server> {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let (stop_tx, stop_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            runtime: tokio::runtime::Handle::current(),
            auth: self.auth,
            handler: self.handler,
            config: self.config,
            max_binds: self.max_binds_per_system_id,
            max_connections: self.max_connections,
            store: self.store,
            system_id: self.system_id,
            conns: Mutex::new(HashMap::new()),
            all: Mutex::new(HashMap::new()),
            next_conn: AtomicU64::new(1),
            open: AtomicUsize::new(0),
            rr: AtomicUsize::new(0),
            stats: Stats::default(),
        });
        let tls = self.tls;
        let s = shared.clone();
        let task = tokio::spawn(async move {
            let mut stop = stop_rx;
            loop {
                tokio::select! {
                    r = listener.accept() => {
                        let Ok((tcp, peer)) = r else { continue };
                        let _ = tcp.set_nodelay(true);
                        if s.open.load(Ordering::SeqCst) >= s.max_connections {
                            drop(tcp);
                            continue;
                        }
                        let s2 = s.clone();
                        let tls = tls.clone();
                        let stop = stop.clone();
                        tokio::spawn(async move {
                            let io = match tls {
                                None => MaybeTls::Plain(tcp),
                                Some(t) => match t.acceptor.accept(tcp).await {
                                    Ok(x) => MaybeTls::ServerTls(Box::new(x)),
                                    Err(e) => { tracing::debug!(%peer, error = %e, "tls handshake failed"); return; }
                                },
                            };
                            connection(s2, io, peer, stop).await;
                        });
                    }
                    _ = stop.changed() => break,
                }
            }
        });
        Ok(Server {
            shared,
            local,
            stop: stop_tx,
            task: Mutex::new(Some(task)),
        })
    }
}

/// The default answer: a message id for submissions, empty OK responses for the rest.
fn default_reply(body: &Body, id: u64) -> Reply {
    use smpp_proto::pdu::MessageIdResp;
    match body {
        Body::SubmitSm(_) => Reply::ok(Body::SubmitSmResp(MessageIdResp::new(format!("{id:x}")))),
        Body::DataSm(_) => Reply::ok(Body::DataSmResp(MessageIdResp::new(format!("{id:x}")))),
        other => match Body::empty_response(other.command_id()) {
            Some(b) => Reply::ok(b),
            None => Reply::error(CommandStatus::InvCmdId),
        },
    }
}

/// Counters of a server.
#[derive(Debug, Default)]
pub struct Stats {
    /// Binds accepted.
    pub binds: AtomicU64,
    /// Binds refused.
    pub binds_refused: AtomicU64,
    /// Requests handled.
    pub requests: AtomicU64,
    /// deliver_sm delivered and acknowledged.
    pub delivered: AtomicU64,
    /// deliver_sm put back for redelivery.
    pub redelivered: AtomicU64,
}

struct Conn {
    id: u64,
    kind: BindKind,
    cmds: mpsc::Sender<Cmd>,
}

struct Shared {
    /// The runtime the server was started on: `deliver` may be called from any thread.
    runtime: tokio::runtime::Handle,
    auth: Authenticator,
    handler: HandlerKind,
    config: SessionConfig,
    max_binds: usize,
    max_connections: usize,
    store: Arc<dyn Store>,
    system_id: String,
    conns: Mutex<HashMap<String, Vec<Conn>>>,
    /// Every open connection (bound or not), for shutdown.
    all: Mutex<HashMap<u64, mpsc::Sender<Cmd>>>,
    next_conn: AtomicU64,
    open: AtomicUsize,
    rr: AtomicUsize,
    stats: Stats,
}

impl Shared {
    fn all_conns(&self) -> std::sync::MutexGuard<'_, HashMap<u64, mpsc::Sender<Cmd>>> {
        self.all
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Conn>>> {
        self.conns
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A receiver (or transceiver) of `system_id`, round robin.
    fn receiver(&self, system_id: &str) -> Option<mpsc::Sender<Cmd>> {
        let m = self.lock();
        let list: Vec<&Conn> = m
            .get(system_id)?
            .iter()
            .filter(|c| matches!(c.kind, BindKind::Receiver | BindKind::Transceiver))
            .collect();
        if list.is_empty() {
            return None;
        }
        let i = self.rr.fetch_add(1, Ordering::Relaxed) % list.len();
        list.get(i).map(|c| c.cmds.clone())
    }

    /// Sends a deliver_sm to a bound receiver, or keeps it; a failed attempt is kept
    /// for redelivery.
    fn route(self: &Arc<Self>, system_id: String, sm: DeliverSm) -> Result<(), DeliverSm> {
        let Some(tx) = self.receiver(&system_id) else {
            return self.store.push(&system_id, sm);
        };
        let me = self.clone();
        self.runtime.spawn(async move {
            let (done, rx) = oneshot::channel();
            let sent = tx
                .send(Cmd::Request {
                    body: Body::DeliverSm(sm.clone()),
                    done,
                })
                .await
                .is_ok();
            let ok = sent && matches!(rx.await, Ok(Ok(Outcome::Ok(_))));
            if ok {
                me.stats.delivered.fetch_add(1, Ordering::Relaxed);
            } else {
                me.stats.redelivered.fetch_add(1, Ordering::Relaxed);
                // Not acknowledged: keep it; it goes out again when a receiver binds
                // (or to another bound receiver right away).
                tokio::time::sleep(Duration::from_millis(200)).await;
                let _ = me.route(system_id, sm);
            }
        });
        Ok(())
    }

    fn flush_store(self: &Arc<Self>, system_id: &str) {
        while let Some(sm) = self.store.pop(system_id) {
            if let Err(sm) = self.route(system_id.to_owned(), sm) {
                let _ = self.store.push(system_id, sm);
                break;
            }
        }
    }
}

/// A running server.
pub struct Server {
    shared: Arc<Shared>,
    local: SocketAddr,
    stop: watch::Sender<bool>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl core::fmt::Debug for Server {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Server")
            .field("local", &self.local)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// A builder.
    #[must_use]
    pub fn builder() -> ServerBuilder {
        ServerBuilder::new()
    }
    /// The address it listens on.
    #[must_use]
    pub const fn local_addr(&self) -> SocketAddr {
        self.local
    }
    /// Delivers a `deliver_sm` (a receipt or an MO) to a bound receiver of `system_id`,
    /// or keeps it until one binds. Unacknowledged deliveries are retried.
    ///
    /// # Errors
    /// The message back when the store for this system_id is full.
    pub fn deliver(&self, system_id: &str, sm: DeliverSm) -> Result<(), DeliverSm> {
        self.shared.route(system_id.to_owned(), sm)
    }
    /// Messages kept for `system_id`.
    #[must_use]
    pub fn stored(&self, system_id: &str) -> usize {
        self.shared.store.len(system_id)
    }
    /// Binds currently open for `system_id`.
    #[must_use]
    pub fn binds(&self, system_id: &str) -> usize {
        self.shared.lock().get(system_id).map_or(0, Vec::len)
    }
    /// Counters.
    #[must_use]
    pub fn stats(&self) -> &Stats {
        &self.shared.stats
    }
    /// Stops accepting, unbinds every session, and waits (bounded) for them to end.
    pub async fn shutdown(&self) {
        let _ = self.stop.send(true);
        // Every connection: unbind the bound ones, close the others.
        let all: Vec<mpsc::Sender<Cmd>> = self.shared.all_conns().values().cloned().collect();
        for tx in all {
            if let Err(mpsc::error::TrySendError::Full(c)) = tx.try_send(Cmd::Shutdown) {
                tokio::spawn(async move {
                    let _ = tx.send(c).await;
                });
            }
        }
        let task = self
            .task
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(t) = task {
            let _ = t.await;
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while self.shared.open.load(Ordering::SeqCst) > 0 && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

async fn connection(s: Arc<Shared>, io: MaybeTls, peer: SocketAddr, stop: watch::Receiver<bool>) {
    s.open.fetch_add(1, Ordering::SeqCst);
    let id = s.next_conn.fetch_add(1, Ordering::Relaxed);
    let (cmd_tx, cmd_rx) = mpsc::channel(256);
    let cmd_tx_all = cmd_tx.clone();
    // Servers answer everything inside the driver (`Serve`); nothing reads these.
    let (ev_tx, _) = mpsc::unbounded_channel();
    let (_, ans_rx) = mpsc::unbounded_channel();
    let serve = Serve {
        shared: s.clone(),
        peer,
        id,
        cmds: cmd_tx,
        ctx: None,
    };
    let d =
        Driver::new(Session::new(s.config.clone(), now()), cmd_rx, ans_rx, ev_tx).with_serve(serve);
    s.all_conns().insert(id, cmd_tx_all.clone());
    if *stop.borrow() {
        // Accepted while shutting down, after `shutdown` went through the registry.
        let _ = cmd_tx_all.try_send(Cmd::Shutdown);
    }
    let span = tracing::debug_span!("smpp_conn", %peer, id);
    let mut link = Link::new(d, io);
    std::future::poll_fn(|cx| link.poll_drive(cx))
        .instrument(span)
        .await;
    if let Some(c) = link.into_driver().serve.and_then(|sv| sv.ctx) {
        let mut m = s.lock();
        if let Some(list) = m.get_mut(&*c.system_id) {
            list.retain(|x| x.id != id);
            if list.is_empty() {
                m.remove(&*c.system_id);
            }
        }
    }
    s.all_conns().remove(&id);
    s.open.fetch_sub(1, Ordering::SeqCst);
}

/// A server connection's application side, run by its driver inside the driver's own
/// turn: binds go through the authenticator, requests through the handler, and the
/// answer is queued before the driver writes, so a synchronous handler costs no task
/// hop and no allocation.
pub(crate) struct Serve {
    shared: Arc<Shared>,
    peer: SocketAddr,
    id: u64,
    cmds: mpsc::Sender<Cmd>,
    ctx: Option<RequestContext>,
}

impl Serve {
    /// Handles an event; gives it back when it is not a server's business.
    pub(crate) fn on_event(
        &mut self,
        session: &mut Session,
        ev: Event,
        work: &mut Work,
        now: Instant,
    ) -> Option<Event> {
        match ev {
            Event::Request { token, body } => {
                let s = &self.shared;
                s.stats.requests.fetch_add(1, Ordering::Relaxed);
                let ctx = self.ctx.get_or_insert_with(|| RequestContext {
                    system_id: Arc::from(""),
                    kind: BindKind::Transmitter,
                    peer: self.peer,
                    connection: self.id,
                });
                let reply = match &s.handler {
                    HandlerKind::Sync(h) => h(ctx, body),
                    HandlerKind::Async(h) => {
                        let mut fut = h(ctx.clone(), body);
                        // Most handlers answer without waiting: poll once here. One
                        // that is pending goes to the driver's work set, which polls it
                        // again with the driver's waker.
                        let mut cx = Context::from_waker(Waker::noop());
                        match fut.as_mut().poll(&mut cx) {
                            Poll::Ready(r) => r,
                            Poll::Pending => {
                                work.push(Box::pin(async move { (token, fut.await) }));
                                return None;
                            }
                        }
                    }
                };
                if let Err(e) = session.respond(now, token, reply) {
                    tracing::debug!(error = %e, "answer not sent");
                }
                None
            }
            Event::BindRequested { token, kind, bind } => {
                self.bind(session, token, kind, &bind, now);
                None
            }
            other => Some(other),
        }
    }

    fn bind(
        &mut self,
        session: &mut Session,
        token: ReplyToken,
        kind: BindKind,
        bind: &Bind,
        now: Instant,
    ) {
        let s = &self.shared;
        let req = BindRequest {
            system_id: bind.system_id.to_string_lossy().into_owned(),
            password: bind.password.to_string_lossy().into_owned(),
            system_type: bind.system_type.to_string_lossy().into_owned(),
            kind,
            interface_version: bind.interface_version,
            peer: self.peer,
        };
        let verdict = (s.auth)(&req).and_then(|()| {
            let m = s.lock();
            if m.get(&req.system_id).map_or(0, Vec::len) >= s.max_binds {
                Err(CommandStatus::BindFail)
            } else {
                Ok(())
            }
        });
        match verdict {
            Ok(()) => {
                s.stats.binds.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(system_id = %req.system_id, ?kind, "bind accepted");
                s.lock()
                    .entry(req.system_id.clone())
                    .or_default()
                    .push(Conn {
                        id: self.id,
                        kind,
                        cmds: self.cmds.clone(),
                    });
                let me = COctetString::from(s.system_id.clone());
                if let Err(e) = session.accept_bind(now, token, me) {
                    tracing::debug!(error = %e, "bind answer not sent");
                }
                self.ctx = Some(RequestContext {
                    system_id: Arc::from(req.system_id.as_str()),
                    kind,
                    peer: self.peer,
                    connection: self.id,
                });
                if matches!(kind, BindKind::Receiver | BindKind::Transceiver) {
                    s.flush_store(&req.system_id);
                }
            }
            Err(status) => {
                s.stats.binds_refused.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(system_id = %req.system_id, ?status, "bind refused");
                if let Err(e) = session.reject_bind(now, token, status) {
                    tracing::debug!(error = %e, "bind answer not sent");
                }
            }
        }
    }

    /// The connection's last event.
    pub(crate) fn closed(&self, reason: &CloseReason) {
        tracing::debug!(?reason, "closed");
    }
}
