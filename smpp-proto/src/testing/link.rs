//! One direction of the in-memory transport between two sessions.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::session::Session;

/// Which way bytes travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From the ESME to the SMSC.
    ToSmsc,
    /// From the SMSC to the ESME.
    ToEsme,
}

/// How transmitted bytes are cut up before they reach the receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chunking {
    /// Each transmit arrives in one `handle_bytes` call.
    Whole,
    /// One octet per `handle_bytes` call.
    ByteByByte,
    /// Random split points (chunks of 1..=`max` octets) from a seeded xorshift generator.
    Random {
        /// The seed (0 is replaced by a fixed non-zero value).
        seed: u64,
        /// Largest chunk.
        max: usize,
    },
}

/// A tampering hook: sees (and may change) every transmit before it enters the link.
pub type Tamper = Box<dyn FnMut(Direction, &mut Vec<u8>)>;

/// A tiny xorshift64 generator: deterministic, no dependency.
#[derive(Clone, Copy, Debug)]
pub struct XorShift(u64);

impl XorShift {
    /// A generator from `seed` (0 is replaced by a fixed non-zero value).
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        Self(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next value.
    pub const fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A value in `1..=max` (1 when `max` is 0).
    pub fn between_1_and(&mut self, max: usize) -> usize {
        1 + (self.next_u64() % max.max(1) as u64) as usize
    }
}

/// One direction of a [`Pair`](super::Pair)'s transport, with knobs.
pub struct Link {
    dir: Direction,
    /// How bytes are split on delivery.
    pub chunking: Chunking,
    /// Delay between transmit and delivery.
    pub latency: Duration,
    stalled: bool,
    cut: bool,
    drop_next: usize,
    rng: XorShift,
    tamper: Option<Tamper>,
    queue: VecDeque<(Instant, Bytes)>,
    /// Octets that entered the link (after dropping and tampering).
    pub bytes_carried: u64,
}

impl core::fmt::Debug for Link {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Link")
            .field("dir", &self.dir)
            .field("chunking", &self.chunking)
            .field("latency", &self.latency)
            .field("stalled", &self.stalled)
            .field("cut", &self.cut)
            .field("queued", &self.queue.len())
            .finish_non_exhaustive()
    }
}

impl Link {
    /// A perfect link: whole transmits, no latency.
    #[must_use]
    pub fn new(dir: Direction) -> Self {
        Self {
            dir,
            chunking: Chunking::Whole,
            latency: Duration::ZERO,
            stalled: false,
            cut: false,
            drop_next: 0,
            rng: XorShift::new(1),
            tamper: None,
            queue: VecDeque::with_capacity(64),
            bytes_carried: 0,
        }
    }

    /// Sets the chunking policy (a `Random` seed reseeds the generator).
    pub fn set_chunking(&mut self, chunking: Chunking) {
        if let Chunking::Random { seed, .. } = chunking {
            self.rng = XorShift::new(seed);
        }
        self.chunking = chunking;
    }

    /// Holds everything in the link until [`resume`](Self::resume).
    pub fn stall(&mut self) {
        self.stalled = true;
    }

    /// Delivers again.
    pub fn resume(&mut self) {
        self.stalled = false;
    }

    /// Whether the link is cut.
    #[must_use]
    pub const fn is_cut(&self) -> bool {
        self.cut
    }

    pub(crate) fn set_cut(&mut self) {
        self.cut = true;
        self.queue.clear();
    }

    /// Silently loses the next `n` octets sent into the link.
    pub fn drop_bytes(&mut self, n: usize) {
        self.drop_next += n;
    }

    /// Installs a tampering hook for every later transmit.
    pub fn tamper(&mut self, f: impl FnMut(Direction, &mut Vec<u8>) + 'static) {
        self.tamper = Some(Box::new(f));
    }

    /// Removes the tampering hook.
    pub fn clear_tamper(&mut self) {
        self.tamper = None;
    }

    /// Octets waiting in the link.
    #[must_use]
    pub fn in_transit(&self) -> usize {
        self.queue.iter().map(|(_, b)| b.len()).sum()
    }

    /// When the next queued transmit becomes deliverable.
    #[must_use]
    pub fn next_delivery(&self) -> Option<Instant> {
        if self.stalled {
            return None;
        }
        self.queue.front().map(|(at, _)| *at)
    }

    /// Puts one transmit into the link at `now`.
    pub fn send(&mut self, now: Instant, mut bytes: Bytes) {
        if self.cut {
            return;
        }
        if self.drop_next > 0 {
            let n = self.drop_next.min(bytes.len());
            self.drop_next -= n;
            let _ = bytes.split_to(n);
        }
        if let Some(t) = &mut self.tamper {
            let mut v = bytes.to_vec();
            t(self.dir, &mut v);
            bytes = Bytes::from(v);
        }
        if bytes.is_empty() {
            return;
        }
        self.bytes_carried += bytes.len() as u64;
        self.queue.push_back((now + self.latency, bytes));
    }

    /// Hands every transmit due at `now` to `to`; true if anything was delivered.
    pub fn deliver(&mut self, now: Instant, to: &mut Session) -> bool {
        if self.stalled || self.cut {
            return false;
        }
        let mut any = false;
        while self.queue.front().is_some_and(|(at, _)| *at <= now) {
            let Some((_, bytes)) = self.queue.pop_front() else {
                break;
            };
            any = true;
            match self.chunking {
                Chunking::Whole => to.handle_bytes(now, &bytes),
                Chunking::ByteByByte => {
                    for b in bytes.chunks(1) {
                        to.handle_bytes(now, b);
                    }
                }
                Chunking::Random { max, .. } => {
                    let mut rest: &[u8] = &bytes;
                    while !rest.is_empty() {
                        let n = self.rng.between_1_and(max).min(rest.len());
                        let (head, tail) = rest.split_at(n);
                        to.handle_bytes(now, head);
                        rest = tail;
                    }
                }
            }
        }
        any
    }
}
