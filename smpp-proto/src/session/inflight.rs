//! Bookkeeping for requests in both directions: our requests awaiting a response (in
//! deadline order, so push and pop are O(1)), sequence numbers that timed out (to
//! recognise late answers and avoid reusing them), and the peer's requests that the
//! application still has to answer.

use std::collections::VecDeque;
use std::time::Instant;

use crate::pdu::{CommandId, SequenceNumber};

/// One request of ours awaiting its response.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pending {
    pub(crate) seq: SequenceNumber,
    pub(crate) id: CommandId,
    pub(crate) deadline: Instant,
    pub(crate) done: bool,
    /// The wire value of the response `id` expects (0: none), computed once at push.
    resp: u32,
}

/// Our requests in flight, oldest first. The response timeout is one constant, so
/// deadlines are in insertion order; answered entries are removed lazily from the front.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    queue: VecDeque<Pending>,
    live: usize,
}

impl InFlight {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            queue: VecDeque::with_capacity(n),
            live: 0,
        }
    }

    pub(crate) const fn len(&self) -> usize {
        self.live
    }

    pub(crate) fn push(&mut self, seq: SequenceNumber, id: CommandId, deadline: Instant) {
        self.queue.push_back(Pending {
            seq,
            id,
            deadline,
            done: false,
            resp: id.response().map_or(0, CommandId::value),
        });
        self.live += 1;
    }

    fn trim(&mut self) {
        while self.queue.front().is_some_and(|p| p.done) {
            self.queue.pop_front();
        }
    }

    /// Removes and returns the live entry with this sequence number (responses usually
    /// come in order, so the oldest entry is checked first and normally matches).
    /// Only an entry whose request `resp_id` answers matches (`generic_nack` answers
    /// anything).
    pub(crate) fn take(&mut self, seq: SequenceNumber, resp_id: CommandId) -> Option<Pending> {
        let nack = matches!(resp_id, CommandId::GenericNack);
        let resp = resp_id.value();
        let answers = |p: &Pending| !p.done && p.seq == seq && (nack || p.resp == resp);
        if self.queue.front().is_some_and(answers) {
            // In order: pop it (entries behind it that are done are trimmed too).
            let found = self.queue.pop_front()?;
            self.live -= 1;
            self.trim();
            return Some(found);
        }
        let p = self.queue.iter_mut().find(|p| answers(p))?;
        p.done = true;
        let found = *p;
        self.live -= 1;
        self.trim();
        Some(found)
    }

    pub(crate) fn contains(&self, seq: SequenceNumber) -> bool {
        self.queue.iter().any(|p| !p.done && p.seq == seq)
    }

    /// The earliest deadline.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.queue.front().map(|p| p.deadline)
    }

    /// Removes the oldest entry if its deadline has passed.
    pub(crate) fn pop_expired(&mut self, now: Instant) -> Option<Pending> {
        let front = self.queue.front()?;
        if front.deadline > now {
            return None;
        }
        let p = self.queue.pop_front()?;
        self.live -= 1;
        self.trim();
        Some(p)
    }

    /// Removes every entry (connection lost).
    pub(crate) fn drain_all(&mut self) -> impl Iterator<Item = Pending> + '_ {
        self.live = 0;
        self.queue.drain(..).filter(|p| !p.done)
    }
}

/// Sequence numbers that timed out, remembered for a while.
#[derive(Debug, Default)]
pub(crate) struct TimedOut {
    queue: VecDeque<(SequenceNumber, CommandId, Instant)>,
}

impl TimedOut {
    pub(crate) fn push(
        &mut self,
        seq: SequenceNumber,
        id: CommandId,
        forget_at: Instant,
        max: usize,
    ) {
        while self.queue.len() >= max.max(1) {
            self.queue.pop_front();
        }
        self.queue.push_back((seq, id, forget_at));
    }

    pub(crate) fn forget_expired(&mut self, now: Instant) {
        while self.queue.front().is_some_and(|(_, _, at)| *at <= now) {
            self.queue.pop_front();
        }
    }

    pub(crate) fn take(&mut self, seq: SequenceNumber) -> Option<CommandId> {
        let i = self.queue.iter().position(|(s, _, _)| *s == seq)?;
        self.queue.remove(i).map(|(_, id, _)| id)
    }

    pub(crate) fn contains(&self, seq: SequenceNumber) -> bool {
        self.queue.iter().any(|(s, _, _)| *s == seq)
    }
}

/// One request from the peer awaiting the application's answer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Unanswered {
    pub(crate) slot: u64,
    pub(crate) seq: SequenceNumber,
    pub(crate) id: CommandId,
    pub(crate) deadline: Option<Instant>,
    pub(crate) done: bool,
}

/// The peer's requests handed to the application, by increasing slot number.
#[derive(Debug, Default)]
pub(crate) struct Inbound {
    queue: VecDeque<Unanswered>,
    live: usize,
    next_slot: u64,
}

impl Inbound {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            queue: VecDeque::with_capacity(n),
            live: 0,
            next_slot: 0,
        }
    }

    pub(crate) const fn len(&self) -> usize {
        self.live
    }

    pub(crate) fn push(
        &mut self,
        seq: SequenceNumber,
        id: CommandId,
        deadline: Option<Instant>,
    ) -> u64 {
        let slot = self.next_slot;
        self.next_slot += 1;
        self.queue.push_back(Unanswered {
            slot,
            seq,
            id,
            deadline,
            done: false,
        });
        self.live += 1;
        slot
    }

    fn trim(&mut self) {
        while self.queue.front().is_some_and(|p| p.done) {
            self.queue.pop_front();
        }
    }

    /// Where `slot` is in the queue: slots are handed out consecutively and only ever
    /// removed from the front, so the queue holds consecutive slots (O(1), no search).
    fn index(&self, slot: u64) -> Option<usize> {
        let first = self.queue.front()?.slot;
        usize::try_from(slot.checked_sub(first)?).ok()
    }

    /// Marks the request in `slot` answered; false if it was not waiting any more.
    pub(crate) fn answer(&mut self, slot: u64) -> bool {
        let Some(i) = self.index(slot) else {
            return false;
        };
        match self.queue.get_mut(i) {
            Some(u) if !u.done && u.slot == slot => {
                u.done = true;
                self.live -= 1;
                self.trim();
                true
            }
            _ => false,
        }
    }

    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.queue.front().and_then(|u| u.deadline)
    }

    pub(crate) fn is_waiting(&self, slot: u64) -> bool {
        self.index(slot)
            .and_then(|i| self.queue.get(i))
            .is_some_and(|u| !u.done && u.slot == slot)
    }

    pub(crate) fn pop_expired(&mut self, now: Instant) -> Option<Unanswered> {
        let front = self.queue.front()?;
        if front.deadline.is_none_or(|d| d > now) {
            return None;
        }
        let u = self.queue.pop_front()?;
        self.live -= 1;
        self.trim();
        Some(u)
    }

    pub(crate) fn clear(&mut self) {
        self.queue.clear();
        self.live = 0;
    }
}
