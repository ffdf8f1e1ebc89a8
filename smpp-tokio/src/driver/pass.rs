//! One pass of the driver: the sources polled in order (read, commands, answers,
//! handlers' work, write, timer) and what a run keeps between wake-ups.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

use super::{Driver, now};

/// How much of a read is handed to the session before what it produced is written.
const READ_SLICE: usize = 1024;

impl Driver {
    /// Writes what the session has to send, straight from its buffer, until it has
    /// nothing more or the socket is full.
    pub(super) fn flush<S>(
        &mut self,
        cx: &mut Context<'_>,
        mut io: Pin<&mut S>,
        r: &mut Run,
    ) -> Flow
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
    pub(super) fn poll_run<S>(
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

/// What a connection's run keeps between wake-ups.
pub(super) struct Run {
    /// Reused for every read.
    pub(super) rbuf: Vec<u8>,
    /// The peer closed or the transport failed: nothing more is read.
    pub(super) eof: bool,
    /// A write failed: nothing more is written.
    pub(super) write_failed: bool,
    /// The session reported `Closed`: the run ends once its last bytes are written.
    pub(super) closed: bool,
    /// The deadline the timer is set for.
    pub(super) armed: Option<Instant>,
    pub(super) answers_open: bool,
    pub(super) cmds_open: bool,
    /// The command queue returned `Pending` last time it was polled.
    pub(super) cmds_registered: bool,
    /// The timer returned `Pending` last time it was polled (and was not reset since).
    pub(super) timer_registered: bool,
    /// A handle sent a request since the last pass (`Link::try_request`): the
    /// session's deadline may have moved.
    pub(super) sent_directly: bool,
    /// The last pass stopped early to let requesters run: its bookkeeping (deadline,
    /// timer) is still to do.
    pub(super) deferred: bool,
}

/// What polling one source did.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
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
