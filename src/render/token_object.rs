//! The fields only token objects carry, in an item's text: the NSS trust summary and the
//! raw attributes of `token list --attributes`. Not behind the `pkcs11` feature, unlike
//! [`super::token`]: they read only the model, so the item renderer needs no `cfg`.

use std::io::{self, Write};

use super::sanitize::sanitize;
use crate::model::{NssTrust, RawAttribute};

/// Longest value shown in hex in text (`token list --attributes`); JSON has every byte.
const TEXT_HEX_BYTES: usize = 32;

/// `token list --attributes` in text: `Attributes:` and one line per attribute, its name,
/// number, value in words where known and hex (cut after [`TEXT_HEX_BYTES`] bytes).
pub fn raw_attributes(w: &mut dyn Write, attributes: &[RawAttribute]) -> io::Result<()> {
    if attributes.is_empty() {
        return Ok(());
    }
    writeln!(w, "  Attributes:")?;
    for a in attributes {
        let hex = a.hex.as_deref().map(|h| {
            let shown = h.get(..TEXT_HEX_BYTES * 2).unwrap_or(h);
            if shown.len() < h.len() {
                format!("{shown}... ({} bytes)", h.len() / 2)
            } else if h.is_empty() {
                "(empty)".to_string()
            } else {
                shown.to_string()
            }
        });
        let value = match (&a.value, hex, &a.note) {
            (_, _, Some(note)) => format!("not read: {}", sanitize(note)),
            (Some(v), Some(h), None) => format!("{} [{h}]", sanitize(v)),
            (None, Some(h), None) => h,
            (Some(v), None, None) => sanitize(v).into_owned(),
            (None, None, None) => String::new(),
        };
        writeln!(
            w,
            "    {} (0x{:x}): {value}",
            sanitize(&a.name),
            a.attribute_type
        )?;
    }
    Ok(())
}

/// An NSS trust object in one line: `certutil -L`'s flags, then each verdict.
pub fn nss_trust_summary(t: &NssTrust) -> String {
    let verdicts: Vec<String> = [
        ("server_auth", &t.server_auth),
        ("client_auth", &t.client_auth),
        ("email_protection", &t.email_protection),
        ("code_signing", &t.code_signing),
    ]
    .iter()
    .filter_map(|(what, v)| v.as_deref().map(|v| format!("{what} {v}")))
    .collect();
    format!("{} ({})", t.certutil, verdicts.join(", "))
}
