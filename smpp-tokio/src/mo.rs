//! Inbound `deliver_sm` / `data_sm`: reassembly of long messages and the answer tokens
//! that go with them. Every part is answered exactly once: when the application accepts
//! the whole message, immediately for a duplicate part, or with a temporary error when a
//! message is given up, so the SMSC redelivers.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use smpp_proto::pdu::{Body, CommandStatus};
use smpp_proto::segment::{
    IncomingPart, Namespace, Reassembler, ReassemblerConfig, ReassemblyEvent,
};
use smpp_proto::session::{Reply, ReplyToken};
use tokio::sync::mpsc;

use crate::client::{Ack, Delivery};
use crate::driver::{Answer, now};
use smpp_proto::receipt::ReceiptOptions;

type Key = (Bytes, Bytes, Namespace, u16, u8);

/// Reassembles inbound messages and holds their answer tokens.
pub(crate) struct Assembler {
    inner: Reassembler,
    tokens: HashMap<Key, Vec<(u8, ReplyToken, Body)>>,
    receipts: ReceiptOptions,
}

impl Assembler {
    pub(crate) fn new(receipts: ReceiptOptions) -> Self {
        let config = ReassemblerConfig {
            timeout: Duration::from_secs(120),
            ..ReassemblerConfig::default()
        };
        Self {
            inner: Reassembler::new(config),
            tokens: HashMap::new(),
            receipts,
        }
    }
}

fn answer_ok(tx: &mpsc::UnboundedSender<Answer>, token: ReplyToken) {
    let reply = Reply::ok(Body::empty_response(token.command_id()).unwrap_or(Body::GenericNack));
    let _ = tx.send(Answer::Respond { token, reply });
}

impl Assembler {
    /// Takes one inbound request; returns a whole message when one is complete.
    pub(crate) fn push(
        &mut self,
        token: ReplyToken,
        body: Body,
        answers: &mpsc::UnboundedSender<Answer>,
        auto_ack: bool,
    ) -> Option<Delivery> {
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
                let _ = answers.send(Answer::Respond {
                    token,
                    reply: Reply::error(CommandStatus::InvCmdId),
                });
                return None;
            }
        };
        let is_receipt = esm.is_delivery_receipt() || esm.is_intermediate_notification();
        let sar = sar.map(|s| smpp_proto::segment::SarInfo {
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
        let n = now();
        if let Some(c) = part.concat.filter(|c| c.total > 1) {
            let key = (
                part.source.clone(),
                part.destination.clone(),
                c.namespace,
                c.reference,
                c.total,
            );
            let held = self.tokens.entry(key).or_default();
            if held.iter().any(|(seq, _, _)| *seq == c.seq) {
                answer_ok(answers, token); // a redelivered part we already hold
                return None;
            }
            held.push((c.seq, token, body));
        } else {
            let key = (
                part.source.clone(),
                part.destination.clone(),
                Namespace::Sar,
                0,
                0,
            );
            self.tokens.entry(key).or_default().push((1, token, body));
        }
        self.inner.handle_part(part, n);
        self.inner.handle_timeout(n);
        let mut out = None;
        while let Some(ev) = self.inner.poll_event() {
            match ev {
                ReassemblyEvent::Complete(m) => {
                    let key = match m.concat {
                        Some((ns, r, t)) => (m.source.clone(), m.destination.clone(), ns, r, t),
                        None => (
                            m.source.clone(),
                            m.destination.clone(),
                            Namespace::Sar,
                            0,
                            0,
                        ),
                    };
                    let Some(mut held) = self.tokens.remove(&key) else {
                        continue;
                    };
                    held.sort_by_key(|(s, _, _)| *s);
                    let parts = held.len();
                    let text = if is_receipt {
                        Some(String::from_utf8_lossy(&m.user_data).into_owned())
                    } else {
                        m.text.ok().map(|t| t.text)
                    };
                    let mut tokens = Vec::with_capacity(parts);
                    let mut last = None;
                    for (_, t, b) in held {
                        tokens.push(t);
                        last = Some(b);
                    }
                    let mut ack = Ack::new(tokens, answers.clone());
                    if auto_ack {
                        ack.accept_in_place();
                    }
                    let receipts = self.receipts;
                    out = last.map(|body| Delivery {
                        receipt: if is_receipt {
                            crate::tracking::read(&body, &receipts)
                        } else {
                            None
                        },
                        body,
                        is_receipt,
                        text,
                        parts,
                        ack,
                    });
                }
                ReassemblyEvent::Partial(p) => {
                    // Given up: ask the SMSC to redeliver every part we held.
                    let key = (p.source, p.destination, p.namespace, p.reference, p.total);
                    for (_, t, _) in self.tokens.remove(&key).unwrap_or_default() {
                        let _ = answers.send(Answer::Respond {
                            token: t,
                            reply: Reply::error(CommandStatus::XTAppn),
                        });
                    }
                }
                ReassemblyEvent::ConflictingDuplicate { .. } => {}
            }
        }
        out
    }
}
