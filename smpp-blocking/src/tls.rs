//! TLS through rustls (ring provider; no OpenSSL).
//!
//! # Why not `rustls::StreamOwned` for the data phase
//!
//! A TLS stream cannot be `try_clone()`d like a socket: reads and writes both go through
//! one `ClientConnection`. Wrapping it in a `Mutex` shared by a reader and a writer
//! thread either holds the lock across a blocking read (writes stall) or lets two
//! blocked writers deadlock, and polling with a short read timeout adds latency.
//!
//! rustls's `ClientConnection` is itself sans-IO, so the adapter treats it exactly like
//! the SMPP session: the handshake runs to completion on the connecting thread
//! (`complete_io`, the same loop `StreamOwned` runs, bounded by the connect timeout);
//! then the **reader thread reads raw ciphertext** from a `try_clone()` of the socket
//! and sends it into the one channel, and the **session thread owns the
//! `ClientConnection`**: it decrypts (`read_tls` + `process_new_packets` + `reader()`)
//! before `Session::handle_bytes`, and encrypts (`writer()` + `write_tls`) each transmit
//! onto its own handle of the socket with the write timeout. No lock held across a
//! read, no polling, and TLS costs only the crypto. (The connection's state sits behind
//! the mutex it shares with the handles, but with TLS only the session thread uses it:
//! the shortcuts that let the caller write its request and the reader complete
//! responses are for plain TCP.)

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, ServerName};

use crate::error::ConnectError;

/// Client-side TLS settings (the same constructors as `smpp_tokio::TlsConnect`).
#[derive(Clone)]
pub struct TlsConnect {
    config: Arc<rustls::ClientConfig>,
    server_name: ServerName<'static>,
}

impl core::fmt::Debug for TlsConnect {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TlsConnect")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

impl TlsConnect {
    /// Verify the server against the system's root certificates.
    ///
    /// # Errors
    /// [`ConnectError::Tls`] when no root certificate can be loaded or the name is
    /// invalid.
    pub fn system_roots(server_name: &str) -> Result<Self, ConnectError> {
        let mut roots = rustls::RootCertStore::empty();
        for c in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(c);
        }
        if roots.is_empty() {
            return Err(ConnectError::Tls(
                "no system root certificates found".into(),
            ));
        }
        Self::with_roots(roots, server_name)
    }

    /// Verify the server against the given CA certificates (DER).
    ///
    /// # Errors
    /// [`ConnectError::Tls`] when a certificate or the name is invalid.
    pub fn with_ca(
        cas: &[CertificateDer<'static>],
        server_name: &str,
    ) -> Result<Self, ConnectError> {
        let mut roots = rustls::RootCertStore::empty();
        for c in cas {
            roots
                .add(c.clone())
                .map_err(|e| ConnectError::Tls(e.to_string()))?;
        }
        Self::with_roots(roots, server_name)
    }

    fn with_roots(roots: rustls::RootCertStore, server_name: &str) -> Result<Self, ConnectError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ConnectError::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let server_name = ServerName::try_from(server_name.to_owned())
            .map_err(|e| ConnectError::Tls(e.to_string()))?;
        Ok(Self {
            config: Arc::new(config),
            server_name,
        })
    }

    /// Runs the handshake on `tcp` (whose read and write timeouts bound it).
    pub(crate) fn handshake(
        &self,
        tcp: &mut TcpStream,
    ) -> Result<rustls::ClientConnection, ConnectError> {
        let mut conn = rustls::ClientConnection::new(self.config.clone(), self.server_name.clone())
            .map_err(|e| ConnectError::Tls(e.to_string()))?;
        while conn.is_handshaking() {
            conn.complete_io(tcp).map_err(|e| match e.kind() {
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
                    ConnectError::Timeout
                }
                _ => ConnectError::Tls(e.to_string()),
            })?;
        }
        Ok(conn)
    }
}

/// The session thread's end of a connection: the socket it writes to and, with TLS, the
/// rustls state machine.
pub(crate) struct Wire {
    pub(crate) tcp: TcpStream,
    pub(crate) tls: Option<Box<rustls::ClientConnection>>,
    /// A write failed (or timed out): later writes fail at once instead of each waiting
    /// for the write timeout again.
    pub(crate) broken: bool,
}

impl Wire {
    /// Writes one transmit (encrypting it first with TLS). The socket's write timeout
    /// bounds it.
    pub(crate) fn write(&mut self, data: &[u8]) -> std::io::Result<()> {
        if self.broken {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        let r = self.write_inner(data);
        self.broken = r.is_err();
        r
    }

    fn write_inner(&mut self, data: &[u8]) -> std::io::Result<()> {
        match &mut self.tls {
            None => self.tcp.write_all(data),
            Some(tls) => {
                let mut rest = data;
                while !rest.is_empty() {
                    let n = tls.writer().write(rest)?;
                    rest = rest.get(n..).unwrap_or_default();
                    while tls.wants_write() {
                        tls.write_tls(&mut self.tcp)?;
                    }
                    if n == 0 && !rest.is_empty() {
                        return Err(std::io::ErrorKind::WriteZero.into());
                    }
                }
                Ok(())
            }
        }
    }

    /// Turns bytes from the socket into application bytes for `out`. Returns false when
    /// the peer closed the TLS session or it failed.
    pub(crate) fn decrypt(&mut self, data: &[u8], out: &mut Vec<u8>) -> bool {
        let Some(tls) = &mut self.tls else {
            out.extend_from_slice(data);
            return true;
        };
        let mut rd = data;
        let mut open = true;
        while !rd.is_empty() {
            if tls.read_tls(&mut rd).is_err() {
                return false;
            }
            match tls.process_new_packets() {
                Ok(state) => {
                    let mut n = state.plaintext_bytes_to_read();
                    while n > 0 {
                        let at = out.len();
                        out.resize(at + n, 0);
                        let got = tls.reader().read(out.get_mut(at..).unwrap_or_default());
                        let got = got.unwrap_or(0);
                        out.truncate(at + got);
                        if got == 0 {
                            break;
                        }
                        n = n.saturating_sub(got);
                    }
                    if state.peer_has_closed() {
                        open = false;
                    }
                }
                Err(e) => {
                    tracing::debug!(error = %e, "tls error");
                    let _ = tls.write_tls(&mut self.tcp);
                    return false;
                }
            }
        }
        // Post-handshake messages (key updates, tickets acknowledgements) may want out.
        while tls.wants_write() {
            if tls.write_tls(&mut self.tcp).is_err() {
                break;
            }
        }
        open
    }

    /// Sends close_notify (TLS) and shuts the socket down, which also ends the reader.
    pub(crate) fn shutdown(&mut self) {
        if let (Some(tls), false) = (&mut self.tls, self.broken) {
            tls.send_close_notify();
            while tls.wants_write() {
                if tls.write_tls(&mut self.tcp).is_err() {
                    break;
                }
            }
        }
        let _ = self.tcp.flush();
        let _ = self.tcp.shutdown(std::net::Shutdown::Both);
    }
}
