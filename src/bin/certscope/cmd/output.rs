//! Where items go: the [`Output`] trait and its adaptors to the renderers (text, JSON,
//! JSONL, PEM), and the decoding options each format needs.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Result;
use time::OffsetDateTime;

use certscope::decode::Options;
use certscope::fingerprint::HashAlg;
use certscope::model::Item;
use certscope::render::json::{ErrorEntry, JsonWriter};
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
                // Unlocked, so that the module watchdog's thread can close the document.
                drop(w);
                let w = io::BufWriter::with_capacity(64 * 1024, io::stdout());
                Box::new(JsonOut::begin(w)?)
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

/// What closes the JSON document on stdout when a module call never returns: the
/// watchdog's thread ends the process while the main thread is still inside the call, so
/// the document must be closable from there ([`close_json_on_stall`]). Set while a JSON
/// document is being written (or, by `token` information commands, before it is).
type StallCloser = Box<dyn FnOnce(ErrorEntry) + Send>;
static ON_STALL: Mutex<Option<StallCloser>> = Mutex::new(None);

/// Makes `closer` what [`close_json_on_stall`] runs (`None`: nothing).
pub(super) fn set_stall_closer(closer: Option<StallCloser>) {
    *ON_STALL.lock().unwrap_or_else(PoisonError::into_inner) = closer;
}

/// Closes the JSON document being written, with `error` in its `errors`, so that a run
/// the module watchdog ends still leaves one complete document. Called on the watchdog's
/// thread; gives up after a second if the main thread holds the document (it is then
/// writing, not inside a module call).
pub(super) fn close_json_on_stall(error: ErrorEntry) {
    for _ in 0..100 {
        if let Ok(mut closer) = ON_STALL.try_lock() {
            if let Some(close) = closer.take() {
                close(error);
            }
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

type SharedJson = Arc<Mutex<Option<JsonWriter<io::BufWriter<io::Stdout>>>>>;

/// A streamed JSON document, shared with [`close_json_on_stall`].
struct JsonOut(SharedJson);

impl JsonOut {
    fn begin(w: io::BufWriter<io::Stdout>) -> io::Result<JsonOut> {
        let shared: SharedJson = Arc::new(Mutex::new(Some(JsonWriter::begin(w, "items")?)));
        let theirs = Arc::clone(&shared);
        set_stall_closer(Some(Box::new(move |error: ErrorEntry| {
            let taken = theirs.try_lock().ok().and_then(|mut w| w.take());
            if let Some(mut w) = taken {
                w.error(error.source, error.message);
                let _ = w.finish();
            }
        })));
        Ok(JsonOut(shared))
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut JsonWriter<io::BufWriter<io::Stdout>>) -> T,
    ) -> Option<T> {
        let mut w = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        w.as_mut().map(f)
    }
}

impl Output for JsonOut {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        self.with(|w| w.item(&item)).unwrap_or(Ok(()))
    }
    fn problem(&mut self, locator: &str, message: &str) {
        self.with(|w| w.error(locator.to_string(), message.to_string()));
    }
    fn finish(self: Box<Self>) -> io::Result<()> {
        set_stall_closer(None);
        let taken = self.0.lock().unwrap_or_else(PoisonError::into_inner).take();
        taken.map_or(Ok(()), |w| w.finish().map(|_| ()))
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
