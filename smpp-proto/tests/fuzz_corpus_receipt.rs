//! Replays every seed of `fuzz/corpus/receipt/` through the receipt fuzz body on stable.

#[test]
fn receipt_seeds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/receipt");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("seed directory") {
        let path = entry.expect("entry").path();
        let data = std::fs::read(&path).expect("seed");
        smpp_proto::fuzzing::receipt::receipt(&data);
        n += 1;
    }
    assert!(n >= 5, "only {n} seeds in {}", dir.display());
}
