//! Hands one input's events out in order: numbers its items and enforces `--max-items`.

use super::Event;
use crate::model::Source;

/// Numbers items within one input as they are handed out, in order, and enforces
/// `--max-items`.
pub(super) struct Sequencer<'e> {
    next_index: usize,
    emit: &'e mut dyn FnMut(Event),
    path: &'e str,
    max_items: usize,
    /// Set once `max_items` is passed: nothing more is handed out.
    pub(super) stopped: bool,
    /// The manifest field being decoded (`tls.crt`), named in the items' sources and in
    /// the problems' locators.
    pub(super) key: Option<String>,
}

impl<'e> Sequencer<'e> {
    /// A sequencer for the input `path`, numbering from 0.
    pub(super) fn new(path: &'e str, max_items: usize, emit: &'e mut dyn FnMut(Event)) -> Self {
        Sequencer {
            next_index: 0,
            emit,
            path,
            max_items,
            stopped: false,
            key: None,
        }
    }

    /// Reports the `--max-items` limit once and stops handing out events.
    pub(super) fn over_max_items(&mut self) {
        if !self.stopped {
            let message = format!(
                "more than {} items in this input; the rest is not read (raise the limit with \
                 --max-items)",
                self.max_items
            );
            self.problem(self.path, message);
            self.stopped = true;
        }
    }

    pub(super) fn push(&mut self, mut event: Event) {
        if self.stopped {
            return;
        }
        if matches!(event, Event::Item(_)) && self.next_index >= self.max_items {
            self.over_max_items();
            return;
        }
        if let Event::Item(item) = &mut event {
            if let Source::File(f) = &mut item.source {
                f.index = self.next_index;
                f.key.clone_from(&self.key);
            }
            self.next_index += 1;
        }
        if let (Some(key), Event::Problem { locator, .. } | Event::NeedPassword { locator, .. }) =
            (&self.key, &mut event)
        {
            if let Some(rest) = locator.strip_prefix(self.path) {
                *locator = format!("{}[{key}]{rest}", self.path);
            }
        }
        (self.emit)(event);
    }

    pub(super) fn push_all(&mut self, events: Vec<Event>) {
        for e in events {
            self.push(e);
        }
    }

    pub(super) fn problem(&mut self, path: &str, message: String) {
        self.push(Event::Problem {
            locator: path.to_string(),
            message,
        });
    }
}
