//! How text output looks, in one place: colour, aligned label/value fields, plurals, how
//! subject and issuer names are written, and the three ways text names an item. (`text.rs` keeps its own allocation-free `field` for
//! the item listing, the hot path of large bundles.)

use std::borrow::Cow;
use std::io::{self, Write};

use super::sanitize::{sanitize_dn, sanitize_escaped};
use crate::asn1::dn::{self, NameAttribute};
use crate::model::{Item, Source};

/// Width of the label column (label and colon) in item and chain text.
pub const LABEL_WIDTH: usize = 14;

/// `s` in the ANSI style `code` (`1`, `31`, `1;31` …) when `color`, else `s` as it is.
pub fn paint(color: bool, code: &str, s: &str) -> String {
    if color {
        format!("\x1b[{code}m{s}{RESET}")
    } else {
        s.to_string()
    }
}

/// What ends every [`paint`]ed span.
const RESET: &str = "\x1b[0m";

/// Writes the start of a [`paint`]ed span (nothing without colour), for text written in
/// pieces rather than joined into one string first; [`paint_end`] closes it.
pub fn paint_start<W: Write + ?Sized>(w: &mut W, color: bool, code: &str) -> io::Result<()> {
    if color {
        write!(w, "\x1b[{code}m")?;
    }
    Ok(())
}

/// Writes the end of a span [`paint_start`] opened (nothing without colour).
pub fn paint_end<W: Write + ?Sized>(w: &mut W, color: bool) -> io::Result<()> {
    if color {
        w.write_all(RESET.as_bytes())?;
    }
    Ok(())
}

/// One `label value` line: `label` as given, padded to `width` (at least one space), after
/// `indent` spaces.
pub fn field<W: Write + ?Sized>(
    w: &mut W,
    indent: usize,
    label: &str,
    width: usize,
    value: &str,
) -> io::Result<()> {
    let pad = width.saturating_sub(label.len()).max(1);
    writeln!(w, "{:indent$}{label}{:pad$}{value}", "", "")
}

/// The plural `s` for a count: `""` for one, `"s"` otherwise.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `1 unit` or `N units`: a count with its noun.
pub fn count(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// How text writes subject and issuer names (`--name-order`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NameOrder {
    /// RFC 4514: last RDN first, `CN=leaf,O=Example,C=US`.
    #[default]
    Rfc4514,
    /// As `openssl x509 -subject -nameopt oneline` prints it: DER order,
    /// `C = US, O = Example, CN = leaf` (see [`crate::asn1::dn::openssl_oneline`]).
    Openssl,
}

/// A subject or issuer as `order` asks, sanitised: the RFC 4514 string, or openssl's
/// oneline form written from the typed RDNs the model holds.
pub fn name(order: NameOrder, rfc4514: &str, rdns: &[Vec<NameAttribute>]) -> String {
    match order {
        NameOrder::Rfc4514 => sanitize_dn(rfc4514).into_owned(),
        NameOrder::Openssl => sanitize_dn(&dn::openssl_oneline(rdns)).into_owned(),
    }
}

/// Longest item name a finding or a relation repeats, in characters; a longer one (a
/// subject of 10,000 names) is cut, with a count of the rest, so output naming an item many
/// times stays linear in the input.
pub const MAX_NAME_CHARS: usize = 256;

/// `name`, cut after [`MAX_NAME_CHARS`] characters with `… (N more characters)`.
pub fn short_name(name: &str) -> Cow<'_, str> {
    // No more bytes than the limit, so no more characters: nearly every name, and this
    // runs for every finding `check` writes.
    if name.len() <= MAX_NAME_CHARS {
        return Cow::Borrowed(name);
    }
    match name.char_indices().nth(MAX_NAME_CHARS) {
        None => Cow::Borrowed(name),
        Some((at, _)) => {
            let (head, rest) = name.split_at(at);
            Cow::Owned(format!(
                "{head}… ({} more characters)",
                crate::analysis::relate::thousands(rest.chars().count())
            ))
        }
    }
}

/// A finding's item: `PATH[#INDEX] (line N) [NAME]`.
pub fn item_with_name(item: &Item, show_index: bool) -> String {
    let mut s = String::new();
    let _ = write_item_with_name(&mut s, item, show_index);
    s
}

/// [`item_with_name`] written to `w` in pieces (`check` writes one per finding, sanitised
/// on the way, without building it first).
pub fn write_item_with_name<W: std::fmt::Write>(
    w: &mut W,
    item: &Item,
    show_index: bool,
) -> std::fmt::Result {
    item.source.write_locator(w, show_index)?;
    if let Some(name) = item.display_name().filter(|n| !n.is_empty()) {
        w.write_str(" [")?;
        w.write_str(&short_name(name))?;
        w.write_str("]")?;
    }
    Ok(())
}

/// A relation's other item: `PATH[#INDEX] (line N): KIND NAME`.
pub fn item_with_kind(item: &Item, show_index: bool) -> String {
    let mut s = format!(
        "{}: {}",
        item.source.locator(show_index),
        item.kind.describe()
    );
    if let Some(name) = item.display_name().filter(|n| !n.is_empty()) {
        // Another item's name is repeated in every relation to it: keep it short.
        s.push(' ');
        s.push_str(&short_name(name));
    }
    s
}

/// A chain link's item: `item N, PATH[#INDEX] (line L)`, sanitised (N numbers the run's items; `#INDEX` is the position inside its input, as everywhere).
pub fn item_numbered(source: Option<&Source>, n: usize) -> String {
    match source {
        Some(source) => format!("item {n}, {}", sanitize_escaped(&source.locator(true))),
        None => format!("item {n}"),
    }
}
