//! Instruction counts of the `session` bench under callgrind: the same round-trip loop
//! (submit_sm → submit_sm_resp through two in-memory sessions, `window` in flight), run
//! by `benches/callgrind.sh session`, which counts with
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*::cg_*'`.
//!
//! Usage: `session_callgrind <window> <round trips>`. The pair is bound and warmed up
//! (2,000 round trips, uncounted) first; only `cg_round_trips` is counted, inclusive of
//! everything it calls (both sessions, the codec, the allocator, the application's
//! `respond`). The script runs 1,000 and 2,000 round trips and reports the difference
//! divided by 1,000: the steady-state cost of one round trip (four PDU encodes/decodes,
//! two events), set-up cancelling out.
//!
//! Without arguments (as `cargo bench` runs it) it does a short sanity run and exits.

use std::hint::black_box;

use smpp_proto::pdu::{Body, MessageIdResp, SubmitSm};
use smpp_proto::session::{BindKind, Event, Reply, SessionConfig};
use smpp_proto::testing::Pair;

/// Exactly the loop of `benches/session.rs`.
#[inline(never)]
fn cg_round_trips(p: &mut Pair, sm: &Body, n: u64) -> u64 {
    let now = p.now;
    let mut sent = 0;
    let mut done = 0;
    while done < n {
        while sent < n && p.esme.can_send() {
            p.esme.send_request(now, sm.clone()).ok();
            sent += 1;
        }
        while let Some(b) = p.esme.poll_transmit() {
            p.smsc.handle_bytes(now, &b);
        }
        while let Some(ev) = p.smsc.poll_event() {
            if let Event::Request { token, .. } = ev {
                let resp = Body::SubmitSmResp(MessageIdResp::new("0123456789abcdef"));
                p.smsc.respond(now, token, Reply::ok(resp)).ok();
            }
        }
        while let Some(b) = p.smsc.poll_transmit() {
            p.esme.handle_bytes(now, &b);
        }
        while let Some(ev) = p.esme.poll_event() {
            if let Event::Response { outcome, .. } = ev {
                black_box(&outcome);
                done += 1;
            }
        }
    }
    done
}

fn pair(window: usize) -> Pair {
    let mut esme = SessionConfig::esme();
    esme.window = window;
    let mut smsc = SessionConfig::smsc();
    smsc.max_inbound_unanswered = window.max(100);
    Pair::bound_with(esme, smsc, BindKind::Transceiver)
}

fn main() {
    let sm = Body::SubmitSm(SubmitSm::new("Shop", "4512345678", &b"Hello, world"[..]));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [window, n] = args.as_slice() else {
        for window in [1, 10, 100] {
            let mut p = pair(window);
            assert_eq!(cg_round_trips(&mut p, &sm, 1000), 1000);
        }
        println!("session_callgrind: checked; run benches/callgrind.sh session for counts");
        return;
    };
    let window: usize = window.parse().expect("window is a number");
    let n: u64 = n.parse().expect("round trips is a number");
    let mut p = pair(window);
    assert_eq!(cg_round_trips(&mut p, &sm, 2000), 2000); // warm-up, not counted…
    // …except that callgrind counts every call of cg_round_trips: the script subtracts
    // runs with different `n`, so the warm-up cancels out.
    assert_eq!(cg_round_trips(&mut p, &sm, n), n);
}
