//! Session fuzz bodies: arbitrary bytes into a bound session, and arbitrary operation
//! sequences applied to a [`Pair`].
//!
//! Invariants checked: every sequence number handed out resolves exactly once, the
//! window is never exceeded, every transmit is a run of whole PDUs that decode,
//! `Closed` is the last event, nothing panics.

use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::rc::Rc;
use std::time::Duration;

use bytes::Bytes;

use crate::pdu::{
    Bind, Body, CommandStatus, FrameDecoder, FrameLimits, MessageIdResp, Pdu, SequenceNumber,
    SubmitSm,
};
use crate::session::{BindKind, Event, Reply, ReplyToken, Session, SessionConfig};
use crate::testing::{Chunking, Direction, Pair, XorShift};

/// What one side has been promised and has seen.
#[derive(Debug, Default)]
struct Model {
    outstanding: HashSet<u32>,
    closed: bool,
    tokens: VecDeque<ReplyToken>,
}

impl Model {
    fn issued(&mut self, seq: SequenceNumber) {
        assert!(self.outstanding.insert(seq.0), "{seq:?} handed out twice");
    }

    fn see(&mut self, ev: Event) {
        assert!(!self.closed, "event after Closed: {ev:?}");
        match ev {
            Event::Response { sequence, .. } => {
                assert!(
                    self.outstanding.remove(&sequence.0),
                    "second or unrequested outcome for {sequence:?}"
                );
            }
            Event::Request { token, .. } => self.tokens.push_back(token),
            Event::Closed { .. } => self.closed = true,
            _ => {}
        }
    }
}

/// Asserts that every transmit is a whole number of decodable PDUs.
fn check_transmit(dec: &mut FrameDecoder, bytes: &[u8]) {
    dec.push(bytes);
    loop {
        match dec.next_frame() {
            Ok(Some(f)) => {
                if let Err(e) = Pdu::decode(f) {
                    panic!("sent a PDU that does not decode: {e}");
                }
            }
            Ok(None) => break,
            Err(e) => panic!("sent an unframeable PDU: {e}"),
        }
    }
    assert_eq!(dec.buffered(), 0, "a transmit ended inside a PDU");
}

fn drain_one(s: &mut Session, dec: &mut FrameDecoder, model: &mut Model) {
    while let Some(b) = s.poll_transmit() {
        check_transmit(dec, &b);
    }
    while let Some(ev) = s.poll_event() {
        model.see(ev);
    }
}

fn bytes_into(role_esme: bool, data: &[u8]) {
    let mut pair = Pair::bound(BindKind::Transceiver);
    let now0 = pair.now;
    let (first, rest) = data.split_first().map_or((0, data), |(a, r)| (*a, r));
    let mut rng = XorShift::new(u64::from(first) + 1);
    let max = usize::from(first % 64) + 1;
    let s = if role_esme {
        &mut pair.esme
    } else {
        &mut pair.smsc
    };
    let mut dec = FrameDecoder::new(FrameLimits::default());
    let mut model = Model::default();
    // Some requests in flight so that responses in the input can match them.
    for _ in 0..3 {
        let body = if role_esme {
            Body::SubmitSm(SubmitSm::new("a", "b", &b"x"[..]))
        } else {
            Body::DeliverSm(SubmitSm::new("a", "b", &b"x"[..]))
        };
        if let Ok(seq) = s.send_request(now0, body) {
            model.issued(seq);
        }
    }
    let mut input: &[u8] = rest;
    let mut t = now0;
    while !input.is_empty() {
        let n = rng.between_1_and(max).min(input.len());
        let (head, tail) = input.split_at(n);
        s.handle_bytes(t, head);
        input = tail;
        drain_one(s, &mut dec, &mut model);
        assert!(s.in_flight() <= s.config().window);
        while let Some(tok) = model.tokens.pop_front() {
            let _ = s.respond(t, tok, Reply::error(CommandStatus::SysErr));
        }
        drain_one(s, &mut dec, &mut model);
        t += Duration::from_millis(u64::from(first) * 10);
        s.handle_timeout(t);
        drain_one(s, &mut dec, &mut model);
    }
    s.handle_eof(t);
    drain_one(s, &mut dec, &mut model);
    assert!(model.closed, "no Closed after EOF");
    assert!(
        model.outstanding.is_empty(),
        "unresolved: {:?}",
        model.outstanding
    );
}

/// Arbitrary bytes into a bound ESME (the first byte chooses chunk sizes and pacing).
pub fn session_esme(data: &[u8]) {
    bytes_into(true, data);
}

/// Arbitrary bytes into a bound SMSC (the first byte chooses chunk sizes and pacing).
pub fn session_smsc(data: &[u8]) {
    bytes_into(false, data);
}

fn submit() -> Body {
    Body::SubmitSm(SubmitSm::new("Shop", "4512345678", &b"hello"[..]))
}

fn deliver() -> Body {
    Body::DeliverSm(SubmitSm::new("4512345678", "Shop", &b"mo"[..]))
}

fn checked_links(pair: &mut Pair) {
    for dir in [Direction::ToSmsc, Direction::ToEsme] {
        let dec = Rc::new(RefCell::new(FrameDecoder::new(FrameLimits::default())));
        let hook = move |_: Direction, b: &mut Vec<u8>| check_transmit(&mut dec.borrow_mut(), b);
        match dir {
            Direction::ToSmsc => pair.to_smsc.tamper(hook),
            Direction::ToEsme => pair.to_esme.tamper(hook),
        }
    }
}

fn settle(pair: &mut Pair, esme: &mut Model, smsc: &mut Model) {
    pair.drive("ops");
    while let Some(ev) = pair.esme_events.pop_front() {
        esme.see(ev);
    }
    while let Some(ev) = pair.smsc_events.pop_front() {
        smsc.see(ev);
    }
    assert!(pair.esme.in_flight() <= pair.esme.config().window);
    assert!(pair.smsc.in_flight() <= pair.smsc.config().window);
}

/// An operation sequence decoded from bytes, applied to a [`Pair`].
#[allow(clippy::too_many_lines, reason = "one match over the operations")]
pub fn session_ops(data: &[u8]) {
    let mut cfg = SessionConfig::esme();
    cfg.window = 4;
    let mut pair = Pair::new(cfg, SessionConfig::smsc());
    pair.auto_accept_binds = true;
    checked_links(&mut pair);
    let mut esme = Model::default();
    let mut smsc = Model::default();
    if let Ok(seq) = pair
        .esme
        .bind(pair.now, BindKind::Transceiver, Bind::new("esme", "pw"))
    {
        esme.issued(seq);
    }
    settle(&mut pair, &mut esme, &mut smsc);
    let mut it = data.iter().copied();
    while let Some(op) = it.next() {
        let arg = it.next().unwrap_or(0);
        let now = pair.now;
        match op % 17 {
            0 | 1 => {
                if let Ok(seq) = pair.esme.send_request(now, submit()) {
                    esme.issued(seq);
                }
            }
            2 => {
                if let Ok(seq) = pair.smsc.send_request(now, deliver()) {
                    smsc.issued(seq);
                }
            }
            3 => {
                if let Some(tok) = esme.tokens.pop_front() {
                    let r = Reply::ok(Body::DeliverSmResp(MessageIdResp::default()));
                    let _ = pair.esme.respond(now, tok, r);
                }
            }
            4 | 5 => {
                if let Some(tok) = smsc.tokens.pop_front() {
                    let r = match arg % 4 {
                        0 => Reply::error(CommandStatus::Throttled),
                        1 => Reply::error(CommandStatus::InvDstAdr),
                        _ => Reply::ok(Body::SubmitSmResp(MessageIdResp::new("id"))),
                    };
                    let _ = pair.smsc.respond(now, tok, r);
                }
            }
            6 => pair.advance(Duration::from_millis(u64::from(arg) * 10)),
            7 => pair.advance(Duration::from_secs(u64::from(arg))),
            8 => {
                let c = match arg % 3 {
                    0 => Chunking::Whole,
                    1 => Chunking::ByteByByte,
                    _ => Chunking::Random {
                        seed: u64::from(arg),
                        max: usize::from(arg % 32) + 1,
                    },
                };
                pair.to_smsc.set_chunking(c);
                pair.to_esme.set_chunking(c);
            }
            9 => pair.to_esme.latency = Duration::from_millis(u64::from(arg)),
            10 => {
                if arg % 2 == 0 {
                    pair.to_esme.stall();
                } else {
                    pair.to_esme.resume();
                }
            }
            11 => {
                if let Ok(seq) = pair.esme.unbind(now) {
                    esme.issued(seq);
                }
            }
            12 => {
                if let Ok(seq) = pair.smsc.unbind(now) {
                    smsc.issued(seq);
                }
            }
            13 => {
                if arg % 8 == 0 {
                    pair.cut();
                } else if arg % 8 == 1 {
                    pair.esme.close(now);
                }
            }
            14 => {
                if let Ok(seq) = pair.esme.send_request(now, Body::EnquireLink) {
                    esme.issued(seq);
                }
            }
            15 => {
                let _ = pair.advance_to_next_timeout();
            }
            _ => {
                // forget a token: the automatic answer must cover it
                let _ = smsc.tokens.pop_front();
            }
        }
        settle(&mut pair, &mut esme, &mut smsc);
    }
    // End: a cut resolves everything still pending.
    pair.cut();
    settle(&mut pair, &mut esme, &mut smsc);
    let _: Option<Bytes> = pair.esme.poll_transmit();
    assert!(esme.closed && smsc.closed, "both sides closed");
    assert!(
        esme.outstanding.is_empty(),
        "ESME unresolved: {:?}",
        esme.outstanding
    );
    assert!(
        smsc.outstanding.is_empty(),
        "SMSC unresolved: {:?}",
        smsc.outstanding
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoke() {
        session_esme(&[]);
        session_esme(&[3, 0, 0, 0, 16, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 9]);
        session_smsc(&[1, 0xFF, 0xFF, 0xFF, 0xFF]);
        session_ops(&[0, 0, 0, 0, 4, 2, 4, 2, 7, 40, 15, 0, 11, 0, 6, 1]);
    }
}
