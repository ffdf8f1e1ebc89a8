//! `command_status`: the result code of a response.

use super::wire_enum::wire_enum;

wire_enum! {
    /// The `command_status` header field (SMPP 3.4 §5.1.3, plus the 5.0 additions).
    ///
    /// Vendor codes (0x400-0x4FF) and anything else without a name stay `Unknown(n)`
    /// and round-trip exactly.
    ///
    /// ```
    /// use smpp_proto::pdu::CommandStatus;
    /// assert_eq!(CommandStatus::from(0x58), CommandStatus::Throttled);
    /// assert_eq!(CommandStatus::Throttled.name(), Some("ESME_RTHROTTLED"));
    /// assert_eq!(CommandStatus::from(0x0422).value(), 0x0422);
    /// ```
    pub enum CommandStatus: u32, catch_all = Unknown {
        /// ESME_ROK: no error.
        Ok = 0x00 => "ESME_ROK",
        /// ESME_RINVMSGLEN: message length invalid.
        InvMsgLen = 0x01 => "ESME_RINVMSGLEN",
        /// ESME_RINVCMDLEN: command length invalid.
        InvCmdLen = 0x02 => "ESME_RINVCMDLEN",
        /// ESME_RINVCMDID: invalid command id.
        InvCmdId = 0x03 => "ESME_RINVCMDID",
        /// ESME_RINVBNDSTS: incorrect bind status for the command.
        InvBndSts = 0x04 => "ESME_RINVBNDSTS",
        /// ESME_RALYBND: already bound.
        AlyBnd = 0x05 => "ESME_RALYBND",
        /// ESME_RINVPRTFLG: invalid priority flag.
        InvPrtFlg = 0x06 => "ESME_RINVPRTFLG",
        /// ESME_RINVREGDLVFLG: invalid registered delivery flag.
        InvRegDlvFlg = 0x07 => "ESME_RINVREGDLVFLG",
        /// ESME_RSYSERR: system error.
        SysErr = 0x08 => "ESME_RSYSERR",
        /// ESME_RINVSRCADR: invalid source address.
        InvSrcAdr = 0x0A => "ESME_RINVSRCADR",
        /// ESME_RINVDSTADR: invalid destination address.
        InvDstAdr = 0x0B => "ESME_RINVDSTADR",
        /// ESME_RINVMSGID: invalid message id.
        InvMsgId = 0x0C => "ESME_RINVMSGID",
        /// ESME_RBINDFAIL: bind failed.
        BindFail = 0x0D => "ESME_RBINDFAIL",
        /// ESME_RINVPASWD: invalid password.
        InvPaswd = 0x0E => "ESME_RINVPASWD",
        /// ESME_RINVSYSID: invalid system_id.
        InvSysId = 0x0F => "ESME_RINVSYSID",
        /// ESME_RCANCELFAIL: cancel_sm failed.
        CancelFail = 0x11 => "ESME_RCANCELFAIL",
        /// ESME_RREPLACEFAIL: replace_sm failed.
        ReplaceFail = 0x13 => "ESME_RREPLACEFAIL",
        /// ESME_RMSGQFUL: message queue full.
        MsgQFul = 0x14 => "ESME_RMSGQFUL",
        /// ESME_RINVSERTYP: invalid service_type.
        InvSerTyp = 0x15 => "ESME_RINVSERTYP",
        /// ESME_RINVNUMDESTS: invalid number of destinations.
        InvNumDests = 0x33 => "ESME_RINVNUMDESTS",
        /// ESME_RINVDLNAME: invalid distribution list name.
        InvDlName = 0x34 => "ESME_RINVDLNAME",
        /// ESME_RINVDESTFLAG: invalid dest_flag (submit_multi).
        InvDestFlag = 0x40 => "ESME_RINVDESTFLAG",
        /// ESME_RINVSUBREP: submit with replace not possible.
        InvSubRep = 0x42 => "ESME_RINVSUBREP",
        /// ESME_RINVESMCLASS: invalid esm_class.
        InvEsmClass = 0x43 => "ESME_RINVESMCLASS",
        /// ESME_RCNTSUBDL: cannot submit to distribution list.
        CntSubDl = 0x44 => "ESME_RCNTSUBDL",
        /// ESME_RSUBMITFAIL: submit_sm or submit_multi failed.
        SubmitFail = 0x45 => "ESME_RSUBMITFAIL",
        /// ESME_RINVSRCTON: invalid source TON.
        InvSrcTon = 0x48 => "ESME_RINVSRCTON",
        /// ESME_RINVSRCNPI: invalid source NPI.
        InvSrcNpi = 0x49 => "ESME_RINVSRCNPI",
        /// ESME_RINVDSTTON: invalid destination TON.
        InvDstTon = 0x50 => "ESME_RINVDSTTON",
        /// ESME_RINVDSTNPI: invalid destination NPI.
        InvDstNpi = 0x51 => "ESME_RINVDSTNPI",
        /// ESME_RINVSYSTYP: invalid system_type.
        InvSysTyp = 0x53 => "ESME_RINVSYSTYP",
        /// ESME_RINVREPFLAG: invalid replace_if_present flag.
        InvRepFlag = 0x54 => "ESME_RINVREPFLAG",
        /// ESME_RINVNUMMSGS: invalid number of messages.
        InvNumMsgs = 0x55 => "ESME_RINVNUMMSGS",
        /// ESME_RTHROTTLED: throttling error (rate exceeded).
        Throttled = 0x58 => "ESME_RTHROTTLED",
        /// ESME_RINVSCHED: invalid schedule_delivery_time.
        InvSched = 0x61 => "ESME_RINVSCHED",
        /// ESME_RINVEXPIRY: invalid validity_period.
        InvExpiry = 0x62 => "ESME_RINVEXPIRY",
        /// ESME_RINVDFTMSGID: invalid predefined message id.
        InvDftMsgId = 0x63 => "ESME_RINVDFTMSGID",
        /// ESME_RX_T_APPN: receiver temporary application error.
        XTAppn = 0x64 => "ESME_RX_T_APPN",
        /// ESME_RX_P_APPN: receiver permanent application error.
        XPAppn = 0x65 => "ESME_RX_P_APPN",
        /// ESME_RX_R_APPN: receiver reject message error.
        XRAppn = 0x66 => "ESME_RX_R_APPN",
        /// ESME_RQUERYFAIL: query_sm failed.
        QueryFail = 0x67 => "ESME_RQUERYFAIL",
        /// ESME_RINVOPTPARSTREAM: error in the optional parameter (TLV) stream.
        InvOptParStream = 0xC0 => "ESME_RINVOPTPARSTREAM",
        /// ESME_ROPTPARNOTALLWD: optional parameter not allowed.
        OptParNotAllwd = 0xC1 => "ESME_ROPTPARNOTALLWD",
        /// ESME_RINVPARLEN: invalid parameter length.
        InvParLen = 0xC2 => "ESME_RINVPARLEN",
        /// ESME_RMISSINGOPTPARAM: expected optional parameter missing.
        MissingOptParam = 0xC3 => "ESME_RMISSINGOPTPARAM",
        /// ESME_RINVOPTPARAMVAL: invalid optional parameter value.
        InvOptParamVal = 0xC4 => "ESME_RINVOPTPARAMVAL",
        /// ESME_RDELIVERYFAILURE: delivery failure (data_sm_resp).
        DeliveryFailure = 0xFE => "ESME_RDELIVERYFAILURE",
        /// ESME_RUNKNOWNERR: unknown error.
        UnknownErr = 0xFF => "ESME_RUNKNOWNERR",
        /// ESME_RSERTYPUNAUTH (5.0): ESME not authorised for this service_type.
        SerTypUnauth = 0x100 => "ESME_RSERTYPUNAUTH",
        /// ESME_RPROHIBITED (5.0): ESME prohibited from this operation.
        Prohibited = 0x101 => "ESME_RPROHIBITED",
        /// ESME_RSERTYPUNAVAIL (5.0): service_type unavailable.
        SerTypUnavail = 0x102 => "ESME_RSERTYPUNAVAIL",
        /// ESME_RSERTYPDENIED (5.0): service_type denied.
        SerTypDenied = 0x103 => "ESME_RSERTYPDENIED",
        /// ESME_RINVDCS (5.0): invalid data_coding.
        InvDcs = 0x104 => "ESME_RINVDCS",
        /// ESME_RINVSRCADDRSUBUNIT (5.0): invalid source address subunit.
        InvSrcAddrSubunit = 0x105 => "ESME_RINVSRCADDRSUBUNIT",
        /// ESME_RINVDSTADDRSUBUNIT (5.0): invalid destination address subunit.
        InvDstAddrSubunit = 0x106 => "ESME_RINVDSTADDRSUBUNIT",
        /// ESME_RINVBCASTFREQINT (5.0).
        InvBcastFreqInt = 0x107 => "ESME_RINVBCASTFREQINT",
        /// ESME_RINVBCASTALIAS_NAME (5.0).
        InvBcastAliasName = 0x108 => "ESME_RINVBCASTALIAS_NAME",
        /// ESME_RINVBCASTAREAFMT (5.0).
        InvBcastAreaFmt = 0x109 => "ESME_RINVBCASTAREAFMT",
        /// ESME_RINVNUMBCAST_AREAS (5.0).
        InvNumBcastAreas = 0x10A => "ESME_RINVNUMBCAST_AREAS",
        /// ESME_RINVBCASTCNTTYPE (5.0).
        InvBcastCntType = 0x10B => "ESME_RINVBCASTCNTTYPE",
        /// ESME_RINVBCASTMSGCLASS (5.0).
        InvBcastMsgClass = 0x10C => "ESME_RINVBCASTMSGCLASS",
        /// ESME_RBCASTFAIL (5.0).
        BcastFail = 0x10D => "ESME_RBCASTFAIL",
        /// ESME_RBCASTQUERYFAIL (5.0).
        BcastQueryFail = 0x10E => "ESME_RBCASTQUERYFAIL",
        /// ESME_RBCASTCANCELFAIL (5.0).
        BcastCancelFail = 0x10F => "ESME_RBCASTCANCELFAIL",
        /// ESME_RINVBCAST_REP (5.0).
        InvBcastRep = 0x110 => "ESME_RINVBCAST_REP",
        /// ESME_RINVBCASTSRVGRP (5.0).
        InvBcastSrvGrp = 0x111 => "ESME_RINVBCASTSRVGRP",
        /// ESME_RINVBCASTCHANIND (5.0).
        InvBcastChanInd = 0x112 => "ESME_RINVBCASTCHANIND",
    }
}

impl CommandStatus {
    /// Whether this is `ESME_ROK`.
    #[must_use]
    pub const fn is_ok(self) -> bool {
        self.value() == 0
    }
}

#[allow(clippy::derivable_impls, reason = "the enum comes from a macro")]
impl Default for CommandStatus {
    fn default() -> Self {
        Self::Ok
    }
}
