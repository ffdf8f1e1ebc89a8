//! Steady state: a submit_sm → submit_sm_resp round trip through two sessions allocates
//! nothing once buffers have warmed up.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use smpp_proto::pdu::{Body, MessageIdResp, SubmitSm};
use smpp_proto::session::{BindKind, Event, Reply, SessionConfig};
use smpp_proto::testing::Pair;

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator; only counts calls.
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
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn round_trips(p: &mut Pair, sm: &Body, n: u64) -> u64 {
    let now = p.now;
    let (mut sent, mut done) = (0, 0);
    while done < n {
        while sent < n && p.esme.can_send() {
            p.esme.send_request(now, sm.clone()).unwrap();
            sent += 1;
        }
        while let Some(b) = p.esme.poll_transmit() {
            p.smsc.handle_bytes(now, &b);
        }
        while let Some(ev) = p.smsc.poll_event() {
            if let Event::Request { token, .. } = ev {
                let resp = Body::SubmitSmResp(MessageIdResp::new("0123456789"));
                p.smsc.respond(now, token, Reply::ok(resp)).unwrap();
            }
        }
        while let Some(b) = p.smsc.poll_transmit() {
            p.esme.handle_bytes(now, &b);
        }
        while let Some(ev) = p.esme.poll_event() {
            if let Event::Response { outcome, .. } = ev {
                assert!(outcome.is_ok());
                done += 1;
            }
        }
    }
    done
}

#[test]
fn steady_state_round_trips_do_not_allocate() {
    let sm = Body::SubmitSm(SubmitSm::new("Shop", "4512345678", &b"Hello"[..]));
    for window in [1usize, 10, 100] {
        let mut cfg = SessionConfig::esme();
        cfg.window = window;
        let mut p = Pair::bound_with(cfg, SessionConfig::smsc(), BindKind::Transceiver);
        round_trips(&mut p, &sm, 2000); // warm-up
        let before = ALLOCS.load(Ordering::Relaxed);
        round_trips(&mut p, &sm, 10_000);
        let allocs = ALLOCS.load(Ordering::Relaxed) - before;
        assert_eq!(
            allocs, 0,
            "window {window}: {allocs} allocations in 10,000 round trips"
        );
    }
}
