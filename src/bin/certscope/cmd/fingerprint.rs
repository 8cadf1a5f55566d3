//! `certscope fingerprint`: thumbprints of every item, one line (or JSON entry) per digest.

use std::io::{self, Write};

use anyhow::Result;

use certscope::decode::Options;
use certscope::fingerprint::HashAlg;
use certscope::model::Item;
use certscope::render::fingerprint::Thumbprints;
use certscope::render::json::JsonWriter;
use certscope::render::pem as pem_out;

use super::drive::drive;
use super::messages;
use super::output::{JsonlSink, Output, StallClosable, Unlocked};
use super::stats::RunStats;
use crate::cli::{FingerprintArgs, Format};

/// Runs `certscope fingerprint`.
pub(super) fn run(args: &FingerprintArgs) -> Result<u8> {
    let FingerprintArgs {
        input,
        hash,
        encoding,
        spki,
        format,
    } = args;
    let (encoding, spki, format) = (*encoding, *spki, *format);
    let mut hashes: Vec<HashAlg> = hash.iter().map(|h| HashAlg::from(*h)).collect();
    if hashes.is_empty() {
        hashes = vec![HashAlg::Sha256];
    }
    let stdout = io::stdout().lock();
    let w = io::BufWriter::with_capacity(64 * 1024, stdout);
    let fp = Thumbprints {
        hashes: hashes.clone(),
        encoding: encoding.into(),
        spki,
    };
    let decode_opts = Options {
        hashes: if spki { Vec::new() } else { hashes.clone() },
        with_pem: format == Format::Pem,
        brief: true,
        with_spki_pin: false,
        keep_spki_der: spki,
        ..Options::default()
    };
    let out: Box<dyn Output> = match format {
        Format::Text | Format::Pem => Box::new(FingerprintText {
            w,
            fp,
            line: String::new(),
            pem: format == Format::Pem,
        }),
        // Unlocked (`w` dropped), so that the module watchdog's thread can close them.
        Format::Jsonl => {
            drop(w);
            Box::new(FingerprintJsonl {
                sink: StallClosable::jsonl(),
                fp,
            })
        }
        Format::Json => {
            drop(w);
            Box::new(FingerprintJson {
                json: StallClosable::json("fingerprints")?,
                fp,
            })
        }
    };
    drive(input, decode_opts, out)
}

/// Says why a private key gets no line (see [`Thumbprints::unhashed_note`]).
fn note_unhashed(fp: &Thumbprints, item: &Item) {
    if let Some(note) = fp.unhashed_note(item) {
        messages::problem(&item.source.locator(false), &note);
    }
}

/// Thumbprint lines; with `--format pem` each item's lines are followed by its PEM block.
/// The lines are explanatory text before the block (RFC 7468 §5.2), so the output still
/// reads as a bundle (certscope, openssl) and the digests travel with their certificate.
struct FingerprintText<W: Write> {
    w: W,
    fp: Thumbprints,
    /// The line being written, reused for every line: it is built in memory and written
    /// whole, without formatting machinery (100,000 lines for a large bundle).
    line: String,
    /// `--format pem`.
    pem: bool,
}

impl<W: Write> Output for FingerprintText<W> {
    fn item(&mut self, item: Box<Item>, show_index: bool) -> io::Result<()> {
        note_unhashed(&self.fp, &item);
        let FingerprintText { w, fp, line, pem } = self;
        fp.write_lines(w, &item, show_index, line)?;
        if *pem {
            pem_out::item(w, &item)?;
        }
        Ok(())
    }
    fn finish(mut self: Box<Self>, _status: u8, _stats: &RunStats) -> io::Result<()> {
        self.w.flush()
    }
}

/// An `item` line per thumbprint entry, an `error` line per problem, a `summary` line.
struct FingerprintJsonl {
    sink: StallClosable<JsonlSink<Unlocked>>,
    fp: Thumbprints,
}

impl Output for FingerprintJsonl {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        note_unhashed(&self.fp, &item);
        let fp = &self.fp;
        self.sink.with(|sink| sink.items(fp.entries(&item)))
    }
    fn problem(&mut self, locator: &str, message: &str) {
        self.sink.problem(locator, message);
    }
    fn finish(self: Box<Self>, status: u8, stats: &RunStats) -> io::Result<()> {
        self.sink.end(status, stats)
    }
}

struct FingerprintJson {
    json: StallClosable<JsonWriter<Unlocked>>,
    fp: Thumbprints,
}

impl Output for FingerprintJson {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        note_unhashed(&self.fp, &item);
        let fp = &self.fp;
        self.json
            .with(|json| fp.entries(&item).iter().try_for_each(|e| json.element(e)))
    }
    fn problem(&mut self, locator: &str, message: &str) {
        self.json.problem(locator, message);
    }
    fn finish(self: Box<Self>, _status: u8, _stats: &RunStats) -> io::Result<()> {
        self.json.end()
    }
}
