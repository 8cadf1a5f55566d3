//! Where items go: the [`Output`] trait and its adaptors to the renderers (text, PEM, dot
//! here; JSON and JSON Lines in `output/json.rs`, their records and `--inventory` facts in
//! `output/records.rs`), and the decoding options each format needs. `output/stall.rs`
//! closes a JSON document or JSON Lines stream when a module call never returns.

use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;

use anyhow::Result;
use time::OffsetDateTime;

use certscope::decode::Options;
use certscope::fingerprint::HashAlg;
use certscope::model::Item;
use certscope::render::dot;
use certscope::render::pem as pem_out;
use certscope::render::text::{self, TextOptions};

use super::messages::verdict;
use super::stats::RunStats;
use super::Ambient;
use crate::cli::{Format, RecordArgs};

mod json;
mod records;
mod stall;

pub(super) use json::JsonlSink;
use json::{JsonOut, JsonlOut};
pub(super) use records::{light_records, shows_relations};
use records::{Inventories, Records};
#[cfg(feature = "pkcs11")]
pub(super) use stall::close_json_on_stall;
pub(super) use stall::{print_on_stall, set_stall_closer};
pub(super) use stall::{StallClosable, Unlocked};

/// The renderer for `format` and the decoding options it needs: text shows the requested
/// digests (default SHA-1 and SHA-256); JSON always carries SHA-1, SHA-256 and the PEM (the
/// contract; `--no-pem` drops the PEM); PEM output needs no digests.
pub(super) fn item_output(
    format: Format,
    requested: &[HashAlg],
    ambient: &Ambient,
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
                now: ambient.now,
                color: ambient.color,
                hashes,
                all,
                width: terminal_width(),
                name_order,
            },
        }),
        Format::Json | Format::Jsonl => {
            // What `--fields` leaves out of every record is not computed: the digests, the
            // PEM, the SPKI pin unless relations (JSON documents only) need it.
            let shows = |f| records::shows(&record.fields, f);
            opts.hashes = if shows("fingerprints") {
                with_contract_hashes(&hashes)
            } else {
                Vec::new()
            };
            opts.with_pem = !record.no_pem && shows("pem");
            opts.with_spki_pin = shows("spki_sha256")
                || (format == Format::Json && records::shows_relations(&record.fields));
            let records = Records {
                fields: record.fields.clone(),
                inventory: record
                    .inventory
                    .then(|| Inventories::new(ambient.now, ambient.host_name())),
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
    fn finish(mut self: Box<Self>, _status: u8, _stats: &RunStats) -> io::Result<()> {
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

/// What a command's hook made of an item on a decoding thread (`drive::Prepare`), handed
/// to [`Output::prepared`] with the item.
pub(super) type Payload = Box<dyn std::any::Any + Send>;

/// Where items go.
pub(super) trait Output {
    fn item(&mut self, item: Box<Item>, show_index: bool) -> io::Result<()>;
    /// An item with what the run's hook made of it where it was decoded
    /// (`drive::Prepare`): only the outputs of commands that give a hook get these.
    fn prepared(&mut self, item: Box<Item>, _payload: Payload, show_index: bool) -> io::Result<()> {
        self.item(item, show_index)
    }
    fn problem(&mut self, _locator: &str, _message: &str) {}
    /// Ends the output; `status` is the run's exit status and `stats` its input counts
    /// (files read, skipped), which JSONL's summary line names. A wrapper passes both on.
    fn finish(self: Box<Self>, status: u8, stats: &RunStats) -> io::Result<()>;
}

struct TextOut<W: Write> {
    w: W,
    opts: TextOptions,
}

impl<W: Write> Output for TextOut<W> {
    fn item(&mut self, item: Box<Item>, show_index: bool) -> io::Result<()> {
        text::item(&mut self.w, &item, show_index, &self.opts)
    }
    fn finish(mut self: Box<Self>, _status: u8, _stats: &RunStats) -> io::Result<()> {
        self.w.flush()
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

    fn finish(self: Box<Self>, status: u8, stats: &RunStats) -> io::Result<()> {
        self.inner
            .finish(verdict(status, self.answered.get() > 0), stats)
    }
}

pub(super) struct PemOut<W: Write> {
    pub(super) w: W,
}

impl<W: Write> Output for PemOut<W> {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        pem_out::item(&mut self.w, &item).map(|_| ())
    }
    fn finish(mut self: Box<Self>, _status: u8, _stats: &RunStats) -> io::Result<()> {
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
