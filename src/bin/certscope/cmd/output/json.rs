//! The JSON outputs: a streamed document (closable by the module watchdog) and JSON Lines.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};

use certscope::model::Item;
use certscope::render::json::{ErrorEntry, JsonWriter, JsonlWriter};

use super::records::Records;
use super::stall::set_stall_closer;
use super::Output;
use crate::cmd::stats::RunStats;

type SharedJson = Arc<Mutex<Option<JsonWriter<io::BufWriter<io::Stdout>>>>>;

/// A streamed JSON document, shared with [`super::close_json_on_stall`].
pub(super) struct JsonOut {
    json: SharedJson,
    records: Records,
}

impl JsonOut {
    pub(super) fn begin(w: io::BufWriter<io::Stdout>, records: Records) -> io::Result<JsonOut> {
        let shared: SharedJson = Arc::new(Mutex::new(Some(JsonWriter::begin(w, "items")?)));
        let theirs = Arc::clone(&shared);
        set_stall_closer(Some(Box::new(move |error: ErrorEntry| {
            let taken = theirs.try_lock().ok().and_then(|mut w| w.take());
            if let Some(mut w) = taken {
                w.error(error.source, error.message);
                let _ = w.finish();
            }
        })));
        Ok(JsonOut {
            json: shared,
            records,
        })
    }
}

impl Output for JsonOut {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        let mut json = self.json.lock().unwrap_or_else(PoisonError::into_inner);
        match json.as_mut() {
            Some(json) => self.records.with(&item, |r| json.element(r)),
            None => Ok(()),
        }
    }
    fn problem(&mut self, locator: &str, message: &str) {
        let mut json = self.json.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(json) = json.as_mut() {
            json.error(locator.to_string(), message.to_string());
        }
    }
    fn finish(self: Box<Self>, _status: u8, _stats: &RunStats) -> io::Result<()> {
        set_stall_closer(None);
        let taken = self
            .json
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        taken.map_or(Ok(()), |w| w.finish().map(|_| ()))
    }
}

/// A JSON Lines stream behind an [`Output`]: `problem` cannot return a failed write, so
/// it is kept and returned by the next one.
pub(in crate::cmd) struct JsonlSink<W: Write> {
    jsonl: JsonlWriter<W>,
    failed_write: Option<io::Error>,
}

impl<W: Write> JsonlSink<W> {
    pub(in crate::cmd) fn new(w: W) -> JsonlSink<W> {
        JsonlSink {
            jsonl: JsonlWriter::new(w),
            failed_write: None,
        }
    }

    /// Writes an `item` line for each of `bodies`.
    pub(in crate::cmd) fn items<T: serde::Serialize>(
        &mut self,
        bodies: impl IntoIterator<Item = T>,
    ) -> io::Result<()> {
        if let Some(e) = self.failed_write.take() {
            return Err(e);
        }
        bodies.into_iter().try_for_each(|b| self.jsonl.item(&b))
    }

    pub(in crate::cmd) fn problem(&mut self, locator: &str, message: &str) {
        if self.failed_write.is_none() {
            self.failed_write = self.jsonl.error(locator, message).err();
        }
    }

    /// Writes the `summary` line (`skipped`: the files a walk passed over quietly).
    pub(in crate::cmd) fn finish(mut self, status: u8, stats: &RunStats) -> io::Result<()> {
        if let Some(e) = self.failed_write.take() {
            return Err(e);
        }
        self.jsonl
            .summary(stats.skipped, &serde_json::Map::new(), status)
            .map(|_| ())
    }
}

/// JSON Lines: an `item` line per item, an `error` line per problem, a `summary` line.
pub(super) struct JsonlOut<W: Write> {
    /// The stream.
    pub sink: JsonlSink<W>,
    /// How items become records.
    pub records: Records,
}

impl<W: Write> Output for JsonlOut<W> {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        let sink = &mut self.sink;
        self.records.with(&item, |r| sink.items([r]))
    }
    fn problem(&mut self, locator: &str, message: &str) {
        self.sink.problem(locator, message);
    }
    fn finish(self: Box<Self>, status: u8, stats: &RunStats) -> io::Result<()> {
        self.sink.finish(status, stats)
    }
}
