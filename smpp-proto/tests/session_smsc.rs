//! Session scenarios seen from the SMSC.
#![allow(
    clippy::disallowed_methods,
    reason = "tests pick an origin for simulated time"
)]

use std::time::{Duration, Instant};

use bytes::Bytes;
use smpp_proto::pdu::{
    Bind, Body, CommandId, CommandStatus, FrameDecoder, FrameLimits, MessageIdResp, Pdu,
    SequenceNumber, SubmitSm,
};
use smpp_proto::session::{
    BindKind, CloseReason, Event, Outcome, Reply, SendError, Session, SessionConfig, State,
};
use smpp_proto::testing::Pair;

fn sent(s: &mut Session) -> Vec<Pdu> {
    let mut d = FrameDecoder::new(FrameLimits::default());
    while let Some(b) = s.poll_transmit() {
        d.push(&b);
    }
    let mut v = Vec::new();
    while let Some(f) = d.next_frame().unwrap() {
        v.push(Pdu::decode(f).unwrap());
    }
    v
}

fn raw(seq: u32, body: Body) -> Bytes {
    Pdu::new(SequenceNumber(seq), body).to_bytes().unwrap()
}

fn deliver() -> Body {
    Body::DeliverSm(SubmitSm::new("4512345678", "Shop", &b"MO"[..]))
}

fn bound_smsc(kind: BindKind) -> (Session, Instant) {
    let now = Instant::now();
    let mut s = Session::new(SessionConfig::smsc(), now);
    s.handle_bytes(
        now,
        &raw(
            1,
            match kind {
                BindKind::Transmitter => Body::BindTransmitter(Bind::new("e", "p")),
                BindKind::Receiver => Body::BindReceiver(Bind::new("e", "p")),
                BindKind::Transceiver => Body::BindTransceiver(Bind::new("e", "p")),
            },
        ),
    );
    let Some(Event::BindRequested { token, .. }) = s.poll_event() else {
        panic!()
    };
    s.accept_bind(now, token, "SMSC").unwrap();
    let _ = sent(&mut s);
    while s.poll_event().is_some() {}
    (s, now)
}

#[test]
fn no_bind_within_session_init_timeout() {
    let now = Instant::now();
    let mut s = Session::new(SessionConfig::smsc(), now);
    assert_eq!(s.poll_timeout(), Some(now + Duration::from_secs(60)));
    s.handle_timeout(now + Duration::from_secs(59)); // early: nothing
    assert!(s.poll_event().is_none());
    s.handle_timeout(now + Duration::from_secs(60));
    assert!(matches!(
        s.poll_event(),
        Some(Event::Closed {
            reason: CloseReason::SessionInitTimeout
        })
    ));
    assert!(s.poll_event().is_none());
}

#[test]
fn second_bind_gets_already_bound() {
    let (mut s, now) = bound_smsc(BindKind::Transmitter);
    s.handle_bytes(now, &raw(2, Body::BindReceiver(Bind::new("e", "p"))));
    let out = sent(&mut s);
    assert_eq!(
        (out[0].command_id(), out[0].status),
        (CommandId::BindReceiverResp, CommandStatus::AlyBnd)
    );
    assert_eq!(s.state(), State::Bound(BindKind::Transmitter));
}

#[test]
fn bind_while_deciding_gets_already_bound() {
    let now = Instant::now();
    let mut s = Session::new(SessionConfig::smsc(), now);
    s.handle_bytes(now, &raw(1, Body::BindTransmitter(Bind::new("e", "p"))));
    s.handle_bytes(now, &raw(2, Body::BindTransmitter(Bind::new("e", "p"))));
    let out = sent(&mut s);
    assert_eq!(out[0].status, CommandStatus::AlyBnd);
}

#[test]
fn deliver_to_receiver_and_refuse_submit() {
    let mut p = Pair::bound(BindKind::Receiver);
    let seq = p.smsc.send_request(p.now, deliver()).unwrap();
    p.drive("deliver");
    let Some(Event::Request {
        token,
        body: Body::DeliverSm(d),
    }) = p.esme_events.pop_front()
    else {
        panic!()
    };
    assert_eq!(d.short_message.as_ref(), b"MO");
    // wrong response kind refused
    let wrong = Reply::ok(Body::SubmitSmResp(MessageIdResp::new("x")));
    assert_eq!(
        p.esme.respond(p.now, token, wrong),
        Err(SendError::WrongResponse {
            expected: Some(CommandId::DeliverSmResp)
        })
    );
    // the token is gone; the automatic answer follows after 25 s
    p.advance(Duration::from_secs(25));
    let ev = p.take_smsc_events();
    assert!(
        matches!(&ev[..], [Event::Response { sequence, outcome: Outcome::Rejected { status: CommandStatus::SysErr, .. } }] if *sequence == seq)
    );
    assert_eq!(p.esme.stats().auto_responses, 1);
    // An ESME on a receiver bind cannot submit.
    let sm = Body::SubmitSm(SubmitSm::new("a", "b", &b"x"[..]));
    assert!(matches!(
        p.esme.send_request(p.now, sm),
        Err(SendError::WrongBindKind {
            needed: BindKind::Transmitter,
            ..
        })
    ));
    assert!(!p.esme.can_send());
}

#[test]
fn deliver_and_answer() {
    let mut p = Pair::bound(BindKind::Transceiver);
    let seq = p.smsc.send_request(p.now, deliver()).unwrap();
    p.drive("deliver");
    let Some(Event::Request { token, .. }) = p.esme_events.pop_front() else {
        panic!()
    };
    assert_eq!(token.command_id(), CommandId::DeliverSm);
    p.esme
        .respond(
            p.now,
            token,
            Reply::ok(Body::DeliverSmResp(MessageIdResp::default())),
        )
        .unwrap();
    p.drive("answer");
    assert!(
        matches!(p.smsc_events.pop_front(), Some(Event::Response { sequence, outcome: Outcome::Ok(Body::DeliverSmResp(_)) }) if sequence == seq)
    );
}

#[test]
fn token_from_another_session_is_refused() {
    let mut a = Pair::bound(BindKind::Transceiver);
    let mut b = Pair::bound(BindKind::Transceiver);
    a.smsc.send_request(a.now, deliver()).unwrap();
    a.drive("deliver");
    let Some(Event::Request { token, .. }) = a.esme_events.pop_front() else {
        panic!()
    };
    let reply = Reply::ok(Body::DeliverSmResp(MessageIdResp::default()));
    assert_eq!(
        b.esme.respond(b.now, token, reply),
        Err(SendError::UnknownToken)
    );
}

#[test]
fn inbound_window_stops_reading() {
    let mut cfg = SessionConfig::smsc();
    cfg.max_inbound_unanswered = 3;
    let mut p = Pair::bound_with(SessionConfig::esme(), cfg, BindKind::Transmitter);
    for _ in 0..3 {
        p.esme
            .send_request(p.now, Body::SubmitSm(SubmitSm::new("a", "b", &b"x"[..])))
            .unwrap();
    }
    p.drive("submits");
    assert!(!p.smsc.wants_read());
    let Some(Event::Request { token, .. }) = p.smsc_events.pop_front() else {
        panic!()
    };
    p.smsc
        .respond(p.now, token, Reply::error(CommandStatus::MsgQFul))
        .unwrap();
    assert!(p.smsc.wants_read());
}

#[test]
fn unanswered_bind_is_refused_automatically() {
    let mut p = Pair::new(SessionConfig::esme(), SessionConfig::smsc());
    p.esme
        .bind(p.now, BindKind::Transmitter, Bind::new("a", "b"))
        .unwrap();
    p.drive("bind");
    let Some(Event::BindRequested { token, .. }) = p.smsc_events.pop_front() else {
        panic!()
    };
    drop(token); // the application forgot it
    p.advance(Duration::from_secs(25));
    assert!(p.esme_events.iter().any(|e| matches!(
        e,
        Event::BindRejected {
            status: CommandStatus::SysErr
        }
    )));
    assert_eq!(p.smsc.state(), State::Open);
}

#[test]
fn unbind_from_smsc_with_deliveries_in_flight() {
    let mut p = Pair::bound(BindKind::Receiver);
    let d = p.smsc.send_request(p.now, deliver()).unwrap();
    p.drive("deliver");
    let u = p.smsc.unbind(p.now).unwrap();
    p.drive("unbind waits");
    let Some(Event::Request { token, .. }) = p.esme_events.pop_front() else {
        panic!()
    };
    p.esme
        .respond(
            p.now,
            token,
            Reply::ok(Body::DeliverSmResp(MessageIdResp::default())),
        )
        .unwrap();
    p.drive("unbind");
    let ev = p.take_smsc_events();
    assert!(
        matches!(&ev[0], Event::Response { sequence, outcome: Outcome::Ok(_) } if *sequence == d)
    );
    assert!(
        matches!(&ev[1], Event::Response { sequence, outcome: Outcome::Ok(Body::UnbindResp) } if *sequence == u)
    );
    assert!(matches!(
        &ev[2],
        Event::Closed {
            reason: CloseReason::LocalUnbind
        }
    ));
    assert!(matches!(
        p.esme_events.back(),
        Some(Event::Closed {
            reason: CloseReason::PeerUnbind
        })
    ));
}

#[test]
fn inactivity_timeout_closes_idle_bind() {
    let mut cfg = SessionConfig::smsc();
    cfg.inactivity_timeout = Some(Duration::from_secs(120));
    let mut p = Pair::bound_with(SessionConfig::esme(), cfg, BindKind::Transmitter);
    for _ in 0..3 {
        p.advance(Duration::from_secs(30)); // keep-alives do not count as activity
    }
    assert_eq!(p.smsc.state(), State::Bound(BindKind::Transmitter));
    p.advance(Duration::from_secs(30));
    assert!(matches!(
        p.smsc_events.back(),
        Some(Event::Closed {
            reason: CloseReason::InactivityTimeout
        })
    ));
}

#[test]
fn smsc_cannot_bind_and_esme_cannot_accept() {
    let now = Instant::now();
    let mut s = Session::new(SessionConfig::smsc(), now);
    assert_eq!(
        s.bind(now, BindKind::Transmitter, Bind::new("a", "b")),
        Err(SendError::NotAllowedForRole(CommandId::BindTransmitter))
    );
    let mut e = Session::new(SessionConfig::esme(), now);
    e.handle_bytes(now, &raw(4, Body::BindTransmitter(Bind::new("a", "b"))));
    let out = sent(&mut e);
    assert_eq!(
        (out[0].command_id(), out[0].status),
        (CommandId::BindTransmitterResp, CommandStatus::InvBndSts)
    );
    assert!(e.poll_event().is_none());
}

#[test]
fn alert_notification_reaches_the_esme() {
    let mut p = Pair::bound(BindKind::Receiver);
    let alert = smpp_proto::pdu::AlertNotification::default();
    p.smsc
        .send_unacknowledged(p.now, Body::AlertNotification(alert))
        .unwrap();
    p.drive("alert");
    assert!(matches!(
        p.esme_events.pop_front(),
        Some(Event::AlertNotification(_))
    ));
    assert!(sent(&mut p.esme).is_empty());
}
