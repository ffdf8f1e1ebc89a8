//! TLS through rustls (`tokio-rustls`, ring provider; no OpenSSL).

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use crate::error::ConnectError;

/// Client-side TLS settings.
#[derive(Clone)]
pub struct TlsConnect {
    config: Arc<rustls::ClientConfig>,
    server_name: ServerName<'static>,
}

impl TlsConnect {
    /// Verify the server against the system's root certificates.
    ///
    /// # Errors
    /// When no root certificate can be loaded or the name is invalid.
    pub fn system_roots(server_name: &str) -> Result<Self, ConnectError> {
        let mut roots = rustls::RootCertStore::empty();
        let loaded = rustls_native_certs::load_native_certs();
        for c in loaded.certs {
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
    /// When a certificate is invalid or the name is invalid.
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

    pub(crate) async fn connect(&self, tcp: TcpStream) -> Result<MaybeTls, ConnectError> {
        let c = tokio_rustls::TlsConnector::from(self.config.clone());
        let s = c
            .connect(self.server_name.clone(), tcp)
            .await
            .map_err(|e| ConnectError::Tls(e.to_string()))?;
        Ok(MaybeTls::ClientTls(Box::new(s)))
    }
}

/// Server-side TLS settings.
#[derive(Clone)]
pub struct TlsAccept {
    pub(crate) acceptor: tokio_rustls::TlsAcceptor,
}

impl TlsAccept {
    /// A certificate chain and its private key (DER).
    ///
    /// # Errors
    /// When rustls refuses the key or chain.
    pub fn new(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> Result<Self, ConnectError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ConnectError::Tls(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| ConnectError::Tls(e.to_string()))?;
        Ok(Self {
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        })
    }
}

/// A plain or TLS stream; the driver is generic, this only saves a type parameter.
pub(crate) enum MaybeTls {
    Plain(TcpStream),
    ClientTls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
    ServerTls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

macro_rules! delegate {
    ($self:ident, $s:ident => $e:expr) => {
        match $self.get_mut() {
            MaybeTls::Plain($s) => {
                let $s = std::pin::Pin::new($s);
                $e
            }
            MaybeTls::ClientTls($s) => {
                let $s = std::pin::Pin::new($s.as_mut());
                $e
            }
            MaybeTls::ServerTls($s) => {
                let $s = std::pin::Pin::new($s.as_mut());
                $e
            }
        }
    };
}

impl AsyncRead for MaybeTls {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        delegate!(self, s => s.poll_read(cx, buf))
    }
}

impl AsyncWrite for MaybeTls {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        delegate!(self, s => s.poll_write(cx, buf))
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        delegate!(self, s => s.poll_flush(cx))
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        delegate!(self, s => s.poll_shutdown(cx))
    }
}
