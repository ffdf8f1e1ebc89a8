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

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use smpp_proto::pdu::{Bind, Body};
use smpp_proto::session::{BindKind, Event, Outcome, Reply, ReplyToken, SendError, Session, State};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Sleep;

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

    /// Writes what the session has to send, straight from its buffer, until it has
    /// nothing more or the socket is full.
    fn flush<S>(&mut self, cx: &mut Context<'_>, mut io: Pin<&mut S>, r: &mut Run) -> Flow
    where
        S: AsyncWrite + ?Sized,
    {
        let mut flow = Flow::Idle;
        while !r.write_failed {
            let out = self.session.pending_transmit();
            if out.is_empty() {
                break;
            }
            match io.as_mut().poll_write(cx, out) {
                Poll::Ready(Ok(n)) if n > 0 => self.session.advance_transmit(n),
                Poll::Ready(res) => {
                    if let Err(e) = res {
                        tracing::debug!(error = %e, "write failed");
                    }
                    r.write_failed = true;
                    if !r.eof {
                        r.eof = true;
                        self.session.handle_eof(now());
                    }
                }
                Poll::Pending => return Flow::Waiting,
            }
            flow = Flow::Progress;
        }
        flow
    }

    /// Whether bytes are still to be written (none can be once a write failed).
    fn unwritten(&self, r: &Run) -> bool {
        !r.write_failed && !self.session.pending_transmit().is_empty()
    }

    fn deadline(&self) -> Option<Instant> {
        match (self.session.poll_timeout(), self.retry_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Takes commands from the handles, up to a window's worth per pass so that they
    /// leave in one coalesced write.
    fn poll_commands(&mut self, cx: &mut Context<'_>, t: Instant, r: &mut Run) -> Flow {
        let mut budget = self.session.config().window.max(1);
        let mut flow = Flow::Idle;
        while self.parked.is_none() && r.cmds_open {
            if budget == 0 {
                // More may be queued: another pass, after this batch is written.
                return Flow::Progress;
            }
            match self.cmds.poll_recv(cx) {
                Poll::Ready(Some(c)) => self.apply(t, c),
                Poll::Ready(None) => {
                    r.cmds_open = false;
                    self.session.close(t);
                }
                Poll::Pending => return Flow::Waiting,
            }
            budget -= 1;
            flow = Flow::Progress;
        }
        flow
    }

    /// Answers the application gives for the peer's requests. The channel is polled only
    /// while it holds reply tokens: answers exist for nothing else.
    fn poll_answers(&mut self, cx: &mut Context<'_>, t: Instant, r: &mut Run) -> Flow {
        let mut flow = Flow::Idle;
        while r.answers_open && self.session.awaiting_answers() > 0 {
            match self.answers.poll_recv(cx) {
                Poll::Ready(Some(a)) => self.answer(t, a),
                Poll::Ready(None) => r.answers_open = false,
                Poll::Pending => return Flow::Waiting,
            }
            flow = Flow::Progress;
        }
        flow
    }

    /// Async handlers' answers that were not ready at once (servers).
    fn poll_work(&mut self, cx: &mut Context<'_>, t: Instant) -> Flow {
        let mut flow = Flow::Idle;
        while !self.work.is_empty() {
            match self.work.poll_next_unpin(cx) {
                Poll::Ready(Some((token, reply))) => {
                    if let Err(e) = self.session.respond(t, token, reply) {
                        tracing::debug!(error = %e, "answer not sent");
                    }
                    flow = Flow::Progress;
                }
                Poll::Ready(None) => break,
                Poll::Pending => return Flow::Waiting,
            }
        }
        flow
    }

    /// Reads once and hands the bytes to the session. A large read is fed in slices,
    /// writing what each slice produced (responses, on a server) before the next: the
    /// peer can start on the first answers while we work through the rest.
    fn poll_receive<S>(
        &mut self,
        cx: &mut Context<'_>,
        mut io: Pin<&mut S>,
        t: Instant,
        r: &mut Run,
    ) -> Flow
    where
        S: AsyncRead + AsyncWrite + ?Sized,
    {
        let mut rb = ReadBuf::new(&mut r.rbuf);
        let n = match io.as_mut().poll_read(cx, &mut rb) {
            Poll::Pending => return Flow::Waiting,
            Poll::Ready(Ok(())) => rb.filled().len(),
            Poll::Ready(Err(e)) => {
                tracing::debug!(error = %e, "read failed");
                0
            }
        };
        if n == 0 {
            r.eof = true;
            self.session.handle_eof(t);
            return Flow::Progress;
        }
        let mut start = 0;
        while n - start > READ_SLICE && !r.closed {
            self.session
                .handle_bytes(t, &r.rbuf[start..start + READ_SLICE]);
            start += READ_SLICE;
            r.closed |= self.drain_events(t);
            let _ = self.flush(cx, io.as_mut(), r);
        }
        self.session.handle_bytes(t, &r.rbuf[start..n]);
        Flow::Progress
    }

    /// One wake-up of the driver: polls every source that is enabled until it is
    /// pending (its waker registered), then returns `Pending`; `Ready` once the
    /// connection is over. A source that returned `Pending` is not polled again in the
    /// same wake-up. Each pass reads first (responses free the window, requests get
    /// answered), then takes what the handles queued, then writes everything the pass
    /// produced in one write.
    fn poll_run<S>(
        &mut self,
        cx: &mut Context<'_>,
        mut io: Pin<&mut S>,
        mut sleep: Pin<&mut Sleep>,
        r: &mut Run,
    ) -> Poll<()>
    where
        S: AsyncRead + AsyncWrite + ?Sized,
    {
        // A waker registered in an earlier wake-up is still registered while its source
        // has nothing: the command queue while it is empty and open, the timer until it
        // fires. Those are not polled again (a poll that returns `Pending` costs a
        // waker registration each time).
        let mut waiting = Waiting {
            cmds: r.cmds_registered && self.cmds.is_empty() && !self.cmds.is_closed(),
            timer: r.timer_registered && !sleep.is_elapsed(),
            ..Waiting::default()
        };
        // The clock is read at most once per pass, and only by a pass that needs it.
        let mut clock = Clock(None);
        loop {
            let mut busy = false;
            if !waiting.read && !r.eof && !r.closed && self.session.wants_read() {
                let t = clock.now();
                let flow = self.poll_receive(cx, io.as_mut(), t, r);
                waiting.read = flow == Flow::Waiting;
                if flow == Flow::Progress {
                    busy = true;
                    self.completed = false;
                    r.closed |= self.drain_events(t);
                    if self.completed && !r.closed {
                        // Responses went to their requesters, whose tasks are woken:
                        // let them run now (they send their next requests straight from
                        // their task) and do the rest of this pass, the bookkeeping,
                        // after them, off the round trip's critical path. What this
                        // pass produced is written first.
                        let _ = self.flush(cx, io.as_mut(), r);
                        r.deferred = true;
                        cx.waker().wake_by_ref();
                        return Poll::Pending;
                    }
                }
            }
            if !r.closed {
                if self.parked.is_some() && self.retry_at.is_none() {
                    // Window or buffer full: a response may have made room.
                    self.retry_parked(clock.now());
                }
                if !waiting.cmds && self.parked.is_none() && r.cmds_open {
                    waiting.cmds = self.poll_commands(cx, clock.now(), r) == Flow::Waiting;
                    r.cmds_registered = waiting.cmds;
                    busy = true;
                }
                if !waiting.answers && r.answers_open && self.session.awaiting_answers() > 0 {
                    waiting.answers = self.poll_answers(cx, clock.now(), r) == Flow::Waiting;
                    busy = true;
                }
                if !waiting.work && !self.work.is_empty() {
                    waiting.work = self.poll_work(cx, clock.now()) == Flow::Waiting;
                    busy = true;
                }
                if busy {
                    r.closed |= self.drain_events(clock.now());
                }
            }
            if !waiting.write {
                waiting.write = self.flush(cx, io.as_mut(), r) == Flow::Waiting;
            }
            if r.closed && !self.unwritten(r) {
                return Poll::Ready(());
            }
            if busy || std::mem::take(&mut r.sent_directly) || std::mem::take(&mut r.deferred) {
                // Re-arm only for an earlier deadline: with a response timer per
                // request the earliest deadline moves later with every answer, and
                // resetting the tokio timer each time costs a timer-wheel update per
                // request. A timer armed too early fires, `handle_timeout` does
                // nothing, and it is re-armed then.
                if let Some(d) = self.deadline() {
                    if r.armed.is_none_or(|a| d < a) {
                        sleep.as_mut().reset(tokio::time::Instant::from_std(d));
                        r.armed = Some(d);
                        waiting.timer = false;
                        r.timer_registered = false;
                    }
                }
            }
            if !waiting.timer && r.armed.is_some() {
                match sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        r.timer_registered = false;
                        let t = now();
                        if self.retry_at.is_some_and(|at| at <= t) {
                            self.retry_parked(t);
                        }
                        self.session.handle_timeout(t);
                        r.closed |= self.drain_events(t);
                        // What the timeout produced (an enquire_link) goes out now.
                        if !waiting.write {
                            waiting.write = self.flush(cx, io.as_mut(), r) == Flow::Waiting;
                        }
                        if r.closed && !self.unwritten(r) {
                            return Poll::Ready(());
                        }
                        r.armed = self.deadline();
                        if let Some(d) = r.armed {
                            sleep.as_mut().reset(tokio::time::Instant::from_std(d));
                        }
                        // The timer is polled again in the next pass.
                        clock.0 = None;
                        continue;
                    }
                    Poll::Pending => {
                        waiting.timer = true;
                        r.timer_registered = true;
                    }
                }
            }
            // Pending only once every enabled source is waiting.
            let again = (!waiting.read && !r.eof && !r.closed && self.session.wants_read())
                || (!r.closed
                    && ((!waiting.cmds && self.parked.is_none() && r.cmds_open)
                        || (!waiting.answers
                            && r.answers_open
                            && self.session.awaiting_answers() > 0)
                        || (!waiting.work && !self.work.is_empty())))
                || (!waiting.write && self.unwritten(r))
                || (!waiting.timer && r.armed.is_some());
            if !again {
                self.sync_counters();
                return Poll::Pending;
            }
            clock.0 = None;
        }
    }
}

/// One connection: its [`Driver`], its transport, its timer and what the run keeps
/// between wake-ups. The driver task polls it with [`Link::poll_drive`]; on a client the
/// handles share it too (behind a mutex, as quinn's connection handles share the
/// protocol state with its driver) and send requests from their own task with
/// [`Link::try_request`], which saves a hop through the driver task for each request.
pub(crate) struct Link<S> {
    pub(crate) driver: Driver,
    io: S,
    sleep: Pin<Box<Sleep>>,
    run: Run,
    /// The driver task's waker: the handles wake it when they leave something for it.
    waker: Option<Waker>,
    stage: Stage,
}

/// Where a [`Link`] is in its life.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Running,
    /// The session closed: the transport is being shut down.
    ShuttingDown,
    /// Every request resolved; the driver can be taken back.
    Over,
}

impl<S> Link<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    pub(crate) fn new(mut driver: Driver, io: S) -> Self {
        let closed = driver.drain_events(now());
        Self {
            driver,
            io,
            sleep: Box::pin(tokio::time::sleep(std::time::Duration::from_secs(3600))),
            run: Run {
                rbuf: vec![0; 64 * 1024],
                eof: false,
                write_failed: false,
                closed,
                armed: None,
                answers_open: true,
                cmds_open: true,
                cmds_registered: false,
                timer_registered: false,
                sent_directly: false,
                deferred: false,
            },
            waker: None,
            stage: Stage::Running,
        }
    }

    /// Drives the connection; `Ready` once it is over, with every request resolved. A
    /// request that was never sent (still parked) stays in `driver.parked` for the next
    /// connection.
    pub(crate) fn poll_drive(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.waker.as_ref().is_none_or(|w| !w.will_wake(cx.waker())) {
            self.waker = Some(cx.waker().clone());
        }
        if self.stage == Stage::Running {
            let d = &mut self.driver;
            if d.poll_run(
                cx,
                Pin::new(&mut self.io),
                self.sleep.as_mut(),
                &mut self.run,
            )
            .is_pending()
            {
                return Poll::Pending;
            }
            d.sync_counters();
            self.stage = Stage::ShuttingDown;
        }
        if self.stage == Stage::ShuttingDown {
            if Pin::new(&mut self.io).poll_shutdown(cx).is_pending() {
                return Poll::Pending;
            }
            // Anything still pending was resolved by the session's Closed; a dropped
            // oneshot would be a bug, so resolve leftovers as lost.
            for (_, done) in self.driver.pending.drain() {
                let _ = done.send(Ok(Outcome::ConnectionLost));
            }
            self.stage = Stage::Over;
        }
        Poll::Ready(())
    }

    /// Sends a request from the caller's task when it can go out at once: nothing
    /// queued before it, the session able to send, no write in progress. On an idle
    /// link the PDU is written before this returns (the driver task is woken only if
    /// the socket was full or the response timer must be re-armed earlier); otherwise
    /// the driver is woken to write it with whatever else comes meanwhile. When it
    /// cannot go out at once the request is handed back for the command queue.
    pub(crate) fn try_request(&mut self, body: Body, done: Done) -> Result<(), (Body, Done)> {
        let d = &mut self.driver;
        let r = &mut self.run;
        if self.stage != Stage::Running
            || r.closed
            || r.write_failed
            || d.parked.is_some()
            || !d.session.can_send()
        {
            return Err((body, done));
        }
        let t = now();
        // Nothing in flight: the link is idle and this request's latency is all that
        // counts, so it is written now. Otherwise more requests are likely on their way
        // (their responses just came in): the driver writes them all in one go.
        let idle = d.session.in_flight() == 0;
        d.apply(t, Cmd::Request { body, done });
        r.sent_directly = true;
        r.closed |= d.drain_events(t);
        let wake = !idle || r.closed || {
            let mut cx = Context::from_waker(Waker::noop());
            d.flush(&mut cx, Pin::new(&mut self.io), r) == Flow::Waiting
                || r.write_failed
                || d.deadline()
                    .is_some_and(|dl| r.armed.is_none_or(|a| dl < a))
        };
        if wake {
            if let Some(w) = &self.waker {
                w.wake_by_ref();
            }
        }
        Ok(())
    }
}

/// A client's current connection, shared by its handles and its driver task (`None`
/// between connections).
pub(crate) type SharedLink = Arc<std::sync::Mutex<Option<Link<crate::tls::MaybeTls>>>>;

/// Locks a [`SharedLink`]. Nothing panics while holding it, but a poisoned lock is
/// still usable: every field stays consistent between calls.
pub(crate) fn lock_link(
    l: &SharedLink,
) -> std::sync::MutexGuard<'_, Option<Link<crate::tls::MaybeTls>>> {
    l.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl<S> core::fmt::Debug for Link<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Link")
            .field("state", &self.driver.session.state())
            .field("in_flight", &self.driver.session.in_flight())
            .finish_non_exhaustive()
    }
}

impl<S> Link<S> {
    /// The driver back, once the link is over.
    pub(crate) fn into_driver(self) -> Driver {
        self.driver
    }
}

/// What a connection's run keeps between wake-ups.
struct Run {
    /// Reused for every read.
    rbuf: Vec<u8>,
    /// The peer closed or the transport failed: nothing more is read.
    eof: bool,
    /// A write failed: nothing more is written.
    write_failed: bool,
    /// The session reported `Closed`: the run ends once its last bytes are written.
    closed: bool,
    /// The deadline the timer is set for.
    armed: Option<Instant>,
    answers_open: bool,
    cmds_open: bool,
    /// The command queue returned `Pending` last time it was polled.
    cmds_registered: bool,
    /// The timer returned `Pending` last time it was polled (and was not reset since).
    timer_registered: bool,
    /// A handle sent a request since the last pass ([`Link::try_request`]): the
    /// session's deadline may have moved.
    sent_directly: bool,
    /// The last pass stopped early to let requesters run: its bookkeeping (deadline,
    /// timer) is still to do.
    deferred: bool,
}

/// What polling one source did.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// Nothing to do (the source was not polled, or had nothing).
    Idle,
    /// Something was taken or done; the pass runs again.
    Progress,
    /// The source returned `Pending`: its waker is registered.
    Waiting,
}

/// The driver's clock for one pass: read on first use.
struct Clock(Option<Instant>);

impl Clock {
    fn now(&mut self) -> Instant {
        *self.0.get_or_insert_with(now)
    }
}

/// The sources that returned `Pending` in this wake-up: they are not polled again until
/// the next one (their wakers are registered).
#[derive(Default)]
struct Waiting {
    cmds: bool,
    answers: bool,
    work: bool,
    write: bool,
    read: bool,
    timer: bool,
}
