//! SMPP time strings (`YYMMDDhhmmsstnnp`, SMPP 3.4 §7.1.1) and the small calendar helpers the
//! receipt module shares.
//!
//! Two forms exist:
//! * **absolute** (`p` is `+` or `-`): local date and time, tenths of a second, and the offset
//!   from UTC in quarter hours, e.g. `150203040506708+` is 2015-02-03 04:05:06.7 at UTC+02:00;
//! * **relative** (`p` is `R`): a period from "now" at the SMSC, e.g. `000000001500000R` is
//!   fifteen minutes.
//!
//! Two-digit years are read as 2000-2099. The module is sans-IO: whenever "now" is needed it
//! is an argument. The wall-clock type is [`std::time::SystemTime`]; no date crate is used,
//! because the only calendar work needed (days from a civil date and back, month lengths) is a
//! dozen lines and the years involved are all in 2000-2099.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use smpp_proto::time::SmppTime;
//!
//! let t = SmppTime::parse(b"150203040506708+").unwrap().unwrap();
//! let utc = t.resolve(UNIX_EPOCH).unwrap();
//! // 2015-02-03 02:05:06.7 UTC
//! assert_eq!(utc, UNIX_EPOCH + Duration::from_millis(1_422_929_106_700));
//! assert_eq!(&t.to_bytes(), b"150203040506708+");
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::pdu::CommandStatus;

/// Why an SMPP time string was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimeError {
    /// Not 16 characters (or empty).
    #[error("SMPP time must be 16 characters, got {0}")]
    Length(usize),
    /// A character that must be a decimal digit is not one.
    #[error("non-digit at position {0}")]
    NotDigit(usize),
    /// The 16th character is not `+`, `-` or `R`.
    #[error("the 16th character must be '+', '-' or 'R'")]
    BadSign,
    /// A field is outside its range (month 13, hour 24, offset above 48, ...).
    #[error("field out of range: {0}")]
    OutOfRange(&'static str),
    /// The time cannot be represented (before 1970 or past the wall-clock range).
    #[error("time not representable")]
    Unrepresentable,
}

/// A `command_status` an SMSC answers with when a time field of `submit_sm` is unusable.
///
/// [`TimeStatus::command_status`] (or `CommandStatus::from`) gives the codec's
/// [`CommandStatus`]; [`TimeStatus::code`] the raw value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimeStatus {
    /// `ESME_RINVSCHED` (0x61): invalid `schedule_delivery_time`.
    #[error("ESME_RINVSCHED: invalid scheduled delivery time")]
    InvalidScheduled,
    /// `ESME_RINVEXPIRY` (0x62): invalid `validity_period`.
    #[error("ESME_RINVEXPIRY: invalid message validity period")]
    InvalidExpiry,
}

impl TimeStatus {
    /// The SMPP `command_status` value (0x61 or 0x62).
    pub const fn code(self) -> u32 {
        match self {
            Self::InvalidScheduled => 0x61,
            Self::InvalidExpiry => 0x62,
        }
    }

    /// The codec's [`CommandStatus`]: [`CommandStatus::InvSched`] or
    /// [`CommandStatus::InvExpiry`], ready for the `submit_sm_resp`.
    ///
    /// ```
    /// use std::time::UNIX_EPOCH;
    /// use smpp_proto::pdu::CommandStatus;
    /// use smpp_proto::time::validate_validity_period;
    /// let e = validate_validity_period(b"2401011200", UNIX_EPOCH, None).unwrap_err();
    /// assert_eq!(e.command_status(), CommandStatus::InvExpiry);
    /// assert_eq!(CommandStatus::from(e).value(), 0x62);
    /// ```
    pub const fn command_status(self) -> CommandStatus {
        match self {
            Self::InvalidScheduled => CommandStatus::InvSched,
            Self::InvalidExpiry => CommandStatus::InvExpiry,
        }
    }

    /// The status for a [`TimeError`] found in `schedule_delivery_time` (0x61).
    pub const fn scheduled(_: TimeError) -> Self {
        Self::InvalidScheduled
    }

    /// The status for a [`TimeError`] found in `validity_period` (0x62).
    pub const fn expiry(_: TimeError) -> Self {
        Self::InvalidExpiry
    }
}

/// A [`TimeError`] alone does not say which field was wrong; [`TimeStatus`] does, so this is
/// the conversion the codec offers (`?` in a handler returning `Result<_, CommandStatus>`).
impl From<TimeStatus> for CommandStatus {
    fn from(s: TimeStatus) -> Self {
        s.command_status()
    }
}

/// A calendar date and time of day without a time zone (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDateTime {
    /// Full year, e.g. 2024.
    pub year: u16,
    /// 1-12.
    pub month: u8,
    /// 1-31 (checked against the month).
    pub day: u8,
    /// 0-23.
    pub hour: u8,
    /// 0-59.
    pub minute: u8,
    /// 0-59 (leap seconds are not accepted).
    pub second: u8,
}

/// Number of days in `month` of `year` (0 for an invalid month).
pub const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => {
            let y = year as u32;
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
        _ => 0,
    }
}

/// Days since 1970-01-01 for a civil date (days-from-civil over 400-year eras).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let m = i64::from(month);
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Civil date (year, month, day) for days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // month is in 1..=12 and day in 1..=31 by construction.
    (year, month as u8, day as u8)
}

impl CivilDateTime {
    /// Builds a value, checking every field (including the day against the month).
    pub fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<Self> {
        let ok = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 60;
        ok.then_some(Self {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// Seconds since the Unix epoch, reading this value as UTC.
    pub fn unix_seconds(&self) -> i64 {
        days_from_civil(i64::from(self.year), self.month, self.day) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// The UTC civil time for seconds since the Unix epoch; `None` outside years 0-65535.
    pub fn from_unix_seconds(secs: i64) -> Option<Self> {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, month, day) = civil_from_days(days);
        let year = u16::try_from(y).ok()?;
        Some(Self {
            year,
            month,
            day,
            hour: (rem / 3600) as u8,
            minute: (rem / 60 % 60) as u8,
            second: (rem % 60) as u8,
        })
    }

    /// This value read as UTC, as a wall-clock time; `None` before 1970.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let secs = u64::try_from(self.unix_seconds()).ok()?;
        UNIX_EPOCH.checked_add(Duration::from_secs(secs))
    }

    /// The UTC civil time of a wall-clock time (sub-second part dropped); `None` before 1970.
    pub fn from_system_time(t: SystemTime) -> Option<Self> {
        let secs = t.duration_since(UNIX_EPOCH).ok()?.as_secs();
        Self::from_unix_seconds(i64::try_from(secs).ok()?)
    }
}

/// An absolute SMPP time: local date and time plus the offset from UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AbsoluteTime {
    /// Local date and time (year 2000-2099).
    pub local: CivilDateTime,
    /// Tenths of a second, 0-9.
    pub tenths: u8,
    /// Offset from UTC in quarter hours, -48..=48 (positive: local time ahead of UTC).
    pub offset_quarters: i8,
}

impl AbsoluteTime {
    /// The instant this time denotes; `None` if not representable.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let utc = self.local.unix_seconds() - i64::from(self.offset_quarters) * 900;
        let secs = u64::try_from(utc).ok()?;
        UNIX_EPOCH.checked_add(
            Duration::from_secs(secs) + Duration::from_millis(u64::from(self.tenths) * 100),
        )
    }

    /// Expresses `t` at the given offset (quarter hours, -48..=48), truncated to tenths.
    ///
    /// `None` if the offset is out of range or the local year falls outside 2000-2099.
    pub fn from_system_time(t: SystemTime, offset_quarters: i8) -> Option<Self> {
        if !(-48..=48).contains(&offset_quarters) {
            return None;
        }
        let since = t.duration_since(UNIX_EPOCH).ok()?;
        let secs = i64::try_from(since.as_secs()).ok()? + i64::from(offset_quarters) * 900;
        let local = CivilDateTime::from_unix_seconds(secs)?;
        if !(2000..=2099).contains(&local.year) {
            return None;
        }
        let tenths = (since.subsec_millis() / 100) as u8;
        Some(Self {
            local,
            tenths,
            offset_quarters,
        })
    }
}

/// A relative SMPP time (`...R`): a period added to the SMSC's current time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RelativeTime {
    /// Years, 0-99.
    pub years: u8,
    /// Months, 0-99 (values above 11 are accepted and carried).
    pub months: u8,
    /// Days, 0-99.
    pub days: u8,
    /// Hours, 0-99.
    pub hours: u8,
    /// Minutes, 0-99.
    pub minutes: u8,
    /// Seconds, 0-99.
    pub seconds: u8,
}

impl RelativeTime {
    /// A relative time of whole seconds, normalised into days/hours/minutes/seconds.
    ///
    /// `None` if it needs more than 99 days (years and months are never used, because their
    /// length depends on the date).
    pub fn from_duration(d: Duration) -> Option<Self> {
        let s = d.as_secs();
        let days = s / 86_400;
        if days > 99 {
            return None;
        }
        Some(Self {
            years: 0,
            months: 0,
            days: days as u8,
            hours: (s / 3600 % 24) as u8,
            minutes: (s / 60 % 60) as u8,
            seconds: (s % 60) as u8,
        })
    }

    /// `now` plus this period. Years and months are calendar steps from `now`'s UTC date (the
    /// day is clamped to the end of a shorter month); the rest is added as a duration.
    pub fn resolve(&self, now: SystemTime) -> Option<SystemTime> {
        let since = now.duration_since(UNIX_EPOCH).ok()?;
        let base = CivilDateTime::from_unix_seconds(i64::try_from(since.as_secs()).ok()?)?;
        let total_months =
            u32::from(base.month - 1) + u32::from(self.months) + 12 * u32::from(self.years);
        let year = u16::try_from(u32::from(base.year) + total_months / 12).ok()?;
        let month = (total_months % 12) as u8 + 1;
        let day = base.day.min(days_in_month(year, month));
        let shifted = CivilDateTime {
            year,
            month,
            day,
            ..base
        };
        let secs = u64::try_from(shifted.unix_seconds()).ok()?
            + u64::from(self.days) * 86_400
            + u64::from(self.hours) * 3600
            + u64::from(self.minutes) * 60
            + u64::from(self.seconds);
        UNIX_EPOCH.checked_add(
            Duration::from_secs(secs) + Duration::from_nanos(u64::from(since.subsec_nanos())),
        )
    }
}

/// A parsed SMPP time string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SmppTime {
    /// `YYMMDDhhmmsstnn+` / `-`.
    Absolute(AbsoluteTime),
    /// `YYMMDDhhmmss000R`.
    Relative(RelativeTime),
}

fn two(s: &[u8], at: usize) -> Result<u8, TimeError> {
    let d = |i: usize| -> Result<u8, TimeError> {
        match s.get(i) {
            Some(c) if c.is_ascii_digit() => Ok(c - b'0'),
            _ => Err(TimeError::NotDigit(i)),
        }
    };
    Ok(d(at)? * 10 + d(at + 1)?)
}

fn put2(out: &mut [u8; 16], at: usize, v: u8) {
    if let Some(slot) = out.get_mut(at..at + 2) {
        slot.copy_from_slice(&[b'0' + v / 10 % 10, b'0' + v % 10]);
    }
}

impl SmppTime {
    /// Parses a time field as carried in a PDU (without its NUL).
    ///
    /// An empty field (the C-octet string was a lone NUL) gives `Ok(None)`: "not set". A
    /// trailing NUL byte, if present, is ignored.
    ///
    /// # Errors
    /// [`TimeError`] for a wrong length, non-digits, a bad sign character or an out-of-range
    /// field. For relative times the spec requires `t` = 0 and `nn` = 00; they are ignored
    /// (lenient), and every two-digit field may be 00-99.
    pub fn parse(field: &[u8]) -> Result<Option<Self>, TimeError> {
        let field = match field.split_last() {
            Some((0, rest)) => rest,
            _ => field,
        };
        if field.is_empty() {
            return Ok(None);
        }
        if field.len() != 16 {
            return Err(TimeError::Length(field.len()));
        }
        let yy = two(field, 0)?;
        let mo = two(field, 2)?;
        let dd = two(field, 4)?;
        let hh = two(field, 6)?;
        let mi = two(field, 8)?;
        let ss = two(field, 10)?;
        let t = match field.get(12) {
            Some(c) if c.is_ascii_digit() => c - b'0',
            _ => return Err(TimeError::NotDigit(12)),
        };
        let nn = two(field, 13)?;
        match field.get(15) {
            Some(b'R' | b'r') => Ok(Some(Self::Relative(RelativeTime {
                years: yy,
                months: mo,
                days: dd,
                hours: hh,
                minutes: mi,
                seconds: ss,
            }))),
            Some(&sign @ (b'+' | b'-')) => {
                if nn > 48 {
                    return Err(TimeError::OutOfRange("utc offset"));
                }
                let local = CivilDateTime::new(2000 + u16::from(yy), mo, dd, hh, mi, ss)
                    .ok_or(TimeError::OutOfRange("date or time of day"))?;
                let q = nn as i8;
                Ok(Some(Self::Absolute(AbsoluteTime {
                    local,
                    tenths: t,
                    offset_quarters: if sign == b'-' { -q } else { q },
                })))
            }
            _ => Err(TimeError::BadSign),
        }
    }

    /// The 16-character wire form (add the NUL when encoding the C-octet string).
    pub fn to_bytes(&self) -> [u8; 16] {
        let mut out = [b'0'; 16];
        match self {
            Self::Absolute(a) => {
                put2(&mut out, 0, (a.local.year % 100) as u8);
                put2(&mut out, 2, a.local.month);
                put2(&mut out, 4, a.local.day);
                put2(&mut out, 6, a.local.hour);
                put2(&mut out, 8, a.local.minute);
                put2(&mut out, 10, a.local.second);
                if let Some(c) = out.get_mut(12) {
                    *c = b'0' + a.tenths % 10;
                }
                put2(&mut out, 13, a.offset_quarters.unsigned_abs());
                if let Some(c) = out.get_mut(15) {
                    *c = if a.offset_quarters < 0 { b'-' } else { b'+' };
                }
            }
            Self::Relative(r) => {
                put2(&mut out, 0, r.years);
                put2(&mut out, 2, r.months);
                put2(&mut out, 4, r.days);
                put2(&mut out, 6, r.hours);
                put2(&mut out, 8, r.minutes);
                put2(&mut out, 10, r.seconds);
                if let Some(c) = out.get_mut(15) {
                    *c = b'R';
                }
            }
        }
        out
    }

    /// The instant denoted, given the current wall-clock time (used by relative times only).
    pub fn resolve(&self, now: SystemTime) -> Option<SystemTime> {
        match self {
            Self::Absolute(a) => a.to_system_time(),
            Self::Relative(r) => r.resolve(now),
        }
    }
}

/// Checks a `schedule_delivery_time` field and resolves it against `now`.
///
/// `Ok(None)` means "deliver immediately" (empty field). A time in the past is accepted (the
/// SMSC then delivers at once, as most do).
///
/// # Errors
/// [`TimeStatus::InvalidScheduled`] if the field does not parse or cannot be represented.
///
/// ```
/// use std::time::UNIX_EPOCH;
/// use smpp_proto::time::{validate_schedule_delivery_time, TimeStatus};
/// assert_eq!(validate_schedule_delivery_time(b"", UNIX_EPOCH), Ok(None));
/// let e = validate_schedule_delivery_time(b"991399000000000+", UNIX_EPOCH).unwrap_err();
/// assert_eq!(e.code(), 0x61);
/// ```
pub fn validate_schedule_delivery_time(
    field: &[u8],
    now: SystemTime,
) -> Result<Option<SystemTime>, TimeStatus> {
    match SmppTime::parse(field) {
        Ok(None) => Ok(None),
        Ok(Some(t)) => t.resolve(now).map(Some).ok_or(TimeStatus::InvalidScheduled),
        Err(_) => Err(TimeStatus::InvalidScheduled),
    }
}

/// Checks a `validity_period` field and resolves it against `now`.
///
/// `Ok(None)` means "SMSC default validity" (empty field). `scheduled` is the resolved
/// schedule time, if any.
///
/// # Errors
/// [`TimeStatus::InvalidExpiry`] if the field does not parse, is a zero relative period, or the
/// expiry is not after both `now` and `scheduled`.
pub fn validate_validity_period(
    field: &[u8],
    now: SystemTime,
    scheduled: Option<SystemTime>,
) -> Result<Option<SystemTime>, TimeStatus> {
    let t = match SmppTime::parse(field) {
        Ok(None) => return Ok(None),
        Ok(Some(t)) => t,
        Err(_) => return Err(TimeStatus::InvalidExpiry),
    };
    let expiry = t.resolve(now).ok_or(TimeStatus::InvalidExpiry)?;
    let floor = scheduled.map_or(now, |s| s.max(now));
    if expiry <= floor {
        return Err(TimeStatus::InvalidExpiry);
    }
    Ok(Some(expiry))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn civil_round_trip_over_range() {
        let mut s: i64 = 946_684_800; // 2000-01-01
        while s < 4_102_444_800 {
            let c = CivilDateTime::from_unix_seconds(s).unwrap();
            assert_eq!(c.unix_seconds(), s);
            s += 86_400 * 7 + 3_601;
        }
        let c = CivilDateTime::from_unix_seconds(951_782_400).unwrap(); // 2000-02-29
        assert_eq!((c.year, c.month, c.day), (2000, 2, 29));
    }

    #[test]
    fn civil_validation() {
        assert!(CivilDateTime::new(2024, 2, 29, 0, 0, 0).is_some());
        assert!(CivilDateTime::new(2023, 2, 29, 0, 0, 0).is_none());
        assert!(CivilDateTime::new(2100, 2, 29, 0, 0, 0).is_none());
        assert!(CivilDateTime::new(2024, 13, 1, 0, 0, 0).is_none());
        assert!(CivilDateTime::new(2024, 4, 31, 0, 0, 0).is_none());
        assert!(CivilDateTime::new(2024, 1, 1, 24, 0, 0).is_none());
        assert!(CivilDateTime::new(2024, 1, 1, 0, 60, 0).is_none());
        assert!(CivilDateTime::new(2024, 1, 1, 0, 0, 60).is_none());
    }

    #[test]
    fn absolute_positive_offset() {
        let t = SmppTime::parse(b"150203040506708+").unwrap().unwrap();
        let SmppTime::Absolute(a) = t else {
            panic!("absolute expected")
        };
        assert_eq!(a.local, CivilDateTime::new(2015, 2, 3, 4, 5, 6).unwrap());
        assert_eq!((a.tenths, a.offset_quarters), (7, 8));
        let utc = CivilDateTime::new(2015, 2, 3, 2, 5, 6)
            .unwrap()
            .to_system_time()
            .unwrap();
        assert_eq!(
            t.resolve(UNIX_EPOCH),
            Some(utc + Duration::from_millis(700))
        );
    }

    #[test]
    fn absolute_negative_offset_and_cloudhopper_vector() {
        // 2018-07-11 07:00:03.9 at UTC-03:00 -> 10:00:03.9 UTC
        let t = SmppTime::parse(b"180711070003912-").unwrap().unwrap();
        let utc = CivilDateTime::new(2018, 7, 11, 10, 0, 3)
            .unwrap()
            .to_system_time()
            .unwrap();
        assert_eq!(
            t.resolve(UNIX_EPOCH),
            Some(utc + Duration::from_millis(900))
        );
        assert_eq!(&t.to_bytes(), b"180711070003912-");
    }

    #[test]
    fn offset_crossing_midnight_and_year() {
        // 2000-01-01 00:30 at UTC+01:00 is 1999-12-31 23:30 UTC
        let t = SmppTime::parse(b"000101003000004+").unwrap().unwrap();
        let c = CivilDateTime::from_system_time(t.resolve(UNIX_EPOCH).unwrap()).unwrap();
        assert_eq!(c, CivilDateTime::new(1999, 12, 31, 23, 30, 0).unwrap());
    }

    #[test]
    fn absolute_from_system_time_round_trip() {
        let now = at(1_700_000_000) + Duration::from_millis(345);
        for q in [-48, -13, 0, 1, 8, 48] {
            let a = AbsoluteTime::from_system_time(now, q).unwrap();
            assert_eq!(a.tenths, 3);
            let back = SmppTime::Absolute(a).resolve(UNIX_EPOCH).unwrap();
            assert_eq!(back, at(1_700_000_000) + Duration::from_millis(300));
            let s = SmppTime::Absolute(a).to_bytes();
            assert_eq!(SmppTime::parse(&s).unwrap(), Some(SmppTime::Absolute(a)));
        }
        assert!(AbsoluteTime::from_system_time(now, 49).is_none());
    }

    #[test]
    fn relative_times() {
        let t = SmppTime::parse(b"000000001500000R").unwrap().unwrap();
        assert_eq!(t.resolve(at(1000)), Some(at(1000 + 15 * 60)));
        let t = SmppTime::parse(b"000003000000000R").unwrap().unwrap();
        assert_eq!(t.resolve(at(0)), Some(at(3 * 86_400)));
        // out-of-calendar values are accepted leniently: 48 hours
        let t = SmppTime::parse(b"000000480000000R").unwrap().unwrap();
        assert_eq!(t.resolve(at(0)), Some(at(2 * 86_400)));
        // months clamp to month end: 2024-01-31 + 1 month = 2024-02-29
        let jan31 = CivilDateTime::new(2024, 1, 31, 12, 0, 0)
            .unwrap()
            .to_system_time()
            .unwrap();
        let t = SmppTime::parse(b"000100000000000R").unwrap().unwrap();
        let c = CivilDateTime::from_system_time(t.resolve(jan31).unwrap()).unwrap();
        assert_eq!(c, CivilDateTime::new(2024, 2, 29, 12, 0, 0).unwrap());
        // 2 years 6 months 10 days 23:34:29
        let t = SmppTime::parse(b"020610233429000R").unwrap().unwrap();
        let base = CivilDateTime::new(2020, 1, 1, 0, 0, 0)
            .unwrap()
            .to_system_time()
            .unwrap();
        let c = CivilDateTime::from_system_time(t.resolve(base).unwrap()).unwrap();
        assert_eq!(c, CivilDateTime::new(2022, 7, 11, 23, 34, 29).unwrap());
        assert_eq!(&t.to_bytes(), b"020610233429000R");
    }

    #[test]
    fn relative_from_duration() {
        let r = RelativeTime::from_duration(Duration::from_secs(2 * 86_400 + 3661)).unwrap();
        assert_eq!(&SmppTime::Relative(r).to_bytes(), b"000002010101000R");
        assert!(RelativeTime::from_duration(Duration::from_secs(100 * 86_400)).is_none());
    }

    #[test]
    fn invalid_values() {
        assert_eq!(SmppTime::parse(b""), Ok(None));
        assert_eq!(SmppTime::parse(b"\0"), Ok(None));
        assert_eq!(
            SmppTime::parse(b"150203040506708+\0").map(|t| t.is_some()),
            Ok(true)
        );
        assert_eq!(
            SmppTime::parse(b"1502030405067"),
            Err(TimeError::Length(13))
        );
        assert_eq!(
            SmppTime::parse(b"15020304050670812"),
            Err(TimeError::Length(17))
        );
        assert_eq!(
            SmppTime::parse(b"1502030405067x8+"),
            Err(TimeError::NotDigit(13))
        );
        assert_eq!(
            SmppTime::parse(b"150203040506708X"),
            Err(TimeError::BadSign)
        );
        assert!(matches!(
            SmppTime::parse(b"151303040506708+"),
            Err(TimeError::OutOfRange(_))
        ));
        assert!(matches!(
            SmppTime::parse(b"150230040506708+"),
            Err(TimeError::OutOfRange(_))
        ));
        assert!(matches!(
            SmppTime::parse(b"150203240506708+"),
            Err(TimeError::OutOfRange(_))
        ));
        assert!(matches!(
            SmppTime::parse(b"150203040506749+"),
            Err(TimeError::OutOfRange(_))
        ));
        assert!(SmppTime::parse(b"150203040506748-").is_ok());
    }

    #[test]
    fn schedule_validation() {
        let now = at(1_700_000_000);
        assert_eq!(validate_schedule_delivery_time(b"", now), Ok(None));
        assert_eq!(
            validate_schedule_delivery_time(b"000000001500000R", now),
            Ok(Some(at(1_700_000_900)))
        );
        assert_eq!(
            validate_schedule_delivery_time(b"2401011200", now),
            Err(TimeStatus::InvalidScheduled)
        );
        assert_eq!(
            validate_schedule_delivery_time(b"240101120000000?", now),
            Err(TimeStatus::InvalidScheduled)
        );
        assert_eq!(TimeStatus::InvalidScheduled.code(), 0x61);
        // past absolute schedule is accepted (delivered at once)
        assert!(
            validate_schedule_delivery_time(b"010101000000000+", now)
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn validity_validation() {
        let now = at(1_700_000_000);
        assert_eq!(validate_validity_period(b"", now, None), Ok(None));
        assert_eq!(
            validate_validity_period(b"000001000000000R", now, None),
            Ok(Some(at(1_700_086_400)))
        );
        assert_eq!(
            validate_validity_period(b"000000000000000R", now, None),
            Err(TimeStatus::InvalidExpiry)
        );
        assert_eq!(
            validate_validity_period(b"010101000000000+", now, None),
            Err(TimeStatus::InvalidExpiry)
        );
        assert_eq!(
            validate_validity_period(b"garbage", now, None),
            Err(TimeStatus::InvalidExpiry)
        );
        // expiry before the scheduled time
        let sched = Some(at(1_700_000_000 + 7200));
        assert_eq!(
            validate_validity_period(b"000000010000000R", now, sched),
            Err(TimeStatus::InvalidExpiry)
        );
        assert_eq!(TimeStatus::InvalidExpiry.code(), 0x62);
    }

    #[test]
    fn statuses_map_to_command_status() {
        for (s, cs) in [
            (TimeStatus::InvalidScheduled, CommandStatus::InvSched),
            (TimeStatus::InvalidExpiry, CommandStatus::InvExpiry),
        ] {
            assert_eq!(s.command_status(), cs);
            assert_eq!(CommandStatus::from(s), cs);
            assert_eq!(cs.value(), s.code());
        }
        let err = SmppTime::parse(b"garbage").unwrap_err();
        assert_eq!(
            CommandStatus::from(TimeStatus::scheduled(err)),
            CommandStatus::InvSched
        );
        assert_eq!(
            CommandStatus::from(TimeStatus::expiry(err)),
            CommandStatus::InvExpiry
        );
        let now = at(1_700_000_000);
        let handler = |sched: &[u8], validity: &[u8]| -> Result<(), CommandStatus> {
            let s = validate_schedule_delivery_time(sched, now)?;
            validate_validity_period(validity, now, s)?;
            Ok(())
        };
        assert_eq!(handler(b"", b""), Ok(()));
        assert_eq!(handler(b"x", b""), Err(CommandStatus::InvSched));
        assert_eq!(
            handler(b"", b"000000000000000R"),
            Err(CommandStatus::InvExpiry)
        );
    }
}
