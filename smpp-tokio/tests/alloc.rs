//! Allocations per submit in steady state on the client side (driver, handle, manage
//! task), counted on the client's thread only; the server runs on another thread.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use smpp_proto::pdu::SubmitSm;
use smpp_tokio::{ClientBuilder, Server};

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COUNT: Cell<bool> = const { Cell::new(false) };
}

fn note() {
    if COUNT.with(Cell::get) {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: forwards to the system allocator; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations per submit with `workers` submitting concurrently (window = workers).
fn per_submit(workers: usize) -> f64 {
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let s = Server::builder()
                .session_config(|c| c.max_inbound_unanswered = 1000)
                .listen("127.0.0.1:0")
                .await
                .unwrap();
            addr_tx.send(s.local_addr()).unwrap();
            let _ = stop_rx.await;
        });
    });
    let addr = addr_rx.recv().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let r = rt.block_on(async move {
        let (c, _ev) = ClientBuilder::new(addr.to_string())
            .window(workers)
            .connect()
            .await
            .unwrap();
        let sm = SubmitSm::new("Shop", "4512345678", &b"Hello, world"[..]);
        let run = |n: usize| {
            let tasks: Vec<_> = (0..workers)
                .map(|_| {
                    let c = c.clone();
                    let sm = sm.clone();
                    tokio::spawn(async move {
                        for _ in 0..n {
                            assert!(c.submit(sm.clone()).await.unwrap().is_ok());
                        }
                    })
                })
                .collect();
            async move {
                for t in tasks {
                    t.await.unwrap();
                }
            }
        };
        run(2000 / workers).await; // warm up buffers, maps, channel blocks
        let n = 20_000 / workers;
        // Spawning the workers is counted too; it is amortised over n submits each.
        COUNT.with(|c| c.set(true));
        let before = ALLOCS.load(Ordering::Relaxed);
        run(n).await;
        let after = ALLOCS.load(Ordering::Relaxed);
        COUNT.with(|c| c.set(false));
        (after - before) as f64 / (n * workers) as f64
    });
    let _ = stop_tx.send(());
    server.join().unwrap();
    r
}

#[test]
fn client_allocations_per_submit() {
    for w in [1, 10, 100] {
        let a = per_submit(w);
        println!("window {w}: {a:.3} allocations per submit (client side)");
        // The oneshot carrying the outcome is the one allocation the request needs.
        assert!(a <= 1.1, "window {w}: {a} allocations per submit");
    }
}
