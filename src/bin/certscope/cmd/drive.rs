//! Runs inputs through the decoder into an [`Output`]: files, stdin and `pkcs11:` URIs
//! alike, with the same stderr lines and exit status.

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};

use anyhow::{Context, Result};
#[cfg(feature = "pkcs11")]
use time::OffsetDateTime;

use certscope::decode::{self, Event, Options};
use certscope::error::InputError;
use certscope::input::passwords::PasswordRules;
use certscope::input::secret::{self, Secret};
use certscope::input::{self, NameFilter, WalkOptions};
use certscope::model::{Body, KeyFormat};

use super::messages::{self, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE};
#[cfg(feature = "pkcs11")]
use super::output::item_output;
use super::output::Output;
#[cfg(feature = "pkcs11")]
use super::pkcs11;
use super::progress;
use super::stats::RunStats;
#[cfg(feature = "pkcs11")]
use crate::cli::{Format, RecordArgs};
use crate::cli::{InputArgs, WalkSort};

/// Holds back an input's first events until its second item shows up, so that `#INDEX` is
/// printed exactly when the input holds more than one item, while still streaming.
struct Lookahead {
    queue: Vec<Event>,
    items: usize,
    multi: Option<bool>,
}

/// Events queued before deciding; past this, assume many items.
const LOOKAHEAD_LIMIT: usize = 64;

struct Driver {
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
    /// Remember every file read, not only hard-linked ones (`-L`, several operands).
    track_all_ids: bool,
    /// (device, inode) of the files read, so a file reached twice is read once.
    seen: HashSet<(u64, u64)>,
    progress: progress::Progress,
}

impl Driver {
    fn new(out: Box<dyn Output>) -> Driver {
        Driver {
            out,
            failures: 0,
            refused_input: false,
            io_error: None,
            items: 0,
            stats: RunStats::default(),
            verbose: false,
            track_all_ids: false,
            seen: HashSet::new(),
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
    fn finish(mut self) -> Result<u8> {
        if let Some(e) = self.io_error.take() {
            return Err(e.into());
        }
        let status = self.status();
        self.out.finish(status)?;
        Ok(status)
    }

    fn report(&mut self, locator: &str, message: &str) {
        self.failures += 1;
        self.progress
            .suspend(|| messages::problem(locator, message));
        self.out.problem(locator, message);
    }

    fn deliver(&mut self, event: Event, multi: bool) {
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
                if let Err(e) = self.out.item(item, multi) {
                    self.io_error = Some(e);
                }
            }
            Event::Problem { locator, message } | Event::NeedPassword { locator, message } => {
                self.report(&locator, &message)
            }
        }
    }

    fn push(&mut self, la: &mut Lookahead, event: Event) {
        if let Some(multi) = la.multi {
            self.deliver(event, multi);
            return;
        }
        if matches!(event, Event::Item(_)) {
            la.items += 1;
        }
        la.queue.push(event);
        if la.items >= 2 || la.queue.len() > LOOKAHEAD_LIMIT {
            self.flush(la, true);
        }
    }

    fn flush(&mut self, la: &mut Lookahead, multi: bool) {
        la.multi = Some(multi);
        for ev in std::mem::take(&mut la.queue) {
            self.deliver(ev, multi);
        }
    }
}

/// Files at most this large are read and decoded on the decoding threads, their events held
/// until their turn; larger ones are streamed by the printing thread when their turn comes,
/// so held events never follow a large input.
const SMALL_FILE: u64 = 256 << 10;

/// What a decoding thread did with one file.
enum Decoded {
    /// A small file's events, in order, and its identity.
    Events {
        events: Vec<Event>,
        id: Option<input::FileId>,
    },
    /// It could not be opened.
    Failed(InputError),
    /// Not small (or not a regular file): the printing thread reads it.
    Large,
}

/// What every input of a run is read with.
#[derive(Clone, Copy)]
struct Run<'r, 'o> {
    args: &'r InputArgs,
    opts: &'r Options<'o>,
    rules: &'r PasswordRules,
    /// Set once output fails: nothing more is read.
    cancel: &'r AtomicBool,
}

/// One step of the run, in output order.
enum Slot {
    /// An operand or walk entry the printing thread handles itself.
    Entry(input::Entry),
    /// A file the decoding threads have done.
    Done {
        path: PathBuf,
        explicit: bool,
        decoded: Decoded,
    },
}

/// Reads and decodes one file on a decoding thread.
fn decode_small(path: &Path, args: &InputArgs, opts: &Options<'_>) -> Decoded {
    let mut opened = match input::open(path.as_os_str(), args.max_input_size) {
        Ok(o) => o,
        Err(e) => return Decoded::Failed(e),
    };
    if opened.size.is_none_or(|s| s > SMALL_FILE) {
        return Decoded::Large;
    }
    let name = input::display_path(path);
    let mut events = Vec::new();
    let result = decode::decode_reader_sized(
        &name,
        &mut opened.reader,
        opened.size,
        opened.limit,
        opts,
        &mut |ev| events.push(ev),
    );
    if let Err(e) = result {
        events.push(Event::Problem {
            locator: name,
            message: e.to_string(),
        });
    }
    Decoded::Events {
        events,
        id: opened.id,
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
    // Files reached by one walk without links are distinct unless hard-linked; with -L or
    // several operands, any may come twice.
    driver.track_all_ids = args.walk.follow || operands.len() > 1;
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
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Files decoded ahead of the printer: enough to keep every core busy, few enough that
    // their held events stay small.
    let window = (workers * 8).clamp(8, 64);
    let sorted = walk.sort;
    let (job_tx, job_rx) = mpsc::sync_channel::<(usize, PathBuf, bool)>(window);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Slot)>();
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|scope| -> Result<()> {
        for _ in 0..workers {
            let (job_rx, done_tx, opts, rules, cancel) =
                (&job_rx, done_tx.clone(), &opts, &rules, &cancel);
            scope.spawn(move || loop {
                let job = job_rx
                    .lock()
                    .map_err(|_| ())
                    .and_then(|rx| rx.recv().map_err(|_| ()));
                let Ok((seq, path, explicit)) = job else {
                    return;
                };
                let decoded = if cancel.load(Ordering::Relaxed) {
                    Decoded::Large
                } else {
                    let opts = Options {
                        password: rules.for_path(Some(&path)),
                        ..opts.clone()
                    };
                    decode_small(&path, args, &opts)
                };
                let slot = Slot::Done {
                    path,
                    explicit,
                    decoded,
                };
                if done_tx.send((seq, slot)).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);
        let mut entries = input::walk(operands, &walk);
        let mut ready: BTreeMap<usize, Slot> = BTreeMap::new();
        let (mut next_seq, mut next_out, mut in_flight) = (0usize, 0usize, 0usize);
        let mut exhausted = false;
        let mut job_tx = Some(job_tx);
        let mut prompted: Option<Secret> = None;
        let run = Run {
            args,
            opts: &opts,
            rules: &rules,
            cancel: &cancel,
        };
        loop {
            while !exhausted && next_seq - next_out < window {
                match entries.next() {
                    None => {
                        exhausted = true;
                        // No more jobs: the decoding threads end when the queue is empty.
                        job_tx = None;
                    }
                    Some(input::Entry::Input {
                        input: input::Input::File(path),
                        explicit,
                    }) => {
                        if let Some(tx) = &job_tx {
                            tx.send((next_seq, path, explicit))?;
                        }
                        in_flight += 1;
                        next_seq += 1;
                    }
                    Some(entry) => {
                        ready.insert(next_seq, Slot::Entry(entry));
                        next_seq += 1;
                    }
                }
            }
            loop {
                let key = if sorted {
                    next_out
                } else {
                    match ready.keys().next() {
                        Some(k) => *k,
                        None => break,
                    }
                };
                let Some(slot) = ready.remove(&key) else {
                    break;
                };
                next_out += 1;
                driver.slot(slot, &run, &mut prompted)?;
                if driver.io_error.is_some() {
                    break;
                }
            }
            if driver.io_error.is_some() {
                cancel.store(true, Ordering::Relaxed);
                break;
            }
            if in_flight == 0 {
                if exhausted {
                    break;
                }
                continue;
            }
            let (seq, slot) = done_rx.recv()?;
            in_flight -= 1;
            ready.insert(seq, slot);
        }
        drop(job_tx);
        Ok(())
    })?;
    driver.progress.finish();
    let stats = driver.stats;
    driver.out.stats(&stats);
    driver.finish()
}

impl Driver {
    /// Ends a run before any input is read: an option that cannot be used is reported like
    /// any other failure, so a JSON document still closes.
    fn refuse(mut self, option: &str, message: &str) -> Result<u8> {
        self.report(option, message);
        self.finish()
    }

    /// Handles one step of the run, in output order.
    fn slot(&mut self, slot: Slot, run: &Run<'_, '_>, prompted: &mut Option<Secret>) -> Result<()> {
        match slot {
            Slot::Entry(input::Entry::Failed((locator, e))) => {
                self.report(&locator, &e.to_string());
            }
            Slot::Entry(input::Entry::Skipped(locator, reason)) => {
                self.left_out(&locator, &reason.to_string());
            }
            Slot::Entry(input::Entry::Input {
                input: input::Input::Uri(uri),
                ..
            }) => {
                // A PKCS#11 object is an input like a file: same output, errors and status.
                let mut la = Lookahead {
                    queue: Vec::new(),
                    items: 0,
                    multi: Some(false),
                };
                self.stats.read += 1;
                #[cfg(feature = "pkcs11")]
                let refused = pkcs11::uri_input(
                    &uri,
                    run.opts,
                    run.args.allow_uri_module,
                    &run.args.pkcs11,
                    &mut |ev| self.push(&mut la, ev),
                );
                #[cfg(not(feature = "pkcs11"))]
                let refused = {
                    let _ = (&mut la, run.args.allow_uri_module);
                    self.report(
                        &uri,
                        "this certscope was built without PKCS#11 support (the `pkcs11` feature)",
                    );
                    false
                };
                self.refused_input |= refused;
            }
            Slot::Entry(input::Entry::Input { input, explicit }) => {
                self.read_inline(&input, explicit, None, run, prompted)?;
            }
            Slot::Done {
                path,
                explicit,
                decoded,
            } => {
                let input = input::Input::File(path);
                match decoded {
                    Decoded::Failed(e) => self.report(&input.locator(), &e.to_string()),
                    Decoded::Large => self.read_inline(&input, explicit, None, run, prompted)?,
                    Decoded::Events { events, id } => {
                        self.read_inline(&input, explicit, Some((events, id)), run, prompted)?
                    }
                }
            }
        }
        self.progress.input_done(self.stats.read, self.items);
        Ok(())
    }

    /// Is this file one already read (same device and inode)? Records it otherwise.
    fn seen_before(&mut self, id: Option<input::FileId>) -> bool {
        match id {
            Some(id) if self.track_all_ids || id.linked => !self.seen.insert((id.dev, id.ino)),
            _ => false,
        }
    }

    /// One walk entry left out: counted, and listed with `-v`.
    fn left_out(&mut self, locator: &str, why: &str) {
        self.stats.left_out += 1;
        if self.verbose {
            self.progress
                .suspend(|| messages::problem(locator, &format!("note: left out: {why}")));
        }
    }

    /// Decodes one input on this thread, streaming (or delivers the events a decoding thread
    /// already has, `pre`), with one more pass after prompting for a password.
    fn read_inline(
        &mut self,
        input: &input::Input,
        explicit: bool,
        mut pre: Option<(Vec<Event>, Option<input::FileId>)>,
        run: &Run<'_, '_>,
        prompted: &mut Option<Secret>,
    ) -> Result<()> {
        let Run {
            args,
            opts,
            rules,
            cancel,
        } = *run;
        let name = input.locator();
        let path = match input {
            input::Input::File(p) => Some(p.as_path()),
            _ => None,
        };
        let rule = rules.for_path(path);
        // At most two passes: the second with the password typed at the prompt (which then
        // serves every later input no rule covers, as one --password would).
        for pass in 0..2 {
            let password = match (pass, &pre) {
                (0, Some(_)) => rule,
                (0, None) => rule.or(prompted.as_ref()),
                _ => prompted.as_ref(),
            };
            let no_password = password.is_none();
            let opts = Options {
                password,
                ..opts.clone()
            };
            let mut la = Lookahead {
                queue: Vec::new(),
                items: 0,
                multi: None,
            };
            let mut need_password: Option<Event> = None;
            if let Some((events, id)) = pre.take() {
                if self.seen_before(id) {
                    self.left_out(&name, "already read under another name");
                    return Ok(());
                }
                self.stats.read += 1;
                // An encrypted PKCS#8 key read without a password: ask, as for PKCS#12, and
                // read the file again with the answer (a streamed large file is not asked
                // for: its items are out already).
                if no_password
                    && events.iter().any(locked_key)
                    && self.ask_password(input, &name, prompted)?
                {
                    continue;
                }
                for ev in events {
                    self.accept(&mut la, explicit, ev, &mut need_password);
                }
            } else {
                let mut opened = match input::open(input.open_name(), args.max_input_size) {
                    Ok(o) => o,
                    Err(e) => {
                        self.report(&name, &e.to_string());
                        return Ok(());
                    }
                };
                if pass == 0 {
                    if self.seen_before(opened.id) {
                        self.left_out(&name, "already read under another name");
                        return Ok(());
                    }
                    self.stats.read += 1;
                }
                let result = decode::decode_reader_sized(
                    &name,
                    &mut opened.reader,
                    opened.size,
                    opened.limit,
                    &opts,
                    &mut |ev| {
                        self.accept(&mut la, explicit, ev, &mut need_password);
                        if self.io_error.is_some() {
                            cancel.store(true, Ordering::Relaxed);
                        }
                    },
                );
                if let Err(e) = result {
                    self.push(
                        &mut la,
                        Event::Problem {
                            locator: name.clone(),
                            message: e.to_string(),
                        },
                    );
                }
            }
            let retry = pass == 0
                && need_password.is_some()
                && no_password
                && *input != input::Input::Stdin;
            if retry && self.ask_password(input, &name, prompted)? {
                continue;
            }
            if let Some(ev) = need_password {
                self.push(&mut la, ev);
            }
            let multi = la.items > 1;
            if la.multi.is_none() {
                self.flush(&mut la, multi);
            }
            break;
        }
        Ok(())
    }

    /// Is there a password to read `input` again with: one typed before, or one asked for
    /// now at the terminal (never for stdin, which is the data)?
    fn ask_password(
        &self,
        input: &input::Input,
        name: &str,
        prompted: &mut Option<Secret>,
    ) -> Result<bool> {
        if *input == input::Input::Stdin {
            return Ok(false);
        }
        if prompted.is_none() && io::stdin().is_terminal() {
            *prompted = self
                .progress
                .suspend(|| secret::prompt(&format!("Password for {name}: ")))
                .context("password prompt")?;
        }
        Ok(prompted.is_some())
    }

    /// Takes one event of an input: a password request is held back (the input may be
    /// read again), "holds nothing" from a walked file is a quiet skip, the rest is output.
    fn accept(
        &mut self,
        la: &mut Lookahead,
        explicit: bool,
        ev: Event,
        need_password: &mut Option<Event>,
    ) {
        match ev {
            Event::NeedPassword { .. } if la.items == 0 => *need_password = Some(ev),
            ev if !explicit && la.items == 0 && ev.holds_nothing() => {
                self.stats.skipped += 1;
                if let (true, Event::Problem { locator, message }) = (self.verbose, ev) {
                    self.progress.suspend(|| {
                        messages::problem(&locator, &format!("note: skipped: {message}"))
                    });
                }
            }
            ev => self.push(la, ev),
        }
    }
}

/// What `drive_token_items` calls: decoding options and an event sink in, events out.
#[cfg(feature = "pkcs11")]
pub(crate) type TokenProducer<'a> = dyn FnMut(&Options<'_>, &mut dyn FnMut(Event)) + 'a;

/// Streams the items of `token list`/`token find` through the same outputs, stderr lines
/// and exit status as `inspect`: `produce` gets the decoding options the format needs and a
/// sink for events. `question` (`token find`): no item is the answer "no", exit 1.
/// Returns the exit status and how many items were delivered.
#[cfg(feature = "pkcs11")]
pub(crate) fn drive_token_items(
    format: Format,
    now: OffsetDateTime,
    color: bool,
    record: &RecordArgs,
    question: bool,
    produce: &mut TokenProducer<'_>,
) -> Result<(u8, usize)> {
    let (opts, out) = item_output(format, &[], now, color, false, record, Default::default())?;
    let out = if question {
        super::output::answering(out)
    } else {
        out
    };
    let mut driver = Driver::new(out);
    let mut items = 0usize;
    produce(&opts, &mut |ev| {
        if matches!(ev, Event::Item(_)) {
            items += 1;
        }
        driver.deliver(ev, false);
    });
    Ok((driver.finish()?, items))
}

/// An encrypted PKCS#8 or legacy PEM key left encrypted (no password was given).
fn locked_key(ev: &Event) -> bool {
    matches!(ev, Event::Item(item) if matches!(&item.body,
        Body::Key(k) if k.encrypted && !k.decrypted
            && matches!(k.format, KeyFormat::Pkcs8Encrypted | KeyFormat::LegacyEncrypted)))
}
