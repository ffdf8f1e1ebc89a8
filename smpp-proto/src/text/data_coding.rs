//! Interpretation of the SMPP `data_coding` octet (smpp-reference §6.6): SMPP's own values
//! 0x00-0x0E, and the GSM TS 23.038 coding groups for the other values.

/// What `data_coding` 0x00 ("SMSC default alphabet") means on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DefaultAlphabet {
    /// GSM 03.38 7-bit (the usual meaning).
    #[default]
    Gsm7,
    /// IA5 / ASCII.
    Ia5,
    /// Latin-1.
    Latin1,
}

/// Character set / payload kind named by a `data_coding` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alphabet {
    /// GSM 03.38 7-bit default alphabet (one septet per octet over SMPP unless the connection
    /// packs).
    Gsm7,
    /// IA5 / ASCII (0x01).
    Ia5,
    /// ISO-8859-1 (0x03).
    Latin1,
    /// Opaque 8-bit data (0x02, 0x04, GSM 8-bit groups).
    Binary,
    /// UCS-2, carried as UTF-16BE (0x08, GSM UCS2 groups).
    Ucs2,
    /// JIS X 0208-1990 (0x05).
    Jis,
    /// ISO-8859-5, Cyrillic (0x06).
    Cyrillic,
    /// ISO-8859-8, Latin/Hebrew (0x07).
    Hebrew,
    /// Pictogram encoding (0x09).
    Pictogram,
    /// ISO-2022-JP, music codes (0x0A).
    Iso2022Jp,
    /// Extended Kanji JIS X 0212-1990 (0x0D).
    ExtendedKanji,
    /// KS C 5601 (0x0E).
    KsC5601,
    /// A reserved value or reserved alphabet bits.
    Reserved,
}

impl Alphabet {
    /// The `encoding_rs` encoding this crate uses for a legacy alphabet, if any.
    pub fn encoding_rs(self) -> Option<&'static encoding_rs::Encoding> {
        match self {
            Self::Jis => Some(encoding_rs::SHIFT_JIS),
            Self::Cyrillic => Some(encoding_rs::ISO_8859_5),
            Self::Hebrew => Some(encoding_rs::ISO_8859_8),
            Self::Iso2022Jp => Some(encoding_rs::ISO_2022_JP),
            Self::ExtendedKanji => Some(encoding_rs::EUC_JP),
            Self::KsC5601 => Some(encoding_rs::EUC_KR),
            _ => None,
        }
    }

    /// The `data_coding` octet for this alphabet with an optional message class, if one
    /// exists. With a class, GSM 7-bit uses 0xF0-0xF3, 8-bit 0xF4-0xF7 and UCS-2 0x18-0x1B;
    /// other alphabets have no class form. `Gsm7` without class is 0x00 (the SMSC default,
    /// which should mean GSM on this connection).
    pub fn data_coding(self, class: Option<MessageClass>) -> Option<u8> {
        let plain = match self {
            Self::Gsm7 => 0x00,
            Self::Ia5 => 0x01,
            Self::Latin1 => 0x03,
            Self::Binary => 0x04,
            Self::Jis => 0x05,
            Self::Cyrillic => 0x06,
            Self::Hebrew => 0x07,
            Self::Ucs2 => 0x08,
            Self::Pictogram => 0x09,
            Self::Iso2022Jp => 0x0A,
            Self::ExtendedKanji => 0x0D,
            Self::KsC5601 => 0x0E,
            Self::Reserved => return None,
        };
        match class {
            None => Some(plain),
            Some(c) => match self {
                Self::Gsm7 => Some(0xF0 | c as u8),
                Self::Binary => Some(0xF4 | c as u8),
                Self::Ucs2 => Some(0x18 | c as u8),
                _ => None,
            },
        }
    }
}

/// GSM message class (TS 23.038).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageClass {
    /// Class 0: display immediately, not stored ("flash").
    Class0 = 0,
    /// Class 1: mobile equipment specific.
    Class1 = 1,
    /// Class 2: (U)SIM specific.
    Class2 = 2,
    /// Class 3: terminal equipment specific.
    Class3 = 3,
}

impl MessageClass {
    fn from_bits(b: u8) -> Self {
        match b & 3 {
            0 => Self::Class0,
            1 => Self::Class1,
            2 => Self::Class2,
            _ => Self::Class3,
        }
    }
}

/// Kind of waiting message in a message-waiting-indication group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndicationKind {
    /// Voicemail message waiting.
    Voicemail,
    /// Fax message waiting.
    Fax,
    /// Electronic mail message waiting.
    Email,
    /// Other message waiting.
    Other,
}

/// Message waiting indication (coding groups 0xC0-0xEF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WaitingIndication {
    /// Set (true) or clear (false) the indication.
    pub active: bool,
    /// What kind of message is waiting.
    pub kind: IndicationKind,
    /// Store the message (0xD0-0xEF) or discard it (0xC0-0xCF).
    pub store: bool,
}

/// Everything a `data_coding` octet says.
///
/// ```
/// use smpp_proto::text::{Alphabet, Coding, DefaultAlphabet, MessageClass};
/// let c = Coding::from_data_coding(0x18, DefaultAlphabet::Gsm7);
/// assert_eq!(c.alphabet, Alphabet::Ucs2);
/// assert_eq!(c.class, Some(MessageClass::Class0));
/// assert!(c.is_flash());
/// assert_eq!(Coding::from_data_coding(0x00, DefaultAlphabet::Latin1).alphabet, Alphabet::Latin1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Coding {
    /// The character set / payload kind.
    pub alphabet: Alphabet,
    /// The message class, if the value carries one.
    pub class: Option<MessageClass>,
    /// The user data is compressed (TS 23.042); general data coding groups only.
    pub compressed: bool,
    /// "Marked for automatic deletion" group (0x40-0x7F).
    pub auto_delete: bool,
    /// Message waiting indication groups (0xC0-0xEF).
    pub waiting: Option<WaitingIndication>,
}

impl Coding {
    fn plain(alphabet: Alphabet) -> Self {
        Self {
            alphabet,
            class: None,
            compressed: false,
            auto_delete: false,
            waiting: None,
        }
    }

    /// Interpret a `data_coding` octet; `default` says what 0x00 means on this connection.
    pub fn from_data_coding(dc: u8, default: DefaultAlphabet) -> Self {
        match dc {
            0x00 => Self::plain(match default {
                DefaultAlphabet::Gsm7 => Alphabet::Gsm7,
                DefaultAlphabet::Ia5 => Alphabet::Ia5,
                DefaultAlphabet::Latin1 => Alphabet::Latin1,
            }),
            0x01 => Self::plain(Alphabet::Ia5),
            0x02 | 0x04 => Self::plain(Alphabet::Binary),
            0x03 => Self::plain(Alphabet::Latin1),
            0x05 => Self::plain(Alphabet::Jis),
            0x06 => Self::plain(Alphabet::Cyrillic),
            0x07 => Self::plain(Alphabet::Hebrew),
            0x08 => Self::plain(Alphabet::Ucs2),
            0x09 => Self::plain(Alphabet::Pictogram),
            0x0A => Self::plain(Alphabet::Iso2022Jp),
            0x0D => Self::plain(Alphabet::ExtendedKanji),
            0x0E => Self::plain(Alphabet::KsC5601),
            0x0B | 0x0C | 0x0F => Self::plain(Alphabet::Reserved),
            0x10..=0x7F => {
                let alphabet = match (dc >> 2) & 3 {
                    0 => Alphabet::Gsm7,
                    1 => Alphabet::Binary,
                    2 => Alphabet::Ucs2,
                    _ => Alphabet::Reserved,
                };
                Self {
                    alphabet,
                    class: (dc & 0x10 != 0).then(|| MessageClass::from_bits(dc)),
                    compressed: dc & 0x20 != 0,
                    auto_delete: dc & 0x40 != 0,
                    waiting: None,
                }
            }
            0x80..=0xBF => Self::plain(Alphabet::Reserved),
            0xC0..=0xEF => {
                let kind = match dc & 3 {
                    0 => IndicationKind::Voicemail,
                    1 => IndicationKind::Fax,
                    2 => IndicationKind::Email,
                    _ => IndicationKind::Other,
                };
                Self {
                    alphabet: if dc >= 0xE0 {
                        Alphabet::Ucs2
                    } else {
                        Alphabet::Gsm7
                    },
                    class: None,
                    compressed: false,
                    auto_delete: false,
                    waiting: Some(WaitingIndication {
                        active: dc & 0x08 != 0,
                        kind,
                        store: dc >= 0xD0,
                    }),
                }
            }
            0xF0..=0xFF => Self {
                alphabet: if dc & 0x04 != 0 {
                    Alphabet::Binary
                } else {
                    Alphabet::Gsm7
                },
                class: Some(MessageClass::from_bits(dc)),
                compressed: false,
                auto_delete: false,
                waiting: None,
            },
        }
    }

    /// Class 0 ("flash") message.
    pub fn is_flash(&self) -> bool {
        self.class == Some(MessageClass::Class0)
    }

    /// Whether the payload is text this crate can decode (not binary, compressed, pictogram
    /// or reserved).
    pub fn is_text(&self) -> bool {
        !self.compressed
            && !matches!(
                self.alphabet,
                Alphabet::Binary | Alphabet::Pictogram | Alphabet::Reserved
            )
    }
}
