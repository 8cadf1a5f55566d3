//! The JSON outputs: a streamed document (closable by the module watchdog) and JSON Lines.

use std::io::{self, Write};

use certscope::model::Item;
use certscope::render::json::{JsonWriter, JsonlWriter, Record};

use super::records::Records;
use super::stall::{unlocked_stdout, StallClosable, Unlocked};
use super::Output;
use crate::cmd::messages::EXIT_PROBLEM;
use crate::cmd::stats::RunStats;

impl StallClosable<JsonWriter<Unlocked>> {
    /// A JSON document whose array is `array`, on stdout.
    pub(in crate::cmd) fn json(array: &'static str) -> io::Result<Self> {
        let w = JsonWriter::begin(unlocked_stdout(), array)?;
        Ok(StallClosable::new(w, |mut w, error| {
            w.error(error.source, error.message);
            let _ = w.finish();
        }))
    }

    /// Adds an entry to the document's `errors` (nothing once a stall ended it).
    pub(in crate::cmd) fn problem(&self, locator: &str, message: &str) {
        let _ = self.with(|json| {
            json.error(locator.to_string(), message.to_string());
            Ok(())
        });
    }

    /// Ends the document (nothing to end if a stall already did).
    pub(in crate::cmd) fn end(self) -> io::Result<()> {
        self.finish().map_or(Ok(()), |w| w.finish().map(|_| ()))
    }
}

impl StallClosable<JsonlSink<Unlocked>> {
    /// A JSON Lines stream on stdout, ended by a stall with an `error` and a `summary` line
    /// (the watchdog's exit status).
    pub(in crate::cmd) fn jsonl() -> Self {
        StallClosable::new(JsonlSink::new(unlocked_stdout()), |mut sink, error| {
            sink.problem(&error.source, &error.message);
            let _ = sink.finish(EXIT_PROBLEM, &RunStats::default());
        })
    }

    /// Writes an `error` line (nothing once a stall ended the stream).
    pub(in crate::cmd) fn problem(&self, locator: &str, message: &str) {
        let _ = self.with(|sink| {
            sink.problem(locator, message);
            Ok(())
        });
    }

    /// Writes the `summary` line (nothing if a stall already did).
    pub(in crate::cmd) fn end(self, status: u8, stats: &RunStats) -> io::Result<()> {
        self.finish()
            .map_or(Ok(()), |sink| sink.finish(status, stats))
    }
}

/// A streamed JSON document, closable by [`super::close_json_on_stall`].
pub(super) struct JsonOut {
    /// The document.
    pub json: StallClosable<JsonWriter<Unlocked>>,
    /// How items become records.
    pub records: Records,
}

impl Output for JsonOut {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        let records = &mut self.records;
        self.json
            .with(|json| records.with(&item, |r| json.record(r)))
    }
    fn problem(&mut self, locator: &str, message: &str) {
        self.json.problem(locator, message);
    }
    fn finish(self: Box<Self>, _status: u8, _stats: &RunStats) -> io::Result<()> {
        self.json.end()
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

    /// Writes an `item` line of an item's record.
    pub(in crate::cmd) fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        if let Some(e) = self.failed_write.take() {
            return Err(e);
        }
        self.jsonl.record(record)
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
pub(super) struct JsonlOut {
    /// The stream.
    pub sink: StallClosable<JsonlSink<Unlocked>>,
    /// How items become records.
    pub records: Records,
}

impl Output for JsonlOut {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        let records = &mut self.records;
        self.sink
            .with(|sink| records.with(&item, |r| sink.record(r)))
    }
    fn problem(&mut self, locator: &str, message: &str) {
        self.sink.problem(locator, message);
    }
    fn finish(self: Box<Self>, status: u8, stats: &RunStats) -> io::Result<()> {
        self.sink.end(status, stats)
    }
}
