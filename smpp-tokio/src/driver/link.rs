//! [`Link`]: one connection's driver, transport and timer, driven by its task and, on a
//! client, shared with the handles.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use smpp_proto::pdu::Body;
use smpp_proto::session::Outcome;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Sleep;

use super::pass::{Flow, Run};
use super::{Cmd, Done, Driver, now};

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
