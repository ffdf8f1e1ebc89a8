//! Spans and events carry peer, system_id and bind kind, and never the password.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use smpp_proto::pdu::{CommandStatus, SubmitSm};
use smpp_tokio::{ClientBuilder, Server};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Writes every span and event, with all fields, into one string.
#[derive(Clone, Default)]
struct Capture {
    log: Arc<Mutex<String>>,
    ids: Arc<AtomicU64>,
}

struct V<'a>(&'a mut String);

impl Visit for V<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut l = self.log.lock().unwrap();
        let _ = write!(l, "\nspan {}", span.metadata().name());
        span.record(&mut V(&mut l));
        Id::from_u64(self.ids.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut V(&mut self.log.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut l = self.log.lock().unwrap();
        let _ = write!(l, "\nevent {}", event.metadata().level());
        event.record(&mut V(&mut l));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn logs_have_the_context_and_never_the_password() {
    let cap = Capture::default();
    let _g = tracing::subscriber::set_default(cap.clone());
    let s = Server::builder()
        .authenticator(|b| {
            if b.password == "hunter22" {
                Ok(())
            } else {
                Err(CommandStatus::InvPaswd)
            }
        })
        .listen("127.0.0.1:0")
        .await
        .unwrap();
    let b = ClientBuilder::new(s.local_addr().to_string())
        .system_id("alice")
        .password("hunter22");
    let (c, _ev) = b.clone().connect().await.unwrap();
    assert!(
        c.submit(SubmitSm::new("1", "2", &b"x"[..]))
            .await
            .unwrap()
            .is_ok()
    );
    c.unbind().await.unwrap();
    let r = b.password("wrong-pw9").reconnect(None).connect().await;
    assert!(r.is_err());
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let log = cap.log.lock().unwrap().clone();
    assert!(log.contains("span smpp_client"), "{log}");
    assert!(log.contains("system_id=alice"), "{log}");
    assert!(log.contains("bind=Transceiver"), "{log}");
    assert!(log.contains("message=bound"), "{log}");
    assert!(log.contains("message=bind refused"), "{log}");
    assert!(log.contains("message=closed"), "{log}");
    assert!(!log.contains("hunter22"), "{log}");
    assert!(!log.contains("wrong-pw9"), "{log}");
}
