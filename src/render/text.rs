//! Human text: one section per item, readable on an 80-column terminal.

use std::io::{self, Write};

use base64::Engine as _;
use time::OffsetDateTime;

use super::extension_text;
use super::sanitize::{sanitize, sanitize_dn, sanitize_escaped};
use super::style::{self, NameOrder, LABEL_WIDTH};
use super::token_object;
use crate::fingerprint::{colon_hex, HashAlg};
use crate::model::{
    Body, CertId, Certificate, Cms, Crl, Csr, ExtValue, Extension, Item, Key, Kind, OcspRequest,
    OcspResponse, PublicKeyInfo, Source, Timestamp, TokenObject,
};

/// Settings for text output, resolved by the binary.
#[derive(Debug, Clone)]
pub struct TextOptions {
    /// "Now", for expiry wording; pinned in tests.
    pub now: OffsetDateTime,
    /// ANSI colour on.
    pub color: bool,
    /// Digests to show (default SHA-1 and SHA-256).
    pub hashes: Vec<HashAlg>,
    /// Show every CRL entry and subjectAltName instead of the first 20.
    pub all: bool,
    /// The terminal's width when output goes to one: a digest wraps only when its line
    /// would not fit. `None` (a pipe, a file) never wraps, so a digest is one line to copy
    /// or `grep`.
    pub width: Option<usize>,
    /// How subject and issuer names are written.
    pub name_order: NameOrder,
}

/// How many CRL entries the text view shows without `--all`.
pub const CRL_PREVIEW: usize = 20;

/// How many subjectAltName entries the text view shows without `--all`: as many as CRL
/// entries, so that a certificate with 1,000 names does not print 1,000 lines.
pub const SAN_PREVIEW: usize = CRL_PREVIEW;

struct Out<'a, W: Write> {
    w: &'a mut W,
    o: &'a TextOptions,
}

impl<W: Write> Out<'_, W> {
    fn paint(&self, code: &str, s: &str) -> String {
        style::paint(self.o.color, code, s)
    }

    /// The start of what [`style::paint`] wraps around text, written (nothing without colour).
    fn open_paint(&mut self, code: &str) -> io::Result<()> {
        style::paint_start(self.w, self.o.color, code)
    }

    /// The end of [`Out::open_paint`].
    fn close_paint(&mut self) -> io::Result<()> {
        style::paint_end(self.w, self.o.color)
    }

    /// `n` spaces.
    fn spaces(&mut self, n: usize) -> io::Result<()> {
        const SPACES: &[u8; 32] = &[b' '; 32];
        let mut left = n;
        while left > 0 {
            let now = left.min(SPACES.len());
            self.w.write_all(SPACES.get(..now).unwrap_or_default())?;
            left -= now;
        }
        Ok(())
    }

    fn field(&mut self, indent: usize, label: &str, value: &str) -> io::Result<()> {
        self.label(indent, label)?;
        self.w.write_all(value.as_bytes())?;
        self.w.write_all(b"\n")
    }

    /// [`Out::field`] with the value written from `value` (no `String` made for it).
    fn field_args(
        &mut self,
        indent: usize,
        label: &str,
        value: std::fmt::Arguments<'_>,
    ) -> io::Result<()> {
        self.label(indent, label)?;
        self.w.write_fmt(value)?;
        self.w.write_all(b"\n")
    }

    /// A field's label and the padding after it.
    fn label(&mut self, indent: usize, label: &str) -> io::Result<()> {
        // Hot for large bundles: written piece by piece, no intermediate strings.
        let pad = LABEL_WIDTH.saturating_sub(label.len() + 1).max(1);
        self.spaces(indent)?;
        self.open_paint("1")?;
        self.w.write_all(label.as_bytes())?;
        self.w.write_all(b":")?;
        self.close_paint()?;
        self.spaces(pad)
    }

    /// A digest as colon hex on one line; at a terminal too narrow for that line, 16 bytes
    /// per line (which fits 80 columns).
    fn digest(&mut self, indent: usize, label: &str, bytes: &[u8]) -> io::Result<()> {
        let one_line = indent + LABEL_WIDTH + bytes.len() * 3;
        let per_line = match self.o.width {
            Some(width) if one_line > width && bytes.len() > 20 => 16,
            _ => bytes.len().max(1),
        };
        let mut chunks = bytes.chunks(per_line);
        let first = chunks.next().unwrap_or_default();
        // Every item shows two or three digests: their hex is written on the stack.
        let mut buf = [0u8; 3 * 64];
        match colon_hex_on_stack(first, &mut buf) {
            Some(text) => self.field(indent, label, text)?,
            None => self.field(indent, label, &colon_hex(first))?,
        }
        for c in chunks {
            writeln!(
                self.w,
                "{:w$}{}",
                "",
                colon_hex(c),
                w = indent + LABEL_WIDTH
            )?;
        }
        Ok(())
    }
}

/// `bytes` as [`colon_hex`] writes them, in `buf`; `None` for more than 64 bytes.
fn colon_hex_on_stack<'b>(bytes: &[u8], buf: &'b mut [u8; 3 * 64]) -> Option<&'b str> {
    fn nibble(n: u8) -> u8 {
        if n < 10 {
            b'0' + n
        } else {
            b'A' + n - 10
        }
    }
    if bytes.len() > 64 {
        return None;
    }
    for (&b, slot) in bytes.iter().zip(buf.chunks_exact_mut(3)) {
        if let [colon, high, low] = slot {
            *colon = b':';
            *high = nibble(b >> 4);
            *low = nibble(b & 0x0f);
        }
    }
    // The first digit pair has no colon before it.
    std::str::from_utf8(buf.get(1..bytes.len() * 3).unwrap_or_default()).ok()
}

/// Writes the header line of an item.
fn header<W: Write>(out: &mut Out<'_, W>, item: &Item, show_index: bool) -> io::Result<()> {
    let what: std::borrow::Cow<'_, str> = match (&item.body, item.kind) {
        (Body::Unknown(u), _) => format!(
            "unknown ({}, {} bytes)",
            u.label.as_deref().map(sanitize).unwrap_or_default(),
            u.size
        )
        .into(),
        (_, k) => k.describe().into(),
    };
    // A token object is led by its label (its URI, often 190 characters, gets a line of
    // its own below), a file item by where it was found.
    let mut where_ = match &item.source {
        Source::Token(t) => match t.label.as_deref().filter(|l| !l.is_empty()) {
            Some(l) => sanitize(l).into_owned(),
            None => "(no label)".to_string(),
        },
        Source::File(_) => {
            // The locator is kept as built unless escaping changed it (no second copy).
            let locator = item.source.locator(show_index);
            match sanitize_escaped(&locator) {
                std::borrow::Cow::Borrowed(_) => None,
                std::borrow::Cow::Owned(escaped) => Some(escaped),
            }
            .unwrap_or(locator)
        }
    };
    if let Some(c) = item.source.container() {
        where_.push_str(match c {
            crate::model::Container::Pkcs7 => " [in PKCS#7]",
            crate::model::Container::Pkcs12 => " [in PKCS#12]",
        });
    }
    // Written in pieces, as `paint` would colour the joined line: no line string per item.
    out.open_paint("1;36")?;
    out.w.write_all(where_.as_bytes())?;
    out.w.write_all(b": ")?;
    out.w.write_all(what.as_bytes())?;
    out.close_paint()?;
    out.w.write_all(b"\n")
}

/// Renders one item.
pub fn item<W: Write>(w: &mut W, item: &Item, show_index: bool, o: &TextOptions) -> io::Result<()> {
    let mut out = Out { w, o };
    header(&mut out, item, show_index)?;
    if let Source::Token(t) = &item.source {
        out.field(2, "URI", &sanitize(&t.uri))?;
        if let Some(id) = &t.id {
            out.field(2, "ID", id)?;
        }
        out.field(
            2,
            "Token",
            &format!("{} (slot {})", sanitize(&t.token), t.slot),
        )?;
        if t.private {
            out.field(2, "Private", "yes (visible after login)")?;
        }
    }
    if let Some(t) = &item.token {
        if let Some(c) = &t.category {
            out.field(2, "Category", c)?;
        }
        if t.trusted == Some(true) {
            out.field(2, "Trusted", "yes (CKA_TRUSTED)")?;
        }
        // Only token objects carry these, and only a build with tokens makes them.
        if let Some(trust) = &t.nss_trust {
            out.field(2, "NSS trust", &token_object::nss_trust_summary(trust))?;
            for (what, date) in [
                ("server", &trust.server_distrust_after),
                ("email", &trust.email_distrust_after),
            ] {
                if let Some(d) = date.as_deref().filter(|d| *d != "none") {
                    out.field(
                        2,
                        "Distrust",
                        &format!("{what} certificates issued after {d}"),
                    )?;
                }
            }
        }
        token_object::raw_attributes(out.w, &t.attributes)?;
    }
    if let Some(bag) = &item.bag {
        if let Some(n) = &bag.friendly_name {
            out.field(2, "Alias", &sanitize(n))?;
        }
        if let Some(k) = &bag.local_key_id {
            out.field(2, "Local key ID", k)?;
        }
    }
    if let Some(p) = &item.protection {
        let mac = p.mac.as_ref().map_or_else(
            || "none (integrity not protected)".to_string(),
            |m| {
                format!(
                    "{}, {} iterations, {}-byte salt",
                    sanitize(&m.algorithm),
                    m.iterations,
                    m.salt_length
                )
            },
        );
        out.field(2, "PKCS#12 MAC", &mac)?;
        out.field(
            2,
            "Bag encryption",
            &sanitize(p.bag_encryption.as_deref().unwrap_or("none")),
        )?;
    }
    match &item.body {
        Body::Certificate(c) => certificate(&mut out, c)?,
        Body::Csr(c) => csr(&mut out, c)?,
        Body::Crl(c) => crl(&mut out, c)?,
        Body::Cms(c) => cms(&mut out, c)?,
        Body::OcspRequest(r) => ocsp_request(&mut out, r)?,
        Body::OcspResponse(r) => ocsp_response(&mut out, r)?,
        Body::Key(k) => key(&mut out, k, item.kind)?,
        Body::Parameters(p) => {
            out.field(2, "Algorithm", &p.algorithm.to_uppercase())?;
            if let Some(c) = &p.curve {
                out.field(2, "Curve", c)?;
            }
            if let Some(b) = p.bits {
                out.field(2, "Bits", &b.to_string())?;
            }
        }
        Body::TokenObject(t) => token_object(&mut out, t)?,
        Body::Brief(b) => {
            if let Some(s) = &b.subject {
                out.field(2, "Subject", &sanitize_dn(s))?;
            }
        }
        Body::Unknown(_) | Body::Empty {} => {}
    }
    if let Some(d) = &item.fingerprints {
        for alg in &o.hashes {
            if let Some(bytes) = d.get(*alg) {
                out.digest(2, alg.display(), bytes)?;
            }
        }
    }
    if let Some(digest) = item.spki_pin_digest() {
        out.digest(2, "SPKI SHA-256", &digest)?;
        // `sha256//BASE64` on the stack: every item with a key shows it.
        let mut pin = [0u8; 8 + 44];
        let (prefix, b64) = pin.split_at_mut(8);
        prefix.copy_from_slice(b"sha256//");
        let n = base64::engine::general_purpose::STANDARD
            .encode_slice(digest, b64)
            .unwrap_or(0);
        let text = std::str::from_utf8(pin.get(..8 + n).unwrap_or_default()).unwrap_or_default();
        out.field(2, "Key pin", text)?;
    }
    for r in item.relations.iter().flatten() {
        let mut value = sanitize(&r.target).into_owned();
        if let Some(sig) = &r.signature {
            value.push_str(&format!(" (signature {sig})"));
        }
        if let Some(detail) = &r.detail {
            value.push_str(&format!(" ({})", sanitize(detail)));
        }
        out.field(2, r.kind.describe(), &value)?;
    }
    for w in &item.warnings {
        let painted = out.paint("33", &sanitize(w));
        out.field(2, "Note", &painted)?;
    }
    if let Some(e) = &item.error {
        let msg = format!("{}", sanitize(e));
        let painted = out.paint("1;31", &msg);
        out.field(2, "Error", &painted)?;
    }
    writeln!(out.w)
}

fn validity_note(o: &TextOptions, not_before: Timestamp, not_after: Timestamp) -> (String, bool) {
    let now = o.now;
    if not_before.is_invalid() || not_after.is_invalid() {
        return (
            "validity unknown: a time value is invalid".to_string(),
            false,
        );
    }
    if now < not_before.0 {
        let days = (not_before.0 - now).whole_days();
        (
            format!("not yet valid: starts in {}", style::count(days, "day")),
            false,
        )
    } else if now > not_after.0 {
        let days = (now - not_after.0).whole_days();
        (format!("expired {} ago", style::count(days, "day")), false)
    } else {
        let days = (not_after.0 - now).whole_days();
        (format!("expires in {}", style::count(days, "day")), true)
    }
}

fn certificate<W: Write>(out: &mut Out<'_, W>, c: &Certificate) -> io::Result<()> {
    out.field(
        2,
        "Subject",
        &style::name(out.o.name_order, &c.subject, &c.subject_rdns),
    )?;
    out.field(
        2,
        "Issuer",
        &style::name(out.o.name_order, &c.issuer, &c.issuer_rdns),
    )?;
    // The encoded octets only when they differ from the value (padded or negative), so
    // text shows what JSON's serial_der_hex has without repeating the common case.
    // Values written from their parts: no `String` per line of every certificate.
    if c.serial_der_hex == c.serial {
        out.field_args(
            2,
            "Serial",
            format_args!("{} ({})", c.serial, c.serial_decimal),
        )?;
    } else {
        out.field_args(
            2,
            "Serial",
            format_args!(
                "{} ({}; encoded {})",
                c.serial, c.serial_decimal, c.serial_der_hex
            ),
        )?;
    }
    out.field_args(2, "Version", format_args!("{}", c.version))?;
    out.field_args(2, "Not before", format_args!("{}", c.not_before))?;
    let (note, ok) = validity_note(out.o, c.not_before, c.not_after);
    // `NOT_AFTER (NOTE)` with the note painted, as `paint` would wrap it.
    out.label(2, "Not after")?;
    write!(out.w, "{} (", c.not_after)?;
    out.open_paint(if ok { "32" } else { "1;31" })?;
    out.w.write_all(note.as_bytes())?;
    out.close_paint()?;
    out.w.write_all(b")\n")?;
    signature_line(out, &c.signature_algorithm, c.signature_pss.as_deref())?;
    if let Some(inner) = &c.inner_signature_algorithm {
        out.field(2, "Inner signature", inner)?;
    }
    out.field(2, "Public key", &c.public_key.summary())?;
    out.field(2, "Self-signed", if c.self_signed { "yes" } else { "no" })?;
    if let Some(t) = &c.trust {
        if let Some(a) = &t.alias {
            out.field(2, "Alias", &sanitize(a))?;
        }
        if !t.trusted_for.is_empty() {
            out.field(2, "Trusted for", &t.trusted_for.join(", "))?;
        }
        if !t.rejected_for.is_empty() {
            out.field(2, "Rejected for", &t.rejected_for.join(", "))?;
        }
        if let Some(k) = &t.key_id {
            out.field(2, "Trust key ID", k)?;
        }
    }
    extensions(out, &c.extensions)
}

fn csr<W: Write>(out: &mut Out<'_, W>, c: &Csr) -> io::Result<()> {
    out.field(
        2,
        "Subject",
        &style::name(out.o.name_order, &c.subject, &c.subject_rdns),
    )?;
    out.field_args(2, "Version", format_args!("{}", c.version))?;
    out.field(2, "Public key", &c.public_key.summary())?;
    // `ALGORITHM ([PSS; ]self-signature VERDICT)`, joined in one buffer.
    let mut line = String::with_capacity(64);
    line.push_str(&c.signature_algorithm);
    line.push_str(" (");
    if let Some(p) = &c.signature_pss {
        line.push_str(&p.summary());
        line.push_str("; ");
    }
    if c.self_signature == "invalid" {
        line.push_str(&out.paint(
            "1;31",
            "self-signature invalid: not made with this request's key",
        ));
    } else {
        line.push_str("self-signature ");
        line.push_str(&c.self_signature);
    }
    line.push(')');
    out.field(2, "Signature", &line)?;
    for a in &c.attributes {
        let values = if a.values.is_empty() {
            "(no value)".to_string()
        } else {
            sanitize(&a.values.join(", ")).into_owned()
        };
        out.field(2, &a.name, &values)?;
    }
    extensions(out, &c.extensions)
}

/// A CMS message: what it is, its signers (each checked) or its recipients.
fn cert_id<W: Write>(out: &mut Out<'_, W>, label: &str, id: &CertId) -> io::Result<()> {
    out.field(
        2,
        label,
        &format!(
            "serial {}, issuer name hash {}, issuer key hash {} ({})",
            id.serial,
            id.issuer_name_hash,
            id.issuer_key_hash,
            sanitize(&id.hash_algorithm)
        ),
    )
}

fn ocsp_request<W: Write>(out: &mut Out<'_, W>, r: &OcspRequest) -> io::Result<()> {
    out.field(2, "Version", &r.version.to_string())?;
    if let Some(n) = &r.requestor_name {
        out.field(2, "Requestor", &sanitize(n))?;
    }
    for (n, id) in r.requests.iter().enumerate() {
        cert_id(out, &format!("Request {}", n + 1), id)?;
    }
    if let Some(n) = &r.nonce {
        out.field(2, "Nonce", n)?;
    }
    if !r.extensions.is_empty() {
        out.field(2, "Extensions", &sanitize(&r.extensions.join(", ")))?;
    }
    let signed = match (&r.signature, &r.signer) {
        (Some(v), Some(by)) => format!("yes, signature {} by {}", sanitize(v), sanitize_dn(by)),
        (Some(v), None) => format!("yes, signature {}", sanitize(v)),
        _ if r.signed => "yes".to_string(),
        _ => "no".to_string(),
    };
    out.field(2, "Signed", &signed)
}

fn ocsp_response<W: Write>(out: &mut Out<'_, W>, r: &OcspResponse) -> io::Result<()> {
    out.field(2, "Status", &sanitize(&r.response_status))?;
    if let Some(t) = &r.response_type {
        out.field(2, "Type", &sanitize(t))?;
    }
    if let Some(id) = &r.responder_id {
        out.field(2, "Responder ID", &sanitize(id))?;
    }
    if let Some(t) = &r.produced_at {
        out.field(2, "Produced at", &t.to_string())?;
    }
    for (n, s) in r.responses.iter().enumerate() {
        cert_id(out, &format!("Response {}", n + 1), &s.cert_id)?;
        let mut status = s.cert_status.clone();
        if let Some(t) = &s.revocation_time {
            status.push_str(&format!(" on {t}"));
        }
        if let Some(reason) = &s.revocation_reason {
            status.push_str(&format!(", {reason}"));
        }
        out.field(4, "Status", &sanitize(&status))?;
        let next = s
            .next_update
            .map(|t| format!(" to {t}"))
            .unwrap_or_else(|| " (no nextUpdate)".to_string());
        out.field(4, "Valid", &format!("{}{next}", s.this_update))?;
    }
    if let Some(n) = &r.nonce {
        out.field(2, "Nonce", n)?;
    }
    if !r.extensions.is_empty() {
        out.field(2, "Extensions", &sanitize(&r.extensions.join(", ")))?;
    }
    for c in &r.certificates {
        out.field(2, "Certificate", &sanitize_dn(c))?;
    }
    if let Some(p) = &r.responder {
        let mut what = format!("{} ({}", sanitize_dn(&p.subject), p.role);
        if p.ocsp_signing {
            what.push_str(", OCSPSigning");
        }
        if p.nocheck {
            what.push_str(", ocsp-nocheck");
        }
        what.push(')');
        out.field(2, "Responder", &what)?;
    }
    let sig = match &r.signature_algorithm {
        Some(a) => format!("{} ({})", sanitize(&r.signature), sanitize(a)),
        None => sanitize(&r.signature).into_owned(),
    };
    out.field(2, "Signature", &sig)
}

fn cms<W: Write>(out: &mut Out<'_, W>, c: &Cms) -> io::Result<()> {
    let mut what = sanitize(&c.content_type).into_owned();
    if let Some(v) = c.version {
        what.push_str(&format!(" (version {v})"));
    }
    out.field(2, "Content type", &what)?;
    let inner = c.inner_content_type.as_deref().map(sanitize);
    let content = match (inner, c.content_size) {
        (Some(t), Some(n)) => format!("{t}, {}", style::count(n as i64, "byte")),
        (Some(t), None) => format!("{t}, detached (not in the file)"),
        (None, Some(n)) => style::count(n as i64, "byte"),
        (None, None) => "none".to_string(),
    };
    out.field(2, "Content", &content)?;
    if !c.digest_algorithms.is_empty() {
        out.field(2, "Digests", &sanitize(&c.digest_algorithms.join(", ")))?;
    }
    if let Some(a) = &c.content_encryption_algorithm {
        out.field(2, "Encryption", &sanitize(a))?;
    }
    if let Some(a) = &c.mac_algorithm {
        out.field(2, "MAC", &sanitize(a))?;
    }
    for (n, s) in c.signers.iter().enumerate() {
        let id = match (&s.issuer, &s.serial, &s.subject_key_id) {
            (_, _, Some(k)) => format!("key id {k}"),
            (Some(i), Some(ser), _) => format!("issuer {}, serial {ser}", sanitize(i)),
            _ => "(no identifier)".to_string(),
        };
        out.field(2, &format!("Signer {}", n + 1), &id)?;
        let cert = match &s.certificate {
            Some(subject) => sanitize(subject).into_owned(),
            None => "not in the file".to_string(),
        };
        out.field(4, "Certificate", &cert)?;
        out.field(
            4,
            "Algorithms",
            &format!(
                "{} with {}",
                sanitize(&s.signature_algorithm),
                sanitize(&s.digest_algorithm)
            ),
        )?;
        if let Some(t) = &s.content_type {
            out.field(4, "Content type", &sanitize(t))?;
        }
        if let Some(t) = s.signing_time {
            out.field(4, "Signing time", &t.to_string())?;
        }
        if let Some(d) = s
            .message_digest
            .as_deref()
            .and_then(|d| hex::decode(d).ok())
        {
            out.digest(4, "Digest", &d)?;
        }
        let check = if s.message_digest_check == "does not match" {
            out.paint("1;31", &s.message_digest_check)
        } else {
            sanitize(&s.message_digest_check).into_owned()
        };
        out.field(4, "Digest check", &check)?;
        let sig = if s.signature == "invalid" {
            out.paint("1;31", "invalid")
        } else {
            sanitize(&s.signature).into_owned()
        };
        out.field(4, "Signature", &sig)?;
        if !s.other_signed_attributes.is_empty() {
            out.field(
                4,
                "Signed attrs",
                &sanitize(&s.other_signed_attributes.join(", ")),
            )?;
        }
        if !s.unsigned_attributes.is_empty() {
            out.field(4, "Unsigned", &sanitize(&s.unsigned_attributes.join(", ")))?;
        }
    }
    for (n, r) in c.recipients.iter().enumerate() {
        let mut id = r.kind.replace('_', " ");
        if let (Some(i), Some(ser)) = (&r.issuer, &r.serial) {
            id.push_str(&format!(", issuer {}, serial {ser}", sanitize(i)));
        }
        if let Some(k) = &r.key_id {
            id.push_str(&format!(", key id {k}"));
        }
        out.field(2, &format!("Recipient {}", n + 1), &id)?;
        if let Some(a) = &r.key_encryption_algorithm {
            out.field(4, "Key algorithm", &sanitize(a))?;
        }
    }
    Ok(())
}

fn crl<W: Write>(out: &mut Out<'_, W>, c: &Crl) -> io::Result<()> {
    out.field(
        2,
        "Issuer",
        &style::name(out.o.name_order, &c.issuer, &c.issuer_rdns),
    )?;
    out.field(2, "Version", &c.version.to_string())?;
    out.field(2, "This update", &c.this_update.to_string())?;
    match c.next_update {
        Some(n) => {
            let note = if out.o.now > n.0 {
                out.paint(
                    "1;31",
                    &format!(
                        "overdue by {}",
                        style::count((out.o.now - n.0).whole_days(), "day")
                    ),
                )
            } else {
                format!("in {}", style::count((n.0 - out.o.now).whole_days(), "day"))
            };
            out.field(2, "Next update", &format!("{n} ({note})"))?;
        }
        None => out.field(2, "Next update", "none")?,
    }
    if let Some(n) = &c.crl_number {
        out.field(2, "CRL number", n)?;
    }
    if let Some(base) = &c.base_crl_number {
        out.field(2, "Delta CRL", &format!("yes, of base CRL number {base}"))?;
    }
    signature_line(out, &c.signature_algorithm, c.signature_pss.as_deref())?;
    if let Some(inner) = &c.inner_signature_algorithm {
        out.field(2, "Inner signature", inner)?;
    }
    extensions(out, &c.extensions)?;
    out.field(2, "Revoked", &c.revoked_count.to_string())?;
    let shown = if out.o.all {
        c.revoked.len()
    } else {
        CRL_PREVIEW.min(c.revoked.len())
    };
    for r in c.revoked.iter().take(shown) {
        let reason = r.reason.as_deref().unwrap_or("-");
        writeln!(out.w, "    {}  {}  {}", r.serial, r.revocation_date, reason)?;
        // The reason is on the line already; every other entry extension (a critical or
        // undecodable reason too) below it. A certificateIssuer shows where the issuer
        // changes, as openssl prints it; the entries after it are that issuer's too.
        let rest: Vec<&Extension> = r
            .extensions
            .iter()
            .filter(|e| {
                !(e.oid == "2.5.29.21" && !e.critical && matches!(*e.value, ExtValue::Text(_)))
            })
            .collect();
        extension_lines(out, 6, &rest)?;
    }
    if shown < c.revoked.len() {
        writeln!(
            out.w,
            "    ... {} more (use --all to list every entry)",
            c.revoked.len() - shown
        )?;
    }
    Ok(())
}

/// `Signature:` with RSA-PSS parameters when there are any (SHA-1-PSS is not SHA-256-PSS).
fn signature_line<W: Write>(
    out: &mut Out<'_, W>,
    name: &str,
    pss: Option<&crate::model::PssParameters>,
) -> io::Result<()> {
    match pss {
        Some(p) => out.field(2, "Signature", &format!("{name} ({})", p.summary())),
        None => out.field(2, "Signature", name),
    }
}

fn key<W: Write>(out: &mut Out<'_, W>, k: &Key, kind: Kind) -> io::Result<()> {
    out.field(2, "Format", k.format.describe())?;
    if kind == Kind::PrivateKey {
        let enc = match (k.encrypted, k.decrypted, k.format) {
            (true, true, _) => "yes (decrypted with the given password)",
            (true, false, _) => "yes (give --password to see the key)",
            (false, _, _) => "no",
        };
        out.field(2, "Encrypted", enc)?;
        // The scheme of a legacy PEM key is its DEK-Info header: text from the file.
        if let Some(s) = &k.encryption {
            out.field(2, "Encryption", &sanitize(s))?;
        }
    }
    if let Some(p) = &k.public_key {
        out.field(2, "Key", &p.summary())?;
    }
    Ok(())
}

fn token_object<W: Write>(out: &mut Out<'_, W>, t: &TokenObject) -> io::Result<()> {
    out.field(2, "Class", &t.class)?;
    if let Some(kt) = &t.key_type {
        let info = PublicKeyInfo {
            algorithm: kt.clone(),
            bits: t.bits,
            curve: t.curve.clone(),
            pss: None,
        };
        out.field(2, "Key", &info.summary())?;
    }
    if let Some(a) = &t.application {
        out.field(2, "Application", &sanitize(a))?;
    }
    if !t.flags.is_empty() {
        out.field(2, "Flags", &t.flags.join(", "))?;
    }
    Ok(())
}

fn extensions<W: Write>(out: &mut Out<'_, W>, exts: &[Extension]) -> io::Result<()> {
    if exts.is_empty() {
        return Ok(());
    }
    writeln!(out.w, "  {}", out.paint("1", "Extensions:"))?;
    extension_lines(out, 4, &exts.iter().collect::<Vec<_>>())
}

/// Each extension at `indent`: `name (critical): value` on one line when it fits, else the
/// name and its value lines two columns deeper.
fn extension_lines<W: Write>(
    out: &mut Out<'_, W>,
    indent: usize,
    exts: &[&Extension],
) -> io::Result<()> {
    // Hot for bundles (a dozen extensions per certificate): the name is written in pieces,
    // not joined and painted into new strings first.
    const CRITICAL: &str = " (critical)";
    // One buffer for every extension's lines (no `String` per line), sized for a typical
    // certificate's longest (a handful of names) so that it rarely grows.
    let mut lines = extension_text::Lines::with_capacity(512, 24);
    for e in exts {
        let name_len = e.name.len() + if e.critical { CRITICAL.len() } else { 0 };
        let name = |out: &mut Out<'_, W>| -> io::Result<()> {
            out.open_paint("1")?;
            out.w.write_all(e.name.as_bytes())?;
            if e.critical {
                out.w.write_all(CRITICAL.as_bytes())?;
            }
            out.close_paint()
        };
        lines.clear();
        extension_text::lines(&e.value, &mut lines);
        let total = lines.len();
        if e.oid == "2.5.29.17" && !out.o.all && total > SAN_PREVIEW {
            lines.truncate(SAN_PREVIEW);
            lines.line(format_args!(
                "... {} more, {total} in all (use --all to list every name)",
                total - SAN_PREVIEW
            ));
        }
        out.spaces(indent)?;
        name(out)?;
        let mut each = lines.iter();
        match (each.next(), each.next()) {
            (Some(one), None) if one.len() + name_len + indent < 74 => {
                out.w.write_all(b": ")?;
                out.w.write_all(sanitize(one).as_bytes())?;
                out.w.write_all(b"\n")?;
            }
            _ => {
                out.w.write_all(b":\n")?;
                for l in lines.iter() {
                    out.spaces(indent + 2)?;
                    out.w.write_all(sanitize(l).as_bytes())?;
                    out.w.write_all(b"\n")?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest_lines(width: Option<usize>) -> String {
        let o = TextOptions {
            now: OffsetDateTime::UNIX_EPOCH,
            color: false,
            hashes: Vec::new(),
            all: false,
            width,
            name_order: NameOrder::default(),
        };
        let mut w = Vec::new();
        Out { w: &mut w, o: &o }
            .digest(2, "SHA-256", &[0xab; 32])
            .unwrap();
        String::from_utf8(w).unwrap()
    }

    /// A digest is one line in a pipe and at a wide terminal (issue 19 item 5); it wraps at
    /// 16 bytes only where the line would not fit.
    #[test]
    fn digests_wrap_only_at_a_narrow_terminal() {
        let one = format!("  SHA-256:      {}\n", vec!["AB"; 32].join(":"));
        assert_eq!(digest_lines(None), one);
        assert_eq!(digest_lines(Some(200)), one);
        let half = vec!["AB"; 16].join(":");
        assert_eq!(
            digest_lines(Some(80)),
            format!("  SHA-256:      {half}\n                {half}\n")
        );
    }

    #[test]
    fn digests_on_the_stack_read_as_colon_hex() {
        let bytes: Vec<u8> = (0..=255u8).map(|b| b.wrapping_mul(167)).collect();
        let mut buf = [0u8; 3 * 64];
        for len in 0..=64 {
            for from in [0, 7, 100, 191] {
                let part = &bytes[from..from + len];
                assert_eq!(colon_hex_on_stack(part, &mut buf), Some(&*colon_hex(part)));
            }
        }
        assert_eq!(colon_hex_on_stack(&bytes[..65], &mut buf), None);
    }
}
