//! `smpp decode`: hex in, text or JSON out.

use std::io::Write;

use bytes::Bytes;
use serde_json::{Map, Value, json};
use smpp_proto::pdu::{
    Body, COctetString, DataCoding, DestAddress, FrameLimits, MessageState, Pdu, SubmitSm, Tlvs,
    peek_frame,
};
use smpp_proto::receipt::{
    self, Conflicts, PduReceipt, ReceiptKind, ReceiptOptions, ReceiptTime, Source,
};
use smpp_proto::segment::Namespace;
use smpp_proto::segment::udh::split_user_data;
use smpp_proto::text::{self, CodecOptions, Coding, DefaultAlphabet, ShiftTables, Strictness};
use smpp_proto::time::CivilDateTime;

/// Parses hex with optional whitespace, `0x` prefixes and `:` separators.
pub(crate) fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let mut digits = String::with_capacity(s.len());
    for tok in s.split_whitespace() {
        let tok = tok
            .strip_prefix("0x")
            .or_else(|| tok.strip_prefix("0X"))
            .unwrap_or(tok);
        for c in tok.chars() {
            match c {
                ':' | '-' => {}
                c if c.is_ascii_hexdigit() => digits.push(c),
                c => return Err(format!("not a hex digit: {c:?}")),
            }
        }
    }
    if digits.len() % 2 != 0 {
        return Err("odd number of hex digits".into());
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(digits.get(i..i + 2).unwrap_or("zz"), 16).map_err(|e| e.to_string())
        })
        .collect()
}

/// Decodes every PDU in one line and prints it; returns false if anything was malformed.
pub(crate) fn decode_line(line: &str, json: bool, out: &mut dyn Write) -> bool {
    let bytes = match parse_hex(line) {
        Ok(b) => b,
        Err(e) => return report(out, json, &format!("bad hex: {e}"), None),
    };
    let mut rest = Bytes::from(bytes);
    let limits = FrameLimits::default();
    if rest.is_empty() {
        return report(out, json, "empty input", None);
    }
    while !rest.is_empty() {
        let header = match peek_frame(&rest, &limits) {
            Ok(Some(h)) => h,
            Ok(None) => {
                let want = rest
                    .get(..4)
                    .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]).to_string())
                    .unwrap_or_else(|| "?".into());
                return report(
                    out,
                    json,
                    &format!(
                        "truncated PDU: {} octets, command_length says {want}",
                        rest.len()
                    ),
                    None,
                );
            }
            Err(e) => return report(out, json, &e.to_string(), Some(e.command_status().value())),
        };
        let frame = rest.split_to(header.command_length as usize);
        match Pdu::decode(frame) {
            Ok(p) => {
                let v = pdu_json(&p);
                // Writing to a closed pipe is not an error worth reporting.
                let _ = if json {
                    writeln!(out, "{v}")
                } else {
                    writeln!(out, "{}", render_text(&v))
                };
            }
            Err(e) => return report(out, json, &e.to_string(), Some(e.command_status().value())),
        }
    }
    true
}

fn report(out: &mut dyn Write, json: bool, what: &str, status: Option<u32>) -> bool {
    if json {
        let _ = writeln!(out, "{}", json!({"error": what, "command_status": status}));
    } else {
        match status {
            Some(s) => eprintln!("smpp decode: {what} (answer with command_status {s:#x})"),
            None => eprintln!("smpp decode: {what}"),
        }
    }
    false
}

fn s(c: &COctetString) -> Value {
    Value::String(c.to_string_lossy().into_owned())
}

fn hex(b: &[u8]) -> Value {
    use std::fmt::Write as _;
    let mut h = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(h, "{x:02x}");
    }
    Value::String(h)
}

fn tlvs_json(t: &Tlvs) -> Value {
    let mut v: Vec<Value> = t
        .iter_raw()
        .map(|(tag, value)| {
            json!({
                "tag": tag.value(),
                "name": tag.name().unwrap_or("unknown"),
                "value": hex(&value),
            })
        })
        .collect();
    if !t.trailing().is_empty() {
        v.push(json!({"tag": null, "name": "trailing_octets", "value": hex(t.trailing())}));
    }
    Value::Array(v)
}

/// What the user data says: its text (for every text alphabet, with the national shift
/// tables its UDH selects) and, for a part of a concatenated message, its UDH and SAR values.
struct UserData {
    text: Option<String>,
    udh: Option<Value>,
}

fn user_data(dc: DataCoding, udhi: bool, data: &[u8]) -> UserData {
    let mut udh_json = None;
    let mut tables = ShiftTables::default();
    let mut body = data;
    if udhi {
        match split_user_data(data) {
            Ok((udh, rest)) => {
                tables = udh.shift_tables();
                let mut elements = Vec::new();
                for e in &udh.elements {
                    let mut b = Vec::new();
                    e.write(&mut b);
                    let iei = b.first().copied().unwrap_or(0);
                    elements.push(json!({"iei": iei, "data": hex(b.get(2..).unwrap_or_default())}));
                }
                let mut o = Map::new();
                o.insert("length".into(), (data.len() - rest.len()).into());
                o.insert("elements".into(), Value::Array(elements));
                if let Some(c) = udh.concat() {
                    o.insert(
                        "concat".into(),
                        json!({"reference": c.reference, "total": c.total, "seq": c.seq,
                               "reference_bits": if c.namespace == Namespace::Udh16 { 16 } else { 8 }}),
                    );
                }
                udh_json = Some(Value::Object(o));
                body = rest;
            }
            Err(e) => udh_json = Some(json!({"error": e.to_string()})),
        }
    }
    let coding = Coding::from_data_coding(dc.0, DefaultAlphabet::Gsm7);
    let text = coding.is_text().then(|| {
        let opts = CodecOptions {
            strictness: Strictness::Lenient,
            tables,
            packed: None,
        };
        let mut t = String::new();
        text::decode(body, coding.alphabet, &opts, &mut t)
            .ok()
            .map(|_| t)
    });
    UserData {
        text: text.flatten(),
        udh: udh_json,
    }
}

fn sar_json(t: &Tlvs) -> Option<Value> {
    t.sar().map(|s| {
        json!({"sar_msg_ref_num": s.ref_num, "sar_total_segments": s.total, "sar_segment_seqnum": s.seq})
    })
}

fn lossy(b: &[u8]) -> Value {
    Value::String(String::from_utf8_lossy(b).into_owned())
}

/// A receipt date as ISO-8601 UTC (a date written without an offset is taken as UTC).
fn iso_time(t: &ReceiptTime) -> Option<Value> {
    let utc = t.to_system_time(0)?;
    let c = CivilDateTime::from_system_time(utc)?;
    let frac = t.tenths.map(|d| format!(".{d}")).unwrap_or_default();
    Some(Value::String(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{frac}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )))
}

fn source_name(s: Source) -> &'static str {
    match s {
        Source::Text => "text",
        Source::Tlv => "tlv",
        Source::Both => "both",
    }
}

/// The `receipt` object of a `deliver_sm`/`data_sm` whose `esm_class` says receipt.
///
/// * `id`, `sub`, `dlvrd`, `submit_date`, `done_date`, `stat`, `err`, `text`: the Appendix B
///   fields exactly as written (strings; absent when the key is absent);
/// * `kind`: `"delivery_receipt"` or `"intermediate"`;
/// * `message_id`: `receipted_message_id` if present, else the text `id`;
/// * `state`: the merged state by its `message_state` name (`"DELIVERED"`, TLV over text;
///   `"STATE_n"` for a value without a name), or the raw `stat` when it is not a known word;
/// * `error_code`: integer, the `network_error_code` code over the numeric `err` (written
///   as-is: no provider quirk applied);
/// * `submit_time`, `done_time`: ISO-8601 UTC when the date parses (a date written without an
///   offset is taken as UTC);
/// * `source`: `{id, state, error_code}` -> `"text"`, `"tlv"` or `"both"`;
/// * `conflicts`: `["id", "state", "error_code"]` subset, only when text and TLVs disagree;
/// * `truncated: true` (cut mid-key), `remainder` (words outside any field), when so;
/// * `unparsed: true` and `raw` (hex of the user data) when the text is not Appendix B.
fn receipt_json(r: &PduReceipt<'_>) -> Value {
    let mut o = Map::new();
    let m = &r.merged;
    if let Some(t) = &m.text {
        let mut put = |k: &str, v: Option<&[u8]>| {
            if let Some(v) = v {
                o.insert(k.into(), lossy(v));
            }
        };
        put("id", t.id);
        put("sub", t.sub.map(|c| c.raw));
        put("dlvrd", t.dlvrd.map(|c| c.raw));
        put("submit_date", t.submit_date.map(|d| d.raw));
        put("done_date", t.done_date.map(|d| d.raw));
        put("stat", t.stat.map(|s| s.raw));
        put("err", t.err.map(|e| e.raw));
        put("text", t.text);
    }
    o.insert(
        "kind".into(),
        match r.kind {
            ReceiptKind::SmscDeliveryReceipt => "delivery_receipt",
            ReceiptKind::IntermediateNotification => "intermediate",
        }
        .into(),
    );
    if let Some(id) = m.id {
        o.insert("message_id".into(), lossy(id.value));
    }
    let raw_stat = m.text.and_then(|t| t.stat).map(|s| s.raw);
    let state = match m.state {
        Some(s) => Some(Value::String(
            MessageState::from(s.value.value())
                .name()
                .map_or_else(|| format!("STATE_{}", s.value.value()), str::to_owned),
        )),
        None => raw_stat.filter(|s| !s.is_empty()).map(lossy),
    };
    if let Some(s) = state {
        o.insert("state".into(), s);
    }
    if let Some(e) = m.error {
        o.insert("error_code".into(), e.value.into());
    }
    if let Some(t) = &m.text {
        for (k, d) in [("submit_time", t.submit_date), ("done_time", t.done_date)] {
            if let Some(v) = d.and_then(|d| d.value).as_ref().and_then(iso_time) {
                o.insert(k.into(), v);
            }
        }
    }
    let mut src = Map::new();
    for (k, s) in [
        ("id", m.id.map(|x| x.source)),
        ("state", m.state.map(|x| x.source)),
        ("error_code", m.error.map(|x| x.source)),
    ] {
        if let Some(s) = s {
            src.insert(k.into(), source_name(s).into());
        }
    }
    if !src.is_empty() {
        o.insert("source".into(), Value::Object(src));
    }
    if !m.conflicts.is_empty() {
        let c: Vec<Value> = [
            (Conflicts::ID, "id"),
            (Conflicts::STATE, "state"),
            (Conflicts::ERROR, "error_code"),
        ]
        .into_iter()
        .filter(|(bit, _)| m.conflicts.contains(*bit))
        .map(|(_, n)| n.into())
        .collect();
        o.insert("conflicts".into(), Value::Array(c));
    }
    if let Some(t) = &m.text {
        if t.truncated {
            o.insert("truncated".into(), true.into());
        }
        if !t.remainder.is_empty() {
            o.insert("remainder".into(), lossy(t.remainder));
        }
    }
    if r.unparsed {
        o.insert("unparsed".into(), true.into());
        o.insert("raw".into(), hex(r.user_data));
    }
    Value::Object(o)
}

fn sm_fields(m: &mut Map<String, Value>, sm: &SubmitSm) {
    m.insert("service_type".into(), s(&sm.service_type));
    m.insert("source_addr_ton".into(), sm.source_addr_ton.value().into());
    m.insert("source_addr_npi".into(), sm.source_addr_npi.value().into());
    m.insert("source_addr".into(), s(&sm.source_addr));
    m.insert("dest_addr_ton".into(), sm.dest_addr_ton.value().into());
    m.insert("dest_addr_npi".into(), sm.dest_addr_npi.value().into());
    m.insert("destination_addr".into(), s(&sm.destination_addr));
    m.insert("esm_class".into(), sm.esm_class.0.into());
    m.insert("protocol_id".into(), sm.protocol_id.into());
    m.insert("priority_flag".into(), sm.priority_flag.into());
    m.insert(
        "schedule_delivery_time".into(),
        s(&sm.schedule_delivery_time),
    );
    m.insert("validity_period".into(), s(&sm.validity_period));
    m.insert(
        "registered_delivery".into(),
        sm.registered_delivery.0.into(),
    );
    m.insert(
        "replace_if_present_flag".into(),
        sm.replace_if_present_flag.into(),
    );
    m.insert("data_coding".into(), sm.data_coding.0.into());
    m.insert("sm_default_msg_id".into(), sm.sm_default_msg_id.into());
    m.insert("sm_length".into(), sm.short_message.len().into());
    m.insert("short_message".into(), hex(&sm.short_message));
}

/// The JSON object for one PDU (the shape other tools read; see the README).
pub(crate) fn pdu_json(p: &Pdu) -> Value {
    let id = p.command_id();
    let mut body = Map::new();
    let mut tlvs: Option<&Tlvs> = None;
    let mut ud: Option<UserData> = None;
    let mut receipt = None;
    match &p.body {
        Body::BindReceiver(b) | Body::BindTransmitter(b) | Body::BindTransceiver(b) => {
            body.insert("system_id".into(), s(&b.system_id));
            body.insert("password".into(), s(&b.password));
            body.insert("system_type".into(), s(&b.system_type));
            body.insert("interface_version".into(), b.interface_version.into());
            body.insert("addr_ton".into(), b.addr_ton.value().into());
            body.insert("addr_npi".into(), b.addr_npi.value().into());
            body.insert("address_range".into(), s(&b.address_range));
            tlvs = Some(&b.tlvs);
        }
        Body::BindReceiverResp(b) | Body::BindTransmitterResp(b) | Body::BindTransceiverResp(b) => {
            body.insert("system_id".into(), s(&b.system_id));
            tlvs = Some(&b.tlvs);
        }
        Body::Outbind(o) => {
            body.insert("system_id".into(), s(&o.system_id));
            body.insert("password".into(), s(&o.password));
            tlvs = Some(&o.tlvs);
        }
        Body::SubmitSm(sm) | Body::DeliverSm(sm) => {
            sm_fields(&mut body, sm);
            tlvs = Some(&sm.tlvs);
            let data = sm.payload();
            ud = Some(user_data(sm.data_coding, sm.esm_class.udhi(), &data));
            if matches!(p.body, Body::DeliverSm(_)) {
                let mut scratch = Vec::new();
                receipt = receipt::from_deliver_sm(sm, &ReceiptOptions::default(), &mut scratch)
                    .map(|r| receipt_json(&r));
            }
        }
        Body::SubmitSmResp(r) | Body::DeliverSmResp(r) | Body::DataSmResp(r) => {
            body.insert("message_id".into(), s(&r.message_id));
            tlvs = Some(&r.tlvs);
        }
        Body::SubmitMulti(m) => {
            body.insert("service_type".into(), s(&m.service_type));
            body.insert("source_addr_ton".into(), m.source_addr_ton.value().into());
            body.insert("source_addr_npi".into(), m.source_addr_npi.value().into());
            body.insert("source_addr".into(), s(&m.source_addr));
            body.insert("number_of_dests".into(), m.dest_addresses.len().into());
            let dests: Vec<Value> = m
                .dest_addresses
                .iter()
                .map(|d| match d {
                    DestAddress::Sme { ton, npi, addr } => json!({"dest_flag": 1, "dest_addr_ton": ton.value(), "dest_addr_npi": npi.value(), "destination_addr": s(addr)}),
                    DestAddress::DistributionList(n) => json!({"dest_flag": 2, "dl_name": s(n)}),
                })
                .collect();
            body.insert("dest_address".into(), Value::Array(dests));
            body.insert("esm_class".into(), m.esm_class.0.into());
            body.insert("protocol_id".into(), m.protocol_id.into());
            body.insert("priority_flag".into(), m.priority_flag.into());
            body.insert(
                "schedule_delivery_time".into(),
                s(&m.schedule_delivery_time),
            );
            body.insert("validity_period".into(), s(&m.validity_period));
            body.insert("registered_delivery".into(), m.registered_delivery.0.into());
            body.insert(
                "replace_if_present_flag".into(),
                m.replace_if_present_flag.into(),
            );
            body.insert("data_coding".into(), m.data_coding.0.into());
            body.insert("sm_default_msg_id".into(), m.sm_default_msg_id.into());
            body.insert("sm_length".into(), m.short_message.len().into());
            body.insert("short_message".into(), hex(&m.short_message));
            tlvs = Some(&m.tlvs);
            ud = Some(user_data(
                m.data_coding,
                m.esm_class.udhi(),
                &m.short_message,
            ));
        }
        Body::SubmitMultiResp(r) => {
            body.insert("message_id".into(), s(&r.message_id));
            body.insert("no_unsuccess".into(), r.unsuccess_sme.len().into());
            let u: Vec<Value> = r
                .unsuccess_sme
                .iter()
                .map(|u| json!({"dest_addr_ton": u.ton.value(), "dest_addr_npi": u.npi.value(), "destination_addr": s(&u.addr), "error_status_code": u.error_status_code.value()}))
                .collect();
            body.insert("unsuccess_sme".into(), Value::Array(u));
            tlvs = Some(&r.tlvs);
        }
        Body::DataSm(d) => {
            body.insert("service_type".into(), s(&d.service_type));
            body.insert("source_addr_ton".into(), d.source_addr_ton.value().into());
            body.insert("source_addr_npi".into(), d.source_addr_npi.value().into());
            body.insert("source_addr".into(), s(&d.source_addr));
            body.insert("dest_addr_ton".into(), d.dest_addr_ton.value().into());
            body.insert("dest_addr_npi".into(), d.dest_addr_npi.value().into());
            body.insert("destination_addr".into(), s(&d.destination_addr));
            body.insert("esm_class".into(), d.esm_class.0.into());
            body.insert("registered_delivery".into(), d.registered_delivery.0.into());
            body.insert("data_coding".into(), d.data_coding.0.into());
            tlvs = Some(&d.tlvs);
            let data = d.tlvs.message_payload().unwrap_or_default();
            ud = Some(user_data(d.data_coding, d.esm_class.udhi(), &data));
            let mut scratch = Vec::new();
            receipt = receipt::from_data_sm(d, &ReceiptOptions::default(), &mut scratch)
                .map(|r| receipt_json(&r));
        }
        Body::QuerySm(q) => {
            body.insert("message_id".into(), s(&q.message_id));
            body.insert("source_addr_ton".into(), q.source_addr_ton.value().into());
            body.insert("source_addr_npi".into(), q.source_addr_npi.value().into());
            body.insert("source_addr".into(), s(&q.source_addr));
            tlvs = Some(&q.tlvs);
        }
        Body::QuerySmResp(q) => {
            body.insert("message_id".into(), s(&q.message_id));
            body.insert("final_date".into(), s(&q.final_date));
            body.insert("message_state".into(), q.message_state.into());
            body.insert("error_code".into(), q.error_code.into());
            tlvs = Some(&q.tlvs);
        }
        Body::CancelSm(c) => {
            body.insert("service_type".into(), s(&c.service_type));
            body.insert("message_id".into(), s(&c.message_id));
            body.insert("source_addr_ton".into(), c.source_addr_ton.value().into());
            body.insert("source_addr_npi".into(), c.source_addr_npi.value().into());
            body.insert("source_addr".into(), s(&c.source_addr));
            body.insert("dest_addr_ton".into(), c.dest_addr_ton.value().into());
            body.insert("dest_addr_npi".into(), c.dest_addr_npi.value().into());
            body.insert("destination_addr".into(), s(&c.destination_addr));
            tlvs = Some(&c.tlvs);
        }
        Body::ReplaceSm(r) => {
            body.insert("message_id".into(), s(&r.message_id));
            body.insert("source_addr_ton".into(), r.source_addr_ton.value().into());
            body.insert("source_addr_npi".into(), r.source_addr_npi.value().into());
            body.insert("source_addr".into(), s(&r.source_addr));
            body.insert(
                "schedule_delivery_time".into(),
                s(&r.schedule_delivery_time),
            );
            body.insert("validity_period".into(), s(&r.validity_period));
            body.insert("registered_delivery".into(), r.registered_delivery.0.into());
            body.insert("sm_default_msg_id".into(), r.sm_default_msg_id.into());
            body.insert("sm_length".into(), r.short_message.len().into());
            body.insert("short_message".into(), hex(&r.short_message));
            tlvs = Some(&r.tlvs);
        }
        Body::AlertNotification(a) => {
            body.insert("source_addr_ton".into(), a.source_addr_ton.value().into());
            body.insert("source_addr_npi".into(), a.source_addr_npi.value().into());
            body.insert("source_addr".into(), s(&a.source_addr));
            body.insert("esme_addr_ton".into(), a.esme_addr_ton.value().into());
            body.insert("esme_addr_npi".into(), a.esme_addr_npi.value().into());
            body.insert("esme_addr".into(), s(&a.esme_addr));
            tlvs = Some(&a.tlvs);
        }
        Body::Unknown { body: b, .. } => {
            body.insert("raw".into(), hex(b));
        }
        _ => {}
    }
    let mut o = Map::new();
    o.insert(
        "command".into(),
        Value::String(id.name().unwrap_or("unknown").to_owned()),
    );
    o.insert("command_id".into(), id.value().into());
    o.insert("command_status".into(), p.status.value().into());
    o.insert("sequence_number".into(), p.sequence.0.into());
    o.insert("body".into(), Value::Object(body));
    o.insert("tlvs".into(), tlvs.map_or(Value::Array(vec![]), tlvs_json));
    if let Some(u) = ud {
        if let Some(t) = u.text {
            o.insert("text".into(), Value::String(t));
        }
        if let Some(h) = u.udh {
            o.insert("udh".into(), h);
        }
    }
    if let Some(sar) = tlvs.and_then(sar_json) {
        o.insert("sar".into(), sar);
    }
    if let Some(r) = receipt {
        o.insert("receipt".into(), r);
    }
    Value::Object(o)
}

/// Readable text: the same information as the JSON, one field per line.
fn render_text(v: &Value) -> String {
    let mut out = String::new();
    let name = v["command"].as_str().unwrap_or("?");
    let status = v["command_status"].as_u64().unwrap_or(0);
    let st = smpp_proto::pdu::CommandStatus::from(status as u32);
    out.push_str(&format!(
        "{name} (command_id {:#010x}) seq {} status {}",
        v["command_id"].as_u64().unwrap_or(0),
        v["sequence_number"],
        st
    ));
    if let Some(b) = v["body"].as_object() {
        for (k, val) in b {
            out.push_str(&format!("\n  {k}: {}", plain(val)));
        }
    }
    if let Some(t) = v["tlvs"].as_array() {
        for tlv in t {
            out.push_str(&format!(
                "\n  tlv {} ({}): {}",
                tlv["tag"]
                    .as_u64()
                    .map_or("-".into(), |t| format!("{t:#06x}")),
                tlv["name"].as_str().unwrap_or("?"),
                tlv["value"].as_str().unwrap_or("")
            ));
        }
    }
    if let Some(t) = v.get("text") {
        out.push_str(&format!("\n  text: {t}"));
    }
    for k in ["udh", "sar"] {
        if let Some(x) = v.get(k) {
            out.push_str(&format!("\n  {k}: {x}"));
        }
    }
    if let Some(r) = v.get("receipt") {
        out.push_str(&format!("\n  receipt: {r}"));
    }
    out
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}
