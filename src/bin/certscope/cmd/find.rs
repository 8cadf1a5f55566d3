//! `certscope find`: decode every input, print only the items the filter matches (with the
//! same renderers as `inspect`), exit 1 when none does.

use std::cell::Cell;
use std::io;
use std::rc::Rc;

use anyhow::Result;

use certscope::analysis::filter::ItemFilter;
use certscope::model::Item;

use super::drive::drive;
use super::messages::{EXIT_FAILED, EXIT_OK};
use super::output::{item_output, Output};
use super::Ambient;
use crate::cli::FindArgs;

/// Passes on the items `filter` matches, numbered across the whole run, and counts them.
struct Matching {
    inner: Box<dyn Output>,
    filter: ItemFilter,
    next: usize,
    matched: Rc<Cell<usize>>,
}

impl Output for Matching {
    fn item(&mut self, item: Box<Item>, show_index: bool) -> io::Result<()> {
        let number = self.next;
        self.next += 1;
        if !self.filter.matches(&item) {
            return Ok(());
        }
        self.matched.set(self.matched.get() + 1);
        let mut item = item;
        item.number = Some(number);
        self.inner.item(item, show_index)
    }

    fn problem(&mut self, locator: &str, message: &str) {
        self.inner.problem(locator, message);
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        self.inner.finish()
    }
}

/// Runs `certscope find`.
pub(super) fn run(args: &FindArgs, ambient: &Ambient) -> Result<u8> {
    let (now, color) = (ambient.now, ambient.color);
    let filter = args.filter.item_filter()?;
    // The same renderers and decoding options as `inspect` in that format.
    let (opts, inner) = item_output(args.format, &[], now, color, false, Default::default())?;
    let matched = Rc::new(Cell::new(0));
    let out = Box::new(Matching {
        inner,
        filter,
        next: 0,
        matched: Rc::clone(&matched),
    });
    let status = drive(&args.input, opts, out)?;
    Ok(if matched.get() == 0 || status != EXIT_OK {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}
