//! Instruction counts of the codec benchmarks under callgrind: the cases and baselines
//! of the `codec` bench (same fixtures, same inputs, same measured calls), run by
//! `benches/callgrind.sh`, which counts with
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*::cg_*'`.
//!
//! Usage: `codec_callgrind <decode|encode> <pdu> <smpp-proto|rusmpp|smpp34> <iterations>`.
//! Only the `cg_*` functions are counted (inclusive of what they call: allocator,
//! atomics); preparing their inputs and unwrapping and dropping their outputs is not,
//! exactly as in the criterion bench. The script runs each case with 1 and with 1 001 iterations and
//! reports the difference divided by 1 000, the steady-state cost of one call.
//!
//! Without arguments (as `cargo bench` runs it) it checks every fixture and exits.

mod common;

use std::hint::black_box;

use bytes::{Bytes, BytesMut};
use smpp_proto::pdu::{DecodeError, Pdu};

use common::{Case, Smpp34Pdu, rusmpp_decode, rusmpp_encode, rusmpp_input};

#[inline(never)]
fn cg_decode_ours(frame: Bytes) -> Result<Pdu, DecodeError> {
    Pdu::decode(frame)
}

#[inline(never)]
fn cg_decode_rusmpp(src: &mut BytesMut) -> Result<rusmpp::Command, rusmpp::decode::DecodeError> {
    rusmpp_decode(src)
}

#[inline(never)]
fn cg_decode_smpp34(wire: &[u8]) -> Result<Smpp34Pdu, smpp34::SmppError> {
    Smpp34Pdu::decode(wire)
}

#[inline(never)]
fn cg_encode_ours(pdu: &Pdu, buf: &mut BytesMut) {
    buf.clear();
    pdu.encode(buf).expect("encodes");
}

#[inline(never)]
fn cg_encode_rusmpp(cmd: &rusmpp::Command, buf: &mut BytesMut) {
    buf.clear();
    rusmpp_encode(cmd, buf);
}

#[inline(never)]
fn cg_encode_smpp34(pdu: Smpp34Pdu) -> Vec<u8> {
    pdu.encode()
}

fn run(op: &str, case: Case, imp: &str, iterations: usize) -> Result<(), String> {
    let wire = case.wire();
    match (op, imp) {
        ("decode", "smpp-proto") => {
            let frame = case.frame();
            for _ in 0..iterations {
                let input = black_box(frame.clone());
                black_box(cg_decode_ours(input)).expect("decodes");
            }
        }
        ("decode", "rusmpp") => {
            for _ in 0..iterations {
                let mut input = black_box(rusmpp_input(&wire));
                black_box(cg_decode_rusmpp(&mut input)).expect("decodes");
            }
        }
        ("decode", "smpp34") => {
            for _ in 0..iterations {
                black_box(cg_decode_smpp34(black_box(&wire))).expect("decodes");
            }
        }
        ("encode", "smpp-proto") => {
            let pdu = case.ours();
            let mut buf = BytesMut::with_capacity(1024);
            for _ in 0..iterations {
                cg_encode_ours(black_box(&pdu), &mut buf);
                black_box(&buf);
            }
        }
        ("encode", "rusmpp") => {
            let cmd = rusmpp_decode(&mut rusmpp_input(&wire)).expect("decodes");
            let mut buf = BytesMut::with_capacity(1024);
            for _ in 0..iterations {
                cg_encode_rusmpp(black_box(&cmd), &mut buf);
                black_box(&buf);
            }
        }
        ("encode", "smpp34") => {
            let pdu = Smpp34Pdu::decode(&wire).expect("decodes");
            for _ in 0..iterations {
                let input = black_box(pdu.clone());
                drop(black_box(cg_encode_smpp34(input)));
            }
        }
        _ => return Err(format!("unknown operation {op} or implementation {imp}")),
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [op, pdu, imp, n] = args.as_slice() else {
        for case in Case::ALL {
            case.check();
        }
        println!(
            "codec_callgrind: fixtures checked; run benches/callgrind.sh for instruction counts"
        );
        return;
    };
    let case = Case::from_name(pdu).unwrap_or_else(|| panic!("unknown pdu {pdu}"));
    let iterations: usize = n.parse().expect("iterations is a number");
    case.check();
    if let Err(e) = run(op, case, imp, iterations) {
        panic!("{e}");
    }
}
