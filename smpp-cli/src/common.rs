//! What `send`, `listen`, `bench` and `demo` share: connecting, and reading deliveries.

use std::time::Duration;

use clap::{Args, ValueEnum};
use serde_json::{Value, json};
use smpp_proto::pdu::Body;
use smpp_proto::receipt::parse;
use smpp_proto::session::BindKind;
use smpp_tokio::{Client, ClientBuilder, ClientEvent, Delivery, TlsConnect};
use tokio::sync::mpsc;

/// Where and how to bind.
#[derive(Clone, Debug, Args)]
pub(crate) struct ConnArgs {
    /// SMSC host.
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) host: String,
    /// SMSC port.
    #[arg(long, default_value_t = 2775)]
    pub(crate) port: u16,
    /// Connect with TLS.
    #[arg(long)]
    pub(crate) tls: bool,
    /// CA certificate (PEM) to verify the server with (default: system roots).
    #[arg(long, requires = "tls")]
    pub(crate) ca: Option<std::path::PathBuf>,
    /// system_id (user name).
    #[arg(long, default_value = "smpp-cli")]
    pub(crate) system_id: String,
    /// Password.
    #[arg(long, default_value = "secret")]
    pub(crate) password: String,
    /// Response timeout in seconds.
    #[arg(long, default_value_t = 30.0)]
    pub(crate) timeout: f64,
}

/// Bind kinds on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum BindArg {
    /// Transceiver.
    Trx,
    /// Transmitter.
    Tx,
    /// Receiver.
    Rx,
}

impl BindArg {
    pub(crate) const fn kind(self) -> BindKind {
        match self {
            Self::Trx => BindKind::Transceiver,
            Self::Tx => BindKind::Transmitter,
            Self::Rx => BindKind::Receiver,
        }
    }
}

pub(crate) fn builder(c: &ConnArgs, kind: BindKind) -> Result<ClientBuilder, String> {
    if !(c.timeout.is_finite() && c.timeout > 0.0) {
        return Err("--timeout must be a positive number of seconds".into());
    }
    let mut b = ClientBuilder::new(format!("{}:{}", c.host, c.port))
        .system_id(c.system_id.clone())
        .password(c.password.clone())
        .bind_kind(kind)
        .response_timeout(Duration::from_secs_f64(c.timeout));
    if c.tls {
        let t = match &c.ca {
            Some(path) => {
                use rustls::pki_types::CertificateDer;
                use rustls::pki_types::pem::PemObject;
                let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                    .map_err(|e| format!("{}: {e}", path.display()))?
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                TlsConnect::with_ca(&certs, &c.host)
            }
            None => TlsConnect::system_roots(&c.host),
        }
        .map_err(|e| e.to_string())?;
        b = b.tls(t);
    }
    Ok(b)
}

pub(crate) async fn connect(
    b: ClientBuilder,
    what: &str,
) -> Result<(Client, mpsc::Receiver<ClientEvent>), String> {
    b.connect().await.map_err(|e| format!("{what}: {e}"))
}

/// A delivery receipt, parsed.
#[derive(Clone, Debug)]
pub(crate) struct ReceiptInfo {
    pub(crate) id: String,
    pub(crate) stat: String,
    pub(crate) err: String,
    pub(crate) is_final: bool,
    pub(crate) delivered: bool,
    pub(crate) text: String,
}

pub(crate) fn receipt_info(d: &Delivery) -> Option<ReceiptInfo> {
    if !d.is_receipt {
        return None;
    }
    let (Body::DeliverSm(sm) | Body::SubmitSm(sm)) = &d.body else {
        return None;
    };
    let payload = sm.payload();
    let r = parse(&payload).receipt().unwrap_or_default();
    let lossy = |b: Option<&[u8]>| String::from_utf8_lossy(b.unwrap_or_default()).into_owned();
    let tlv_id = sm
        .tlvs
        .receipted_message_id()
        .map(|c| c.to_string_lossy().into_owned());
    let tlv_state = sm
        .tlvs
        .message_state()
        .map(|s| smpp_proto::receipt::MessageState::from_value(s.value()));
    let state = r.state().or(tlv_state);
    let id = tlv_id.unwrap_or_else(|| lossy(r.id));
    Some(ReceiptInfo {
        id,
        stat: r
            .stat
            .map(|s| String::from_utf8_lossy(s.raw).into_owned())
            .or_else(|| state.map(|s| s.stat_word().to_owned()))
            .unwrap_or_default(),
        err: r
            .err
            .map(|e| String::from_utf8_lossy(e.raw).into_owned())
            .unwrap_or_default(),
        is_final: state.is_some_and(|s| s.is_final()),
        delivered: state.is_some_and(|s| s == smpp_proto::receipt::MessageState::Delivered),
        text: String::from_utf8_lossy(&payload).into_owned(),
    })
}

impl ReceiptInfo {
    pub(crate) fn json(&self) -> Value {
        json!({"event": "receipt", "message_id": self.id, "stat": self.stat, "err": self.err, "final": self.is_final, "text": self.text})
    }
}

/// Whether a receipt id names a submit id: equal (ignoring case and leading zeros), or
/// the same number written in decimal on one side and hexadecimal on the other (Vonage).
pub(crate) fn ids_match(submit: &str, receipt: &str) -> bool {
    let a = submit.trim_start_matches('0');
    let b = receipt.trim_start_matches('0');
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let hex = u128::from_str_radix(submit, 16).ok();
    let dec = receipt.parse::<u128>().ok();
    hex.is_some() && hex == dec
}

/// Prints one line (JSON or text) to stdout.
pub(crate) fn emit(json_mode: bool, v: &Value, text: impl FnOnce() -> String) {
    if json_mode {
        println!("{v}");
    } else {
        println!("{}", text());
    }
}
