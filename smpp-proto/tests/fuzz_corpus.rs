//! Replays every seed in `fuzz/corpus/<target>/` through its target body on stable
//! `cargo test`, so the fuzz logic is exercised in CI and every crash committed as a seed
//! becomes a regression test.

use std::path::PathBuf;

use smpp_proto::fuzzing;

fn target(name: &str) -> Option<fn(&[u8])> {
    Some(match name {
        "decode_pdu" => fuzzing::codec::decode_pdu,
        "framer" => fuzzing::codec::framer,
        "gsm7" => fuzzing::text::gsm7,
        "udh" => fuzzing::text::udh,
        "reassembly" => fuzzing::text::reassembly,
        "receipt" => fuzzing::receipt::receipt,
        "session_esme" => fuzzing::session::session_esme,
        "session_smsc" => fuzzing::session::session_smsc,
        "session_ops" => fuzzing::session::session_ops,
        _ => return None,
    })
}

#[test]
fn replay_fuzz_corpus() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let mut seeds = 0;
    for dir in std::fs::read_dir(&root).expect("fuzz/corpus exists") {
        let dir = dir.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let f = target(&name).unwrap_or_else(|| panic!("corpus {name} has no target in this test"));
        for seed in std::fs::read_dir(&dir).unwrap() {
            let seed = seed.unwrap().path();
            let data = std::fs::read(&seed).unwrap();
            f(&data);
            seeds += 1;
        }
    }
    assert!(seeds >= 60, "only {seeds} seeds replayed");
    println!("replayed {seeds} seeds");
}
