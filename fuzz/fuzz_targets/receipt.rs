#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smpp_proto::fuzzing::receipt::receipt(data));
