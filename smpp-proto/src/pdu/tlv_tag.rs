//! TLV tags and the value kind each known tag carries (SMPP 3.4 §5.3.2, 5.0 §4.8).
//! Generated from the tag table in the protocol reference; edit with care.

use super::wire_enum::wire_enum;

wire_enum! {
    /// A TLV tag. Tags without a name here (vendor tags 0x1400-0x3FFF and anything
    /// else) are `Unknown(n)` and are kept byte-exact.
    pub enum TlvTag: u16, catch_all = Unknown {
        /// `dest_addr_subunit` (0x0005).
        DestAddrSubunit = 0x0005 => "dest_addr_subunit",
        /// `dest_network_type` (0x0006).
        DestNetworkType = 0x0006 => "dest_network_type",
        /// `dest_bearer_type` (0x0007).
        DestBearerType = 0x0007 => "dest_bearer_type",
        /// `dest_telematics_id` (0x0008).
        DestTelematicsId = 0x0008 => "dest_telematics_id",
        /// `source_addr_subunit` (0x000d).
        SourceAddrSubunit = 0x000d => "source_addr_subunit",
        /// `source_network_type` (0x000e).
        SourceNetworkType = 0x000e => "source_network_type",
        /// `source_bearer_type` (0x000f).
        SourceBearerType = 0x000f => "source_bearer_type",
        /// `source_telematics_id` (0x0010).
        SourceTelematicsId = 0x0010 => "source_telematics_id",
        /// `qos_time_to_live` (0x0017).
        QosTimeToLive = 0x0017 => "qos_time_to_live",
        /// `payload_type` (0x0019).
        PayloadType = 0x0019 => "payload_type",
        /// `additional_status_info_text` (0x001d).
        AdditionalStatusInfoText = 0x001d => "additional_status_info_text",
        /// `receipted_message_id` (0x001e).
        ReceiptedMessageId = 0x001e => "receipted_message_id",
        /// `ms_msg_wait_facilities` (0x0030).
        MsMsgWaitFacilities = 0x0030 => "ms_msg_wait_facilities",
        /// `privacy_indicator` (0x0201).
        PrivacyIndicator = 0x0201 => "privacy_indicator",
        /// `source_subaddress` (0x0202).
        SourceSubaddress = 0x0202 => "source_subaddress",
        /// `dest_subaddress` (0x0203).
        DestSubaddress = 0x0203 => "dest_subaddress",
        /// `user_message_reference` (0x0204).
        UserMessageReference = 0x0204 => "user_message_reference",
        /// `user_response_code` (0x0205).
        UserResponseCode = 0x0205 => "user_response_code",
        /// `source_port` (0x020a).
        SourcePort = 0x020a => "source_port",
        /// `destination_port` (0x020b).
        DestinationPort = 0x020b => "destination_port",
        /// `sar_msg_ref_num` (0x020c).
        SarMsgRefNum = 0x020c => "sar_msg_ref_num",
        /// `language_indicator` (0x020d).
        LanguageIndicator = 0x020d => "language_indicator",
        /// `sar_total_segments` (0x020e).
        SarTotalSegments = 0x020e => "sar_total_segments",
        /// `sar_segment_seqnum` (0x020f).
        SarSegmentSeqnum = 0x020f => "sar_segment_seqnum",
        /// `sc_interface_version` (0x0210).
        ScInterfaceVersion = 0x0210 => "sc_interface_version",
        /// `callback_num_pres_ind` (0x0302).
        CallbackNumPresInd = 0x0302 => "callback_num_pres_ind",
        /// `callback_num_atag` (0x0303).
        CallbackNumAtag = 0x0303 => "callback_num_atag",
        /// `number_of_messages` (0x0304).
        NumberOfMessages = 0x0304 => "number_of_messages",
        /// `callback_num` (0x0381).
        CallbackNum = 0x0381 => "callback_num",
        /// `dpf_result` (0x0420).
        DpfResult = 0x0420 => "dpf_result",
        /// `set_dpf` (0x0421).
        SetDpf = 0x0421 => "set_dpf",
        /// `ms_availability_status` (0x0422).
        MsAvailabilityStatus = 0x0422 => "ms_availability_status",
        /// `network_error_code` (0x0423).
        NetworkErrorCode = 0x0423 => "network_error_code",
        /// `message_payload` (0x0424).
        MessagePayload = 0x0424 => "message_payload",
        /// `delivery_failure_reason` (0x0425).
        DeliveryFailureReason = 0x0425 => "delivery_failure_reason",
        /// `more_messages_to_send` (0x0426).
        MoreMessagesToSend = 0x0426 => "more_messages_to_send",
        /// `message_state` (0x0427).
        MessageState = 0x0427 => "message_state",
        /// `congestion_state` (0x0428).
        CongestionState = 0x0428 => "congestion_state",
        /// `ussd_service_op` (0x0501).
        UssdServiceOp = 0x0501 => "ussd_service_op",
        /// `broadcast_channel_indicator` (0x0600).
        BroadcastChannelIndicator = 0x0600 => "broadcast_channel_indicator",
        /// `broadcast_content_type` (0x0601).
        BroadcastContentType = 0x0601 => "broadcast_content_type",
        /// `broadcast_content_type_info` (0x0602).
        BroadcastContentTypeInfo = 0x0602 => "broadcast_content_type_info",
        /// `broadcast_message_class` (0x0603).
        BroadcastMessageClass = 0x0603 => "broadcast_message_class",
        /// `broadcast_rep_num` (0x0604).
        BroadcastRepNum = 0x0604 => "broadcast_rep_num",
        /// `broadcast_frequency_interval` (0x0605).
        BroadcastFrequencyInterval = 0x0605 => "broadcast_frequency_interval",
        /// `broadcast_area_identifier` (0x0606).
        BroadcastAreaIdentifier = 0x0606 => "broadcast_area_identifier",
        /// `broadcast_error_status` (0x0607).
        BroadcastErrorStatus = 0x0607 => "broadcast_error_status",
        /// `broadcast_area_success` (0x0608).
        BroadcastAreaSuccess = 0x0608 => "broadcast_area_success",
        /// `broadcast_end_time` (0x0609).
        BroadcastEndTime = 0x0609 => "broadcast_end_time",
        /// `broadcast_service_group` (0x060a).
        BroadcastServiceGroup = 0x060a => "broadcast_service_group",
        /// `billing_identification` (0x060b).
        BillingIdentification = 0x060b => "billing_identification",
        /// `source_network_id` (0x060d).
        SourceNetworkId = 0x060d => "source_network_id",
        /// `dest_network_id` (0x060e).
        DestNetworkId = 0x060e => "dest_network_id",
        /// `source_node_id` (0x060f).
        SourceNodeId = 0x060f => "source_node_id",
        /// `dest_node_id` (0x0610).
        DestNodeId = 0x0610 => "dest_node_id",
        /// `dest_addr_np_resolution` (0x0611).
        DestAddrNpResolution = 0x0611 => "dest_addr_np_resolution",
        /// `dest_addr_np_information` (0x0612).
        DestAddrNpInformation = 0x0612 => "dest_addr_np_information",
        /// `dest_addr_np_country` (0x0613).
        DestAddrNpCountry = 0x0613 => "dest_addr_np_country",
        /// `display_time` (0x1201).
        DisplayTime = 0x1201 => "display_time",
        /// `sms_signal` (0x1203).
        SmsSignal = 0x1203 => "sms_signal",
        /// `ms_validity` (0x1204).
        MsValidity = 0x1204 => "ms_validity",
        /// `alert_on_message_delivery` (0x130c).
        AlertOnMessageDelivery = 0x130c => "alert_on_message_delivery",
        /// `its_reply_type` (0x1380).
        ItsReplyType = 0x1380 => "its_reply_type",
        /// `its_session_info` (0x1383).
        ItsSessionInfo = 0x1383 => "its_session_info",
    }
}

/// The shape of a known TLV's value, used to check its length and to type it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A 1-octet integer.
    U8,
    /// A 2-octet big-endian integer.
    U16,
    /// A 4-octet big-endian integer.
    U32,
    /// A C-Octet String of at most `max` octets, NUL included.
    CStr {
        /// Maximum size, NUL included.
        max: u16,
    },
    /// An Octet String of `min..=max` octets.
    Octets {
        /// Minimum size.
        min: u16,
        /// Maximum size.
        max: u16,
    },
    /// network_error_code: network type (1 octet) and error code (2 octets).
    NetworkErrorCode,
    /// ms_validity: 1 octet (3.4) or 4 octets (5.0 relative period).
    MsValidity,
    /// alert_on_message_delivery: no value (3.4) or 1 octet (5.0).
    EmptyOrU8,
    /// An unknown tag: any length.
    Unknown,
}

impl TlvTag {
    /// The value kind of this tag.
    #[must_use]
    pub const fn kind(self) -> ValueKind {
        kind_of(self.value())
    }
}

/// The value kind of a raw tag (what [`TlvTag::kind`] returns, without the round trip
/// through the enum).
#[inline]
pub(crate) const fn kind_of(tag: u16) -> ValueKind {
    match tag {
        0x0005 => ValueKind::U8,
        0x0006 => ValueKind::U8,
        0x0007 => ValueKind::U8,
        0x0008 => ValueKind::U16,
        0x000d => ValueKind::U8,
        0x000e => ValueKind::U8,
        0x000f => ValueKind::U8,
        0x0010 => ValueKind::U8,
        0x0017 => ValueKind::U32,
        0x0019 => ValueKind::U8,
        0x001d => ValueKind::CStr { max: 256 },
        0x001e => ValueKind::CStr { max: 65 },
        0x0030 => ValueKind::U8,
        0x0201 => ValueKind::U8,
        0x0202 => ValueKind::Octets { min: 2, max: 23 },
        0x0203 => ValueKind::Octets { min: 2, max: 23 },
        0x0204 => ValueKind::U16,
        0x0205 => ValueKind::U8,
        0x020a => ValueKind::U16,
        0x020b => ValueKind::U16,
        0x020c => ValueKind::U16,
        0x020d => ValueKind::U8,
        0x020e => ValueKind::U8,
        0x020f => ValueKind::U8,
        0x0210 => ValueKind::U8,
        0x0302 => ValueKind::U8,
        0x0303 => ValueKind::Octets { min: 0, max: 65 },
        0x0304 => ValueKind::U8,
        0x0381 => ValueKind::Octets { min: 4, max: 19 },
        0x0420 => ValueKind::U8,
        0x0421 => ValueKind::U8,
        0x0422 => ValueKind::U8,
        0x0423 => ValueKind::NetworkErrorCode,
        0x0424 => ValueKind::Octets { min: 0, max: 65535 },
        0x0425 => ValueKind::U8,
        0x0426 => ValueKind::U8,
        0x0427 => ValueKind::U8,
        0x0428 => ValueKind::U8,
        0x0501 => ValueKind::U8,
        0x0600 => ValueKind::U8,
        0x0601 => ValueKind::Octets { min: 3, max: 3 },
        0x0602 => ValueKind::Octets { min: 0, max: 255 },
        0x0603 => ValueKind::U8,
        0x0604 => ValueKind::U16,
        0x0605 => ValueKind::Octets { min: 3, max: 3 },
        0x0606 => ValueKind::Octets { min: 0, max: 100 },
        0x0607 => ValueKind::U32,
        0x0608 => ValueKind::U8,
        0x0609 => ValueKind::CStr { max: 17 },
        0x060a => ValueKind::Octets { min: 0, max: 255 },
        0x060b => ValueKind::Octets { min: 1, max: 1024 },
        0x060d => ValueKind::CStr { max: 65 },
        0x060e => ValueKind::CStr { max: 65 },
        0x060f => ValueKind::Octets { min: 6, max: 6 },
        0x0610 => ValueKind::Octets { min: 6, max: 6 },
        0x0611 => ValueKind::U8,
        0x0612 => ValueKind::Octets { min: 10, max: 10 },
        0x0613 => ValueKind::Octets { min: 1, max: 5 },
        0x1201 => ValueKind::U8,
        0x1203 => ValueKind::U16,
        0x1204 => ValueKind::MsValidity,
        0x130c => ValueKind::EmptyOrU8,
        0x1380 => ValueKind::U8,
        0x1383 => ValueKind::Octets { min: 2, max: 2 },
        _ => ValueKind::Unknown,
    }
}
