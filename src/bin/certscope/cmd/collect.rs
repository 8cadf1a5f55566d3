//! Reading a whole run into memory, for `chain` (which builds paths over every
//! certificate; `check` streams, see `analysis::check::Checker`): the same inputs, decoding
//! and error reporting as `inspect`, through an [`Output`] that keeps the items instead of
//! printing them.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;

use anyhow::Result;

use certscope::decode::Options;
use certscope::fingerprint::HashAlg;
use certscope::model::Item;

use super::drive::drive;
use super::output::Output;
use super::stats::RunStats;
use crate::cli::InputArgs;

/// Every item of a run, numbered by position, with how its locator is shown.
#[derive(Debug, Default)]
pub(super) struct Collected {
    /// The items; `items[n].number == Some(n)`.
    pub items: Vec<Item>,
    /// Whether each item's locator shows `#INDEX` (its input holds several items).
    pub show_index: Vec<bool>,
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

struct Collector(Rc<RefCell<Collected>>);

impl Output for Collector {
    fn item(&mut self, item: Box<Item>, show_index: bool) -> io::Result<()> {
        let mut c = self.0.borrow_mut();
        let mut item = *item;
        item.number = Some(c.items.len());
        c.items.push(item);
        c.show_index.push(show_index);
        Ok(())
    }

    fn problem(&mut self, locator: &str, message: &str) {
        self.0
            .borrow_mut()
            .problems
            .push((locator.to_string(), message.to_string()));
    }

    fn finish(self: Box<Self>, _status: u8, stats: &RunStats) -> io::Result<()> {
        self.0.borrow_mut().skipped = stats.skipped;
        Ok(())
    }
}

/// Reads and decodes every input (errors go to stderr as for `inspect`); returns the items
/// and the exit status reading alone earns (2 when something could not be read). Each
/// item keeps its PEM text only `with_pem` (`chain --format pem`): about 40 % of a
/// certificate's memory otherwise.
pub(super) fn collect(args: &InputArgs, with_pem: bool) -> Result<(Collected, u8)> {
    let shared = Rc::new(RefCell::new(Collected::default()));
    // SHA-256 thumbprints serve duplicate detection.
    let opts = Options {
        hashes: vec![HashAlg::Sha1, HashAlg::Sha256],
        with_pem,
        ..Options::default()
    };
    let status = drive(args, opts, Box::new(Collector(Rc::clone(&shared))))?;
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
