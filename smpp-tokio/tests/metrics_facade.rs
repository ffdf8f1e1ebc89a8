//! The counters reach whatever recorder the application installs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use metrics::{
    Counter, CounterFn, Gauge, GaugeFn, Histogram, Key, KeyName, Metadata, Recorder, SharedString,
    Unit,
};
use smpp_proto::pdu::SubmitSm;
use smpp_tokio::{ClientBuilder, Server};

#[derive(Default)]
struct Cell(AtomicU64);

impl CounterFn for Cell {
    fn increment(&self, v: u64) {
        self.0.fetch_add(v, Ordering::Relaxed);
    }
    fn absolute(&self, v: u64) {
        self.0.fetch_max(v, Ordering::Relaxed);
    }
}

impl GaugeFn for Cell {
    fn increment(&self, v: f64) {
        self.0.fetch_add(v as u64, Ordering::Relaxed);
    }
    fn decrement(&self, v: f64) {
        self.0.fetch_sub(v as u64, Ordering::Relaxed);
    }
    fn set(&self, v: f64) {
        self.0.store(v as u64, Ordering::Relaxed);
    }
}

#[derive(Default)]
struct Rec(Mutex<HashMap<String, Arc<Cell>>>);

impl Rec {
    fn cell(&self, key: &Key) -> Arc<Cell> {
        let mut labels: Vec<String> = key
            .labels()
            .map(|l| format!("{}={}", l.key(), l.value()))
            .collect();
        labels.sort();
        let name = format!("{}{{{}}}", key.name(), labels.join(","));
        self.0.lock().unwrap().entry(name).or_default().clone()
    }
    fn get(&self, name: &str) -> u64 {
        let m = self.0.lock().unwrap();
        m.iter()
            .filter(|(k, _)| k.starts_with(name))
            .map(|(_, v)| v.0.load(Ordering::Relaxed))
            .sum()
    }
}

impl Recorder for &'static Rec {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(self.cell(key))
    }
    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::from_arc(self.cell(key))
    }
    fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::noop()
    }
}

static REC: OnceLock<Rec> = OnceLock::new();

#[tokio::test]
async fn counters_reach_the_installed_recorder() {
    let rec: &'static Rec = REC.get_or_init(Rec::default);
    metrics::set_global_recorder(rec).unwrap();
    let s = Server::builder().listen("127.0.0.1:0").await.unwrap();
    let (c, _ev) = ClientBuilder::new(s.local_addr().to_string())
        .system_id("m")
        .connect()
        .await
        .unwrap();
    for _ in 0..5 {
        assert!(
            c.submit(SubmitSm::new("1", "2", &b"x"[..]))
                .await
                .unwrap()
                .is_ok()
        );
    }
    let names: Vec<String> = rec.0.lock().unwrap().keys().cloned().collect();
    assert!(
        names
            .iter()
            .any(|n| n.contains("role=esme") && n.contains("system_id=m")),
        "{names:?}"
    );
    assert_eq!(rec.get("smpp_pdus_sent_total"), 6, "{names:?}"); // bind + 5
    assert_eq!(rec.get("smpp_pdus_received_total"), 6);
    assert_eq!(rec.get("smpp_requests_in_flight"), 0);
    assert_eq!(rec.get("smpp_timeouts_total"), 0);
    assert_eq!(c.stats().sent, 6);
}
