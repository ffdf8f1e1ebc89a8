//! `smpp decode --pcap FILE`: TCP reassembly per flow, then every SMPP PDU decoded with
//! the same rendering as hex input.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};

use etherparse::{NetSlice, SlicedPacket, TransportSlice};
use pcap_file::DataLink;
use pcap_file::pcap::PcapReader;
use smpp_proto::pdu::{FrameLimits, peek_frame};

#[derive(Default)]
struct Flow {
    next: Option<u32>,
    buf: Vec<u8>,
    ahead: BTreeMap<u32, Vec<u8>>,
    broken: bool,
}

impl Flow {
    fn push(&mut self, seq: u32, syn: bool, data: &[u8]) {
        if syn {
            self.next = Some(seq.wrapping_add(1));
            return;
        }
        let next = *self.next.get_or_insert(seq);
        let off = seq.wrapping_sub(next) as i32;
        if off > 0 {
            self.ahead.insert(seq, data.to_vec());
            return;
        }
        // Retransmission or overlap: keep only the new tail.
        let skip = usize::try_from(-i64::from(off)).unwrap_or(usize::MAX);
        if let Some(new) = data.get(skip..) {
            self.buf.extend_from_slice(new);
            self.next = Some(next.wrapping_add(new.len() as u32));
        }
        while let Some(n) = self.next {
            let Some(d) = self.ahead.remove(&n) else {
                break;
            };
            self.buf.extend_from_slice(&d);
            self.next = Some(n.wrapping_add(d.len() as u32));
        }
    }
}

fn hex(b: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// Decodes every SMPP PDU in a pcap file; `Ok(false)` when a PDU was malformed.
pub(crate) fn run(path: &std::path::Path, json: bool) -> Result<bool, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut reader = PcapReader::new(std::io::BufReader::new(file))
        .map_err(|e| format!("{}: not a pcap file: {e}", path.display()))?;
    let link = reader.header().datalink;
    let mut flows: HashMap<(SocketAddr, SocketAddr), Flow> = HashMap::new();
    let mut order: Vec<(SocketAddr, SocketAddr)> = Vec::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut ok = true;
    let mut pdus = 0usize;
    let limits = FrameLimits::default();
    while let Some(p) = reader.next_packet() {
        let p = p.map_err(|e| format!("{}: {e}", path.display()))?;
        let data: &[u8] = &p.data;
        let sliced = match link {
            DataLink::ETHERNET => SlicedPacket::from_ethernet(data),
            DataLink::LINUX_SLL => SlicedPacket::from_linux_sll(data),
            DataLink::RAW | DataLink::IPV4 | DataLink::IPV6 => SlicedPacket::from_ip(data),
            DataLink::NULL | DataLink::LOOP => {
                SlicedPacket::from_ip(data.get(4..).unwrap_or_default())
            }
            other => return Err(format!("unsupported link type {other:?}")),
        };
        let Ok(s) = sliced else { continue };
        let (src, dst): (IpAddr, IpAddr) = match &s.net {
            Some(NetSlice::Ipv4(v)) => (
                v.header().source_addr().into(),
                v.header().destination_addr().into(),
            ),
            Some(NetSlice::Ipv6(v)) => (
                v.header().source_addr().into(),
                v.header().destination_addr().into(),
            ),
            _ => continue,
        };
        let Some(TransportSlice::Tcp(tcp)) = &s.transport else {
            continue;
        };
        let key = (
            SocketAddr::new(src, tcp.source_port()),
            SocketAddr::new(dst, tcp.destination_port()),
        );
        let flow = flows.entry(key).or_insert_with(|| {
            order.push(key);
            Flow::default()
        });
        if flow.broken {
            continue;
        }
        flow.push(tcp.sequence_number(), tcp.syn(), tcp.payload());
        loop {
            match peek_frame(&flow.buf, &limits) {
                Ok(Some(h)) => {
                    let len = h.command_length as usize;
                    let frame: Vec<u8> = flow.buf.drain(..len).collect();
                    pdus += 1;
                    let flow_name = format!("{} -> {}", key.0, key.1);
                    if json {
                        // Add the flow to each object decode_line prints.
                        let mut buf = Vec::new();
                        ok &= crate::decode::decode_line(&hex(&frame), true, &mut buf);
                        for line in String::from_utf8_lossy(&buf).lines() {
                            match serde_json::from_str::<serde_json::Value>(line) {
                                Ok(serde_json::Value::Object(mut m)) => {
                                    m.insert("flow".into(), flow_name.clone().into());
                                    let _ = writeln!(out, "{}", serde_json::Value::Object(m));
                                }
                                _ => {
                                    let _ = writeln!(out, "{line}");
                                }
                            }
                        }
                    } else {
                        let _ = writeln!(out, "# {flow_name}");
                        ok &= crate::decode::decode_line(&hex(&frame), false, &mut out);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    eprintln!(
                        "smpp decode: {} -> {}: not SMPP ({e}); skipping this flow",
                        key.0, key.1
                    );
                    flow.broken = true;
                    flow.buf.clear();
                    break;
                }
            }
        }
    }
    for k in order {
        if let Some(f) = flows.get(&k) {
            if !f.buf.is_empty() && !f.broken {
                eprintln!(
                    "smpp decode: {} -> {}: {} octets of an incomplete PDU at the end",
                    k.0,
                    k.1,
                    f.buf.len()
                );
            }
        }
    }
    if pdus == 0 {
        return Err(format!("{}: no SMPP PDU found", path.display()));
    }
    Ok(ok)
}
