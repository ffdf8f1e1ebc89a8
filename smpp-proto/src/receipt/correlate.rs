//! Message-id normalisation and the sans-IO [`Correlator`] that matches receipts to submits.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::MessageState;

/// How one side writes message ids (Kannel's `msg-id-type`, per direction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum IdFormat {
    /// Opaque strings compared as written, except that all-digit ids compare numerically (so
    /// zero padding does not matter: `0000706678557` = `706678557`).
    #[default]
    Same,
    /// Decimal numbers (zero padding ignored).
    Decimal,
    /// Hexadecimal numbers (case, zero padding and a `0x` prefix ignored).
    Hex,
}

/// A peer's id notation: how its `submit_sm_resp` ids and its receipt ids are written.
///
/// Vonage (and classic Logica 3.3 SMSCs) answer in hex and write receipts in decimal:
/// `33647f6c` ↔ `862224236`, `0xC085E0` ↔ `0012617184`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IdNotation {
    /// Notation of `submit_sm_resp.message_id` (and of `receipted_message_id`).
    pub submit_resp: IdFormat,
    /// Notation of the receipt text's `id:`.
    pub receipt: IdFormat,
}

impl IdNotation {
    /// From Kannel's `msg-id-type`: bit 0 set = `submit_sm_resp` ids are hex, bit 1 set =
    /// receipt ids are hex; a clear bit means decimal.
    pub const fn from_kannel_msg_id_type(v: u8) -> Self {
        Self {
            submit_resp: if v & 1 != 0 {
                IdFormat::Hex
            } else {
                IdFormat::Decimal
            },
            receipt: if v & 2 != 0 {
                IdFormat::Hex
            } else {
                IdFormat::Decimal
            },
        }
    }
}

/// Maximum id length kept in an opaque [`MessageKey`]; longer ids are cut (SMPP ids are at most
/// 64 characters).
const KEY_MAX: usize = 64;

/// A canonical message-id key: equal for the same message whatever the notation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKey {
    /// A numeric id.
    Numeric(u128),
    /// Any other id, verbatim (at most 64 bytes).
    Opaque {
        /// Number of meaningful bytes.
        len: u8,
        /// The id bytes, zero filled.
        bytes: [u8; KEY_MAX],
    },
}

fn parse_radix(s: &[u8], radix: u32) -> Option<u128> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u128, |acc, &c| {
        let d = char::from(c).to_digit(radix)?;
        acc.checked_mul(u128::from(radix))?
            .checked_add(u128::from(d))
    })
}

impl MessageKey {
    /// Normalises `id` written in `format`. Surrounding blanks and NULs are ignored.
    ///
    /// ```
    /// use smpp_proto::receipt::{IdFormat, MessageKey};
    /// assert_eq!(MessageKey::new(b"33647f6c", IdFormat::Hex), MessageKey::new(b"862224236", IdFormat::Decimal));
    /// assert_eq!(MessageKey::new(b"0xC085E0", IdFormat::Hex), MessageKey::new(b"0012617184", IdFormat::Decimal));
    /// assert_eq!(MessageKey::new(b"0000706678557", IdFormat::Same), MessageKey::new(b"706678557", IdFormat::Same));
    /// ```
    pub fn new(id: &[u8], format: IdFormat) -> Self {
        let id = id.trim_ascii();
        let id = id.strip_suffix(b"\0").unwrap_or(id);
        let numeric = match format {
            IdFormat::Same | IdFormat::Decimal => parse_radix(id, 10),
            IdFormat::Hex => {
                let h = id
                    .strip_prefix(b"0x")
                    .or_else(|| id.strip_prefix(b"0X"))
                    .unwrap_or(id);
                parse_radix(h, 16)
            }
        };
        if let Some(n) = numeric {
            return Self::Numeric(n);
        }
        let mut bytes = [0u8; KEY_MAX];
        let n = id.len().min(KEY_MAX);
        if let (Some(dst), Some(src)) = (bytes.get_mut(..n), id.get(..n)) {
            dst.copy_from_slice(src);
        }
        Self::Opaque {
            len: n as u8,
            bytes,
        }
    }
}

/// What a receipt says about one message id, as the correlator needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReceiptUpdate {
    /// The reported state.
    pub state: MessageState,
    /// The error code, if any.
    pub error: Option<u32>,
}

/// Identifies a registered submit inside a [`Correlator`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubmitRef(u64);

/// Limits and timeouts of a [`Correlator`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorrelatorConfig {
    /// The peer's id notation.
    pub notation: IdNotation,
    /// At most this many submits are tracked; registering one more evicts the one whose
    /// deadline is nearest (reported as [`Event::Evicted`], silently for completed ones).
    pub max_submits: usize,
    /// At most this many receipts are held while their id is unknown; the oldest is then
    /// reported as [`Event::Unmatched`] with [`UnmatchedReason::Evicted`].
    pub max_held_receipts: usize,
    /// How long a receipt with an unknown id is held for its `submit_sm_resp` to arrive.
    pub hold_unknown: Duration,
    /// How long a submit waits for final receipts before [`Event::Expired`].
    pub submit_ttl: Duration,
    /// How long a completed submit is remembered, so late receipts are recognised.
    pub linger: Duration,
}

impl Default for CorrelatorConfig {
    fn default() -> Self {
        Self {
            notation: IdNotation::default(),
            max_submits: 100_000,
            max_held_receipts: 10_000,
            hold_unknown: Duration::from_secs(30),
            submit_ttl: Duration::from_secs(48 * 3600),
            linger: Duration::from_secs(600),
        }
    }
}

/// Why a receipt could not be matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnmatchedReason {
    /// No submit registered the id within [`CorrelatorConfig::hold_unknown`].
    UnknownId,
    /// The holding area was full; this was the oldest held receipt.
    Evicted,
}

/// Outputs of the [`Correlator`], read with [`Correlator::poll_event`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event<H> {
    /// A receipt matched a part and updated its state (intermediate or final).
    Receipt {
        /// The application's handle.
        handle: H,
        /// Part index (0-based).
        part: u16,
        /// What the receipt said.
        update: ReceiptUpdate,
    },
    /// A receipt for a part that is already final (e.g. ENROUTE after DELIVRD); not applied.
    Late {
        /// The application's handle.
        handle: H,
        /// Part index (0-based).
        part: u16,
        /// What the receipt said.
        update: ReceiptUpdate,
    },
    /// Every part has a final state.
    Completed {
        /// The application's handle.
        handle: H,
        /// The combined state ([`combine_states`]: the worst part wins).
        state: MessageState,
        /// The error of the part that decided `state`.
        error: Option<u32>,
        /// Final state of each part, in part order.
        parts: Vec<MessageState>,
    },
    /// [`CorrelatorConfig::submit_ttl`] passed before every part was final.
    Expired {
        /// The application's handle.
        handle: H,
        /// Last known state of each part (`None`: no receipt yet).
        parts: Vec<Option<MessageState>>,
    },
    /// The submit was dropped to respect [`CorrelatorConfig::max_submits`].
    Evicted {
        /// The application's handle.
        handle: H,
    },
    /// A receipt whose id matched no registered submit.
    Unmatched {
        /// Its normalised id.
        key: MessageKey,
        /// What it said.
        update: ReceiptUpdate,
        /// Why it is reported.
        reason: UnmatchedReason,
    },
}

/// Misuse of the [`Correlator`] API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CorrelateError {
    /// The submit is not (or no longer) tracked.
    #[error("unknown or expired submit")]
    UnknownSubmit,
    /// The part index is not below the registered number of parts.
    #[error("part {part} out of range (message has {parts} parts)")]
    PartOutOfRange {
        /// The index given.
        part: u16,
        /// The registered number of parts.
        parts: u16,
    },
    /// A submit must have at least one part.
    #[error("a submit needs at least one part")]
    NoParts,
}

/// Severity used by [`combine_states`]: higher is worse.
const fn severity(s: MessageState) -> u8 {
    match s {
        MessageState::Delivered => 0,
        MessageState::Accepted => 1,
        MessageState::Skipped => 2,
        MessageState::Reserved(_) => 3,
        MessageState::Unknown => 4,
        MessageState::Deleted => 5,
        MessageState::Expired => 6,
        MessageState::Undeliverable => 7,
        MessageState::Rejected => 8,
        MessageState::Scheduled | MessageState::Enroute => 9,
    }
}

/// The outcome of a multi-part message from its parts' states: the worst wins, in the order
/// Delivered < Accepted < Skipped < vendor values < Unknown < Deleted < Expired <
/// Undeliverable < Rejected < (any intermediate state, meaning "not finished").
/// `None` for no parts.
pub fn combine_states(states: impl IntoIterator<Item = MessageState>) -> Option<MessageState> {
    states.into_iter().max_by_key(|s| severity(*s))
}

#[derive(Debug)]
struct Part {
    key: Option<MessageKey>,
    state: Option<MessageState>,
    error: Option<u32>,
}

#[derive(Debug)]
struct Submit<H> {
    handle: H,
    parts: Vec<Part>,
    deadline: Instant,
    completed: bool,
}

#[derive(Debug)]
struct Held {
    seq: u64,
    update: ReceiptUpdate,
}

/// Matches delivery receipts to submitted messages. Sans-IO: time is passed in.
///
/// Use: [`register_submit`](Self::register_submit) when sending (with the number of parts),
/// [`register_message_id`](Self::register_message_id) for each `submit_sm_resp`, and
/// [`handle_receipt`](Self::handle_receipt) for each receipt; after each call drain
/// [`poll_event`](Self::poll_event), and call [`handle_timeout`](Self::handle_timeout) at
/// [`poll_timeout`](Self::poll_timeout) (early or repeated calls are harmless).
///
/// A receipt whose id is not known yet is held (it may have overtaken its `submit_sm_resp`)
/// and replayed when the id is registered, or reported as [`Event::Unmatched`] after
/// [`CorrelatorConfig::hold_unknown`]. Memory is bounded by `max_submits` and
/// `max_held_receipts`.
///
/// ```
/// use std::time::{Duration, Instant};
/// use smpp_proto::receipt::{Correlator, CorrelatorConfig, Event, MessageState, ReceiptUpdate};
///
/// let now = Instant::now();
/// let mut c = Correlator::new(CorrelatorConfig::default());
/// let sub = c.register_submit(now, "order-17", 1).unwrap();
/// c.register_message_id(now, sub, 0, b"0a1b2c").unwrap();
/// let update = ReceiptUpdate { state: MessageState::Delivered, error: None };
/// c.handle_receipt(now, b"0a1b2c", update);
/// assert!(matches!(c.poll_event(), Some(Event::Receipt { handle: "order-17", part: 0, .. })));
/// assert!(matches!(c.poll_event(), Some(Event::Completed { handle: "order-17", state: MessageState::Delivered, .. })));
/// assert_eq!(c.poll_event(), None);
/// ```
#[derive(Debug)]
pub struct Correlator<H> {
    config: CorrelatorConfig,
    now: Option<Instant>,
    next_ref: u64,
    submits: HashMap<u64, Submit<H>>,
    deadlines: BinaryHeap<Reverse<(Instant, u64)>>,
    by_key: HashMap<MessageKey, (u64, u16)>,
    held: HashMap<MessageKey, VecDeque<Held>>,
    held_order: VecDeque<(Instant, u64, MessageKey)>,
    held_count: usize,
    next_seq: u64,
    events: VecDeque<Event<H>>,
}

impl<H: Clone> Correlator<H> {
    /// An empty correlator.
    pub fn new(config: CorrelatorConfig) -> Self {
        Self {
            config,
            now: None,
            next_ref: 0,
            submits: HashMap::new(),
            deadlines: BinaryHeap::new(),
            by_key: HashMap::new(),
            held: HashMap::new(),
            held_order: VecDeque::new(),
            held_count: 0,
            next_seq: 0,
            events: VecDeque::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &CorrelatorConfig {
        &self.config
    }

    /// Number of tracked submits (including completed ones still lingering).
    pub fn tracked_submits(&self) -> usize {
        self.submits.len()
    }

    /// Number of receipts held while their id is unknown.
    pub fn held_receipts(&self) -> usize {
        self.held_count
    }

    fn clamp(&mut self, now: Instant) -> Instant {
        let t = self.now.map_or(now, |p| p.max(now));
        self.now = Some(t);
        t
    }

    /// Starts tracking a message of `parts` parts (one per `submit_sm` that will be answered).
    ///
    /// May evict the submit with the nearest deadline when the cap is reached.
    ///
    /// # Errors
    /// [`CorrelateError::NoParts`] when `parts` is 0.
    pub fn register_submit(
        &mut self,
        now: Instant,
        handle: H,
        parts: u16,
    ) -> Result<SubmitRef, CorrelateError> {
        if parts == 0 {
            return Err(CorrelateError::NoParts);
        }
        let now = self.clamp(now);
        while self.submits.len() >= self.config.max_submits.max(1) {
            let Some(Reverse((d, id))) = self.deadlines.pop() else {
                break;
            };
            if self.submits.get(&id).is_some_and(|s| s.deadline == d) {
                if let Some(s) = self.remove_submit(id) {
                    if !s.completed {
                        self.events.push_back(Event::Evicted { handle: s.handle });
                    }
                }
            }
        }
        let id = self.next_ref;
        self.next_ref += 1;
        let deadline = now + self.config.submit_ttl;
        let parts = (0..parts)
            .map(|_| Part {
                key: None,
                state: None,
                error: None,
            })
            .collect();
        self.submits.insert(
            id,
            Submit {
                handle,
                parts,
                deadline,
                completed: false,
            },
        );
        self.push_deadline(deadline, id);
        Ok(SubmitRef(id))
    }

    fn push_deadline(&mut self, d: Instant, id: u64) {
        self.deadlines.push(Reverse((d, id)));
        if self.deadlines.len() > 2 * self.submits.len() + 64 {
            let submits = &self.submits;
            self.deadlines
                .retain(|Reverse((d, id))| submits.get(id).is_some_and(|s| s.deadline == *d));
        }
    }

    fn remove_submit(&mut self, id: u64) -> Option<Submit<H>> {
        let s = self.submits.remove(&id)?;
        for p in &s.parts {
            if let Some(k) = p.key {
                if self.by_key.get(&k).is_some_and(|(sid, _)| *sid == id) {
                    self.by_key.remove(&k);
                }
            }
        }
        Some(s)
    }

    /// Records the message id the SMSC gave part `part` (its `submit_sm_resp`), read in the
    /// peer's `submit_resp` notation. Receipts held for that id are applied now.
    ///
    /// # Errors
    /// [`CorrelateError::UnknownSubmit`] if the submit expired or was evicted,
    /// [`CorrelateError::PartOutOfRange`] for a bad part index.
    pub fn register_message_id(
        &mut self,
        now: Instant,
        submit: SubmitRef,
        part: u16,
        message_id: &[u8],
    ) -> Result<(), CorrelateError> {
        let now = self.clamp(now);
        let key = MessageKey::new(message_id, self.config.notation.submit_resp);
        let entry = self
            .submits
            .get_mut(&submit.0)
            .ok_or(CorrelateError::UnknownSubmit)?;
        let parts = u16::try_from(entry.parts.len()).unwrap_or(u16::MAX);
        let slot = entry
            .parts
            .get_mut(usize::from(part))
            .ok_or(CorrelateError::PartOutOfRange { part, parts })?;
        // A part re-registered under another id forgets the old one.
        if let Some(old) = slot.key.replace(key) {
            if old != key && self.by_key.get(&old) == Some(&(submit.0, part)) {
                self.by_key.remove(&old);
            }
        }
        self.by_key.insert(key, (submit.0, part));
        if let Some(held) = self.held.remove(&key) {
            self.held_count -= held.len();
            for h in held {
                self.apply(now, submit.0, part, h.update);
            }
        }
        Ok(())
    }

    /// A receipt for `message_id` as written in the receipt text (peer's `receipt` notation).
    pub fn handle_receipt(&mut self, now: Instant, message_id: &[u8], update: ReceiptUpdate) {
        let key = MessageKey::new(message_id, self.config.notation.receipt);
        self.handle_receipt_key(now, key, update);
    }

    /// A receipt for an already normalised id (e.g. from
    /// [`MergedReceipt::message_key`](super::MergedReceipt::message_key)).
    pub fn handle_receipt_key(&mut self, now: Instant, key: MessageKey, update: ReceiptUpdate) {
        let now = self.clamp(now);
        if let Some(&(id, part)) = self.by_key.get(&key) {
            self.apply(now, id, part, update);
            return;
        }
        if self.config.hold_unknown.is_zero() || self.config.max_held_receipts == 0 {
            self.events.push_back(Event::Unmatched {
                key,
                update,
                reason: UnmatchedReason::UnknownId,
            });
            return;
        }
        while self.held_count >= self.config.max_held_receipts {
            if !self.pop_oldest_held(UnmatchedReason::Evicted) {
                break;
            }
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.held
            .entry(key)
            .or_default()
            .push_back(Held { seq, update });
        self.held_count += 1;
        self.held_order
            .push_back((now + self.config.hold_unknown, seq, key));
        if self.held_order.len() > 2 * self.held_count + 64 {
            let held = &self.held;
            self.held_order.retain(|(_, seq, key)| {
                held.get(key)
                    .is_some_and(|q| q.iter().any(|h| h.seq == *seq))
            });
        }
    }

    /// Removes the oldest live held receipt and reports it; false if there was none.
    fn pop_oldest_held(&mut self, reason: UnmatchedReason) -> bool {
        while let Some((_, seq, key)) = self.held_order.pop_front() {
            let Some(q) = self.held.get_mut(&key) else {
                continue;
            };
            if q.front().is_some_and(|h| h.seq == seq) {
                if let Some(h) = q.pop_front() {
                    if q.is_empty() {
                        self.held.remove(&key);
                    }
                    self.held_count -= 1;
                    self.events.push_back(Event::Unmatched {
                        key,
                        update: h.update,
                        reason,
                    });
                    return true;
                }
            }
        }
        false
    }

    fn apply(&mut self, now: Instant, id: u64, part: u16, update: ReceiptUpdate) {
        let Some(s) = self.submits.get_mut(&id) else {
            return;
        };
        let Some(p) = s.parts.get_mut(usize::from(part)) else {
            return;
        };
        if p.state.is_some_and(MessageState::is_final) {
            self.events.push_back(Event::Late {
                handle: s.handle.clone(),
                part,
                update,
            });
            return;
        }
        p.state = Some(update.state);
        p.error = update.error;
        self.events.push_back(Event::Receipt {
            handle: s.handle.clone(),
            part,
            update,
        });
        let done = s
            .parts
            .iter()
            .all(|p| p.state.is_some_and(MessageState::is_final));
        if done && !s.completed {
            let parts: Vec<MessageState> = s.parts.iter().filter_map(|p| p.state).collect();
            let worst = s
                .parts
                .iter()
                .filter_map(|p| p.state.map(|st| (severity(st), st, p.error)))
                .max_by_key(|t| t.0);
            if let Some((_, state, error)) = worst {
                self.events.push_back(Event::Completed {
                    handle: s.handle.clone(),
                    state,
                    error,
                    parts,
                });
            }
            s.completed = true;
            s.deadline = now + self.config.linger;
            let d = s.deadline;
            self.push_deadline(d, id);
        }
    }

    /// The next output, if any. Call until `None` after every other call.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event<H>> {
        self.events.pop_front()
    }

    /// The earliest time at which [`handle_timeout`](Self::handle_timeout) has work to do.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let a = self.deadlines.peek().map(|Reverse((d, _))| *d);
        let b = self.held_order.front().map(|(d, _, _)| *d);
        match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Expires held receipts and submits whose time has come.
    pub fn handle_timeout(&mut self, now: Instant) {
        let now = self.clamp(now);
        while self.held_order.front().is_some_and(|(d, _, _)| *d <= now) {
            let Some((_, seq, key)) = self.held_order.pop_front() else {
                break;
            };
            let Some(q) = self.held.get_mut(&key) else {
                continue;
            };
            if q.front().is_some_and(|h| h.seq == seq) {
                if let Some(h) = q.pop_front() {
                    if q.is_empty() {
                        self.held.remove(&key);
                    }
                    self.held_count -= 1;
                    self.events.push_back(Event::Unmatched {
                        key,
                        update: h.update,
                        reason: UnmatchedReason::UnknownId,
                    });
                }
            }
        }
        while self
            .deadlines
            .peek()
            .is_some_and(|Reverse((d, _))| *d <= now)
        {
            let Some(Reverse((d, id))) = self.deadlines.pop() else {
                break;
            };
            if self.submits.get(&id).is_none_or(|s| s.deadline != d) {
                continue;
            }
            if let Some(s) = self.remove_submit(id) {
                if !s.completed {
                    let parts = s.parts.iter().map(|p| p.state).collect();
                    self.events.push_back(Event::Expired {
                        handle: s.handle,
                        parts,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests take one real Instant as their time origin
mod tests {
    use super::*;

    fn up(state: MessageState) -> ReceiptUpdate {
        ReceiptUpdate { state, error: None }
    }

    fn drain<H: Clone>(c: &mut Correlator<H>) -> Vec<Event<H>> {
        std::iter::from_fn(|| c.poll_event()).collect()
    }

    fn cfg() -> CorrelatorConfig {
        CorrelatorConfig {
            hold_unknown: Duration::from_secs(10),
            submit_ttl: Duration::from_secs(100),
            linger: Duration::from_secs(20),
            ..CorrelatorConfig::default()
        }
    }

    #[test]
    fn notations() {
        let vonage = IdNotation::from_kannel_msg_id_type(1);
        assert_eq!(
            vonage,
            IdNotation {
                submit_resp: IdFormat::Hex,
                receipt: IdFormat::Decimal
            }
        );
        assert_eq!(
            MessageKey::new(b"33647F6C", IdFormat::Hex),
            MessageKey::new(b"862224236", IdFormat::Decimal)
        );
        assert_eq!(
            MessageKey::new(b" 12\0", IdFormat::Same),
            MessageKey::Numeric(12)
        );
        assert_ne!(
            MessageKey::new(b"abc", IdFormat::Same),
            MessageKey::new(b"ABC", IdFormat::Same)
        );
        assert_eq!(
            MessageKey::new(b"abc", IdFormat::Hex),
            MessageKey::new(b"ABC", IdFormat::Hex)
        );
        // not a number in the declared notation: kept opaque
        assert!(matches!(
            MessageKey::new(b"5516a151-4970", IdFormat::Decimal),
            MessageKey::Opaque { len: 13, .. }
        ));
        // too long for u128: opaque
        assert!(matches!(
            MessageKey::new(&[b'9'; 50], IdFormat::Decimal),
            MessageKey::Opaque { .. }
        ));
        let long = [b'x'; 100];
        assert!(matches!(
            MessageKey::new(&long, IdFormat::Same),
            MessageKey::Opaque { len: 64, .. }
        ));
    }

    #[test]
    fn hex_submit_decimal_receipt() {
        let t0 = Instant::now();
        let mut c = Correlator::new(CorrelatorConfig {
            notation: IdNotation::from_kannel_msg_id_type(1),
            ..cfg()
        });
        let s = c.register_submit(t0, 1u32, 1).unwrap();
        c.register_message_id(t0, s, 0, b"33647f6c").unwrap();
        c.handle_receipt(t0, b"862224236", up(MessageState::Delivered));
        let ev = drain(&mut c);
        assert!(matches!(
            ev.as_slice(),
            [
                Event::Receipt { handle: 1, .. },
                Event::Completed { handle: 1, .. }
            ]
        ));
    }

    #[test]
    fn receipt_before_submit_resp_is_held_then_matched() {
        let t0 = Instant::now();
        let mut c = Correlator::new(cfg());
        let s = c.register_submit(t0, "a", 1).unwrap();
        c.handle_receipt(t0, b"X1", up(MessageState::Enroute));
        c.handle_receipt(t0, b"X1", up(MessageState::Delivered));
        assert_eq!(drain(&mut c), vec![]);
        assert_eq!(c.held_receipts(), 2);
        c.register_message_id(t0 + Duration::from_secs(1), s, 0, b"X1")
            .unwrap();
        let ev = drain(&mut c);
        assert_eq!(ev.len(), 3);
        assert!(matches!(
            ev.first(),
            Some(Event::Receipt {
                update: ReceiptUpdate {
                    state: MessageState::Enroute,
                    ..
                },
                ..
            })
        ));
        assert!(matches!(
            ev.get(2),
            Some(Event::Completed {
                state: MessageState::Delivered,
                ..
            })
        ));
        assert_eq!(c.held_receipts(), 0);
    }

    #[test]
    fn held_receipt_times_out_as_unmatched() {
        let t0 = Instant::now();
        let mut c = Correlator::<u8>::new(cfg());
        c.handle_receipt(t0, b"nobody", up(MessageState::Delivered));
        assert_eq!(c.poll_timeout(), Some(t0 + Duration::from_secs(10)));
        c.handle_timeout(t0 + Duration::from_secs(9));
        assert_eq!(drain(&mut c), vec![]);
        c.handle_timeout(t0 + Duration::from_secs(10));
        let ev = drain(&mut c);
        assert_eq!(
            ev,
            vec![Event::Unmatched {
                key: MessageKey::new(b"nobody", IdFormat::Same),
                update: up(MessageState::Delivered),
                reason: UnmatchedReason::UnknownId
            }]
        );
        assert_eq!(c.poll_timeout(), None);
    }

    #[test]
    fn intermediate_then_final_and_late_intermediate() {
        let t0 = Instant::now();
        let mut c = Correlator::new(cfg());
        let s = c.register_submit(t0, 7u8, 1).unwrap();
        c.register_message_id(t0, s, 0, b"m").unwrap();
        c.handle_receipt(t0, b"m", up(MessageState::Enroute));
        assert!(matches!(drain(&mut c).as_slice(), [Event::Receipt { .. }]));
        c.handle_receipt(t0, b"m", up(MessageState::Delivered));
        assert!(matches!(
            drain(&mut c).as_slice(),
            [Event::Receipt { .. }, Event::Completed { .. }]
        ));
        c.handle_receipt(t0, b"m", up(MessageState::Enroute));
        assert!(matches!(
            drain(&mut c).as_slice(),
            [Event::Late {
                handle: 7,
                update: ReceiptUpdate {
                    state: MessageState::Enroute,
                    ..
                },
                ..
            }]
        ));
        // after linger the completed submit is forgotten silently
        c.handle_timeout(t0 + Duration::from_secs(20));
        assert_eq!(drain(&mut c), vec![]);
        assert_eq!(c.tracked_submits(), 0);
    }

    #[test]
    fn multipart_worst_state_wins() {
        let t0 = Instant::now();
        let mut c = Correlator::new(cfg());
        let s = c.register_submit(t0, "long", 3).unwrap();
        for (i, id) in [b"p0", b"p1", b"p2"].iter().enumerate() {
            c.register_message_id(t0, s, i as u16, *id).unwrap();
        }
        c.handle_receipt(t0, b"p0", up(MessageState::Delivered));
        c.handle_receipt(
            t0,
            b"p2",
            ReceiptUpdate {
                state: MessageState::Undeliverable,
                error: Some(11),
            },
        );
        let ev = drain(&mut c);
        assert_eq!(ev.len(), 2);
        assert!(ev.iter().all(|e| matches!(e, Event::Receipt { .. })));
        c.handle_receipt(t0, b"p1", up(MessageState::Delivered));
        let ev = drain(&mut c);
        assert_eq!(
            ev.get(1),
            Some(&Event::Completed {
                handle: "long",
                state: MessageState::Undeliverable,
                error: Some(11),
                parts: vec![
                    MessageState::Delivered,
                    MessageState::Delivered,
                    MessageState::Undeliverable
                ],
            })
        );
    }

    #[test]
    fn submit_expires_without_final() {
        let t0 = Instant::now();
        let mut c = Correlator::new(cfg());
        let s = c.register_submit(t0, 'x', 2).unwrap();
        c.register_message_id(t0, s, 0, b"a").unwrap();
        c.handle_receipt(t0, b"a", up(MessageState::Delivered));
        drain(&mut c);
        assert_eq!(c.poll_timeout(), Some(t0 + Duration::from_secs(100)));
        c.handle_timeout(t0 + Duration::from_secs(100));
        assert_eq!(
            drain(&mut c),
            vec![Event::Expired {
                handle: 'x',
                parts: vec![Some(MessageState::Delivered), None]
            }]
        );
        assert_eq!(
            c.register_message_id(t0, s, 1, b"b"),
            Err(CorrelateError::UnknownSubmit)
        );
        // a receipt for the forgotten id is now unmatched (after the hold)
        c.handle_receipt(
            t0 + Duration::from_secs(101),
            b"a",
            up(MessageState::Delivered),
        );
        c.handle_timeout(t0 + Duration::from_secs(111));
        assert!(matches!(
            drain(&mut c).as_slice(),
            [Event::Unmatched {
                reason: UnmatchedReason::UnknownId,
                ..
            }]
        ));
    }

    #[test]
    fn caps_evict_oldest() {
        let t0 = Instant::now();
        let mut c = Correlator::new(CorrelatorConfig {
            max_submits: 2,
            max_held_receipts: 2,
            ..cfg()
        });
        c.register_submit(t0, 1, 1).unwrap();
        c.register_submit(t0 + Duration::from_secs(1), 2, 1)
            .unwrap();
        c.register_submit(t0 + Duration::from_secs(2), 3, 1)
            .unwrap();
        assert_eq!(drain(&mut c), vec![Event::Evicted { handle: 1 }]);
        assert_eq!(c.tracked_submits(), 2);
        c.handle_receipt(t0, b"u1", up(MessageState::Delivered));
        c.handle_receipt(t0, b"u2", up(MessageState::Delivered));
        c.handle_receipt(t0, b"u3", up(MessageState::Delivered));
        assert_eq!(
            drain(&mut c),
            vec![Event::Unmatched {
                key: MessageKey::new(b"u1", IdFormat::Same),
                update: up(MessageState::Delivered),
                reason: UnmatchedReason::Evicted
            }]
        );
        assert_eq!(c.held_receipts(), 2);
    }

    #[test]
    fn bad_arguments() {
        let t0 = Instant::now();
        let mut c = Correlator::new(cfg());
        assert_eq!(c.register_submit(t0, 0, 0), Err(CorrelateError::NoParts));
        let s = c.register_submit(t0, 0, 2).unwrap();
        assert_eq!(
            c.register_message_id(t0, s, 2, b"x"),
            Err(CorrelateError::PartOutOfRange { part: 2, parts: 2 })
        );
    }

    #[test]
    fn zero_hold_reports_at_once() {
        let t0 = Instant::now();
        let mut c = Correlator::<u8>::new(CorrelatorConfig {
            hold_unknown: Duration::ZERO,
            ..cfg()
        });
        c.handle_receipt(t0, b"z", up(MessageState::Expired));
        assert!(matches!(
            drain(&mut c).as_slice(),
            [Event::Unmatched { .. }]
        ));
    }

    #[test]
    fn combine() {
        use MessageState::*;
        assert_eq!(combine_states([Delivered, Accepted]), Some(Accepted));
        assert_eq!(
            combine_states([Expired, Rejected, Delivered]),
            Some(Rejected)
        );
        assert_eq!(combine_states([]), None);
    }

    #[test]
    fn end_to_end_from_text_and_tlvs() {
        use crate::receipt::{ErrQuirk, TlvValues, merge, parse};
        let t0 = Instant::now();
        let notation = IdNotation::from_kannel_msg_id_type(1);
        let mut c = Correlator::new(CorrelatorConfig { notation, ..cfg() });
        let a = c.register_submit(t0, "a", 1).unwrap();
        let b = c.register_submit(t0, "b", 1).unwrap();
        c.register_message_id(t0, a, 0, b"0xC085E0").unwrap();
        c.register_message_id(t0, b, 0, b"33647f6c").unwrap();
        // text-only receipt, decimal id
        let r = parse(b"id:0012617184 sub:001 dlvrd:001 submit date:1005232039 done date:1005242339 stat:DELIVRD err:000 text:x")
            .receipt();
        let m = merge(r.as_ref(), &TlvValues::default(), &notation, ErrQuirk::None);
        c.handle_receipt_key(t0, m.message_key(&notation).unwrap(), m.update().unwrap());
        // TLV-only receipt, hex id as in submit_sm_resp
        let tlvs = TlvValues {
            receipted_message_id: Some(b"33647F6C"),
            message_state: Some(5),
            ..TlvValues::default()
        };
        let m = merge(None, &tlvs, &notation, ErrQuirk::None);
        c.handle_receipt_key(t0, m.message_key(&notation).unwrap(), m.update().unwrap());
        let done: Vec<_> = drain(&mut c)
            .into_iter()
            .filter_map(|e| match e {
                Event::Completed { handle, state, .. } => Some((handle, state)),
                _ => None,
            })
            .collect();
        assert_eq!(
            done,
            vec![
                ("a", MessageState::Delivered),
                ("b", MessageState::Undeliverable)
            ]
        );
    }

    #[test]
    fn re_registering_a_part_forgets_the_old_id() {
        let t0 = Instant::now();
        let mut c = Correlator::new(CorrelatorConfig {
            hold_unknown: Duration::ZERO,
            ..cfg()
        });
        let s = c.register_submit(t0, 1u8, 1).unwrap();
        c.register_message_id(t0, s, 0, b"old").unwrap();
        c.register_message_id(t0, s, 0, b"new").unwrap();
        c.handle_receipt(t0, b"old", up(MessageState::Delivered));
        assert!(matches!(
            drain(&mut c).as_slice(),
            [Event::Unmatched { .. }]
        ));
        c.handle_receipt(t0, b"new", up(MessageState::Delivered));
        assert!(matches!(
            drain(&mut c).as_slice(),
            [Event::Receipt { .. }, Event::Completed { .. }]
        ));
    }
}
