//! One input read on the printing thread: a file too large to hold (streamed through the
//! decoder), stdin, or the events a decoding thread already has; with a second pass after
//! prompting for a password, and a file already read under another name left out.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};

use certscope::decode::{self, Event, Options};
use certscope::input::passwords::PasswordRules;
use certscope::input::secret::{self, Secret};
use certscope::input::{self, WalkOptions};
use certscope::model::{Body, KeyFormat};

use super::{Delivery, Driver, Lookahead, Prepare, Via};
use crate::cli::InputArgs;
use crate::cmd::messages;

/// What every input of a run is read with.
#[derive(Clone, Copy)]
pub(super) struct Run<'r, 'o> {
    pub args: &'r InputArgs,
    pub opts: &'r Options<'o>,
    pub rules: &'r PasswordRules,
    /// Set once output fails: nothing more is read.
    pub cancel: &'r AtomicBool,
    /// The command's work on each item where it is decoded.
    pub hook: Option<&'r dyn Prepare>,
}

impl Driver {
    /// Decodes one input on this thread, streaming (or delivers the events a decoding thread
    /// already has, `pre`, with the input's display name it made), with one more pass after
    /// prompting for a password.
    pub(super) fn read_inline(
        &mut self,
        input: &input::Input,
        via: Via,
        pre: Option<(Vec<Delivery>, Option<input::FileId>, String)>,
        run: &Run<'_, '_>,
        walk: &WalkOptions,
        prompted: &mut Option<Secret>,
    ) -> Result<()> {
        let Run {
            args,
            opts,
            rules,
            cancel,
            ..
        } = *run;
        let explicit = via.explicit;
        // The decoding thread's name: formatting the path again cost about 1% of a walk.
        let (name, mut pre) = match pre {
            Some((events, id, name)) => (name, Some((events, id))),
            None => (input.locator(), None),
        };
        let path = match input {
            input::Input::File(p) => Some(p.as_path()),
            _ => None,
        };
        let rule = rules.for_path(path);
        // Read before, under another name (or, for a link, read by the walk where it leads)?
        let seen_before = |driver: &mut Driver, id: Option<input::FileId>| {
            let again = driver.seen.seen_before(id, path, via, walk);
            if again {
                driver.left_out(&name, "already read under another name");
            }
            again
        };
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
            let mut la = Lookahead::new(None);
            let mut need_password: Option<Event> = None;
            if let Some((events, id)) = pre.take() {
                if seen_before(self, id) {
                    return Ok(());
                }
                self.stats.read += 1;
                // An encrypted PKCS#8 key read without a password: ask, as for PKCS#12, and
                // read the file again with the answer (a streamed large file is not asked
                // for: its items are out already).
                if no_password
                    && events.iter().any(|(ev, _)| locked_key(ev))
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
                    if seen_before(self, opened.id) {
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
                        self.accept(&mut la, explicit, (ev, None), &mut need_password);
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
        if prompted.is_none() && std::io::stdin().is_terminal() {
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
        (ev, payload): Delivery,
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
            ev => self.push_prepared(la, (ev, payload)),
        }
    }
}

/// An encrypted PKCS#8 or legacy PEM key left encrypted (no password was given).
fn locked_key(ev: &Event) -> bool {
    matches!(ev, Event::Item(item) if matches!(&item.body,
        Body::Key(k) if k.encrypted && !k.decrypted
            && matches!(k.format, KeyFormat::Pkcs8Encrypted | KeyFormat::LegacyEncrypted)))
}
