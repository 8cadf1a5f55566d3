//! `certscope check`: read every item, run the lints, print findings, exit 1 at or above
//! `--fail-on` (never inverted), 2 when something could not be read.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{self, Write};
use std::rc::Rc;

use anyhow::Result;

use certscope::analysis::check::{self, Checker, Counts, Finding, Severity, LINTS};
use certscope::decode::Options;
use certscope::model::{Body, Brief, FileSource, Item, Source};
use certscope::render::check::{self as render, Report};
use certscope::render::json::ErrorEntry;

use super::collect::more_inputs;
use super::drive::{drive, drive_prepared, Prepare};
use super::messages::{self, verdict, EXIT_OK, EXIT_PROBLEM};
use super::output::{self as shared, Output, Payload, StallClosable, Unlocked};
use super::stats::RunStats;
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
    let opts = check::Options {
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
    // The trust store is found before any output, so that a missing one stops the run
    // before a finding is written.
    let roots = match args.roots.as_deref() {
        None => None,
        Some("system") => Some(
            super::chain::system_roots(&ambient.trust)
                .map_err(|e| anyhow::anyhow!("--roots system: {e}"))?,
        ),
        Some(spec) => Some((vec![spec.to_string()], false)),
    };
    drop(w);
    let out = io::BufWriter::new(io::stdout());
    let report = match args.format {
        ReportFormat::Text => Report::text(out, color),
        ReportFormat::Json => Report::json(out)?,
        ReportFormat::Jsonl => Report::jsonl(out),
    };
    let fail_on = Severity::from(args.fail_on);
    let open = Open {
        report,
        problems: Vec::new(),
        counts: Counts::default(),
        fail_on,
    };
    // Shared with the module watchdog, which closes a JSON document or stream when a
    // module call never returns; text has no document to close.
    let open = StallClosable::new(open, Open::close_on_stall);
    if args.format == ReportFormat::Text {
        shared::set_stall_closer(None);
    }
    // Each item's own lints run on the thread that decoded it, which also frees it.
    let lints = OwnLints(opts.clone());
    let run = Rc::new(RefCell::new(Run {
        checker: Checker::new(opts, roots.is_some()),
        names: HashMap::new(),
        ready: Vec::new(),
        open,
        skipped: 0,
        next: 0,
    }));
    // No thumbprints: duplicate detection hashes the few items kept for the run-level
    // checks itself (`relate`). Nothing is printed from the PEM text. No SPKI pins: the
    // checker pins only the items it keeps (`relate` groups them by key).
    let decode = || Options {
        hashes: Vec::new(),
        with_pem: false,
        with_spki_pin: false,
        ..Options::default()
    };
    let mut status = drive_prepared(
        &args.input,
        decode(),
        Box::new(Checked(Rc::clone(&run))),
        Some(&lints),
    )?;
    if let Some((files, recursive)) = roots {
        let more = more_inputs(&args.input, files, recursive);
        status = status.max(drive(&more, decode(), Box::new(Context(Rc::clone(&run))))?);
    }
    let Ok(run) = Rc::try_unwrap(run).map(RefCell::into_inner) else {
        anyhow::bail!("internal error: the check outlived its run");
    };
    let Run {
        checker,
        names,
        open,
        skipped,
        ..
    } = run;
    let Some(Open {
        mut report,
        problems,
        ..
    }) = open.finish()
    else {
        // The watchdog closed the report: the process is ending with the stall.
        return Ok(EXIT_PROBLEM);
    };
    let (findings, counts) = checker.finish();
    for f in &findings {
        let (item, shown) = names
            .get(&f.item)
            .map_or((None, true), |(i, s)| (Some(&**i), *s));
        report.finding(f, item, shown)?;
    }
    let failed = failed(&counts, fail_on);
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
    report.finish(&counts, &problems, fail_on, failed, skipped, code)?;
    Ok(code)
}

/// Whether a check with `counts` fails at `fail_on` (or examined nothing). The counts
/// include the findings past the per-lint cap, which have their lint's severity.
fn failed(counts: &Counts, fail_on: Severity) -> bool {
    let at_or_above = match fail_on {
        Severity::Error => counts.error,
        Severity::Warn => counts.error + counts.warn,
        Severity::Info => counts.error + counts.warn + counts.info,
    };
    at_or_above > 0 || counts.checked == 0
}

/// The report being written and what its end needs, shared with the module watchdog.
struct Open {
    report: Report<Unlocked>,
    /// The run's failures, written at the end (JSON `errors`, JSONL `error` lines).
    problems: Vec<(String, String)>,
    /// The checker's counts as of the last item, for a summary written on a stall.
    counts: Counts,
    fail_on: Severity,
}

impl Open {
    /// Ends the report when a module call never returns: the stall among its errors, the
    /// summary of what was checked so far, exit code 2. Findings still waiting for the
    /// run-level checks are not written.
    fn close_on_stall(mut self, error: ErrorEntry) {
        self.problems.push((error.source, error.message));
        let failed = failed(&self.counts, self.fail_on);
        let _ = self.report.finish(
            &self.counts,
            &self.problems,
            self.fail_on,
            failed,
            0,
            EXIT_PROBLEM,
        );
    }
}

/// A check run in progress: the checker, how to name the items whose findings are still
/// to come (a stub with the source and name, not the decoded item), and the report.
struct Run {
    checker: Checker,
    /// Stubs of the items whose findings wait (for later items or the end of the run).
    names: HashMap<usize, (Box<Item>, bool)>,
    /// The findings being written, a buffer kept from item to item.
    ready: Vec<Finding>,
    open: StallClosable<Open>,
    skipped: usize,
    /// Run number of the next checked item.
    next: usize,
}

impl Run {
    /// Keeps a failure for the end of the report.
    fn problem(&self, locator: &str, message: &str) {
        let _ = self.open.with(|open| {
            open.problems
                .push((locator.to_string(), message.to_string()));
            Ok(())
        });
    }

    /// Writes the findings that are final, and forgets their items' names; `current` (run
    /// number, stub, `#INDEX` shown) names the item just taken, which is not in `names`.
    fn write_ready(&mut self, current: Option<(usize, &Item, bool)>) -> io::Result<()> {
        let mut ready = std::mem::take(&mut self.ready);
        self.checker.take_ready_into(&mut ready);
        let (names, counts) = (&self.names, self.checker.counts());
        self.open.with(|open| {
            for f in &ready {
                let (item, shown) = match current {
                    Some((n, item, shown)) if n == f.item => (Some(item), shown),
                    _ => names
                        .get(&f.item)
                        .map_or((None, true), |(i, s)| (Some(&**i), *s)),
                };
                open.report.finding(f, item, shown)?;
            }
            open.counts.clone_from(counts);
            Ok(())
        })?;
        // An item's findings come out together: its name is not needed again.
        if !self.names.is_empty() {
            for f in &ready {
                self.names.remove(&f.item);
            }
        }
        ready.clear();
        self.ready = ready;
        Ok(())
    }
}

/// What the report needs to name an item: its kind, source and display name (and its
/// error, which the driver reports), not the decoded item. The source and error are moved
/// out of `item`: the checker reads neither (its lints read the decoded fields, relating
/// reads names, keys and DER), and this runs for every item of a run.
fn stub(item: &mut Item) -> Box<Item> {
    let no_source = Source::File(FileSource {
        path: String::new(),
        index: 0,
        line: None,
        container: None,
        key: None,
    });
    let mut stub = Item::new(item.kind, std::mem::replace(&mut item.source, no_source));
    stub.error = item.error.take();
    stub.body = Body::Brief(Brief {
        subject: item.display_name().map(str::to_string),
    });
    Box::new(stub)
}

/// The hook run on the decoding threads: a checked item's own lints
/// ([`check::prepare`]), its stub delivered in its place. Other items (keys, whose
/// encryption the driver looks at) go through as they are.
struct OwnLints(check::Options);

impl Prepare for OwnLints {
    fn prepare(&self, mut item: Box<Item>) -> (Box<Item>, Option<Payload>) {
        if !check::checks(&item) {
            return (item, None);
        }
        let stub = stub(&mut item);
        let prepared: Payload = Box::new(check::prepare(&self.0, item));
        (stub, Some(prepared))
    }
}

/// The checked inputs' items.
struct Checked(Rc<RefCell<Run>>);

impl Checked {
    /// Adds the next item of the run, prepared (or not yet) by [`OwnLints`]; `stub` names
    /// it in the report.
    fn add(
        &mut self,
        mut stub: Box<Item>,
        prepared: Result<check::Prepared, Box<Item>>,
        show_index: bool,
    ) -> io::Result<()> {
        let mut run = self.0.borrow_mut();
        let number = run.next;
        run.next += 1;
        stub.number = Some(number);
        let waits = match prepared {
            Ok(p) => run.checker.take(p),
            Err(item) => run.checker.item(*item),
        };
        // With nothing pending, the item's findings (if any) are ready now: it is named
        // from here, not kept until they come out.
        if waits && run.checker.pending() {
            run.names.insert(number, (stub, show_index));
            return run.write_ready(None);
        }
        run.write_ready(Some((number, &stub, show_index)))
    }
}

impl Output for Checked {
    fn item(&mut self, mut item: Box<Item>, show_index: bool) -> io::Result<()> {
        // Decoded on this thread (a large file, stdin): checked here.
        let stub = stub(&mut item);
        self.add(stub, Err(item), show_index)
    }

    fn prepared(&mut self, stub: Box<Item>, payload: Payload, show_index: bool) -> io::Result<()> {
        match payload.downcast::<check::Prepared>() {
            Ok(p) => self.add(stub, Ok(*p), show_index),
            // Only `OwnLints` makes payloads for this output, and the stub it delivers has
            // lost the item: checking the stub would drop the item's findings silently.
            Err(_) => Err(io::Error::other(
                "internal error: a check payload of another kind",
            )),
        }
    }

    fn problem(&mut self, locator: &str, message: &str) {
        self.0.borrow().problem(locator, message);
    }

    fn finish(self: Box<Self>, _status: u8, stats: &RunStats) -> io::Result<()> {
        self.0.borrow_mut().skipped = stats.skipped;
        Ok(())
    }
}

/// `--roots` certificates: context for the run-level checks, never checked themselves.
struct Context(Rc<RefCell<Run>>);

impl Output for Context {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        self.0.borrow_mut().checker.context(*item);
        Ok(())
    }

    fn problem(&mut self, locator: &str, message: &str) {
        self.0.borrow().problem(locator, message);
    }

    fn finish(self: Box<Self>, _status: u8, _stats: &RunStats) -> io::Result<()> {
        Ok(())
    }
}
