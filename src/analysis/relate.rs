//! Relations among the items of one run: keys ↔ certificates ↔ CSRs by SubjectPublicKeyInfo,
//! issuers by name, key identifier and signature, exact duplicates.
//!
//! Works on the finished [`Item`]s (their `der`, `spki_der` and decoded fields) and returns
//! relations by item position; it never prints and never decides trust. Hash maps keep the
//! work near-linear; the quadratic corners (many items sharing one key or one subject name)
//! are capped per item, see [`MAX_KEY_GROUP`] and [`MAX_ISSUER_CANDIDATES`], so that work,
//! memory and output stay linear in the number of items (issue 12).

use std::collections::HashMap;

use crate::asn1::dn;
use crate::fingerprint::HashAlg;
use crate::model::{Body, Item, Kind, Relation, RelationKind};
use crate::verify::{self, Verdict};

/// At most this many relations of one kind are listed per item; past it a note says how
/// many more there are. Keeps a directory of thousands of certificates that share one key
/// from producing millions of `same_key` links.
pub const MAX_PER_KIND: usize = 64;

/// At most this many certificates with the right subject name are tried as issuers of one
/// item (each distinct key among them costs a signature verification); the rest are not
/// looked at, and the run's [`Relations::notes`] says how many items were cut short.
pub const MAX_ISSUER_CANDIDATES: usize = 32;

/// A key shared by more items than this is listed as a group: each item is related to the
/// first item of each kind with that key, plus a note counting the others, instead of one
/// relation per pair (5,000 copies of one key would be 25 million pairs).
pub const MAX_KEY_GROUP: usize = 16;

/// The relations of a run: per item, and notes about the run as a whole (limits reached),
/// each said once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relations {
    /// `items[i]` belongs to the item numbered `i`.
    pub items: Vec<Related>,
    /// Remarks about the whole run, for a `note:` line each.
    pub notes: Vec<String>,
}

/// `12345` as `12,345`: counts in notes are read by people.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (pos, c) in digits.chars().enumerate() {
        if pos > 0 && (digits.len() - pos).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The relations of one item, plus notes for its `warnings`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Related {
    /// Relations, ordered by kind then by the other item's number.
    pub relations: Vec<Relation>,
    /// Things found while relating that people should know (a name-matching issuer whose
    /// key does not verify the signature).
    pub notes: Vec<Note>,
}

/// A remark about an item, possibly naming another item of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The other item the remark is about, if any.
    pub item: Option<usize>,
    /// The remark; when `item` is set it reads after the other item's name
    /// ("item 3 (...) has the issuer's name, but ...").
    pub text: String,
}

/// What an item is for relating by key: only items of the same class are `same_key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Certificate,
    Csr,
    Key,
    Other,
}

fn class(item: &Item) -> Class {
    match item.kind {
        Kind::Certificate => Class::Certificate,
        Kind::Csr => Class::Csr,
        Kind::PrivateKey | Kind::PublicKey => Class::Key,
        _ => Class::Other,
    }
}

/// The SHA-256 of the item's DER, for duplicate detection (computed already for
/// thumbprints, so usually free).
fn der_sha256(item: &Item) -> Option<Vec<u8>> {
    if item.kind == Kind::PrivateKey {
        return None;
    }
    if let Some(d) = item
        .fingerprints
        .as_ref()
        .and_then(|f| f.get(HashAlg::Sha256))
    {
        return Some(d.to_vec());
    }
    item.der.as_deref().map(|d| HashAlg::Sha256.digest(d))
}

/// Issuer name and authority key id of a certificate or CRL.
fn issuer_of(item: &Item) -> Option<(&str, Option<&str>)> {
    match &item.body {
        Body::Certificate(c) => Some((&c.issuer, c.authority_key_id.as_deref())),
        Body::Crl(c) => Some((&c.issuer, c.authority_key_id.as_deref())),
        _ => None,
    }
}

/// Adds `revoked_by` to every certificate a CRL of the run lists: one pass over each CRL's
/// entries against an index of the certificates by (issuer, serial) (see
/// [`crate::analysis::revocation::Crls`]); entries that take a certificate off hold are not revocations.
fn revoked_by(items: &[Item], pending: &mut [Vec<(RelationKind, usize, Option<String>)>]) {
    if !items.iter().any(|i| matches!(i.body, Body::Crl(_))) {
        return;
    }
    let certs: Vec<(usize, dn::NameKey, &str)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match &item.body {
            Body::Certificate(c) => Some((i, dn::name_key(&c.issuer), c.serial.as_str())),
            _ => None,
        })
        .collect();
    // No certificate, nothing to look up: a CRL's entries are not decoded for nothing.
    if certs.is_empty() {
        return;
    }
    let wanted = certs
        .iter()
        .map(|(_, k, s)| (k.clone(), (*s).to_string()))
        .collect();
    let crls = crate::analysis::revocation::Crls::new(items.iter().enumerate(), &wanted);
    for (i, issuer, serial) in &certs {
        for (k, entry) in crls.entries(issuer, serial) {
            if entry.reason.as_deref() == Some("removeFromCRL") {
                continue;
            }
            let (Some(crl), Some(p)) = (crls.get(*k), pending.get_mut(*i)) else {
                continue;
            };
            let mut detail = entry.revocation_date.to_string();
            if let Some(r) = &entry.reason {
                detail.push_str(&format!(", {r}"));
            }
            p.push((RelationKind::RevokedBy, crl.number, Some(detail)));
        }
    }
}

/// Adds `status_of` to every OCSP response and `asks_about` to every OCSP request for the
/// certificates of the run their CertIDs name (looked up by serial).
fn ocsp_about(items: &[Item], pending: &mut [Vec<(RelationKind, usize, Option<String>)>]) {
    if !items
        .iter()
        .any(|i| matches!(i.body, Body::OcspResponse(_) | Body::OcspRequest(_)))
    {
        return;
    }
    let mut by_serial: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Body::Certificate(c) = &item.body {
            by_serial.entry(c.serial.as_str()).or_default().push(i);
        }
    }
    for (i, item) in items.iter().enumerate() {
        let found: Vec<(RelationKind, &crate::model::CertId, Option<String>)> = match &item.body {
            Body::OcspResponse(r) => r
                .responses
                .iter()
                .map(|s| {
                    let mut status = s.cert_status.clone();
                    if let Some(t) = &s.revocation_time {
                        status.push_str(&format!(", {t}"));
                    }
                    if let Some(reason) = &s.revocation_reason {
                        status.push_str(&format!(", {reason}"));
                    }
                    (RelationKind::StatusOf, &s.cert_id, Some(status))
                })
                .collect(),
            Body::OcspRequest(r) => r
                .requests
                .iter()
                .map(|id| (RelationKind::AsksAbout, id, None))
                .collect(),
            _ => continue,
        };
        for (kind, id, detail) in found {
            for &c in by_serial.get(id.serial.as_str()).into_iter().flatten() {
                let Some(der) = items.get(c).and_then(|x| x.der.as_deref()) else {
                    continue;
                };
                if crate::decode::ocsp::is_about(id, &id.serial, der) {
                    if let Some(p) = pending.get_mut(i) {
                        p.push((kind, c, detail.clone()));
                    }
                }
            }
        }
    }
}

/// Adds `answer_to` from every OCSP response to each OCSP request of the run it answers: one
/// with the same nonce, or one that asks about a CertID the response gives a status for.
/// The detail says whether the nonces match: a response to a request with a nonce must
/// carry the same one (RFC 8954 §2.1; a different or missing nonce is a replay risk).
fn ocsp_nonces(items: &[Item], pending: &mut [Vec<(RelationKind, usize, Option<String>)>]) {
    let requests: Vec<(usize, &crate::model::OcspRequest)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match &item.body {
            Body::OcspRequest(r) => Some((i, &**r)),
            _ => None,
        })
        .collect();
    if requests.is_empty() {
        return;
    }
    for (i, item) in items.iter().enumerate() {
        let Body::OcspResponse(resp) = &item.body else {
            continue;
        };
        for &(q, req) in &requests {
            let same_nonce = req.nonce.is_some() && req.nonce == resp.nonce;
            let shared_id = resp
                .responses
                .iter()
                .any(|s| req.requests.contains(&s.cert_id));
            if !same_nonce && !shared_id {
                continue;
            }
            let detail = match (&req.nonce, &resp.nonce) {
                (Some(_), _) if same_nonce => "nonce matches".to_string(),
                (Some(a), Some(b)) => {
                    format!("nonce MISMATCH: the request's is {a}, the response's {b}")
                }
                (Some(_), None) => {
                    "nonce MISSING: the request has one, the response none".to_string()
                }
                (None, Some(_)) => "the request has no nonce; the response has one".to_string(),
                (None, None) => "no nonce".to_string(),
            };
            if let Some(p) = pending.get_mut(i) {
                p.push((RelationKind::AnswerTo, q, Some(detail)));
            }
        }
    }
}

/// Computes the relations of every item; `items[i]` is the item numbered `i`.
pub fn relate(items: &[Item]) -> Vec<Related> {
    relate_run(items).items
}

/// Computes the relations of every item and the run's notes; `items[i]` is the item
/// numbered `i`.
pub fn relate_run(items: &[Item]) -> Relations {
    let mut out: Vec<Related> = vec![Related::default(); items.len()];
    let mut pending: Vec<Vec<(RelationKind, usize, Option<String>)>> =
        vec![Vec::new(); items.len()];

    // Exact duplicates: the later copy points at the first.
    let mut first_copy: HashMap<(Kind, Vec<u8>), usize> = HashMap::new();
    let mut copy_of: Vec<Option<usize>> = vec![None; items.len()];
    for (i, item) in items.iter().enumerate() {
        if let Some(h) = der_sha256(item) {
            match first_copy.get(&(item.kind, h.clone())) {
                Some(&first) => {
                    if let (Some(p), Some(slot)) = (pending.get_mut(i), copy_of.get_mut(i)) {
                        p.push((RelationKind::DuplicateOf, first, None));
                        *slot = Some(first);
                    }
                }
                None => {
                    first_copy.insert((item.kind, h), i);
                }
            }
        }
    }
    let original = |i: usize| copy_of.get(i).copied().flatten().unwrap_or(i);

    // Same key: group by SPKI pin.
    let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(pin) = item.spki_sha256.as_deref() {
            by_key.entry(pin).or_default().push(i);
        }
    }
    for group in by_key.values() {
        // A large group is related through its first item of each class only: linear in
        // the group, where every pair would be quadratic.
        let large = group.len() > MAX_KEY_GROUP;
        let mut firsts: Vec<usize> = Vec::new();
        if large {
            for &j in group {
                let c = items.get(j).map(class);
                if !firsts.iter().any(|&f| items.get(f).map(class) == c) {
                    firsts.push(j);
                }
            }
        }
        let partners: &[usize] = if large { &firsts } else { group };
        for &i in group {
            let (Some(a), Some(p)) = (items.get(i), pending.get_mut(i)) else {
                continue;
            };
            let mut related_any = false;
            for &j in partners {
                let Some(b) = items.get(j) else { continue };
                if i == j || original(i) == original(j) {
                    continue;
                }
                let kind = match (class(a), class(b)) {
                    (Class::Key, Class::Certificate | Class::Csr) => RelationKind::KeyOf,
                    (Class::Csr, Class::Certificate) => RelationKind::CsrOf,
                    (x, y) if x == y && x != Class::Other => RelationKind::SameKey,
                    _ => continue,
                };
                p.push((kind, j, None));
                related_any = true;
            }
            if large && (related_any || firsts.contains(&i)) {
                if let Some(o) = out.get_mut(i) {
                    o.notes.push(Note {
                        item: None,
                        text: format!(
                            "{} other items of this run have the same key (only the first \
                             of each kind is listed)",
                            thousands(group.len() - 1)
                        ),
                    });
                }
            }
        }
    }

    // Issuers: subject name index of certificates, then name + key id + signature.
    let mut cut_short = 0usize;
    // By name, and by name and SKI: finding an item's candidates costs what they are, not
    // the number of certificates with the name whose SKI does not fit.
    let mut by_subject: HashMap<dn::NameKey, Vec<usize>> = HashMap::new();
    let mut by_subject_ski: HashMap<(dn::NameKey, Option<&str>), Vec<usize>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Body::Certificate(c) = &item.body {
            let name = dn::name_key(&c.subject);
            by_subject_ski
                .entry((name.clone(), c.subject_key_id.as_deref()))
                .or_default()
                .push(i);
            by_subject.entry(name).or_default().push(i);
        }
    }
    // Enough of each list for the cap, with room for the item itself and its copies.
    let window = 4 * MAX_ISSUER_CANDIDATES;
    for (i, child) in items.iter().enumerate() {
        let Some((issuer, aki)) = issuer_of(child) else {
            continue;
        };
        let Some(der) = child.der.as_deref() else {
            continue;
        };
        let name = dn::name_key(issuer);
        let lists: Vec<&Vec<usize>> = match aki {
            Some(a) => [
                by_subject_ski.get(&(name.clone(), Some(a))),
                by_subject_ski.get(&(name, None)),
            ]
            .into_iter()
            .flatten()
            .collect(),
            None => by_subject.get(&name).into_iter().collect(),
        };
        let more_than_window = lists.iter().any(|l| l.len() > window);
        let mut candidates: Vec<usize> = lists
            .into_iter()
            .flat_map(|l| l.iter().copied().take(window))
            .collect();
        candidates.sort_unstable();
        let mut tried = 0;
        // One verification per distinct issuer key: copies and re-issues of an issuer
        // certificate share the verdict, and a key that does not verify is noted once.
        let mut verdicts: HashMap<&str, Verdict> = HashMap::new();
        let mut stopped = false;
        for &j in &candidates {
            if j == i || original(j) == original(i) {
                continue;
            }
            let Some(parent) = items.get(j) else { continue };
            let ski = match &parent.body {
                Body::Certificate(c) => c.subject_key_id.as_deref(),
                _ => None,
            };
            if let (Some(a), Some(s)) = (aki, ski) {
                if a != s {
                    continue;
                }
            }
            let (Some(spki), Some(pin)) =
                (parent.spki_der.as_deref(), parent.spki_sha256.as_deref())
            else {
                continue;
            };
            // Every candidate counts, not only those that cost a verification: a note or
            // a relation per candidate is output too.
            if tried >= MAX_ISSUER_CANDIDATES {
                stopped = true;
                break;
            }
            tried += 1;
            let (verdict, first) = match verdicts.get(pin) {
                Some(v) => (v.clone(), false),
                None => {
                    let v = verify::verify(der, spki);
                    verdicts.insert(pin, v.clone());
                    (v, true)
                }
            };
            let (Some(p), Some(o)) = (pending.get_mut(i), out.get_mut(i)) else {
                continue;
            };
            match verdict {
                Verdict::Invalid if first => o.notes.push(Note {
                    item: Some(j),
                    text: format!(
                        "has the issuer's name{}, but its key does not verify this signature",
                        if aki.is_some() && ski.is_some() {
                            " and key identifier"
                        } else {
                            ""
                        }
                    ),
                }),
                Verdict::Invalid => {}
                v => p.push((RelationKind::IssuedBy, j, Some(v.describe()))),
            }
        }
        if stopped || more_than_window {
            cut_short += 1;
        }
    }

    revoked_by(items, &mut pending);
    ocsp_about(items, &mut pending);
    ocsp_nonces(items, &mut pending);

    for (rel, list) in out.iter_mut().zip(pending) {
        let mut list = list;
        list.sort_by_key(|(k, j, _)| (*k, *j));
        list.dedup_by_key(|(k, j, _)| (*k, *j));
        let mut counts: HashMap<RelationKind, usize> = HashMap::new();
        for (kind, item, signature) in list {
            let n = counts.entry(kind).or_insert(0);
            *n += 1;
            if *n <= MAX_PER_KIND {
                // The third field is the signature verdict, or a revocation's date and reason.
                let (signature, detail) = match kind {
                    RelationKind::RevokedBy | RelationKind::StatusOf | RelationKind::AnswerTo => {
                        (None, signature)
                    }
                    _ => (signature, None),
                };
                rel.relations.push(Relation {
                    kind,
                    item,
                    signature,
                    detail,
                    target: String::new(),
                });
            }
        }
        let mut over: Vec<(RelationKind, usize)> = counts
            .into_iter()
            .filter(|(_, n)| *n > MAX_PER_KIND)
            .collect();
        over.sort();
        for (kind, n) in over {
            rel.notes.push(Note {
                item: None,
                text: format!(
                    "{} more \"{}\" relations not listed",
                    n - MAX_PER_KIND,
                    kind.describe().to_lowercase()
                ),
            });
        }
    }
    let mut notes = Vec::new();
    if cut_short > 0 {
        notes.push(format!(
            "{} item{} had more than {MAX_ISSUER_CANDIDATES} certificates with their \
             issuer's name; only the first {MAX_ISSUER_CANDIDATES} were tried as issuers of each",
            thousands(cut_short),
            if cut_short == 1 { "" } else { "s" }
        ));
    }
    Relations { items: out, notes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::items_of_all as items;

    fn kinds(r: &Related) -> Vec<(RelationKind, usize)> {
        r.relations.iter().map(|r| (r.kind, r.item)).collect()
    }

    #[test]
    fn key_certificate_csr_and_issuers() {
        let it = items(&[
            include_bytes!("../../fixtures/certs/leaf.pem"),
            include_bytes!("../../fixtures/certs/intermediate-ca.pem"),
            include_bytes!("../../fixtures/certs/root-ca.pem"),
            include_bytes!("../../fixtures/keys/p256.pem"),
            include_bytes!("../../fixtures/csr/leaf.csr"),
            include_bytes!("../../fixtures/certs/leaf.der"),
            include_bytes!("../../fixtures/crl/intermediate.crl"),
        ]);
        let r = relate(&it);
        assert_eq!(kinds(&r[0]), vec![(RelationKind::IssuedBy, 1)]);
        assert_eq!(r[0].relations[0].signature.as_deref(), Some("verified"));
        assert_eq!(kinds(&r[1]), vec![(RelationKind::IssuedBy, 2)]);
        assert!(kinds(&r[2]).is_empty(), "a root is not its own issuer");
        assert_eq!(
            kinds(&r[3]),
            vec![
                (RelationKind::KeyOf, 0),
                (RelationKind::KeyOf, 4),
                (RelationKind::KeyOf, 5)
            ]
        );
        assert_eq!(
            kinds(&r[4]),
            vec![(RelationKind::CsrOf, 0), (RelationKind::CsrOf, 5)]
        );
        assert_eq!(
            kinds(&r[5]),
            vec![(RelationKind::IssuedBy, 1), (RelationKind::DuplicateOf, 0)]
        );
        assert_eq!(kinds(&r[6]), vec![(RelationKind::IssuedBy, 1)]);
        assert!(r.iter().all(|x| x.notes.is_empty()));
    }

    #[test]
    fn private_and_public_key_are_the_same_key() {
        let it = items(&[
            include_bytes!("../../fixtures/keys/rsa-2048.pem"),
            include_bytes!("../../fixtures/keys/rsa-2048-pub.pem"),
            include_bytes!("../../fixtures/certs/rsa-self.pem"),
        ]);
        let r = relate(&it);
        assert_eq!(
            kinds(&r[0]),
            vec![(RelationKind::KeyOf, 2), (RelationKind::SameKey, 1)]
        );
        assert_eq!(
            kinds(&r[1]),
            vec![(RelationKind::KeyOf, 2), (RelationKind::SameKey, 0)]
        );
        assert!(kinds(&r[2]).is_empty());
    }

    #[test]
    fn thousands_separates_groups_of_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(4999), "4,999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn a_large_same_key_group_is_related_through_its_first_items() {
        let key: &[u8] = include_bytes!("../../fixtures/keys/p256.pem");
        let cert: &[u8] = include_bytes!("../../fixtures/certs/leaf.pem");
        let mut inputs = vec![key; MAX_KEY_GROUP + 4];
        inputs.push(cert);
        let it = items(&inputs);
        let r = relate(&it);
        let last = MAX_KEY_GROUP + 4;
        // The first key is the one the others point at; its note counts them.
        assert_eq!(kinds(&r[0]), vec![(RelationKind::KeyOf, last)]);
        assert_eq!(r[0].notes.len(), 1);
        assert_eq!(
            kinds(&r[5]),
            vec![(RelationKind::KeyOf, last), (RelationKind::SameKey, 0)]
        );
        assert_eq!(
            r[5].notes[0].text,
            "20 other items of this run have the same key (only the first of each kind is listed)"
        );
        assert_eq!(kinds(&r[last]), Vec::new());
    }

    #[test]
    fn issuer_candidates_are_capped_and_reported_once() {
        let leaf: &[u8] = include_bytes!("../../fixtures/certs/leaf.pem");
        let ca = include_bytes!("../../fixtures/certs/intermediate-ca.pem");
        let mut it = items(&[leaf]);
        // Copies of the issuer that differ in one byte of the DER (not duplicates), all
        // with the issuer's name and key.
        let template = items(&[ca]).remove(0);
        for n in 0..(MAX_ISSUER_CANDIDATES + 8) {
            let mut copy = template.clone();
            if let Some(der) = copy.der.as_deref() {
                let mut d = der.to_vec();
                let last = d.len() - 1;
                d[last] = u8::try_from(n).unwrap();
                copy.der = Some(d.into());
            }
            copy.fingerprints = None;
            it.push(copy);
        }
        let r = relate_run(&it);
        let issued_by = r.items[0]
            .relations
            .iter()
            .filter(|x| x.kind == RelationKind::IssuedBy)
            .count();
        assert_eq!(issued_by, MAX_ISSUER_CANDIDATES);
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
        assert!(
            r.notes[0].starts_with("1 item had more than 32"),
            "{:?}",
            r.notes
        );
    }

    #[test]
    fn a_broken_signature_is_a_note_not_a_relation() {
        let mut it = items(&[
            include_bytes!("../../fixtures/certs/leaf.pem"),
            include_bytes!("../../fixtures/certs/intermediate-ca.pem"),
        ]);
        if let Some(der) = it[0].der.as_deref() {
            let mut broken = der.to_vec();
            let last = broken.len() - 1;
            broken[last] ^= 1;
            it[0].der = Some(broken.into());
        }
        let r = relate(&it);
        assert!(r[0].relations.is_empty());
        assert_eq!(r[0].notes.len(), 1, "{:?}", r[0].notes);
    }
}
