//! `smpp decode` end to end: arguments, stdin, JSON shape, malformed input.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

fn fixture_hex(name: &str) -> String {
    let p = format!(
        "{}/../smpp-proto/tests/data/{name}.hex",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<String>()
}

fn run(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_smpp"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut i = c.stdin.take().unwrap();
    if let Some(s) = stdin {
        i.write_all(s.as_bytes()).unwrap();
    }
    drop(i);
    let o = c.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn json_lines(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn json_shape_of_a_receipt() {
    let (code, out, _) = run(
        &["decode", "--json", &fixture_hex("deliver_sm_receipt")],
        None,
    );
    assert_eq!(code, 0);
    let v = &json_lines(&out)[0];
    assert_eq!(v["command"], "deliver_sm");
    assert_eq!(v["command_id"], 5);
    assert_eq!(v["command_status"], 0);
    assert_eq!(v["sequence_number"], 0x806A_179Bu64);
    let b = &v["body"];
    assert_eq!(b["source_addr"], "4512345678");
    assert_eq!(b["dest_addr_ton"], 5);
    assert_eq!(b["esm_class"], 4);
    assert_eq!(b["schedule_delivery_time"], "");
    assert_eq!(b["sm_length"], 113);
    assert!(b["short_message"].as_str().unwrap().starts_with("69643a"));
    let t = v["tlvs"].as_array().unwrap();
    assert_eq!(t.len(), 3);
    assert_eq!(t[0]["tag"], 0x001E);
    assert_eq!(t[0]["name"], "receipted_message_id");
    assert_eq!(t[0]["value"], "3031323334353637383900");
    assert_eq!(t[1]["name"], "message_state");
    let r = &v["receipt"];
    assert_eq!(r["id"], "0123456789");
    assert_eq!(r["sub"], "001");
    assert_eq!(r["submit_date"], "2311231200");
    assert_eq!(r["stat"], "DELIVRD");
    assert_eq!(r["err"], "000");
    assert_eq!(r["text"], "Hello World");
}

#[test]
fn json_text_for_ucs2_with_udh_and_vendor_tlv() {
    let (code, out, _) = run(
        &["decode", "--json", &fixture_hex("submit_sm_udh_tlvs")],
        None,
    );
    assert_eq!(code, 0);
    let v = &json_lines(&out)[0];
    assert_eq!(v["text"], "Hé!");
    assert_eq!(v["tlvs"][1]["name"], "unknown");
    assert_eq!(v["tlvs"][1]["tag"], 0x1400);
}

#[test]
fn submit_multi_arrays_and_unknown_command() {
    let (_, out, _) = run(
        &[
            "decode",
            "--json",
            &fixture_hex("submit_multi"),
            &fixture_hex("submit_multi_resp"),
        ],
        None,
    );
    let v = json_lines(&out);
    assert_eq!(v[0]["body"]["dest_address"][1]["dl_name"], "friends");
    assert_eq!(v[0]["body"]["number_of_dests"], 3);
    assert_eq!(v[1]["body"]["unsuccess_sme"][0]["error_status_code"], 0x0B);
    let (code, out, _) = run(&["decode", "--json", &fixture_hex("unknown_command")], None);
    assert_eq!(code, 0);
    assert_eq!(json_lines(&out)[0]["command"], "unknown");
}

#[test]
fn stdin_with_prefixes_whitespace_and_two_pdus_on_one_line() {
    let one = fixture_hex("enquire_link");
    let spaced: String = fixture_hex("submit_sm_resp")
        .as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    let input = format!("0x{one}{one}\n\n  {spaced}\n");
    let (code, out, _) = run(&["decode", "--json"], Some(&input));
    assert_eq!(code, 0);
    let v = json_lines(&out);
    assert_eq!(v.len(), 3);
    assert_eq!(v[2]["body"]["message_id"], "5f3a9c");
}

#[test]
fn text_output_is_readable() {
    let (code, out, _) = run(&["decode", &fixture_hex("submit_sm")], None);
    assert_eq!(code, 0);
    assert!(out.starts_with("submit_sm (command_id 0x00000004) seq 10 status ESME_ROK"));
    assert!(out.contains("source_addr: \"MyShop\""));
    assert!(out.contains("text: \"Hello World\""));
}

#[test]
fn malformed_input_exits_1_with_status() {
    // source_addr without a NUL within 21 octets.
    let mut v = vec![0u8, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 7, 0, 1, 1];
    v.extend_from_slice(&[b'9'; 30]);
    v.push(0);
    let len = v.len() as u32;
    v[..4].copy_from_slice(&len.to_be_bytes());
    let hex: String = v.iter().map(|b| format!("{b:02x}")).collect();
    let (code, out, _) = run(&["decode", "--json", &hex], None);
    assert_eq!(code, 1);
    let e = &json_lines(&out)[0];
    assert_eq!(e["command_status"], 0x0A);
    assert!(e["error"].as_str().unwrap().contains("source_addr"));
    for bad in [
        "zz",
        "123",
        "00000003",
        "ffffffff00000004000000000000000100",
        "0000002000000004",
    ] {
        let (code, out, err) = run(&["decode", "--json", bad], None);
        assert_eq!(code, 1, "{bad}");
        assert!(json_lines(&out)[0].get("error").is_some(), "{bad}");
        assert!(!err.contains("panicked"));
    }
    let (code, _, err) = run(&["decode", "zz"], None);
    assert_eq!(code, 1);
    assert!(err.starts_with("smpp decode: bad hex"));
}

fn submit_hex(dc: u8, esm: u8, sm: &[u8], tlvs: &[smpp_proto::pdu::Tlv]) -> String {
    use smpp_proto::pdu::*;
    let s = SubmitSm::new("1234", "5678", sm.to_vec())
        .with_data_coding(DataCoding(dc))
        .with_esm_class(EsmClass(esm))
        .with_tlvs(Tlvs::from_slice(tlvs).unwrap());
    let b = Pdu::new(SequenceNumber(1), Body::SubmitSm(s))
        .to_bytes()
        .unwrap();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn text_for_every_alphabet() {
    let cases: Vec<(u8, u8, Vec<u8>, &str)> = vec![
        // GSM 03.38 unpacked with an escape (€) and '@' (0x00).
        (0x00, 0, vec![0x1B, 0x65, 0x20, 0x00, 0x02], "€ @$"),
        (0xF0, 0, b"Flash".to_vec(), "Flash"),
        (0x01, 0, b"plain ascii".to_vec(), "plain ascii"),
        (0x03, 0, vec![0x63, 0x61, 0x66, 0xE9], "café"),
        (0x06, 0, vec![0xBF, 0xE0, 0xD8, 0xD2, 0xD5, 0xE2], "Привет"),
        (0x07, 0, vec![0xF9, 0xEC, 0xE5, 0xED], "שלום"),
        (0x08, 0, vec![0xD8, 0x3D, 0xDE, 0x00, 0x00, 0x21], "😀!"),
        // Turkish single shift selected by the UDH (IE 0x24, language 1): "ş" = 1B 73.
        (0x00, 0x40, vec![0x03, 0x24, 0x01, 0x01, 0x1B, 0x73], "ş"),
    ];
    for (dc, esm, sm, want) in cases {
        let (code, out, _) = run(&["decode", "--json", &submit_hex(dc, esm, &sm, &[])], None);
        assert_eq!(code, 0);
        assert_eq!(json_lines(&out)[0]["text"], want, "data_coding {dc:#x}");
    }
    // Binary has no text.
    let (_, out, _) = run(
        &["decode", "--json", &submit_hex(0x04, 0, &[1, 2, 3], &[])],
        None,
    );
    assert!(json_lines(&out)[0].get("text").is_none());
}

#[test]
fn concatenation_fields_for_udh16_and_sar_parts() {
    let sm = [0x06, 0x08, 0x04, 0x12, 0x34, 0x03, 0x02, b'H', b'i'];
    let (_, out, _) = run(&["decode", "--json", &submit_hex(0, 0x40, &sm, &[])], None);
    let v = &json_lines(&out)[0];
    assert_eq!(v["udh"]["concat"]["reference"], 0x1234);
    assert_eq!(v["udh"]["concat"]["reference_bits"], 16);
    assert_eq!(v["udh"]["concat"]["total"], 3);
    assert_eq!(v["udh"]["concat"]["seq"], 2);
    assert_eq!(v["text"], "Hi");
    use smpp_proto::pdu::{Tlv, TlvTag};
    let tlvs = [
        Tlv::u16(TlvTag::SarMsgRefNum, 77),
        Tlv::u8(TlvTag::SarTotalSegments, 2),
        Tlv::u8(TlvTag::SarSegmentSeqnum, 1),
    ];
    let (_, out, _) = run(
        &["decode", "--json", &submit_hex(0, 0, b"part", &tlvs)],
        None,
    );
    let v = &json_lines(&out)[0];
    assert_eq!(v["sar"]["sar_msg_ref_num"], 77);
    assert_eq!(v["sar"]["sar_total_segments"], 2);
    assert_eq!(v["sar"]["sar_segment_seqnum"], 1);
    // A UDH that overruns the user data is reported, not a crash.
    let (code, out, _) = run(
        &["decode", "--json", &submit_hex(0, 0x40, &[9, 0, 3], &[])],
        None,
    );
    assert_eq!(code, 0);
    assert!(json_lines(&out)[0]["udh"]["error"].is_string());
}

fn deliver_hex(dc: u8, esm: u8, sm: &[u8], tlvs: &[smpp_proto::pdu::Tlv]) -> String {
    use smpp_proto::pdu::*;
    let s = DeliverSm::new("4512345678", "MyShop", sm.to_vec())
        .with_data_coding(DataCoding(dc))
        .with_esm_class(EsmClass(esm))
        .with_tlvs(Tlvs::from_slice(tlvs).unwrap());
    let b = Pdu::new(SequenceNumber(9), Body::DeliverSm(s))
        .to_bytes()
        .unwrap();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn receipt_of(hex: &str) -> Value {
    let (code, out, err) = run(&["decode", "--json", hex], None);
    assert_eq!(code, 0, "{err}");
    json_lines(&out)[0]["receipt"].clone()
}

fn receipt_tlvs(id: &'static str, state: u8, err: u16) -> Vec<smpp_proto::pdu::Tlv> {
    use smpp_proto::pdu::{Tlv, TlvTag};
    let [hi, lo] = err.to_be_bytes();
    vec![
        Tlv::cstring(TlvTag::ReceiptedMessageId, id),
        Tlv::u8(TlvTag::MessageState, state),
        Tlv::raw(TlvTag::NetworkErrorCode, &[3, hi, lo]),
    ]
}

const STD: &str = "id:0123456789 sub:001 dlvrd:001 submit date:2311231200 done date:2311231201 stat:DELIVRD err:000 text:Hello World";

#[test]
fn receipt_fixture_has_parsed_forms_next_to_raw_strings() {
    let r = receipt_of(&fixture_hex("deliver_sm_receipt"));
    assert_eq!(r["dlvrd"], "001");
    assert_eq!(r["done_date"], "2311231201");
    assert_eq!(r["kind"], "delivery_receipt");
    assert_eq!(r["state"], "DELIVERED");
    assert_eq!(r["error_code"], 0);
    assert_eq!(r["submit_time"], "2023-11-23T12:00:00Z");
    assert_eq!(r["done_time"], "2023-11-23T12:01:00Z");
    assert_eq!(r["source"]["id"], "both");
    assert_eq!(r["source"]["state"], "both");
    assert_eq!(r["source"]["error_code"], "both");
    assert!(r.get("conflicts").is_none());
    assert!(r.get("unparsed").is_none());
}

#[test]
fn receipt_with_agreeing_tlvs() {
    let r = receipt_of(&deliver_hex(
        0,
        0x04,
        STD.as_bytes(),
        &receipt_tlvs("0123456789", 2, 0),
    ));
    for (k, v) in [
        ("id", "0123456789"),
        ("sub", "001"),
        ("dlvrd", "001"),
        ("submit_date", "2311231200"),
        ("done_date", "2311231201"),
        ("stat", "DELIVRD"),
        ("err", "000"),
        ("text", "Hello World"),
    ] {
        assert_eq!(r[k], v, "{k}");
    }
    assert_eq!(r["message_id"], "0123456789");
    assert_eq!(r["state"], "DELIVERED");
    assert_eq!(r["error_code"], 0);
    assert_eq!(
        r["source"],
        serde_json::json!({"id": "both", "state": "both", "error_code": "both"})
    );
    assert!(r.get("conflicts").is_none());
}

#[test]
fn receipt_with_conflicting_message_state() {
    let r = receipt_of(&deliver_hex(
        0,
        0x04,
        STD.as_bytes(),
        &receipt_tlvs("0123456789", 5, 0),
    ));
    assert_eq!(r["stat"], "DELIVRD");
    assert_eq!(r["state"], "UNDELIVERABLE");
    assert_eq!(r["conflicts"], serde_json::json!(["state"]));
    assert_eq!(r["source"]["state"], "both");
    // Every disagreement is listed.
    let r = receipt_of(&deliver_hex(
        0,
        0x04,
        STD.as_bytes(),
        &receipt_tlvs("999", 8, 21),
    ));
    assert_eq!(
        r["conflicts"],
        serde_json::json!(["id", "state", "error_code"])
    );
    assert_eq!(r["message_id"], "999");
    assert_eq!(r["id"], "0123456789");
    assert_eq!(r["error_code"], 21);
}

#[test]
fn receipt_with_12_digit_dates() {
    let t =
        "id:abc sub:1 dlvrd:1 submit date:110206193041 done date:201506201641 stat:DELIVRD err:0";
    let r = receipt_of(&deliver_hex(0, 0x04, t.as_bytes(), &[]));
    assert_eq!(r["submit_date"], "110206193041");
    assert_eq!(r["done_date"], "201506201641");
    assert_eq!(r["submit_time"], "2011-02-06T19:30:41Z");
    assert_eq!(r["done_time"], "2015-06-20T16:41:00Z");
    assert_eq!(r["sub"], "1");
    assert!(r.get("text").is_none());
    assert_eq!(
        r["source"],
        serde_json::json!({"id": "text", "state": "text", "error_code": "text"})
    );
    // A full SMPP absolute time carries its offset and tenths.
    let t = "id:1 submit date:180711070003912+ done date:0000000000 stat:DELIVRD";
    let r = receipt_of(&deliver_hex(0, 0x04, t.as_bytes(), &[]));
    assert_eq!(r["submit_time"], "2018-07-11T04:00:03.9Z");
    assert_eq!(r["done_date"], "0000000000");
    assert!(r.get("done_time").is_none());
}

#[test]
fn receipt_labelled_ucs2_and_real_utf16() {
    // ASCII octets with data_coding 8 (copied from the original message).
    let r = receipt_of(&deliver_hex(8, 0x04, STD.as_bytes(), &[]));
    assert_eq!(r["id"], "0123456789");
    assert_eq!(r["state"], "DELIVERED");
    assert_eq!(r["text"], "Hello World");
    // The same receipt really encoded as UTF-16BE, labelled 8 or not.
    let be: Vec<u8> = STD.encode_utf16().flat_map(u16::to_be_bytes).collect();
    for dc in [0, 8] {
        let r = receipt_of(&deliver_hex(dc, 0x04, &be, &[]));
        assert_eq!(r["id"], "0123456789", "dc {dc}");
        assert_eq!(r["stat"], "DELIVRD");
        assert_eq!(r["text"], "Hello World");
        assert!(r.get("unparsed").is_none());
    }
}

#[test]
fn comma_separated_receipt_stays_unparsed() {
    let t = b"00,0210021543,0210021500,,447887123456,1";
    let r = receipt_of(&deliver_hex(0, 0x04, t, &[]));
    assert_eq!(r["unparsed"], true);
    let want: String = t.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(r["raw"], want);
    for k in ["id", "stat", "text", "state", "error_code", "source"] {
        assert!(r.get(k).is_none(), "{k}");
    }
    assert_eq!(r["kind"], "delivery_receipt");
    // The TLVs still give the essentials.
    let r = receipt_of(&deliver_hex(0, 0x04, t, &receipt_tlvs("77", 2, 0)));
    assert_eq!(r["unparsed"], true);
    assert_eq!(r["message_id"], "77");
    assert_eq!(r["state"], "DELIVERED");
    assert_eq!(r["source"]["state"], "tlv");
    assert!(r.get("id").is_none());
}

#[test]
fn receipt_odd_cases() {
    // Intermediate notification; unknown stat kept raw; err not reinterpreted by default.
    let r = receipt_of(&deliver_hex(0, 0x20, b"id:5 stat:DLV err:126 text:", &[]));
    assert_eq!(r["kind"], "intermediate");
    assert_eq!(r["state"], "DLV");
    assert_eq!(r["error_code"], 126);
    assert_eq!(r["text"], "");
    assert!(r["source"].get("state").is_none());
    // Truncated mid-key, and words outside any field.
    let r = receipt_of(&deliver_hex(0, 0x04, b"id:1 stat:DELIVRD err:000 te", &[]));
    assert_eq!(r["truncated"], true);
    let r = receipt_of(&deliver_hex(
        0,
        0x04,
        b"id:1 stat:UNDELIV err:001 IMSI: MSC:",
        &[],
    ));
    assert_eq!(r["remainder"], "IMSI: MSC:");
    // Not a receipt: no receipt object.
    let (_, out, _) = run(
        &["decode", "--json", &deliver_hex(0, 0, STD.as_bytes(), &[])],
        None,
    );
    assert!(json_lines(&out)[0].get("receipt").is_none());
}

#[test]
fn data_sm_receipt() {
    use smpp_proto::pdu::*;
    let d = DataSm {
        esm_class: EsmClass(EsmClass::DELIVERY_RECEIPT),
        tlvs: Tlvs::from_slice(&[
            Tlv::message_payload(&b"id:42 stat:EXPIRED err:0\0"[..]),
            Tlv::u8(TlvTag::MessageState, 3),
        ])
        .unwrap(),
        ..DataSm::default()
    };
    let b = Pdu::new(SequenceNumber(3), Body::DataSm(d))
        .to_bytes()
        .unwrap();
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let r = receipt_of(&hex);
    assert_eq!(r["id"], "42");
    assert_eq!(r["state"], "EXPIRED");
    assert_eq!(r["source"]["state"], "both");
}
