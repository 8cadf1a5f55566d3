//! One block or DER structure to events: which decoder a PEM label or a sniffed DER
//! structure goes to, and how each decoder's result becomes an item.

use std::sync::Arc;

use super::{cert, crl, csr, fill_certificate, finish, key, ocsp, pkcs12, pkcs7, x509};
use super::{Event, Options};
use crate::asn1::tlv;
use crate::input::detect::{self, DerKind};
use crate::input::labels::{self, LabelKind};
use crate::input::pem::{self, Block};
use crate::model::{BagAttributes, Body, Container, FileSource, Item, Kind, Source, Unknown};

/// Decodes one block or DER structure into events with index 0; the `Sequencer`
/// (`sequence.rs`) numbers them when they are handed out.
pub(super) struct Ctx<'a, 'o> {
    pub(super) path: &'a str,
    pub(super) opts: &'a Options<'o>,
    pub(super) out: &'a mut Vec<Event>,
}

impl Ctx<'_, '_> {
    fn source(&self, line: Option<usize>, container: Option<Container>) -> Source {
        Source::File(FileSource {
            path: self.path.to_string(),
            index: 0,
            line,
            container,
            key: None,
        })
    }

    fn new_item(&self, kind: Kind, line: Option<usize>, container: Option<Container>) -> Item {
        Item::new(kind, self.source(line, container))
    }

    fn emit_item(&mut self, mut item: Item) {
        finish(&mut item, self.opts);
        self.out.push(Event::Item(Box::new(item)));
    }

    fn emitted(&self) -> usize {
        self.out.len()
    }

    fn locator(&self, line: Option<usize>) -> String {
        match line {
            Some(n) => format!("{} (line {n})", self.path),
            None => self.path.to_string(),
        }
    }

    fn problem(&mut self, line: Option<usize>, message: String) {
        let locator = self.locator(line);
        self.out.push(Event::Problem { locator, message });
    }

    pub(super) fn block(&mut self, block: Block) {
        let line = Some(block.line);
        let label: &str = &block.label;
        if block.der.is_empty() {
            let mut item = self.new_item(kind_of_label(label), line, None);
            item.pem_label = Some(block.label.clone());
            item.add_error(block.problem.unwrap_or_else(|| "empty block".to_string()));
            self.emit_item(item);
            return;
        }
        let before = self.emitted();
        let encrypted = block
            .header("Proc-Type")
            .is_some_and(|v| v.contains("ENCRYPTED"));
        // The label table (`input::labels`) says what a block holds; a known label only, as a
        // label that merely ends in `PRIVATE KEY` is not one certscope decodes.
        let what = labels::known(label).map(|(_, kind)| kind);
        match what {
            Some(LabelKind::Certificate) if label == labels::TRUSTED_CERTIFICATE => {
                match cert::split_trusted(&block.der) {
                    Ok((der, trust)) => {
                        let der = der.to_vec();
                        self.certificate(der.into(), line, Some(label), None, trust);
                    }
                    Err(e) => self.failed(
                        Kind::Certificate,
                        line,
                        Some(label),
                        format!("trusted certificate: {e}"),
                    ),
                }
            }
            Some(LabelKind::Certificate) => {
                self.certificate(block.der.clone(), line, Some(label), None, None)
            }
            Some(LabelKind::Csr) => self.csr(block.der.clone(), line, Some(label)),
            Some(LabelKind::Crl) => self.crl(&block.der, line, Some(label), None),
            Some(LabelKind::OcspRequest) => {
                self.ocsp(&block.der, line, Some(label), Kind::OcspRequest)
            }
            Some(LabelKind::OcspResponse) => {
                self.ocsp(&block.der, line, Some(label), Kind::OcspResponse)
            }
            Some(LabelKind::PrivateKey | LabelKind::PublicKey) => {
                let der = &block.der;
                let promised = label_key_kind(label);
                let content = detect::sniff_der(der);
                // Read by content when the content is clearly another key format that needs
                // no password (issue 14 item 8: pyca and openssl's decoders do the same), and
                // say so.
                let by_content =
                    if content != promised && content != DerKind::EncryptedPkcs8 && !encrypted {
                        self.key_of(der, content)
                    } else {
                        None
                    };
                let legacy = matches!(
                    promised,
                    DerKind::RsaPrivate | DerKind::EcPrivate | DerKind::DsaPrivate
                );
                let (decoded, kind) = match by_content {
                    Some((decoded, kind)) => {
                        let decoded = decoded.map(|mut d| {
                            d.warnings.insert(
                                0,
                                format!(
                                    "the PEM label says {label} but the content is {}; read by \
                                     its content",
                                    der_kind_name(content)
                                ),
                            );
                            d
                        });
                        (decoded, kind)
                    }
                    None if encrypted && legacy => (
                        key::legacy_encrypted(
                            label,
                            block.header("DEK-Info"),
                            der,
                            self.opts.password,
                        ),
                        Kind::PrivateKey,
                    ),
                    None => self
                        .key_of(der, promised)
                        .unwrap_or_else(|| (key::pkcs1_public(der), Kind::PublicKey)),
                };
                self.key(decoded, kind, line, Some(label), Some(&block.der));
            }
            Some(LabelKind::Pkcs7) => self.pkcs7(&block.der, line),
            Some(LabelKind::Parameters) => self.parameters(&block.der, line, Some(label)),
            Some(LabelKind::Pkcs12) => self.pkcs12(&block.der, line),
            None => {
                let mut item = self.new_item(Kind::Unknown, line, None);
                item.pem_label = Some(block.label.clone());
                item.body = Body::Unknown(Unknown {
                    label: Some(block.label.to_string()),
                    size: block.der.len(),
                });
                self.emit_item(item);
            }
        }
        if let Some(problem) = block.problem {
            // The block decoded but had a defect (e.g. mismatched END): say so on its item.
            if self.emitted() > before {
                self.problem(line, problem);
            }
        }
    }

    fn failed(&mut self, kind: Kind, line: Option<usize>, label: Option<&str>, message: String) {
        let mut item = self.new_item(kind, line, None);
        item.pem_label = label.map(pem::label_text);
        item.add_error(message);
        self.emit_item(item);
    }

    pub(super) fn whole_der(&mut self, data: &[u8]) {
        let (tlv, rest) = match tlv::read(data) {
            Ok(x) => x,
            Err(e) => {
                self.problem(None, format!("malformed DER: {e}"));
                return;
            }
        };
        let der = tlv.raw;
        match detect::sniff_der(der) {
            DerKind::Certificate => self.certificate(der.into(), None, None, None, None),
            DerKind::Csr => self.csr(der.into(), None, None),
            DerKind::Crl => self.crl(der, None, None, None),
            DerKind::OcspRequest => self.ocsp(der, None, None, Kind::OcspRequest),
            DerKind::OcspResponse => self.ocsp(der, None, None, Kind::OcspResponse),
            key @ (DerKind::Pkcs8
            | DerKind::EncryptedPkcs8
            | DerKind::Spki
            | DerKind::RsaPrivate
            | DerKind::RsaPublic
            | DerKind::EcPrivate
            | DerKind::DsaPrivate) => {
                if let Some((decoded, kind)) = self.key_of(der, key) {
                    self.key(decoded, kind, None, None, None);
                }
            }
            DerKind::Pkcs7 => self.pkcs7(der, None),
            DerKind::Pkcs12 => self.pkcs12(der, None),
            DerKind::EcParameters => self.parameters(der, None, None),
            DerKind::Unknown => self.problem(
                None,
                format!(
                    "DER structure not recognised ({} bytes; not a certificate, CSR, CRL, key, \
                     PKCS#7 or PKCS#12)",
                    der.len()
                ),
            ),
        }
        if !rest.is_empty() {
            self.problem(
                None,
                format!(
                    "{} bytes of trailing data after the DER structure",
                    rest.len()
                ),
            );
        }
    }

    /// A certificate item; `trust` is OpenSSL's trust data of a `TRUSTED CERTIFICATE`.
    fn certificate(
        &mut self,
        der: Arc<[u8]>,
        line: Option<usize>,
        label: Option<&str>,
        container: Option<Container>,
        trust: Option<crate::model::TrustInfo>,
    ) {
        let mut item = self.new_item(Kind::Certificate, line, container);
        item.pem_label = label.map(pem::label_text);
        fill_certificate(&mut item, der, self.opts);
        if let Body::Certificate(c) = &mut item.body {
            c.trust = trust;
        }
        self.emit_item(item);
    }

    /// A request item; `der` is shared with the block it came from (not copied).
    fn csr(&mut self, der: Arc<[u8]>, line: Option<usize>, label: Option<&str>) {
        let mut item = self.new_item(Kind::Csr, line, None);
        item.pem_label = label.map(pem::label_text);
        match csr::decode(&der) {
            Ok((c, spki, field_errors)) => {
                for e in field_errors {
                    item.add_error(format!("certificate request: {e}"));
                }
                if c.self_signature == "invalid" {
                    item.warnings.push(
                        "the request's self-signature does not verify with its own key".into(),
                    );
                }
                item.body = Body::Csr(Box::new(c));
                item.spki_der = Some(spki);
            }
            Err(e) => item.add_error(format!("certificate request: {e}")),
        }
        item.der = Some(der);
        self.emit_item(item);
    }

    fn crl(
        &mut self,
        der: &[u8],
        line: Option<usize>,
        label: Option<&str>,
        container: Option<Container>,
    ) {
        let mut item = self.new_item(Kind::Crl, line, container);
        item.pem_label = label.map(pem::label_text);
        // One shared copy: the item's DER and the CRL's lazily decoded entries.
        let shared: std::sync::Arc<[u8]> = der.into();
        match crl::decode_shared(&shared) {
            Ok(crl::Decoded {
                crl: c,
                field_errors,
            }) => {
                for e in field_errors {
                    item.add_error(format!("CRL: {e}"));
                }
                if let Some(inner) = &c.inner_signature_algorithm {
                    let w = x509::mismatch_warning(inner, &c.signature_algorithm);
                    item.warnings.push(w);
                }
                item.body = Body::Crl(Box::new(c))
            }
            Err(e) => item.add_error(format!("CRL: {e}")),
        }
        item.der = Some(shared);
        self.emit_item(item);
    }

    fn ocsp(&mut self, der: &[u8], line: Option<usize>, label: Option<&str>, kind: Kind) {
        let mut item = self.new_item(kind, line, None);
        item.pem_label = label.map(pem::label_text);
        let decoded = if kind == Kind::OcspRequest {
            ocsp::decode_request(der).map(|r| Body::OcspRequest(Box::new(r)))
        } else {
            ocsp::decode_response(der).map(|r| Body::OcspResponse(Box::new(r)))
        };
        match decoded {
            Ok(body) => {
                // A responder name shown as malformed is a failure too, not only a field.
                if let Body::OcspResponse(r) = &body {
                    let id = r.responder_id.as_deref().unwrap_or_default();
                    if id
                        .strip_prefix("name: ")
                        .is_some_and(crate::asn1::dn::is_malformed_name)
                    {
                        item.add_error("OCSP: responderID: malformed name".to_string());
                    }
                }
                item.body = body
            }
            Err(e) => item.add_error(format!("OCSP: {e}")),
        }
        item.der = Some(der.into());
        self.emit_item(item);
    }

    /// A key decoded as the format `kind`, and whether it is private or public; `None` when
    /// `kind` is not a key format.
    fn key_of(&self, der: &[u8], kind: DerKind) -> Option<(Result<key::DecodedKey, String>, Kind)> {
        Some(match kind {
            DerKind::Pkcs8 => (key::pkcs8_private(der), Kind::PrivateKey),
            DerKind::EncryptedPkcs8 => (
                key::pkcs8_encrypted(der, self.opts.password, &self.opts.budget()),
                Kind::PrivateKey,
            ),
            DerKind::RsaPrivate => (key::pkcs1_private(der), Kind::PrivateKey),
            DerKind::EcPrivate => (key::sec1_private(der), Kind::PrivateKey),
            DerKind::DsaPrivate => (key::dsa_private(der), Kind::PrivateKey),
            DerKind::Spki => (key::spki_public(der), Kind::PublicKey),
            DerKind::RsaPublic => (key::pkcs1_public(der), Kind::PublicKey),
            _ => return None,
        })
    }

    /// A key item; `block` is the DER of the PEM block it came from.
    fn key(
        &mut self,
        decoded: Result<key::DecodedKey, String>,
        kind: Kind,
        line: Option<usize>,
        label: Option<&str>,
        block: Option<&Arc<[u8]>>,
    ) {
        let item = self.key_item(decoded, kind, line, label, None, block);
        self.emit_item(item);
    }

    fn key_item(
        &self,
        decoded: Result<key::DecodedKey, String>,
        kind: Kind,
        line: Option<usize>,
        label: Option<&str>,
        container: Option<Container>,
        block: Option<&Arc<[u8]>>,
    ) -> Item {
        let mut item = self.new_item(kind, line, container);
        item.pem_label = label.map(pem::label_text);
        match decoded {
            Ok(d) => {
                if kind == Kind::PublicKey {
                    // A public key's thumbprint is that of its SPKI, whatever it was wrapped in;
                    // a block that is the SPKI itself is shared, not copied.
                    item.der = match (d.spki.as_deref(), block) {
                        (Some(spki), Some(block)) if **block == *spki => Some(block.clone()),
                        (spki, _) => spki.map(Into::into),
                    };
                }
                item.spki_der = d.spki;
                item.body = Body::Key(Box::new(d.key));
                item.warnings.extend(d.warnings);
            }
            Err(e) => item.add_error(format!("{}: {e}", kind.describe())),
        }
        item
    }

    fn parameters(&mut self, der: &[u8], line: Option<usize>, label: Option<&str>) {
        let mut item = self.new_item(Kind::Parameters, line, None);
        item.pem_label = label.map(pem::label_text);
        match key::parameters(label, der) {
            Ok(p) => item.body = Body::Parameters(p),
            Err(e) => item.add_error(format!("parameters: {e}")),
        }
        self.emit_item(item);
    }

    fn pkcs7(&mut self, der: &[u8], line: Option<usize>) {
        let before = self.emitted();
        match pkcs7::decode(der) {
            Ok(sd) => {
                if sd.contents.is_empty() && sd.message.is_none() {
                    self.problem(line, "PKCS#7 holds no certificates or CRLs".to_string());
                }
                for c in sd.contents {
                    // One past the limit is enough for the Sequencer to report it.
                    if self.emitted() > self.opts.max_items {
                        break;
                    }
                    match c {
                        pkcs7::Content::Certificate(d) => {
                            self.certificate(d.into(), line, None, Some(Container::Pkcs7), None)
                        }
                        pkcs7::Content::Crl(d) => self.crl(&d, line, None, Some(Container::Pkcs7)),
                        pkcs7::Content::Malformed(error) => {
                            let mut item =
                                self.new_item(Kind::Unknown, line, Some(Container::Pkcs7));
                            item.add_error(error);
                            self.emit_item(item);
                        }
                        pkcs7::Content::Other(what, size) => {
                            let mut item =
                                self.new_item(Kind::Unknown, line, Some(Container::Pkcs7));
                            item.body = Body::Unknown(Unknown {
                                label: Some(what.to_string()),
                                size,
                            });
                            self.emit_item(item);
                        }
                    }
                }
                // The message itself, after what it carries (which keeps the certificates'
                // positions those of a certs-only bundle). Thumbprint mode lists what a
                // SignedData carries, and the message only when it carries nothing.
                let carries = self.emitted() > before;
                if let Some(m) = sd.message {
                    if self.emitted() <= self.opts.max_items && !(self.opts.brief && carries) {
                        let mut item = self.new_item(Kind::Cms, line, None);
                        // A name shown as malformed is a failure too, not only a field.
                        let bad_names = m
                            .signers
                            .iter()
                            .map(|s| ("signer", &s.issuer))
                            .chain(m.recipients.iter().map(|r| ("recipient", &r.issuer)))
                            .filter(|(_, issuer)| {
                                issuer
                                    .as_deref()
                                    .is_some_and(crate::asn1::dn::is_malformed_name)
                            })
                            .map(|(who, _)| format!("CMS: {who} issuer: malformed name"))
                            .collect::<Vec<_>>();
                        item.body = Body::Cms(Box::new(m));
                        for p in sd.problems.into_iter().chain(bad_names) {
                            item.add_error(p);
                        }
                        item.der = Some(der.into());
                        self.emit_item(item);
                    }
                }
            }
            Err(e) => self.problem(line, e),
        }
    }

    fn pkcs12(&mut self, der: &[u8], line: Option<usize>) {
        let (bags, mac) = match pkcs12::open(der, self.opts.password, &self.opts.budget()) {
            Ok(o) => (o.bags, o.mac),
            Err(e @ pkcs12::Pkcs12Error::NeedPassword) => {
                self.out.push(Event::NeedPassword {
                    locator: self.locator(line),
                    message: e.to_string(),
                });
                return;
            }
            Err(e) => {
                self.problem(line, e.to_string());
                return;
            }
        };
        if bags.is_empty() {
            self.problem(line, "PKCS#12 holds no certificates or keys".to_string());
        }
        for bag in bags {
            if self.emitted() > self.opts.max_items {
                break;
            }
            let attrs = BagAttributes {
                friendly_name: bag.friendly_name.clone(),
                local_key_id: bag.local_key_id.as_deref().map(hex::encode),
            };
            let container = Some(Container::Pkcs12);
            let protection = crate::model::Pkcs12Protection {
                mac: mac.clone(),
                bag_encryption: bag.encryption.as_ref().map(|e| e.scheme.clone()),
                bag_encryption_iterations: bag.encryption.as_ref().and_then(|e| e.iterations),
            };
            match (&bag.kind, &bag.error) {
                (pkcs12::BagKind::Key, None) => {
                    let shroud = bag.encryption.as_ref().filter(|e| e.shrouded);
                    let decoded = key::pkcs8_private(&bag.der).map(|mut d| {
                        // A shrouded key bag is an EncryptedPrivateKeyInfo, opened here.
                        if let Some(e) = shroud {
                            d.key.format = crate::model::KeyFormat::Pkcs8Encrypted;
                            d.key.encrypted = true;
                            d.key.decrypted = true;
                            d.key.encryption = Some(e.scheme.clone());
                        }
                        d
                    });
                    let mut item =
                        self.key_item(decoded, Kind::PrivateKey, line, None, container, None);
                    item.bag = Some(Box::new(attrs));
                    item.protection = Some(Box::new(protection));
                    self.emit_item(item);
                }
                (pkcs12::BagKind::Certificate, None) => {
                    let mut item = self.new_item(Kind::Certificate, line, container);
                    item.bag = Some(Box::new(attrs));
                    item.protection = Some(Box::new(protection));
                    fill_certificate(&mut item, Arc::from(&bag.der[..]), self.opts);
                    self.emit_item(item);
                }
                (kind, error) => {
                    // A bag that could not be read: an item with the error, the others stand.
                    let (kind, what) = match kind {
                        pkcs12::BagKind::Key => (Kind::PrivateKey, "private key"),
                        pkcs12::BagKind::Certificate => (Kind::Certificate, "certificate"),
                        pkcs12::BagKind::Other(what) => (Kind::Unknown, what.as_str()),
                    };
                    let mut item = self.new_item(kind, line, container);
                    if kind == Kind::Unknown {
                        item.body = Body::Unknown(Unknown {
                            label: Some(format!("PKCS#12 {what}")),
                            size: bag.size,
                        });
                    }
                    item.bag = Some(Box::new(attrs));
                    item.protection = Some(Box::new(protection));
                    item.add_error(format!(
                        "{what}: {}",
                        error.as_deref().unwrap_or("not read")
                    ));
                    self.emit_item(item);
                }
            }
        }
    }
}

fn kind_of_label(label: &str) -> Kind {
    match labels::kind(label) {
        Some(LabelKind::Certificate) => Kind::Certificate,
        Some(LabelKind::Csr) => Kind::Csr,
        Some(LabelKind::Crl) => Kind::Crl,
        Some(LabelKind::PrivateKey) => Kind::PrivateKey,
        Some(LabelKind::PublicKey) => Kind::PublicKey,
        Some(LabelKind::Parameters) => Kind::Parameters,
        Some(LabelKind::OcspRequest) => Kind::OcspRequest,
        Some(LabelKind::OcspResponse) => Kind::OcspResponse,
        Some(LabelKind::Pkcs7 | LabelKind::Pkcs12) | None => Kind::Unknown,
    }
}

/// The key format a PEM label promises.
fn label_key_kind(label: &str) -> DerKind {
    match label {
        "PRIVATE KEY" => DerKind::Pkcs8,
        "ENCRYPTED PRIVATE KEY" => DerKind::EncryptedPkcs8,
        "RSA PRIVATE KEY" => DerKind::RsaPrivate,
        "EC PRIVATE KEY" => DerKind::EcPrivate,
        "DSA PRIVATE KEY" => DerKind::DsaPrivate,
        "PUBLIC KEY" => DerKind::Spki,
        "RSA PUBLIC KEY" => DerKind::RsaPublic,
        _ => DerKind::Unknown,
    }
}

/// What a key format is called in a warning.
fn der_kind_name(kind: DerKind) -> &'static str {
    match kind {
        DerKind::Pkcs8 => "a PKCS#8 private key",
        DerKind::EncryptedPkcs8 => "an encrypted PKCS#8 private key",
        DerKind::RsaPrivate => "a PKCS#1 RSA private key",
        DerKind::EcPrivate => "a SEC1 EC private key",
        DerKind::DsaPrivate => "an OpenSSL DSA private key",
        DerKind::Spki => "a SubjectPublicKeyInfo",
        DerKind::RsaPublic => "a PKCS#1 RSA public key",
        _ => "something else",
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::decode_all;
    use super::super::{decode_input, items_of, Event, Options};
    use crate::input::secret::Secret;
    use crate::model::{Container, Kind, Source};

    /// The DER of `der` with the first (or last) RDN SET of the name `dn` made a SEQUENCE.
    fn with_bad_rdn(der: &[u8], dn: &str, last: bool) -> Vec<u8> {
        let name = crate::asn1::dn::rfc4514_to_der(dn).unwrap();
        let name = crate::asn1::tlv::read(&name).unwrap().0.raw.to_vec();
        let mut w = der.windows(name.len());
        let at = if last {
            w.rposition(|x| x == name)
        } else {
            w.position(|x| x == name)
        }
        .unwrap();
        let mut out = der.to_vec();
        assert_eq!(out[at + 2], crate::asn1::tlv::SET);
        out[at + 2] = crate::asn1::tlv::SEQUENCE;
        out
    }

    /// A name the decoders can only show as `<malformed name HEX>` fails its item (exit 2)
    /// in OCSP responses and CMS messages too, not only in certificates (issue 14).
    #[test]
    fn malformed_names_in_ocsp_and_cms_fail_their_item() {
        for (der, name, last, expected) in [
            (
                &include_bytes!("../../fixtures/revocation/ocsp-response.der")[..],
                "CN=Certscope Revocation OCSP Responder,O=Certscope Revocation",
                false,
                "responderID: malformed name",
            ),
            (
                include_bytes!("../../fixtures/cms/signed-rsa-attached.der"),
                "CN=CMS RSA signer",
                true,
                "signer issuer: malformed name",
            ),
            (
                include_bytes!("../../fixtures/cms/enveloped-rsa-ec.der"),
                "CN=CMS RSA signer",
                false,
                "recipient issuer: malformed name",
            ),
        ] {
            let items = items_of(&with_bad_rdn(der, name, last));
            // The response or the message, not the certificates a SignedData carries.
            let failing = items
                .iter()
                .find(|i| matches!(i.kind, Kind::OcspResponse | Kind::Cms))
                .unwrap();
            let e = failing.error.as_deref().unwrap_or_default();
            assert!(e.contains(expected), "{e}");
        }
        // The well-formed fixtures have no such error.
        for der in [
            &include_bytes!("../../fixtures/revocation/ocsp-response.der")[..],
            include_bytes!("../../fixtures/cms/signed-rsa-attached.der"),
        ] {
            for i in items_of(der) {
                assert!(!i.error.unwrap_or_default().contains("malformed name"));
            }
        }
    }

    #[test]
    fn every_key_format_links_to_its_certificate() {
        let (cert, _) = decode_all(include_bytes!("../../fixtures/certs/leaf.pem"), None);
        let pin = cert[0].spki_sha256.clone().unwrap();
        for data in [
            &include_bytes!("../../fixtures/keys/p256.pem")[..],
            &include_bytes!("../../fixtures/keys/p256-sec1.pem")[..],
            &include_bytes!("../../fixtures/keys/p256-sec1.der")[..],
            &include_bytes!("../../fixtures/csr/leaf.csr")[..],
        ] {
            let (items, problems) = decode_all(data, None);
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(items[0].spki_sha256.as_deref(), Some(pin.as_str()));
        }
        let (rsa_cert, _) = decode_all(include_bytes!("../../fixtures/certs/rsa-self.pem"), None);
        let rsa_pin = rsa_cert[0].spki_sha256.clone().unwrap();
        for data in [
            &include_bytes!("../../fixtures/keys/rsa-2048.pem")[..],
            &include_bytes!("../../fixtures/keys/rsa-2048.der")[..],
            &include_bytes!("../../fixtures/keys/rsa-2048-pkcs1.pem")[..],
            &include_bytes!("../../fixtures/keys/rsa-2048-pkcs1.der")[..],
            &include_bytes!("../../fixtures/keys/rsa-2048-pub.pem")[..],
            &include_bytes!("../../fixtures/keys/rsa-2048-pub-pkcs1.pem")[..],
        ] {
            let (items, _) = decode_all(data, None);
            assert_eq!(items[0].spki_sha256.as_deref(), Some(rsa_pin.as_str()));
        }
        let (ed_cert, _) = decode_all(
            include_bytes!("../../fixtures/certs/ed25519-self.pem"),
            None,
        );
        let (ed_key, _) = decode_all(include_bytes!("../../fixtures/keys/ed25519.pem"), None);
        let (ed_pub, _) = decode_all(include_bytes!("../../fixtures/keys/ed25519-pub.pem"), None);
        assert_eq!(ed_cert[0].spki_sha256, ed_key[0].spki_sha256);
        assert_eq!(ed_pub[0].spki_sha256, ed_key[0].spki_sha256);
    }

    #[test]
    fn encrypted_pkcs8_with_and_without_password() {
        let data = include_bytes!("../../fixtures/keys/p256-pkcs8-aes.der");
        let (items, _) = decode_all(data, None);
        assert!(items[0].spki_sha256.is_none());
        let pw = Secret::new("test".into());
        let (items, _) = decode_all(data, Some(&pw));
        assert!(items[0].spki_sha256.is_some());
        let bad = Secret::new("nope".into());
        let (items, _) = decode_all(data, Some(&bad));
        assert!(items[0]
            .error
            .as_deref()
            .unwrap()
            .contains("wrong password"));
    }

    #[test]
    fn kdf_iteration_cap() {
        let pw = Secret::new("test".into());
        let opts = Options {
            password: Some(&pw),
            max_kdf_iterations: 100,
            ..Options::default()
        };
        let mut errors = Vec::new();
        decode_input(
            "t",
            include_bytes!("../../fixtures/keys/p256-pkcs8-aes.pem"),
            &opts,
            &mut |e| {
                if let Event::Item(i) = e {
                    errors.extend(i.error);
                }
            },
        );
        assert!(errors[0].contains("over the limit of 100"), "{errors:?}");
    }

    #[test]
    fn pkcs7_der_with_crl() {
        let (items, problems) = decode_all(
            include_bytes!("../../fixtures/pkcs7/chain-crl.p7b.der"),
            None,
        );
        assert!(problems.is_empty());
        let kinds: Vec<Kind> = items.iter().map(|i| i.kind).collect();
        assert!(kinds.contains(&Kind::Crl));
        assert!(items
            .iter()
            .all(|i| i.source.container() == Some(Container::Pkcs7)));
        let indexes: Vec<usize> = items
            .iter()
            .map(|i| match &i.source {
                Source::File(f) => f.index,
                Source::Token(_) => usize::MAX,
            })
            .collect();
        assert_eq!(indexes, (0..items.len()).collect::<Vec<_>>());
    }
}
