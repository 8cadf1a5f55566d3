//! Where items go: the [`Output`] trait and its adaptors to the renderers (text, JSON,
//! JSONL, PEM, dot), and the decoding options each format needs.

use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Result;
use time::OffsetDateTime;

use certscope::decode::Options;
use certscope::fingerprint::HashAlg;
use certscope::model::{Body, Item, Source, Timestamp};
use certscope::render::dot;
use certscope::render::json::{ErrorEntry, Inventory, JsonWriter, JsonlWriter, Record};
use certscope::render::pem as pem_out;
use certscope::render::text::{self, TextOptions};

use super::messages::verdict;
use crate::cli::{Format, RecordArgs};

/// The renderer for `format` and the decoding options it needs: text shows the requested
/// digests (default SHA-1 and SHA-256); JSON always carries SHA-1, SHA-256 and the PEM (the
/// contract; `--no-pem` drops the PEM); PEM output needs no digests.
pub(super) fn item_output(
    format: Format,
    requested: &[HashAlg],
    now: OffsetDateTime,
    color: bool,
    all: bool,
    record: &RecordArgs,
    name_order: text::NameOrder,
) -> Result<(Options<'static>, Box<dyn Output>)> {
    let hashes = if requested.is_empty() {
        vec![HashAlg::Sha1, HashAlg::Sha256]
    } else {
        requested.to_vec()
    };
    let w = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let mut opts = Options {
        hashes: hashes.clone(),
        with_pem: false,
        ..Options::default()
    };
    let out: Box<dyn Output> = match format {
        Format::Text => Box::new(TextOut {
            w,
            opts: TextOptions {
                now,
                color,
                hashes,
                all,
                width: terminal_width(),
                name_order,
            },
        }),
        Format::Json | Format::Jsonl => {
            opts.hashes = with_contract_hashes(&hashes);
            opts.with_pem = !record.no_pem;
            let records = Records {
                fields: record.fields.clone(),
                inventory: record.inventory.then(|| Inventories::new(now)),
            };
            // Unlocked, so that the module watchdog's thread can close the document.
            drop(w);
            if format == Format::Json {
                Box::new(JsonOut {
                    json: StallClosable::json("items")?,
                    records,
                })
            } else {
                Box::new(JsonlOut {
                    sink: StallClosable::jsonl(),
                    records,
                })
            }
        }
        Format::Pem => {
            opts.hashes.clear();
            opts.with_pem = true;
            Box::new(PemOut { w })
        }
    };
    Ok((opts, out))
}

/// `inspect --format dot`: items are held to the end of the run, then drawn with their
/// relations (docs/design.md, "Relations, chains and checks": the graph needs them all).
pub(super) fn dot_output(now: OffsetDateTime) -> (Options<'static>, Box<dyn Output>) {
    let w = io::BufWriter::new(io::stdout().lock());
    let opts = Options {
        hashes: Vec::new(),
        with_pem: false,
        ..Options::default()
    };
    (
        opts,
        Box::new(DotOut {
            w,
            now,
            items: Vec::new(),
        }),
    )
}

struct DotOut<W: Write> {
    w: W,
    now: OffsetDateTime,
    items: Vec<Item>,
}

impl<W: Write> Output for DotOut<W> {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        self.items.push(*item);
        Ok(())
    }
    fn finish(mut self: Box<Self>, _status: u8) -> io::Result<()> {
        dot::relations(&mut self.w, &self.items, self.now)?;
        self.w.flush()
    }
}

/// SHA-1 and SHA-256 first (the JSON contract), then any other requested digest.
fn with_contract_hashes(requested: &[HashAlg]) -> Vec<HashAlg> {
    let mut all = vec![HashAlg::Sha1, HashAlg::Sha256];
    all.extend(
        requested
            .iter()
            .filter(|h| !all.contains(h))
            .copied()
            .collect::<Vec<_>>(),
    );
    all
}

/// Where items go.
pub(super) trait Output {
    fn item(&mut self, item: Box<Item>, show_index: bool) -> io::Result<()>;
    fn problem(&mut self, _locator: &str, _message: &str) {}
    /// The run's input counts (files read, skipped), given once before `finish`.
    fn stats(&mut self, _stats: &super::stats::RunStats) {}
    /// Ends the output; `status` is the run's exit status (JSONL's summary line names it).
    fn finish(self: Box<Self>, status: u8) -> io::Result<()>;
}

struct TextOut<W: Write> {
    w: W,
    opts: TextOptions,
}

impl<W: Write> Output for TextOut<W> {
    fn item(&mut self, item: Box<Item>, show_index: bool) -> io::Result<()> {
        text::item(&mut self.w, &item, show_index, &self.opts)
    }
    fn finish(mut self: Box<Self>, _status: u8) -> io::Result<()> {
        self.w.flush()
    }
}

/// How items become JSON records: `--fields` and `--inventory`.
struct Records {
    fields: Vec<String>,
    inventory: Option<Inventories>,
}

impl Records {
    /// Calls `write` with the item's record.
    fn with<T>(
        &mut self,
        item: &Item,
        write: impl FnOnce(&Record<'_>) -> io::Result<T>,
    ) -> io::Result<T> {
        let inventory = self.inventory.as_mut().map(|inv| inv.of(item));
        let record =
            Record::new(item, inventory.as_ref(), &self.fields).map_err(io::Error::from)?;
        write(&record)
    }
}

/// The `--inventory` fields: the host and scan time once per run, file facts once per file.
struct Inventories {
    now: OffsetDateTime,
    base: Inventory,
    /// The last file's path and facts: a file's items arrive together.
    last: Option<(String, Inventory)>,
}

impl Inventories {
    fn new(now: OffsetDateTime) -> Inventories {
        Inventories {
            now,
            base: Inventory {
                host: super::host_name(),
                scanned_at: rfc3339(now),
                ..Inventory::default()
            },
            last: None,
        }
    }

    fn of(&mut self, item: &Item) -> Inventory {
        let mut inv = match &item.source {
            Source::File(f) if f.path != "-" => {
                if self.last.as_ref().is_none_or(|(p, _)| *p != f.path) {
                    self.last = Some((f.path.clone(), file_facts(&self.base, &f.path)));
                }
                self.last
                    .as_ref()
                    .map_or_else(|| self.base.clone(), |(_, inv)| inv.clone())
            }
            _ => self.base.clone(),
        };
        if let Body::Certificate(c) = &item.body {
            if c.not_after != Timestamp::INVALID_END {
                // Whole days, rounded down: a certificate that expires in 6 hours has 0 days.
                let seconds = (c.not_after.0 - self.now).whole_seconds();
                inv.days_until_expiry = Some(seconds.div_euclid(86_400));
            }
        }
        inv
    }
}

/// The file's modification time, owner, group and mode; left out when it cannot be read
/// (the item already came through, so a race is not worth a failure).
fn file_facts(base: &Inventory, path: &str) -> Inventory {
    use std::os::unix::fs::MetadataExt;
    let mut inv = base.clone();
    if let Ok(meta) = std::fs::metadata(path) {
        inv.file_mtime = meta.modified().ok().map(|t| rfc3339(t.into()));
        inv.file_uid = Some(meta.uid());
        inv.file_gid = Some(meta.gid());
        inv.file_mode = Some(format!("{:04o}", meta.mode() & 0o7777));
    }
    inv
}

fn rfc3339(t: OffsetDateTime) -> String {
    let t = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// What closes the JSON document on stdout when a module call never returns: the
/// watchdog's thread ends the process while the main thread is still inside the call, so
/// the document must be closable from there ([`close_json_on_stall`]). Set while a JSON
/// document is being written (or, by `token` information commands, before it is).
pub(super) type StallCloser = Box<dyn FnOnce(ErrorEntry) + Send>;
static ON_STALL: Mutex<Option<StallCloser>> = Mutex::new(None);

/// Makes `closer` what [`close_json_on_stall`] runs (`None`: nothing).
pub(super) fn set_stall_closer(closer: Option<StallCloser>) {
    *ON_STALL.lock().unwrap_or_else(PoisonError::into_inner) = closer;
}

/// Closes the JSON document being written, with `error` in its `errors`, so that a run
/// the module watchdog ends still leaves one complete document. Called on the watchdog's
/// thread; gives up after a second if the main thread holds the document (it is then
/// writing, not inside a module call).
#[cfg(feature = "pkcs11")]
pub(super) fn close_json_on_stall(error: ErrorEntry) {
    for _ in 0..100 {
        if let Ok(mut closer) = ON_STALL.try_lock() {
            if let Some(close) = closer.take() {
                close(error);
            }
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// stdout unlocked, buffered: what a writer the stall closer may finish writes to (the
/// watchdog's thread could not take a lock the main thread holds while inside the call).
pub(super) type Unlocked = io::BufWriter<io::Stdout>;

/// An unlocked, buffered stdout for a stall-closable writer.
pub(super) fn unlocked_stdout() -> Unlocked {
    io::BufWriter::with_capacity(64 * 1024, io::stdout())
}

/// A JSON document or JSON Lines stream being written, shared with
/// [`close_json_on_stall`], which ends it with the stall as its last error. The main thread
/// reaches it through [`StallClosable::with`]; [`StallClosable::finish`] takes it back.
pub(super) struct StallClosable<T>(Arc<Mutex<Option<T>>>);

impl<T: Send + 'static> StallClosable<T> {
    /// `inner`, ended by `close` if a module call stalls before [`StallClosable::finish`].
    fn new(inner: T, close: fn(T, ErrorEntry)) -> StallClosable<T> {
        let shared = Arc::new(Mutex::new(Some(inner)));
        let theirs = Arc::clone(&shared);
        set_stall_closer(Some(Box::new(move |error: ErrorEntry| {
            // The main thread holds it only while writing, never inside a module call.
            let taken = theirs.try_lock().ok().and_then(|mut w| w.take());
            if let Some(w) = taken {
                close(w, error);
            }
        })));
        StallClosable(shared)
    }

    /// Runs `f` on the writer (nothing once the stall closer ended it).
    pub(super) fn with<R>(&self, f: impl FnOnce(&mut T) -> io::Result<R>) -> io::Result<()> {
        let mut inner = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        inner.as_mut().map_or(Ok(()), |w| f(w).map(|_| ()))
    }

    /// Takes the writer back to finish it; the stall closer is unset.
    pub(super) fn finish(self) -> Option<T> {
        set_stall_closer(None);
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

impl StallClosable<JsonWriter<Unlocked>> {
    /// A JSON document whose array is `array`, on stdout.
    pub(super) fn json(array: &'static str) -> io::Result<Self> {
        let w = JsonWriter::begin(unlocked_stdout(), array)?;
        Ok(StallClosable::new(w, |mut w, error| {
            w.error(error.source, error.message);
            let _ = w.finish();
        }))
    }
}

impl StallClosable<JsonlSink<Unlocked>> {
    /// A JSON Lines stream on stdout, ended by a stall with an `error` and a `summary` line
    /// (the watchdog's exit status).
    pub(super) fn jsonl() -> Self {
        StallClosable::new(JsonlSink::new(unlocked_stdout()), |mut sink, error| {
            sink.problem(&error.source, &error.message);
            let _ = sink.finish(super::messages::EXIT_PROBLEM);
        })
    }
}

/// A streamed JSON document, closable by [`close_json_on_stall`].
struct JsonOut {
    json: StallClosable<JsonWriter<Unlocked>>,
    records: Records,
}

impl Output for JsonOut {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        let records = &mut self.records;
        self.json
            .with(|json| records.with(&item, |r| json.element(r)))
    }
    fn problem(&mut self, locator: &str, message: &str) {
        let _ = self.json.with(|json| {
            json.error(locator.to_string(), message.to_string());
            Ok(())
        });
    }
    fn finish(self: Box<Self>, _status: u8) -> io::Result<()> {
        self.json
            .finish()
            .map_or(Ok(()), |w| w.finish().map(|_| ()))
    }
}

/// A JSON Lines stream behind an [`Output`]: `problem` cannot return a failed write, so
/// it is kept and returned by the next one.
pub(super) struct JsonlSink<W: Write> {
    jsonl: JsonlWriter<W>,
    failed_write: Option<io::Error>,
    /// Files the walk skipped quietly, for the summary line.
    skipped: usize,
}

impl<W: Write> JsonlSink<W> {
    pub(super) fn new(w: W) -> JsonlSink<W> {
        JsonlSink {
            jsonl: JsonlWriter::new(w),
            failed_write: None,
            skipped: 0,
        }
    }

    /// Writes an `item` line for each of `bodies`.
    pub(super) fn items<T: serde::Serialize>(
        &mut self,
        bodies: impl IntoIterator<Item = T>,
    ) -> io::Result<()> {
        if let Some(e) = self.failed_write.take() {
            return Err(e);
        }
        bodies.into_iter().try_for_each(|b| self.jsonl.item(&b))
    }

    pub(super) fn problem(&mut self, locator: &str, message: &str) {
        if self.failed_write.is_none() {
            self.failed_write = self.jsonl.error(locator, message).err();
        }
    }

    /// Takes the run's counts for the summary line.
    pub(super) fn stats(&mut self, stats: &super::stats::RunStats) {
        self.skipped = stats.skipped;
    }

    /// Writes the `summary` line (`skipped`: the files a walk passed over quietly).
    pub(super) fn finish(mut self, status: u8) -> io::Result<()> {
        if let Some(e) = self.failed_write.take() {
            return Err(e);
        }
        self.jsonl
            .summary(self.skipped, &serde_json::Map::new(), status)
            .map(|_| ())
    }
}

/// JSON Lines: an `item` line per item, an `error` line per problem, a `summary` line.
struct JsonlOut {
    sink: StallClosable<JsonlSink<Unlocked>>,
    records: Records,
}

impl Output for JsonlOut {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        let records = &mut self.records;
        self.sink
            .with(|sink| records.with(&item, |r| sink.items([r])))
    }
    fn problem(&mut self, locator: &str, message: &str) {
        let _ = self.sink.with(|sink| {
            sink.problem(locator, message);
            Ok(())
        });
    }
    fn stats(&mut self, stats: &super::stats::RunStats) {
        let _ = self.sink.with(|sink| {
            sink.stats(stats);
            Ok(())
        });
    }
    fn finish(self: Box<Self>, status: u8) -> io::Result<()> {
        self.sink
            .finish()
            .map_or(Ok(()), |sink| sink.finish(status))
    }
}

/// Counts the items that reach it: the answer of a question (`find`, `token find`), which
/// decides the status the output closes with (exit 1 when none, unless something failed).
pub(super) struct Answering {
    inner: Box<dyn Output>,
    answered: Rc<Cell<usize>>,
}

impl Answering {
    /// `inner`, counting into `answered`.
    pub(super) fn new(inner: Box<dyn Output>, answered: Rc<Cell<usize>>) -> Answering {
        Answering { inner, answered }
    }
}

impl Output for Answering {
    fn item(&mut self, item: Box<Item>, show_index: bool) -> io::Result<()> {
        self.answered.set(self.answered.get() + 1);
        self.inner.item(item, show_index)
    }

    fn problem(&mut self, locator: &str, message: &str) {
        self.inner.problem(locator, message);
    }

    fn stats(&mut self, stats: &super::stats::RunStats) {
        self.inner.stats(stats);
    }

    fn finish(self: Box<Self>, status: u8) -> io::Result<()> {
        self.inner.finish(verdict(status, self.answered.get() > 0))
    }
}

/// `inner`, closing with the status of a question answered by the items it was given.
#[cfg(feature = "pkcs11")]
pub(super) fn answering(inner: Box<dyn Output>) -> Box<dyn Output> {
    Box::new(Answering {
        inner,
        answered: Rc::new(Cell::new(0)),
    })
}

pub(super) struct PemOut<W: Write> {
    pub(super) w: W,
}

impl<W: Write> Output for PemOut<W> {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        pem_out::item(&mut self.w, &item).map(|_| ())
    }
    fn finish(mut self: Box<Self>, _status: u8) -> io::Result<()> {
        self.w.flush()
    }
}

/// stdout's width in columns when it is a terminal; `None` for a pipe or a file, where
/// nothing wraps.
fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}
