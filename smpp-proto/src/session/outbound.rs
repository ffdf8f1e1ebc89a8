//! The outbound buffer: PDUs are encoded straight into one `BytesMut` and handed out,
//! coalesced, as `Bytes` through `split().freeze()` (no copy).

use bytes::{Bytes, BytesMut};

use crate::pdu::{Body, CommandStatus, EncodeError, Pdu, SequenceNumber};

#[derive(Debug, Default)]
pub(crate) struct Outbound {
    buf: BytesMut,
    pdus: u64,
}

impl Outbound {
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// Appends one PDU (nothing on error).
    pub(crate) fn push(&mut self, pdu: &Pdu) -> Result<(), EncodeError> {
        pdu.encode(&mut self.buf)?;
        self.pdus += 1;
        Ok(())
    }

    /// Appends one PDU given by its parts (the body is borrowed, not moved into a
    /// `Pdu`: it is 256 octets).
    pub(crate) fn push_parts(
        &mut self,
        sequence: SequenceNumber,
        status: CommandStatus,
        body: &Body,
    ) -> Result<(), EncodeError> {
        Pdu::encode_parts(sequence, status, body, &mut self.buf)?;
        self.pdus += 1;
        Ok(())
    }

    /// Everything queued, as one chunk of whole PDUs.
    #[inline]
    pub(crate) fn pending(&self) -> &[u8] {
        &self.buf
    }

    /// Drops the first `n` octets (written). Once everything is written the buffer is
    /// reused from its start.
    #[inline]
    pub(crate) fn advance(&mut self, n: usize) {
        if n >= self.buf.len() {
            self.buf.clear();
        } else {
            bytes::Buf::advance(&mut self.buf, n);
        }
    }

    pub(crate) fn take(&mut self) -> Option<Bytes> {
        if self.buf.is_empty() {
            None
        } else {
            Some(self.buf.split().freeze())
        }
    }
}
