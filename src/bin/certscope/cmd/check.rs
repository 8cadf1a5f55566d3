//! `certscope check`: read every item, run the lints, print findings, exit 1 at or above
//! `--fail-on` (never inverted).

use std::io::{self, Write};

use anyhow::Result;
use serde::Serialize;

use certscope::analysis::check::{self, Counts, Finding, Options, Severity, LINTS};
use certscope::model::Source;
use certscope::render::check as render;
use certscope::render::json::{Document, ErrorEntry};

use super::collect::collect;
use super::messages::{self, EXIT_FAILED, EXIT_OK};
use super::Ambient;
use crate::cli::{CheckArgs, ReportFormat};

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

/// Runs `certscope check`.
pub(super) fn run(args: &CheckArgs, ambient: &Ambient) -> Result<u8> {
    let (now, color) = (ambient.now, ambient.color);
    let stdout = io::stdout().lock();
    let mut w = io::BufWriter::new(stdout);
    if args.list_lints {
        render::lints(&mut w, LINTS)?;
        w.flush()?;
        return Ok(EXIT_OK);
    }
    let opts = Options {
        now,
        expires_within: args
            .expires_within
            .as_deref()
            .map(check::parse_duration)
            .transpose()?,
        not_yet_valid: args.not_yet_valid,
        hostname: args.hostname.clone(),
        ip: args.ip,
        max_validity_days: args.max_validity,
        only: args.lint.clone(),
        skip: args.skip_lint.clone(),
    };
    opts.validate()?;
    let (collected, status) = collect(&args.input)?;
    let (findings, counts) = check::check(&collected.items, &opts);
    let fail_on = Severity::from(args.fail_on);
    let failed = findings.iter().any(|f: &Finding| f.severity >= fail_on) || counts.checked == 0;
    if counts.checked == 0 {
        // Nothing examined must not read as a pass (a directory of dangling links, keys
        // only): say so with the inputs as the locator.
        let mut inputs: Vec<String> = args
            .input
            .inputs
            .iter()
            .map(|i| certscope::input::display_path(std::path::Path::new(i)))
            .collect();
        if inputs.is_empty() {
            inputs.push("-".to_string());
        }
        messages::problem(
            &inputs.join(", "),
            "nothing was checked (no certificate, CRL or CSR found)",
        );
    }
    match args.format {
        ReportFormat::Text => render::text(
            &mut w,
            &findings,
            &counts,
            &collected.items,
            &collected.show_index,
            fail_on,
            color,
        )?,
        ReportFormat::Json => {
            let doc = Doc {
                findings: findings
                    .iter()
                    .map(|f| {
                        let item = collected.items.get(f.item);
                        JsonFinding {
                            item: f.item,
                            lint: f.lint,
                            severity: f.severity,
                            message: &f.message,
                            source: item.map(|i| &i.source),
                            name: item.and_then(|i| i.display_name()).map(render::short_name),
                        }
                    })
                    .collect(),
                summary: Summary {
                    counts: &counts,
                    fail_on,
                    failed,
                },
                errors: collected
                    .problems
                    .iter()
                    .map(|(source, message)| ErrorEntry {
                        source: source.clone(),
                        message: message.clone(),
                    })
                    .collect(),
            };
            Document::new(doc).write_to(&mut w)?;
        }
    }
    w.flush()?;
    Ok(if failed || status != EXIT_OK {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}
