//! Timestamps as RFC 3339 UTC strings ("2024-01-31T12:00:00Z").

use serde::{Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A point in time from a certificate, CRL or token; always shown in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub OffsetDateTime);

impl Timestamp {
    /// Stands in for a notAfter that is no valid time: the earliest time there is, so the
    /// certificate is never taken as still valid. Shown as `invalid`, null in JSON.
    pub const INVALID_END: Timestamp = Timestamp(OffsetDateTime::new_utc(
        time::Date::MIN,
        time::Time::MIDNIGHT,
    ));
    /// Stands in for a notBefore that is no valid time: the latest time there is, so the
    /// certificate is never taken as valid yet. Shown as `invalid`, null in JSON.
    pub const INVALID_START: Timestamp = Timestamp(OffsetDateTime::new_utc(
        time::Date::MAX,
        time::Time::MIDNIGHT,
    ));

    /// One of the two stand-ins for a time value that could not be read.
    pub fn is_invalid(self) -> bool {
        self == Self::INVALID_END || self == Self::INVALID_START
    }

    /// Seconds since the Unix epoch.
    pub fn unix(self) -> i64 {
        self.0.unix_timestamp()
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_invalid() {
            return f.write_str("invalid");
        }
        if let Some(buf) = self.rfc3339_whole_seconds() {
            // Only ASCII digits and separators were written, so this always succeeds.
            if let Ok(s) = std::str::from_utf8(&buf) {
                return f.write_str(s);
            }
        }
        let utc = self.0.to_offset(time::UtcOffset::UTC);
        match utc.format(&Rfc3339) {
            Ok(s) => f.write_str(&s),
            // Years outside 0..=9999 have no RFC 3339 form; say what it is rather than fail.
            Err(_) => write!(f, "{}", utc.unix_timestamp()),
        }
    }
}

impl Timestamp {
    /// `YYYY-MM-DDTHH:MM:SSZ` written without allocating, byte for byte what
    /// [`Rfc3339`] writes, for the common case it covers (whole seconds, years 0..=9999);
    /// `None` otherwise. Million-entry CRLs format two times per entry.
    fn rfc3339_whole_seconds(self) -> Option<[u8; 20]> {
        let utc = self.0.to_offset(time::UtcOffset::UTC);
        let year = u32::try_from(utc.year()).ok().filter(|y| *y < 10_000)?;
        if utc.nanosecond() != 0 {
            return None;
        }
        let mut b = *b"0000-00-00T00:00:00Z";
        let two = |b: &mut [u8; 20], at: usize, v: u32| {
            if let Some(d) = b.get_mut(at..at + 2) {
                d.copy_from_slice(&[b'0' + (v / 10 % 10) as u8, b'0' + (v % 10) as u8]);
            }
        };
        two(&mut b, 0, year / 100);
        two(&mut b, 2, year % 100);
        two(&mut b, 5, u32::from(u8::from(utc.month())));
        two(&mut b, 8, u32::from(utc.day()));
        two(&mut b, 11, u32::from(utc.hour()));
        two(&mut b, 14, u32::from(utc.minute()));
        two(&mut b, 17, u32::from(utc.second()));
        Some(b)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_invalid() {
            return s.serialize_none();
        }
        if let Some(buf) = self.rfc3339_whole_seconds() {
            // Plain ASCII: a &str, which serde_json writes without the fmt adapter.
            if let Ok(text) = std::str::from_utf8(&buf) {
                return s.serialize_str(text);
            }
        }
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The allocation-free form is exactly what `time`'s RFC 3339 writer gives.
    #[test]
    fn whole_second_form_matches_rfc3339() {
        for unix in [
            -62_167_219_200_i64, // 0000-01-01
            -1,
            0,
            951_782_400, // 2000-02-29
            1_700_000_000,
            253_402_300_799, // 9999-12-31T23:59:59
        ] {
            let t = Timestamp(OffsetDateTime::from_unix_timestamp(unix).unwrap());
            let want = t.0.format(&Rfc3339).unwrap();
            let got = t.rfc3339_whole_seconds().unwrap();
            assert_eq!(std::str::from_utf8(&got).unwrap(), want);
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{want}\""));
        }
        let frac = Timestamp(OffsetDateTime::from_unix_timestamp_nanos(1_500_000_000).unwrap());
        assert!(frac.rfc3339_whole_seconds().is_none());
        assert_eq!(frac.to_string(), "1970-01-01T00:00:01.5Z");
    }
}
