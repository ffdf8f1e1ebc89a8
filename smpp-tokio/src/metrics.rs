//! Per-session counters: atomics readable from the handles ([`crate::Client::stats`],
//! [`crate::Pool::stats`]) and the same figures through the [`metrics`] facade, so any
//! exporter (Prometheus, StatsD, ...) plugs in by installing a recorder.
//!
//! | metric | kind | meaning |
//! |---|---|---|
//! | `smpp_pdus_sent_total` | counter | PDUs queued for sending (requests, responses, enquire_link) |
//! | `smpp_pdus_received_total` | counter | whole PDUs received |
//! | `smpp_requests_in_flight` | gauge | our requests awaiting their response |
//! | `smpp_timeouts_total` | counter | our requests that got no response in time |
//! | `smpp_late_responses_total` | counter | responses that arrived after their request timed out |
//! | `smpp_throttled_total` | counter | ESME_RTHROTTLED answers received |
//!
//! Labels: `role` (`esme`), `system_id`, `addr` (the configured `host:port`). Nothing
//! is recorded until the application installs a recorder (the facade's default is a
//! no-op), and the handles are registered once per client, so the cost per PDU is a few
//! relaxed atomic adds per driver turn.

use std::sync::atomic::{AtomicU64, Ordering};

use smpp_proto::session::SessionStats;

/// A snapshot of one session's (or a pool's summed) counters. They accumulate across
/// reconnects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionCounters {
    /// PDUs queued for sending (requests, responses, enquire_link, bind, unbind).
    pub sent: u64,
    /// Whole PDUs received.
    pub received: u64,
    /// Requests of ours awaiting their response right now.
    pub in_flight: u64,
    /// Requests that timed out (outcome unknown, see `Outcome::TimedOut`).
    pub timeouts: u64,
    /// Responses that arrived after their request had timed out.
    pub late_responses: u64,
    /// ESME_RTHROTTLED answers received.
    pub throttled: u64,
}

impl core::ops::Add for SessionCounters {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self {
            sent: self.sent + o.sent,
            received: self.received + o.received,
            in_flight: self.in_flight + o.in_flight,
            timeouts: self.timeouts + o.timeouts,
            late_responses: self.late_responses + o.late_responses,
            throttled: self.throttled + o.throttled,
        }
    }
}

/// The live counters shared by a handle and its drivers.
#[derive(Debug)]
pub(crate) struct Counters {
    sent: AtomicU64,
    received: AtomicU64,
    in_flight: AtomicU64,
    timeouts: AtomicU64,
    late: AtomicU64,
    throttled: AtomicU64,
    m_sent: metrics::Counter,
    m_received: metrics::Counter,
    m_in_flight: metrics::Gauge,
    m_timeouts: metrics::Counter,
    m_late: metrics::Counter,
    m_throttled: metrics::Counter,
}

/// What one driver already reported of its session's (monotonic) stats.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Seen {
    sent: u64,
    received: u64,
    in_flight: u64,
    timeouts: u64,
    late: u64,
    throttled: u64,
}

fn bump(a: &AtomicU64, m: &metrics::Counter, seen: &mut u64, now: u64) {
    if now != *seen {
        let d = now.wrapping_sub(*seen);
        *seen = now;
        a.fetch_add(d, Ordering::Relaxed);
        m.increment(d);
    }
}

impl Counters {
    pub(crate) fn new(role: &'static str, system_id: &str, addr: &str) -> Self {
        let labels = [
            ("role", role.to_owned()),
            ("system_id", system_id.to_owned()),
            ("addr", addr.to_owned()),
        ];
        Self {
            sent: AtomicU64::new(0),
            received: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            timeouts: AtomicU64::new(0),
            late: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            m_sent: metrics::counter!("smpp_pdus_sent_total", &labels),
            m_received: metrics::counter!("smpp_pdus_received_total", &labels),
            m_in_flight: metrics::gauge!("smpp_requests_in_flight", &labels),
            m_timeouts: metrics::counter!("smpp_timeouts_total", &labels),
            m_late: metrics::counter!("smpp_late_responses_total", &labels),
            m_throttled: metrics::counter!("smpp_throttled_total", &labels),
        }
    }

    /// Adds what changed in `s` since `seen`.
    pub(crate) fn sync(&self, seen: &mut Seen, s: &SessionStats, in_flight: usize) {
        bump(&self.sent, &self.m_sent, &mut seen.sent, s.pdus_sent);
        bump(
            &self.received,
            &self.m_received,
            &mut seen.received,
            s.pdus_received,
        );
        bump(
            &self.timeouts,
            &self.m_timeouts,
            &mut seen.timeouts,
            s.timeouts,
        );
        bump(&self.late, &self.m_late, &mut seen.late, s.late_responses);
        bump(
            &self.throttled,
            &self.m_throttled,
            &mut seen.throttled,
            s.throttled,
        );
        let f = in_flight as u64;
        if f != seen.in_flight {
            if f > seen.in_flight {
                let d = f - seen.in_flight;
                self.in_flight.fetch_add(d, Ordering::Relaxed);
                self.m_in_flight.increment(d as f64);
            } else {
                let d = seen.in_flight - f;
                self.in_flight.fetch_sub(d, Ordering::Relaxed);
                self.m_in_flight.decrement(d as f64);
            }
            seen.in_flight = f;
        }
    }

    pub(crate) fn snapshot(&self) -> SessionCounters {
        SessionCounters {
            sent: self.sent.load(Ordering::Relaxed),
            received: self.received.load(Ordering::Relaxed),
            in_flight: self.in_flight.load(Ordering::Relaxed),
            timeouts: self.timeouts.load(Ordering::Relaxed),
            late_responses: self.late.load(Ordering::Relaxed),
            throttled: self.throttled.load(Ordering::Relaxed),
        }
    }
}
