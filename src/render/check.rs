//! `certscope check` output: one text line per finding, then a summary line; the JSON
//! document; and the lint table for `--list-lints`.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{Document, ErrorEntry, JsonlWriter};
use super::sanitize::sanitize;
use super::style::{self, plural};
use crate::check::{Counts, Finding, Lint, Severity};
use crate::model::{Item, Source};

fn paint(color: bool, sev: Severity, s: &str) -> String {
    let code = match sev {
        Severity::Error => "1;31",
        Severity::Warn => "33",
        Severity::Info => "36",
    };
    style::paint(color, code, s)
}

pub use super::style::{short_name, MAX_NAME_CHARS};

/// One line per finding (`error  expired  PATH [NAME]: message`), then the summary.
pub fn text<W: Write>(
    w: &mut W,
    findings: &[Finding],
    counts: &Counts,
    items: &[Item],
    show_index: &[bool],
    fail_on: Severity,
    color: bool,
) -> io::Result<()> {
    for f in findings {
        let label = items
            .get(f.item)
            .map(|i| style::item_with_name(i, show_index.get(f.item).copied().unwrap_or(true)))
            .unwrap_or_else(|| format!("item {}", f.item));
        writeln!(
            w,
            "{}  {:<26}  {}: {}",
            paint(color, f.severity, &format!("{:<5}", f.severity.name())),
            f.lint,
            sanitize(&label),
            sanitize(&f.message)
        )?;
    }
    // A run that examined nothing has not passed anything.
    let failed = findings.iter().any(|f| f.severity >= fail_on) || counts.checked == 0;
    writeln!(
        w,
        "{} checked ({} certificate{}, {} CRL{}, {} CSR{}): {} error{}, {} warning{}, {} info; {} (--fail-on {})",
        counts.checked,
        counts.certificates,
        plural(counts.certificates),
        counts.crls,
        plural(counts.crls),
        counts.csrs,
        plural(counts.csrs),
        counts.error,
        plural(counts.error),
        counts.warn,
        plural(counts.warn),
        counts.info,
        if failed { "FAIL" } else { "pass" },
        fail_on.name()
    )
}

/// The lint table: id, severity, what it means, where it comes from.
pub fn lints<W: Write>(w: &mut W, lints: &[Lint]) -> io::Result<()> {
    for l in lints {
        let when = if l.on_request { " (on request)" } else { "" };
        writeln!(
            w,
            "{:<26}  {:<5}  {}{when}",
            l.id,
            l.severity.name(),
            l.summary
        )?;
        writeln!(w, "{:<26}         {}", "", l.reference)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonLint {
    id: &'static str,
    severity: Severity,
    applies_to: &'static str,
    clause: &'static str,
    summary: &'static str,
    on_request: bool,
    anchor_exempt: bool,
}

#[derive(Serialize)]
struct LintsDoc {
    lints: Vec<JsonLint>,
}

fn json_lint(l: &Lint) -> JsonLint {
    JsonLint {
        id: l.id,
        severity: l.severity,
        applies_to: l.applies_to,
        clause: l.reference,
        summary: l.summary,
        on_request: l.on_request,
        anchor_exempt: l.anchor_exempt,
    }
}

/// `--list-lints --format json`: every lint with its id, severity, scope and clause.
pub fn lints_json<W: Write>(w: &mut W, lints: &[Lint]) -> io::Result<()> {
    let doc = LintsDoc {
        lints: lints.iter().map(json_lint).collect(),
    };
    Document::new(doc).write_to(w)
}

/// `--list-lints --format jsonl`: an `item` line per lint (the fields of `lints_json`'s
/// entries), then the `summary` line, as every JSON Lines stream ends.
pub fn lints_jsonl<W: Write>(w: W, lints: &[Lint]) -> io::Result<()> {
    let mut out = JsonlWriter::new(w);
    for l in lints {
        out.item(&json_lint(l))?;
    }
    out.summary(0, &serde_json::Map::new(), 0).map(|_| ())
}

/// The lint table of docs/check.md, as Markdown (a test compares the page with it).
pub fn lints_markdown(lints: &[Lint]) -> String {
    let mut out = String::from(
        "| id | severity | applies to | what it means | from |\n|---|---|---|---|---|\n",
    );
    for l in lints {
        let mut sev = l.severity.name().to_string();
        if l.anchor_exempt {
            sev.push_str(" (info on self-signed CAs)");
        }
        let when = if l.on_request { " (*on request*)" } else { "" };
        out.push_str(&format!(
            "| `{}` | {sev} | {} | {}{when} | {} |\n",
            l.id, l.applies_to, l.summary, l.reference
        ));
    }
    out
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    item: usize,
    lint: &'static str,
    severity: Severity,
    message: &'a str,
    source: Option<&'a Source>,
    name: Option<std::borrow::Cow<'a, str>>,
}

#[derive(Serialize)]
struct Summary<'a> {
    #[serde(flatten)]
    counts: &'a Counts,
    fail_on: Severity,
    failed: bool,
}

#[derive(Serialize)]
struct Doc<'a> {
    findings: Vec<JsonFinding<'a>>,
    summary: Summary<'a>,
    errors: Vec<ErrorEntry>,
}

fn json_finding<'a>(f: &'a Finding, items: &'a [Item]) -> JsonFinding<'a> {
    let item = items.get(f.item);
    JsonFinding {
        item: f.item,
        lint: f.lint,
        severity: f.severity,
        message: &f.message,
        source: item.map(|i| &i.source),
        name: item.and_then(|i| i.display_name()).map(short_name),
    }
}

/// JSON Lines: an `item` line per finding (the JSON document's `findings` entries), an
/// `error` line per failure, and the `summary` line with the JSON summary's fields and
/// `exit_code`.
#[allow(clippy::too_many_arguments)]
pub fn jsonl<W: Write>(
    w: W,
    findings: &[Finding],
    counts: &Counts,
    items: &[Item],
    problems: &[(String, String)],
    fail_on: Severity,
    failed: bool,
    skipped: usize,
    exit_code: u8,
) -> io::Result<()> {
    let mut out = JsonlWriter::new(w);
    for f in findings {
        out.item(&json_finding(f, items))?;
    }
    for (source, message) in problems {
        out.error(source, message)?;
    }
    let summary = Summary {
        counts,
        fail_on,
        failed,
    };
    out.summary(skipped, &summary, exit_code).map(|_| ())
}

/// The JSON document: each finding with its item's source and (short) name, the summary,
/// and the run's failures as `errors`.
pub fn json<W: Write>(
    w: &mut W,
    findings: &[Finding],
    counts: &Counts,
    items: &[Item],
    problems: &[(String, String)],
    fail_on: Severity,
    failed: bool,
) -> io::Result<()> {
    let doc = Doc {
        findings: findings.iter().map(|f| json_finding(f, items)).collect(),
        summary: Summary {
            counts,
            fail_on,
            failed,
        },
        errors: problems
            .iter()
            .map(|(source, message)| ErrorEntry {
                source: source.clone(),
                message: message.clone(),
            })
            .collect(),
    };
    Document::new(doc).write_to(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_name_cuts_long_names_on_a_char_boundary() {
        assert_eq!(short_name("CN=a"), "CN=a");
        let exact = "é".repeat(MAX_NAME_CHARS);
        assert_eq!(short_name(&exact), exact.as_str());
        let long = "é".repeat(MAX_NAME_CHARS + 5);
        assert_eq!(
            short_name(&long),
            format!("{}… (5 more characters)", "é".repeat(MAX_NAME_CHARS))
        );
    }
}
