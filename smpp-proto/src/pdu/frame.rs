//! Framing: find whole PDUs in a byte stream, checking `command_length` before anything
//! else and before any allocation.

use bytes::{Buf, Bytes, BytesMut};

use super::{CommandId, CommandStatus, SequenceNumber};

/// Size of the PDU header.
pub const HEADER_LEN: usize = 16;

/// The 16-octet PDU header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Header {
    /// Total PDU size, header included.
    pub command_length: u32,
    /// The operation.
    pub command_id: CommandId,
    /// The result code (responses) or 0 (requests).
    pub command_status: CommandStatus,
    /// Correlates a response with its request.
    pub sequence: SequenceNumber,
}

impl Header {
    /// Reads a header from the first 16 octets of `buf` (`None` when shorter).
    #[must_use]
    #[inline]
    pub fn parse(buf: &[u8]) -> Option<Self> {
        let Some(
            &[
                l0,
                l1,
                l2,
                l3,
                i0,
                i1,
                i2,
                i3,
                s0,
                s1,
                s2,
                s3,
                q0,
                q1,
                q2,
                q3,
            ],
        ) = buf.get(..HEADER_LEN)
        else {
            return None;
        };
        let status = u32::from_be_bytes([s0, s1, s2, s3]);
        Some(Self {
            command_length: u32::from_be_bytes([l0, l1, l2, l3]),
            command_id: CommandId::from_wire(u32::from_be_bytes([i0, i1, i2, i3])),
            // Status 0 (every request, most responses) without the search over ~80 codes.
            command_status: if status == 0 {
                CommandStatus::Ok
            } else {
                CommandStatus::from_value(status)
            },
            sequence: SequenceNumber(u32::from_be_bytes([q0, q1, q2, q3])),
        })
    }
}

/// Limits applied by the framer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameLimits {
    /// Largest `command_length` accepted. The specification sets none; the default,
    /// 70,000 octets, fits a 65,535-octet `message_payload` plus the largest mandatory
    /// part and a few more TLVs (OpenSMPP caps at 5,000, node-smpp at 16,384, gosmpp at
    /// 65,536: those refuse the 64 KiB payloads the spec allows).
    pub max_pdu_len: u32,
}

impl FrameLimits {
    /// The default limit: 70,000 octets.
    pub const DEFAULT_MAX_PDU_LEN: u32 = 70_000;
}

impl Default for FrameLimits {
    fn default() -> Self {
        Self {
            max_pdu_len: Self::DEFAULT_MAX_PDU_LEN,
        }
    }
}

/// A `command_length` below 16 or above the limit: the stream cannot be framed any more.
///
/// The right reaction is a `generic_nack` with ESME_RINVCMDLEN (echoing the sequence
/// number when the header was readable) and then closing the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid command_length {command_length} (allowed 16..={max})")]
pub struct FrameError {
    /// The length read.
    pub command_length: u32,
    /// The limit in force.
    pub max: u32,
    /// The header, when 16 octets had arrived.
    pub header: Option<Header>,
}

impl FrameError {
    /// Always ESME_RINVCMDLEN.
    #[must_use]
    pub const fn command_status(&self) -> CommandStatus {
        CommandStatus::InvCmdLen
    }
}

/// Looks for one complete PDU at the front of `buf`, without allocating.
///
/// * `Ok(None)`: fewer than 4 octets, or fewer than `command_length`: read more.
/// * `Ok(Some(h))`: the first `h.command_length` octets of `buf` are one PDU.
/// * `Err(e)`: `command_length` is below 16 or above `limits.max_pdu_len`. This is
///   decided as soon as 4 octets are there, before waiting for (or reserving) the rest.
///
/// # Errors
/// [`FrameError`] as above.
///
/// ```
/// use smpp_proto::pdu::{peek_frame, FrameLimits};
/// let enquire_link = [0, 0, 0, 16, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 1];
/// let limits = FrameLimits::default();
/// assert!(peek_frame(&enquire_link[..10], &limits).unwrap().is_none());
/// assert_eq!(peek_frame(&enquire_link, &limits).unwrap().unwrap().command_length, 16);
/// assert!(peek_frame(&[0xFF, 0, 0, 0], &limits).is_err()); // refused before the rest
/// ```
pub fn peek_frame(buf: &[u8], limits: &FrameLimits) -> Result<Option<Header>, FrameError> {
    let Some(len) = buf.get(..4) else {
        return Ok(None);
    };
    let mut len_bytes = [0u8; 4];
    len_bytes.copy_from_slice(len);
    let command_length = u32::from_be_bytes(len_bytes);
    if command_length < HEADER_LEN as u32 || command_length > limits.max_pdu_len {
        return Err(FrameError {
            command_length,
            max: limits.max_pdu_len,
            header: Header::parse(buf),
        });
    }
    if buf.len() < command_length as usize {
        return Ok(None);
    }
    Ok(Header::parse(buf))
}

/// A reusable frame splitter over a growing buffer: push bytes in, take whole PDU frames
/// out as zero-copy `Bytes`.
///
/// Capacity for the rest of a frame is reserved only after its `command_length` passed
/// the limit check, so a hostile length never causes an allocation.
///
/// ```
/// use smpp_proto::pdu::{FrameDecoder, FrameLimits};
/// let mut d = FrameDecoder::new(FrameLimits::default());
/// d.push(&[0, 0, 0, 16, 0, 0, 0, 0x15, 0, 0]);
/// assert!(d.next_frame().unwrap().is_none());
/// d.push(&[0, 0, 0, 0, 0, 1]);
/// assert_eq!(d.next_frame().unwrap().unwrap().len(), 16);
/// ```
#[derive(Debug, Default)]
pub struct FrameDecoder {
    buf: BytesMut,
    limits: FrameLimits,
    /// Something was pushed before: growth from now on is by blocks.
    used: bool,
}

/// How much a decoder that has to allocate grows by at least (after its first push).
/// Frames handed out share the buffer, so while the application still holds one, room
/// for the next read cannot be reclaimed in place and a new buffer is needed; growing
/// by a block keeps that to one allocation per many reads instead of one per read.
pub(crate) const GROW_BLOCK: usize = 16 * 1024;

impl FrameDecoder {
    /// A decoder with the given limits.
    #[must_use]
    pub fn new(limits: FrameLimits) -> Self {
        Self {
            buf: BytesMut::new(),
            limits,
            used: false,
        }
    }

    /// Appends received bytes.
    pub fn push(&mut self, data: &[u8]) {
        if self.buf.capacity() - self.buf.len() < data.len() && !self.buf.try_reclaim(data.len()) {
            // The first push reserves only what it brings: nothing is reserved on the
            // strength of a length field not yet checked.
            let more = if self.used {
                data.len().max(GROW_BLOCK)
            } else {
                data.len()
            };
            self.buf.reserve(more);
        }
        self.used = true;
        self.buf.extend_from_slice(data);
    }

    /// Octets buffered and not yet returned as a frame.
    #[must_use]
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Capacity of the internal buffer (for tests that check nothing was reserved).
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// The next complete frame, if one is buffered.
    ///
    /// # Errors
    /// A [`FrameError`] is fatal for the stream: the buffered bytes are left in place and
    /// the same error is returned again on the next call.
    pub fn next_frame(&mut self) -> Result<Option<Bytes>, FrameError> {
        // Fast path: a whole frame with a valid length is at the front; only the length
        // is read here (the decoder parses the header).
        if let Some(&[a, b, c, d]) = self.buf.get(..4) {
            let len = u32::from_be_bytes([a, b, c, d]);
            if len >= HEADER_LEN as u32
                && len <= self.limits.max_pdu_len
                && self.buf.len() >= len as usize
            {
                return Ok(Some(self.buf.split_to(len as usize).freeze()));
            }
        }
        match peek_frame(&self.buf, &self.limits)? {
            Some(h) => Ok(Some(self.buf.split_to(h.command_length as usize).freeze())),
            None => {
                if let Some(mut len) = self.buf.get(..4) {
                    // peek_frame accepted this length: it is within the limit.
                    let want = len.get_u32() as usize;
                    self.buf.reserve(want.saturating_sub(self.buf.len()));
                }
                Ok(None)
            }
        }
    }
}
