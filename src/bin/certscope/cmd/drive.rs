//! Runs inputs through the decoder into an [`Output`]: files, stdin and `pkcs11:` URIs
//! alike, with the same stderr lines and exit status.
//!
//! This file holds the [`Driver`] (events to the output, failures, the status) and the run's
//! set-up; `ordered.rs` decodes files on every core and delivers them in walk order,
//! `read.rs` reads one input on the printing thread (streaming, password prompts), and
//! `seen.rs` recognises a file reached twice.

use std::ffi::OsString;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::AtomicBool;

use anyhow::Result;

use certscope::decode::{Event, Options};
use certscope::input::passwords::PasswordRules;
use certscope::input::{self, NameFilter, WalkOptions};
use certscope::model::Item;

use super::messages::{self, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE};
use super::output::{Output, Payload};
use super::progress;
use super::stats::RunStats;
use crate::cli::{InputArgs, WalkSort};

mod ordered;
mod read;
mod seen;

/// Work a command does with each item on the thread that decoded it (`check`'s own lints),
/// so that the printing thread only merges the results. Small files' items get it on the
/// decoding threads; items the printing thread decodes itself (a large file, stdin, a
/// token) reach [`Output::item`] as they are, and the output does the work there.
pub(super) trait Prepare: Sync {
    /// The item to deliver (possibly cut to what the output needs of it) and, when the
    /// hook did something with it, its payload.
    fn prepare(&self, item: Box<Item>) -> (Box<Item>, Option<Payload>);
}

/// An event on its way to the output, with its item's payload when it has one.
type Delivery = (Event, Option<Payload>);

/// `event` through `hook` (an item's), as a decoding thread delivers it.
fn prepared(hook: Option<&dyn Prepare>, event: Event) -> Delivery {
    match (hook, event) {
        (Some(hook), Event::Item(item)) => {
            let (item, payload) = hook.prepare(item);
            (Event::Item(item), payload)
        }
        (_, event) => (event, None),
    }
}

/// Holds back an input's first events until its second item shows up, so that `#INDEX` is
/// printed exactly when the input holds more than one item, while still streaming.
struct Lookahead {
    queue: Vec<Delivery>,
    items: usize,
    multi: Option<bool>,
}

impl Lookahead {
    /// Nothing held yet; `multi` when already decided (a `pkcs11:` URI never shows `#INDEX`).
    fn new(multi: Option<bool>) -> Lookahead {
        Lookahead {
            queue: Vec::new(),
            items: 0,
            multi,
        }
    }
}

/// How an input was reached.
#[derive(Clone, Copy)]
struct Via {
    /// Named (operand, `--files-from`), not found by a walk: holding nothing is an error.
    explicit: bool,
    /// Walked with `-L` through a symbolic link (see `seen.rs`).
    through_link: bool,
}

/// Events queued before deciding; past this, assume many items.
const LOOKAHEAD_LIMIT: usize = 64;

/// Takes a run's events to its output: reports failures on stderr, counts, keeps the status.
pub(super) struct Driver {
    out: Box<dyn Output>,
    failures: usize,
    /// A `pkcs11:` input's PIN was refused before use: the run exits 2.
    refused_input: bool,
    io_error: Option<io::Error>,
    /// Items delivered so far (for the progress line).
    items: usize,
    stats: RunStats,
    /// `-v`: list the walk entries left out.
    verbose: bool,
    /// The files read, where one could come twice.
    seen: seen::Seen,
    progress: progress::Progress,
}

impl Driver {
    /// A driver into `out`, for events that come from elsewhere than [`drive`]'s inputs
    /// (`token list`): [`Driver::deliver`] them, then [`Driver::finish`].
    pub(super) fn new(out: Box<dyn Output>) -> Driver {
        Driver {
            out,
            failures: 0,
            refused_input: false,
            io_error: None,
            items: 0,
            stats: RunStats::default(),
            verbose: false,
            seen: seen::Seen::default(),
            progress: progress::Progress::off(),
        }
    }

    /// The status so far: 2 when anything could not be read (or a PIN was refused), else 0.
    fn status(&self) -> u8 {
        if self.refused_input {
            EXIT_USAGE
        } else if self.failures > 0 {
            EXIT_PROBLEM
        } else {
            EXIT_OK
        }
    }

    /// Ends the run: a failed write is the run's error, else the output is closed (told the
    /// status) and the status says whether anything failed.
    pub(super) fn finish(mut self) -> Result<u8> {
        if let Some(e) = self.io_error.take() {
            return Err(e.into());
        }
        let status = self.status();
        self.out.finish(status, &self.stats)?;
        Ok(status)
    }

    fn report(&mut self, locator: &str, message: &str) {
        self.failures += 1;
        self.progress
            .suspend(|| messages::problem(locator, message));
        self.out.problem(locator, message);
    }

    /// Hands one event to the output (`multi`: its input holds several items).
    // Only `token list` delivers events itself, and it is built with the `pkcs11` feature.
    #[cfg_attr(not(feature = "pkcs11"), allow(dead_code))]
    pub(super) fn deliver(&mut self, event: Event, multi: bool) {
        self.deliver_prepared(event, None, multi);
    }

    /// [`Driver::deliver`] with the payload a [`Prepare`] hook made of the event's item.
    fn deliver_prepared(&mut self, event: Event, payload: Option<Payload>, multi: bool) {
        if self.io_error.is_some() {
            return;
        }
        match event {
            Event::Item(item) => {
                self.items += 1;
                if let Some(e) = &item.error {
                    let locator = item.source.locator(multi);
                    self.report(&locator, e);
                }
                let result = match payload {
                    Some(payload) => self.out.prepared(item, payload, multi),
                    None => self.out.item(item, multi),
                };
                if let Err(e) = result {
                    self.io_error = Some(e);
                }
            }
            Event::Problem { locator, message } | Event::NeedPassword { locator, message } => {
                self.report(&locator, &message)
            }
        }
    }

    fn push(&mut self, la: &mut Lookahead, event: Event) {
        self.push_prepared(la, (event, None));
    }

    /// [`Driver::push`] with the payload of the event's item.
    fn push_prepared(&mut self, la: &mut Lookahead, (event, payload): Delivery) {
        if let Some(multi) = la.multi {
            self.deliver_prepared(event, payload, multi);
            return;
        }
        if matches!(event, Event::Item(_)) {
            la.items += 1;
        }
        la.queue.push((event, payload));
        if la.items >= 2 || la.queue.len() > LOOKAHEAD_LIMIT {
            self.flush(la, true);
        }
    }

    fn flush(&mut self, la: &mut Lookahead, multi: bool) {
        la.multi = Some(multi);
        for (ev, payload) in std::mem::take(&mut la.queue) {
            self.deliver_prepared(ev, payload, multi);
        }
    }

    /// Ends a run before any input is read: an option that cannot be used is reported like
    /// any other failure, so a JSON document still closes.
    fn refuse(mut self, option: &str, message: &str) -> Result<u8> {
        self.report(option, message);
        self.finish()
    }

    /// One walk entry left out: counted, and listed with `-v`.
    fn left_out(&mut self, locator: &str, why: &str) {
        self.stats.left_out += 1;
        if self.verbose {
            self.progress
                .suspend(|| messages::problem(locator, &format!("note: left out: {why}")));
        }
    }
}

/// The INPUT operands, then `--files-from`'s names; `-` when there are none.
fn operands(args: &InputArgs) -> Result<Vec<OsString>, String> {
    let mut all = args.inputs.clone();
    if let Some(list) = &args.walk.files_from {
        let data = if list == "-" {
            let mut buf = Vec::new();
            io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .map(|_| buf)
                .map_err(|e| format!("cannot read: {e}"))?
        } else {
            std::fs::read(list)
                .map_err(|e| format!("cannot read {}: {e}", Path::new(list).display()))?
        };
        all.extend(input::parse_list(&data, args.walk.null));
        return Ok(all);
    }
    if all.is_empty() {
        messages::reading_stdin_hint();
        all.push("-".into());
    }
    Ok(all)
}

/// The run's inputs through the decoder into `out`; returns the exit status.
pub(super) fn drive(args: &InputArgs, opts: Options<'_>, out: Box<dyn Output>) -> Result<u8> {
    drive_prepared(args, opts, out, None)
}

/// [`drive`], with `hook` run on each item where it was decoded (see [`Prepare`]).
pub(super) fn drive_prepared(
    args: &InputArgs,
    opts: Options<'_>,
    out: Box<dyn Output>,
    hook: Option<&dyn Prepare>,
) -> Result<u8> {
    let mut driver = Driver::new(out);
    let rules = match PasswordRules::parse(&args.password) {
        Ok(r) => r,
        // A password that cannot be had is a failure of the run, reported like any other so
        // a JSON document still closes; no input is read, since each would fail or prompt.
        Err(e) => return driver.refuse("--password", &e.to_string()),
    };
    let operands = match operands(args) {
        Ok(o) => o,
        Err(e) => return driver.refuse("--files-from", &e),
    };
    let filter = match NameFilter::new(&args.walk.glob, &args.walk.exclude, &args.walk.ext) {
        Ok(f) => f,
        Err(e) => return driver.refuse("--glob", &e.to_string()),
    };
    let walk = WalkOptions {
        recursive: args.recursive,
        follow: args.walk.follow,
        sort: args.walk.sort == WalkSort::Path,
        filter,
    };
    driver.seen = seen::Seen::new(&operands, &walk);
    driver.verbose = args.walk.verbose;
    driver.progress = progress::Progress::new(args.walk.quiet);
    let opts = Options {
        max_kdf_iterations: args.max_kdf_iterations,
        max_kdf_memory: args.max_kdf_memory.saturating_mul(1 << 20),
        max_items: args.max_items,
        max_block_size: args.max_block_size,
        ..opts
    };
    // Set once output fails (`certscope inspect big.pem | head`): the rest of a stream is
    // then neither read nor decoded, and no more files are.
    let cancel = AtomicBool::new(false);
    let opts = Options {
        cancel: Some(&cancel),
        ..opts
    };
    let run = read::Run {
        args,
        opts: &opts,
        rules: &rules,
        cancel: &cancel,
        hook,
    };
    ordered::run(&mut driver, operands, &walk, &run)?;
    driver.progress.finish();
    driver.finish()
}
