//! `certscope check`: read every item, run the lints, print findings, exit 1 at or above
//! `--fail-on` (never inverted), 2 when something could not be read.

use std::io::{self, Write};

use anyhow::Result;

use certscope::analysis::check::{self, Finding, Options, Severity, LINTS};
use certscope::render::check as render;

use super::collect::{collect, more_inputs};
use super::messages::{self, verdict, EXIT_OK};
use super::Ambient;
use crate::cli::{CheckArgs, ReportFormat};

/// Runs `certscope check`.
pub(super) fn run(args: &CheckArgs, ambient: &Ambient) -> Result<u8> {
    let (now, color) = (args.at.unwrap_or(ambient.now), ambient.color);
    let stdout = io::stdout().lock();
    let mut w = io::BufWriter::new(stdout);
    if args.list_lints {
        match args.format {
            ReportFormat::Text => render::lints(&mut w, LINTS)?,
            ReportFormat::Json => render::lints_json(&mut w, LINTS)?,
            ReportFormat::Jsonl => render::lints_jsonl(&mut w, LINTS)?,
        }
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
    let (mut collected, mut status) = collect(&args.input)?;
    let checked = collected.items.len();
    if let Some(spec) = args.roots.as_deref() {
        let (files, recursive) = if spec == "system" {
            super::chain::system_roots().map_err(|e| anyhow::anyhow!("--roots system: {e}"))?
        } else {
            (vec![spec.to_string()], false)
        };
        let (roots, s) = collect(&more_inputs(&args.input, files, recursive))?;
        status = status.max(s);
        // Context only: certificates, appended after the inputs so item numbers stay.
        collected.items.extend(
            roots
                .items
                .into_iter()
                .filter(|i| matches!(i.body, certscope::model::Body::Certificate(_))),
        );
        collected.problems.extend(roots.problems);
    }
    let (findings, counts) = check::check_first(&collected.items, checked, &opts);
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
    let code = verdict(status, !failed);
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
            render::json(
                &mut w,
                &findings,
                &counts,
                &collected.items,
                &collected.problems,
                fail_on,
                failed,
            )?;
        }
        ReportFormat::Jsonl => render::jsonl(
            &mut w,
            &findings,
            &counts,
            &collected.items,
            &collected.problems,
            fail_on,
            failed,
            collected.skipped,
            code,
        )?,
    }
    w.flush()?;
    Ok(code)
}
