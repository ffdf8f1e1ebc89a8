//! The session thread and the reader thread. They move bytes, time, commands and events;
//! the protocol is entirely in [`Session`].
//!
//! One `std::sync::mpsc` channel carries everything the session thread waits for:
//! [`Msg::Bytes`] / [`Msg::Eof`] from the connection's reader thread (blocking reads on
//! a `try_clone()` of the socket), [`Msg::Command`] from the application's handles and
//! [`Msg::Wake`] when a shortcut below left it work. Each turn the session thread waits
//! with `recv_timeout(deadline - now)`, applies what came (or `handle_timeout`), then
//! drains the session: transmits (written with the socket's write timeout), events, and
//! the next deadline. While the session thread is busy writing, the reader keeps
//! reading, so two peers that both write cannot deadlock.
//!
//! The connection (session, socket, queue) sits in a [`Link`] behind a mutex shared with
//! the handles and the reader ([`Shared`]); the session thread holds it while it works,
//! not while it waits. Two shortcuts save the hops through the session thread on plain
//! TCP, both with `try_lock` only (a busy lock means the ordinary path, so neither
//! the caller nor the reader ever waits for the session thread's writes):
//!
//! * [`Shared::try_request`]: the caller's thread sends a request itself when no command
//!   is in the channel or the queue ahead of it and the session can send.
//! * [`Shared::try_bytes`]: the reader thread hands bytes to the session itself when no
//!   earlier read waits in the channel, and completes the responses' callers.

use std::collections::{HashMap, VecDeque};
use std::io::{Read as _, Write as _};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, PoisonError, TryLockError};
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
    /// A handle or the reader thread changed the connection's state directly and left
    /// something for the session thread (a write, an event, an earlier deadline).
    Wake,
}

/// What the session thread shares with the handles and the reader thread.
pub(crate) struct Shared {
    pub(crate) link: Mutex<Link>,
    /// Commands other than answers sent into the channel and not yet applied: while
    /// any is, requests go through the channel too, so none overtakes another.
    in_channel: AtomicUsize,
    tx: mpsc::Sender<Msg>,
}

/// The state behind [`Shared::link`]: the session thread holds the lock while it works
/// and releases it while it waits.
pub(crate) struct Link {
    /// Requests (and an unbind) not yet handed to a session, in order.
    queue: VecDeque<Cmd>,
    /// After an unbind, close or drop: new requests are refused.
    stopping: bool,
    /// The current connection (`None` between connections).
    live: Option<Live>,
    /// When the session thread wakes by itself next (`None`: only for a message).
    armed: Option<Instant>,
}

/// One connection: its session and the socket written to.
struct Live {
    id: u64,
    conn: Conn,
    wire: Wire,
}

impl Link {
    /// The queue, the stopping flag and the live connection, borrowed apart (`None`
    /// between connections).
    fn parts(&mut self) -> Option<(&mut VecDeque<Cmd>, &mut bool, &mut Live)> {
        let live = self.live.as_mut()?;
        Some((&mut self.queue, &mut self.stopping, live))
    }
}

fn lock(m: &Mutex<Link>) -> std::sync::MutexGuard<'_, Link> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn try_lock(m: &Mutex<Link>) -> Option<std::sync::MutexGuard<'_, Link>> {
    match m.try_lock() {
        Ok(g) => Some(g),
        Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
        Err(TryLockError::WouldBlock) => None,
    }
}

impl Shared {
    pub(crate) fn new(tx: mpsc::Sender<Msg>) -> Self {
        Self {
            link: Mutex::new(Link {
                queue: VecDeque::new(),
                stopping: false,
                live: None,
                armed: None,
            }),
            in_channel: AtomicUsize::new(0),
            tx,
        }
    }

    /// Sends a command to the session thread.
    pub(crate) fn send(&self, cmd: Cmd) -> Result<(), ()> {
        let counted = !matches!(cmd, Cmd::Answer { .. });
        if counted {
            self.in_channel.fetch_add(1, Ordering::SeqCst);
        }
        self.tx.send(Msg::Command(cmd)).map_err(|_| {
            if counted {
                self.in_channel.fetch_sub(1, Ordering::SeqCst);
            }
        })
    }

    /// The session thread applied a command taken from the channel (called under the
    /// lock, after the command took its place in the queue).
    fn took(&self, cmd_was_answer: bool) {
        if !cmd_was_answer {
            let _ = self
                .in_channel
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        }
    }

    /// The fast path of a request, on the caller's thread: when nothing is queued ahead,
    /// the lock is free and the session can send, the request goes to the session and
    /// its bytes to the socket from here (plain TCP; TLS stays with the session thread).
    /// The session thread is woken only when something is left for it. Gives the
    /// request back otherwise.
    #[allow(
        clippy::result_large_err,
        reason = "a request not taken is handed back whole, not boxed (no allocation)"
    )]
    pub(crate) fn try_request(&self, body: Body, done: Done) -> Result<(), (Body, Done)> {
        if self.in_channel.load(Ordering::SeqCst) != 0 {
            return Err((body, done));
        }
        let Some(mut g) = try_lock(&self.link) else {
            return Err((body, done));
        };
        let link = &mut *g;
        // Checked again under the lock: a command counted now is applied after us.
        if link.stopping || !link.queue.is_empty() || self.in_channel.load(Ordering::SeqCst) != 0 {
            return Err((body, done));
        }
        let Some(live) = link.live.as_mut() else {
            return Err((body, done));
        };
        let (conn, wire) = (&mut live.conn, &mut live.wire);
        if wire.tls.is_some()
            || wire.broken
            || conn.closed.is_some()
            || !conn.deferred.is_empty()
            || !conn.session.can_send()
        {
            return Err((body, done));
        }
        let now = Instant::now();
        // `can_send` rules out the errors a queued request waits on (window, rate,
        // throttle, buffer): any error left is this request's outcome.
        match conn.session.send_request(now, body) {
            Ok(seq) => {
                conn.pending.insert(seq.0, done);
            }
            Err(e) => {
                drop(g);
                done.send(Err(e));
                return Ok(());
            }
        }
        let mut wake = false;
        loop {
            let p = conn.session.pending_transmit();
            if p.is_empty() {
                break;
            }
            match (&wire.tcp).write(p) {
                Ok(0) => wake = true,
                Ok(n) => conn.session.advance_transmit(n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    tracing::debug!(error = %e, "write failed");
                    wake = true;
                }
            }
            if wake {
                // The session thread ends the connection (its write fails at once).
                wire.broken = true;
                break;
            }
        }
        wake |= conn.defer_events() || needs_session_thread(conn, link.armed);
        drop(g);
        if wake {
            let _ = self.tx.send(Msg::Wake);
        }
        Ok(())
    }

    /// The reader thread's fast path: hands `data` read from connection `id` to the
    /// session when nothing read earlier waits in the channel, the lock is free and the
    /// session wants it (plain TCP only). Responses go straight to their requesters;
    /// anything else (writes, other events, an earlier deadline) wakes the session
    /// thread. False when the bytes must go through the channel.
    fn try_bytes(
        &self,
        id: u64,
        gate: &Gate,
        data: &[u8],
        ready: &mut Vec<(Done, Outcome)>,
    ) -> bool {
        // This read itself is counted in `queued`.
        if gate.queued.load(Ordering::SeqCst) != 1 {
            return false;
        }
        let Some(mut g) = try_lock(&self.link) else {
            return false;
        };
        let link = &mut *g;
        let Some(live) = link.live.as_mut().filter(|l| l.id == id) else {
            return false;
        };
        let conn = &mut live.conn;
        if live.wire.tls.is_some()
            || conn.closed.is_some()
            || !conn.held.is_empty()
            || !conn.session.wants_read()
        {
            return false;
        }
        gate.took_one();
        conn.session.handle_bytes(Instant::now(), data);
        let mut wake = false;
        while let Some(ev) = conn.session.poll_event() {
            match ev {
                Event::Response { sequence, outcome }
                    if conn.deferred.is_empty() && sequence != conn.bind_seq =>
                {
                    if let Some(done) = conn.pending.remove(&sequence.0) {
                        ready.push((done, outcome));
                    }
                }
                ev => {
                    conn.deferred.push_back(ev);
                    wake = true;
                }
            }
        }
        // Queued requests (or an unbind) may fit now that responses freed the window.
        wake |= !link.queue.is_empty() || needs_session_thread(conn, link.armed);
        drop(g);
        for (done, outcome) in ready.drain(..) {
            done.send(Ok(outcome));
        }
        if wake {
            let _ = self.tx.send(Msg::Wake);
        }
        true
    }
}

/// Whether a change made outside the session thread leaves it work: bytes to write,
/// reading to pause, or a deadline earlier than the one it sleeps until.
fn needs_session_thread(conn: &Conn, armed: Option<Instant>) -> bool {
    !conn.session.pending_transmit().is_empty()
        || !conn.session.wants_read()
        || conn
            .session
            .poll_timeout()
            .is_some_and(|d| armed.is_none_or(|a| d < a))
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
    shared: Arc<Shared>,
    gate: Arc<Gate>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name(format!("smpp-reader-{conn}"))
        .spawn(move || {
            let mut buf = vec![0u8; READ_SIZE];
            let mut ready = Vec::new();
            while gate.wait() {
                match tcp.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let got = buf.get(..n).unwrap_or_default();
                        if shared.try_bytes(conn, &gate, got, &mut ready) {
                            continue;
                        }
                        let data = got.to_vec();
                        if shared.tx.send(Msg::Bytes { conn, data }).is_err() {
                            return;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => gate.took_one(),
                    Err(_) => break,
                }
            }
            let _ = shared.tx.send(Msg::Eof { conn });
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
    shared: Arc<Shared>,
    app: mpsc::Sender<ClientEvent>,
    first: Option<mpsc::SyncSender<Result<(), ConnectError>>>,
    assembler: Assembler,
    hard_close_at: Option<Instant>,
    conn_id: u64,
}

impl Runner {
    pub(crate) fn new(
        b: ClientBuilder,
        rx: mpsc::Receiver<Msg>,
        shared: Arc<Shared>,
        app: mpsc::Sender<ClientEvent>,
        first: mpsc::SyncSender<Result<(), ConnectError>>,
    ) -> Self {
        Self {
            b,
            rx,
            tx: shared.tx.clone(),
            shared,
            app,
            first: Some(first),
            assembler: Assembler::default(),
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
            if lock(&self.shared.link).stopping {
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
        let queued = {
            let mut link = lock(&self.shared.link);
            link.stopping = true;
            std::mem::take(&mut link.queue)
        };
        for cmd in queued {
            resolve_lost(cmd);
        }
        // Commands that came after the end are refused (later ones find the channel gone).
        while let Ok(msg) = self.rx.try_recv() {
            if let Msg::Command(cmd) = msg {
                self.shared.took(matches!(cmd, Cmd::Answer { .. }));
                if let Cmd::Request { done, .. } | Cmd::Unbind { done: Some(done) } = cmd {
                    done.send(Err(SendError::Closed));
                }
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
            let cmd = match self.rx.recv_timeout(left) {
                Ok(Msg::Command(cmd)) => cmd,
                Ok(_) => continue,
                Err(RecvTimeoutError::Timeout) => return true,
                Err(RecvTimeoutError::Disconnected) => return false,
            };
            let mut link = lock(&self.shared.link);
            self.shared.took(matches!(cmd, Cmd::Answer { .. }));
            match cmd {
                Cmd::Request { .. } => link.queue.push_back(cmd),
                Cmd::Unbind { done } => {
                    link.stopping = true;
                    drop(link);
                    if let Some(d) = done {
                        d.send(Ok(Outcome::ConnectionLost));
                    }
                    return false;
                }
                Cmd::Close | Cmd::Shutdown { .. } => {
                    link.stopping = true;
                    return false;
                }
                Cmd::Answer { .. } => {}
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
            .and_then(|r| spawn_reader(r, id, self.shared.clone(), gate.clone()));
        if let Err(e) = reader {
            wire.shutdown();
            return Ended {
                bound: false,
                reason: CloseReason::LocallyClosed,
            }
            .with_log(&e.to_string());
        }
        let shared = self.shared.clone();
        let mut session = Session::new(self.b.config.clone(), Instant::now());
        let bind_seq = match session.bind(Instant::now(), self.b.kind, self.b.bind.clone()) {
            Ok(s) => s,
            Err(e) => {
                self.report_first(Err(ConnectError::Bind(e)));
                lock(&shared.link).stopping = true;
                session.close(Instant::now());
                SequenceNumber(0)
            }
        };
        let conn = Conn {
            session,
            pending: HashMap::new(),
            bind_seq,
            bound: false,
            closed: None,
            retry_at: None,
            held: VecDeque::new(),
            plain: Vec::with_capacity(READ_SIZE),
            deferred: VecDeque::new(),
        };
        lock(&shared.link).live = Some(Live { id, conn, wire });
        let mut paused = false;
        let mut msg = None;
        loop {
            let mut g = lock(&shared.link);
            let link = &mut *g;
            let Some(live) = link.live.as_mut() else {
                // Not reached: only this thread takes the connection out.
                return Ended {
                    bound: false,
                    reason: CloseReason::LocallyClosed,
                };
            };
            let now = Instant::now();
            match msg.take() {
                None | Some(Ok(Msg::Wake)) => {}
                Some(Ok(Msg::Bytes { conn: c, data })) if c == id => {
                    gate.took_one();
                    let (conn, wire) = (&mut live.conn, &mut live.wire);
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
                Some(Ok(Msg::Eof { conn: c })) if c == id => live.conn.session.handle_eof(now),
                Some(Ok(Msg::Bytes { .. } | Msg::Eof { .. })) => {} // an earlier connection's
                Some(Ok(Msg::Command(cmd))) => {
                    let answer = matches!(cmd, Cmd::Answer { .. });
                    self.apply(link, cmd, now);
                    self.shared.took(answer);
                }
                Some(Err(RecvTimeoutError::Timeout)) => {
                    let conn = &mut live.conn;
                    if conn.retry_at.is_some_and(|r| r <= now) {
                        conn.retry_at = None;
                    }
                    if self.hard_close_at.is_some_and(|h| h <= now) {
                        conn.session.close(now);
                    }
                    conn.session.handle_timeout(now);
                }
                Some(Err(RecvTimeoutError::Disconnected)) => live.conn.session.close(now),
            }
            self.drain(link);
            let Some(live) = link.live.as_mut() else {
                continue;
            };
            if let Some(reason) = live.conn.closed.take() {
                let Some(Live {
                    mut conn, mut wire, ..
                }) = link.live.take()
                else {
                    continue;
                };
                link.armed = None;
                drop(g);
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
            let conn = &live.conn;
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
            link.armed = deadline;
            drop(g);
            msg = Some(match deadline {
                Some(d) => self
                    .rx
                    .recv_timeout(d.saturating_duration_since(Instant::now())),
                None => self.rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            });
        }
    }

    fn apply(&mut self, link: &mut Link, cmd: Cmd, now: Instant) {
        let Some((queue, stopping, live)) = link.parts() else {
            return;
        };
        let conn = &mut live.conn;
        match cmd {
            // After an unbind, close or drop, new requests are refused.
            Cmd::Request { done, .. } if *stopping => done.send(Err(SendError::Closed)),
            Cmd::Request { .. } => queue.push_back(cmd),
            Cmd::Unbind { done: Some(done) } if *stopping => {
                done.send(Err(SendError::Closed));
            }
            Cmd::Unbind { .. } => {
                *stopping = true;
                queue.push_back(cmd);
            }
            Cmd::Shutdown { deadline } => {
                *stopping = true;
                self.hard_close_at = Some(deadline);
                queue.push_back(Cmd::Unbind { done: None });
            }
            Cmd::Close => {
                *stopping = true;
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
    fn pump(queue: &mut VecDeque<Cmd>, conn: &mut Conn) -> bool {
        let mut any = false;
        let now = Instant::now();
        while matches!(conn.session.state(), State::Bound(_) | State::Unbinding) {
            let Some(cmd) = queue.pop_front() else {
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
                            queue.push_front(Cmd::Request {
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
                            queue.push_front(Cmd::Request {
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
    fn drain(&mut self, link: &mut Link) {
        let Some((queue, stopping, live)) = link.parts() else {
            return;
        };
        let (conn, wire) = (&mut live.conn, &mut live.wire);
        loop {
            let mut any = Self::pump(queue, conn);
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
            while let Some(ev) = conn
                .deferred
                .pop_front()
                .or_else(|| conn.session.poll_event())
            {
                any = true;
                self.event(stopping, conn, ev);
            }
            if !any {
                return;
            }
        }
    }

    fn event(&mut self, stopping: &mut bool, conn: &mut Conn, ev: Event) {
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
                    *stopping = true;
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
    /// Events taken from the session outside the session thread, for it to handle
    /// first, in order.
    deferred: VecDeque<Event>,
}

impl Conn {
    /// Moves the session's events to `deferred` (outside the session thread); true when
    /// there were any.
    fn defer_events(&mut self) -> bool {
        let mut any = false;
        while let Some(ev) = self.session.poll_event() {
            self.deferred.push_back(ev);
            any = true;
        }
        any
    }
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
