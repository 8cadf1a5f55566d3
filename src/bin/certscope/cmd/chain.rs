//! `certscope chain`: read the inputs and the trust anchors, build, report, exit 0 only for
//! complete chains (1 for a chain that is not valid, 2 when something could not be read).

use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, Result};
use time::OffsetDateTime;

use certscope::analysis::chain::{self, Anchors};
use certscope::analysis::policy::PolicyOptions;
use certscope::analysis::validation::{Profile, Purpose, RevocationMode};
use certscope::model::Kind;
use certscope::render::chain as render;
use certscope::render::json::ErrorEntry;

use super::collect::{collect, more_inputs, Collected};
use super::messages::{verdict, EXIT_PROBLEM};
use super::output;
use super::{Ambient, TrustEnv};
use crate::cli::{ChainArgs, GraphFormat};

/// Where OpenSSL-based systems keep the trust bundle, in the order openssl-probe (and so
/// rustls-native-certs) looks: Debian/Ubuntu/Alpine, Fedora/RHEL, openSUSE, older RHEL,
/// FreeBSD/macOS-style.
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// The system trust store as inputs: `SSL_CERT_FILE`, else the first bundle that exists,
/// else every file of `SSL_CERT_DIR` or /etc/ssl/certs (the variables read by `Ambient`).
pub(super) fn system_roots(env: &TrustEnv) -> Result<(Vec<String>, bool), &'static str> {
    if let Some(f) = &env.cert_file {
        return Ok((vec![f.to_string_lossy().into_owned()], false));
    }
    if let Some(f) = SYSTEM_BUNDLES.iter().find(|p| Path::new(p).is_file()) {
        return Ok((vec![(*f).to_string()], false));
    }
    let dir = env
        .cert_dir
        .as_ref()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_else(|| "/etc/ssl/certs".to_string());
    if Path::new(&dir).is_dir() {
        return Ok((vec![dir], true));
    }
    Err("no trust store found (set SSL_CERT_FILE or SSL_CERT_DIR)")
}

/// Runs `certscope chain`.
pub(super) fn run(args: &ChainArgs, ambient: &Ambient) -> Result<u8> {
    let (now, color) = (ambient.now, ambient.color);
    let at = match &args.at {
        Some(s) => OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .with_context(|| format!("--at {s:?} is not an RFC 3339 time"))?,
        None => now,
    };
    let profile = Profile::from(args.profile);
    if matches!(args.format, GraphFormat::Json | GraphFormat::Jsonl) {
        // A module call that never returns while the inputs are read: an empty report
        // with the stall in its errors, since the report is printed only at the end.
        let anchors = match args.roots.as_deref() {
            None => Anchors::Input,
            Some("system") => Anchors::System,
            Some(_) => Anchors::Roots,
        };
        let jsonl = args.format == GraphFormat::Jsonl;
        output::print_on_stall(move |w, error| {
            let opts = chain::Options {
                profile,
                ..chain::Options::default()
            };
            let report = chain::build_with_evidence(&[], &[], &[], anchors, at, &opts);
            if jsonl {
                render::jsonl(w, &report, &[error], 0, EXIT_PROBLEM)
            } else {
                render::json(w, &report, vec![error])
            }
        });
    }
    let with_pem = args.format == GraphFormat::Pem;
    let (inputs, mut status) = collect(&args.input, with_pem)?;
    let mut no_store = false;
    let (anchors, mut roots) = match args.roots.as_deref() {
        None => (Anchors::Input, Collected::default()),
        Some(spec) => {
            let anchors = if spec == "system" {
                Anchors::System
            } else {
                Anchors::Roots
            };
            let found = if spec == "system" {
                system_roots(&ambient.trust)
            } else {
                Ok((vec![spec.to_string()], false))
            };
            match found {
                Ok((files, recursive)) => {
                    let (roots, s) =
                        collect(&more_inputs(&args.input, files, recursive), with_pem)?;
                    status = status.max(s);
                    (anchors, roots)
                }
                Err(e) => {
                    no_store = true;
                    (
                        anchors,
                        Collected::default().with_problem(&format!("--roots {spec}"), e),
                    )
                }
            }
        }
    };
    let roots_items: Vec<_> = std::mem::take(&mut roots.items)
        .into_iter()
        .filter(|e| e.kind == Kind::Certificate)
        .collect();
    // No anchor is a failed run, not an aborted one: the chains are still built (none can
    // end at an anchor) and a JSON document still closes, with the reason in `errors`.
    if anchors != Anchors::Input && roots_items.is_empty() {
        if !no_store {
            let locator = format!("--roots {}", args.roots.as_deref().unwrap_or_default());
            roots = roots.with_problem(&locator, "no certificate found");
        }
        status = EXIT_PROBLEM;
    }
    let opts = chain::Options {
        profile,
        hostname: args.hostname.clone(),
        ip: args.ip,
        email: args.email.clone(),
        purpose: args.purpose.map(Purpose::from),
        max_depth: args.max_depth,
        policy: PolicyOptions {
            initial: args.policy.clone(),
            require_explicit: args.require_explicit_policy,
            inhibit_mapping: args.inhibit_policy_mapping,
            inhibit_any: args.inhibit_any_policy,
        },
        revocation: RevocationMode::from(args.revocation),
    };
    // `--crl` and `--ocsp-response` files: read as inputs are; numbered after the roots.
    let mut evidence = Collected::default();
    let files: Vec<String> = args
        .crl
        .iter()
        .chain(&args.ocsp_response)
        .cloned()
        .collect();
    if !files.is_empty() {
        let (e, s) = collect(&more_inputs(&args.input, files, false), with_pem)?;
        status = status.max(s);
        evidence = e;
    }
    let evidence_items = std::mem::take(&mut evidence.items);
    output::set_stall_closer(None);
    let report = chain::build_with_evidence(
        &inputs.items,
        &roots_items,
        &evidence_items,
        anchors,
        at,
        &opts,
    );
    let skipped = inputs.skipped;
    // Entries numbered as the report numbers them: inputs, then roots, then evidence.
    let mut all = inputs.items;
    all.extend(roots_items);
    all.extend(evidence_items);
    let code = verdict(status, report.complete);
    let stdout = io::stdout().lock();
    let mut w = io::BufWriter::new(stdout);
    let errors = || -> Vec<ErrorEntry> {
        inputs
            .problems
            .into_iter()
            .chain(roots.problems)
            .chain(evidence.problems)
            .map(|(source, message)| ErrorEntry { source, message })
            .collect()
    };
    match args.format {
        GraphFormat::Text => render::text(&mut w, &report, &all, color)?,
        GraphFormat::Pem => render::pem(&mut w, &report, &all)?,
        GraphFormat::Dot => certscope::render::dot::chain(&mut w, &report)?,
        GraphFormat::Json => render::json(&mut w, &report, errors())?,
        GraphFormat::Jsonl => render::jsonl(&mut w, &report, &errors(), skipped, code)?,
    }
    w.flush()?;
    Ok(code)
}
