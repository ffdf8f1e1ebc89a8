//! Timers as data: a fixed table of named deadlines (plus the in-flight queues, which
//! live in [`inflight`](super::inflight)).

use std::time::Instant;

/// Why [`Session::poll_timeout`](super::Session::poll_timeout) wants a wake-up (for
/// debugging and tests; see [`Session::next_timer`](super::Session::next_timer)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimerKind {
    /// ESME: the bind response is due.
    Bind,
    /// No bind arrived in time (SMSC; ESME after `outbind`).
    SessionInit,
    /// The link has been idle: send `enquire_link`.
    EnquireLink,
    /// The automatic `enquire_link` is unanswered: the link is dead.
    EnquireLinkResponse,
    /// No traffic for too long.
    Inactivity,
    /// The `unbind_resp` is due.
    Unbind,
    /// The back-off after ESME_RTHROTTLED ends.
    ThrottleBackoff,
    /// The rate limiter allows the next message-carrying request.
    RateLimit,
    /// The oldest request in flight times out.
    Response,
    /// The oldest unanswered request from the peer gets its automatic answer.
    InboundResponse,
}

/// The fixed-size table of named deadlines.
#[derive(Clone, Debug, Default)]
pub(crate) struct TimerTable {
    slots: [Option<Instant>; Self::LEN],
}

const FIXED: [TimerKind; TimerTable::LEN] = [
    TimerKind::Bind,
    TimerKind::SessionInit,
    TimerKind::EnquireLink,
    TimerKind::EnquireLinkResponse,
    TimerKind::Inactivity,
    TimerKind::Unbind,
    TimerKind::ThrottleBackoff,
];

impl TimerTable {
    const LEN: usize = 7;

    const fn index(kind: TimerKind) -> Option<usize> {
        match kind {
            TimerKind::Bind => Some(0),
            TimerKind::SessionInit => Some(1),
            TimerKind::EnquireLink => Some(2),
            TimerKind::EnquireLinkResponse => Some(3),
            TimerKind::Inactivity => Some(4),
            TimerKind::Unbind => Some(5),
            TimerKind::ThrottleBackoff => Some(6),
            TimerKind::RateLimit | TimerKind::Response | TimerKind::InboundResponse => None,
        }
    }

    pub(crate) fn set(&mut self, kind: TimerKind, at: Instant) {
        if let Some(slot) = Self::index(kind).and_then(|i| self.slots.get_mut(i)) {
            *slot = Some(at);
        }
    }

    pub(crate) fn stop(&mut self, kind: TimerKind) {
        if let Some(slot) = Self::index(kind).and_then(|i| self.slots.get_mut(i)) {
            *slot = None;
        }
    }

    pub(crate) fn get(&self, kind: TimerKind) -> Option<Instant> {
        Self::index(kind).and_then(|i| self.slots.get(i).copied().flatten())
    }

    /// Whether `kind` is armed and due at `now`; disarms it if so.
    pub(crate) fn take_expired(&mut self, kind: TimerKind, now: Instant) -> bool {
        match self.get(kind) {
            Some(at) if at <= now => {
                self.stop(kind);
                true
            }
            _ => false,
        }
    }

    pub(crate) fn stop_all(&mut self) {
        self.slots = [None; Self::LEN];
    }

    /// The earliest armed deadline.
    pub(crate) fn next(&self) -> Option<(Instant, TimerKind)> {
        // A plain loop: called on every adapter turn (`poll_timeout`), and the
        // iterator-adapter form compiled to several times the instructions.
        let mut best: Option<(Instant, TimerKind)> = None;
        for (slot, kind) in self.slots.iter().zip(FIXED) {
            if let Some(at) = *slot {
                if best.is_none_or(|(b, _)| at < b) {
                    best = Some((at, kind));
                }
            }
        }
        best
    }
}

/// A token bucket on passed-in time (GCRA form: one "theoretical arrival time").
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pacer {
    interval: core::time::Duration,
    tolerance: core::time::Duration,
    tat: Option<Instant>,
}

impl Pacer {
    pub(crate) fn new(limit: super::RateLimit) -> Self {
        let per_second = limit.per_second.max(1);
        let interval = core::time::Duration::from_secs(1) / per_second;
        let tolerance = interval * limit.burst.max(1).saturating_sub(1);
        Self {
            interval,
            tolerance,
            tat: None,
        }
    }

    /// The earliest instant the next request conforms.
    pub(crate) fn next_allowed(&self) -> Option<Instant> {
        let tat = self.tat?;
        Some(tat.checked_sub(self.tolerance).unwrap_or(tat))
    }

    pub(crate) fn allows(&self, now: Instant) -> bool {
        self.next_allowed().is_none_or(|at| at <= now)
    }

    pub(crate) fn record(&mut self, now: Instant) {
        let base = match self.tat {
            Some(t) if t > now => t,
            _ => now,
        };
        self.tat = Some(base + self.interval);
    }
}
