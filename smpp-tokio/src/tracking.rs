//! Delivery-receipt tracking for the client: receipts are parsed when they arrive and
//! matched, through smpp-proto's sans-IO [`Correlator`], to the messages sent with
//! [`Client::send_text`](crate::Client::send_text) — including receipts that overtake their
//! `submit_sm_resp`, several receipts per message, and one receipt per part of a long
//! message.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use smpp_proto::pdu::{Body, MessageState};
use smpp_proto::receipt::{
    self, Correlator, CorrelatorConfig, MessageKey, ReceiptKind, ReceiptOptions, ReceiptUpdate,
};

use crate::client::ClientEvent;
use crate::driver::now;

/// A delivery receipt as read from a [`Delivery`](crate::Delivery): text and TLVs merged
/// (TLVs win), every variant the parser knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptInfo {
    /// Final receipt or intermediate notification.
    pub kind: ReceiptKind,
    /// The message id it reports on (`receipted_message_id`, else the text's `id:`).
    pub message_id: Option<String>,
    /// The state (`message_state`, else the text's `stat:`).
    pub state: Option<MessageState>,
    /// The error code, if any.
    pub error: Option<u32>,
    /// The text was not Appendix B (only the TLVs were used).
    pub unparsed: bool,
    pub(crate) key: Option<MessageKey>,
}

/// Reads the receipt in a `deliver_sm` / `data_sm`, if its esm_class marks one.
pub(crate) fn read(body: &Body, opts: &ReceiptOptions) -> Option<ReceiptInfo> {
    let mut scratch = Vec::new();
    let r = match body {
        Body::DeliverSm(d) => receipt::from_deliver_sm(d, opts, &mut scratch)?,
        Body::DataSm(d) => receipt::from_data_sm(d, opts, &mut scratch)?,
        _ => return None,
    };
    Some(ReceiptInfo {
        kind: r.kind,
        message_id: r
            .merged
            .id
            .map(|i| String::from_utf8_lossy(i.value).into_owned()),
        state: r.merged.state.map(|s| s.value),
        error: r.merged.error.map(|e| e.value),
        unparsed: r.unparsed,
        key: r.merged.message_key(&opts.notation),
    })
}

/// The correlator shared by a client's handles (which register sends) and its connection
/// task (which feeds receipts and timeouts).
#[derive(Clone)]
pub(crate) struct Tracker {
    inner: Arc<Mutex<Correlator<u64>>>,
    next: Arc<std::sync::atomic::AtomicU64>,
}

impl Tracker {
    pub(crate) fn new(config: CorrelatorConfig) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Correlator::new(config))),
            next: Arc::new(std::sync::atomic::AtomicU64::new(1)),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Correlator<u64>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers a message of `parts` parts; returns its track id and correlator ref.
    pub(crate) fn register(&self, parts: usize) -> Option<(u64, receipt::SubmitRef)> {
        let track = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let parts = u16::try_from(parts).ok()?;
        let r = self.lock().register_submit(now(), track, parts).ok()?;
        Some((track, r))
    }

    /// Feeds one receipt.
    pub(crate) fn receipt(&self, info: &ReceiptInfo) {
        if let (Some(key), Some(state)) = (info.key, info.state) {
            let update = ReceiptUpdate {
                state,
                error: info.error,
            };
            self.lock().handle_receipt_key(now(), key, update);
        }
    }

    /// Expires what is due and returns the application events.
    pub(crate) fn drain(&self) -> Vec<ClientEvent> {
        let mut c = self.lock();
        c.handle_timeout(now());
        let mut out = Vec::new();
        while let Some(ev) = c.poll_event() {
            out.push(match ev {
                receipt::Event::Receipt {
                    handle,
                    part,
                    update,
                } => ClientEvent::ReceiptMatched {
                    track: handle,
                    part,
                    state: update.state,
                    error: update.error,
                    late: false,
                },
                receipt::Event::Late {
                    handle,
                    part,
                    update,
                } => ClientEvent::ReceiptMatched {
                    track: handle,
                    part,
                    state: update.state,
                    error: update.error,
                    late: true,
                },
                receipt::Event::Completed {
                    handle,
                    state,
                    error,
                    parts,
                } => ClientEvent::MessageFinal {
                    track: handle,
                    state,
                    error,
                    parts,
                },
                receipt::Event::Expired { handle, .. } | receipt::Event::Evicted { handle } => {
                    ClientEvent::TrackExpired { track: handle }
                }
                receipt::Event::Unmatched { key, update, .. } => ClientEvent::ReceiptUnmatched {
                    key,
                    state: update.state,
                    error: update.error,
                },
                _ => continue,
            });
        }
        out
    }
}

impl core::fmt::Debug for Tracker {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Tracker")
            .field("tracked", &self.lock().tracked_submits())
            .finish()
    }
}
