//! SAR TLVs (smpp-reference §11.2): `sar_msg_ref_num`, `sar_total_segments`,
//! `sar_segment_seqnum`.

/// Tag of `sar_msg_ref_num` (2 octets).
pub const TAG_SAR_MSG_REF_NUM: u16 = 0x020C;
/// Tag of `sar_total_segments` (1 octet).
pub const TAG_SAR_TOTAL_SEGMENTS: u16 = 0x020E;
/// Tag of `sar_segment_seqnum` (1 octet).
pub const TAG_SAR_SEGMENT_SEQNUM: u16 = 0x020F;

/// Values of the three SAR TLVs of one segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SarInfo {
    /// `sar_msg_ref_num`.
    pub reference: u16,
    /// `sar_total_segments` (1..=255).
    pub total: u8,
    /// `sar_segment_seqnum` (1..=total).
    pub seq: u8,
}

impl SarInfo {
    /// Build from the TLV values found in a PDU. All three must be present and consistent
    /// (total ≥ 1, 1 ≤ seq ≤ total); otherwise they are ignored (`None`), as the spec says.
    ///
    /// ```
    /// use smpp_proto::segment::SarInfo;
    /// assert!(SarInfo::from_tlvs(Some(7), Some(2), Some(1)).is_some());
    /// assert!(SarInfo::from_tlvs(Some(7), None, Some(1)).is_none());
    /// assert!(SarInfo::from_tlvs(Some(7), Some(2), Some(3)).is_none());
    /// ```
    pub fn from_tlvs(reference: Option<u16>, total: Option<u8>, seq: Option<u8>) -> Option<Self> {
        let (reference, total, seq) = (reference?, total?, seq?);
        (total >= 1 && seq >= 1 && seq <= total).then_some(Self {
            reference,
            total,
            seq,
        })
    }

    /// The TLV values as `(tag, value bytes)` in tag order, ready for the PDU encoder.
    pub fn tlvs(&self) -> [(u16, [u8; 2], usize); 3] {
        [
            (TAG_SAR_MSG_REF_NUM, self.reference.to_be_bytes(), 2),
            (TAG_SAR_TOTAL_SEGMENTS, [self.total, 0], 1),
            (TAG_SAR_SEGMENT_SEQNUM, [self.seq, 0], 1),
        ]
    }
}
