//! Reading a whole run for `chain` (which builds paths over every certificate; `check`
//! streams, see `analysis::check::Checker`): the same inputs, decoding and error reporting
//! as `inspect`, through an [`Output`] that reduces each item to a chain [`Entry`] as it
//! arrives and drops the item (issue 18).

use std::cell::RefCell;
use std::io;
use std::rc::Rc;

use anyhow::Result;

use certscope::analysis::chain::Entry;
use certscope::decode::Options;
use certscope::model::Item;

use super::drive::drive;
use super::output::Output;
use super::stats::RunStats;
use crate::cli::InputArgs;

/// What `chain` keeps of every item of a run, in run order.
#[derive(Debug, Default)]
pub(super) struct Collected {
    /// One entry per item, numbered by position.
    pub items: Vec<Entry>,
    /// Failures as the JSON `errors` array lists them: (locator, message).
    pub problems: Vec<(String, String)>,
    /// Files a walk skipped quietly (they hold nothing certscope reads): the JSON Lines
    /// summary's `skipped`.
    pub skipped: usize,
}

impl Collected {
    /// Adds a run-level failure (not tied to one input, e.g. `--roots FILE` naming nothing
    /// usable): on stderr now, as every other failure is, and in JSON's `errors`.
    pub fn with_problem(mut self, locator: &str, message: &str) -> Collected {
        super::messages::problem(locator, message);
        self.problems
            .push((locator.to_string(), message.to_string()));
        self
    }
}

struct Collector {
    collected: Rc<RefCell<Collected>>,
    with_pem: bool,
}

impl Output for Collector {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        let entry = Entry::new(*item, self.with_pem);
        self.collected.borrow_mut().items.push(entry);
        Ok(())
    }

    fn problem(&mut self, locator: &str, message: &str) {
        self.collected
            .borrow_mut()
            .problems
            .push((locator.to_string(), message.to_string()));
    }

    fn finish(self: Box<Self>, _status: u8, stats: &RunStats) -> io::Result<()> {
        self.collected.borrow_mut().skipped = stats.skipped;
        Ok(())
    }
}

/// Reads and decodes every input (errors go to stderr as for `inspect`); returns their
/// entries and the exit status reading alone earns (2 when something could not be read).
/// A certificate keeps its PEM text only `with_pem` (`chain --format pem`).
pub(super) fn collect(args: &InputArgs, with_pem: bool) -> Result<(Collected, u8)> {
    let shared = Rc::new(RefCell::new(Collected::default()));
    // No thumbprints and no SPKI pin: an entry keeps neither (duplicates are found by the
    // chain builder's own digest of the DER).
    let opts = Options {
        hashes: Vec::new(),
        with_spki_pin: false,
        with_pem,
        ..Options::default()
    };
    let collector = Collector {
        collected: Rc::clone(&shared),
        with_pem,
    };
    let status = drive(args, opts, Box::new(collector))?;
    let collected = std::mem::take(&mut *shared.borrow_mut());
    Ok((collected, status))
}

/// An `InputArgs` for reading one more file (roots) with the same limits as `args`.
pub(super) fn more_inputs(args: &InputArgs, inputs: Vec<String>, recursive: bool) -> InputArgs {
    InputArgs {
        inputs: inputs.into_iter().map(Into::into).collect(),
        recursive,
        walk: crate::cli::WalkArgs::default(),
        allow_uri_module: args.allow_uri_module,
        pkcs11: args.pkcs11.clone(),
        password: Vec::new(),
        max_input_size: args.max_input_size,
        max_kdf_iterations: args.max_kdf_iterations,
        max_kdf_memory: args.max_kdf_memory,
        max_items: args.max_items,
        max_block_size: args.max_block_size,
    }
}
