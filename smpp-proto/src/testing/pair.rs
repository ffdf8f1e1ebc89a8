//! Two sessions wired together in memory, in simulated time.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::pdu::{Bind, Body};
use crate::session::{BindKind, Event, Reply, Session, SessionConfig};

use super::link::{Direction, Link};

/// Answers the SMSC's inbound requests automatically (see [`Pair::set_smsc_responder`]).
pub type Responder = Box<dyn FnMut(&Body) -> Reply>;

/// An ESME and an SMSC connected by two [`Link`]s, with a simulated clock.
///
/// Events each side produces are collected in [`esme_events`](Self::esme_events) and
/// [`smsc_events`](Self::smsc_events), unless the SMSC answers them itself
/// ([`auto_accept_binds`](Self::auto_accept_binds), [`set_smsc_responder`](Self::set_smsc_responder)).
pub struct Pair {
    /// The client.
    pub esme: Session,
    /// The server.
    pub smsc: Session,
    /// The simulated time.
    pub now: Instant,
    /// ESME → SMSC.
    pub to_smsc: Link,
    /// SMSC → ESME.
    pub to_esme: Link,
    /// Events from the ESME, oldest first.
    pub esme_events: VecDeque<Event>,
    /// Events from the SMSC, oldest first (except those answered automatically).
    pub smsc_events: VecDeque<Event>,
    /// Accept every bind on the SMSC side with system_id "SMSC".
    pub auto_accept_binds: bool,
    /// Inbound requests the SMSC responder answered.
    pub smsc_auto_answered: u64,
    responder: Option<Responder>,
}

impl core::fmt::Debug for Pair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pair")
            .field("esme", &self.esme.state())
            .field("smsc", &self.smsc.state())
            .field("to_smsc", &self.to_smsc)
            .field("to_esme", &self.to_esme)
            .finish_non_exhaustive()
    }
}

impl Pair {
    /// Two fresh sessions (both `Open`) with perfect links.
    #[must_use]
    #[allow(
        clippy::disallowed_methods,
        reason = "an arbitrary origin for simulated time; the sessions never read a clock"
    )]
    pub fn new(esme: SessionConfig, smsc: SessionConfig) -> Self {
        Self::with_start(esme, smsc, Instant::now())
    }

    /// Like [`new`](Self::new) with a given origin of time.
    #[must_use]
    pub fn with_start(esme: SessionConfig, smsc: SessionConfig, now: Instant) -> Self {
        Self {
            esme: Session::new(esme, now),
            smsc: Session::new(smsc, now),
            now,
            to_smsc: Link::new(Direction::ToSmsc),
            to_esme: Link::new(Direction::ToEsme),
            esme_events: VecDeque::with_capacity(256),
            smsc_events: VecDeque::with_capacity(256),
            auto_accept_binds: false,
            smsc_auto_answered: 0,
            responder: None,
        }
    }

    /// A pair with default configs, bound as `kind` (SMSC accepting automatically),
    /// with the bind's events cleared.
    ///
    /// # Panics
    /// If binding fails.
    #[must_use]
    pub fn bound(kind: BindKind) -> Self {
        Self::bound_with(SessionConfig::esme(), SessionConfig::smsc(), kind)
    }

    /// Like [`bound`](Self::bound) with the given configs.
    ///
    /// # Panics
    /// If binding fails.
    #[must_use]
    #[allow(clippy::expect_used, reason = "test helper")]
    pub fn bound_with(esme: SessionConfig, smsc: SessionConfig, kind: BindKind) -> Self {
        let mut p = Self::new(esme, smsc);
        p.auto_accept_binds = true;
        p.esme
            .bind(p.now, kind, Bind::new("esme", "secret"))
            .expect("bind");
        p.drive("bind");
        assert!(
            matches!(p.esme.state(), crate::session::State::Bound(k) if k == kind),
            "not bound: {:?}",
            p.esme.state()
        );
        p.esme_events.clear();
        p.smsc_events.clear();
        p
    }

    /// Answers every inbound request on the SMSC side with `f`.
    pub fn set_smsc_responder(&mut self, f: impl FnMut(&Body) -> Reply + 'static) {
        self.responder = Some(Box::new(f));
    }

    /// Stops answering automatically.
    pub fn clear_smsc_responder(&mut self) {
        self.responder = None;
    }

    /// One round: move transmits into the links, deliver what is due, collect events.
    /// Returns whether anything happened.
    pub fn step(&mut self) -> bool {
        let now = self.now;
        let mut progress = false;
        while let Some(b) = self.esme.poll_transmit() {
            self.to_smsc.send(now, b);
            progress = true;
        }
        while let Some(b) = self.smsc.poll_transmit() {
            self.to_esme.send(now, b);
            progress = true;
        }
        progress |= self.to_smsc.deliver(now, &mut self.smsc);
        progress |= self.to_esme.deliver(now, &mut self.esme);
        while let Some(ev) = self.smsc.poll_event() {
            progress = true;
            match ev {
                Event::BindRequested { token, .. } if self.auto_accept_binds => {
                    let _ = self.smsc.accept_bind(now, token, "SMSC");
                }
                Event::Request { token, body } if self.responder.is_some() => {
                    if let Some(r) = &mut self.responder {
                        let reply = r(&body);
                        drop(body);
                        if self.smsc.respond(now, token, reply).is_ok() {
                            self.smsc_auto_answered += 1;
                        }
                    }
                }
                ev => self.smsc_events.push_back(ev),
            }
        }
        while let Some(ev) = self.esme.poll_event() {
            progress = true;
            self.esme_events.push_back(ev);
        }
        progress
    }

    /// Steps until nothing more happens at the current time.
    ///
    /// # Panics
    /// After 100,000 steps, naming `label` (a livelock).
    pub fn drive(&mut self, label: &str) {
        for _ in 0..100_000 {
            if !self.step() {
                return;
            }
        }
        panic!("{label}: no quiescence after 100000 steps: {self:?}");
    }

    /// Moves time forward by `d`, fires due timers on both sides and drives.
    pub fn advance(&mut self, d: Duration) {
        self.now += d;
        self.esme.handle_timeout(self.now);
        self.smsc.handle_timeout(self.now);
        self.drive("advance");
    }

    /// The earliest of both sessions' deadlines and the links' deliveries.
    #[must_use]
    pub fn next_deadline(&self) -> Option<Instant> {
        [
            self.esme.poll_timeout(),
            self.smsc.poll_timeout(),
            self.to_smsc.next_delivery(),
            self.to_esme.next_delivery(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Jumps to the next deadline (if any, and not in the past), fires it and drives.
    /// Returns false when there is none.
    pub fn advance_to_next_timeout(&mut self) -> bool {
        let Some(at) = self.next_deadline() else {
            return false;
        };
        if at > self.now {
            self.now = at;
        }
        self.esme.handle_timeout(self.now);
        self.smsc.handle_timeout(self.now);
        self.drive("advance_to_next_timeout");
        true
    }

    /// Cuts the connection: both links drop what they carry and both sessions see EOF.
    pub fn cut(&mut self) {
        self.to_smsc.set_cut();
        self.to_esme.set_cut();
        self.esme.handle_eof(self.now);
        self.smsc.handle_eof(self.now);
        self.drive("cut");
    }

    /// Removes and returns the ESME's collected events.
    pub fn take_esme_events(&mut self) -> Vec<Event> {
        self.esme_events.drain(..).collect()
    }

    /// Removes and returns the SMSC's collected events.
    pub fn take_smsc_events(&mut self) -> Vec<Event> {
        self.smsc_events.drain(..).collect()
    }
}
