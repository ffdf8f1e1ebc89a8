//! The raw baseline of the loopback measurements (`benches/loopback.rs`,
//! `examples/loopback_ops.rs`): request frames out, response frames back, `window`
//! outstanding, on a plain tokio TCP socket pair with no protocol work. Frames have the
//! sizes of the bench's `submit_sm` and `submit_sm_resp`.

use std::net::SocketAddr;

use smpp_proto::pdu::{Body, MessageIdResp, Pdu, SequenceNumber, SubmitSm};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The submit_sm every loopback measurement sends.
pub(crate) fn submit_sm() -> SubmitSm {
    SubmitSm::new("Shop", "4512345678", &b"Hello, world"[..])
}

/// The message id every loopback server answers with.
pub(crate) const MSG_ID: &str = "0123456789abcdef";

/// Octets of the request and of the response frame.
pub(crate) fn frame_sizes() -> (usize, usize) {
    let req = Pdu::new(SequenceNumber(1), Body::SubmitSm(submit_sm()))
        .to_bytes()
        .expect("encode")
        .len();
    let resp = Pdu::new(
        SequenceNumber(1),
        Body::SubmitSmResp(MessageIdResp::new(MSG_ID)),
    )
    .to_bytes()
    .expect("encode")
    .len();
    (req, resp)
}

/// Starts the answering side on its own thread and current-thread runtime: for every
/// whole request frame read, one response frame, written together per read.
pub(crate) fn serve() -> SocketAddr {
    let (req_len, resp_len) = frame_sizes();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let l = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(l.local_addr().expect("addr")).expect("send addr");
            let (s, _) = l.accept().await.expect("accept");
            s.set_nodelay(true).expect("nodelay");
            let (mut r, mut w) = s.into_split();
            let resp = vec![0u8; resp_len];
            let mut buf = vec![0u8; 64 * 1024];
            let (mut carry, mut out) = (0usize, Vec::with_capacity(64 * 1024));
            loop {
                let k = match r.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(k) => k,
                };
                carry += k;
                out.clear();
                while carry >= req_len {
                    carry -= req_len;
                    out.extend_from_slice(&resp);
                }
                if w.write_all(&out).await.is_err() {
                    return;
                }
            }
        });
    });
    rx.recv().expect("addr")
}

/// Connects to [`serve`]'s address (TCP_NODELAY on).
pub(crate) async fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).await.expect("connect");
    s.set_nodelay(true).expect("nodelay");
    s
}

/// `n` request/response exchanges with at most `window` requests outstanding.
pub(crate) async fn run(s: &mut TcpStream, window: usize, n: u64) {
    let (req_len, resp_len) = frame_sizes();
    let req = vec![0u8; req_len];
    let (mut r, mut w) = s.split();
    let mut buf = vec![0u8; 64 * 1024];
    let (mut sent, mut done, mut carry) = (0u64, 0u64, 0usize);
    let mut out = Vec::with_capacity(req_len * window);
    while done < n {
        out.clear();
        while sent < n && sent - done < window as u64 {
            out.extend_from_slice(&req);
            sent += 1;
        }
        if !out.is_empty() {
            w.write_all(&out).await.expect("write");
        }
        carry += r.read(&mut buf).await.expect("read");
        done += (carry / resp_len) as u64;
        carry %= resp_len;
    }
}
