//! The connection driver: one task per connection, a loop around a [`Session`]. It
//! moves bytes, timers, commands and events, and holds no protocol logic.
//!
//! The loop is the `select!` of the design (read while the session wants bytes, write
//! the pending transmit, the session's deadline, commands from the handles) written out
//! as one `poll` function, as quinn's connection driver is: each wake-up polls every
//! enabled source in a fixed order until each is pending, and a source that returned
//! `Pending` is not polled again in that wake-up. A blocked write only marks the write
//! as waiting, so reading goes on (two peers both writing cannot deadlock). After
//! reading and after taking commands the session is drained: events out (a `Response`
//! completes the oneshot stored under its sequence number), then everything to send in
//! one coalesced write, then the next deadline.
//!
//! Here: what the handles send ([`Cmd`], [`Answer`]) and the [`Driver`]'s state with
//! what it does to the session; `pass` holds one wake-up's polling, `link` the
//! connection ([`Link`]) the driver task and, on a client, the handles drive.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use futures_util::stream::FuturesUnordered;
use smpp_proto::pdu::{Bind, Body};
use smpp_proto::session::{BindKind, Event, Outcome, Reply, ReplyToken, SendError, Session, State};
use tokio::sync::{mpsc, oneshot};

use crate::metrics::{Counters, Seen};
use crate::server::Serve;

mod link;
mod pass;

pub(crate) use link::{Link, SharedLink, lock_link};

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
    /// `drain_events` completed a request's oneshot.
    completed: bool,
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
            completed: false,
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

    #[inline]
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
    #[inline]
    fn drain_events(&mut self, now: Instant) -> bool {
        let mut closed = false;
        while let Some(ev) = self.session.poll_event() {
            match ev {
                Event::Response { sequence, outcome } => {
                    if let Some(done) = self.pending.remove(&sequence.0) {
                        self.completed = true;
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
                        Some(s) => {
                            match s.on_event(&mut self.session, other, &mut self.work, now) {
                                Some(ev) => ev,
                                None => continue,
                            }
                        }
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

    #[inline]
    fn deadline(&self) -> Option<Instant> {
        match (self.session.poll_timeout(), self.retry_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}
