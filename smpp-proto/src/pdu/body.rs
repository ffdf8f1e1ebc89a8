//! PDU bodies: one struct per body layout, each with its decoder and encoder.
//!
//! Field maxima (NUL included) follow SMPP 3.4 §4; where real peers exceed them on
//! receive (passwords, SMSC system ids) the decoder accepts up to 65 octets and says so
//! on the field.

use bytes::Bytes;

use super::primitives::{Reader, Sink, put_cstr, put_sm};
use super::{
    COctetString, CommandStatus as St, DataCoding, DecodeError, DecodeErrorKind, EncodeError,
    EsmClass, Npi, RegisteredDelivery, Tlvs, Ton,
};

/// Lenient receive maximum for fields that real peers send longer than the spec allows.
const LENIENT_MAX: usize = 65;

/// bind_transmitter, bind_receiver and bind_transceiver (identical bodies).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Bind {
    /// ESME identity, C(16).
    pub system_id: COctetString,
    /// Password, C(9) in 3.4. Accepted up to 64 characters on receive and on send
    /// (providers such as Wavix issue longer ones); never shown by `Debug`.
    pub password: COctetString,
    /// ESME type, C(13), often empty.
    pub system_type: COctetString,
    /// 0x34 for 3.4, 0x33 or below for 3.3 (0x00 from old clients), 0x50 for 5.0.
    pub interface_version: u8,
    /// TON of `address_range`.
    pub addr_ton: Ton,
    /// NPI of `address_range`.
    pub addr_npi: Npi,
    /// Addresses served (a regular expression), C(41), usually empty.
    pub address_range: COctetString,
    /// TLVs (none are defined for bind; kept if a peer sends some).
    pub tlvs: Tlvs,
}

impl core::fmt::Debug for Bind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Bind")
            .field("system_id", &self.system_id)
            .field("password", &"<redacted>")
            .field("system_type", &self.system_type)
            .field(
                "interface_version",
                &format_args!("{:#04x}", self.interface_version),
            )
            .field("addr_ton", &self.addr_ton)
            .field("addr_npi", &self.addr_npi)
            .field("address_range", &self.address_range)
            .field("tlvs", &self.tlvs)
            .finish()
    }
}

#[allow(clippy::derivable_impls, reason = "the enum comes from a macro")]
impl Default for Ton {
    fn default() -> Self {
        Self::Unknown
    }
}

#[allow(clippy::derivable_impls, reason = "the enum comes from a macro")]
impl Default for Npi {
    fn default() -> Self {
        Self::Unknown
    }
}

impl Bind {
    /// A 3.4 bind with the given credentials and everything else empty.
    ///
    /// ```
    /// use smpp_proto::pdu::Bind;
    /// let b = Bind::new("user", "secret");
    /// assert_eq!(b.interface_version, 0x34);
    /// assert!(!format!("{b:?}").contains("secret"));
    /// ```
    #[must_use]
    pub fn new(system_id: impl Into<COctetString>, password: impl Into<COctetString>) -> Self {
        Self {
            system_id: system_id.into(),
            password: password.into(),
            interface_version: super::interface_version::V34,
            ..Self::default()
        }
    }

    /// Sets `system_type`.
    #[must_use]
    pub fn with_system_type(mut self, v: impl Into<COctetString>) -> Self {
        self.system_type = v.into();
        self
    }

    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            system_id: r.cstr("system_id", 16, St::InvSysId)?,
            password: r.cstr("password", LENIENT_MAX, St::InvPaswd)?,
            system_type: r.cstr("system_type", 13, St::InvSysTyp)?,
            interface_version: r.u8("interface_version")?,
            addr_ton: r.u8("addr_ton")?.into(),
            addr_npi: r.u8("addr_npi")?.into(),
            address_range: r.cstr("address_range", 41, St::BindFail)?,
            tlvs: r.tlvs()?,
        })
    }

    pub(crate) fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        put_cstr(s, "system_id", &self.system_id, 16)?;
        put_cstr(s, "password", &self.password, LENIENT_MAX)?;
        put_cstr(s, "system_type", &self.system_type, 13)?;
        s.put_u8(self.interface_version);
        s.put_u8(self.addr_ton.value());
        s.put_u8(self.addr_npi.value());
        put_cstr(s, "address_range", &self.address_range, 41)?;
        s.put(self.tlvs.as_bytes());
        Ok(())
    }
}

/// bind_*_resp.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct BindResp {
    /// SMSC identity, C(16) in the spec; up to 64 characters are accepted and re-encoded,
    /// since real SMSCs send longer ones.
    pub system_id: COctetString,
    /// TLVs: `sc_interface_version` announces TLV support.
    pub tlvs: Tlvs,
}

impl BindResp {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            system_id: r.cstr_or_end("system_id", LENIENT_MAX, St::InvSysId)?,
            tlvs: r.tlvs()?,
        })
    }

    pub(crate) fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        // Whatever we accept we can re-encode (proxies pass bind responses through).
        put_cstr(s, "system_id", &self.system_id, LENIENT_MAX)?;
        s.put(self.tlvs.as_bytes());
        Ok(())
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.system_id.is_empty() && self.tlvs.is_empty()
    }
}

/// outbind.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Outbind {
    /// SMSC identity, C(16).
    pub system_id: COctetString,
    /// Password the ESME checks, C(9) (accepted up to 64 characters); never shown by `Debug`.
    pub password: COctetString,
    /// TLVs (none defined).
    pub tlvs: Tlvs,
}

impl core::fmt::Debug for Outbind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Outbind")
            .field("system_id", &self.system_id)
            .field("password", &"<redacted>")
            .field("tlvs", &self.tlvs)
            .finish()
    }
}

impl Outbind {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            system_id: r.cstr("system_id", 16, St::InvSysId)?,
            password: r.cstr("password", LENIENT_MAX, St::InvPaswd)?,
            tlvs: r.tlvs()?,
        })
    }

    pub(crate) fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        put_cstr(s, "system_id", &self.system_id, 16)?;
        put_cstr(s, "password", &self.password, LENIENT_MAX)?;
        s.put(self.tlvs.as_bytes());
        Ok(())
    }
}

/// submit_sm and deliver_sm (the same 18 mandatory fields).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SubmitSm {
    /// service_type, C(6).
    pub service_type: COctetString,
    /// source_addr_ton.
    pub source_addr_ton: Ton,
    /// source_addr_npi.
    pub source_addr_npi: Npi,
    /// source_addr, C(21).
    pub source_addr: COctetString,
    /// dest_addr_ton.
    pub dest_addr_ton: Ton,
    /// dest_addr_npi.
    pub dest_addr_npi: Npi,
    /// destination_addr, C(21).
    pub destination_addr: COctetString,
    /// esm_class.
    pub esm_class: EsmClass,
    /// protocol_id (GSM TP-PID).
    pub protocol_id: u8,
    /// priority_flag (0-3).
    pub priority_flag: u8,
    /// schedule_delivery_time, C(1|17) (empty = now).
    pub schedule_delivery_time: COctetString,
    /// validity_period, C(1|17) (empty = SMSC default).
    pub validity_period: COctetString,
    /// registered_delivery.
    pub registered_delivery: RegisteredDelivery,
    /// replace_if_present_flag.
    pub replace_if_present_flag: u8,
    /// data_coding.
    pub data_coding: DataCoding,
    /// sm_default_msg_id.
    pub sm_default_msg_id: u8,
    /// short_message (its length is `sm_length`; up to 255 octets).
    pub short_message: Bytes,
    /// TLVs, in wire order.
    pub tlvs: Tlvs,
}

/// deliver_sm has exactly the fields of submit_sm.
pub type DeliverSm = SubmitSm;

/// Guesses TON/NPI for an address the way providers expect (providers.md): digits (a
/// leading `+` is dropped) are international/ISDN, anything else alphanumeric/unknown.
fn address(addr: &str) -> (Ton, Npi, COctetString) {
    let digits = addr.strip_prefix('+').unwrap_or(addr);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        (
            Ton::International,
            Npi::Isdn,
            COctetString::from(digits.to_owned()),
        )
    } else if addr.is_empty() {
        (Ton::Unknown, Npi::Unknown, COctetString::empty())
    } else {
        (
            Ton::Alphanumeric,
            Npi::Unknown,
            COctetString::from(addr.to_owned()),
        )
    }
}

impl SubmitSm {
    /// A submit_sm with provider defaults: a numeric source is TON 1/NPI 1, an
    /// alphanumeric one TON 5/NPI 0; the destination is TON 1/NPI 1 (a leading `+` is
    /// removed); data_coding 0 (GSM); everything else NULL.
    ///
    /// ```
    /// use smpp_proto::pdu::{SubmitSm, Ton};
    /// let sm = SubmitSm::new("MyShop", "+4512345678", &b"Hello"[..]);
    /// assert_eq!(sm.source_addr_ton, Ton::Alphanumeric);
    /// assert_eq!(sm.destination_addr, "4512345678");
    /// ```
    #[must_use]
    pub fn new(source: &str, destination: &str, short_message: impl Into<Bytes>) -> Self {
        let (source_addr_ton, source_addr_npi, source_addr) = address(source);
        let (_, _, destination_addr) = address(destination);
        Self {
            source_addr_ton,
            source_addr_npi,
            source_addr,
            dest_addr_ton: Ton::International,
            dest_addr_npi: Npi::Isdn,
            destination_addr,
            short_message: short_message.into(),
            ..Self::default()
        }
    }

    /// Sets data_coding.
    #[must_use]
    pub const fn with_data_coding(mut self, dc: DataCoding) -> Self {
        self.data_coding = dc;
        self
    }

    /// Sets registered_delivery.
    #[must_use]
    pub const fn with_registered_delivery(mut self, rd: RegisteredDelivery) -> Self {
        self.registered_delivery = rd;
        self
    }

    /// Sets esm_class.
    #[must_use]
    pub const fn with_esm_class(mut self, e: EsmClass) -> Self {
        self.esm_class = e;
        self
    }

    /// Sets the TLVs.
    #[must_use]
    pub fn with_tlvs(mut self, tlvs: Tlvs) -> Self {
        self.tlvs = tlvs;
        self
    }

    /// The user data: `short_message`, or `message_payload` when `short_message` is
    /// empty (Kannel's rule: when a peer fills both, `short_message` wins).
    #[must_use]
    pub fn payload(&self) -> Bytes {
        if self.short_message.is_empty() {
            self.tlvs.message_payload().unwrap_or_default()
        } else {
            self.short_message.clone()
        }
    }

    /// Decodes the body. Every field is read into a local first and the struct is built
    /// once at the end, straight into the caller's result (building it early and
    /// patching `short_message`/`tlvs` in afterwards cost a 248-octet copy).
    #[inline(always)]
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let service_type = r.cstr("service_type", 6, St::InvSerTyp)?;
        let source_addr_ton = r.u8("source_addr_ton")?.into();
        let source_addr_npi = r.u8("source_addr_npi")?.into();
        let source_addr = r.cstr("source_addr", 21, St::InvSrcAdr)?;
        let dest_addr_ton = r.u8("dest_addr_ton")?.into();
        let dest_addr_npi = r.u8("dest_addr_npi")?.into();
        let destination_addr = r.cstr("destination_addr", 21, St::InvDstAdr)?;
        let esm_class = EsmClass(r.u8("esm_class")?);
        let protocol_id = r.u8("protocol_id")?;
        let priority_flag = r.u8("priority_flag")?;
        let schedule_delivery_time = r.cstr("schedule_delivery_time", 17, St::InvSched)?;
        let validity_period = r.cstr("validity_period", 17, St::InvExpiry)?;
        let registered_delivery = RegisteredDelivery(r.u8("registered_delivery")?);
        let replace_if_present_flag = r.u8("replace_if_present_flag")?;
        let data_coding = DataCoding(r.u8("data_coding")?);
        let sm_default_msg_id = r.u8("sm_default_msg_id")?;
        let sm_length = r.u8("sm_length")?;
        let short_message = r.octets("short_message", usize::from(sm_length))?;
        let tlvs = r.tlvs()?;
        if !r.lenient && sm_length != 0 && r.saw_message_payload {
            return Err(r.err(
                "message_payload",
                DecodeErrorKind::PayloadConflict,
                St::InvMsgLen,
            ));
        }
        Ok(Self {
            service_type,
            source_addr_ton,
            source_addr_npi,
            source_addr,
            dest_addr_ton,
            dest_addr_npi,
            destination_addr,
            esm_class,
            protocol_id,
            priority_flag,
            schedule_delivery_time,
            validity_period,
            registered_delivery,
            replace_if_present_flag,
            data_coding,
            sm_default_msg_id,
            short_message,
            tlvs,
        })
    }

    pub(crate) fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        // Runs of one-octet fields are written as one slice each.
        put_cstr(s, "service_type", &self.service_type, 6)?;
        s.put(&[self.source_addr_ton.value(), self.source_addr_npi.value()]);
        put_cstr(s, "source_addr", &self.source_addr, 21)?;
        s.put(&[self.dest_addr_ton.value(), self.dest_addr_npi.value()]);
        put_cstr(s, "destination_addr", &self.destination_addr, 21)?;
        s.put(&[self.esm_class.0, self.protocol_id, self.priority_flag]);
        put_cstr(
            s,
            "schedule_delivery_time",
            &self.schedule_delivery_time,
            17,
        )?;
        put_cstr(s, "validity_period", &self.validity_period, 17)?;
        s.put(&[
            self.registered_delivery.0,
            self.replace_if_present_flag,
            self.data_coding.0,
            self.sm_default_msg_id,
        ]);
        put_sm(s, "short_message", &self.short_message)?;
        s.put(self.tlvs.as_bytes());
        Ok(())
    }
}

/// submit_sm_resp, deliver_sm_resp and data_sm_resp: a message id and TLVs.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct MessageIdResp {
    /// The SMSC's message id, C(65) (NULL in deliver_sm_resp).
    pub message_id: COctetString,
    /// TLVs (3.4 defines some for data_sm_resp only; 5.0 peers send more).
    pub tlvs: Tlvs,
}

impl MessageIdResp {
    /// A response carrying `message_id`.
    #[must_use]
    pub fn new(message_id: impl Into<COctetString>) -> Self {
        Self {
            message_id: message_id.into(),
            tlvs: Tlvs::new(),
        }
    }

    #[inline(always)]
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            message_id: r.cstr_or_end("message_id", 65, St::InvMsgId)?,
            tlvs: r.tlvs()?,
        })
    }

    #[inline]
    pub(crate) fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        put_cstr(s, "message_id", &self.message_id, 65)?;
        s.put(self.tlvs.as_bytes());
        Ok(())
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.message_id.is_empty() && self.tlvs.is_empty()
    }
}

/// One destination of a submit_multi.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DestAddress {
    /// dest_flag 1: an SME address.
    Sme {
        /// dest_addr_ton.
        ton: Ton,
        /// dest_addr_npi.
        npi: Npi,
        /// destination_addr, C(21).
        addr: COctetString,
    },
    /// dest_flag 2: a distribution list name, C(21).
    DistributionList(COctetString),
}

/// submit_multi.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SubmitMulti {
    /// service_type, C(6).
    pub service_type: COctetString,
    /// source_addr_ton.
    pub source_addr_ton: Ton,
    /// source_addr_npi.
    pub source_addr_npi: Npi,
    /// source_addr, C(21).
    pub source_addr: COctetString,
    /// The destinations (`number_of_dests` is their count, 1-255).
    pub dest_addresses: Vec<DestAddress>,
    /// esm_class.
    pub esm_class: EsmClass,
    /// protocol_id.
    pub protocol_id: u8,
    /// priority_flag.
    pub priority_flag: u8,
    /// schedule_delivery_time, C(1|17).
    pub schedule_delivery_time: COctetString,
    /// validity_period, C(1|17).
    pub validity_period: COctetString,
    /// registered_delivery.
    pub registered_delivery: RegisteredDelivery,
    /// replace_if_present_flag.
    pub replace_if_present_flag: u8,
    /// data_coding.
    pub data_coding: DataCoding,
    /// sm_default_msg_id.
    pub sm_default_msg_id: u8,
    /// short_message.
    pub short_message: Bytes,
    /// TLVs.
    pub tlvs: Tlvs,
}

impl SubmitMulti {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let service_type = r.cstr("service_type", 6, St::InvSerTyp)?;
        let source_addr_ton = r.u8("source_addr_ton")?.into();
        let source_addr_npi = r.u8("source_addr_npi")?.into();
        let source_addr = r.cstr("source_addr", 21, St::InvSrcAdr)?;
        let n = r.u8("number_of_dests")?;
        if n == 0 {
            return Err(r.err(
                "number_of_dests",
                DecodeErrorKind::InvalidValue,
                St::InvNumDests,
            ));
        }
        let mut dest_addresses = Vec::with_capacity(usize::from(n));
        for _ in 0..n {
            match r.u8("dest_flag")? {
                1 => dest_addresses.push(DestAddress::Sme {
                    ton: r.u8("dest_addr_ton")?.into(),
                    npi: r.u8("dest_addr_npi")?.into(),
                    addr: r.cstr("destination_addr", 21, St::InvDstAdr)?,
                }),
                2 => dest_addresses.push(DestAddress::DistributionList(r.cstr(
                    "dl_name",
                    21,
                    St::InvDlName,
                )?)),
                _ => {
                    return Err(r.err("dest_flag", DecodeErrorKind::InvalidValue, St::InvDestFlag));
                }
            }
        }
        let mut m = Self {
            service_type,
            source_addr_ton,
            source_addr_npi,
            source_addr,
            dest_addresses,
            esm_class: EsmClass(r.u8("esm_class")?),
            protocol_id: r.u8("protocol_id")?,
            priority_flag: r.u8("priority_flag")?,
            schedule_delivery_time: r.cstr("schedule_delivery_time", 17, St::InvSched)?,
            validity_period: r.cstr("validity_period", 17, St::InvExpiry)?,
            registered_delivery: RegisteredDelivery(r.u8("registered_delivery")?),
            replace_if_present_flag: r.u8("replace_if_present_flag")?,
            data_coding: DataCoding(r.u8("data_coding")?),
            sm_default_msg_id: r.u8("sm_default_msg_id")?,
            short_message: Bytes::new(),
            tlvs: Tlvs::new(),
        };
        let sm_length = r.u8("sm_length")?;
        m.short_message = r.octets("short_message", usize::from(sm_length))?;
        m.tlvs = r.tlvs()?;
        Ok(m)
    }

    pub(crate) fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        put_cstr(s, "service_type", &self.service_type, 6)?;
        s.put_u8(self.source_addr_ton.value());
        s.put_u8(self.source_addr_npi.value());
        put_cstr(s, "source_addr", &self.source_addr, 21)?;
        let n = self.dest_addresses.len();
        if n == 0 || n > 255 {
            return Err(EncodeError::TooMany {
                field: "number_of_dests",
                len: n,
                max: 255,
            });
        }
        s.put_u8(n as u8);
        for d in &self.dest_addresses {
            match d {
                DestAddress::Sme { ton, npi, addr } => {
                    s.put_u8(1);
                    s.put_u8(ton.value());
                    s.put_u8(npi.value());
                    put_cstr(s, "destination_addr", addr, 21)?;
                }
                DestAddress::DistributionList(name) => {
                    s.put_u8(2);
                    put_cstr(s, "dl_name", name, 21)?;
                }
            }
        }
        s.put_u8(self.esm_class.0);
        s.put_u8(self.protocol_id);
        s.put_u8(self.priority_flag);
        put_cstr(
            s,
            "schedule_delivery_time",
            &self.schedule_delivery_time,
            17,
        )?;
        put_cstr(s, "validity_period", &self.validity_period, 17)?;
        s.put_u8(self.registered_delivery.0);
        s.put_u8(self.replace_if_present_flag);
        s.put_u8(self.data_coding.0);
        s.put_u8(self.sm_default_msg_id);
        put_sm(s, "short_message", &self.short_message)?;
        s.put(self.tlvs.as_bytes());
        Ok(())
    }
}

/// One failed destination in a submit_multi_resp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsuccessSme {
    /// dest_addr_ton.
    pub ton: Ton,
    /// dest_addr_npi.
    pub npi: Npi,
    /// destination_addr, C(21).
    pub addr: COctetString,
    /// Why it failed (a command_status value).
    pub error_status_code: St,
}

/// submit_multi_resp.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SubmitMultiResp {
    /// message_id, C(65).
    pub message_id: COctetString,
    /// The destinations that failed (`no_unsuccess` is their count).
    pub unsuccess_sme: Vec<UnsuccessSme>,
    /// TLVs.
    pub tlvs: Tlvs,
}

impl SubmitMultiResp {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let message_id = r.cstr_or_end("message_id", 65, St::InvMsgId)?;
        if r.is_empty() {
            return Ok(Self {
                message_id,
                ..Self::default()
            });
        }
        let n = r.u8("no_unsuccess")?;
        let mut unsuccess_sme = Vec::with_capacity(usize::from(n));
        for _ in 0..n {
            unsuccess_sme.push(UnsuccessSme {
                ton: r.u8("dest_addr_ton")?.into(),
                npi: r.u8("dest_addr_npi")?.into(),
                addr: r.cstr("destination_addr", 21, St::InvDstAdr)?,
                error_status_code: r.u32("error_status_code")?.into(),
            });
        }
        Ok(Self {
            message_id,
            unsuccess_sme,
            tlvs: r.tlvs()?,
        })
    }

    pub(crate) fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        put_cstr(s, "message_id", &self.message_id, 65)?;
        let n = self.unsuccess_sme.len();
        let n8 = u8::try_from(n).map_err(|_| EncodeError::TooMany {
            field: "no_unsuccess",
            len: n,
            max: 255,
        })?;
        s.put_u8(n8);
        for u in &self.unsuccess_sme {
            s.put_u8(u.ton.value());
            s.put_u8(u.npi.value());
            put_cstr(s, "destination_addr", &u.addr, 21)?;
            s.put_u32(u.error_status_code.value());
        }
        s.put(self.tlvs.as_bytes());
        Ok(())
    }
}

/// data_sm.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DataSm {
    /// service_type, C(6).
    pub service_type: COctetString,
    /// source_addr_ton.
    pub source_addr_ton: Ton,
    /// source_addr_npi.
    pub source_addr_npi: Npi,
    /// source_addr, C(65).
    pub source_addr: COctetString,
    /// dest_addr_ton.
    pub dest_addr_ton: Ton,
    /// dest_addr_npi.
    pub dest_addr_npi: Npi,
    /// destination_addr, C(65).
    pub destination_addr: COctetString,
    /// esm_class.
    pub esm_class: EsmClass,
    /// registered_delivery.
    pub registered_delivery: RegisteredDelivery,
    /// data_coding.
    pub data_coding: DataCoding,
    /// TLVs; the user data travels in `message_payload`.
    pub tlvs: Tlvs,
}

impl DataSm {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let d = Self {
            service_type: r.cstr("service_type", 6, St::InvSerTyp)?,
            source_addr_ton: r.u8("source_addr_ton")?.into(),
            source_addr_npi: r.u8("source_addr_npi")?.into(),
            source_addr: r.cstr("source_addr", 65, St::InvSrcAdr)?,
            dest_addr_ton: r.u8("dest_addr_ton")?.into(),
            dest_addr_npi: r.u8("dest_addr_npi")?.into(),
            destination_addr: r.cstr("destination_addr", 65, St::InvDstAdr)?,
            esm_class: EsmClass(r.u8("esm_class")?),
            registered_delivery: RegisteredDelivery(r.u8("registered_delivery")?),
            data_coding: DataCoding(r.u8("data_coding")?),
            tlvs: r.tlvs()?,
        };
        if !r.lenient && !r.saw_message_payload {
            return Err(r.err(
                "message_payload",
                DecodeErrorKind::MissingTlv { tag: 0x0424 },
                St::MissingOptParam,
            ));
        }
        Ok(d)
    }

    pub(crate) fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        put_cstr(s, "service_type", &self.service_type, 6)?;
        s.put_u8(self.source_addr_ton.value());
        s.put_u8(self.source_addr_npi.value());
        put_cstr(s, "source_addr", &self.source_addr, 65)?;
        s.put_u8(self.dest_addr_ton.value());
        s.put_u8(self.dest_addr_npi.value());
        put_cstr(s, "destination_addr", &self.destination_addr, 65)?;
        s.put_u8(self.esm_class.0);
        s.put_u8(self.registered_delivery.0);
        s.put_u8(self.data_coding.0);
        s.put(self.tlvs.as_bytes());
        Ok(())
    }
}

/// query_sm.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct QuerySm {
    /// message_id, C(65).
    pub message_id: COctetString,
    /// source_addr_ton.
    pub source_addr_ton: Ton,
    /// source_addr_npi.
    pub source_addr_npi: Npi,
    /// source_addr, C(21).
    pub source_addr: COctetString,
    /// TLVs (none defined).
    pub tlvs: Tlvs,
}

impl QuerySm {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            message_id: r.cstr("message_id", 65, St::InvMsgId)?,
            source_addr_ton: r.u8("source_addr_ton")?.into(),
            source_addr_npi: r.u8("source_addr_npi")?.into(),
            source_addr: r.cstr("source_addr", 21, St::InvSrcAdr)?,
            tlvs: r.tlvs()?,
        })
    }

    pub(crate) fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        put_cstr(s, "message_id", &self.message_id, 65)?;
        s.put_u8(self.source_addr_ton.value());
        s.put_u8(self.source_addr_npi.value());
        put_cstr(s, "source_addr", &self.source_addr, 21)?;
        s.put(self.tlvs.as_bytes());
        Ok(())
    }
}

/// query_sm_resp.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct QuerySmResp {
    /// message_id, C(65).
    pub message_id: COctetString,
    /// final_date, C(1|17).
    pub final_date: COctetString,
    /// message_state (see [`MessageState`](super::MessageState)).
    pub message_state: u8,
    /// error_code (network specific).
    pub error_code: u8,
    /// TLVs (none defined).
    pub tlvs: Tlvs,
}

impl QuerySmResp {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            message_id: r.cstr("message_id", 65, St::InvMsgId)?,
            final_date: r.cstr("final_date", 17, St::InvCmdLen)?,
            message_state: r.u8("message_state")?,
            error_code: r.u8("error_code")?,
            tlvs: r.tlvs()?,
        })
    }

    pub(crate) fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        put_cstr(s, "message_id", &self.message_id, 65)?;
        put_cstr(s, "final_date", &self.final_date, 17)?;
        s.put_u8(self.message_state);
        s.put_u8(self.error_code);
        s.put(self.tlvs.as_bytes());
        Ok(())
    }
}

/// cancel_sm.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CancelSm {
    /// service_type, C(6).
    pub service_type: COctetString,
    /// message_id, C(65) (empty = all matching messages).
    pub message_id: COctetString,
    /// source_addr_ton.
    pub source_addr_ton: Ton,
    /// source_addr_npi.
    pub source_addr_npi: Npi,
    /// source_addr, C(21).
    pub source_addr: COctetString,
    /// dest_addr_ton.
    pub dest_addr_ton: Ton,
    /// dest_addr_npi.
    pub dest_addr_npi: Npi,
    /// destination_addr, C(21).
    pub destination_addr: COctetString,
    /// TLVs (none defined).
    pub tlvs: Tlvs,
}

impl CancelSm {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            service_type: r.cstr("service_type", 6, St::InvSerTyp)?,
            message_id: r.cstr("message_id", 65, St::InvMsgId)?,
            source_addr_ton: r.u8("source_addr_ton")?.into(),
            source_addr_npi: r.u8("source_addr_npi")?.into(),
            source_addr: r.cstr("source_addr", 21, St::InvSrcAdr)?,
            dest_addr_ton: r.u8("dest_addr_ton")?.into(),
            dest_addr_npi: r.u8("dest_addr_npi")?.into(),
            destination_addr: r.cstr("destination_addr", 21, St::InvDstAdr)?,
            tlvs: r.tlvs()?,
        })
    }

    pub(crate) fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        put_cstr(s, "service_type", &self.service_type, 6)?;
        put_cstr(s, "message_id", &self.message_id, 65)?;
        s.put_u8(self.source_addr_ton.value());
        s.put_u8(self.source_addr_npi.value());
        put_cstr(s, "source_addr", &self.source_addr, 21)?;
        s.put_u8(self.dest_addr_ton.value());
        s.put_u8(self.dest_addr_npi.value());
        put_cstr(s, "destination_addr", &self.destination_addr, 21)?;
        s.put(self.tlvs.as_bytes());
        Ok(())
    }
}

/// replace_sm.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ReplaceSm {
    /// message_id, C(65).
    pub message_id: COctetString,
    /// source_addr_ton.
    pub source_addr_ton: Ton,
    /// source_addr_npi.
    pub source_addr_npi: Npi,
    /// source_addr, C(21).
    pub source_addr: COctetString,
    /// schedule_delivery_time, C(1|17).
    pub schedule_delivery_time: COctetString,
    /// validity_period, C(1|17).
    pub validity_period: COctetString,
    /// registered_delivery.
    pub registered_delivery: RegisteredDelivery,
    /// sm_default_msg_id.
    pub sm_default_msg_id: u8,
    /// short_message.
    pub short_message: Bytes,
    /// TLVs (5.0 allows message_payload).
    pub tlvs: Tlvs,
}

impl ReplaceSm {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut m = Self {
            message_id: r.cstr("message_id", 65, St::InvMsgId)?,
            source_addr_ton: r.u8("source_addr_ton")?.into(),
            source_addr_npi: r.u8("source_addr_npi")?.into(),
            source_addr: r.cstr("source_addr", 21, St::InvSrcAdr)?,
            schedule_delivery_time: r.cstr("schedule_delivery_time", 17, St::InvSched)?,
            validity_period: r.cstr("validity_period", 17, St::InvExpiry)?,
            registered_delivery: RegisteredDelivery(r.u8("registered_delivery")?),
            sm_default_msg_id: r.u8("sm_default_msg_id")?,
            short_message: Bytes::new(),
            tlvs: Tlvs::new(),
        };
        let sm_length = r.u8("sm_length")?;
        m.short_message = r.octets("short_message", usize::from(sm_length))?;
        m.tlvs = r.tlvs()?;
        Ok(m)
    }

    pub(crate) fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        put_cstr(s, "message_id", &self.message_id, 65)?;
        s.put_u8(self.source_addr_ton.value());
        s.put_u8(self.source_addr_npi.value());
        put_cstr(s, "source_addr", &self.source_addr, 21)?;
        put_cstr(
            s,
            "schedule_delivery_time",
            &self.schedule_delivery_time,
            17,
        )?;
        put_cstr(s, "validity_period", &self.validity_period, 17)?;
        s.put_u8(self.registered_delivery.0);
        s.put_u8(self.sm_default_msg_id);
        put_sm(s, "short_message", &self.short_message)?;
        s.put(self.tlvs.as_bytes());
        Ok(())
    }
}

/// alert_notification.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct AlertNotification {
    /// source_addr_ton.
    pub source_addr_ton: Ton,
    /// source_addr_npi.
    pub source_addr_npi: Npi,
    /// source_addr, C(65).
    pub source_addr: COctetString,
    /// esme_addr_ton.
    pub esme_addr_ton: Ton,
    /// esme_addr_npi.
    pub esme_addr_npi: Npi,
    /// esme_addr, C(65).
    pub esme_addr: COctetString,
    /// TLVs (`ms_availability_status`).
    pub tlvs: Tlvs,
}

impl AlertNotification {
    pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            source_addr_ton: r.u8("source_addr_ton")?.into(),
            source_addr_npi: r.u8("source_addr_npi")?.into(),
            source_addr: r.cstr("source_addr", 65, St::InvSrcAdr)?,
            esme_addr_ton: r.u8("esme_addr_ton")?.into(),
            esme_addr_npi: r.u8("esme_addr_npi")?.into(),
            esme_addr: r.cstr("esme_addr", 65, St::InvDstAdr)?,
            tlvs: r.tlvs()?,
        })
    }

    pub(crate) fn encode<S: Sink>(&self, s: &mut S) -> Result<(), EncodeError> {
        s.put_u8(self.source_addr_ton.value());
        s.put_u8(self.source_addr_npi.value());
        put_cstr(s, "source_addr", &self.source_addr, 65)?;
        s.put_u8(self.esme_addr_ton.value());
        s.put_u8(self.esme_addr_npi.value());
        put_cstr(s, "esme_addr", &self.esme_addr, 65)?;
        s.put(self.tlvs.as_bytes());
        Ok(())
    }
}
