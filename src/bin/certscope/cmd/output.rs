//! Where items go: the [`Output`] trait and its adaptors to the renderers (text, JSON,
//! JSONL, PEM, dot), and the decoding options each format needs.

use std::io::{self, Write};

use anyhow::Result;
use time::OffsetDateTime;

use certscope::decode::Options;
use certscope::fingerprint::HashAlg;
use certscope::model::Item;
use certscope::render::dot;
use certscope::render::json::JsonWriter;
use certscope::render::pem as pem_out;
use certscope::render::text::{self, TextOptions};

use crate::cli::Format;

/// The renderer for `format` and the decoding options it needs: text shows the requested
/// digests (default SHA-1 and SHA-256); JSON always carries SHA-1, SHA-256 and the PEM (the
/// contract); PEM output needs no digests.
pub(super) fn item_output(
    format: Format,
    requested: &[HashAlg],
    now: OffsetDateTime,
    color: bool,
    all: bool,
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
            },
        }),
        Format::Json | Format::Jsonl => {
            opts.hashes = with_contract_hashes(&hashes);
            opts.with_pem = true;
            if format == Format::Json {
                Box::new(JsonOut(JsonWriter::begin(w, "items")?))
            } else {
                Box::new(JsonlOut { w })
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
    fn finish(mut self: Box<Self>) -> io::Result<()> {
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
    fn finish(self: Box<Self>) -> io::Result<()>;
}

struct TextOut<W: Write> {
    w: W,
    opts: TextOptions,
}

impl<W: Write> Output for TextOut<W> {
    fn item(&mut self, item: Box<Item>, show_index: bool) -> io::Result<()> {
        text::item(&mut self.w, &item, show_index, &self.opts)
    }
    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.w.flush()
    }
}

struct JsonOut<W: Write>(JsonWriter<W>);

impl<W: Write> Output for JsonOut<W> {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        self.0.item(&item)
    }
    fn problem(&mut self, locator: &str, message: &str) {
        self.0.error(locator.to_string(), message.to_string());
    }
    fn finish(self: Box<Self>) -> io::Result<()> {
        self.0.finish().map(|_| ())
    }
}

struct JsonlOut<W: Write> {
    w: W,
}

impl<W: Write> Output for JsonlOut<W> {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        serde_json::to_writer(&mut self.w, &item).map_err(io::Error::from)?;
        self.w.write_all(b"\n")
    }
    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.w.flush()
    }
}

pub(super) struct PemOut<W: Write> {
    pub(super) w: W,
}

impl<W: Write> Output for PemOut<W> {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        pem_out::item(&mut self.w, &item).map(|_| ())
    }
    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.w.flush()
    }
}
