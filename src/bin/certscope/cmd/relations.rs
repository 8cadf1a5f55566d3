//! `inspect`'s run-wide numbering and relations.
//!
//! Every item gets its run-wide `number`. With relations on (the default for text and
//! JSON), items are held back until the run is over, because a key read first can only be
//! linked to a certificate read later: each item's `relations` list must be complete when
//! it is printed. `--no-relations` keeps `inspect` fully streaming. docs/design.md
//! ("Relations, chains and checks") weighs the two.

use std::collections::VecDeque;
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
    /// Once over the limit: the held items, and those that came after them, not yet
    /// passed on. They leave [`CATCH_UP`] at a time per new item rather than all at once,
    /// so that the printing thread keeps handing batches back to the decoding threads
    /// instead of rendering the 5,000 held items while both of them wait.
    backlog: VecDeque<(Box<Item>, bool)>,
}

/// Items passed on per item received while a backlog is left: the backlog shrinks by two
/// per item, which keeps the printing thread's share of the work near what one of the two
/// cores can give it beside the decoding threads (issue 18, mixed18d).
const CATCH_UP: usize = 3;

/// Wraps `inner` so that items are numbered, and related when `relations_limit` is set:
/// a run of more items than the limit is printed as it streams, without relations, so
/// memory stays flat on bundles of 100,000 certificates (docs/design.md).
pub(super) fn wrap(inner: Box<dyn Output>, relations_limit: Option<usize>) -> Box<dyn Output> {
    Box::new(Numbered {
        inner,
        held: relations_limit.map(|_| Vec::new()),
        limit: relations_limit.unwrap_or(0),
        next: 0,
        backlog: VecDeque::new(),
    })
}

impl Numbered {
    /// Passes on up to `n` items of the backlog, oldest first.
    fn pass_on(&mut self, n: usize) -> io::Result<()> {
        for _ in 0..n {
            let Some((item, show)) = self.backlog.pop_front() else {
                break;
            };
            self.inner.item(item, show)?;
        }
        Ok(())
    }
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
                self.backlog = self.held.take().unwrap_or_default().into();
                self.backlog.push_back((item, show_index));
                self.pass_on(CATCH_UP)
            }
            None if self.backlog.is_empty() => self.inner.item(item, show_index),
            None => {
                self.backlog.push_back((item, show_index));
                self.pass_on(CATCH_UP)
            }
        }
    }

    fn problem(&mut self, locator: &str, message: &str) {
        // After every item before it, as when items were passed on at once.
        let _ = self.pass_on(usize::MAX);
        self.inner.problem(locator, message);
    }

    fn finish(mut self: Box<Self>, status: u8, stats: &RunStats) -> io::Result<()> {
        self.pass_on(usize::MAX)?;
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

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use certscope::model::{FileSource, Kind, Source};

    use super::*;

    /// Records what reaches it: `item N` (run-wide number) or `problem L`.
    struct Recorder(Rc<RefCell<Vec<String>>>);

    impl Output for Recorder {
        fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
            let n = item.number.unwrap_or(usize::MAX);
            self.0.borrow_mut().push(format!("item {n}"));
            Ok(())
        }
        fn problem(&mut self, locator: &str, _message: &str) {
            self.0.borrow_mut().push(format!("problem {locator}"));
        }
        fn finish(self: Box<Self>, _status: u8, _stats: &RunStats) -> io::Result<()> {
            self.0.borrow_mut().push("finish".to_string());
            Ok(())
        }
    }

    fn item(index: usize) -> Box<Item> {
        let source = Source::File(FileSource {
            path: "t".to_string(),
            index,
            line: None,
            container: None,
            key: None,
        });
        Box::new(Item::new(Kind::Unknown, source))
    }

    #[test]
    fn past_the_limit_the_backlog_keeps_the_order_of_items_and_problems() {
        // The held items leave a few at a time once the limit is passed, but everything
        // reaches the output in the order it came, as when they left at once.
        let seen = Rc::new(RefCell::new(Vec::new()));
        let mut out = wrap(Box::new(Recorder(Rc::clone(&seen))), Some(5));
        let mut expected = Vec::new();
        for i in 0..40 {
            if i == 9 || i == 30 {
                out.problem(&format!("p{i}"), "bad");
                expected.push(format!("problem p{i}"));
            }
            out.item(item(i), true).unwrap();
            expected.push(format!("item {i}"));
            if i == 6 {
                // Over the limit since item 5, and not everything is out yet.
                assert!(seen.borrow().len() < 7, "{:?}", seen.borrow());
            }
        }
        out.finish(0, &RunStats::default()).unwrap();
        expected.push("finish".to_string());
        assert_eq!(*seen.borrow(), expected);
    }
}
