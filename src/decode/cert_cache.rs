//! Per-thread caches for the full certificate decode (issue 18, cache18).
//!
//! Certificates from one CA share most of their bytes: the issuer and the extensions the CA
//! writes into every certificate (AKI, AIA, CRL distribution points, policies, EKU, key
//! usage, basicConstraints). What the decode makes of each is a function of those bytes
//! alone, so each decoding thread keeps its last answers keyed by the exact bytes, compared
//! in full: a hash alone could collide, and a hostile input must never get another
//! element's answer. Bounded: [`SLOTS`] extensions and [`NAME_SLOTS`] names a thread, none
//! keyed by more than [`MAX_KEY`] bytes; the entry to replace is picked by a clock (one not
//! used since the hand last passed it; the hand starts at a place the new key's hash
//! picks), so certificates with values of their own do not push the shared ones out. No
//! lock: each thread has its own.

use std::cell::{Cell, RefCell};

use x509_parser::extensions::{ParsedExtension, X509Extension};
use x509_parser::prelude::FromDer;

use crate::asn1::{dn, tlv};
use crate::model::{ExtValue, Extension, GeneralName, KeyIdValue, Rdns};

use super::{cert_walk, x509};

/// Extensions remembered per thread: a certificate has about ten, and a run of
/// certificates a few CAs' worth, some with CRL distribution points in shards (the bench
/// corpus: 64; a large CA's up to 128). With 64 slots the shards and a CA's other values
/// pushed each other out (309 of 10,000 lookups missed over files-1k, 142 with 128); a hit
/// costs no scan ([`Clock::get`]'s hint), and a thread holds at most 128 KiB of keys.
const SLOTS: usize = 128;
/// Names remembered per thread (issuers).
const NAME_SLOTS: usize = 8;
/// Signature algorithm pairs remembered per thread.
const SIGNATURE_SLOTS: usize = 4;
/// Elements larger than this are read every time: the cache is for the usual few hundred
/// bytes, and memory stays small.
const MAX_KEY: usize = 1024;

/// What a Name reads as: [`dn::read_name`]'s answer (its offset is inside the Name), the
/// RDNs shared so that a hit costs no copy of them.
pub(super) type Name = (String, Rdns, Option<(usize, String)>);

/// [`dn::read_name`] as a [`Name`].
fn read_name(der: &[u8]) -> Name {
    let (text, rdns, problem) = dn::read_name(der);
    (text, Rdns::from(rdns), problem)
}

/// What one extension decodes to: its model and its malformed directory names, with
/// offsets inside its value.
#[derive(Clone)]
struct Known {
    model: Extension,
    problems: Vec<(usize, String)>,
}

/// One remembered answer and the bytes it is for: `key` holds two byte strings one after
/// the other (an extension's OID and value), `split` is where the second starts.
struct Entry<V> {
    flag: bool,
    split: usize,
    key: Vec<u8>,
    value: V,
    used: bool,
}

/// A fixed number of entries, replaced by the clock algorithm. `hashes` holds each
/// entry's [`hash`], so that a lookup compares bytes only with likely entries.
struct Clock<V> {
    entries: Vec<Entry<V>>,
    hashes: Vec<u64>,
    /// By a hash's top octet, the slot (plus one; 0 for none) last stored or found with a
    /// hash of that octet: tried first, so that a hit usually costs no scan. Only a hint:
    /// the slot's hash and key are compared as in the scan.
    hint: [u8; 256],
    cap: usize,
}

/// The most octets of a value [`hash`] reads.
const HASHED: usize = 64;

/// A quick hash of a key's parts (not a secret one: a collision costs one more
/// comparison, never a wrong answer, as keys are compared whole).
fn hash(a: &[u8], flag: bool, b: &[u8]) -> u64 {
    let mut h = ((a.len() as u64) << 1 | u64::from(flag)) ^ (b.len() as u64) << 20;
    // A long value is hashed by its two ends (and its length): enough to tell a CA's
    // values apart (they differ at their ends: a shard's number, a URL's path), and the
    // whole key is compared anyway.
    let (head, tail) = match b.len() {
        0..=HASHED => (b, &[][..]),
        n => (
            b.get(..HASHED / 2).unwrap_or(b),
            b.get(n - HASHED / 2..).unwrap_or(b),
        ),
    };
    for part in [a, head, tail] {
        let mut words = part.chunks_exact(8);
        for w in &mut words {
            let w = u64::from_le_bytes(w.try_into().unwrap_or_default());
            h = (h.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        for &byte in words.remainder() {
            h = (h.rotate_left(5) ^ u64::from(byte)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    h
}

impl<V> Clock<V> {
    const fn new(cap: usize) -> Clock<V> {
        Clock {
            entries: Vec::new(),
            hashes: Vec::new(),
            hint: [0; 256],
            cap,
        }
    }

    /// Whether slot `i` holds exactly the key (`h` its hash).
    fn holds(&self, i: usize, h: u64, a: &[u8], flag: bool, b: &[u8]) -> bool {
        self.hashes.get(i) == Some(&h)
            && self.entries.get(i).is_some_and(|e| {
                e.flag == flag
                    && e.split == a.len()
                    && e.key.len() == a.len() + b.len()
                    && e.key.get(..a.len()) == Some(a)
                    && e.key.get(a.len()..) == Some(b)
            })
    }

    /// The [`Clock::hint`] entry for hash `h`.
    fn hint_mut(&mut self, h: u64) -> Option<&mut u8> {
        self.hint.get_mut(usize::from(h.to_be_bytes()[0]))
    }

    /// The answer for exactly the bytes `a`, `b` and `flag`.
    fn get(&mut self, a: &[u8], flag: bool, b: &[u8]) -> Option<&V> {
        let h = hash(a, flag, b);
        let hinted = usize::from(*self.hint_mut(h)?).checked_sub(1);
        let at = match hinted.filter(|&i| self.holds(i, h, a, flag, b)) {
            Some(i) => i,
            None => {
                // A scan of the hashes, the keys compared only where one matches.
                let mut from = 0;
                let i = loop {
                    let i = from + self.hashes.get(from..)?.iter().position(|&x| x == h)?;
                    if self.holds(i, h, a, flag, b) {
                        break i;
                    }
                    from = i + 1;
                };
                if let (Some(slot), Ok(n)) = (self.hint_mut(h), u8::try_from(i + 1)) {
                    *slot = n;
                }
                i
            }
        };
        let entry = self.entries.get_mut(at)?;
        entry.used = true;
        Some(&entry.value)
    }

    /// Whether [`Clock::put`] would keep an answer for keys of these lengths.
    fn keeps(a: &[u8], b: &[u8]) -> bool {
        a.len().saturating_add(b.len()) <= MAX_KEY
    }

    /// Remembers `value` for the bytes (not when they are over [`MAX_KEY`]).
    fn put(&mut self, a: &[u8], flag: bool, b: &[u8], value: V) {
        if !Self::keeps(a, b) || self.cap == 0 {
            return;
        }
        let entry = Entry {
            flag,
            split: a.len(),
            key: [a, b].concat(),
            value,
            used: false,
        };
        let h = hash(a, flag, b);
        if self.entries.len() < self.cap {
            self.entries.push(entry);
            self.hashes.push(h);
            let n = u8::try_from(self.entries.len()).unwrap_or(0);
            if let Some(slot) = self.hint_mut(h) {
                *slot = n;
            }
            return;
        }
        // The hand starts where the new key's hash points: a clock that moves on in order
        // (like LRU) misses every time on keys met in a cycle a little longer than the
        // cache (the bench corpus's 64 CRL shards); a random victim keeps most of them.
        // One turn clears every `used`, so the second finds a place.
        let start = (h % self.cap as u64) as usize;
        for step in 0..2 * self.cap {
            let at = (start + step) % self.cap;
            if let (Some(e), Some(slot)) = (self.entries.get_mut(at), self.hashes.get_mut(at)) {
                if e.used {
                    e.used = false;
                } else {
                    *e = entry;
                    *slot = h;
                    let n = u8::try_from(at + 1).unwrap_or(0);
                    if let Some(hint) = self.hint_mut(h) {
                        *hint = n;
                    }
                    return;
                }
            }
        }
    }
}

/// A thread's caches, and the buffers an extension is re-encoded in for its own parse.
struct Cache {
    extensions: Clock<Known>,
    names: Clock<Name>,
    signatures: Clock<(String, x509::SignatureInfo)>,
    scratch: [Vec<u8>; 2],
}

thread_local! {
    static CACHE: RefCell<Cache> = const {
        RefCell::new(Cache {
            extensions: Clock::new(SLOTS),
            names: Clock::new(NAME_SLOTS),
            signatures: Clock::new(SIGNATURE_SLOTS),
            scratch: [Vec::new(), Vec::new()],
        })
    };
    /// Off only in tests, which compare the decode with and without the cache.
    static ENABLED: Cell<bool> = const { Cell::new(true) };
}

/// Whether the certificate decode uses the caches (always, outside tests): when it does,
/// x509-parser leaves the extensions' values to [`extensions`].
pub(super) fn enabled() -> bool {
    ENABLED.with(Cell::get)
}

/// Turns the caches on or off on this thread (and empties them).
#[cfg(test)]
pub(super) fn set_enabled(on: bool) {
    ENABLED.with(|e| e.set(on));
    clear();
}

/// Forgets every remembered answer on this thread.
#[cfg(test)]
pub(super) fn clear() {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.extensions = Clock::new(SLOTS);
        c.names = Clock::new(NAME_SLOTS);
        c.signatures = Clock::new(SIGNATURE_SLOTS);
    });
}

/// Extensions whose value is, nearly always, a certificate's own (its key identifier, its
/// names, its SCTs): not looked up or kept, so they cost no copy and displace nothing.
fn own_value(oid: &[u8]) -> bool {
    matches!(
        oid,
        [0x55, 0x1d, 14 | 17] | [0x2b, 6, 1, 4, 1, 0xd6, 0x79, 2, 4, 2]
    )
}

/// One extension as the certificate holds it: its OID's content octets, the critical
/// flag, its value's content octets (inside the certificate), and x509-parser's element
/// when x509-parser read it.
type Raw<'a, 'b> = (&'a [u8], bool, &'a [u8], Option<&'b X509Extension<'a>>);

/// The models of a certificate's extensions and the field errors for the malformed
/// directory names in them (byte offsets inside `der`), as [`x509::extensions`] and
/// [`x509::extension_name_errors`] give them. Extensions x509-parser left unparsed are
/// parsed here one at a time, each only when this thread has not decoded the same bytes
/// already. `None` when an extension does not parse again on its own (never expected; the
/// caller then reads the certificate with x509-parser's deep parse).
pub(super) fn extensions(
    der: &[u8],
    exts: &[X509Extension<'_>],
) -> Option<(Vec<Extension>, Vec<String>)> {
    decode_all(
        der,
        exts.iter()
            .map(|e| (e.oid.as_bytes(), e.critical, e.value, Some(e))),
    )
}

/// [`extensions`] for the extensions the certificate walk read (`cert::walk`): each its
/// OID's content octets, critical flag and value's content octets, all inside `der`.
pub(super) fn walked_extensions(
    der: &[u8],
    exts: &[(&[u8], bool, &[u8])],
) -> Option<(Vec<Extension>, Vec<String>)> {
    decode_all(der, exts.iter().map(|&(o, c, v)| (o, c, v, None)))
}

/// [`extensions`] of the extensions `exts` yields.
fn decode_all<'a, 'b>(
    der: &[u8],
    exts: impl ExactSizeIterator<Item = Raw<'a, 'b>>,
) -> Option<(Vec<Extension>, Vec<String>)>
where
    'a: 'b,
{
    CACHE.with(|cache| {
        let mut guard = cache.try_borrow_mut().ok()?;
        let Cache {
            extensions: known,
            scratch,
            ..
        } = &mut *guard;
        let mut models = Vec::with_capacity(exts.len());
        let mut errors = Vec::new();
        for (oid, critical, value, parsed) in exts {
            let shared = !own_value(oid);
            let base = || x509::value_offset(der, value);
            if shared {
                if let Some(k) = known.get(oid, critical, value) {
                    for (at, what) in &k.problems {
                        errors.push(x509::name_error(&k.model.name, base() + at, what));
                    }
                    models.push(k.model.clone());
                    continue;
                }
            }
            let k = decode_one((oid, critical, value, parsed), scratch)?;
            for (at, what) in &k.problems {
                errors.push(x509::name_error(&k.model.name, base() + at, what));
            }
            if shared && Clock::<Known>::keeps(oid, value) {
                models.push(k.model.clone());
                known.put(oid, critical, value, k);
            } else {
                models.push(k.model);
            }
        }
        Some((models, errors))
    })
}

/// One extension's model and name problems. An extension x509-parser did not parse (left
/// unparsed, or not read by it at all) is parsed from its canonical encoding
/// (`X509Extension::from_der` deep-parses: the value's parse is a function of the OID and
/// the value, and a value that does not parse is `ParseError`, as in the certificate's deep
/// parse).
fn decode_one(ext: Raw<'_, '_>, scratch: &mut [Vec<u8>; 2]) -> Option<Known> {
    let (oid, critical, value, parsed) = ext;
    if let Some(ext) = parsed.filter(|e| !matches!(e.parsed_extension(), ParsedExtension::Unparsed))
    {
        return Some(Known {
            model: x509::extension(ext),
            problems: x509::extension_name_problems(ext),
        });
    }
    if let Some(model) = own_fast(oid, critical, value) {
        // Neither holds a directory name: no name problems.
        return Some(Known {
            model,
            problems: Vec::new(),
        });
    }
    reparsed(oid, critical, value, scratch)
}

/// [`decode_one`] by x509-parser's deep parse of the extension re-encoded on its own.
fn reparsed(oid: &[u8], critical: bool, value: &[u8], scratch: &mut [Vec<u8>; 2]) -> Option<Known> {
    let [body, whole] = scratch;
    // A rare large extension does not keep its buffers for the thread's life.
    for b in [&mut *body, &mut *whole] {
        if b.capacity() > 1 << 16 {
            *b = Vec::new();
        }
    }
    body.clear();
    tlv::write_header(body, tlv::OID, oid.len());
    body.extend_from_slice(oid);
    if critical {
        // BOOLEAN TRUE
        body.extend_from_slice(&[0x01, 1, 0xff]);
    }
    tlv::write_header(body, tlv::OCTET_STRING, value.len());
    body.extend_from_slice(value);
    whole.clear();
    tlv::write_header(whole, tlv::SEQUENCE, body.len());
    whole.extend_from_slice(body);
    let (_, parsed) = X509Extension::from_der(whole).ok()?;
    // The same element, or nothing: the caller then takes x509-parser's own answer.
    if parsed.oid.as_bytes() != oid || parsed.critical != critical || parsed.value != value {
        return None;
    }
    Some(Known {
        model: x509::extension(&parsed),
        problems: x509::extension_name_problems(&parsed),
    })
}

/// The model of a subjectKeyIdentifier or subjectAltName of the usual shape, read from the
/// value with our TLV reader: what x509-parser's parse and [`x509::extension`] make of it
/// (fastwalk18 measured their parse at a quarter of a certificate's decode; these two are a
/// certificate's own, so never cached). SKI: one plain-DER OCTET STRING. SAN: a non-empty
/// plain-DER SEQUENCE whose every element is a primitive plain-DER rfc822Name, dNSName, URI
/// (x509-parser takes UTF-8; other bytes make an `invalid` name) or a 4- or 16-octet
/// iPAddress. `None` for anything else, which takes x509-parser's parse.
fn own_fast(oid: &[u8], critical: bool, value: &[u8]) -> Option<Extension> {
    let (top, rest) = tlv::read(value).ok()?;
    if !rest.is_empty() {
        return None;
    }
    // The dotted OIDs written out: `oids::display` costs more than the rest of an SKI.
    let (dotted, value) = match oid {
        [0x55, 0x1d, 14] if cert_walk::plain(&top, tlv::OCTET_STRING) => (
            "2.5.29.14",
            ExtValue::KeyId(KeyIdValue {
                key_id: x509::lower_hex(top.value),
            }),
        ),
        [0x55, 0x1d, 17] if cert_walk::plain(&top, tlv::SEQUENCE) && !top.value.is_empty() => {
            // Sized at once: it would grow twice for the usual handful of names.
            let mut names = Vec::with_capacity(top.children().count());
            for n in top.children() {
                let n = n.ok()?;
                let kind = match n.tag {
                    0x81 => "email",
                    0x82 => "dns",
                    0x86 => "uri",
                    0x87 if matches!(n.value.len(), 4 | 16) => "ip",
                    _ => return None,
                };
                if !cert_walk::plain(&n, n.tag) {
                    return None;
                }
                names.push(if kind == "ip" {
                    GeneralName::new(kind, x509::ip(n.value))
                } else {
                    match std::str::from_utf8(n.value) {
                        Ok(text) => GeneralName::new(kind, text),
                        // As x509-parser's `GeneralName::Invalid` shows.
                        Err(_) => GeneralName::new(
                            "invalid",
                            format!("tag {} value {}", n.tag & 0x1f, hex::encode(n.value)),
                        ),
                    }
                });
            }
            ("2.5.29.17", ExtValue::Names(names))
        }
        _ => return None,
    };
    let (oid, name) = x509::extension_names(dotted);
    Some(Extension {
        oid,
        name,
        critical,
        value: value.into(),
    })
}

/// [`dn::read_name`]'s answer for the whole Name `der`, from this thread's cache when it has
/// read the same bytes; `keep` remembers a new answer (issuers: shared by a CA's
/// certificates; a subject is only looked up).
pub(super) fn name(der: &[u8], keep: bool) -> Name {
    if !enabled() {
        return read_name(der);
    }
    CACHE.with(|cache| {
        let Ok(mut c) = cache.try_borrow_mut() else {
            return read_name(der);
        };
        if let Some(n) = c.names.get(der, false, &[]) {
            return n.clone();
        }
        let n = read_name(der);
        if keep && Clock::<Name>::keeps(der, &[]) {
            c.names.put(der, false, &[], n.clone());
        }
        n
    })
}

/// The signature algorithm's name (`name()`) and [`x509::signature_info`] of the certificate
/// `der`, from this thread's cache when it has read the same two AlgorithmIdentifiers (the
/// outer one and the one inside the signed part: both answers are functions of these).
/// `algorithms` is [`x509::signature_algorithms`] of `der` (the walk has them already).
pub(super) fn signature<'a>(
    der: &'a [u8],
    algorithms: Option<(tlv::Tlv<'a>, Option<tlv::Tlv<'a>>)>,
    name: impl FnOnce() -> String,
) -> (String, x509::SignatureInfo) {
    let fresh = |name: String| (name, x509::signature_info(der));
    let Some((outer, inner)) = algorithms.filter(|_| enabled()) else {
        return fresh(name());
    };
    let inner = inner.map_or(&[][..], |i| i.raw);
    CACHE.with(|cache| {
        let Ok(mut c) = cache.try_borrow_mut() else {
            return fresh(name());
        };
        let present = !inner.is_empty();
        if let Some(found) = c.signatures.get(outer.raw, present, inner) {
            return found.clone();
        }
        let found = fresh(name());
        c.signatures.put(outer.raw, present, inner, found.clone());
        found
    })
}

#[cfg(test)]
/// Every certificate under `fixtures/` (files up to 4 MiB), as an item of its input.
pub(super) fn fixture_certificates() -> Vec<crate::model::Item> {
    super::fixture_items(crate::model::Kind::Certificate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{self, cert, Options};
    use crate::model::Item;

    /// What the decode of `der` gives: the model and field errors (or the error), and the
    /// item's JSON line.
    fn decoded(item: &Item) -> (String, String) {
        let der = item.der.as_deref().unwrap_or_default();
        let model = match cert::decode(der) {
            Ok(d) => format!("{:?} {:?} {:?}", d.cert, d.spki, d.field_errors),
            Err(e) => format!("error {e}"),
        };
        let again = decode::certificate_item(der, item.source.clone(), &Options::default());
        let mut json = Vec::new();
        crate::render::json::JsonlWriter::new(&mut json)
            .item(&again)
            .unwrap();
        (model, String::from_utf8(json).unwrap())
    }

    /// The cache changes nothing: every fixture certificate (hostile and damaged ones
    /// included) decodes to the same model, field errors (offsets too) and JSON with a
    /// cold cache, a warm one, in reverse and shuffled orders, and twice in a row, as with
    /// the cache off (x509-parser's deep parse, as before the cache).
    #[test]
    fn the_cache_changes_no_answer() {
        let certs = super::fixture_certificates();
        assert!(certs.len() > 500, "{} certificates", certs.len());
        eprintln!("{} certificates", certs.len());
        set_enabled(false);
        let want: Vec<_> = certs.iter().map(decoded).collect();
        set_enabled(true);
        let mut order: Vec<usize> = (0..certs.len()).collect();
        let check = |order: &[usize], twice: bool| {
            for &i in order {
                for _ in 0..if twice { 2 } else { 1 } {
                    let got = decoded(&certs[i]);
                    assert_eq!(got, want[i], "{}", certs[i].source.locator(true));
                }
            }
        };
        check(&order, false);
        order.reverse();
        check(&order, false);
        // A fixed shuffle (xorshift), so a failure repeats.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in (1..order.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            order.swap(i, (x % (i as u64 + 1)) as usize);
        }
        clear();
        check(&order, true);
    }

    /// `der` with its serial number `extra` octets longer: every later element (names,
    /// extensions) moves by `extra` bytes.
    fn longer_serial(der: &[u8], extra: usize) -> Vec<u8> {
        let (top, _) = tlv::read(der).unwrap();
        let mut parts = top.children();
        let tbs = parts.next().unwrap().unwrap();
        let mut body = Vec::new();
        for field in tbs.children() {
            let field = field.unwrap();
            if field.tag == tlv::INTEGER {
                let mut serial = vec![0x01; extra];
                serial.extend_from_slice(field.value);
                tlv::write_header(&mut body, tlv::INTEGER, serial.len());
                body.extend_from_slice(&serial);
            } else {
                body.extend_from_slice(field.raw);
            }
        }
        let mut cert = Vec::new();
        tlv::write_header(&mut cert, tlv::SEQUENCE, body.len());
        cert.extend_from_slice(&body);
        for rest in parts {
            cert.extend_from_slice(rest.unwrap().raw);
        }
        let mut out = Vec::new();
        tlv::write_header(&mut out, tlv::SEQUENCE, cert.len());
        out.extend_from_slice(&cert);
        out
    }

    /// An extension's malformed directory name is named at its offset in the certificate
    /// being decoded, not in the one whose decode the cache remembers.
    #[test]
    fn a_cached_name_error_names_this_certificates_offset() {
        let fixtures: [&[u8]; 3] = [
            include_bytes!("../../fixtures/name-errors/cert-aki-issuer.der"),
            include_bytes!("../../fixtures/name-errors/cert-crldp-fullname.der"),
            include_bytes!("../../fixtures/name-errors/cert-issuer-truncated-rdn.der"),
        ];
        for der in fixtures {
            let moved = longer_serial(der, 7);
            set_enabled(false);
            let want_moved = cert::decode(&moved).unwrap().field_errors;
            let want = cert::decode(der).unwrap().field_errors;
            set_enabled(true);
            assert_eq!(cert::decode(der).unwrap().field_errors, want);
            let got = cert::decode(&moved).unwrap().field_errors;
            assert_eq!(got, want_moved);
            assert_ne!(got, want, "the offsets moved");
            assert_eq!(cert::decode(der).unwrap().field_errors, want);
        }
    }

    /// What `own_fast` and x509-parser's parse (`reparsed`) make of one SKI or SAN value,
    /// compared whenever `own_fast` answers; whether it did.
    fn fast_agrees(oid: &[u8], critical: bool, value: &[u8]) -> bool {
        let Some(fast) = own_fast(oid, critical, value) else {
            return false;
        };
        let slow = reparsed(oid, critical, value, &mut [Vec::new(), Vec::new()])
            .unwrap_or_else(|| panic!("x509-parser refuses {}", hex::encode(value)));
        assert_eq!(fast, slow.model, "{}", hex::encode(value));
        assert!(slow.problems.is_empty(), "{}", hex::encode(value));
        true
    }

    /// Every fixture certificate's SKI and SAN reads the same through `own_fast` as
    /// through x509-parser's parse, whenever `own_fast` reads it (and the certificate's
    /// deep parse agrees too).
    #[test]
    fn own_fast_agrees_on_every_fixture_san_and_ski() {
        let (mut seen, mut fast) = (0, 0);
        for item in super::fixture_certificates() {
            let der = item.der.as_deref().unwrap_or_default();
            let Ok((_, cert)) = x509_parser::parse_x509_certificate(der) else {
                continue;
            };
            for ext in cert.extensions() {
                let oid = ext.oid.as_bytes();
                if !matches!(oid, [0x55, 0x1d, 14 | 17]) {
                    continue;
                }
                seen += 1;
                if fast_agrees(oid, ext.critical, ext.value) {
                    fast += 1;
                    let model = own_fast(oid, ext.critical, ext.value).unwrap();
                    assert_eq!(model, x509::extension(ext));
                    assert!(x509::extension_name_problems(ext).is_empty());
                }
            }
        }
        eprintln!("{fast} of {seen} fixture SANs and SKIs read by own_fast");
        assert!(fast > 900 && fast * 10 > seen * 9, "{fast} of {seen}");
    }

    /// `tag` `len` `value` in DER, except that `long` writes the length one octet longer
    /// than needed.
    fn element(tag: u8, value: &[u8], long: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if long && value.len() < 0x80 {
            out.extend_from_slice(&[tag, 0x81, value.len() as u8]);
        } else {
            tlv::write_header(&mut out, tag, value.len());
        }
        out.extend_from_slice(value);
        out
    }

    /// Synthetic SANs (mixes of the four name types and others, with UTF-8, invalid UTF-8,
    /// control bytes, empty strings, addresses of every awkward length, long lengths, BER
    /// lengths, constructed tags, trailing bytes) and SKIs: whenever `own_fast` answers,
    /// x509-parser's parse says the same.
    #[test]
    fn own_fast_agrees_on_synthetic_values() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut rand = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        let pieces: [&[u8]; 10] = [
            b"example.com",
            b"a",
            b"",
            "\u{e9}t\u{e9}".as_bytes(),
            b"\x00",
            b"\x1b[31m\n\t",
            b"\xff\xfe",
            b"\xc3",
            b"user@example.org",
            "\u{1F600}".as_bytes(),
        ];
        let (mut tried, mut fast) = (0, 0);
        for _ in 0..30_000 {
            let mut body = Vec::new();
            for _ in 0..1 + rand(5) {
                let tag = [0x81, 0x82, 0x86, 0x87, 0x82, 0x82, 0x87, 0xa2, 0x88, 0x80][rand(10)];
                let mut v = Vec::new();
                if tag == 0x87 || tag == 0x88 {
                    let len = [0, 3, 4, 5, 16, 17, 4, 16, 8, 32][rand(10)];
                    v.extend((0..len).map(|_| rand(256) as u8));
                } else {
                    for _ in 0..rand(4) {
                        v.extend_from_slice(pieces[rand(pieces.len())]);
                    }
                    if rand(8) == 0 {
                        v.extend((0..100 + rand(300)).map(|_| b'a' + rand(26) as u8));
                    }
                    if rand(8) == 0 {
                        v.push(rand(256) as u8);
                    }
                }
                body.extend(element(tag, &v, rand(40) == 0));
            }
            let mut san = element(tlv::SEQUENCE, &body, rand(40) == 0);
            if rand(40) == 0 {
                san.push(0);
            }
            tried += 1;
            fast += usize::from(fast_agrees(&[0x55, 0x1d, 17], rand(2) == 0, &san));
        }
        // An empty SAN and a non-SEQUENCE are left to x509-parser.
        assert!(!fast_agrees(&[0x55, 0x1d, 17], false, &[0x30, 0]));
        assert!(!fast_agrees(&[0x55, 0x1d, 17], false, &[0x04, 0]));
        eprintln!("{fast} of {tried} synthetic SANs read by own_fast");
        assert!(fast > tried / 10, "{fast} of {tried}");
        let mut ski_fast = 0;
        for len in [0, 1, 20, 32, 127, 128, 300] {
            let id: Vec<u8> = (0..len).map(|_| rand(256) as u8).collect();
            for value in [
                element(tlv::OCTET_STRING, &id, false),
                element(tlv::OCTET_STRING, &id, true),
                element(0x24, &id, false),
                [element(tlv::OCTET_STRING, &id, false), vec![0]].concat(),
            ] {
                ski_fast += usize::from(fast_agrees(&[0x55, 0x1d, 14], false, &value));
            }
        }
        assert_eq!(ski_fast, 9);
    }

    /// A cache hit copies nothing (alloc18): the second decode of a certificate shares
    /// every cached extension's value and the issuer's RDNs with the first, and a known
    /// extension's OID and name are the table's text.
    #[test]
    fn a_cache_hit_shares_values_and_rdns() {
        use std::borrow::Cow;
        use std::sync::Arc;
        let der = include_bytes!("../../fixtures/certs/leaf.der");
        set_enabled(true);
        clear();
        let (a, b) = (cert::decode(der).unwrap(), cert::decode(der).unwrap());
        assert!(Arc::ptr_eq(&a.cert.issuer_rdns, &b.cert.issuer_rdns));
        let mut shared = 0;
        for (x, y) in a.cert.extensions.iter().zip(&b.cert.extensions) {
            let known = crate::asn1::oids::extension(&x.oid).is_some();
            let borrowed = matches!((&x.oid, &x.name), (Cow::Borrowed(_), Cow::Borrowed(_)));
            assert_eq!(borrowed, known, "{}", x.oid);
            let own = own_value(&crate::asn1::oids::encode(&x.oid).unwrap());
            assert_eq!(Arc::ptr_eq(&x.value, &y.value), !own, "{}", x.name);
            shared += usize::from(!own);
        }
        assert!(shared >= 5, "{shared}");
        assert!(a.cert.extensions.len() > shared + 1);
    }

    #[test]
    fn the_cache_is_bounded_and_compares_whole_keys() {
        let mut clock = Clock::new(4);
        clock.put(b"ab", false, b"c", 1);
        assert_eq!(clock.get(b"ab", false, b"c"), Some(&1));
        // The same bytes split differently, or flagged differently, are other keys.
        assert_eq!(clock.get(b"a", false, b"bc"), None);
        assert_eq!(clock.get(b"ab", true, b"c"), None);
        assert_eq!(clock.get(b"ab", false, b"d"), None);
        // Too large: not kept.
        clock.put(&[0; MAX_KEY], false, b"x", 2);
        assert_eq!(clock.get(&[0; MAX_KEY], false, b"x"), None);
        // Keys whose hashes collide are still told apart by their bytes.
        let mut long = Clock::new(4);
        long.put(&[7; 40], false, b"", 3);
        long.hashes
            .iter_mut()
            .for_each(|h| *h = hash(&[7; 41], false, b""));
        assert_eq!(long.get(&[7; 41], false, b""), None);
        // Full: an entry not used since the hand passed goes; a used one stays.
        for n in 0u8..10 {
            clock.put(&[n], false, b"", i32::from(n) + 10);
            assert!(clock.entries.len() <= 4);
            assert_eq!(clock.get(b"ab", false, b"c"), Some(&1), "after {n}");
        }
    }
}
