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
