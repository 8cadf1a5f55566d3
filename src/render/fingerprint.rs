//! `certscope fingerprint` output: thumbprint lines (text) and one JSON entry per digest.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use super::sanitize::{sanitize, sanitize_dn, sanitize_escaped};
use crate::fingerprint::{DigestEncoding, HashAlg};
use crate::model::{Body, Item, Kind, Source};

/// What to print for each item.
#[derive(Debug, Clone)]
pub struct Thumbprints {
    /// The digests, in order.
    pub hashes: Vec<HashAlg>,
    /// How each digest is written.
    pub encoding: DigestEncoding,
    /// Digests of the SubjectPublicKeyInfo (`--spki`) instead of the DER.
    pub spki: bool,
}

impl Thumbprints {
    /// Calls `f` with the label prefix (`""` or `"spki-"`), the algorithm and the digest of
    /// each requested hash of an item, without collecting them; none for private keys unless
    /// `--spki`. Stored thumbprints are used when they are of the same data.
    pub fn for_each_digest<E>(
        &self,
        item: &Item,
        mut f: impl FnMut(&'static str, HashAlg, &[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let (data, prefix) = if self.spki {
            (item.spki_der.as_deref(), "spki-")
        } else {
            (item.der.as_deref(), "")
        };
        let Some(data) = data else {
            return Ok(());
        };
        for &h in &self.hashes {
            let stored = item
                .fingerprints
                .as_ref()
                .filter(|_| !self.spki)
                .and_then(|d| d.get(h));
            match stored {
                Some(digest) => f(prefix, h, digest)?,
                None => f(prefix, h, &h.digest_value(data))?,
            }
        }
        Ok(())
    }

    /// (label, digest) pairs for an item (see [`Thumbprints::for_each_digest`]).
    pub fn digests(&self, item: &Item) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let _ = self.for_each_digest(item, |prefix, h, digest| {
            out.push((format!("{prefix}{}", h.name()), digest.to_vec()));
            Ok::<(), std::convert::Infallible>(())
        });
        out
    }
}

impl Thumbprints {
    /// The JSON elements for an item: one per requested hash.
    pub fn entries<'i>(&self, item: &'i Item) -> Vec<Entry<'i>> {
        let encoding = self.encoding.name();
        self.digests(item)
            .into_iter()
            .map(|(label, digest)| Entry {
                source: &item.source,
                kind: item.kind,
                name: item.display_name(),
                hash: label,
                encoding,
                value: self.encoding.encode(&digest),
            })
            .collect()
    }
    /// Why an item gets no line: a private key's bytes are never hashed. The note says
    /// how to get a digest that identifies it (silence would read as "nothing there").
    pub fn unhashed_note(&self, item: &Item) -> Option<String> {
        if self.spki || item.kind != Kind::PrivateKey || item.der.is_some() {
            return None;
        }
        let how = if item.spki_der.is_some() {
            "--spki prints its public key's pin, which matches its certificate's"
        } else {
            "its public half is not known either (encrypted without --password, or not derivable)"
        };
        Some(format!(
            "note: a private key; its bytes are never hashed; {how}"
        ))
    }

    /// The text lines of an item (`ALG DIGEST  SOURCE  NAME`), built in `line`, which is
    /// reused for every line: 100,000 lines for a large bundle are written without
    /// formatting machinery.
    pub fn write_lines<W: Write>(
        &self,
        w: &mut W,
        item: &Item,
        show_index: bool,
        line: &mut String,
    ) -> io::Result<()> {
        use std::fmt::Write as _;
        let what = match item.display_name() {
            // A token object's label is text; every other name is a DN.
            Some(n) if !n.is_empty() && matches!(item.body, Body::TokenObject(_)) => sanitize(n),
            Some(n) if !n.is_empty() => sanitize_dn(n),
            _ => Cow::Borrowed(item.kind.describe()),
        };
        self.for_each_digest(item, |prefix, h, digest| {
            line.clear();
            line.push_str(prefix);
            line.push_str(h.name());
            line.push(' ');
            self.encoding.encode_into(digest, line);
            line.push_str("  ");
            match &item.source {
                Source::File(f) => {
                    line.push_str(&sanitize_escaped(&f.path));
                    if let Some(key) = &f.key {
                        line.push('[');
                        line.push_str(&sanitize_escaped(key));
                        line.push(']');
                    }
                    if show_index {
                        let _ = write!(line, "#{}", f.index);
                    }
                }
                Source::Token(t) => line.push_str(&sanitize(&t.uri)),
            }
            line.push_str("  ");
            line.push_str(&what);
            line.push('\n');
            w.write_all(line.as_bytes())
        })
    }
}

#[derive(Serialize)]
/// One JSON element of `certscope fingerprint`: one digest of one item.
pub struct Entry<'a> {
    /// `source`.
    pub source: &'a Source,
    /// `kind`.
    pub kind: Kind,
    /// `name`.
    pub name: Option<&'a str>,
    /// `hash`.
    pub hash: String,
    /// `encoding`.
    pub encoding: &'static str,
    /// `value`.
    pub value: String,
}
