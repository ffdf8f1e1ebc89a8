//! An in-process smpp-tokio SMSC for the examples' tests: accepts user/secret, answers
//! each submit with a message id and, 20 ms later, delivers its receipt.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use smpp_proto::pdu::{Body, CommandStatus, EsmClass, MessageIdResp, SubmitSm};
use smpp_proto::session::Reply;
use smpp_tokio::Server;

/// The runtime (keep it alive) and the address to connect to.
pub(crate) fn start() -> (tokio::runtime::Runtime, String) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let cell: Arc<OnceLock<Server>> = Arc::new(OnceLock::new());
    let handle = cell.clone();
    let server = rt
        .block_on(
            Server::builder()
                .authenticator(|b| {
                    if b.password == "secret" {
                        Ok(())
                    } else {
                        Err(CommandStatus::InvPaswd)
                    }
                })
                .handler(move |ctx, _body| {
                    let server = handle.clone();
                    async move {
                        tokio::spawn(async move {
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            let text = "id:ex1 sub:001 dlvrd:001 submit date:2311231200 \
                                        done date:2311231201 stat:DELIVRD err:000 text:hi";
                            let r = SubmitSm::new("4512345678", "Shop", text.as_bytes().to_vec())
                                .with_esm_class(EsmClass(EsmClass::DELIVERY_RECEIPT));
                            if let Some(s) = server.get() {
                                let _ = s.deliver(&ctx.system_id, r);
                            }
                        });
                        Reply::ok(Body::SubmitSmResp(MessageIdResp::new("ex1")))
                    }
                })
                .listen("127.0.0.1:0"),
        )
        .expect("listen");
    let addr = server.local_addr().to_string();
    let _ = cell.set(server);
    (rt, addr)
}
