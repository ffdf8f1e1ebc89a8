//! The hot-path PDUs decode and encode without touching the heap: a counting global
//! allocator proves it (this file is its own test binary, so nothing else interferes).
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use bytes::{Bytes, BytesMut};
use smpp_proto::pdu::*;

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

fn hot_pdus() -> Vec<Pdu> {
    let sm = SubmitSm::new(
        "MyShop",
        "4512345678",
        &b"Hello, this is a 59 octet text for the allocation test!!"[..],
    )
    .with_registered_delivery(RegisteredDelivery::FINAL)
    .with_tlvs(
        Tlvs::from_slice(&[
            Tlv::u16(TlvTag::UserMessageReference, 7),
            Tlv::u8(TlvTag::DestAddrSubunit, 1),
        ])
        .unwrap(),
    );
    let receipt = b"id:0123456789 sub:001 dlvrd:001 submit date:2311231200 done date:2311231201 stat:DELIVRD err:000 text:Hello";
    let mut dl = SubmitSm::new("4512345678", "MyShop", &receipt[..])
        .with_esm_class(EsmClass(EsmClass::DELIVERY_RECEIPT));
    dl.tlvs = Tlvs::from_slice(&[
        Tlv::cstring(TlvTag::ReceiptedMessageId, "0123456789"),
        Tlv::u8(TlvTag::MessageState, 2),
        Tlv::octets(TlvTag::NetworkErrorCode, &[3u8, 0, 0][..]),
        Tlv::u16(TlvTag::UserMessageReference, 7),
        Tlv::raw(TlvTag::from(0x1416), b"vendor"),
    ])
    .unwrap();
    vec![
        Pdu::new(SequenceNumber(1), Body::SubmitSm(sm)),
        Pdu::new(
            SequenceNumber(1),
            Body::SubmitSmResp(MessageIdResp::new("5f3a9c0e")),
        ),
        Pdu::new(SequenceNumber(2), Body::DeliverSm(dl)),
        Pdu::new(
            SequenceNumber(2),
            Body::DeliverSmResp(MessageIdResp::default()),
        ),
        Pdu::new(SequenceNumber(3), Body::EnquireLink),
        Pdu::new(SequenceNumber(3), Body::EnquireLinkResp),
    ]
}

#[test]
fn decode_and_encode_of_hot_pdus_allocate_nothing() {
    let pdus = hot_pdus();
    // A receive buffer the way a session holds one: frames are split off a shared
    // BytesMut, so each frame is a reference-counted slice.
    let mut wire = BytesMut::with_capacity(4096);
    for p in &pdus {
        p.encode(&mut wire).unwrap();
    }
    let mut rx = BytesMut::with_capacity(4096);
    rx.extend_from_slice(&wire);
    let _warm = rx.split_to(0).freeze(); // promote the buffer to shared once
    let mut out = BytesMut::with_capacity(4096);
    let limits = FrameLimits::default();
    for expected in &pdus {
        let (n, frame) = allocations(|| {
            let h = peek_frame(&rx, &limits).unwrap().unwrap();
            rx.split_to(h.command_length as usize).freeze()
        });
        assert_eq!(n, 0, "framing {:?}", expected.command_id());
        let (n, pdu) = allocations(|| Pdu::decode(frame.clone()).unwrap());
        assert_eq!(n, 0, "decode {:?}", expected.command_id());
        assert_eq!(&pdu, expected);
        out.clear();
        let (n, ()) = allocations(|| pdu.encode(&mut out).unwrap());
        assert_eq!(n, 0, "encode {:?}", expected.command_id());
        assert_eq!(&out[..], &frame[..]);
        let (n, ()) = allocations(|| drop(pdu));
        assert_eq!(n, 0);
    }
    // Typed TLV access allocates nothing either.
    let frame: Bytes = pdus[2].to_bytes().unwrap();
    let p = Pdu::decode(frame).unwrap();
    let (n, state) = allocations(|| match &p.body {
        Body::DeliverSm(d) => (
            d.tlvs.message_state(),
            d.tlvs.receipted_message_id(),
            d.tlvs.iter().count(),
        ),
        _ => unreachable!(),
    });
    assert_eq!(n, 0);
    assert_eq!(state.0, Some(MessageState::Delivered));
    assert_eq!(state.2, 5);
}

#[test]
fn receipt_from_a_decoded_deliver_sm_allocates_nothing() {
    use smpp_proto::receipt::{self, ReceiptOptions, Source};
    let pdus = hot_pdus();
    let p = Pdu::decode(pdus[2].to_bytes().unwrap()).unwrap();
    let Body::DeliverSm(d) = &p.body else {
        unreachable!()
    };
    let opts = ReceiptOptions::default();
    let mut scratch = Vec::new();
    let (n, r) = allocations(|| receipt::from_deliver_sm(d, &opts, &mut scratch));
    assert_eq!(n, 0);
    let r = r.unwrap();
    assert!(r.merged.conflicts.is_empty());
    assert_eq!(r.merged.id.unwrap().source, Source::Both);
    assert_eq!(r.merged.user_message_reference, Some(7));
    assert_eq!(r.merged.text.unwrap().text, Some(&b"Hello"[..]));
}

#[test]
fn the_counter_does_count() {
    let (n, v) = allocations(|| vec![1u8; 10]);
    assert!(n >= 1);
    drop(v);
}

/// The frame decoder while the application still holds earlier frames (they share the
/// decoder's buffer, so it cannot reclaim room in place): a stream of 1 KiB reads of
/// 33-octet responses, every frame kept alive until after the next read. Growth is by
/// blocks, so this costs far fewer than one allocation per read.
#[test]
fn frame_decoder_grows_by_blocks_while_frames_are_held() {
    let resp = Pdu::new(
        SequenceNumber(1),
        Body::SubmitSmResp(MessageIdResp::new("0123456789abcdef")),
    )
    .to_bytes()
    .unwrap();
    let stream: Vec<u8> = resp.iter().copied().cycle().take(33 * 3100).collect();
    let mut d = FrameDecoder::new(FrameLimits::default());
    let mut held: Vec<Bytes> = Vec::with_capacity(4096);
    let reads = stream.len().div_ceil(1024);
    let (n, ()) = allocations(|| {
        for chunk in stream.chunks(1024) {
            // The frames of the previous read are still held here.
            d.push(chunk);
            held.truncate(0);
            while let Some(f) = d.next_frame().unwrap() {
                held.push(f);
            }
        }
    });
    // One new buffer (and its shared header) per ~16 reads; one per read before.
    assert!(
        n * 4 <= reads as u64,
        "{n} allocations for {reads} reads of 1 KiB"
    );
}
