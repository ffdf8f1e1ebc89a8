//! Codec targets: `decode_pdu` and `framer`.

use bytes::{Bytes, BytesMut};

use crate::pdu::{DecodeOptions, FrameDecoder, FrameLimits, Pdu};

/// Decode one frame; when it decodes, re-encoding must succeed, decode to the same PDU
/// and be a fixed point. The first octet chooses strict or lenient decoding; the
/// command_length is patched to the input's size so the fuzzer reaches the bodies.
pub fn decode_pdu(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let opts = if mode & 1 == 1 {
        DecodeOptions::lenient()
    } else {
        DecodeOptions::strict()
    };
    let mut frame = rest.to_vec();
    if frame.len() >= 4 && mode & 2 == 0 {
        let len = frame.len() as u32;
        frame[..4].copy_from_slice(&len.to_be_bytes());
    }
    let Ok(pdu) = Pdu::decode_with(Bytes::from(frame), &opts) else {
        return;
    };
    let len = pdu.encoded_len();
    let mut out = BytesMut::new();
    pdu.encode(&mut out).expect("a decoded PDU re-encodes");
    assert_eq!(out.len(), len, "encoded_len is exact");
    let wire = out.freeze();
    let again = Pdu::decode_with(wire.clone(), &opts).expect("re-encoded PDU decodes");
    assert_eq!(again, pdu, "decode(encode(p)) == p");
    assert_eq!(
        again.to_bytes().expect("encodes"),
        wire,
        "encoding is a fixed point"
    );
}

/// Feed a byte stream to the framer in chunks chosen by the first octets; every frame it
/// returns has a valid length, decoding never panics, and the buffer stays bounded.
pub fn framer(data: &[u8]) {
    let Some((&seed, stream)) = data.split_first() else {
        return;
    };
    let limits = FrameLimits { max_pdu_len: 4096 };
    let mut d = FrameDecoder::new(limits);
    let mut pos = 0usize;
    let mut x = u32::from(seed) | 1;
    let mut framed = 0usize;
    while pos < stream.len() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let n = (x as usize % 64 + 1).min(stream.len() - pos);
        d.push(&stream[pos..pos + n]);
        pos += n;
        loop {
            match d.next_frame() {
                Ok(Some(f)) => {
                    assert!(f.len() >= 16 && f.len() <= limits.max_pdu_len as usize);
                    framed += f.len();
                    let _ = Pdu::decode(f);
                }
                Ok(None) => break,
                Err(e) => {
                    assert!(e.command_length < 16 || e.command_length > limits.max_pdu_len);
                    // Fatal for the stream: it stays an error.
                    assert!(d.next_frame().is_err());
                    return;
                }
            }
        }
        // Bounded by what was pushed and the largest frame, plus one growth block.
        let block = crate::pdu::frame::GROW_BLOCK;
        assert!(d.capacity() <= 2 * (limits.max_pdu_len as usize + stream.len() + block) + 64);
    }
    assert_eq!(framed + d.buffered(), stream.len());
}
