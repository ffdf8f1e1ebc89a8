//! The session thread and the reader thread. They move bytes, time, commands and events;
//! the protocol is entirely in [`Session`].
//!
//! One `std::sync::mpsc` channel carries everything the session thread waits for:
//! [`Msg::Bytes`] / [`Msg::Eof`] from the connection's reader thread (blocking reads on
//! a `try_clone()` of the socket) and [`Msg::Command`] from the application's handles.
//! Each turn the session thread waits with `recv_timeout(deadline - now)`, applies what
//! came (or `handle_timeout`), then drains the session: transmits (written with the
//! socket's write timeout), events, and the next deadline. While the session thread is
//! busy writing, the reader keeps reading, so two peers that both write cannot deadlock.

use std::collections::{HashMap, VecDeque};
use std::io::Read as _;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use smpp_proto::pdu::{Body, SequenceNumber};
use smpp_proto::session::{
    CloseReason, Event, Outcome, Reply, ReplyToken, SendError, Session, State,
};

use crate::client::{ClientBuilder, ClientEvent};
use crate::error::ConnectError;
use crate::mo::Assembler;
use crate::tls::Wire;

/// At most this many reads wait in the channel; then the reader stops reading and TCP
/// pushes back on the peer.
const MAX_QUEUED_READS: usize = 16;
const READ_SIZE: usize = 16 * 1024;

/// Where one request's outcome goes: `(index, result)` into the caller's channel (one
/// channel serves a whole `submit_many` batch).
#[derive(Debug)]
pub(crate) struct Done {
    pub(crate) tx: mpsc::Sender<(usize, Result<Outcome, SendError>)>,
    pub(crate) index: usize,
}

impl Done {
    fn send(self, r: Result<Outcome, SendError>) {
        let _ = self.tx.send((self.index, r));
    }
}

/// What handles ask the session thread to do.
#[derive(Debug)]
pub(crate) enum Cmd {
    /// Send a request; `done` receives its one outcome. Dropped unsent when still queued
    /// after `give_up` (its caller stopped waiting).
    Request {
        body: Body,
        done: Done,
        give_up: Instant,
    },
    /// Unbind gracefully and stop (no reconnect).
    Unbind { done: Option<Done> },
    /// Close at once and stop.
    Close,
    /// Answer a request of the peer (an [`Ack`](crate::Ack)).
    Answer { token: ReplyToken, reply: Reply },
    /// The last handle was dropped: unbind, close after `deadline` at the latest.
    Shutdown { deadline: Instant },
}

/// Everything the session thread waits for.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "moved once per message; boxing a request would allocate"
)]
pub(crate) enum Msg {
    /// Bytes read from connection `conn`.
    Bytes { conn: u64, data: Vec<u8> },
    /// Connection `conn` reached EOF or failed.
    Eof { conn: u64 },
    /// From a handle.
    Command(Cmd),
}

/// Back-pressure between the session thread and a reader thread. Lock-free on the hot
/// path: the reader only takes the lock (and the session thread only notifies) when the
/// reader has to wait.
#[derive(Default)]
struct Gate {
    /// The session does not want bytes.
    paused: AtomicBool,
    /// Reads sent but not yet taken by the session thread.
    queued: AtomicUsize,
    /// The connection is over.
    over: AtomicBool,
    /// The reader is (about to be) waiting.
    sleeping: AtomicBool,
    lock: Mutex<()>,
    cv: Condvar,
}

impl Gate {
    fn wake(&self) {
        if self.sleeping.load(Ordering::SeqCst) {
            let _g = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
            self.cv.notify_all();
        }
    }
    fn pause(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
        self.wake();
    }
    fn took_one(&self) {
        let _ = self
            .queued
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        self.wake();
    }
    fn end(&self) {
        self.over.store(true, Ordering::SeqCst);
        self.wake();
    }
    fn blocked(&self) -> bool {
        self.paused.load(Ordering::SeqCst) || self.queued.load(Ordering::SeqCst) >= MAX_QUEUED_READS
    }
    /// Reader side: waits until it may read; false when the connection is over.
    fn wait(&self) -> bool {
        loop {
            if self.over.load(Ordering::SeqCst) {
                return false;
            }
            if !self.blocked() {
                self.queued.fetch_add(1, Ordering::SeqCst);
                return true;
            }
            let g = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
            self.sleeping.store(true, Ordering::SeqCst);
            if self.blocked() && !self.over.load(Ordering::SeqCst) {
                // The timeout is only a safety net; `wake` notifies under the lock.
                let _ = self
                    .cv
                    .wait_timeout(g, Duration::from_millis(50))
                    .unwrap_or_else(PoisonError::into_inner);
            }
            self.sleeping.store(false, Ordering::SeqCst);
        }
    }
}

fn spawn_reader(
    mut tcp: TcpStream,
    conn: u64,
    tx: mpsc::Sender<Msg>,
    gate: Arc<Gate>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name(format!("smpp-reader-{conn}"))
        .spawn(move || {
            let mut buf = vec![0u8; READ_SIZE];
            while gate.wait() {
                match tcp.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let data = buf.get(..n).unwrap_or_default().to_vec();
                        if tx.send(Msg::Bytes { conn, data }).is_err() {
                            return;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => gate.took_one(),
                    Err(_) => break,
                }
            }
            let _ = tx.send(Msg::Eof { conn });
        })
        .map(drop)
}

/// Opens TCP (and TLS) to the builder's address, bounded by the connect timeout.
fn open(b: &ClientBuilder) -> Result<Wire, ConnectError> {
    let mut last = None;
    let addrs = b.addr.to_socket_addrs()?;
    let mut tcp = None;
    for a in addrs {
        match TcpStream::connect_timeout(&a, b.connect_timeout) {
            Ok(s) => {
                tcp = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let mut tcp = match (tcp, last) {
        (Some(t), _) => t,
        (None, Some(e)) if e.kind() == std::io::ErrorKind::TimedOut => {
            return Err(ConnectError::Timeout);
        }
        (None, Some(e)) => return Err(ConnectError::Io(e)),
        (None, None) => {
            return Err(ConnectError::Io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "address resolved to nothing",
            )));
        }
    };
    let _ = tcp.set_nodelay(true);
    tcp.set_write_timeout(Some(b.connect_timeout))?;
    tcp.set_read_timeout(Some(b.connect_timeout))?;
    let tls = match &b.tls {
        None => None,
        Some(t) => Some(Box::new(t.handshake(&mut tcp)?)),
    };
    tcp.set_read_timeout(None)?;
    tcp.set_write_timeout(Some(b.write_timeout))?;
    Ok(Wire {
        tcp,
        tls,
        broken: false,
    })
}

/// How one connection ended.
struct Ended {
    bound: bool,
    reason: CloseReason,
}

/// The session thread: connects, binds, runs connections and reconnects until stopped.
pub(crate) struct Runner {
    b: ClientBuilder,
    rx: mpsc::Receiver<Msg>,
    tx: mpsc::Sender<Msg>,
    app: mpsc::Sender<ClientEvent>,
    first: Option<mpsc::SyncSender<Result<(), ConnectError>>>,
    /// Requests (and an unbind) not yet handed to a session, in order.
    queue: VecDeque<Cmd>,
    assembler: Assembler,
    stopping: bool,
    hard_close_at: Option<Instant>,
    conn_id: u64,
}

impl Runner {
    pub(crate) fn new(
        b: ClientBuilder,
        rx: mpsc::Receiver<Msg>,
        tx: mpsc::Sender<Msg>,
        app: mpsc::Sender<ClientEvent>,
        first: mpsc::SyncSender<Result<(), ConnectError>>,
    ) -> Self {
        Self {
            b,
            rx,
            tx,
            app,
            first: Some(first),
            queue: VecDeque::new(),
            assembler: Assembler::default(),
            stopping: false,
            hard_close_at: None,
            conn_id: 0,
        }
    }

    fn report_first(&mut self, r: Result<(), ConnectError>) {
        if let Some(f) = self.first.take() {
            let _ = f.send(r);
        }
    }

    pub(crate) fn run(mut self) {
        let mut attempt = 0u32;
        loop {
            let error = match open(&self.b) {
                Ok(wire) => {
                    let ended = self.run_connection(wire);
                    if ended.bound {
                        attempt = 0;
                        let _ = self.app.send(ClientEvent::Disconnected {
                            reason: ended.reason.clone(),
                        });
                    }
                    format!("connection ended: {:?}", ended.reason)
                }
                Err(e) => {
                    if self.first.is_some() {
                        self.report_first(Err(e));
                        break;
                    }
                    e.to_string()
                }
            };
            if self.first.is_some() {
                self.report_first(Err(ConnectError::NotBound(error)));
                break;
            }
            let Some(policy) = self.b.reconnect.clone() else {
                break;
            };
            if self.stopping {
                break;
            }
            attempt += 1;
            let base = policy
                .initial
                .saturating_mul(1u32 << attempt.min(16).saturating_sub(1))
                .min(policy.max);
            let delay = jitter(base, attempt);
            let _ = self.app.send(ClientEvent::Reconnecting {
                attempt,
                delay,
                error,
            });
            if !self.wait_disconnected(Instant::now() + delay) {
                break;
            }
        }
        for cmd in self.queue.drain(..) {
            resolve_lost(cmd);
        }
        // Commands that came after the end are refused (later ones find the channel gone).
        while let Ok(msg) = self.rx.try_recv() {
            if let Msg::Command(Cmd::Request { done, .. } | Cmd::Unbind { done: Some(done) }) = msg
            {
                done.send(Err(SendError::Closed));
            }
        }
        let _ = self.app.send(ClientEvent::Stopped);
    }

    /// Between connections: queue commands until `until`. False when told to stop.
    fn wait_disconnected(&mut self, until: Instant) -> bool {
        loop {
            let now = Instant::now();
            let Some(left) = until.checked_duration_since(now).filter(|d| !d.is_zero()) else {
                return true;
            };
            match self.rx.recv_timeout(left) {
                Ok(Msg::Command(Cmd::Request {
                    body,
                    done,
                    give_up,
                })) => self.queue.push_back(Cmd::Request {
                    body,
                    done,
                    give_up,
                }),
                Ok(Msg::Command(Cmd::Unbind { done })) => {
                    if let Some(d) = done {
                        d.send(Ok(Outcome::ConnectionLost));
                    }
                    return false;
                }
                Ok(Msg::Command(Cmd::Close | Cmd::Shutdown { .. })) => return false,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => return true,
                Err(RecvTimeoutError::Disconnected) => return false,
            }
        }
    }

    #[allow(
        clippy::too_many_lines,
        reason = "the canonical loop, kept in one piece"
    )]
    fn run_connection(&mut self, mut wire: Wire) -> Ended {
        self.conn_id += 1;
        let id = self.conn_id;
        let gate = Arc::new(Gate::default());
        let reader = wire
            .tcp
            .try_clone()
            .and_then(|r| spawn_reader(r, id, self.tx.clone(), gate.clone()));
        if let Err(e) = reader {
            wire.shutdown();
            return Ended {
                bound: false,
                reason: CloseReason::LocallyClosed,
            }
            .with_log(&e.to_string());
        }
        let mut session = Session::new(self.b.config.clone(), Instant::now());
        let bind_seq = match session.bind(Instant::now(), self.b.kind, self.b.bind.clone()) {
            Ok(s) => s,
            Err(e) => {
                self.report_first(Err(ConnectError::Bind(e)));
                self.stopping = true;
                session.close(Instant::now());
                SequenceNumber(0)
            }
        };
        let mut conn = Conn {
            session,
            pending: HashMap::new(),
            bind_seq,
            bound: false,
            closed: None,
            retry_at: None,
            held: VecDeque::new(),
            plain: Vec::with_capacity(READ_SIZE),
        };
        let mut paused = false;
        loop {
            self.drain(&mut conn, &mut wire);
            if let Some(reason) = conn.closed.take() {
                wire.shutdown();
                gate.end();
                for (_, done) in conn.pending.drain() {
                    done.send(Ok(Outcome::ConnectionLost));
                }
                return Ended {
                    bound: conn.bound,
                    reason,
                };
            }
            let want = conn.session.wants_read();
            if want == paused {
                paused = !want;
                gate.pause(paused);
            }
            let deadline = [
                conn.session.poll_timeout(),
                conn.retry_at,
                self.hard_close_at,
            ]
            .into_iter()
            .flatten()
            .min();
            let msg = match deadline {
                Some(d) => self
                    .rx
                    .recv_timeout(d.saturating_duration_since(Instant::now())),
                None => self.rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            let now = Instant::now();
            match msg {
                Ok(Msg::Bytes { conn: c, data }) if c == id => {
                    gate.took_one();
                    let mut plain = std::mem::take(&mut conn.plain);
                    plain.clear();
                    let open = wire.decrypt(&data, &mut plain);
                    if conn.held.is_empty() && conn.session.wants_read() {
                        conn.session.handle_bytes(now, &plain);
                    } else if !plain.is_empty() {
                        conn.held.push_back(plain.clone());
                    }
                    conn.plain = plain;
                    if !open {
                        conn.session.handle_eof(now);
                    }
                }
                Ok(Msg::Eof { conn: c }) if c == id => conn.session.handle_eof(now),
                Ok(Msg::Bytes { .. } | Msg::Eof { .. }) => {} // an earlier connection's
                Ok(Msg::Command(cmd)) => self.apply(&mut conn, cmd, now),
                Err(RecvTimeoutError::Timeout) => {
                    if conn.retry_at.is_some_and(|r| r <= now) {
                        conn.retry_at = None;
                    }
                    if self.hard_close_at.is_some_and(|h| h <= now) {
                        conn.session.close(now);
                    }
                    conn.session.handle_timeout(now);
                }
                Err(RecvTimeoutError::Disconnected) => conn.session.close(now),
            }
        }
    }

    fn apply(&mut self, conn: &mut Conn, cmd: Cmd, now: Instant) {
        match cmd {
            // After an unbind, close or drop, new requests are refused.
            Cmd::Request { done, .. } if self.stopping => done.send(Err(SendError::Closed)),
            Cmd::Request { .. } => self.queue.push_back(cmd),
            Cmd::Unbind { done: Some(done) } if self.stopping => {
                done.send(Err(SendError::Closed));
            }
            Cmd::Unbind { .. } => {
                self.stopping = true;
                self.queue.push_back(cmd);
            }
            Cmd::Shutdown { deadline } => {
                self.stopping = true;
                self.hard_close_at = Some(deadline);
                self.queue.push_back(Cmd::Unbind { done: None });
            }
            Cmd::Close => {
                self.stopping = true;
                conn.session.close(now);
            }
            Cmd::Answer { token, reply } => {
                if let Err(e) = conn.session.respond(now, token, reply) {
                    tracing::debug!(error = %e, "answer not sent");
                }
            }
        }
    }

    /// Hands queued requests to the session while it takes them.
    fn pump(&mut self, conn: &mut Conn) -> bool {
        let mut any = false;
        let now = Instant::now();
        while matches!(conn.session.state(), State::Bound(_) | State::Unbinding) {
            let Some(cmd) = self.queue.pop_front() else {
                break;
            };
            match cmd {
                Cmd::Request {
                    body,
                    done,
                    give_up,
                } => {
                    if give_up < now {
                        continue; // the caller stopped waiting; never sent
                    }
                    match conn.session.send_request(now, body.clone()) {
                        Ok(seq) => {
                            any = true;
                            conn.pending.insert(seq.0, done);
                        }
                        Err(e @ (SendError::WindowFull | SendError::OutboundFull)) => {
                            let _ = e;
                            self.queue.push_front(Cmd::Request {
                                body,
                                done,
                                give_up,
                            });
                            break;
                        }
                        Err(
                            SendError::RateLimited { retry_at: at }
                            | SendError::Throttled { until: at },
                        ) => {
                            conn.retry_at = Some(at);
                            self.queue.push_front(Cmd::Request {
                                body,
                                done,
                                give_up,
                            });
                            break;
                        }
                        Err(e) => done.send(Err(e)),
                    }
                }
                Cmd::Unbind { done } => {
                    any = true;
                    match conn.session.unbind(now) {
                        Ok(seq) => {
                            if let Some(d) = done {
                                conn.pending.insert(seq.0, d);
                            }
                        }
                        Err(e) => {
                            if let Some(d) = done {
                                d.send(Err(e));
                            }
                        }
                    }
                }
                other => tracing::debug!(?other, "not queued"),
            }
        }
        any
    }

    /// The drain step: transmit, events, timeout (read by the caller), repeated while the
    /// events free room for queued requests.
    fn drain(&mut self, conn: &mut Conn, wire: &mut Wire) {
        loop {
            let mut any = self.pump(conn);
            while conn.session.wants_read() {
                let Some(h) = conn.held.pop_front() else {
                    break;
                };
                conn.session.handle_bytes(Instant::now(), &h);
                any = true;
            }
            while let Some(t) = conn.session.poll_transmit() {
                any = true;
                if let Err(e) = wire.write(&t) {
                    tracing::debug!(error = %e, "write failed");
                    conn.session.handle_eof(Instant::now());
                }
            }
            while let Some(ev) = conn.session.poll_event() {
                any = true;
                self.event(conn, ev);
            }
            if !any {
                return;
            }
        }
    }

    fn event(&mut self, conn: &mut Conn, ev: Event) {
        match ev {
            Event::Response { sequence, outcome }
                if sequence == conn.bind_seq && !outcome.is_ok() =>
            {
                let e = match outcome {
                    Outcome::Rejected { status, .. } | Outcome::GenericNack(status) => {
                        ConnectError::BindRejected(status)
                    }
                    other => ConnectError::NotBound(format!("{other:?}")),
                };
                if self.first.is_some() {
                    self.stopping = true;
                    self.report_first(Err(e));
                }
                conn.session.close(Instant::now());
            }
            Event::Response { sequence, outcome } => {
                if let Some(done) = conn.pending.remove(&sequence.0) {
                    done.send(Ok(outcome));
                }
            }
            Event::Bound { peer_system_id, .. } => {
                conn.bound = true;
                self.report_first(Ok(()));
                let _ = self.app.send(ClientEvent::Bound {
                    system_id: peer_system_id,
                });
            }
            Event::Request { token, body } => {
                if let Some(d) = self.assembler.push(token, body, &self.tx, self.b.auto_ack) {
                    let _ = self.app.send(ClientEvent::Delivery(d));
                }
            }
            Event::LateResponse { outcome, .. } => {
                let _ = self.app.send(ClientEvent::LateResponse { outcome });
            }
            Event::Closed { reason } => conn.closed = Some(reason),
            _ => {}
        }
    }
}

/// One connection's state on the session thread.
struct Conn {
    session: Session,
    pending: HashMap<u32, Done>,
    bind_seq: SequenceNumber,
    bound: bool,
    closed: Option<CloseReason>,
    retry_at: Option<Instant>,
    /// Bytes that arrived while the session did not want to read.
    held: VecDeque<Vec<u8>>,
    plain: Vec<u8>,
}

impl Ended {
    fn with_log(self, e: &str) -> Self {
        tracing::debug!(error = e, "connection failed");
        self
    }
}

fn resolve_lost(cmd: Cmd) {
    match cmd {
        Cmd::Request { done, .. } | Cmd::Unbind { done: Some(done) } => {
            done.send(Ok(Outcome::ConnectionLost));
        }
        _ => {}
    }
}

fn jitter(d: Duration, attempt: u32) -> Duration {
    // Spread reconnects of many clients: +-20 % from a cheap per-process hash.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |t| t.subsec_nanos());
    let seed = u64::from(attempt).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ u64::from(std::process::id()).rotate_left(17)
        ^ u64::from(nanos);
    #[allow(clippy::cast_precision_loss, reason = "a value below 400")]
    let frac = (seed % 400) as f64 / 1000.0 - 0.2;
    d.mul_f64(1.0 + frac)
}
