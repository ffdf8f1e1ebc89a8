//! Allocations per submit in steady state, counted per side: the client's thread
//! (driver, handle, manage task) and the server's thread (its connection driver with a
//! synchronous handler), each on its own current-thread runtime.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use smpp_proto::pdu::SubmitSm;
use smpp_tokio::{ClientBuilder, Server};

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static SERVER_ALLOCS: AtomicU64 = AtomicU64::new(0);
static MEASURING: AtomicBool = AtomicBool::new(false);

thread_local! {
    static COUNT: Cell<bool> = const { Cell::new(false) };
    static SERVER: Cell<bool> = const { Cell::new(false) };
}

fn note() {
    if COUNT.with(Cell::get) {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
    } else if SERVER.with(Cell::get) && MEASURING.load(Ordering::Relaxed) {
        SERVER_ALLOCS.fetch_add(1, Ordering::Relaxed);
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

/// Allocations per submit (client side, server side) with `workers` submitting
/// concurrently (window = workers).
fn per_submit(workers: usize) -> (f64, f64) {
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        SERVER.with(|c| c.set(true));
        rt.block_on(async move {
            let s = Server::builder()
                .session_config(|c| c.max_inbound_unanswered = 1000)
                .sync_handler(|_, _| {
                    smpp_proto::session::Reply::ok(smpp_proto::pdu::Body::SubmitSmResp(
                        smpp_proto::pdu::MessageIdResp::new("0123456789abcdef"),
                    ))
                })
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
        let server_before = SERVER_ALLOCS.load(Ordering::Relaxed);
        MEASURING.store(true, Ordering::Relaxed);
        run(n).await;
        MEASURING.store(false, Ordering::Relaxed);
        let after = ALLOCS.load(Ordering::Relaxed);
        let server_after = SERVER_ALLOCS.load(Ordering::Relaxed);
        COUNT.with(|c| c.set(false));
        let total = (n * workers) as f64;
        (
            (after - before) as f64 / total,
            (server_after - server_before) as f64 / total,
        )
    });
    let _ = stop_tx.send(());
    server.join().unwrap();
    r
}

#[test]
fn client_allocations_per_submit() {
    for w in [1, 10, 100] {
        let (a, srv) = per_submit(w);
        println!("window {w}: {a:.3} allocations per submit (client side), {srv:.3} (server side)");
        // The oneshot carrying the outcome is the one allocation the request needs.
        assert!(a <= 1.1, "window {w}: {a} allocations per submit");
        // The server answers in its driver turn: nothing per request (a rare buffer
        // growth is amortised).
        assert!(srv < 0.1, "window {w}: {srv} server allocations per submit");
    }
}
