//! `certscope check` output: one text line per finding, then a summary line; the JSON
//! document; and the lint table for `--list-lints`.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{Document, ErrorEntry, JsonlWriter, VERSION};
use super::sanitize::sanitize;
use super::style::{self, plural};
use crate::analysis::check::{Counts, Finding, Lint, Severity};
use crate::model::{Item, Source};

fn color_code(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "1;31",
        Severity::Warn => "33",
        Severity::Info => "36",
    }
}

pub use super::style::{short_name, MAX_NAME_CHARS};

/// `s` left-aligned in `width` columns (`{:<width}`, for the ASCII ids and severity names).
fn padded<W: Write>(w: &mut W, s: &str, width: usize) -> io::Result<()> {
    const SPACES: &[u8] = &[b' '; 32];
    w.write_all(s.as_bytes())?;
    let pad = width.saturating_sub(s.chars().count());
    w.write_all(SPACES.get(..pad).unwrap_or(SPACES))
}

/// Text written to `w` sanitised piece by piece: [`sanitize`] maps each character on its
/// own, so the pieces sanitised are the whole sanitised, and nothing is joined first.
struct Sanitized<'a, W: Write> {
    w: &'a mut W,
    error: io::Result<()>,
}

impl<W: Write> std::fmt::Write for Sanitized<'_, W> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.w.write_all(sanitize(s).as_bytes()).map_err(|e| {
            self.error = Err(e);
            std::fmt::Error
        })
    }
}

/// One finding's line (`error  expired  PATH [NAME]: message`); `item` names it (`item N` when absent).
/// Written straight to `w`: it runs once per finding of a run.
pub fn text_finding<W: Write>(
    w: &mut W,
    f: &Finding,
    item: Option<&Item>,
    show_index: bool,
    color: bool,
) -> io::Result<()> {
    style::paint_start(w, color, color_code(f.severity))?;
    padded(w, f.severity.name(), 5)?;
    style::paint_end(w, color)?;
    w.write_all(b"  ")?;
    padded(w, f.lint, 26)?;
    w.write_all(b"  ")?;
    match item {
        Some(i) => {
            let mut out = Sanitized {
                w: &mut *w,
                error: Ok(()),
            };
            if style::write_item_with_name(&mut out, i, show_index).is_err() {
                out.error?;
                return Err(io::Error::other("formatting a finding's locator"));
            }
        }
        None => write!(w, "item {}", f.item)?,
    }
    writeln!(w, ": {}", sanitize(&f.message))
}

/// The summary line after the findings; `failed` as the exit status has it.
pub fn text_summary<W: Write>(
    w: &mut W,
    counts: &Counts,
    fail_on: Severity,
    failed: bool,
) -> io::Result<()> {
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

fn json_finding<'a>(f: &'a Finding, item: Option<&'a Item>) -> JsonFinding<'a> {
    JsonFinding {
        item: f.item,
        lint: f.lint,
        severity: f.severity,
        message: &f.message,
        source: item.map(|i| &i.source),
        name: item.and_then(|i| i.display_name()).map(short_name),
    }
}

/// `check`'s report, written finding by finding as the findings become final, so that a
/// run's output never has to be held: text lines and a summary line; the JSON document
/// (`{"certscope", "findings", "summary", "errors"}`); or JSON Lines (an `item` line per
/// finding, an `error` line per failure, the `summary` line with the JSON summary's fields
/// and `exit_code`).
#[derive(Debug)]
pub enum Report<W: Write> {
    /// Text lines.
    Text {
        /// Where to.
        w: W,
        /// Whether to colour severities.
        color: bool,
    },
    /// The JSON document, open at its `findings` array.
    Json {
        /// Where to.
        w: W,
        /// No finding written yet.
        first: bool,
    },
    /// JSON Lines.
    Jsonl(JsonlWriter<W>),
}

impl<W: Write> Report<W> {
    /// Text output.
    pub fn text(w: W, color: bool) -> Report<W> {
        Report::Text { w, color }
    }

    /// The JSON document (its opening is written now).
    pub fn json(mut w: W) -> io::Result<Report<W>> {
        write!(
            w,
            "{{\"certscope\":{},\"findings\":[",
            serde_json::to_string(VERSION).map_err(io::Error::other)?
        )?;
        Ok(Report::Json { w, first: true })
    }

    /// JSON Lines.
    pub fn jsonl(w: W) -> Report<W> {
        Report::Jsonl(JsonlWriter::new(w))
    }

    /// Writes one finding; `item` (when still known) names it, with `#INDEX` when
    /// `show_index`.
    pub fn finding(
        &mut self,
        f: &Finding,
        item: Option<&Item>,
        show_index: bool,
    ) -> io::Result<()> {
        match self {
            Report::Text { w, color } => text_finding(w, f, item, show_index, *color),
            Report::Json { w, first } => {
                if !*first {
                    w.write_all(b",")?;
                }
                *first = false;
                serde_json::to_writer(w, &json_finding(f, item)).map_err(io::Error::from)
            }
            Report::Jsonl(out) => out.item(&json_finding(f, item)),
        }
    }

    /// Writes the summary (and, in JSON, the run's failures) and flushes.
    #[allow(clippy::too_many_arguments)]
    pub fn finish(
        self,
        counts: &Counts,
        problems: &[(String, String)],
        fail_on: Severity,
        failed: bool,
        skipped: usize,
        exit_code: u8,
    ) -> io::Result<W> {
        let summary = Summary {
            counts,
            fail_on,
            failed,
        };
        let errors = || -> Vec<ErrorEntry> {
            problems
                .iter()
                .map(|(source, message)| ErrorEntry {
                    source: source.clone(),
                    message: message.clone(),
                })
                .collect()
        };
        match self {
            Report::Text { mut w, .. } => {
                text_summary(&mut w, counts, fail_on, failed)?;
                w.flush()?;
                Ok(w)
            }
            Report::Json { mut w, .. } => {
                w.write_all(b"],\"summary\":")?;
                serde_json::to_writer(&mut w, &summary).map_err(io::Error::from)?;
                w.write_all(b",\"errors\":")?;
                serde_json::to_writer(&mut w, &errors()).map_err(io::Error::from)?;
                w.write_all(b"}\n")?;
                w.flush()?;
                Ok(w)
            }
            Report::Jsonl(mut out) => {
                for (source, message) in problems {
                    out.error(source, message)?;
                }
                out.summary(skipped, &summary, exit_code)
            }
        }
    }
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
