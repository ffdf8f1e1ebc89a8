//! The connection driver: one task per connection, a `select!` loop around a
//! [`Session`]. It moves bytes, timers, commands and events, and holds no protocol logic.
//!
//! Each turn waits for exactly one thing (readable bytes while the session wants them, the
//! pending write, the session's deadline, a command), applies it, then drains the
//! session: the coalesced transmit, then events (a `Response` completes the oneshot
//! stored under its sequence number), then the next deadline.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use smpp_proto::pdu::{Bind, Body};
use smpp_proto::session::{BindKind, Event, Outcome, Reply, ReplyToken, SendError, Session, State};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

use crate::metrics::{Counters, Seen};
use crate::server::Serve;

/// An application's answer still being computed (an async server handler that did not
/// finish on its first poll).
pub(crate) type Work = FuturesUnordered<Pin<Box<dyn Future<Output = (ReplyToken, Reply)> + Send>>>;

/// The answer to a command that sends a request.
pub(crate) type Done = oneshot::Sender<Result<Outcome, SendError>>;

/// What handles ask the driver to do.
#[derive(Debug)]
pub(crate) enum Cmd {
    /// Send a request; `done` receives its one outcome.
    Request { body: Body, done: Done },
    /// Bind (ESME).
    Bind {
        kind: BindKind,
        bind: Bind,
        done: Done,
    },
    /// Unbind gracefully.
    Unbind { done: Done },
    /// Close at once.
    Close,
    /// Server shutdown: unbind when bound, otherwise close.
    Shutdown,
}

/// Answers to the peer's requests: a channel of their own, never blocked behind a full
/// window.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "moved once per answer; boxing would allocate"
)]
pub(crate) enum Answer {
    Respond { token: ReplyToken, reply: Reply },
}

/// How much of a read is handed to the session before what it produced is written.
const READ_SLICE: usize = 1024;

/// The adapter's clock. `tokio::time::Instant` so paused test time works.
pub(crate) fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

/// Sequence numbers are distinct small integers: a multiplicative hash is enough and
/// much cheaper than SipHash on the per-request insert/remove.
#[derive(Default, Clone, Copy)]
pub(crate) struct SeqHasher(u64);

impl std::hash::Hasher for SeqHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type Pending = HashMap<u32, Done, std::hash::BuildHasherDefault<SeqHasher>>;

/// One connection's driver state.
pub(crate) struct Driver {
    pub(crate) session: Session,
    pub(crate) cmds: mpsc::Receiver<Cmd>,
    pub(crate) answers: mpsc::UnboundedReceiver<Answer>,
    pub(crate) events: mpsc::UnboundedSender<Event>,
    pending: Pending,
    /// A request that could not be sent yet (window full, rate limit, back-off).
    pub(crate) parked: Option<Cmd>,
    retry_at: Option<Instant>,
    counters: Option<Arc<Counters>>,
    seen: Seen,
    /// Server connections: binds and requests are answered inside the driver's turn.
    pub(crate) serve: Option<Serve>,
    /// Async handlers' answers that were not ready at once.
    work: Work,
}

impl Driver {
    pub(crate) fn new(
        session: Session,
        cmds: mpsc::Receiver<Cmd>,
        answers: mpsc::UnboundedReceiver<Answer>,
        events: mpsc::UnboundedSender<Event>,
    ) -> Self {
        Self {
            cmds,
            answers,
            events,
            pending: Pending::with_capacity_and_hasher(
                session.config().window.min(4096),
                Default::default(),
            ),
            session,
            parked: None,
            retry_at: None,
            counters: None,
            seen: Seen::default(),
            serve: None,
            work: Work::new(),
        }
    }

    /// Makes this a server connection: `serve` answers binds and requests in the
    /// driver's own turn (no hop through another task).
    pub(crate) fn with_serve(mut self, serve: Serve) -> Self {
        self.serve = Some(serve);
        self
    }

    /// Reports this session's counters into `c` (they accumulate across drivers).
    pub(crate) fn with_counters(mut self, c: Arc<Counters>) -> Self {
        self.counters = Some(c);
        self
    }

    fn sync_counters(&mut self) {
        if let Some(c) = &self.counters {
            c.sync(
                &mut self.seen,
                self.session.stats(),
                self.session.in_flight(),
            );
        }
    }

    pub(crate) fn apply(&mut self, now: Instant, cmd: Cmd) {
        let (r, done, cmd_back) = match cmd {
            // Fast path: when a message could go out now, no refusal can be one worth
            // retrying (window, buffer, throttle, rate and bind state were all checked),
            // so the body moves into the session without a copy.
            Cmd::Request { body, done } if self.session.can_send() => {
                (self.session.send_request(now, body), Some(done), None)
            }
            Cmd::Request { body, done } => match self.session.send_request(now, body.clone()) {
                Err(e) if self.retryable(&e) => (Err(e), None, Some(Cmd::Request { body, done })),
                r => (r, Some(done), None),
            },
            Cmd::Bind { kind, bind, done } => {
                (self.session.bind(now, kind, bind), Some(done), None)
            }
            Cmd::Unbind { done } => (self.session.unbind(now), Some(done), None),
            Cmd::Close => {
                self.session.close(now);
                return;
            }
            Cmd::Shutdown => {
                if let Err(e) = self.session.unbind(now) {
                    tracing::debug!(error = %e, "not bound at shutdown: closing");
                    self.session.close(now);
                }
                return;
            }
        };
        match (r, done) {
            (Ok(seq), Some(done)) => {
                self.pending.insert(seq.0, done);
            }
            (Err(e), Some(done)) => {
                let _ = done.send(Err(e));
            }
            (Err(e), None) => {
                self.retry_at = match e {
                    SendError::RateLimited { retry_at } => Some(retry_at),
                    SendError::Throttled { until } => Some(until),
                    _ => None,
                };
                self.parked = cmd_back;
            }
            (Ok(_), None) => {}
        }
    }

    fn retryable(&self, e: &SendError) -> bool {
        matches!(
            e,
            SendError::WindowFull
                | SendError::OutboundFull
                | SendError::RateLimited { .. }
                | SendError::Throttled { .. }
        ) || (matches!(e, SendError::NotBound)
            && self.session.state() == State::Binding(self.binding_kind()))
    }

    fn binding_kind(&self) -> BindKind {
        match self.session.state() {
            State::Binding(k) => k,
            _ => BindKind::Transceiver,
        }
    }

    fn answer(&mut self, now: Instant, a: Answer) {
        let Answer::Respond { token, reply } = a;
        let r = self.session.respond(now, token, reply);
        if let Err(e) = r {
            tracing::debug!(error = %e, "answer not sent");
        }
    }

    /// Events out; responses complete their oneshot. Returns true once `Closed` was seen.
    fn drain_events(&mut self) -> bool {
        let mut closed = false;
        while let Some(ev) = self.session.poll_event() {
            match ev {
                Event::Response { sequence, outcome } => {
                    if let Some(done) = self.pending.remove(&sequence.0) {
                        let _ = done.send(Ok(outcome));
                    } else {
                        let _ = self.events.send(Event::Response { sequence, outcome });
                    }
                }
                Event::Closed { reason } => {
                    closed = true;
                    if let Some(s) = &self.serve {
                        s.closed(&reason);
                    } else {
                        let _ = self.events.send(Event::Closed { reason });
                    }
                }
                other => {
                    let other = match &mut self.serve {
                        Some(s) => match s.on_event(&mut self.session, other, &mut self.work) {
                            Some(ev) => ev,
                            None => continue,
                        },
                        None => other,
                    };
                    let _ = self.events.send(other);
                }
            }
        }
        closed
    }

    fn retry_parked(&mut self, now: Instant) {
        if let Some(cmd) = self.parked.take() {
            self.retry_at = None;
            self.apply(now, cmd);
        }
    }

    /// Takes queued commands while they can go out at once (up to the window), so one
    /// turn queues many PDUs and they leave in one coalesced write.
    fn pull_commands(&mut self, now: Instant) {
        let mut budget = self.session.config().window.max(1);
        while budget > 0 && self.parked.is_none() && self.session.can_send() {
            match self.cmds.try_recv() {
                Ok(c) => self.apply(now, c),
                Err(_) => break,
            }
            budget -= 1;
        }
    }

    /// When nothing is waiting to be written, takes the session's transmit and writes
    /// it without waiting. Returns whether the transport failed, or `None` when no write
    /// completed (nothing to send, a write still pending, or the socket not writable:
    /// the select's write branch takes over).
    fn write_now<W>(&mut self, wr: &mut W, wbuf: &mut Bytes, eof: &mut bool) -> Option<bool>
    where
        W: AsyncWrite + Unpin,
    {
        if !wbuf.is_empty() {
            return None;
        }
        *wbuf = self.session.poll_transmit()?;
        let r = wr.write(wbuf).now_or_never()?;
        Some(self.wrote(r, wbuf, eof))
    }

    /// Applies a write's result. Returns true when the transport failed (the session
    /// was told: `handle_eof`).
    fn wrote(&mut self, r: std::io::Result<usize>, wbuf: &mut Bytes, eof: &mut bool) -> bool {
        match r {
            // Drop the buffer at once so the session can reuse its memory.
            Ok(n) if n >= wbuf.len() => *wbuf = Bytes::new(),
            Ok(n) if n > 0 => bytes::Buf::advance(wbuf, n),
            r => {
                if let Err(e) = r {
                    tracing::debug!(error = %e, "write failed");
                }
                *wbuf = Bytes::new();
                if !*eof {
                    *eof = true;
                    self.session.handle_eof(now());
                }
                return true;
            }
        }
        false
    }

    fn deadline(&self) -> Option<Instant> {
        match (self.session.poll_timeout(), self.retry_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Runs the connection to its end. Returns with every request resolved; a request
    /// that was never sent (still parked) stays in `self.parked` for the next connection.
    pub(crate) async fn run<S>(&mut self, io: S)
    where
        S: AsyncRead + AsyncWrite + Send,
    {
        let (mut rd, mut wr) = tokio::io::split(io);
        let mut rbuf = BytesMut::with_capacity(64 * 1024);
        let mut wbuf: Bytes = Bytes::new();
        let mut eof = false;
        let mut closed = self.drain_events();
        let sleep = tokio::time::sleep(std::time::Duration::from_secs(3600));
        tokio::pin!(sleep);
        let mut armed: Option<Instant> = None;
        let mut answers_open = true;
        loop {
            // Write at once: the socket is almost always writable, and this saves a
            // turn of the select below (which re-polls every branch).
            if let Some(failed) = self.write_now(&mut wr, &mut wbuf, &mut eof) {
                if failed && closed {
                    break;
                }
                closed |= self.drain_events();
            }
            if closed && wbuf.is_empty() {
                break;
            }
            // Re-arm only for an earlier deadline: with a response timer per request the
            // earliest deadline moves later with every answer, and resetting the tokio
            // timer each time costs a timer-wheel update per request. A timer armed
            // too early fires, `handle_timeout` does nothing, and it is re-armed then.
            if let Some(d) = self.deadline() {
                if armed.is_none_or(|a| d < a) {
                    sleep.as_mut().reset(tokio::time::Instant::from_std(d));
                    armed = Some(d);
                }
            }
            let want_read = !eof && !closed && self.session.wants_read();
            // One clock reading per wake-up, shared by everything this turn does. (The
            // handlers act in place: moving a command or an answer out of the select
            // first would copy a 256-octet body once more.)
            let t: Instant;
            tokio::select! {
                biased;
                // Answers exist only for requests the application holds a token
                // for: with none outstanding the channel is not polled at all.
                a = self.answers.recv(),
                    if !closed && answers_open && self.session.awaiting_answers() > 0 => {
                    t = now();
                    match a {
                        Some(a) => self.answer(t, a),
                        None => answers_open = false,
                    }
                }
                r = wr.write(&wbuf), if !wbuf.is_empty() => {
                    t = now();
                    if self.wrote(r, &mut wbuf, &mut eof) && closed {
                        break;
                    }
                }
                r = rd.read_buf(&mut rbuf), if want_read => {
                    t = now();
                    match r {
                        Ok(n) if n > 0 => {
                            // A large read is fed in slices, writing what each slice
                            // produced (responses, on a server) before the next: the
                            // peer can start on the first answers while we work through
                            // the rest, instead of waiting for the whole batch.
                            let mut rest: &[u8] = &rbuf;
                            while rest.len() > READ_SLICE && !closed {
                                let (now_part, later) = rest.split_at(READ_SLICE);
                                self.session.handle_bytes(t, now_part);
                                rest = later;
                                closed |= self.drain_events();
                                let _ = self.write_now(&mut wr, &mut wbuf, &mut eof);
                            }
                            self.session.handle_bytes(t, rest);
                        }
                        r => {
                            if let Err(e) = r {
                                tracing::debug!(error = %e, "read failed");
                            }
                            eof = true;
                            self.session.handle_eof(t);
                        }
                    }
                    rbuf.clear();
                }
                () = &mut sleep, if armed.is_some() => {
                    t = now();
                    armed = None;
                    if self.retry_at.is_some_and(|r| r <= t) {
                        self.retry_parked(t);
                    }
                    self.session.handle_timeout(t);
                }
                c = self.cmds.recv(), if self.parked.is_none() && !closed => {
                    t = now();
                    match c {
                        Some(c) => self.apply(t, c),
                        None => self.session.close(t),
                    }
                }
                Some((token, reply)) = self.work.next(), if !self.work.is_empty() => {
                    t = now();
                    if let Err(e) = self.session.respond(t, token, reply) {
                        tracing::debug!(error = %e, "answer not sent");
                    }
                }
            }
            closed |= self.drain_events();
            if self.parked.is_some() && self.retry_at.is_none() && !closed {
                // Window or buffer full: a response may have made room.
                self.retry_parked(t);
                closed |= self.drain_events();
            }
            if !closed {
                self.pull_commands(t);
                closed |= self.drain_events();
            }
            self.sync_counters();
        }
        self.sync_counters();
        let _ = wr.shutdown().await;
        // Anything still pending was resolved by the session's Closed; a dropped oneshot
        // would be a bug, so resolve leftovers as lost.
        for (_, done) in self.pending.drain() {
            let _ = done.send(Ok(Outcome::ConnectionLost));
        }
    }
}
