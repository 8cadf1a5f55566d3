//! An extension's value as the lines the text view shows: one arm per model value.

use std::fmt::Write as _;

use crate::model::{ExtValue, GeneralName};

/// The lines of one extension value, written into one buffer that is reused from one
/// extension to the next: a certificate's dozen extensions cost no `String` per line.
#[derive(Debug, Default)]
pub struct Lines {
    text: String,
    /// Where each line ends in `text`.
    ends: Vec<usize>,
}

impl Lines {
    /// An empty buffer with room for `bytes` of text in `lines` lines before it grows.
    pub fn with_capacity(bytes: usize, lines: usize) -> Lines {
        Lines {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(lines),
        }
    }

    /// Empties the buffer, keeping its memory.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// How many lines there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is no line.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The lines, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(a, b)| self.text.get(a..b).unwrap_or_default())
    }

    /// Keeps the first `n` lines.
    pub fn truncate(&mut self, n: usize) {
        if n < self.ends.len() {
            self.ends.truncate(n);
            self.text.truncate(self.ends.last().copied().unwrap_or(0));
        }
    }

    /// Adds a line written from `args`.
    pub fn line(&mut self, args: std::fmt::Arguments<'_>) {
        // Writing into a `String` cannot fail.
        let _ = self.text.write_fmt(args);
        self.ends.push(self.text.len());
    }

    /// Adds `text` as a line.
    fn text(&mut self, text: &str) {
        self.text.push_str(text);
        self.ends.push(self.text.len());
    }

    /// A general name as `PREFIXTYPE: value`.
    fn name(&mut self, prefix: &str, n: &GeneralName) {
        self.line(format_args!("{prefix}{}: {}", n.label(), n.value));
    }

    /// Hex text in lines of 64 digits.
    fn hex(&mut self, hex: &str) {
        for c in hex.as_bytes().chunks(64) {
            self.text(&String::from_utf8_lossy(c));
        }
    }
}

/// The lines text shows for an extension value, before sanitising (the caller sanitises
/// each line as it writes it), added to `l`.
pub fn lines(v: &ExtValue, l: &mut Lines) {
    match v {
        ExtValue::Names(names) => names.iter().for_each(|n| l.name("", n)),
        ExtValue::Flags(f) => l.text(&f.join(", ")),
        // pathlen is shown whenever present, as openssl does: on a non-CA it is a defect
        // (RFC 5280 §4.2.1.9) the reader should see, and JSON has it too.
        ExtValue::BasicConstraints(b) => {
            let ca = if b.ca { "CA:TRUE" } else { "CA:FALSE" };
            match b.path_len {
                Some(n) => l.line(format_args!("{ca}, pathlen:{n}")),
                None => l.text(ca),
            }
        }
        ExtValue::KeyId(k) => l.text(&k.key_id),
        ExtValue::AuthorityKeyId(a) => {
            if let Some(k) = &a.key_id {
                l.line(format_args!("keyid: {k}"));
            }
            a.issuer.iter().for_each(|n| l.name("issuer: ", n));
            if let Some(s) = &a.serial {
                l.line(format_args!("serial: {s}"));
            }
        }
        ExtValue::DistributionPoints(dps) => {
            for d in dps {
                d.names.iter().for_each(|n| l.name("", n));
                if !d.reasons.is_empty() {
                    l.line(format_args!("reasons: {}", d.reasons.join(", ")));
                }
                d.crl_issuer.iter().for_each(|n| l.name("CRL issuer: ", n));
            }
        }
        ExtValue::Access(list) => {
            for a in list {
                let n = &a.location;
                l.line(format_args!("{} - {}: {}", a.method, n.label(), n.value));
            }
        }
        ExtValue::Policies(ps) => {
            for p in ps {
                match &p.name {
                    Some(n) => l.line(format_args!("{} ({n})", p.oid)),
                    None => l.text(&p.oid),
                }
                p.qualifiers
                    .iter()
                    .for_each(|q| l.line(format_args!("  {q}")));
            }
        }
        ExtValue::NameConstraints(nc) => {
            nc.permitted.iter().for_each(|n| l.name("permitted ", n));
            nc.excluded.iter().for_each(|n| l.name("excluded ", n));
        }
        ExtValue::Scts(scts) => {
            for s in scts {
                l.line(format_args!("log {}", s.log_id));
                if let Some(name) = &s.log {
                    l.line(format_args!("  {name}"));
                }
                l.line(format_args!(
                    "  v{} at {}, {}",
                    u32::from(s.version) + 1,
                    s.timestamp,
                    s.signature_algorithm
                ));
            }
        }
        ExtValue::IssuingDistributionPoint(idp) => {
            let before = l.len();
            idp.names.iter().for_each(|n| l.name("", n));
            for (set, what) in [
                (idp.only_contains_user_certs, "only user certificates"),
                (idp.only_contains_ca_certs, "only CA certificates"),
                (
                    idp.only_contains_attribute_certs,
                    "only attribute certificates",
                ),
            ] {
                if set {
                    l.text(what);
                }
            }
            if !idp.only_some_reasons.is_empty() {
                l.line(format_args!(
                    "only some reasons: {}",
                    idp.only_some_reasons.join(", ")
                ));
            }
            if idp.indirect_crl {
                l.text("indirect CRL");
            }
            if l.len() == before {
                l.text("(no fields: every certificate, every reason)");
            }
        }
        ExtValue::PrivateKeyUsagePeriod(p) => l.line(format_args!(
            "not before {}, not after {}",
            p.not_before.as_deref().unwrap_or("-"),
            p.not_after.as_deref().unwrap_or("-")
        )),
        ExtValue::Attributes(attrs) => {
            for a in attrs {
                l.line(format_args!("{}: {}", a.name, a.values.join(", ")));
            }
        }
        ExtValue::CertificateTemplate(t) => match (t.major_version, t.minor_version) {
            (Some(major), Some(minor)) => l.line(format_args!(
                "{} (major version {major}, minor version {minor})",
                t.template
            )),
            (Some(major), None) => l.line(format_args!("{} (major version {major})", t.template)),
            (None, _) => l.text(&t.template),
        },
        ExtValue::Text(t) => l.text(&t.text),
        ExtValue::Raw(r) => match &r.text {
            Some(t) => l.line(format_args!("{t:?} (hex {})", r.hex)),
            None => l.hex(&r.hex),
        },
        ExtValue::Error(e) => {
            l.line(format_args!("cannot decode: {}", e.error));
            l.hex(&e.hex);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines read back as written, across `clear` and `truncate`.
    #[test]
    fn lines_read_back_as_written() {
        let mut l = Lines::default();
        assert!(l.is_empty());
        assert_eq!(l.iter().count(), 0);
        l.text("one");
        l.line(format_args!("{} {}", "two", 2));
        l.text("");
        l.hex(&"ab".repeat(40));
        let all: Vec<&str> = l.iter().collect();
        let hex = "ab".repeat(40);
        assert_eq!(all, ["one", "two 2", "", &hex[..64], &hex[64..]]);
        l.truncate(2);
        l.text("three");
        assert_eq!(l.iter().collect::<Vec<_>>(), ["one", "two 2", "three"]);
        l.truncate(9);
        assert_eq!(l.len(), 3);
        l.clear();
        assert!(l.is_empty());
        l.text("again");
        assert_eq!(l.iter().collect::<Vec<_>>(), ["again"]);
    }
}
