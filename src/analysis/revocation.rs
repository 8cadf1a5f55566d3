//! Offline revocation evidence for `chain` (RFC 5280 §5, §6.3): the CRLs of a run, indexed
//! by (certificate issuer, serial), and the rules that say whether a CRL covers a
//! certificate (issuer, indirect CRLs, issuingDistributionPoint scope, reasons, delta CRLs)
//! and whether it is current.
//!
//! Owns the [`Revocation`] verdict a link carries. It does not check signatures: which
//! certificate may sign a CRL depends on the path, so [`crate::analysis::chain`] asks that (it has the
//! certificates and the signature budget). Never reads files, never prints.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use serde::Serialize;
use time::OffsetDateTime;

use crate::asn1::dn::{self, NameKey};
use crate::decode::x509;
use crate::model::{
    Body, Certificate, Crl, DistributionPoint, ExtValue, Extension, GeneralName,
    IssuingDistributionPoint, Item, Revoked, Timestamp,
};

/// What the evidence says about one certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Current, verified CRLs cover it for every reason and none lists it.
    Good,
    /// A current, verified CRL lists it.
    Revoked,
    /// No current, verified CRL covers it (for every reason).
    Unknown,
}

/// The revocation verdict of one link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revocation {
    /// good, revoked or unknown.
    pub status: Status,
    /// CRLReason of a revoked certificate, when the entry gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Revocation date of a revoked certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_date: Option<Timestamp>,
    /// Run-wide numbers of the CRLs the verdict rests on: the one that lists it (revoked),
    /// or every CRL that covered it (good, or unknown for lack of reasons).
    pub by: Vec<usize>,
    /// The verdict in words, with why CRLs were not used.
    pub message: String,
}

/// The CRL reasons (RFC 5280 §4.2.1.13 ReasonFlags, without `unused`) as a bit mask.
const REASONS: &[&str] = match x509::REASON_BITS.split_first() {
    Some((_unused, reasons)) => reasons,
    None => &[],
};
/// Every reason.
pub const ALL_REASONS: u16 = (1 << REASONS.len()) - 1;

/// The mask of a list of reason-flag names; an empty list is every reason.
fn reason_mask(names: &[String]) -> u16 {
    if names.is_empty() {
        return ALL_REASONS;
    }
    names
        .iter()
        .filter_map(|n| REASONS.iter().position(|r| r == n))
        .fold(0, |m, i| m | (1 << i))
}

/// The names of the reasons missing from `mask`.
fn missing_reasons(mask: u16) -> String {
    REASONS
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) == 0)
        .map(|(_, r)| *r)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Compares two non-negative decimal numbers of any length (CRL numbers are up to 20
/// octets, RFC 5280 §5.2.3).
pub fn cmp_decimal(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// A CRL of the run as the chain report lists it.
#[derive(Debug, Clone, Serialize)]
pub struct CrlSummary {
    /// Run-wide number.
    pub item: usize,
    /// Issuer, RFC 4514.
    pub issuer: String,
    /// CRL number, decimal.
    pub crl_number: Option<String>,
    /// For a delta CRL, the number of its base CRL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_crl_number: Option<String>,
    /// thisUpdate.
    pub this_update: Timestamp,
    /// nextUpdate.
    pub next_update: Option<Timestamp>,
    /// Revoked entries.
    pub revoked_count: usize,
}

/// One CRL of the run, with what the rules need read out of it.
pub struct CrlRef<'a> {
    /// Run-wide number.
    pub number: usize,
    /// The decoded CRL.
    pub crl: &'a Crl,
    /// Its DER (for the signature check).
    pub der: &'a [u8],
    /// Its issuer, normalised.
    pub issuer: NameKey,
    idp: Option<&'a IssuingDistributionPoint>,
    /// The first critical CRL or CRL entry extension that is not processed, by name.
    unprocessed: Option<String>,
}

/// The CRL extensions whose meaning the rules here apply: authorityKeyIdentifier,
/// cRLNumber, deltaCRLIndicator, issuingDistributionPoint, freshestCRL.
const PROCESSED_CRL_EXTENSIONS: [&str; 5] = [
    "2.5.29.35",
    "2.5.29.20",
    "2.5.29.27",
    "2.5.29.28",
    "2.5.29.46",
];
/// The CRL entry extensions processed: reasonCode, invalidityDate, certificateIssuer.
const PROCESSED_ENTRY_EXTENSIONS: [&str; 3] = ["2.5.29.21", "2.5.29.24", "2.5.29.29"];

/// The name of the first critical extension of `exts` whose OID is not in `processed`.
fn unprocessed_critical<'e>(exts: &'e [Extension], processed: &[&str]) -> Option<&'e str> {
    exts.iter()
        .find(|e| e.critical && !processed.contains(&e.oid.as_ref()))
        .map(|e| e.name.as_ref())
}

impl CrlRef<'_> {
    /// Whether this is a delta CRL (deltaCRLIndicator, §5.2.4).
    pub fn is_delta(&self) -> bool {
        self.crl.base_crl_number.is_some()
    }

    /// Whether its issuingDistributionPoint says indirectCRL.
    pub fn is_indirect(&self) -> bool {
        self.idp.is_some_and(|i| i.indirect_crl)
    }

    /// `Ok` unless the CRL or one of its entries has a critical extension that is not
    /// processed: such a CRL must not be used for any certificate (RFC 5280 §5.2, §5.3).
    pub fn processable(&self) -> Result<(), String> {
        match &self.unprocessed {
            Some(name) => Err(format!(
                "CRL #{} has a critical extension that is not processed ({name})",
                self.number
            )),
            None => Ok(()),
        }
    }

    /// `Ok` when `at` is within thisUpdate..=nextUpdate (a CRL without nextUpdate, which
    /// RFC 5280 §5.1.2.5 requires of conforming CRLs, is taken as current, as OpenSSL does).
    pub fn current(&self, at: OffsetDateTime) -> Result<(), String> {
        if at < self.crl.this_update.0 {
            return Err(format!(
                "CRL #{} is not yet valid (thisUpdate {})",
                self.number, self.crl.this_update
            ));
        }
        match self.crl.next_update {
            Some(next) if at > next.0 => Err(format!(
                "CRL #{} is stale (nextUpdate {})",
                self.number, next
            )),
            _ => Ok(()),
        }
    }

    /// The reasons this CRL covers for `cert` (issued by `cert_issuer`), or why it does not
    /// cover it at all: RFC 5280 §6.3.3 (b), read as OpenSSL reads it (a certificate
    /// without CRL distribution points is covered by a direct CRL without a distribution
    /// point name).
    pub fn scope(&self, cert: &Certificate, cert_issuer: &NameKey) -> Result<u16, String> {
        let no = |why: &str| Err(format!("CRL #{} does not cover it: {why}", self.number));
        let is_ca = cert.is_ca();
        let mut mask = ALL_REASONS;
        let mut idp_names: &[GeneralName] = &[];
        if let Some(idp) = self.idp {
            if idp.only_contains_attribute_certs {
                return no("only attribute certificates (onlyContainsAttributeCerts)");
            }
            if idp.only_contains_user_certs && is_ca {
                return no("only end-entity certificates (onlyContainsUserCerts)");
            }
            if idp.only_contains_ca_certs && !is_ca {
                return no("only CA certificates (onlyContainsCACerts)");
            }
            mask = reason_mask(&idp.only_some_reasons);
            idp_names = &idp.names;
        }
        let direct = &self.issuer == cert_issuer;
        if !direct && !self.is_indirect() {
            return no("issued by another CA and not an indirect CRL");
        }
        let dps = distribution_points(cert, "2.5.29.31");
        if dps.is_empty() {
            if direct && idp_names.is_empty() {
                return Ok(mask);
            }
            return no("the certificate has no CRL distribution point naming it");
        }
        for dp in dps {
            let issuer_ok = if dp.crl_issuer.is_empty() {
                direct
            } else {
                dp.crl_issuer
                    .iter()
                    .any(|g| g.kind == "dirname" && dn::name_key(&g.value) == self.issuer)
            };
            // A nameRelativeToCRLIssuer is appended to the cRLIssuer, or without one to the
            // certificate's issuer (§4.2.1.13); in the CRL, to the CRL's issuer (§5.2.5).
            let dp_base = dp
                .crl_issuer
                .iter()
                .find(|g| g.kind == "dirname")
                .map_or_else(|| cert_issuer.clone(), |g| dn::name_key(&g.value));
            let name_ok = idp_names.is_empty()
                || dp.names.is_empty()
                || names_meet(idp_names, &self.issuer, &dp.names, &dp_base);
            if issuer_ok && name_ok {
                return Ok(mask & reason_mask(&dp.reasons));
            }
        }
        no("its distribution point does not match the certificate's CRL distribution points")
    }
}

/// The distribution points of extension `oid` (cRLDistributionPoints, freshestCRL).
fn distribution_points<'c>(cert: &'c Certificate, oid: &str) -> &'c [DistributionPoint] {
    match cert.extension(oid).map(|e| &*e.value) {
        Some(ExtValue::DistributionPoints(d)) => d,
        _ => &[],
    }
}

/// A distribution point name as compared: a directory name (a fullName directoryName, or
/// a nameRelativeToCRLIssuer appended to its base), or another name as its kind and text.
#[derive(PartialEq)]
enum PointName<'n> {
    Directory(NameKey),
    Other(&'n str, &'n str),
}

/// What `g` names, a nameRelativeToCRLIssuer taken relative to `base` (RFC 4514 order:
/// the fragment, the most specific RDN, comes first).
fn point_name<'n>(g: &'n GeneralName, base: &NameKey) -> PointName<'n> {
    match &*g.kind {
        "dirname" => PointName::Directory(dn::name_key(&g.value)),
        "relativename" => {
            let mut key = dn::name_key(&g.value);
            key.extend(base.iter().cloned());
            PointName::Directory(key)
        }
        kind => PointName::Other(kind, &g.value),
    }
}

/// Whether one name of `a` (relative names based on `a_base`) is one name of `b` (based on
/// `b_base`): directory names compared as §7.1 says, others exactly.
fn names_meet(a: &[GeneralName], a_base: &NameKey, b: &[GeneralName], b_base: &NameKey) -> bool {
    let b: Vec<PointName<'_>> = b.iter().map(|y| point_name(y, b_base)).collect();
    a.iter().any(|x| b.contains(&point_name(x, a_base)))
}

/// The CRLs of a run and their entries for the certificates that take part.
#[derive(Default)]
pub struct Crls<'a> {
    /// Every decoded CRL, in run order.
    pub list: Vec<CrlRef<'a>>,
    by_issuer: HashMap<NameKey, Vec<usize>>,
    indirect: Vec<usize>,
    /// Entries by (certificate issuer, serial): (index in `list`, entry).
    entries: HashMap<(NameKey, String), Vec<(usize, Revoked)>>,
}

impl<'a> Crls<'a> {
    /// Indexes the CRLs among `items` (numbered as given). Only entries whose
    /// (certificate issuer, serial) is in `wanted` are kept: one pass over each CRL, and a
    /// CRL of a million entries costs no more memory than the certificates asked about.
    pub fn new(
        items: impl Iterator<Item = (usize, &'a Item)>,
        wanted: &HashSet<(NameKey, String)>,
    ) -> Crls<'a> {
        let mut out = Crls::default();
        for (number, item) in items {
            let (Body::Crl(crl), Some(der)) = (&item.body, item.der.as_deref()) else {
                continue;
            };
            let idp = crl.extensions.iter().find_map(|e| match &*e.value {
                ExtValue::IssuingDistributionPoint(i) if e.oid == "2.5.29.28" => Some(i),
                _ => None,
            });
            let index = out.list.len();
            let mut r = CrlRef {
                number,
                crl,
                der,
                issuer: dn::name_key(&crl.issuer),
                idp,
                unprocessed: unprocessed_critical(&crl.extensions, &PROCESSED_CRL_EXTENSIONS)
                    .map(str::to_string),
            };
            let indirect = r.is_indirect();
            // certificateIssuer only means something in an indirect CRL (§5.3.3).
            let mut current: Option<(String, NameKey)> = None;
            for entry in crl.revoked.iter() {
                if r.unprocessed.is_none() {
                    r.unprocessed =
                        unprocessed_critical(&entry.extensions, &PROCESSED_ENTRY_EXTENSIONS)
                            .map(|name| format!("{name}, in the entry of serial {}", entry.serial));
                }
                let issuer = match entry.certificate_issuer.as_deref().filter(|_| indirect) {
                    None => r.issuer.clone(),
                    Some(text) => match &current {
                        Some((t, k)) if t == text => k.clone(),
                        _ => {
                            let k = dn::name_key(text);
                            current = Some((text.to_string(), k.clone()));
                            k
                        }
                    },
                };
                let key = (issuer, entry.serial.clone());
                if wanted.contains(&key) {
                    out.entries.entry(key).or_default().push((index, entry));
                }
            }
            if indirect {
                out.indirect.push(index);
            }
            out.by_issuer
                .entry(r.issuer.clone())
                .or_default()
                .push(index);
            out.list.push(r);
        }
        out
    }

    /// The CRLs, for the report.
    pub fn summaries(&self) -> Vec<CrlSummary> {
        self.list
            .iter()
            .map(|c| CrlSummary {
                item: c.number,
                issuer: c.crl.issuer.clone(),
                crl_number: c.crl.crl_number.clone(),
                base_crl_number: c.crl.base_crl_number.clone(),
                this_update: c.crl.this_update,
                next_update: c.crl.next_update,
                revoked_count: c.crl.revoked_count,
            })
            .collect()
    }

    /// Whether the run has any CRL.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Indices (in `list`) of the CRLs that may cover a certificate of `issuer`: those it
    /// issued and every indirect CRL.
    pub fn candidates(&self, issuer: &NameKey) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .by_issuer
            .get(issuer)
            .into_iter()
            .flatten()
            .copied()
            .chain(self.indirect.iter().copied())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The CRL at `index`.
    pub fn get(&self, index: usize) -> Option<&CrlRef<'a>> {
        self.list.get(index)
    }

    /// The entries for (issuer, serial), from every CRL.
    pub fn entries(&self, issuer: &NameKey, serial: &str) -> &[(usize, Revoked)] {
        self.entries
            .get(&(issuer.clone(), serial.to_string()))
            .map_or(&[], Vec::as_slice)
    }
}

/// The verdict for a certificate from the CRLs found usable for it (indices in `crls`,
/// each with the reasons it covers; complete and delta CRLs together) and the words on the
/// CRLs that were not used (`skipped`).
pub fn verdict(
    crls: &Crls<'_>,
    cert: &Certificate,
    cert_issuer: &NameKey,
    usable: &[(usize, u16)],
    skipped: &[String],
) -> Revocation {
    let complete: Vec<(usize, u16)> = usable
        .iter()
        .copied()
        .filter(|(k, _)| crls.get(*k).is_some_and(|c| !c.is_delta()))
        .collect();
    let why_not = || {
        if skipped.is_empty() {
            "no CRL or OCSP response covers it".to_string()
        } else {
            skipped.join("; ")
        }
    };
    if complete.is_empty() {
        return Revocation {
            status: Status::Unknown,
            reason: None,
            revocation_date: None,
            by: Vec::new(),
            message: why_not(),
        };
    }
    // A delta applies to a complete CRL of the same issuer (and scope: the caller only
    // passes CRLs that cover the certificate) whose number is at least its base (§5.2.4).
    let deltas: Vec<usize> = usable
        .iter()
        .map(|(k, _)| *k)
        .filter(|&k| {
            crls.get(k).is_some_and(|d| {
                d.crl.base_crl_number.as_deref().is_some_and(|base| {
                    complete.iter().any(|(c, _)| {
                        crls.get(*c).is_some_and(|c| {
                            c.issuer == d.issuer
                                && c.crl.crl_number.as_deref().is_some_and(|n| {
                                    cmp_decimal(n, base) != Ordering::Less
                                        && d.crl.crl_number.as_deref().is_none_or(|dn| {
                                            cmp_decimal(dn, n) == Ordering::Greater
                                        })
                                })
                        })
                    })
                })
            })
        })
        .collect();
    let entries = crls.entries(cert_issuer, &cert.serial);
    let listed = |k: usize| entries.iter().filter(move |(i, _)| *i == k).map(|(_, e)| e);
    let mut revoked: Option<(usize, &Revoked)> = None;
    for (k, _) in &complete {
        if let Some(e) = listed(*k).find(|e| e.reason.as_deref() != Some("removeFromCRL")) {
            revoked = Some((*k, e));
            break;
        }
    }
    for &d in &deltas {
        for e in listed(d) {
            if e.reason.as_deref() == Some("removeFromCRL") {
                // Off hold: only a hold can be removed (§5.3.1).
                if revoked.is_some_and(|(_, r)| r.reason.as_deref() == Some("certificateHold")) {
                    revoked = None;
                }
            } else {
                revoked = Some((d, e));
            }
        }
    }
    let by_number = |k: usize| crls.get(k).map(|c| c.number);
    if let Some((k, e)) = revoked {
        let number = by_number(k).unwrap_or_default();
        let reason = e.reason.clone();
        return Revocation {
            status: Status::Revoked,
            message: format!(
                "on {}{} (CRL #{number})",
                e.revocation_date,
                reason
                    .as_deref()
                    .map(|r| format!(", {r}"))
                    .unwrap_or_default()
            ),
            reason,
            revocation_date: Some(e.revocation_date),
            by: vec![number],
        };
    }
    let mask = complete.iter().fold(0, |m, (_, r)| m | r);
    let by: Vec<usize> = complete
        .iter()
        .map(|(k, _)| *k)
        .chain(deltas.iter().copied())
        .filter_map(by_number)
        .collect();
    let list = by
        .iter()
        .map(|n| format!("#{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    if mask == ALL_REASONS {
        Revocation {
            status: Status::Good,
            reason: None,
            revocation_date: None,
            message: format!("not revoked (CRL {list})"),
            by,
        }
    } else {
        Revocation {
            status: Status::Unknown,
            reason: None,
            revocation_date: None,
            message: format!(
                "CRL {list} cover only some reasons; not covered: {}",
                missing_reasons(mask)
            ),
            by,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_order() {
        assert_eq!(cmp_decimal("10", "9"), Ordering::Greater);
        assert_eq!(cmp_decimal("007", "7"), Ordering::Equal);
        assert_eq!(
            cmp_decimal("123456789012345678901234567890", "99"),
            Ordering::Greater
        );
    }

    #[test]
    fn relative_point_names_are_appended_to_their_base() {
        let crl_issuer = dn::name_key("OU=CRL issuer,O=Test,C=US");
        let cert_issuer = dn::name_key("OU=CA,O=Test,C=US");
        let full = [GeneralName::new(
            "dirname",
            "CN=dp1,OU=CRL issuer,O=Test,C=US",
        )];
        let relative = [GeneralName::new("relativename", "CN=dp1")];
        assert!(names_meet(&full, &crl_issuer, &relative, &crl_issuer));
        assert!(names_meet(&relative, &crl_issuer, &full, &cert_issuer));
        // Appended to another base, it is another name; as text it is no directory name.
        assert!(!names_meet(&full, &crl_issuer, &relative, &cert_issuer));
        let uri = [GeneralName::new("uri", "CN=dp1")];
        assert!(!names_meet(&uri, &crl_issuer, &relative, &crl_issuer));
    }

    #[test]
    fn scope_of_the_fixture_crls() {
        use crate::decode::items_of as items;
        let leaf = items(include_bytes!("../../fixtures/revocation/good.pem"));
        let Body::Certificate(cert) = &leaf[0].body else {
            panic!()
        };
        let ca_issuer = dn::name_key(&cert.issuer);
        let crl_items = [
            items(include_bytes!("../../fixtures/revocation/ca.crl.pem")),
            items(include_bytes!(
                "../../fixtures/revocation/ca-ca-only.crl.pem"
            )),
            items(include_bytes!(
                "../../fixtures/revocation/ca-some-reasons.crl.pem"
            )),
        ]
        .concat();
        let wanted = HashSet::from([(ca_issuer.clone(), "1002".to_string())]);
        let crls = Crls::new(crl_items.iter().enumerate(), &wanted);
        assert_eq!(crls.list.len(), 3);
        assert_eq!(
            crls.get(0).unwrap().scope(cert, &ca_issuer),
            Ok(ALL_REASONS)
        );
        assert!(crls.get(1).unwrap().scope(cert, &ca_issuer).is_err());
        assert_eq!(crls.get(2).unwrap().scope(cert, &ca_issuer), Ok(1));
        // Only the wanted entry is indexed, from each CRL that lists it.
        assert_eq!(crls.entries(&ca_issuer, "1002").len(), 3);
        assert!(crls.entries(&ca_issuer, "1003").is_empty());
    }

    #[test]
    fn reasons() {
        assert_eq!(reason_mask(&[]), ALL_REASONS);
        let kc = reason_mask(&["keyCompromise".to_string()]);
        assert_eq!(kc, 1);
        assert!(missing_reasons(kc).starts_with("cACompromise"));
        assert_eq!(missing_reasons(ALL_REASONS), "");
    }
}
