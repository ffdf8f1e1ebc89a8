//! [`ResponseFuture`]: the outcome of one request, queued when the request was made.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use smpp_proto::pdu::Body;
use smpp_proto::session::{Outcome, SendError};
use tokio::sync::{mpsc, oneshot};

use crate::driver::{Cmd, SharedLink};
use crate::error::ClientError;

type Waiting = Pin<Box<dyn Future<Output = Result<Outcome, ClientError>> + Send>>;

/// The one outcome of a request made with [`Client::request`](crate::Client::request)
/// or [`Client::submit`](crate::Client::submit).
///
/// The request is handed to the connection when it is made, not when this future is
/// first polled (as `hyper`'s `send_request` does): requests made one after the other
/// go out in that order, and dropping this future does not withdraw the request (its
/// outcome is then simply not observed). The future is small (a channel receiver), so
/// keeping thousands in flight costs little.
#[must_use = "the request is sent either way; the future only reports its outcome"]
pub struct ResponseFuture(State);

enum State {
    /// Queued; the driver answers through the oneshot.
    Sent(oneshot::Receiver<Result<Outcome, SendError>>),
    /// The command queue was full: waits for room, then for the answer.
    Waiting(Waiting),
    /// Already failed (the client stopped).
    Failed(Option<ClientError>),
}

impl core::fmt::Debug for ResponseFuture {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let state = match self.0 {
            State::Sent(_) => "sent",
            State::Waiting(_) => "waiting for queue room",
            State::Failed(_) => "failed",
        };
        f.debug_tuple("ResponseFuture").field(&state).finish()
    }
}

impl ResponseFuture {
    /// Sends `body` from the caller's task when the connection can take it at once
    /// and nothing is queued ahead of it; queues it on `cmds` otherwise.
    #[inline]
    pub(crate) fn start(cmds: &mpsc::Sender<Cmd>, link: &SharedLink, body: Body) -> Self {
        let (done, rx) = oneshot::channel();
        // Every permit free means no command is waiting in the queue: sending directly
        // cannot overtake one. A busy lock (the driver task at work on another thread)
        // means the queue.
        let (body, done) = if cmds.capacity() == cmds.max_capacity() {
            match link.try_lock() {
                Ok(mut g) => match g.as_mut() {
                    Some(l) => match l.try_request(body, done) {
                        Ok(()) => return Self(State::Sent(rx)),
                        Err(back) => back,
                    },
                    None => (body, done),
                },
                Err(_) => (body, done),
            }
        } else {
            (body, done)
        };
        match cmds.try_send(Cmd::Request { body, done }) {
            Ok(()) => Self(State::Sent(rx)),
            Err(mpsc::error::TrySendError::Closed(_)) => {
                Self(State::Failed(Some(ClientError::Closed)))
            }
            Err(mpsc::error::TrySendError::Full(cmd)) => {
                // Rare (the queue holds 1,024 commands): the wait is boxed so the common
                // case stays a bare receiver.
                let cmds = cmds.clone();
                Self(State::Waiting(Box::pin(async move {
                    cmds.send(cmd).await.map_err(|_| ClientError::Closed)?;
                    finish(rx.await)
                })))
            }
        }
    }
}

fn finish(
    r: Result<Result<Outcome, SendError>, oneshot::error::RecvError>,
) -> Result<Outcome, ClientError> {
    r.map_err(|_| ClientError::Closed)?
        .map_err(ClientError::Send)
}

impl Future for ResponseFuture {
    type Output = Result<Outcome, ClientError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.get_mut().0 {
            State::Sent(rx) => Pin::new(rx).poll(cx).map(finish),
            State::Waiting(w) => w.as_mut().poll(cx),
            State::Failed(e) => Poll::Ready(Err(e.take().unwrap_or(ClientError::Closed))),
        }
    }
}
