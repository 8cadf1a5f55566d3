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
    name_order: certscope::render::style::NameOrder,
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
            if format == Format::Json {
                // Unlocked, so that the module watchdog's thread can close the document.
                drop(w);
                let w = io::BufWriter::with_capacity(64 * 1024, io::stdout());
                Box::new(JsonOut::begin(w, records)?)
            } else {
                Box::new(JsonlOut {
                    sink: JsonlSink::new(w),
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

type SharedJson = Arc<Mutex<Option<JsonWriter<io::BufWriter<io::Stdout>>>>>;

/// A streamed JSON document, shared with [`close_json_on_stall`].
struct JsonOut {
    json: SharedJson,
    records: Records,
}

impl JsonOut {
    fn begin(w: io::BufWriter<io::Stdout>, records: Records) -> io::Result<JsonOut> {
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
    fn finish(self: Box<Self>, _status: u8) -> io::Result<()> {
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
struct JsonlOut<W: Write> {
    sink: JsonlSink<W>,
    records: Records,
}

impl<W: Write> Output for JsonlOut<W> {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        let sink = &mut self.sink;
        self.records.with(&item, |r| sink.items([r]))
    }
    fn problem(&mut self, locator: &str, message: &str) {
        self.sink.problem(locator, message);
    }
    fn stats(&mut self, stats: &super::stats::RunStats) {
        self.sink.stats(stats);
    }
    fn finish(self: Box<Self>, status: u8) -> io::Result<()> {
        self.sink.finish(status)
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
