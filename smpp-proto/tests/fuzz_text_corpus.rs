//! Replays the fuzz seed corpora of the text targets.

use std::fs;
use std::path::Path;

fn replay(target: &str, f: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        f(&fs::read(entry.unwrap().path()).unwrap());
        n += 1;
    }
    assert!(n > 0, "no seeds in {}", dir.display());
}

#[test]
fn gsm7_corpus() {
    replay("gsm7", smpp_proto::fuzzing::text::gsm7);
}

#[test]
fn udh_corpus() {
    replay("udh", smpp_proto::fuzzing::text::udh);
}

#[test]
fn reassembly_corpus() {
    replay("reassembly", smpp_proto::fuzzing::text::reassembly);
}

#[test]
fn bodies_survive_pseudo_random_inputs() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for len in 0..400usize {
        let data: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        smpp_proto::fuzzing::text::gsm7(&data);
        smpp_proto::fuzzing::text::udh(&data);
        smpp_proto::fuzzing::text::reassembly(&data);
    }
}
