//! Sans-IO reassembly of concatenated messages (smpp-reference §11.4).
//!
//! Parts come in through [`Reassembler::handle_part`] in any order, duplicated or not, from
//! any of the three methods; results come out of [`Reassembler::poll_event`]. Time is passed
//! in: [`Reassembler::poll_timeout`] says when to call [`Reassembler::handle_timeout`].
//! Memory is bounded by [`ReassemblerConfig::max_messages`] and
//! [`ReassemblerConfig::max_bytes`]; incomplete messages that expire or are evicted come out
//! as [`ReassemblyEvent::Partial`] with the parts that did arrive (never silently dropped).
//!
//! ```
//! use std::time::Instant;
//! use bytes::Bytes;
//! use smpp_proto::segment::{IncomingPart, Reassembler, ReassemblerConfig, ReassemblyEvent};
//! let mut r = Reassembler::new(ReassemblerConfig::default());
//! let now = Instant::now();
//! for sm in [&b"\x05\x00\x03\x07\x02\x02world"[..], &b"\x05\x00\x03\x07\x02\x01hello "[..]] {
//!     let part = IncomingPart::from_short_message(
//!         Bytes::from_static(b"4790000001"), Bytes::from_static(b"12345"),
//!         0x00, true, Bytes::copy_from_slice(sm), None);
//!     r.handle_part(part, now);
//! }
//! match r.poll_event() {
//!     Some(ReassemblyEvent::Complete(m)) => assert_eq!(m.text.unwrap().text, "hello world"),
//!     other => panic!("{other:?}"),
//! }
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};

use super::udh::Udh;
use super::{ConcatRef, Namespace, SarInfo};
use crate::text::{
    self, Alphabet, CodecOptions, Coding, DecodeReport, DefaultAlphabet, ShiftTables, Strictness,
    TextError, gsm7, septets,
};

/// Limits and decoding settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReassemblerConfig {
    /// Most incomplete messages held at once; the oldest is evicted beyond it.
    pub max_messages: usize,
    /// Most octets held (user data of stored parts plus both addresses per message); the
    /// oldest messages are evicted beyond it.
    pub max_bytes: usize,
    /// How long an incomplete message waits for its missing parts (from its first part).
    pub timeout: Duration,
    /// What `data_coding` 0x00 means on this connection.
    pub default_alphabet: DefaultAlphabet,
    /// GSM 7-bit user data arrives packed (per-connection option; normally unpacked).
    pub packed: bool,
}

impl Default for ReassemblerConfig {
    fn default() -> Self {
        Self {
            max_messages: 1024,
            max_bytes: 4 * 1024 * 1024,
            timeout: Duration::from_secs(120),
            default_alphabet: DefaultAlphabet::Gsm7,
            packed: false,
        }
    }
}

/// One received message part, as extracted from a PDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingPart {
    /// Originator address.
    pub source: Bytes,
    /// Destination address.
    pub destination: Bytes,
    /// Concatenation values (`None`: an unsegmented message).
    pub concat: Option<ConcatRef>,
    /// The `data_coding` octet.
    pub data_coding: u8,
    /// National shift tables selected by this part's UDH.
    pub tables: ShiftTables,
    /// Fill bits before the first septet when GSM data is packed after a UDH.
    pub fill_bits: u8,
    /// User data after the UDH.
    pub user_data: Bytes,
    /// The UDHI bit was set but the header was malformed: `user_data` is the raw field.
    pub malformed_udh: bool,
}

impl IncomingPart {
    /// Build a part from PDU fields: `udhi` is esm_class bit 0x40, `data` the user data
    /// (`short_message`, or `message_payload` per [`payload::user_data`](super::payload::user_data)),
    /// `sar` the SAR TLV values if all three were present. A UDH concatenation IE wins over SAR
    /// values; a malformed UDH delivers the data raw as an unsegmented message.
    pub fn from_short_message(
        source: Bytes,
        destination: Bytes,
        data_coding: u8,
        udhi: bool,
        data: Bytes,
        sar: Option<SarInfo>,
    ) -> Self {
        let sar_ref = sar.map(|s| ConcatRef {
            namespace: Namespace::Sar,
            reference: s.reference,
            total: s.total,
            seq: s.seq,
        });
        let mut part = Self {
            source,
            destination,
            concat: sar_ref,
            data_coding,
            tables: ShiftTables::NONE,
            fill_bits: 0,
            user_data: data.clone(),
            malformed_udh: false,
        };
        if udhi {
            match Udh::parse(&data) {
                Ok((udh, len)) => {
                    part.concat = udh.concat().or(sar_ref);
                    part.tables = udh.shift_tables();
                    part.fill_bits = septets::fill_bits(len);
                    part.user_data = data.slice(len.min(data.len())..);
                }
                Err(_) => part.malformed_udh = true,
            }
        }
        part
    }
}

/// Decoded text of a reassembled message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReassembledText {
    /// The text (lenient decoding).
    pub text: String,
    /// What lenient decoding replaced or dropped.
    pub report: DecodeReport,
}

/// A complete message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompleteMessage {
    /// Originator address.
    pub source: Bytes,
    /// Destination address.
    pub destination: Bytes,
    /// Namespace, reference and total parts (`None`: the message was not segmented).
    pub concat: Option<(Namespace, u16, u8)>,
    /// The `data_coding` octet (of the first part).
    pub data_coding: u8,
    /// User data of all parts joined, headers stripped (for packed GSM, the packed octets).
    pub user_data: Bytes,
    /// The text, or why there is none (binary data, unsupported alphabet).
    pub text: Result<ReassembledText, TextError>,
    /// A malformed UDH was delivered raw.
    pub malformed_udh: bool,
}

/// Why an incomplete message was given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartialReason {
    /// The timeout passed.
    Expired,
    /// Evicted to respect `max_messages` / `max_bytes`.
    Evicted,
    /// A single part larger than `max_bytes`.
    Oversized,
}

/// An incomplete message with the parts that arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialMessage {
    /// Why it is delivered incomplete.
    pub reason: PartialReason,
    /// Originator address.
    pub source: Bytes,
    /// Destination address.
    pub destination: Bytes,
    /// Reference namespace.
    pub namespace: Namespace,
    /// Reference number.
    pub reference: u16,
    /// Total parts announced.
    pub total: u8,
    /// The `data_coding` octet of the first part received.
    pub data_coding: u8,
    /// `(seq, user data)` of each part received, in sequence order.
    pub parts: Vec<(u8, Bytes)>,
}

/// Output of the reassembler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReassemblyEvent {
    /// All parts arrived (or the message was not segmented).
    Complete(CompleteMessage),
    /// An incomplete message was given up.
    Partial(PartialMessage),
    /// A part arrived again with different contents; the first copy is kept.
    ConflictingDuplicate {
        /// Originator address.
        source: Bytes,
        /// Destination address.
        destination: Bytes,
        /// The duplicate's concatenation values.
        concat: ConcatRef,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    namespace: Namespace,
    source: Bytes,
    destination: Bytes,
    reference: u16,
    total: u8,
}

#[derive(Debug, Clone)]
struct Stored {
    user_data: Bytes,
    data_coding: u8,
    tables: ShiftTables,
    fill_bits: u8,
}

#[derive(Debug)]
struct Pending {
    order: (Instant, u64),
    parts: Vec<Option<Stored>>,
    received: usize,
    bytes: usize,
}

/// Reassembles concatenated messages. See the [module docs](self).
#[derive(Debug)]
pub struct Reassembler {
    config: ReassemblerConfig,
    pending: HashMap<Key, Pending>,
    order: BTreeMap<(Instant, u64), Key>,
    bytes: usize,
    counter: u64,
    events: VecDeque<ReassemblyEvent>,
}

impl Reassembler {
    /// A reassembler with `config`.
    pub fn new(config: ReassemblerConfig) -> Self {
        Self {
            config,
            pending: HashMap::new(),
            order: BTreeMap::new(),
            bytes: 0,
            counter: 0,
            events: VecDeque::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &ReassemblerConfig {
        &self.config
    }

    /// Incomplete messages held.
    pub fn pending_messages(&self) -> usize {
        self.pending.len()
    }

    /// Octets held (as counted against [`ReassemblerConfig::max_bytes`]).
    pub fn pending_bytes(&self) -> usize {
        self.bytes
    }

    /// A part arrived at `now`.
    pub fn handle_part(&mut self, part: IncomingPart, now: Instant) {
        let Some(c) = part.concat.filter(|c| c.total > 1) else {
            let stored = Stored {
                user_data: part.user_data,
                data_coding: part.data_coding,
                tables: part.tables,
                fill_bits: part.fill_bits,
            };
            let concat = part.concat.map(|c| (c.namespace, c.reference, c.total));
            let msg = self.complete(
                part.source,
                part.destination,
                concat,
                &[stored],
                part.malformed_udh,
            );
            self.events.push_back(ReassemblyEvent::Complete(msg));
            return;
        };
        if c.seq == 0 || c.seq > c.total {
            return self.handle_part(
                IncomingPart {
                    concat: None,
                    ..part
                },
                now,
            );
        }
        let key = Key {
            namespace: c.namespace,
            source: part.source.clone(),
            destination: part.destination.clone(),
            reference: c.reference,
            total: c.total,
        };
        let key_cost = key.source.len() + key.destination.len();
        let part_cost = part.user_data.len();
        let idx = usize::from(c.seq - 1);
        let stored = Stored {
            user_data: part.user_data,
            data_coding: part.data_coding,
            tables: part.tables,
            fill_bits: part.fill_bits,
        };
        if let Some(p) = self.pending.get_mut(&key) {
            match p.parts.get(idx) {
                Some(Some(old)) => {
                    if old.user_data != stored.user_data || old.data_coding != stored.data_coding {
                        self.events
                            .push_back(ReassemblyEvent::ConflictingDuplicate {
                                source: key.source,
                                destination: key.destination,
                                concat: c,
                            });
                    }
                    return;
                }
                _ => {
                    if let Some(slot) = p.parts.get_mut(idx) {
                        *slot = Some(stored);
                    }
                    p.received += 1;
                    p.bytes += part_cost;
                    self.bytes += part_cost;
                }
            }
        } else {
            if key_cost + part_cost > self.config.max_bytes {
                self.events
                    .push_back(ReassemblyEvent::Partial(PartialMessage {
                        reason: PartialReason::Oversized,
                        source: key.source,
                        destination: key.destination,
                        namespace: key.namespace,
                        reference: key.reference,
                        total: key.total,
                        data_coding: stored.data_coding,
                        parts: vec![(c.seq, stored.user_data)],
                    }));
                return;
            }
            while self.pending.len() >= self.config.max_messages.max(1) {
                if !self.evict_oldest(None) {
                    break;
                }
            }
            self.counter += 1;
            let order = (now, self.counter);
            let mut parts = vec![None; usize::from(c.total)];
            if let Some(slot) = parts.get_mut(idx) {
                *slot = Some(stored);
            }
            let cost = key_cost + part_cost;
            self.bytes += cost;
            self.order.insert(order, key.clone());
            self.pending.insert(
                key.clone(),
                Pending {
                    order,
                    parts,
                    received: 1,
                    bytes: cost,
                },
            );
        }
        // Respect the byte bound: evict the oldest others first, then this one.
        while self.bytes > self.config.max_bytes {
            if !self.evict_oldest(Some(&key)) {
                self.remove_partial(&key, PartialReason::Evicted);
                break;
            }
        }
        let done = self
            .pending
            .get(&key)
            .is_some_and(|p| p.received == p.parts.len());
        if done {
            if let Some(p) = self.remove(&key) {
                let parts: Vec<Stored> = p.parts.into_iter().flatten().collect();
                let msg = self.complete(
                    key.source,
                    key.destination,
                    Some((key.namespace, key.reference, key.total)),
                    &parts,
                    false,
                );
                self.events.push_back(ReassemblyEvent::Complete(msg));
            }
        }
    }

    /// The next event, if any. Call until `None` after every `handle_*`.
    pub fn poll_event(&mut self) -> Option<ReassemblyEvent> {
        self.events.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.order
            .keys()
            .next()
            .map(|(t, _)| *t + self.config.timeout)
    }

    /// Time has reached `now`: give up messages whose timeout passed.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some((&(t, _), key)) = self.order.iter().next() {
            if t + self.config.timeout > now {
                break;
            }
            let key = key.clone();
            self.remove_partial(&key, PartialReason::Expired);
        }
    }

    fn remove(&mut self, key: &Key) -> Option<Pending> {
        let p = self.pending.remove(key)?;
        self.order.remove(&p.order);
        self.bytes = self.bytes.saturating_sub(p.bytes);
        Some(p)
    }

    fn remove_partial(&mut self, key: &Key, reason: PartialReason) {
        if let Some(p) = self.remove(key) {
            let mut data_coding = None;
            let parts: Vec<(u8, Bytes)> = p
                .parts
                .into_iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let s = s?;
                    data_coding.get_or_insert(s.data_coding);
                    Some((u8::try_from(i + 1).unwrap_or(u8::MAX), s.user_data))
                })
                .collect();
            self.events
                .push_back(ReassemblyEvent::Partial(PartialMessage {
                    reason,
                    source: key.source.clone(),
                    destination: key.destination.clone(),
                    namespace: key.namespace,
                    reference: key.reference,
                    total: key.total,
                    data_coding: data_coding.unwrap_or(0),
                    parts,
                }));
        }
    }

    /// Evict the oldest message other than `keep`; false if there is none.
    fn evict_oldest(&mut self, keep: Option<&Key>) -> bool {
        let victim = self.order.values().find(|k| Some(*k) != keep).cloned();
        match victim {
            Some(k) => {
                self.remove_partial(&k, PartialReason::Evicted);
                true
            }
            None => false,
        }
    }

    fn complete(
        &self,
        source: Bytes,
        destination: Bytes,
        concat: Option<(Namespace, u16, u8)>,
        parts: &[Stored],
        malformed_udh: bool,
    ) -> CompleteMessage {
        let data_coding = parts.first().map_or(0, |p| p.data_coding);
        let user_data = if let [one] = parts {
            one.user_data.clone()
        } else {
            let mut b = BytesMut::with_capacity(parts.iter().map(|p| p.user_data.len()).sum());
            for p in parts {
                b.extend_from_slice(&p.user_data);
            }
            b.freeze()
        };
        let coding = Coding::from_data_coding(data_coding, self.config.default_alphabet);
        let text = if coding.compressed {
            Err(TextError::Unsupported(coding.alphabet))
        } else if coding.alphabet == Alphabet::Gsm7 {
            Ok(decode_gsm_parts(parts, self.config.packed))
        } else {
            let mut s = String::new();
            let opts = CodecOptions {
                strictness: Strictness::Lenient,
                ..CodecOptions::default()
            };
            text::decode(&user_data, coding.alphabet, &opts, &mut s)
                .map(|report| ReassembledText { text: s, report })
        };
        CompleteMessage {
            source,
            destination,
            concat,
            data_coding,
            user_data,
            text,
            malformed_udh,
        }
    }
}

/// GSM parts: unpack each with its own fill bits, join runs of parts that share tables, decode.
fn decode_gsm_parts(parts: &[Stored], packed: bool) -> ReassembledText {
    let mut text = String::new();
    let mut report = DecodeReport::default();
    let mut septet_buf = Vec::new();
    let mut tables = parts.first().map_or(ShiftTables::NONE, |p| p.tables);
    let flush =
        |buf: &mut Vec<u8>, tables: &ShiftTables, text: &mut String, report: &mut DecodeReport| {
            if let Ok(r) = gsm7::decode(buf, tables, Strictness::Lenient, text) {
                report.merge(r);
            }
            buf.clear();
        };
    for p in parts {
        if p.tables != tables {
            flush(&mut septet_buf, &tables, &mut text, &mut report);
            tables = p.tables;
        }
        if packed {
            let info = septets::unpack(&p.user_data, p.fill_bits, &mut septet_buf);
            report.dropped_padding |= info.dropped_padding;
        } else {
            septet_buf.extend_from_slice(&p.user_data);
        }
    }
    flush(&mut septet_buf, &tables, &mut text, &mut report);
    ReassembledText { text, report }
}
