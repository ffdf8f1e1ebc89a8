//! Session scenarios seen from the ESME (and the pair as a whole).
#![allow(
    clippy::disallowed_methods,
    reason = "tests pick an origin for simulated time"
)]

use std::time::Duration;

use bytes::Bytes;
use smpp_proto::pdu::{
    Bind, Body, CommandId, CommandStatus, FrameDecoder, FrameLimits, MessageIdResp, Outbind, Pdu,
    SequenceNumber, SubmitSm, Tlv, TlvTag, Tlvs,
};
use smpp_proto::session::{
    BindKind, CloseReason, Event, Outcome, RateLimit, Reply, SendError, Session, SessionConfig,
    State, TimerKind,
};
use smpp_proto::testing::{Chunking, Pair};

fn outbind(id: &'static str, pw: &'static str) -> Outbind {
    Outbind {
        system_id: id.into(),
        password: pw.into(),
        ..Outbind::default()
    }
}

fn sm() -> Body {
    Body::SubmitSm(SubmitSm::new("Shop", "4512345678", &b"Hello"[..]))
}

fn ok_resp(id: &'static str) -> Reply {
    Reply::ok(Body::SubmitSmResp(MessageIdResp::new(id)))
}

/// Every PDU a session has queued, decoded.
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

fn responses(events: &[Event]) -> Vec<(SequenceNumber, Outcome)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Response { sequence, outcome } => Some((*sequence, outcome.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn binds_every_kind() {
    for kind in [
        BindKind::Transmitter,
        BindKind::Receiver,
        BindKind::Transceiver,
    ] {
        let mut p = Pair::new(SessionConfig::esme(), SessionConfig::smsc());
        p.auto_accept_binds = true;
        let seq = p.esme.bind(p.now, kind, Bind::new("esme", "pw")).unwrap();
        assert_eq!(p.esme.state(), State::Binding(kind));
        p.drive("bind");
        assert_eq!(p.esme.state(), State::Bound(kind));
        assert_eq!(p.smsc.state(), State::Bound(kind));
        let ev = p.take_esme_events();
        assert!(
            matches!(&ev[0], Event::Response { sequence, outcome: Outcome::Ok(_) } if *sequence == seq)
        );
        assert!(
            matches!(&ev[1], Event::Bound { kind: k, peer_system_id, peer_interface_version: Some(0x34) }
            if *k == kind && peer_system_id.as_ref() == b"SMSC")
        );
        let sev = p.take_smsc_events();
        assert!(
            matches!(&sev[0], Event::Bound { peer_system_id, peer_interface_version: Some(0x34), .. }
            if peer_system_id.as_ref() == b"esme")
        );
    }
}

#[test]
fn refused_bind() {
    let mut p = Pair::new(SessionConfig::esme(), SessionConfig::smsc());
    let seq = p
        .esme
        .bind(p.now, BindKind::Transmitter, Bind::new("esme", "wrong"))
        .unwrap();
    p.drive("bind");
    let Some(Event::BindRequested { token, kind, bind }) = p.smsc_events.pop_front() else {
        panic!("no bind request")
    };
    assert_eq!(kind, BindKind::Transmitter);
    assert_eq!(bind.password.as_bytes(), b"wrong");
    p.smsc
        .reject_bind(p.now, token, CommandStatus::InvPaswd)
        .unwrap();
    p.drive("reject");
    let ev = p.take_esme_events();
    assert!(
        matches!(&ev[0], Event::Response { sequence, outcome: Outcome::Rejected { status: CommandStatus::InvPaswd, .. } } if *sequence == seq)
    );
    assert!(matches!(
        &ev[1],
        Event::BindRejected {
            status: CommandStatus::InvPaswd
        }
    ));
    assert_eq!(p.esme.state(), State::Open);
    assert_eq!(p.smsc.state(), State::Open);
    assert_eq!(p.esme.send_request(p.now, sm()), Err(SendError::NotBound));
}

#[test]
fn v33_peer_gets_no_tlvs() {
    let mut p = Pair::new(SessionConfig::esme(), SessionConfig::smsc());
    p.auto_accept_binds = true;
    let mut b = Bind::new("old", "pw");
    b.interface_version = 0x33;
    p.esme.bind(p.now, BindKind::Transceiver, b).unwrap();
    // Look at the bind response on the wire.
    p.step();
    p.step();
    p.drive("bind");
    let ev = p.take_esme_events();
    assert!(
        matches!(&ev[0], Event::Response { outcome: Outcome::Ok(Body::BindTransceiverResp(r)), .. } if r.tlvs.is_empty())
    );
    assert!(matches!(
        &ev[1],
        Event::Bound {
            peer_interface_version: None,
            ..
        }
    ));
    assert!(matches!(
        &p.take_smsc_events()[0],
        Event::Bound {
            peer_interface_version: Some(0x33),
            ..
        }
    ));
    // Neither side sends TLVs any more.
    let mut tlvs = Tlvs::new();
    tlvs.push(&Tlv::u16(TlvTag::UserMessageReference, 1))
        .unwrap();
    let with_tlv = Body::SubmitSm(SubmitSm::new("a", "b", &b"x"[..]).with_tlvs(tlvs.clone()));
    assert_eq!(
        p.esme.send_request(p.now, with_tlv),
        Err(SendError::TlvsNotSupported)
    );
    let deliver = Body::DeliverSm(SubmitSm::new("a", "b", &b"x"[..]).with_tlvs(tlvs));
    assert_eq!(
        p.smsc.send_request(p.now, deliver),
        Err(SendError::TlvsNotSupported)
    );
    assert!(p.esme.send_request(p.now, sm()).is_ok());
}

#[test]
fn v34_bind_response_carries_sc_interface_version() {
    let now = std::time::Instant::now();
    let mut esme = Session::new(SessionConfig::esme(), now);
    let mut smsc = Session::new(SessionConfig::smsc(), now);
    esme.bind(now, BindKind::Transmitter, Bind::new("a", "b"))
        .unwrap();
    for b in std::iter::from_fn(|| esme.poll_transmit()) {
        smsc.handle_bytes(now, &b);
    }
    let Some(Event::BindRequested { token, .. }) = smsc.poll_event() else {
        panic!()
    };
    smsc.accept_bind(now, token, "SMSC").unwrap();
    let out = sent(&mut smsc);
    let Body::BindTransmitterResp(r) = &out[0].body else {
        panic!()
    };
    assert_eq!(r.tlvs.sc_interface_version(), Some(0x34));
}

#[test]
fn outbind_then_bind_receiver() {
    let mut p = Pair::new(SessionConfig::esme(), SessionConfig::smsc());
    p.auto_accept_binds = true;
    p.smsc
        .send_unacknowledged(p.now, Body::Outbind(outbind("SMSC", "pw")))
        .unwrap();
    p.drive("outbind");
    assert_eq!(p.esme.state(), State::Outbound);
    let Some(Event::Outbind {
        system_id,
        password,
    }) = p.esme_events.pop_front()
    else {
        panic!("no outbind event")
    };
    assert_eq!((&system_id[..], &password[..]), (&b"SMSC"[..], &b"pw"[..]));
    p.esme
        .bind(p.now, BindKind::Receiver, Bind::new("esme", "pw"))
        .unwrap();
    p.drive("bind");
    assert_eq!(p.esme.state(), State::Bound(BindKind::Receiver));
    // An ESME cannot send outbind.
    assert!(matches!(
        p.esme
            .send_unacknowledged(p.now, Body::Outbind(outbind("x", "y"))),
        Err(SendError::NotAllowedForRole(CommandId::Outbind))
    ));
}

#[test]
fn outbind_without_bind_times_out() {
    let mut p = Pair::new(SessionConfig::esme(), SessionConfig::smsc());
    p.smsc
        .send_unacknowledged(p.now, Body::Outbind(outbind("SMSC", "pw")))
        .unwrap();
    p.drive("outbind");
    p.advance(Duration::from_secs(61));
    assert!(matches!(
        p.esme_events.back(),
        Some(Event::Closed {
            reason: CloseReason::SessionInitTimeout
        })
    ));
}

#[test]
fn submit_and_response_with_message_id() {
    let mut p = Pair::bound(BindKind::Transmitter);
    p.set_smsc_responder(|_| ok_resp("abc123"));
    let seq = p.esme.send_request(p.now, sm()).unwrap();
    assert_eq!(p.esme.in_flight(), 1);
    p.drive("submit");
    assert_eq!(p.esme.in_flight(), 0);
    let r = responses(&p.take_esme_events());
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].0, seq);
    assert_eq!(r[0].1.message_id(), Some(&b"abc123"[..]));
}

#[test]
fn rejected_submit() {
    let mut p = Pair::bound(BindKind::Transceiver);
    p.set_smsc_responder(|_| Reply::error(CommandStatus::InvDstAdr));
    p.esme.send_request(p.now, sm()).unwrap();
    p.drive("submit");
    let r = responses(&p.take_esme_events());
    assert!(matches!(
        r[0].1,
        Outcome::Rejected {
            status: CommandStatus::InvDstAdr,
            ..
        }
    ));
}

#[test]
fn window_full() {
    let mut cfg = SessionConfig::esme();
    cfg.window = 3;
    let mut p = Pair::bound_with(cfg, SessionConfig::smsc(), BindKind::Transmitter);
    for _ in 0..3 {
        p.esme.send_request(p.now, sm()).unwrap();
    }
    assert!(!p.esme.can_send());
    assert_eq!(p.esme.send_request(p.now, sm()), Err(SendError::WindowFull));
    p.drive("submits");
    // Answer one: room for one more.
    let Some(Event::Request { token, .. }) = p.smsc_events.pop_front() else {
        panic!()
    };
    p.smsc.respond(p.now, token, ok_resp("1")).unwrap();
    p.drive("answer");
    assert_eq!(p.esme.in_flight(), 2);
    assert!(p.esme.can_send());
    p.esme.send_request(p.now, sm()).unwrap();
    assert_eq!(p.esme.send_request(p.now, sm()), Err(SendError::WindowFull));
}

#[test]
fn response_timeout() {
    let mut p = Pair::bound(BindKind::Transmitter);
    p.to_smsc.stall();
    let seq = p.esme.send_request(p.now, sm()).unwrap();
    p.drive("submit");
    p.advance(Duration::from_secs(29));
    assert!(responses(&p.take_esme_events()).is_empty());
    assert!(matches!(
        p.esme.next_timer(),
        Some((_, TimerKind::Response | TimerKind::EnquireLink))
    ));
    p.advance(Duration::from_secs(1));
    assert_eq!(
        responses(&p.take_esme_events()),
        vec![(seq, Outcome::TimedOut)]
    );
    assert_eq!(p.esme.in_flight(), 0);
    assert_eq!(p.esme.stats().timeouts, 1);
}

#[test]
fn late_response_carries_message_id() {
    let mut smsc = SessionConfig::smsc();
    smsc.inbound_response_timeout = None;
    let mut p = Pair::bound_with(SessionConfig::esme(), smsc, BindKind::Transmitter);
    let seq = p.esme.send_request(p.now, sm()).unwrap();
    p.drive("submit");
    let Some(Event::Request { token, .. }) = p.smsc_events.pop_front() else {
        panic!()
    };
    p.advance(Duration::from_secs(31));
    assert_eq!(
        responses(&p.take_esme_events()),
        vec![(seq, Outcome::TimedOut)]
    );
    p.smsc.respond(p.now, token, ok_resp("late-id")).unwrap();
    p.drive("late");
    let ev = p.take_esme_events();
    assert!(
        matches!(&ev[..], [Event::LateResponse { sequence, outcome }]
        if *sequence == seq && outcome.message_id() == Some(&b"late-id"[..]))
    );
}

#[test]
fn enquire_link_keepalive_and_dead_link() {
    let mut p = Pair::bound(BindKind::Transceiver);
    assert_eq!(
        p.esme.next_timer().map(|t| t.1),
        Some(TimerKind::EnquireLink)
    );
    // Idle for 30 s: both sides probe, both answer, nothing is reported.
    p.advance(Duration::from_secs(30));
    assert!(p.esme_events.is_empty());
    assert_eq!(p.esme.state(), State::Bound(BindKind::Transceiver));
    assert!(p.esme.stats().pdus_received >= 2);
    // The SMSC stops answering: the ESME's probe goes unanswered for 10 s.
    p.to_esme.stall();
    p.advance(Duration::from_secs(30));
    p.advance(Duration::from_secs(10));
    assert!(matches!(
        p.esme_events.back(),
        Some(Event::Closed {
            reason: CloseReason::EnquireLinkTimeout
        })
    ));
    assert_eq!(p.esme.state(), State::Closed);
}

#[test]
fn dead_link_fails_requests_in_flight() {
    let mut p = Pair::bound(BindKind::Transmitter);
    p.to_esme.stall();
    p.to_smsc.stall();
    let seqs: Vec<_> = (0..3)
        .map(|_| p.esme.send_request(p.now, sm()).unwrap())
        .collect();
    p.advance(Duration::from_secs(25));
    p.advance(Duration::from_secs(5)); // requests time out at 30 s
    p.advance(Duration::from_secs(10));
    let ev = p.take_esme_events();
    let r = responses(&ev);
    assert_eq!(r.len(), 3);
    assert!(
        r.iter()
            .zip(&seqs)
            .all(|((s, o), q)| s == q && *o == Outcome::TimedOut)
    );
    assert!(matches!(
        ev.last(),
        Some(Event::Closed {
            reason: CloseReason::EnquireLinkTimeout
        })
    ));
}

#[test]
fn throttled_pauses_submissions() {
    let mut cfg = SessionConfig::esme();
    cfg.throttle_backoff = Duration::from_secs(2);
    let mut p = Pair::bound_with(cfg, SessionConfig::smsc(), BindKind::Transmitter);
    p.set_smsc_responder(|_| Reply::error(CommandStatus::Throttled));
    p.esme.send_request(p.now, sm()).unwrap();
    p.drive("submit");
    let r = responses(&p.take_esme_events());
    assert_eq!(r[0].1, Outcome::Throttled);
    assert!(!p.esme.can_send());
    assert!(matches!(
        p.esme.send_request(p.now, sm()),
        Err(SendError::Throttled { .. })
    ));
    // enquire_link is not paused
    assert!(p.esme.send_request(p.now, Body::EnquireLink).is_ok());
    assert_eq!(
        p.esme.next_timer().map(|t| t.1),
        Some(TimerKind::ThrottleBackoff)
    );
    p.advance(Duration::from_secs(2));
    assert!(p.esme.can_send());
    assert!(p.esme.send_request(p.now, sm()).is_ok());
    assert_eq!(p.esme.stats().throttled, 1);
}

#[test]
fn rate_limit_paces_submits() {
    let mut cfg = SessionConfig::esme();
    cfg.rate_limit = Some(RateLimit {
        per_second: 50,
        burst: 2,
    });
    let mut p = Pair::bound_with(cfg, SessionConfig::smsc(), BindKind::Transmitter);
    p.set_smsc_responder(|_| ok_resp("x"));
    p.esme.send_request(p.now, sm()).unwrap();
    p.esme.send_request(p.now, sm()).unwrap();
    assert!(!p.esme.can_send());
    let Err(SendError::RateLimited { retry_at }) = p.esme.send_request(p.now, sm()) else {
        panic!("not limited")
    };
    assert_eq!(retry_at - p.now, Duration::from_millis(20));
    assert_eq!(p.esme.poll_timeout(), Some(retry_at));
    p.advance(Duration::from_millis(20));
    assert!(p.esme.can_send());
    p.esme.send_request(p.now, sm()).unwrap();
    // 50 per second on average over a long run
    let mut sent_n = 3;
    for _ in 0..1000 {
        p.advance(Duration::from_millis(1));
        if p.esme.can_send() {
            p.esme.send_request(p.now, sm()).unwrap();
            sent_n += 1;
        }
    }
    assert!((51..=54).contains(&sent_n), "{sent_n}");
}

#[test]
fn graceful_unbind_waits_for_in_flight() {
    let mut p = Pair::bound(BindKind::Transmitter);
    let s1 = p.esme.send_request(p.now, sm()).unwrap();
    p.drive("submit");
    let useq = p.esme.unbind(p.now).unwrap();
    assert_eq!(p.esme.state(), State::Unbinding);
    assert!(matches!(
        p.esme.send_request(p.now, sm()),
        Err(SendError::NotAllowedInState(_))
    ));
    p.drive("unbind pending");
    assert_eq!(p.smsc.state(), State::Bound(BindKind::Transmitter)); // unbind not sent yet
    let Some(Event::Request { token, .. }) = p.smsc_events.pop_front() else {
        panic!()
    };
    p.smsc.respond(p.now, token, ok_resp("m")).unwrap();
    p.drive("unbind");
    let ev = p.take_esme_events();
    let r = responses(&ev);
    assert_eq!(r[0].0, s1);
    assert!(r[0].1.is_ok());
    assert_eq!(r[1], (useq, Outcome::Ok(Body::UnbindResp)));
    assert!(matches!(
        ev.last(),
        Some(Event::Closed {
            reason: CloseReason::LocalUnbind
        })
    ));
    let sev = p.take_smsc_events();
    assert!(matches!(
        &sev[..],
        [
            Event::UnbindRequested,
            Event::Closed {
                reason: CloseReason::PeerUnbind
            }
        ]
    ));
}

#[test]
fn unbind_timeout() {
    let mut p = Pair::bound(BindKind::Transmitter);
    p.to_esme.stall();
    let useq = p.esme.unbind(p.now).unwrap();
    p.drive("unbind");
    p.advance(Duration::from_secs(10));
    let ev = p.take_esme_events();
    assert_eq!(responses(&ev), vec![(useq, Outcome::TimedOut)]);
    assert!(matches!(
        ev.last(),
        Some(Event::Closed {
            reason: CloseReason::UnbindTimeout
        })
    ));
}

#[test]
fn peer_unbind_resolves_in_flight_as_unbound() {
    let mut p = Pair::bound(BindKind::Transceiver);
    let seqs: Vec<_> = (0..3)
        .map(|_| p.esme.send_request(p.now, sm()).unwrap())
        .collect();
    p.drive("submits");
    p.smsc.unbind(p.now).unwrap(); // SMSC has 0 in flight: unbind goes out at once
    p.drive("unbind");
    let ev = p.take_esme_events();
    let r = responses(&ev);
    assert_eq!(r.len(), 3);
    assert!(
        r.iter()
            .zip(&seqs)
            .all(|((s, o), q)| s == q && *o == Outcome::Unbound)
    );
    assert!(matches!(
        &ev[3..],
        [
            Event::UnbindRequested,
            Event::Closed {
                reason: CloseReason::PeerUnbind
            }
        ]
    ));
    assert!(matches!(
        p.smsc_events.back(),
        Some(Event::Closed {
            reason: CloseReason::LocalUnbind
        })
    ));
}

#[test]
fn deliver_sm_on_transmitter_bind_is_refused() {
    let mut p = Pair::bound(BindKind::Transmitter);
    // The SMSC's own table refuses it...
    let deliver = Body::DeliverSm(SubmitSm::new("a", "b", &b"x"[..]));
    assert!(matches!(
        p.smsc.send_request(p.now, deliver.clone()),
        Err(SendError::WrongBindKind {
            needed: BindKind::Receiver,
            ..
        })
    ));
    // ...and a rogue peer's is answered with ESME_RINVBNDSTS.
    p.esme.handle_bytes(p.now, &raw(77, deliver));
    let out = sent(&mut p.esme);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].sequence, SequenceNumber(77));
    assert_eq!(out[0].command_id(), CommandId::DeliverSmResp);
    assert_eq!(out[0].status, CommandStatus::InvBndSts);
    assert_eq!(p.esme.stats().refused_requests, 1);
    assert!(p.esme.poll_event().is_none());
}

#[test]
fn submit_from_smsc_and_submit_before_bind_are_refused() {
    let mut p = Pair::new(SessionConfig::esme(), SessionConfig::smsc());
    p.smsc.handle_bytes(p.now, &raw(5, sm()));
    let out = sent(&mut p.smsc);
    assert_eq!(
        (out[0].command_id(), out[0].status),
        (CommandId::SubmitSmResp, CommandStatus::InvBndSts)
    );
    let mut p = Pair::bound(BindKind::Transceiver);
    p.esme.handle_bytes(p.now, &raw(6, sm()));
    let out = sent(&mut p.esme);
    assert_eq!(
        (out[0].command_id(), out[0].status),
        (CommandId::SubmitSmResp, CommandStatus::InvBndSts)
    );
    // An ESME never answers a response, even an unknown one.
    p.esme.handle_bytes(
        p.now,
        &raw(999, Body::SubmitSmResp(MessageIdResp::new("x"))),
    );
    assert!(sent(&mut p.esme).is_empty());
    assert!(matches!(
        p.esme.poll_event(),
        Some(Event::UnknownResponse {
            sequence: SequenceNumber(999),
            ..
        })
    ));
    assert_eq!(p.esme.stats().unknown_responses, 1);
}

#[test]
fn unknown_command_id_gets_generic_nack() {
    let mut p = Pair::bound(BindKind::Transceiver);
    let unknown = Body::Unknown {
        command_id: 0x0000_0099,
        body: Bytes::from_static(b"zz"),
    };
    p.esme.handle_bytes(p.now, &raw(42, unknown));
    let out = sent(&mut p.esme);
    assert_eq!(out.len(), 1);
    assert_eq!(
        (out[0].command_id(), out[0].status, out[0].sequence),
        (
            CommandId::GenericNack,
            CommandStatus::InvCmdId,
            SequenceNumber(42)
        )
    );
    assert_eq!(p.esme.state(), State::Bound(BindKind::Transceiver));
    // an unknown *response* id is not answered
    p.esme.handle_bytes(
        p.now,
        &raw(
            43,
            Body::Unknown {
                command_id: 0x8000_0099,
                body: Bytes::new(),
            },
        ),
    );
    assert!(sent(&mut p.esme).is_empty());
}

#[test]
fn malformed_body_gets_its_own_response() {
    let mut p = Pair::bound(BindKind::Transceiver);
    // deliver_sm whose source_addr has no NUL within 21 octets
    let mut v = vec![0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 1];
    v.extend_from_slice(&[b'9'; 30]);
    v.push(0);
    let len = v.len() as u32;
    v[..4].copy_from_slice(&len.to_be_bytes());
    p.esme.handle_bytes(p.now, &v);
    let out = sent(&mut p.esme);
    assert_eq!(
        (out[0].command_id(), out[0].status, out[0].sequence),
        (
            CommandId::DeliverSmResp,
            CommandStatus::InvSrcAdr,
            SequenceNumber(9)
        )
    );
    assert_eq!(p.esme.stats().decode_errors, 1);
    // a mandatory field cut short: generic_nack ESME_RINVCMDLEN? No: own response.
    let mut v = vec![
        0, 0, 0, 20, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 10, b'a', b'b', b'c', b'd',
    ];
    v[3] = 20;
    p.esme.handle_bytes(p.now, &v);
    let out = sent(&mut p.esme);
    assert_eq!(out[0].sequence, SequenceNumber(10));
    assert_eq!(out[0].status, CommandStatus::InvCmdLen);
    assert_eq!(p.esme.state(), State::Bound(BindKind::Transceiver));
}

#[test]
fn fatal_frame_error_nacks_then_closes() {
    let mut p = Pair::bound(BindKind::Transmitter);
    let s = p.esme.send_request(p.now, sm()).unwrap();
    let _ = sent(&mut p.esme);
    p.esme
        .handle_bytes(p.now, &[0, 0, 0, 4, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 3]);
    let out = sent(&mut p.esme);
    assert_eq!(
        (out[0].command_id(), out[0].status, out[0].sequence),
        (
            CommandId::GenericNack,
            CommandStatus::InvCmdLen,
            SequenceNumber(3)
        )
    );
    let ev: Vec<_> = std::iter::from_fn(|| p.esme.poll_event()).collect();
    assert_eq!(responses(&ev), vec![(s, Outcome::ConnectionLost)]);
    assert!(matches!(
        ev.last(),
        Some(Event::Closed {
            reason: CloseReason::Framing(_)
        })
    ));
    // an oversize length is refused before buffering the body
    let mut p = Pair::bound(BindKind::Transmitter);
    p.esme.handle_bytes(p.now, &[0xFF, 0xFF, 0xFF, 0xFF]);
    assert!(p.esme.stats().bytes_buffered <= 4);
    assert_eq!(p.esme.state(), State::Closed);
}

#[test]
fn cut_mid_pdu_with_five_in_flight() {
    let mut p = Pair::bound(BindKind::Transmitter);
    let seqs: Vec<_> = (0..5)
        .map(|_| p.esme.send_request(p.now, sm()).unwrap())
        .collect();
    let bytes = p.esme.poll_transmit().unwrap();
    p.smsc.handle_bytes(p.now, &bytes[..bytes.len() - 7]);
    p.cut();
    let ev = p.take_esme_events();
    let r = responses(&ev);
    assert_eq!(r.len(), 5);
    assert!(
        r.iter()
            .zip(&seqs)
            .all(|((s, o), q)| s == q && *o == Outcome::ConnectionLost)
    );
    assert!(matches!(
        ev.last(),
        Some(Event::Closed {
            reason: CloseReason::PeerClosed
        })
    ));
    // sticky
    assert_eq!(p.esme.send_request(p.now, sm()), Err(SendError::Closed));
    assert_eq!(p.esme.unbind(p.now), Err(SendError::Closed));
    p.esme.handle_bytes(p.now, &raw(1, Body::EnquireLink));
    p.esme.handle_timeout(p.now + Duration::from_secs(999));
    assert!(p.esme.poll_event().is_none());
    assert!(p.esme.poll_timeout().is_none());
    assert!(!p.esme.wants_read());
}

#[test]
fn close_flushes_pending_transmit() {
    let mut p = Pair::bound(BindKind::Transmitter);
    p.esme.handle_bytes(p.now, &raw(8, Body::EnquireLink));
    p.esme.close(p.now);
    let out = sent(&mut p.esme);
    assert_eq!(out[0].command_id(), CommandId::EnquireLinkResp);
    assert!(matches!(
        p.esme.poll_event(),
        Some(Event::Closed {
            reason: CloseReason::LocallyClosed
        })
    ));
}

#[test]
fn enquire_link_is_answered_in_any_state() {
    let mut p = Pair::new(SessionConfig::esme(), SessionConfig::smsc());
    p.esme.handle_bytes(p.now, &raw(3, Body::EnquireLink));
    let out = sent(&mut p.esme);
    assert_eq!(
        (out[0].command_id(), out[0].sequence),
        (CommandId::EnquireLinkResp, SequenceNumber(3))
    );
}

#[test]
fn bind_timeout_closes() {
    let mut p = Pair::new(SessionConfig::esme(), SessionConfig::smsc());
    p.to_smsc.stall();
    let seq = p
        .esme
        .bind(p.now, BindKind::Transmitter, Bind::new("a", "b"))
        .unwrap();
    p.drive("bind");
    assert_eq!(p.esme.next_timer().map(|t| t.1), Some(TimerKind::Bind));
    p.advance(Duration::from_secs(30));
    let ev = p.take_esme_events();
    assert_eq!(responses(&ev), vec![(seq, Outcome::TimedOut)]);
    assert!(matches!(
        ev.last(),
        Some(Event::Closed {
            reason: CloseReason::BindTimeout
        })
    ));
}

#[test]
fn generic_nack_resolves_request() {
    let mut p = Pair::bound(BindKind::Transmitter);
    let seq = p.esme.send_request(p.now, sm()).unwrap();
    let _ = sent(&mut p.esme);
    let nack = Pdu {
        sequence: seq,
        status: CommandStatus::InvCmdId,
        body: Body::GenericNack,
    };
    p.esme.handle_bytes(p.now, &nack.to_bytes().unwrap());
    assert!(
        matches!(p.esme.poll_event(), Some(Event::Response { sequence, outcome: Outcome::GenericNack(CommandStatus::InvCmdId) }) if sequence == seq)
    );
}

#[test]
fn every_chunking_gives_the_same_result() {
    for chunking in [
        Chunking::Whole,
        Chunking::ByteByByte,
        Chunking::Random { seed: 7, max: 5 },
    ] {
        let mut p = Pair::new(SessionConfig::esme(), SessionConfig::smsc());
        p.to_smsc.set_chunking(chunking);
        p.to_esme.set_chunking(chunking);
        p.auto_accept_binds = true;
        p.set_smsc_responder(|_| ok_resp("id"));
        p.esme
            .bind(p.now, BindKind::Transmitter, Bind::new("a", "b"))
            .unwrap();
        p.drive("bind");
        for _ in 0..10 {
            p.esme.send_request(p.now, sm()).unwrap();
        }
        p.drive("submits");
        let r = responses(&p.take_esme_events());
        assert_eq!(r.len(), 11, "{chunking:?}");
        assert!(r.iter().all(|(_, o)| o.is_ok()));
    }
}

#[test]
fn latency_and_tamper() {
    let mut p = Pair::bound(BindKind::Transmitter);
    p.set_smsc_responder(|_| ok_resp("id"));
    p.to_smsc.latency = Duration::from_millis(50);
    p.esme.send_request(p.now, sm()).unwrap();
    p.drive("sent");
    assert!(p.esme_events.is_empty());
    assert!(p.advance_to_next_timeout());
    assert_eq!(responses(&p.take_esme_events()).len(), 1);
    // Tamper: turn the SMSC's answers into an unknown sequence number.
    p.to_esme.tamper(|_, b| {
        if b.len() >= 16 {
            b[15] ^= 0x40;
        }
    });
    p.esme.send_request(p.now, sm()).unwrap();
    p.drive("into the link");
    p.advance(Duration::from_millis(50));
    let ev = p.take_esme_events();
    assert!(
        matches!(&ev[..], [Event::UnknownResponse { .. }]),
        "{ev:?} {p:?} {:?} {:?}",
        p.esme.stats(),
        p.smsc.stats()
    );
}

#[test]
fn sequence_numbers_wrap_to_one() {
    let mut cfg = SessionConfig::esme();
    cfg.first_sequence = 0x7FFF_FFFD; // the bind takes ..FD
    let mut p = Pair::bound_with(cfg, SessionConfig::smsc(), BindKind::Transmitter);
    p.set_smsc_responder(|_| ok_resp("id"));
    let seqs: Vec<u32> = (0..4)
        .map(|_| p.esme.send_request(p.now, sm()).unwrap().0)
        .collect();
    assert_eq!(seqs, [0x7FFF_FFFE, 0x7FFF_FFFF, 1, 2]);
    p.drive("submits");
    assert_eq!(responses(&p.take_esme_events()).len(), 4);
}

/// The borrowed transmit (`pending_transmit` + `advance_transmit`) hands out exactly the
/// octets `poll_transmit` would, in order, across partial writes of every size, with
/// PDUs queued between writes appended behind the unwritten ones; `bytes_sent` counts
/// what was reported written.
#[test]
fn borrowed_transmit_matches_poll_transmit() {
    for step in [1usize, 3, 16, 17, 40, 1000] {
        let bound = || {
            let mut p = Pair::new(SessionConfig::esme(), SessionConfig::smsc());
            p.auto_accept_binds = true;
            p.esme
                .bind(p.now, BindKind::Transceiver, Bind::new("esme", "pw"))
                .unwrap();
            p.drive("bind");
            p
        };
        let (mut a, mut b) = (bound(), bound());
        let (now_a, now_b) = (a.now, b.now);
        let mut want = Vec::new();
        for i in 0..5 {
            a.esme.send_request(now_a, sm()).unwrap();
            if i % 2 == 0 {
                while let Some(x) = a.esme.poll_transmit() {
                    want.extend_from_slice(&x);
                }
            }
        }
        while let Some(x) = a.esme.poll_transmit() {
            want.extend_from_slice(&x);
        }
        let before = b.esme.stats().bytes_sent;
        let mut got = Vec::new();
        for i in 0..5 {
            b.esme.send_request(now_b, sm()).unwrap();
            if i % 2 == 0 {
                // Write one partial chunk only: the rest stays, later PDUs go behind.
                let out = b.esme.pending_transmit();
                let n = step.min(out.len());
                got.extend_from_slice(&out[..n]);
                b.esme.advance_transmit(n);
            }
        }
        loop {
            let out = b.esme.pending_transmit();
            if out.is_empty() {
                break;
            }
            let n = step.min(out.len());
            got.extend_from_slice(&out[..n]);
            b.esme.advance_transmit(n);
        }
        assert_eq!(got, want, "step {step}");
        assert_eq!(b.esme.stats().bytes_sent - before, want.len() as u64);
        assert!(b.esme.poll_transmit().is_none());
        // Sequence numbers match, so the octets decode to the same five submits.
        let mut d = FrameDecoder::new(FrameLimits::default());
        d.push(&got);
        let mut n = 0;
        while let Some(f) = d.next_frame().unwrap() {
            assert!(matches!(Pdu::decode(f).unwrap().body, Body::SubmitSm(_)));
            n += 1;
        }
        assert_eq!(n, 5);
    }
}
