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
        let utc = self.0.to_offset(time::UtcOffset::UTC);
        match utc.format(&Rfc3339) {
            Ok(s) => f.write_str(&s),
            // Years outside 0..=9999 have no RFC 3339 form; say what it is rather than fail.
            Err(_) => write!(f, "{}", utc.unix_timestamp()),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_invalid() {
            return s.serialize_none();
        }
        s.collect_str(self)
    }
}
