//! `inspect`'s run-wide numbering and relations.
//!
//! Every item gets its run-wide `number`. With relations on (the default for text and
//! JSON), items are held back until the run is over, because a key read first can only be
//! linked to a certificate read later: each item's `relations` list must be complete when
//! it is printed. `--no-relations` keeps `inspect` fully streaming. docs/design.md
//! ("Relations, chains and checks") weighs the two.

use std::io;

use certscope::analysis::relate;
use certscope::model::Item;
use certscope::render::style;

use super::messages;
use super::output::Output;
use super::stats::RunStats;

/// Numbers items and, when relating, holds them (up to `limit`) to relate them before
/// passing them on.
struct Numbered {
    inner: Box<dyn Output>,
    /// Boxed as they came: a run over the limit passes them on without moving each
    /// item's bytes twice (into a growing `Vec<Item>` and back into a box).
    held: Option<Vec<(Box<Item>, bool)>>,
    limit: usize,
    next: usize,
}

/// Wraps `inner` so that items are numbered, and related when `relations_limit` is set:
/// a run of more items than the limit is printed as it streams, without relations, so
/// memory stays flat on bundles of 100,000 certificates (docs/design.md).
pub(super) fn wrap(inner: Box<dyn Output>, relations_limit: Option<usize>) -> Box<dyn Output> {
    Box::new(Numbered {
        inner,
        held: relations_limit.map(|_| Vec::new()),
        limit: relations_limit.unwrap_or(0),
        next: 0,
    })
}

/// Relates `items` (numbered by position) in place: fills `relations` and adds notes.
pub(super) fn attach(items: &mut [Item], show_index: &[bool]) {
    let relate::Relations {
        items: related,
        notes,
    } = relate::relate_run(items);
    // Run-wide limits are said once, like the --relations-limit note.
    for note in notes {
        messages::general(&format!("note: {note}"));
    }
    let targets: Vec<String> = items
        .iter()
        .zip(show_index)
        .map(|(i, s)| style::item_with_kind(i, *s))
        .collect();
    for (item, r) in items.iter_mut().zip(related) {
        item.warnings
            .extend(r.notes.into_iter().map(|n| match n.item {
                Some(other) => format!(
                    "item {other} ({}) {}",
                    targets.get(other).map(String::as_str).unwrap_or("?"),
                    n.text
                ),
                None => n.text,
            }));
        let mut rels = r.relations;
        for rel in &mut rels {
            rel.target = targets.get(rel.item).cloned().unwrap_or_default();
        }
        item.relations = Some(rels);
    }
}

impl Output for Numbered {
    fn item(&mut self, item: Box<Item>, show_index: bool) -> io::Result<()> {
        let mut item = item;
        item.number = Some(self.next);
        self.next += 1;
        match &mut self.held {
            Some(held) if held.len() < self.limit => {
                held.push((item, show_index));
                Ok(())
            }
            Some(_) => {
                // Over the limit: give up relating and stream from here on.
                messages::general(&format!(
                    "note: more than {} items; relations are not computed \
                     (raise --relations-limit, or silence this with --no-relations)",
                    self.limit
                ));
                for (held_item, show) in self.held.take().unwrap_or_default() {
                    self.inner.item(held_item, show)?;
                }
                self.inner.item(item, show_index)
            }
            None => self.inner.item(item, show_index),
        }
    }

    fn problem(&mut self, locator: &str, message: &str) {
        self.inner.problem(locator, message);
    }

    fn finish(mut self: Box<Self>, status: u8, stats: &RunStats) -> io::Result<()> {
        if let Some(held) = self.held.take() {
            let (mut items, shows): (Vec<Item>, Vec<bool>) =
                held.into_iter().map(|(i, s)| (*i, s)).unzip();
            attach(&mut items, &shows);
            for (item, show) in items.into_iter().zip(shows) {
                self.inner.item(Box::new(item), show)?;
            }
        }
        self.inner.finish(status, stats)
    }
}
