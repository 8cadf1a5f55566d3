//! `certscope find`: decode every input, print only the items the filter matches (with the
//! same renderers as `inspect`), exit 1 when none does
//! (2 when something could not be read: then "none" may be wrong).

use std::cell::Cell;
use std::io;
use std::rc::Rc;

use anyhow::Result;

use certscope::analysis::filter::ItemFilter;
use certscope::model::Item;

use super::drive::drive;
use super::messages::verdict;
use super::output::{item_output, Answering, Output};
use super::stats::RunStats;
use super::Ambient;
use crate::cli::FindArgs;

/// Passes on the items `filter` matches, numbered across the whole run.
struct Matching {
    inner: Box<dyn Output>,
    filter: ItemFilter,
    next: usize,
}

impl Output for Matching {
    fn item(&mut self, item: Box<Item>, show_index: bool) -> io::Result<()> {
        let number = self.next;
        self.next += 1;
        if !self.filter.matches(&item) {
            return Ok(());
        }
        let mut item = item;
        item.number = Some(number);
        self.inner.item(item, show_index)
    }

    fn problem(&mut self, locator: &str, message: &str) {
        self.inner.problem(locator, message);
    }

    fn finish(self: Box<Self>, status: u8, stats: &RunStats) -> io::Result<()> {
        self.inner.finish(status, stats)
    }
}

/// Runs `certscope find`.
pub(super) fn run(args: &FindArgs, ambient: &Ambient) -> Result<u8> {
    let filter = args.filter.item_filter()?;
    // The same renderers and decoding options as `inspect` in that format.
    let (opts, inner) = item_output(
        args.format,
        &[],
        ambient,
        false,
        &args.record,
        Default::default(),
    )?;
    let matched = Rc::new(Cell::new(0));
    let out = Box::new(Matching {
        inner: Box::new(Answering::new(inner, Rc::clone(&matched))),
        filter,
        next: 0,
    });
    let status = drive(&args.input, opts, out)?;
    Ok(verdict(status, matched.get() > 0))
}
