//! The `smpp` command end to end: each subcommand against `smpp sim` on a free loopback
//! port, the provider profiles, every fault mode, and bad input.

#![allow(missing_docs, reason = "tests")]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_smpp");

struct Sim {
    child: Child,
    host: String,
    port: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sim(args: &[&str]) -> Sim {
    let mut child = Command::new(BIN)
        .args(["sim", "--listen", "127.0.0.1:0", "--receipt-delay", "20"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sim");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let addr = line.trim().rsplit(' ').next().expect("address").to_owned();
    let (host, port) = addr.rsplit_once(':').expect("host:port");
    Sim {
        host: host.to_owned(),
        port: port.to_owned(),
        child,
    }
}

fn smpp(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run smpp")
}

fn on(s: &Sim, cmd: &str, args: &[&str]) -> Output {
    let mut v = vec![cmd, "--host", &s.host, "--port", &s.port];
    v.extend_from_slice(args);
    smpp(&v)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn bench_json(s: &Sim, args: &[&str]) -> Value {
    let mut v = vec!["--json"];
    v.extend_from_slice(args);
    let o = on(s, "bench", &v);
    let j = json_lines(&o).pop().unwrap_or_else(|| {
        panic!(
            "no JSON from bench: {} / {}",
            stdout(&o),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    // Every submit gets exactly one outcome.
    let errors: u64 = j["errors"]
        .as_object()
        .map(|m| m.values().filter_map(Value::as_u64).sum())
        .unwrap_or(0);
    assert_eq!(
        j["submitted"].as_u64(),
        Some(j["ok"].as_u64().unwrap() + errors),
        "{j}"
    );
    assert_eq!(j["failed"].as_u64(), Some(errors), "{j}");
    j
}

#[test]
fn send_prints_ids_and_receipts() {
    let s = sim(&[]);
    let o = on(
        &s,
        "send",
        &[
            "--to",
            "4512345678",
            "--text",
            "Grüße 👋",
            "--wait-receipt",
            "5",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ev = json_lines(&o);
    assert_eq!(ev[0]["encoding"], "UCS-2");
    assert!(
        ev.iter()
            .any(|e| e["event"] == "submitted" && e["ok"] == true)
    );
    assert!(
        ev.iter()
            .any(|e| e["event"] == "receipt" && e["stat"] == "DELIVRD")
    );
    // A long one, split with SAR, in text mode.
    let long = "x".repeat(400);
    let o = on(
        &s,
        "send",
        &["--to", "4512345678", "--text", &long, "--split", "sar"],
    );
    assert!(o.status.success());
    assert!(stdout(&o).contains("3 part(s)"), "{}", stdout(&o));
    // Binary.
    let o = on(&s, "send", &["--to", "4512345678", "--hex", "0102ff"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn listen_prints_reassembled_mo() {
    let s = sim(&["--mo-rate", "20", "--mo-long", "sar", "--mo-ucs2"]);
    let o = on(
        &s,
        "listen",
        &["--count", "6", "--duration", "10", "--json"],
    );
    assert!(o.status.success());
    let ev: Vec<Value> = json_lines(&o)
        .into_iter()
        .filter(|e| e["event"] == "mo")
        .collect();
    assert_eq!(ev.len(), 6, "{}", stdout(&o));
    assert!(ev.iter().any(|e| e["parts"].as_u64() > Some(1)));
    assert!(ev.iter().any(|e| e["data_coding"] == 8));
    assert!(ev.iter().all(|e| {
        e["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("MO ") || t.contains('П'))
    }));
}

#[test]
fn bench_against_sim_and_in_process() {
    let s = sim(&[]);
    let j = bench_json(&s, &["-n", "500", "--binds", "2", "--receipts"]);
    assert_eq!(j["ok"], 500);
    assert_eq!(j["receipts_matched"], 500);
    assert!(j["latency_us"]["p99"].as_u64().is_some());
    let o = smpp(&["bench", "-n", "300", "--json", "--encoding", "ucs2"]);
    assert!(o.status.success());
    assert_eq!(json_lines(&o)[0]["ok"], 300);
}

/// `GET path` over a raw TcpStream; the whole response (the server closes after it).
fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut t = std::net::TcpStream::connect(addr).expect("connect to metrics");
    t.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    write!(t, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("write request");
    let mut r = String::new();
    t.read_to_string(&mut r).expect("read response");
    r
}

#[test]
fn sim_serves_prometheus_metrics() {
    let mut child = Command::new(BIN)
        .args(["sim", "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sim");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let (mut first, mut second) = (String::new(), String::new());
    out.read_line(&mut first).expect("first line");
    out.read_line(&mut second).expect("second line");
    // The first-line contract holds; the metrics address follows on its own line.
    assert!(first.starts_with("smpp sim listening on "), "{first}");
    let metrics = second
        .trim()
        .strip_prefix("metrics on ")
        .unwrap_or_else(|| panic!("{second}"))
        .to_owned();
    let addr = first.trim().rsplit(' ').next().expect("address").to_owned();
    let (host, port) = addr.rsplit_once(':').expect("host:port");
    let s = Sim {
        host: host.to_owned(),
        port: port.to_owned(),
        child,
    };
    let j = bench_json(&s, &["-n", "200", "--binds", "2"]);
    assert_eq!(j["submitted"], 200);

    let r = http_get(&metrics, "/metrics");
    let (head, body) = r.split_once("\r\n\r\n").expect("head and body");
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        head.contains("Content-Type: text/plain; version=0.0.4"),
        "{head}"
    );
    assert!(head.contains("Connection: close"), "{head}");
    assert!(
        head.contains(&format!("Content-Length: {}", body.len())),
        "{head}"
    );
    for name in [
        "connections",
        "submits",
        "accepted",
        "throttled",
        "rejected",
        "withheld",
        "nacked",
        "dropped",
        "receipts",
        "mo",
        "binds_refused",
    ] {
        let m = format!("smpp_sim_{name}_total");
        assert!(body.contains(&format!("# HELP {m} ")), "{name}: {body}");
        assert!(
            body.contains(&format!("# TYPE {m} counter\n")),
            "{name}: {body}"
        );
        assert!(
            body.lines().any(|l| l
                .strip_prefix(&format!("{m} "))
                .is_some_and(|v| v.parse::<u64>().is_ok())),
            "{name}: {body}"
        );
    }
    assert!(
        body.lines().any(|l| l == "smpp_sim_submits_total 200"),
        "{body}"
    );
    assert!(
        body.lines().any(|l| l == "smpp_sim_accepted_total 200"),
        "{body}"
    );
    assert!(
        body.lines().any(|l| l == "smpp_sim_connections_total 2"),
        "{body}"
    );

    let r = http_get(&metrics, "/nosuch");
    assert!(r.starts_with("HTTP/1.1 404 "), "{r}");
}

#[test]
fn demo_works() {
    let o = smpp(&["demo"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("all steps worked"));
}

#[test]
fn profile_8x8_refuses_the_fifth_bind_and_throttles() {
    let s = sim(&["--profile", "8x8"]);
    let o = on(&s, "bench", &["-n", "10", "--binds", "5"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("ESME_RBINDFAIL"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    // 4 binds work; unpaced, one bind is throttled beyond 50/s.
    let j = bench_json(&s, &["-n", "200", "--binds", "4", "--tps", "40"]);
    assert_eq!(j["ok"], 200, "{j}");
    let j = bench_json(&s, &["-n", "150"]);
    assert!(j["errors"]["ESME_RTHROTTLED"].as_u64() > Some(0), "{j}");
}

#[test]
fn profile_gatewayapi_err_quirk() {
    let s = sim(&["--profile", "gatewayapi", "--outcomes", "0:1:0:0"]);
    let o = on(
        &s,
        "send",
        &[
            "--to",
            "4512345678",
            "--text",
            "hi",
            "--wait-receipt",
            "5",
            "--json",
        ],
    );
    // Not delivered: exit 1, and err:126 for 0x107E.
    assert!(!o.status.success());
    let r = json_lines(&o)
        .into_iter()
        .find(|e| e["event"] == "receipt")
        .expect("receipt");
    assert_eq!(r["stat"], "UNDELIV");
    assert_eq!(r["err"], "126");
}

#[test]
fn profile_vonage_and_wavix() {
    let s = sim(&["--profile", "vonage"]);
    let o = on(
        &s,
        "send",
        &[
            "--to",
            "4512345678",
            "--text",
            "hi",
            "--wait-receipt",
            "5",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", stdout(&o));
    let ev = json_lines(&o);
    let id = ev.iter().find(|e| e["event"] == "submitted").unwrap()["message_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = ev.iter().find(|e| e["event"] == "receipt").unwrap();
    assert_eq!(
        r["message_id"].as_str().unwrap(),
        u64::from_str_radix(&id, 16).unwrap().to_string()
    );
    assert!(r["text"].as_str().unwrap().ends_with("text:none"));
    // Wavix: 20/s per account, receipted_message_id TLV.
    let s = sim(&["--profile", "wavix", "--outcomes", "0:0:0:1"]);
    let o = on(
        &s,
        "send",
        &[
            "--to",
            "4512345678",
            "--text",
            "hi",
            "--wait-receipt",
            "5",
            "--json",
        ],
    );
    let r = json_lines(&o)
        .into_iter()
        .find(|e| e["event"] == "receipt")
        .expect("receipt");
    assert_eq!(r["stat"], "REJECTD");
    let j = bench_json(&s, &["-n", "60"]);
    assert!(j["errors"]["ESME_RTHROTTLED"].as_u64() > Some(0), "{j}");
}

#[test]
fn faults_every_submit_gets_one_outcome() {
    let cases: &[(&[&str], &[&str])] = &[
        (&["--drop-every-pdus", "80"], &[]),
        (&["--drop-every-secs", "0.7"], &[]),
        (&["--withhold-every", "50"], &["--timeout", "1"]),
        (&["--delay-ms", "20"], &[]),
        (&["--nack-every", "25"], &[]),
        (&["--throttle-burst", "40:5"], &[]),
        (&["--early-receipt"], &["--receipts"]),
        (
            &["--double-receipt", "--enroute", "--out-of-order"],
            &["--receipts"],
        ),
        (&["--no-enquire-link"], &["--enquire-link", "0.3"]),
        (&["--window", "3", "--delay-ms", "5"], &[]),
    ];
    for (sim_args, bench_args) in cases {
        let s = sim(sim_args);
        let mut b = vec!["-n", "300"];
        b.extend_from_slice(bench_args);
        let j = bench_json(&s, &b);
        assert!(j["ok"].as_u64() > Some(0), "{sim_args:?}: {j}");
        if bench_args.contains(&"--receipts") {
            assert_eq!(j["receipts_matched"], j["ok"], "{sim_args:?}: {j}");
        }
        if sim_args[0] == "--nack-every" {
            assert!(
                j["errors"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .any(|k| k.contains("generic_nack")),
                "{j}"
            );
        }
        if sim_args[0] == "--withhold-every" {
            assert_eq!(j["errors"]["timeout"], 6, "{j}");
        }
    }
    // Refused binds: a clear error, then a bind that works.
    let s = sim(&["--refuse-binds", "1"]);
    let o = on(&s, "send", &["--to", "1", "--text", "x"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("bind refused"));
    assert!(
        on(&s, "send", &["--to", "1", "--text", "x"])
            .status
            .success()
    );
}

#[test]
fn tls_listener() {
    let mut child = Command::new(BIN)
        .args(["sim", "--tls-listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut r = BufReader::new(child.stdout.take().unwrap());
    let (mut a, mut c) = (String::new(), String::new());
    r.read_line(&mut a).unwrap();
    r.read_line(&mut c).unwrap();
    let addr = a.trim().rsplit(' ').next().unwrap().to_owned();
    let (_, port) = addr.rsplit_once(':').unwrap();
    let ca = c.trim().rsplit(' ').next().unwrap().to_owned();
    let o = smpp(&[
        "send",
        "--host",
        "localhost",
        "--port",
        port,
        "--tls",
        "--ca",
        &ca,
        "--to",
        "1",
        "--text",
        "tls",
    ]);
    let _ = child.kill();
    let _ = child.wait();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn decode_pcap() {
    use etherparse::PacketBuilder;
    use pcap_file::pcap::{PcapPacket, PcapWriter};
    // enquire_link + submit_sm, the submit cut across two segments.
    let el = hex("00000010000000150000000000000001");
    let sm = hex(
        "0000003c00000004000000000000000a0005004d7953686f7000010134353132333435363738000000000000010000000b48656c6c6f20576f726c64",
    );
    let mut stream = el.clone();
    stream.extend_from_slice(&sm);
    let (a, b) = stream.split_at(30);
    let path = std::env::temp_dir().join(format!("smpp-cli-test-{}.pcap", std::process::id()));
    let f = std::fs::File::create(&path).unwrap();
    let mut w = PcapWriter::new(f).unwrap();
    let mut seq = 1000u32;
    for seg in [a, b] {
        let builder = PacketBuilder::ethernet2([1; 6], [2; 6])
            .ipv4([10, 0, 0, 1], [10, 0, 0, 2], 64)
            .tcp(40000, 2775, seq, 65535);
        let mut pkt = Vec::new();
        builder.write(&mut pkt, seg).unwrap();
        w.write_packet(&PcapPacket::new(
            std::time::Duration::ZERO,
            pkt.len() as u32,
            &pkt,
        ))
        .unwrap();
        seq += seg.len() as u32;
    }
    drop(w);
    let o = smpp(&["decode", "--pcap", path.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ev = json_lines(&o);
    assert_eq!(ev.len(), 2, "{}", stdout(&o));
    assert_eq!(ev[0]["command"], "enquire_link");
    assert_eq!(ev[1]["command"], "submit_sm");
    assert_eq!(ev[1]["flow"], "10.0.0.1:40000 -> 10.0.0.2:2775");
    let _ = std::fs::remove_file(&path);
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn bad_input_is_one_line_and_nonzero() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let cases: Vec<Vec<&str>> = vec![
        vec!["send", "--bogus"],
        vec!["sim", "--profile", "nosuch"],
        vec!["send", "--port", &closed, "--to", "1", "--text", "x"],
        vec!["send", "--port", &closed, "--to", "1", "--hex", "zz"],
        vec!["listen", "--port", &closed, "--duration", "1"],
        vec!["bench", "--host", "127.0.0.1", "--port", &closed, "-n", "1"],
        vec!["decode", "--pcap", "/nonexistent.pcap"],
        vec!["decode", "00zz"],
    ];
    for c in cases {
        let o = smpp(&c);
        assert!(!o.status.success(), "{c:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{c:?}: {err}");
        assert!(!err.contains("panicked"), "{c:?}: {err}");
    }
}
