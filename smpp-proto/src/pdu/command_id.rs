//! `command_id`: which operation a PDU carries.

use super::wire_enum::wire_enum;

wire_enum! {
    /// The `command_id` header field (SMPP 3.4 §5.1.2.1).
    ///
    /// Bit 31 set marks a response; a response id is its request id `| 0x8000_0000`.
    /// Unknown ids are kept as `Unknown(n)` so that a server can answer them with
    /// `generic_nack`/`ESME_RINVCMDID` and nothing is lost.
    ///
    /// ```
    /// use smpp_proto::pdu::CommandId;
    /// assert_eq!(CommandId::from(0x8000_0004), CommandId::SubmitSmResp);
    /// assert_eq!(CommandId::SubmitSm.response(), Some(CommandId::SubmitSmResp));
    /// assert_eq!(CommandId::from(0x0000_0099).name(), None);
    /// ```
    pub enum CommandId: u32, catch_all = Unknown {
        /// generic_nack
        GenericNack = 0x8000_0000 => "generic_nack",
        /// bind_receiver
        BindReceiver = 0x0000_0001 => "bind_receiver",
        /// bind_receiver_resp
        BindReceiverResp = 0x8000_0001 => "bind_receiver_resp",
        /// bind_transmitter
        BindTransmitter = 0x0000_0002 => "bind_transmitter",
        /// bind_transmitter_resp
        BindTransmitterResp = 0x8000_0002 => "bind_transmitter_resp",
        /// query_sm
        QuerySm = 0x0000_0003 => "query_sm",
        /// query_sm_resp
        QuerySmResp = 0x8000_0003 => "query_sm_resp",
        /// submit_sm
        SubmitSm = 0x0000_0004 => "submit_sm",
        /// submit_sm_resp
        SubmitSmResp = 0x8000_0004 => "submit_sm_resp",
        /// deliver_sm
        DeliverSm = 0x0000_0005 => "deliver_sm",
        /// deliver_sm_resp
        DeliverSmResp = 0x8000_0005 => "deliver_sm_resp",
        /// unbind
        Unbind = 0x0000_0006 => "unbind",
        /// unbind_resp
        UnbindResp = 0x8000_0006 => "unbind_resp",
        /// replace_sm
        ReplaceSm = 0x0000_0007 => "replace_sm",
        /// replace_sm_resp
        ReplaceSmResp = 0x8000_0007 => "replace_sm_resp",
        /// cancel_sm
        CancelSm = 0x0000_0008 => "cancel_sm",
        /// cancel_sm_resp
        CancelSmResp = 0x8000_0008 => "cancel_sm_resp",
        /// bind_transceiver
        BindTransceiver = 0x0000_0009 => "bind_transceiver",
        /// bind_transceiver_resp
        BindTransceiverResp = 0x8000_0009 => "bind_transceiver_resp",
        /// outbind (no response)
        Outbind = 0x0000_000B => "outbind",
        /// enquire_link
        EnquireLink = 0x0000_0015 => "enquire_link",
        /// enquire_link_resp
        EnquireLinkResp = 0x8000_0015 => "enquire_link_resp",
        /// submit_multi
        SubmitMulti = 0x0000_0021 => "submit_multi",
        /// submit_multi_resp
        SubmitMultiResp = 0x8000_0021 => "submit_multi_resp",
        /// alert_notification (no response)
        AlertNotification = 0x0000_0102 => "alert_notification",
        /// data_sm
        DataSm = 0x0000_0103 => "data_sm",
        /// data_sm_resp
        DataSmResp = 0x8000_0103 => "data_sm_resp",
    }
}

impl CommandId {
    /// The position of a named variant in [`CommandId::ALL`] (`None` for `Unknown`,
    /// whatever its value).
    #[inline]
    pub(crate) const fn index(self) -> Option<usize> {
        Some(match self {
            Self::GenericNack => 0,
            Self::BindReceiver => 1,
            Self::BindReceiverResp => 2,
            Self::BindTransmitter => 3,
            Self::BindTransmitterResp => 4,
            Self::QuerySm => 5,
            Self::QuerySmResp => 6,
            Self::SubmitSm => 7,
            Self::SubmitSmResp => 8,
            Self::DeliverSm => 9,
            Self::DeliverSmResp => 10,
            Self::Unbind => 11,
            Self::UnbindResp => 12,
            Self::ReplaceSm => 13,
            Self::ReplaceSmResp => 14,
            Self::CancelSm => 15,
            Self::CancelSmResp => 16,
            Self::BindTransceiver => 17,
            Self::BindTransceiverResp => 18,
            Self::Outbind => 19,
            Self::EnquireLink => 20,
            Self::EnquireLinkResp => 21,
            Self::SubmitMulti => 22,
            Self::SubmitMultiResp => 23,
            Self::AlertNotification => 24,
            Self::DataSm => 25,
            Self::DataSmResp => 26,
            Self::Unknown(_) => return None,
        })
    }

    /// [`from_value`](Self::from_value) with the message ids decided first (the hot
    /// path of the header parser; the generic `match` is a search over 27 values).
    #[inline]
    pub(crate) const fn from_wire(v: u32) -> Self {
        match v {
            0x0000_0004 => Self::SubmitSm,
            0x8000_0004 => Self::SubmitSmResp,
            0x0000_0005 => Self::DeliverSm,
            0x8000_0005 => Self::DeliverSmResp,
            _ => Self::from_value(v),
        }
    }

    /// Whether bit 31 is set (the PDU is a response).
    #[must_use]
    #[inline]
    pub const fn is_response(self) -> bool {
        self.value() & 0x8000_0000 != 0
    }

    /// Whether this is a request the peer must answer (everything but responses,
    /// `outbind` and `alert_notification`).
    #[must_use]
    #[inline]
    pub const fn expects_response(self) -> bool {
        match self {
            // `Unknown(n)` may hold a named value: decide by the value.
            Self::Unknown(v) => {
                v & 0x8000_0000 == 0
                    && !matches!(Self::from_value(v), Self::Outbind | Self::AlertNotification)
            }
            known => known.response().is_some(),
        }
    }

    /// The response id for a request that has one (`None` for responses, `outbind`
    /// and `alert_notification`). Unknown request ids map to `id | 0x8000_0000`.
    #[must_use]
    #[inline]
    pub const fn response(self) -> Option<Self> {
        Some(match self {
            Self::BindReceiver => Self::BindReceiverResp,
            Self::BindTransmitter => Self::BindTransmitterResp,
            Self::QuerySm => Self::QuerySmResp,
            Self::SubmitSm => Self::SubmitSmResp,
            Self::DeliverSm => Self::DeliverSmResp,
            Self::Unbind => Self::UnbindResp,
            Self::ReplaceSm => Self::ReplaceSmResp,
            Self::CancelSm => Self::CancelSmResp,
            Self::BindTransceiver => Self::BindTransceiverResp,
            Self::EnquireLink => Self::EnquireLinkResp,
            Self::SubmitMulti => Self::SubmitMultiResp,
            Self::DataSm => Self::DataSmResp,
            Self::GenericNack
            | Self::BindReceiverResp
            | Self::BindTransmitterResp
            | Self::QuerySmResp
            | Self::SubmitSmResp
            | Self::DeliverSmResp
            | Self::UnbindResp
            | Self::ReplaceSmResp
            | Self::CancelSmResp
            | Self::BindTransceiverResp
            | Self::Outbind
            | Self::EnquireLinkResp
            | Self::SubmitMultiResp
            | Self::AlertNotification
            | Self::DataSmResp => return None,
            Self::Unknown(v) => {
                if Self::Unknown(v).expects_response() {
                    Self::from_value(v | 0x8000_0000)
                } else {
                    return None;
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::CommandId;

    /// The direct matches of `expects_response`/`response` agree with the definition by
    /// value (bit 31, outbind, alert_notification), for named and unnamed values.
    #[test]
    fn index_is_the_position_in_all() {
        for (i, id) in CommandId::ALL.iter().enumerate() {
            assert_eq!(id.index(), Some(i), "{id:?}");
        }
        assert_eq!(CommandId::Unknown(4).index(), None);
        assert_eq!(CommandId::ALL.len(), 27);
    }

    #[test]
    fn response_mapping_matches_the_definition() {
        let mut values: Vec<u32> = CommandId::ALL.iter().map(|c| c.value()).collect();
        values.extend([
            0,
            0x0A,
            0x0C,
            0x99,
            0x0102,
            0x8000_0000,
            0x8000_0099,
            u32::MAX,
        ]);
        for v in values {
            for id in [
                CommandId::from_value(v),
                CommandId::Unknown(v),
                CommandId::from_wire(v),
            ] {
                let expects = v & 0x8000_0000 == 0 && v != 0x0B && v != 0x0102;
                assert_eq!(id.expects_response(), expects, "{v:#x} {id:?}");
                let resp = expects.then(|| CommandId::from_value(v | 0x8000_0000));
                assert_eq!(id.response(), resp, "{v:#x}");
                assert_eq!(
                    id.response().map(CommandId::value),
                    resp.map(CommandId::value)
                );
                assert_eq!(id.value(), v);
            }
            assert!(matches!(
                (CommandId::from_wire(v), CommandId::from_value(v)),
                (a, b) if a.value() == b.value() && a.name() == b.name()
            ));
        }
    }
}
