//! Inbound `deliver_sm` / `data_sm`: a thin wrapper over [`smpp_proto::inbound::Inbound`]
//! (reassembly of long messages and the answer tokens that go with them). Every part is
//! answered exactly once: when the application accepts the whole message, immediately for
//! a duplicate part, or with a temporary error when a message is given up, so the SMSC
//! redelivers.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use smpp_proto::inbound::Inbound;
use smpp_proto::pdu::Body;
use smpp_proto::segment::ReassemblerConfig;
use smpp_proto::session::ReplyToken;

use crate::client::{Ack, Delivery};
use crate::conn::{Cmd, Msg};

/// Reassembles inbound messages and holds their answer tokens.
pub(crate) struct Assembler {
    inner: Inbound,
}

impl Default for Assembler {
    fn default() -> Self {
        let config = ReassemblerConfig {
            timeout: Duration::from_secs(120),
            ..ReassemblerConfig::default()
        };
        Self {
            inner: Inbound::new(config),
        }
    }
}

impl Assembler {
    /// Takes one inbound request; returns a whole message when one is complete.
    pub(crate) fn push(
        &mut self,
        token: ReplyToken,
        body: Body,
        answers: &mpsc::Sender<Msg>,
        auto_ack: bool,
    ) -> Option<Delivery> {
        self.inner.handle_request(token, body, Instant::now());
        while let Some((token, reply)) = self.inner.poll_answer() {
            let _ = answers.send(Msg::Command(Cmd::Answer { token, reply }));
        }
        let mut out = None;
        while let Some(m) = self.inner.poll_message() {
            let mut ack = Ack::new(m.tokens, answers.clone());
            if auto_ack {
                ack.accept_in_place();
            }
            out = Some(Delivery {
                body: m.body,
                is_receipt: m.is_receipt,
                text: m.text,
                parts: m.parts,
                ack,
            });
        }
        out
    }
}
