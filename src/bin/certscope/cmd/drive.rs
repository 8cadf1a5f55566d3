//! Runs inputs through the decoder into an [`Output`]: files, stdin and `pkcs11:` URIs
//! alike, with the same stderr lines and exit status.

use std::io::{self, IsTerminal};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use time::OffsetDateTime;

use certscope::decode::{self, Event, Options};
use certscope::input;
use certscope::input::secret::{self, Secret};

use super::messages::{self, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE};
use super::output::{item_output, Output};
use super::pkcs11;
use crate::cli::{Format, InputArgs, RecordArgs};

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
}

impl Driver {
    fn new(out: Box<dyn Output>) -> Driver {
        Driver {
            out,
            failures: 0,
            refused_input: false,
            io_error: None,
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
        messages::problem(locator, message);
        self.out.problem(locator, message);
    }

    fn deliver(&mut self, event: Event, multi: bool) {
        if self.io_error.is_some() {
            return;
        }
        match event {
            Event::Item(item) => {
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

pub(super) fn drive(args: &InputArgs, opts: Options<'_>, out: Box<dyn Output>) -> Result<u8> {
    let mut driver = Driver::new(out);
    let mut password: Option<Secret> = match args.password.as_deref().map(secret::from_spec) {
        None => None,
        Some(Ok(secret)) => Some(secret),
        // A password that cannot be had is a failure of the run, reported like any other so
        // a JSON document still closes; no input is read, since each would fail or prompt.
        Some(Err(e)) => {
            driver.report("--password", &e.to_string());
            return driver.finish();
        }
    };
    let inputs = if args.inputs.is_empty() {
        messages::reading_stdin_hint();
        vec!["-".into()]
    } else {
        args.inputs.clone()
    };
    // Set once output fails (`certscope inspect big.pem | head`): the rest of a stream is
    // then neither read nor decoded.
    let cancel = AtomicBool::new(false);
    for entry in input::expand(&inputs, args.recursive) {
        let input = match entry {
            Ok(i) => i,
            Err((locator, e)) => {
                driver.report(&locator, &e.to_string());
                continue;
            }
        };
        if let input::Input::Uri(uri) = &input {
            // A PKCS#11 object is an input like a file: same output, errors and status.
            let mut la = Lookahead {
                queue: Vec::new(),
                items: 0,
                multi: Some(false),
            };
            let refused = pkcs11::uri_input(uri, &opts, args.allow_uri_module, &mut |ev| {
                driver.push(&mut la, ev)
            });
            driver.refused_input |= refused;
            if driver.io_error.is_some() {
                break;
            }
            continue;
        }
        let name = input.locator();
        // At most two passes: the second after prompting for a PKCS#12 password.
        for _ in 0..2 {
            let opts = Options {
                password: password.as_ref(),
                max_kdf_iterations: args.max_kdf_iterations,
                max_kdf_memory: args.max_kdf_memory.saturating_mul(1 << 20),
                max_items: args.max_items,
                max_block_size: args.max_block_size,
                cancel: Some(&cancel),
                ..opts.clone()
            };
            let mut opened = match input::open(input.open_name(), args.max_input_size) {
                Ok(o) => o,
                Err(e) => {
                    driver.report(&name, &e.to_string());
                    break;
                }
            };
            let mut la = Lookahead {
                queue: Vec::new(),
                items: 0,
                multi: None,
            };
            let mut need_password: Option<Event> = None;
            let result = decode::decode_reader_sized(
                &name,
                &mut opened.reader,
                opened.size,
                opened.limit,
                &opts,
                &mut |ev| match ev {
                    Event::NeedPassword { .. } if la.items == 0 => need_password = Some(ev),
                    ev => {
                        driver.push(&mut la, ev);
                        if driver.io_error.is_some() {
                            cancel.store(true, Ordering::Relaxed);
                        }
                    }
                },
            );
            if let Err(e) = result {
                driver.push(
                    &mut la,
                    Event::Problem {
                        locator: name.clone(),
                        message: e.to_string(),
                    },
                );
            }
            let retry = need_password.is_some()
                && password.is_none()
                && input != input::Input::Stdin
                && io::stdin().is_terminal();
            if retry {
                password =
                    secret::prompt(&format!("Password for {name}: ")).context("password prompt")?;
                if password.is_some() {
                    continue;
                }
            }
            if let Some(ev) = need_password {
                driver.push(&mut la, ev);
            }
            let multi = la.items > 1;
            if la.multi.is_none() {
                driver.flush(&mut la, multi);
            }
            break;
        }
        if driver.io_error.is_some() {
            break;
        }
    }
    driver.finish()
}

/// What `drive_token_items` calls: decoding options and an event sink in, events out.
pub(crate) type TokenProducer<'a> = dyn FnMut(&Options<'_>, &mut dyn FnMut(Event)) + 'a;

/// Streams the items of `token list`/`token find` through the same outputs, stderr lines
/// and exit status as `inspect`: `produce` gets the decoding options the format needs and a
/// sink for events. `question` (`token find`): no item is the answer "no", exit 1.
/// Returns the exit status and how many items were delivered.
pub(crate) fn drive_token_items(
    format: Format,
    now: OffsetDateTime,
    color: bool,
    record: &RecordArgs,
    question: bool,
    produce: &mut TokenProducer<'_>,
) -> Result<(u8, usize)> {
    let (opts, out) = item_output(format, &[], now, color, false, record)?;
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
