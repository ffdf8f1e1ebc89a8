//! Inbound `deliver_sm` / `data_sm`: reassembly of long messages together with the answer
//! ([`ReplyToken`]) of every part, so that each part is answered exactly once.
//!
//! [`Inbound`] sits between [`Session`](crate::session::Session)'s
//! [`Event::Request`](crate::session::Event::Request) and the application. Every token
//! comes back out exactly once, by one of two routes:
//!
//! * in an [`InboundMessage`] when the message is whole: the application answers all its
//!   tokens together (accepting or refusing the whole message);
//! * from [`Inbound::poll_answer`], with the answer already chosen: `OK` for a part that was
//!   redelivered while its first copy is held, `ESME_RX_T_APPN` (so the SMSC redelivers)
//!   for every part of a message that was given up (timeout, memory limits), and
//!   `ESME_RINVCMDID` for a request that is neither `deliver_sm` nor `data_sm`.
//!
//! Like the session it is sans-IO: after [`Inbound::handle_request`] or
//! [`Inbound::handle_timeout`], drain [`Inbound::poll_answer`] and
//! [`Inbound::poll_message`]; sleep at most until [`Inbound::poll_timeout`].
//!
//! ```
//! use std::time::Instant;
//! use smpp_proto::inbound::Inbound;
//! use smpp_proto::segment::ReassemblerConfig;
//!
//! let mut inbound = Inbound::new(ReassemblerConfig::default());
//! let now = Instant::now(); // the adapter's clock
//! // on Event::Request { token, body }: inbound.handle_request(token, body, now);
//! inbound.handle_timeout(now);
//! while let Some((_token, _reply)) = inbound.poll_answer() { /* session.respond(..) */ }
//! while let Some(_message) = inbound.poll_message() { /* hand to the application */ }
//! assert_eq!(inbound.poll_timeout(), None); // nothing held
//! ```

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use bytes::Bytes;

use crate::pdu::{Body, CommandStatus};
use crate::segment::{
    ConcatRef, IncomingPart, Namespace, Reassembler, ReassemblerConfig, ReassemblyEvent, SarInfo,
};
use crate::session::{Reply, ReplyToken};

/// A whole inbound message (one PDU, or every part of a long one) and its answer tokens.
#[derive(Debug)]
#[non_exhaustive]
pub struct InboundMessage {
    /// The request (for a long message: the part with the highest sequence number).
    pub body: Body,
    /// The answer tokens of every part, in part order. Answer each exactly once.
    pub tokens: Vec<ReplyToken>,
    /// Whether esm_class marks an SMSC delivery receipt or intermediate notification.
    pub is_receipt: bool,
    /// The decoded text of the whole message (all parts joined), when it is text. For a
    /// receipt, the raw user data read as (lossy) UTF-8.
    pub text: Option<String>,
    /// How many PDUs made up this message.
    pub parts: usize,
}

/// The positive answer to a request: its empty response with status 0.
#[must_use]
pub fn ok_reply(token: &ReplyToken) -> Reply {
    Reply::ok(Body::empty_response(token.command_id()).unwrap_or(Body::GenericNack))
}

/// The answer to a request with `status`: [`ok_reply`] for [`CommandStatus::Ok`], else a
/// header-only error.
#[must_use]
pub fn reply_with(token: &ReplyToken, status: CommandStatus) -> Reply {
    if status.is_ok() {
        ok_reply(token)
    } else {
        Reply::error(status)
    }
}

type Key = (Bytes, Bytes, Namespace, u16, u8);

#[derive(Debug)]
struct Held {
    seq: u8,
    token: ReplyToken,
    body: Body,
}

/// Reassembles inbound `deliver_sm` / `data_sm` and keeps every part's answer token. See
/// the [module docs](self).
#[derive(Debug)]
pub struct Inbound {
    reassembler: Reassembler,
    held: HashMap<Key, Vec<Held>>,
    /// The unsegmented message being handed through the reassembler.
    single: Option<(ReplyToken, Body)>,
    answers: VecDeque<(ReplyToken, Reply)>,
    messages: VecDeque<InboundMessage>,
}

impl Default for Inbound {
    /// [`ReassemblerConfig::default`] (120 s to collect a message's parts).
    fn default() -> Self {
        Self::new(ReassemblerConfig::default())
    }
}

/// The concatenation values the reassembler treats as a segmented message.
fn segmented(part: &IncomingPart) -> Option<ConcatRef> {
    part.concat
        .filter(|c| c.total > 1 && c.seq >= 1 && c.seq <= c.total)
}

impl Inbound {
    /// An assembler with `config` for its [`Reassembler`].
    #[must_use]
    pub fn new(config: ReassemblerConfig) -> Self {
        Self {
            reassembler: Reassembler::new(config),
            held: HashMap::new(),
            single: None,
            answers: VecDeque::new(),
            messages: VecDeque::new(),
        }
    }

    /// Incomplete messages held.
    #[must_use]
    pub fn pending_messages(&self) -> usize {
        self.held.len()
    }

    /// A request arrived at `now` (from
    /// [`Event::Request`](crate::session::Event::Request)). Also gives up, as
    /// [`handle_timeout`](Self::handle_timeout) would, messages whose time ran out by `now`.
    pub fn handle_request(&mut self, token: ReplyToken, body: Body, now: Instant) {
        let (source, dest, dc, esm, data, sar) = match &body {
            Body::DeliverSm(d) => (
                d.source_addr.bytes().clone(),
                d.destination_addr.bytes().clone(),
                d.data_coding.0,
                d.esm_class,
                d.payload(),
                d.tlvs.sar(),
            ),
            Body::DataSm(d) => (
                d.source_addr.bytes().clone(),
                d.destination_addr.bytes().clone(),
                d.data_coding.0,
                d.esm_class,
                d.tlvs.message_payload().unwrap_or_default(),
                d.tlvs.sar(),
            ),
            _ => {
                // Anything else (query_sm from a confused peer...) is refused.
                self.answers
                    .push_back((token, Reply::error(CommandStatus::InvCmdId)));
                return;
            }
        };
        let is_receipt = esm.is_delivery_receipt() || esm.is_intermediate_notification();
        let sar = sar.map(|s| SarInfo {
            reference: s.ref_num,
            total: s.total,
            seq: s.seq,
        });
        let part = IncomingPart::from_short_message(
            source,
            dest,
            dc,
            esm.udhi() && !is_receipt,
            data,
            sar,
        );
        if let Some(c) = segmented(&part) {
            let key = (
                part.source.clone(),
                part.destination.clone(),
                c.namespace,
                c.reference,
                c.total,
            );
            let held = self.held.entry(key).or_default();
            if held.iter().any(|h| h.seq == c.seq) {
                // A redelivered part whose first copy is held.
                let reply = ok_reply(&token);
                self.answers.push_back((token, reply));
                return;
            }
            held.push(Held {
                seq: c.seq,
                token,
                body,
            });
        } else {
            self.single = Some((token, body));
        }
        self.reassembler.handle_part(part, now);
        self.drain(is_receipt);
        self.handle_timeout(now);
    }

    /// Time passed: gives up the messages whose parts did not all arrive in time; their
    /// tokens come out of [`poll_answer`](Self::poll_answer) with `ESME_RX_T_APPN`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.reassembler.handle_timeout(now);
        self.drain(false);
    }

    /// When [`handle_timeout`](Self::handle_timeout) next has something to do.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.reassembler.poll_timeout()
    }

    /// A token to answer now, with its answer.
    pub fn poll_answer(&mut self) -> Option<(ReplyToken, Reply)> {
        self.answers.pop_front()
    }

    /// A whole message for the application.
    pub fn poll_message(&mut self) -> Option<InboundMessage> {
        self.messages.pop_front()
    }

    /// Turns the reassembler's events into messages and answers. `is_receipt` is the flag
    /// of the part just handled (the only one that can complete a message).
    fn drain(&mut self, is_receipt: bool) {
        while let Some(ev) = self.reassembler.poll_event() {
            match ev {
                ReassemblyEvent::Complete(m) => {
                    let mut held = match m.concat.filter(|(_, _, total)| *total > 1) {
                        Some((ns, r, t)) => {
                            let key = (m.source.clone(), m.destination.clone(), ns, r, t);
                            self.held.remove(&key).unwrap_or_default()
                        }
                        None => self
                            .single
                            .take()
                            .map(|(token, body)| Held {
                                seq: 1,
                                token,
                                body,
                            })
                            .into_iter()
                            .collect(),
                    };
                    held.sort_by_key(|h| h.seq);
                    let parts = held.len();
                    let text = if is_receipt {
                        Some(String::from_utf8_lossy(&m.user_data).into_owned())
                    } else {
                        m.text.ok().map(|t| t.text)
                    };
                    let mut tokens = Vec::with_capacity(parts);
                    let mut last = None;
                    for h in held {
                        tokens.push(h.token);
                        last = Some(h.body);
                    }
                    if let Some(body) = last {
                        self.messages.push_back(InboundMessage {
                            body,
                            tokens,
                            is_receipt,
                            text,
                            parts,
                        });
                    }
                }
                ReassemblyEvent::Partial(p) => {
                    // Given up: ask the SMSC to redeliver every part we held.
                    let key = (p.source, p.destination, p.namespace, p.reference, p.total);
                    for h in self.held.remove(&key).unwrap_or_default() {
                        self.answers
                            .push_back((h.token, Reply::error(CommandStatus::XTAppn)));
                    }
                }
                ReassemblyEvent::ConflictingDuplicate { .. } => {}
            }
        }
        // An unsegmented request the reassembler did not complete (it always does): never
        // leave its token unanswered.
        if let Some((token, _)) = self.single.take() {
            self.answers
                .push_back((token, Reply::error(CommandStatus::XTAppn)));
        }
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests take one real Instant as their time origin
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::pdu::{CommandId, DataCoding, DeliverSm, EsmClass, SequenceNumber};

    fn token(seq: u32) -> ReplyToken {
        ReplyToken {
            sequence: SequenceNumber(seq),
            command_id: CommandId::DeliverSm,
            generation: 1,
            slot: u64::from(seq),
        }
    }

    fn udh_part(reference: u8, total: u8, seq: u8, text: &[u8]) -> Body {
        let mut sm = vec![0x05, 0x00, 0x03, reference, total, seq];
        sm.extend_from_slice(text);
        Body::DeliverSm(
            DeliverSm::new("111", "222", sm)
                .with_esm_class(EsmClass(0x40))
                .with_data_coding(DataCoding(0)),
        )
    }

    fn seqs(tokens: &[ReplyToken]) -> Vec<u32> {
        tokens.iter().map(|t| t.sequence().0).collect()
    }

    #[test]
    fn single_message_comes_out_with_its_token() {
        let mut a = Inbound::default();
        let now = Instant::now();
        a.handle_request(
            token(1),
            Body::DeliverSm(DeliverSm::new("1", "2", &b"hi"[..])),
            now,
        );
        let m = a.poll_message().unwrap();
        assert_eq!(seqs(&m.tokens), [1]);
        assert_eq!(m.text.as_deref(), Some("hi"));
        assert_eq!(m.parts, 1);
        assert!(!m.is_receipt);
        assert!(a.poll_answer().is_none());
        assert!(a.poll_message().is_none());
    }

    #[test]
    fn long_message_carries_every_token_and_duplicates_are_answered_ok() {
        let mut a = Inbound::default();
        let now = Instant::now();
        a.handle_request(token(1), udh_part(7, 2, 2, b"world"), now);
        assert!(a.poll_message().is_none());
        a.handle_request(token(2), udh_part(7, 2, 2, b"world"), now);
        let (t, r) = a.poll_answer().unwrap();
        assert_eq!(t.sequence().0, 2);
        assert_eq!(r.status, CommandStatus::Ok);
        a.handle_request(token(3), udh_part(7, 2, 1, b"hello "), now);
        let m = a.poll_message().unwrap();
        assert_eq!(seqs(&m.tokens), [3, 1]);
        assert_eq!(m.text.as_deref(), Some("hello world"));
        assert_eq!(m.parts, 2);
        assert_eq!(a.pending_messages(), 0);
    }

    #[test]
    fn given_up_parts_are_answered_with_a_temporary_error() {
        let mut a = Inbound::default();
        let now = Instant::now();
        a.handle_request(token(1), udh_part(9, 3, 1, b"a"), now);
        a.handle_request(token(2), udh_part(9, 3, 3, b"c"), now);
        let deadline = a.poll_timeout().unwrap();
        a.handle_timeout(deadline + Duration::from_secs(1));
        let answered: Vec<_> = std::iter::from_fn(|| a.poll_answer()).collect();
        assert_eq!(answered.len(), 2);
        assert!(
            answered
                .iter()
                .all(|(_, r)| r.status == CommandStatus::XTAppn)
        );
        assert!(a.poll_message().is_none());
        assert_eq!(a.pending_messages(), 0);
    }

    #[test]
    fn total_of_one_and_bad_seq_are_single_messages() {
        let mut a = Inbound::default();
        let now = Instant::now();
        a.handle_request(token(1), udh_part(1, 1, 1, b"one"), now);
        assert_eq!(seqs(&a.poll_message().unwrap().tokens), [1]);
        a.handle_request(token(2), udh_part(1, 2, 5, b"bad"), now);
        assert_eq!(seqs(&a.poll_message().unwrap().tokens), [2]);
        assert!(a.poll_answer().is_none());
        assert_eq!(a.pending_messages(), 0);
    }

    #[test]
    fn other_requests_are_refused() {
        let mut a = Inbound::default();
        a.handle_request(token(1), Body::EnquireLink, Instant::now());
        let (_, r) = a.poll_answer().unwrap();
        assert_eq!(r.status, CommandStatus::InvCmdId);
    }
}
