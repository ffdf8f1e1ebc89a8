//! Test helpers (feature `testing`): two sessions in memory, in simulated time.
//!
//! [`Pair`] holds an ESME and an SMSC [`Session`](crate::session::Session) joined by two
//! [`Link`]s whose knobs cover chunking (whole, byte by byte, seeded random split
//! points), latency, stall/resume, cuts (EOF on both sides), dropped bytes and
//! tampering. There are no sockets and no sleeps: time moves only through
//! [`Pair::advance`] and [`Pair::advance_to_next_timeout`].
//!
//! ```
//! use smpp_proto::pdu::{Body, MessageIdResp, SubmitSm};
//! use smpp_proto::session::{BindKind, Event, Reply};
//! use smpp_proto::testing::Pair;
//!
//! let mut pair = Pair::bound(BindKind::Transmitter);
//! pair.set_smsc_responder(|_| Reply::ok(Body::SubmitSmResp(MessageIdResp::new("m1"))));
//! let seq = pair.esme.send_request(pair.now, Body::SubmitSm(SubmitSm::new("a", "b", &b"hi"[..]))).unwrap();
//! pair.drive("submit");
//! assert!(matches!(pair.esme_events.pop_front(), Some(Event::Response { sequence, outcome }) if sequence == seq && outcome.is_ok()));
//! ```

mod link;
mod pair;

pub use link::{Chunking, Direction, Link, Tamper, XorShift};
pub use pair::{Pair, Responder};
