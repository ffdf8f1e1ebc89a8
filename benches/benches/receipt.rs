//! Delivery-receipt parse and format benchmarks.
//!
//! Before measuring, a counting global allocator checks that parsing a typical receipt does
//! not allocate.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use criterion::{Criterion, criterion_group, criterion_main};
use smpp_proto::receipt::{
    self, ErrQuirk, FormatOptions, IdFormat, IdNotation, MessageKey, MessageState, ReceiptFields,
    TlvValues,
};

/// Counts allocations so the bench can assert the parser allocates nothing.
struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call unchanged to the system allocator; only a counter is added.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const TYPICAL: &[u8] = b"id:0123456789 sub:001 dlvrd:001 submit date:1005232039 done date:1005242339 stat:DELIVRD err:000 text:This is a sample mes";
const UUID_12: &[u8] = b"id:1010d937-8f43-4754-9dd8-6e987cda32fa sub:001 dlvrd:000 submit date:161008120127 done date:1610081500 stat:UNDELIV err:004 text:exampleMessage02";

fn assert_no_alloc() {
    let before = ALLOCS.load(Ordering::Relaxed);
    for _ in 0..1000 {
        black_box(receipt::parse(black_box(TYPICAL)));
        black_box(receipt::parse(black_box(UUID_12)));
    }
    let after = ALLOCS.load(Ordering::Relaxed);
    assert_eq!(after, before, "receipt::parse allocated");
}

fn benches(c: &mut Criterion) {
    assert_no_alloc();
    let mut g = c.benchmark_group("receipt");
    g.bench_function("parse_typical", |b| {
        b.iter(|| receipt::parse(black_box(TYPICAL)))
    });
    g.bench_function("parse_uuid_12digit_dates", |b| {
        b.iter(|| receipt::parse(black_box(UUID_12)))
    });
    let utf16: Vec<u8> = TYPICAL.iter().flat_map(|&c| [0, c]).collect();
    let mut scratch = [0u8; 512];
    g.bench_function("parse_any_utf16", |b| {
        b.iter(|| {
            let r = receipt::parse_any(black_box(&utf16), &mut scratch);
            black_box(r.receipt().map(|r| r.id));
        })
    });
    let notation = IdNotation {
        submit_resp: IdFormat::Hex,
        receipt: IdFormat::Decimal,
    };
    let tlvs = TlvValues {
        receipted_message_id: Some(b"75bcd15"),
        message_state: Some(2),
        network_error_code: None,
        user_message_reference: None,
    };
    g.bench_function("parse_merge_key", |b| {
        b.iter(|| {
            let r = receipt::parse(black_box(TYPICAL)).receipt();
            let m = receipt::merge(r.as_ref(), &tlvs, &notation, ErrQuirk::None);
            black_box(m.message_key(&notation))
        })
    });
    g.bench_function("message_key_decimal", |b| {
        b.iter(|| MessageKey::new(black_box(b"0012617184"), IdFormat::Decimal))
    });
    let t = UNIX_EPOCH + Duration::from_secs(1_274_647_140);
    let fields = ReceiptFields {
        id: b"0123456789",
        sub: 1,
        dlvrd: 1,
        submit_date: t,
        done_date: t + Duration::from_secs(97_200),
        state: MessageState::Delivered,
        err: 12,
        text: b"This is a sample message that I want to have added",
    };
    let opts = FormatOptions::default();
    let mut out = [0u8; 256];
    g.bench_function("format_typical", |b| {
        b.iter(|| receipt::format(black_box(&fields), &opts, &mut out).map(black_box))
    });
    g.finish();
}

criterion_group!(receipt_benches, benches);
criterion_main!(receipt_benches);
