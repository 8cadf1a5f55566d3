//! `certscope chain` output: text for people, PEM in built order, and the JSON document (the
//! serialized [`Report`] and the run's failures). Reads only the report and the entries it
//! refers to (their locators, and PEM text for `--format pem`).

use std::io::{self, Write};

use serde::Serialize;

use super::json::{Document, ErrorEntry, JsonlWriter};
use super::sanitize::{sanitize, sanitize_dn, sanitize_escaped};
use super::style::{self, paint, LABEL_WIDTH};
use crate::analysis::chain::{Anchors, Chain, Entry, Link, Report, Validity};
use crate::analysis::revocation::Status;

fn field<W: Write>(w: &mut W, indent: usize, label: &str, value: &str) -> io::Result<()> {
    style::field(w, indent, &format!("{label}:"), LABEL_WIDTH, value)
}

fn anchors_text(a: Anchors) -> &'static str {
    match a {
        Anchors::Roots => "the --roots file",
        Anchors::System => "the system trust store",
        Anchors::Input => "self-signed roots among the inputs (no --roots given)",
    }
}

fn link<W: Write>(w: &mut W, pos: usize, l: &Link, next: Option<&Link>) -> io::Result<()> {
    let mut head = format!("  {pos}. {}", sanitize_dn(&l.subject));
    if l.anchor {
        head.push_str("  [trust anchor]");
    }
    writeln!(w, "{head}")?;
    field(
        w,
        5,
        "Item",
        &format!(
            "item {}, {} ({})",
            l.item,
            sanitize_escaped(&l.source.locator(true)),
            l.from
        ),
    )?;
    field(w, 5, "Issuer", &sanitize_dn(&l.issuer))?;
    field(w, 5, "Serial", &l.serial)?;
    if let Some(s) = &l.subject_key_id {
        field(w, 5, "SKI", s)?;
    }
    if let Some(a) = &l.authority_key_id {
        field(w, 5, "AKI", a)?;
    }
    let by = next
        .map(|n| format!(" by item {}", n.item))
        .unwrap_or_default();
    field(
        w,
        5,
        "Signature",
        &format!("{}{by} ({})", l.signature, l.signature_algorithm),
    )?;
    let validity = match l.validity {
        Validity::Valid => "valid",
        Validity::Expired => "EXPIRED",
        Validity::NotYetValid => "NOT YET VALID",
    };
    field(
        w,
        5,
        "Validity",
        &format!("{} to {} ({validity})", l.not_before, l.not_after),
    )?;
    let ca = match (l.ca, l.path_len) {
        (Some(true), Some(n)) => format!("yes, path length {n}"),
        (Some(true), None) => "yes".to_string(),
        (Some(false), _) => "no".to_string(),
        (None, _) => "no basicConstraints".to_string(),
    };
    field(w, 5, "CA", &ca)?;
    field(
        w,
        5,
        "Key usage",
        &l.key_usage
            .as_ref()
            .map(|k| k.join(", "))
            .unwrap_or_else(|| "(no keyUsage extension)".to_string()),
    )?;
    if let Some(r) = &l.revocation {
        let status = match r.status {
            Status::Good => "good",
            Status::Revoked => "REVOKED,",
            Status::Unknown => "unknown",
        };
        field(
            w,
            5,
            "Revocation",
            &match r.status {
                Status::Revoked => format!("{status} {}", sanitize(&r.message)),
                _ => format!("{status}: {}", sanitize(&r.message)),
            },
        )?;
    }
    for p in &l.problems {
        field(
            w,
            5,
            "Problem",
            &format!("{} [{}; {}]", sanitize(&p.message), p.code, p.clause),
        )?;
    }
    Ok(())
}

/// `item N, LOCATOR` for the entry numbered `n`.
fn numbered(entries: &[Entry], n: usize) -> String {
    style::item_numbered(entries.get(n).map(|e| &e.source), n)
}

fn chain<W: Write>(
    w: &mut W,
    index: usize,
    count: usize,
    c: &Chain,
    items: &[Entry],
    color: bool,
) -> io::Result<()> {
    let verdict = if c.complete {
        paint(color, "1;32", "complete")
    } else {
        paint(color, "1;31", "INCOMPLETE")
    };
    writeln!(w, "Chain {} of {count}: {verdict}", index + 1)?;
    for (pos, l) in c.links.iter().enumerate() {
        link(w, pos, l, c.links.get(pos + 1))?;
    }
    if let Some(p) = &c.policies {
        let names: Vec<String> = p
            .iter()
            .map(|o| crate::asn1::oids::name_or_oid(crate::asn1::oids::policy(o), o))
            .collect();
        let text = if names.is_empty() {
            "none (the valid policy tree is empty)".to_string()
        } else {
            names.join(", ")
        };
        field(w, 2, "Policies", &sanitize(&text))?;
    }
    if let Some(m) = &c.missing {
        let mut s = format!("issuer {}", sanitize_dn(&m.issuer));
        if let Some(a) = &m.authority_key_id {
            s.push_str(&format!(" (key id {a})"));
        }
        field(w, 2, "Missing", &s)?;
        for url in &m.ca_issuers {
            field(
                w,
                2,
                "caIssuers",
                &format!("{} (not fetched)", sanitize(url)),
            )?;
        }
    }
    if c.root_included {
        field(
            w,
            2,
            "Root",
            "included in the input (clients that trust it already have it)",
        )?;
    } else if c
        .links
        .last()
        .is_some_and(|l| l.anchor && l.from == "roots")
    {
        field(
            w,
            2,
            "Root",
            "not in the input; taken from the trust anchors",
        )?;
    }
    for a in &c.alternatives {
        field(
            w,
            2,
            "Alternative",
            &format!(
                "{} also issued link {}: {}, issued by {}",
                numbered(items, a.item),
                a.position,
                sanitize_dn(&a.subject),
                sanitize_dn(&a.issuer)
            ),
        )?;
    }
    if c.alternatives_not_listed > 0 {
        field(
            w,
            2,
            "Alternative",
            &format!(
                "{} more alternative issuers not listed (certificates with a link's issuer \
                 name, not checked)",
                crate::analysis::relate::thousands(c.alternatives_not_listed)
            ),
        )?;
    }
    writeln!(w)
}

/// Renders the report for people.
pub fn text<W: Write>(w: &mut W, r: &Report, items: &[Entry], color: bool) -> io::Result<()> {
    // To the second: "now" carries nanoseconds, which only made the line hard to read (the
    // check itself uses the exact time; certificate times are shown as they are).
    let at = crate::model::Timestamp(r.at.0.replace_nanosecond(0).unwrap_or(r.at.0));
    writeln!(w, "At {at}, anchors: {}", anchors_text(r.anchors))?;
    writeln!(w)?;
    for (i, c) in r.chains.iter().enumerate() {
        chain(w, i, r.chains.len(), c, items, color)?;
    }
    let list = |v: &[usize]| {
        v.iter()
            .map(|n| format!("#{n}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    field(
        w,
        0,
        "Order",
        &format!(
            "given {}; built {}{}",
            list(&r.order.given),
            list(&r.order.built),
            if r.order.in_order {
                " (in order)"
            } else {
                " (NOT in order: --format pem writes the built order)"
            }
        ),
    )?;
    for n in &r.unneeded {
        let alternative = r
            .chains
            .iter()
            .any(|c| c.alternatives.iter().any(|a| a.item == *n));
        let note = if alternative {
            " (an alternative issuer, see above)"
        } else {
            ""
        };
        field(w, 0, "Unneeded", &format!("{}{note}", numbered(items, *n)))?;
    }
    for c in r.crls.iter().flatten() {
        let number = match (&c.crl_number, &c.base_crl_number) {
            (Some(n), Some(b)) => format!(", delta CRL number {n} on base {b}"),
            (Some(n), None) => format!(", CRL number {n}"),
            _ => String::new(),
        };
        let next = c
            .next_update
            .map(|t| format!(" to {t}"))
            .unwrap_or_default();
        field(
            w,
            0,
            "CRL",
            &format!(
                "{}: {}{number}, {}{next}, {} revoked",
                numbered(items, c.item),
                sanitize_dn(&c.issuer),
                c.this_update,
                c.revoked_count
            ),
        )?;
    }
    for d in &r.duplicates {
        field(
            w,
            0,
            "Duplicate",
            &format!(
                "{} is a copy of item {}",
                numbered(items, d.item),
                d.duplicate_of
            ),
        )?;
    }
    if r.chains.is_empty() {
        writeln!(w, "No certificate to build a chain from.")?;
    }
    for n in &r.notes {
        field(w, 0, "Note", &sanitize(n))?;
    }
    let result = if r.complete {
        paint(color, "1;32", "complete chain, verified")
    } else {
        paint(color, "1;31", "no complete chain")
    };
    field(w, 0, "Result", &result)
}

/// Writes the input certificates of every chain as PEM, leaf first: a mis-ordered bundle
/// comes out in the right order, without duplicates and unneeded certificates. Trust
/// anchors taken from `--roots` are not written; a root that was in the input is.
pub fn pem<W: Write>(w: &mut W, r: &Report, items: &[Entry]) -> io::Result<()> {
    for c in &r.chains {
        for l in c.links.iter().filter(|l| l.from == "input") {
            if let Some(p) = items.get(l.item).and_then(|e| e.pem.as_ref()) {
                write!(w, "{p}")?;
            }
        }
    }
    Ok(())
}
#[derive(Serialize)]
struct Doc<'a> {
    #[serde(flatten)]
    report: &'a Report,
    errors: Vec<ErrorEntry>,
}

/// The JSON document: the report's fields, then `errors`.
pub fn json<W: Write>(w: &mut W, report: &Report, errors: Vec<ErrorEntry>) -> io::Result<()> {
    Document::new(Doc { report, errors }).write_to(w)
}

/// JSON Lines: an `item` line per chain (the JSON document's `chains` entries), an `error`
/// line per failure, and a `summary` line with the report's other fields and `exit_code`.
pub fn jsonl<W: Write>(
    w: W,
    report: &Report,
    errors: &[ErrorEntry],
    skipped: usize,
    exit_code: u8,
) -> io::Result<()> {
    let mut out = JsonlWriter::new(w);
    for chain in &report.chains {
        out.item(chain)?;
    }
    for e in errors {
        out.error(&e.source, &e.message)?;
    }
    // The report's own fields, with `chains` (already written) as their number.
    let mut summary = serde_json::to_value(report).map_err(io::Error::from)?;
    if let Some(fields) = summary.as_object_mut() {
        fields.insert("chains".to_string(), report.chains.len().into());
    }
    out.summary(skipped, &summary, exit_code).map(|_| ())
}
