//! GSM 7-bit encode/decode into pre-reserved buffers allocate nothing, and a split allocates
//! only its output: a counting global allocator proves it (own test binary).
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use smpp_proto::segment::{Concat, SplitOptions, split_text};
use smpp_proto::text::{EncodingPolicy, ShiftTables, Strictness, gsm7, ucs2};

struct Counting;

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; only counts calls on this thread.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations<R>(f: impl FnOnce() -> R) -> (u64, R) {
    let before = ALLOCS.with(Cell::get);
    let r = f();
    (ALLOCS.with(Cell::get) - before, r)
}

fn gsm_text() -> String {
    "The quick brown fox jumps over the lazy dog, 0123456789! Prices: 5€ (approx.) @home. "
        .chars()
        .cycle()
        .take(1000)
        .collect()
}

#[test]
fn gsm7_and_ucs2_codecs_allocate_nothing_with_reserved_buffers() {
    let text = gsm_text();
    let t = &ShiftTables::NONE;
    let st = Strictness::Strict;
    let mut out = Vec::with_capacity(4096);
    let mut s = String::with_capacity(4096);
    let (n, r) = allocations(|| gsm7::encode(&text, t, st, &mut out));
    assert_eq!((n, r.map(|r| r.units)), (0, Ok(out.len())));
    let septets = out.clone();
    let (n, r) = allocations(|| gsm7::decode(&septets, t, st, &mut s));
    assert_eq!(n, 0);
    assert!(r.is_ok());
    assert_eq!(s, text);
    out.clear();
    let (n, r) = allocations(|| gsm7::encode_packed(&text, t, st, 1, &mut out));
    assert_eq!(n, 0);
    assert!(r.is_ok());
    let packed = out.clone();
    s.clear();
    let (n, r) = allocations(|| gsm7::decode_packed(&packed, 1, t, st, &mut s));
    assert_eq!(n, 0);
    assert!(r.is_ok());
    assert_eq!(s, text);
    let utext: String = "Привет, мир! Hello 😀 "
        .chars()
        .cycle()
        .take(1000)
        .collect();
    out.clear();
    let (n, _) = allocations(|| ucs2::encode(&utext, &mut out));
    assert_eq!(n, 0);
    let units = out.clone();
    s.clear();
    let (n, r) = allocations(|| ucs2::decode(&units, st, &mut s));
    assert_eq!(n, 0);
    assert!(r.is_ok());
    assert_eq!(s, utext);
}

#[test]
fn split_allocates_only_its_output() {
    let policy = EncodingPolicy::default();
    let opts = SplitOptions::new(Concat::Udh8, 7);
    // Exactly: the parts' Vec, the shared byte buffer all parts point into, and the shared
    // header `bytes` allocates when the buffer is first split.
    for text in [
        gsm_text(),
        "Hello [world] 5€ ünïcödé "
            .chars()
            .cycle()
            .take(1000)
            .collect(),
    ] {
        let (n, split) = allocations(|| split_text(&text, &policy, &opts));
        let split = split.unwrap();
        assert!(split.parts.len() > 1);
        assert_eq!(n, 3, "{} parts", split.parts.len());
    }
    // A single-part message: the same three (`Bytes` from a buffer with spare capacity
    // allocates its shared header too).
    let (n, split) = allocations(|| split_text("Hello", &policy, &opts));
    assert_eq!(split.unwrap().parts.len(), 1);
    assert_eq!(n, 3);
}
