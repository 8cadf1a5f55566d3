//! PEM output: every public item (certificate, CRL, CSR, public key) re-emitted as clean PEM
//! with LF line endings; private keys are never written.

use std::io::{self, Write};

use crate::model::Item;

/// Writes the item's PEM, if it has one; returns whether anything was written.
pub fn item<W: Write>(w: &mut W, item: &Item) -> io::Result<bool> {
    match &item.pem {
        Some(p) => {
            write!(w, "{p}")?;
            Ok(true)
        }
        None => Ok(false),
    }
}
