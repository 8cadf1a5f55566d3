//! Many files, in parallel, in order: the walk runs on the printing thread and hands files
//! to one decoding thread per core; a small file is read and decoded there and its events
//! held until its turn, so output follows the walk (`--sort none`: as files finish).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Mutex};

use anyhow::Result;

use certscope::decode::{self, Event, Options};
use certscope::input::error::InputError;
use certscope::input::secret::Secret;
use certscope::input::{self, WalkOptions};

use super::read::Run;
use super::{prepared, Delivery, Driver, Lookahead, Prepare, Via};
use crate::cli::InputArgs;
use crate::cmd::pkcs11;

/// Files at most this large are read and decoded on the decoding threads, their events held
/// until their turn; larger ones are streamed by the printing thread when their turn comes,
/// so held events never follow a large input.
const SMALL_FILE: u64 = 256 << 10;

/// What a decoding thread did with one file.
enum Decoded {
    /// A small file's events (with their payloads), in order, its identity and its
    /// display name.
    Events {
        events: Vec<Delivery>,
        id: Option<input::FileId>,
        name: String,
    },
    /// It could not be opened.
    Failed(InputError),
    /// Not small (or not a regular file): the printing thread reads it.
    Large,
}

/// One walk entry handed to the decoding threads, in a batch: a file to decode, or an
/// entry the printing thread handles itself, passed through to keep its place in order.
enum Job {
    File { path: PathBuf, via: Via },
    Entry(input::Entry),
}

/// One step of the run, in output order.
enum Slot {
    /// An operand or walk entry the printing thread handles itself.
    Entry(input::Entry),
    /// A file the decoding threads have done.
    Done {
        path: PathBuf,
        via: Via,
        decoded: Decoded,
    },
}

/// Most walk entries handed to a decoding thread at once. One channel hand-off (and
/// wake-up) per file cost about as much as reading and hashing a small file; batches start
/// at one entry and double up to this, so that a run of a few files still uses every core.
const MAX_BATCH: usize = 64;

/// Decodes one file of the walk with the password its path is given (`--password GLOB=SPEC`):
/// what a decoding thread does with a job, and what the one-input run does itself. `reader` is
/// the thread's reader, reused from file to file.
fn decode_file(path: &Path, run: &Run<'_, '_>, reader: &mut input::FileReader) -> Decoded {
    let opts = Options {
        password: run.rules.for_path(Some(path)),
        ..run.opts.clone()
    };
    decode_small(path, run.args, &opts, run.hook, reader)
}

/// Reads and decodes one file on a decoding thread, each item through `hook`.
fn decode_small(
    path: &Path,
    args: &InputArgs,
    opts: &Options<'_>,
    hook: Option<&dyn Prepare>,
    reader: &mut input::FileReader,
) -> Decoded {
    let small = usize::try_from(SMALL_FILE).unwrap_or(usize::MAX);
    let read = reader.read(path, args.max_input_size, small);
    let name = input::display_path(path);
    let mut events = Vec::new();
    let id = match read {
        Ok(input::Small::Read(id)) => {
            decode::decode_input(&name, reader.data(), opts, &mut |ev| {
                events.push(prepared(hook, ev));
            });
            id
        }
        Ok(input::Small::Unreadable(id, e)) => {
            events.push((
                Event::Problem {
                    locator: name.clone(),
                    message: e.to_string(),
                },
                None,
            ));
            id
        }
        Ok(input::Small::NotSmall) => return Decoded::Large,
        Err(e) => return Decoded::Failed(e),
    };
    Decoded::Events {
        events,
        id: Some(id),
        name,
    }
}

/// Walks `operands` and delivers every entry to `driver` in walk order, small files decoded
/// on every core meanwhile.
pub(super) fn run(
    driver: &mut Driver,
    operands: Vec<OsString>,
    walk: &WalkOptions,
    run: &Run<'_, '_>,
) -> Result<()> {
    let cancel = run.cancel;
    let mut entries = input::walk(operands, walk);
    let first = entries.next();
    let second = entries.next();
    if second.is_none() {
        // One input (`inspect cert.pem`): decoded here, as a decoding thread would, since
        // starting a thread per core costs more than the file (about half of such a run).
        if let Some(entry) = first {
            let slot = match entry {
                input::Entry::Input {
                    input: input::Input::File(path),
                    explicit,
                    through_link,
                } => {
                    let decoded = decode_file(&path, run, &mut input::FileReader::default());
                    let via = Via {
                        explicit,
                        through_link,
                    };
                    Slot::Done { path, via, decoded }
                }
                other => Slot::Entry(other),
            };
            let mut prompted: Option<Secret> = None;
            driver.slot(slot, run, walk, &mut prompted)?;
        }
        return Ok(());
    }
    let mut entries = first.into_iter().chain(second).chain(entries);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Batches decoded ahead of the printer: two per core keeps every core busy while the
    // printer takes the oldest; at most a few hundred files' events are held.
    let window = (workers * 2).clamp(2, 16);
    let sorted = walk.sort;
    let (job_tx, job_rx) = mpsc::sync_channel::<(usize, Vec<Job>)>(window);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Vec<Slot>)>();
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|scope| -> Result<()> {
        for _ in 0..workers {
            let (job_rx, done_tx) = (&job_rx, done_tx.clone());
            scope.spawn(move || {
                let mut reader = input::FileReader::default();
                loop {
                    let batch = job_rx
                        .lock()
                        .map_err(|_| ())
                        .and_then(|rx| rx.recv().map_err(|_| ()));
                    let Ok((seq, jobs)) = batch else {
                        return;
                    };
                    // A directory stays open for one batch at most.
                    reader.forget_dir();
                    let slots = jobs
                        .into_iter()
                        .map(|job| match job {
                            Job::Entry(entry) => Slot::Entry(entry),
                            Job::File { path, via } => {
                                let decoded = if cancel.load(Ordering::Relaxed) {
                                    Decoded::Large
                                } else {
                                    decode_file(&path, run, &mut reader)
                                };
                                Slot::Done { path, via, decoded }
                            }
                        })
                        .collect();
                    if done_tx.send((seq, slots)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        // Batches done, by their place in the walk.
        let mut ready: BTreeMap<usize, Vec<Slot>> = BTreeMap::new();
        let (mut next_seq, mut next_out, mut in_flight) = (0usize, 0usize, 0usize);
        let mut batch_size = 1;
        let mut exhausted = false;
        let mut job_tx = Some(job_tx);
        let mut prompted: Option<Secret> = None;
        loop {
            while !exhausted && in_flight < window {
                let mut jobs = Vec::with_capacity(batch_size);
                while jobs.len() < batch_size {
                    let Some(entry) = entries.next() else {
                        exhausted = true;
                        break;
                    };
                    jobs.push(match entry {
                        input::Entry::Input {
                            input: input::Input::File(path),
                            explicit,
                            through_link,
                        } => {
                            let via = Via {
                                explicit,
                                through_link,
                            };
                            Job::File { path, via }
                        }
                        entry => Job::Entry(entry),
                    });
                }
                batch_size = (batch_size * 2).min(MAX_BATCH);
                if !jobs.is_empty() {
                    if let Some(tx) = &job_tx {
                        tx.send((next_seq, jobs))?;
                    }
                    in_flight += 1;
                    next_seq += 1;
                }
                if exhausted {
                    // No more jobs: the decoding threads end when the queue is empty.
                    job_tx = None;
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
                let Some(slots) = ready.remove(&key) else {
                    break;
                };
                next_out += 1;
                for slot in slots {
                    driver.slot(slot, run, walk, &mut prompted)?;
                    if driver.io_error.is_some() {
                        break;
                    }
                }
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
            let (seq, slots) = done_rx.recv()?;
            in_flight -= 1;
            ready.insert(seq, slots);
        }
        drop(job_tx);
        Ok(())
    })
}

impl Driver {
    /// Handles one step of the run, in output order.
    fn slot(
        &mut self,
        slot: Slot,
        run: &Run<'_, '_>,
        walk: &WalkOptions,
        prompted: &mut Option<Secret>,
    ) -> Result<()> {
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
                let mut la = Lookahead::new(Some(false));
                self.stats.read += 1;
                let refused = pkcs11::uri_input(
                    &uri,
                    run.opts,
                    run.args.allow_uri_module,
                    &run.args.pkcs11,
                    &mut |ev| self.push(&mut la, ev),
                );
                self.refused_input |= refused;
            }
            Slot::Entry(input::Entry::Input {
                input,
                explicit,
                through_link,
            }) => {
                let via = Via {
                    explicit,
                    through_link,
                };
                self.read_inline(&input, via, None, run, walk, prompted)?;
            }
            Slot::Done { path, via, decoded } => {
                let input = input::Input::File(path);
                match decoded {
                    Decoded::Failed(e) => self.report(&input.locator(), &e.to_string()),
                    Decoded::Large => self.read_inline(&input, via, None, run, walk, prompted)?,
                    Decoded::Events { events, id, name } => self.read_inline(
                        &input,
                        via,
                        Some((events, id, name)),
                        run,
                        walk,
                        prompted,
                    )?,
                }
            }
        }
        self.progress.input_done(self.stats.read, self.items);
        Ok(())
    }
}
