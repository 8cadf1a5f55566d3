//! Resolves the command line into settings and runs a command. The only place that reads
//! the environment, the terminal and the clock; everything below gets them as parameters.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use clap::CommandFactory;
use serde::Serialize;
use time::OffsetDateTime;

use certscope::decode::{self, Event, Options};
use certscope::fingerprint::{DigestEncoding, HashAlg};
use certscope::input;
use certscope::model::{Item, Kind, Source};
use certscope::render::json::JsonWriter;
use certscope::render::text::{self, TextOptions};
use certscope::render::{pem as pem_out, sanitize::sanitize};
use certscope::secret::{self, Secret};

use crate::cli::{self, Cli, Command, Format, InputArgs};

mod chain;
mod check;
mod collect;
pub(crate) mod find;
pub(crate) mod messages;
mod relations;
mod token;

use messages::{EXIT_FAILED, EXIT_OK};

/// Runs the command; returns the exit status.
pub fn run(cli: Cli) -> Result<u8> {
    let color = match cli.color {
        cli::Color::Always => true,
        cli::Color::Never => false,
        cli::Color::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let now = now()?;
    match cli.command {
        Command::Inspect {
            input,
            format,
            hash,
            all,
            no_relations,
            relations_limit,
        } => {
            let hashes: Vec<HashAlg> = hash.iter().map(|h| hash_alg(*h)).collect();
            let (decode_opts, out) = item_output(format, &hashes, now, color, all)?;
            // JSONL and PEM are for streaming: they never hold items back for relations.
            let related = matches!(format, Format::Text | Format::Json) && !no_relations;
            let out = relations::wrap(out, related.then_some(relations_limit));
            drive(&input, decode_opts, out)
        }
        Command::Fingerprint {
            input,
            hash,
            encoding,
            spki,
            format,
        } => {
            let mut hashes: Vec<HashAlg> = hash.iter().map(|h| hash_alg(*h)).collect();
            if hashes.is_empty() {
                hashes = vec![HashAlg::Sha256];
            }
            let stdout = io::stdout().lock();
            let w = io::BufWriter::with_capacity(64 * 1024, stdout);
            let fp = FingerprintOpts {
                hashes: hashes.clone(),
                encoding: digest_encoding(encoding),
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
                Format::Text => Box::new(FingerprintText {
                    w,
                    fp,
                    line: String::new(),
                }),
                Format::Jsonl => Box::new(FingerprintJsonl { w, fp }),
                Format::Json => Box::new(FingerprintJson {
                    json: JsonWriter::begin(w, "fingerprints")?,
                    fp,
                }),
                Format::Pem => Box::new(PemOut { w }),
            };
            drive(&input, decode_opts, out)
        }
        Command::Token(args) => token::run(*args, color, now),
        Command::Chain(args) => chain::run(&args, now, color),
        Command::Check(args) => check::run(&args, now, color),
        Command::Find(args) => find::run(&args, now, color),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "certscope", &mut io::stdout());
            Ok(EXIT_OK)
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(&mut io::stdout())?;
            Ok(EXIT_OK)
        }
    }
}

/// `CERTSCOPE_NOW` (RFC 3339) pins "now" for reproducible output in tests and docs.
fn now() -> Result<OffsetDateTime> {
    match std::env::var("CERTSCOPE_NOW") {
        Ok(s) => OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
            .with_context(|| format!("CERTSCOPE_NOW={s:?} is not an RFC 3339 time")),
        Err(_) => Ok(OffsetDateTime::now_utc()),
    }
}

/// The renderer for `format` and the decoding options it needs: text shows the requested
/// digests (default SHA-1 and SHA-256); JSON always carries SHA-1, SHA-256 and the PEM (the
/// contract); PEM output needs no digests.
fn item_output(
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

fn hash_alg(h: cli::Hash) -> HashAlg {
    match h {
        cli::Hash::Sha1 => HashAlg::Sha1,
        cli::Hash::Sha256 => HashAlg::Sha256,
        cli::Hash::Sha384 => HashAlg::Sha384,
        cli::Hash::Sha512 => HashAlg::Sha512,
        cli::Hash::Md5 => HashAlg::Md5,
    }
}

fn digest_encoding(e: cli::DigestEncoding) -> DigestEncoding {
    match e {
        cli::DigestEncoding::Colon => DigestEncoding::Colon,
        cli::DigestEncoding::Hex => DigestEncoding::Hex,
        cli::DigestEncoding::HexUpper => DigestEncoding::HexUpper,
        cli::DigestEncoding::Base64 => DigestEncoding::Base64,
        cli::DigestEncoding::Base64url => DigestEncoding::Base64Url,
    }
}

/// Where items go.
trait Output {
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

struct PemOut<W: Write> {
    w: W,
}

impl<W: Write> Output for PemOut<W> {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        pem_out::item(&mut self.w, &item).map(|_| ())
    }
    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.w.flush()
    }
}

struct FingerprintOpts {
    hashes: Vec<HashAlg>,
    encoding: DigestEncoding,
    spki: bool,
}

impl FingerprintOpts {
    /// Calls `f` with the label prefix (`""` or `"spki-"`), the algorithm and the digest of
    /// each requested hash of an item, without collecting them; none for private keys unless
    /// `--spki`. Stored thumbprints are used when they are of the same data.
    fn for_each_digest<E>(
        &self,
        item: &Item,
        mut f: impl FnMut(&'static str, HashAlg, &[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        let (data, prefix) = if self.spki {
            (item.spki_der.as_deref(), "spki-")
        } else {
            (item.der.as_deref(), "")
        };
        let Some(data) = data else {
            if item.kind == Kind::PrivateKey && !self.spki {
                // Silence here read as "nothing there" (issue 14 item 12): say what the
                // item is and how to get a digest that identifies it.
                let how = if item.spki_der.is_some() {
                    "--spki prints its public key's pin, which matches its certificate's"
                } else {
                    "its public half is not known either (encrypted without --password, or not derivable)"
                };
                messages::problem(
                    &item.source.locator(false),
                    &format!("note: a private key; its bytes are never hashed; {how}"),
                );
            }
            return Ok(());
        };
        for &h in &self.hashes {
            let stored = item
                .fingerprints
                .as_ref()
                .filter(|_| !self.spki)
                .and_then(|d| d.get(h));
            match stored {
                Some(digest) => f(prefix, h, digest)?,
                None => f(prefix, h, &h.digest_value(data))?,
            }
        }
        Ok(())
    }

    /// (label, digest) pairs for an item (see [`FingerprintOpts::for_each_digest`]).
    fn digests(&self, item: &Item) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let _ = self.for_each_digest(item, |prefix, h, digest| {
            out.push((format!("{prefix}{}", h.name()), digest.to_vec()));
            Ok::<(), std::convert::Infallible>(())
        });
        out
    }
}

impl FingerprintOpts {
    /// The JSON elements for an item: one per requested hash.
    fn entries<'i>(&self, item: &'i Item) -> Vec<FingerprintEntry<'i>> {
        let encoding = match self.encoding {
            DigestEncoding::Colon => "colon",
            DigestEncoding::Hex => "hex",
            DigestEncoding::HexUpper => "hex-upper",
            DigestEncoding::Base64 => "base64",
            DigestEncoding::Base64Url => "base64url",
        };
        self.digests(item)
            .into_iter()
            .map(|(label, digest)| FingerprintEntry {
                source: &item.source,
                kind: item.kind,
                name: item.display_name(),
                hash: label,
                encoding,
                value: self.encoding.encode(&digest),
            })
            .collect()
    }
}

struct FingerprintText<W: Write> {
    w: W,
    fp: FingerprintOpts,
    /// The line being written, reused for every line: it is built in memory and written
    /// whole, without formatting machinery (100,000 lines for a large bundle).
    line: String,
}

impl<W: Write> Output for FingerprintText<W> {
    fn item(&mut self, item: Box<Item>, show_index: bool) -> io::Result<()> {
        use std::fmt::Write as _;
        let what = match item.display_name() {
            Some(n) if !n.is_empty() => sanitize(n),
            _ => std::borrow::Cow::Borrowed(item.kind.describe()),
        };
        let FingerprintText { w, fp, line } = self;
        fp.for_each_digest(&item, |prefix, h, digest| {
            line.clear();
            line.push_str(prefix);
            line.push_str(h.name());
            line.push(' ');
            fp.encoding.encode_into(digest, line);
            line.push_str("  ");
            match &item.source {
                Source::File(f) => {
                    line.push_str(&sanitize(&f.path));
                    if show_index {
                        let _ = write!(line, "#{}", f.index);
                    }
                }
                Source::Token(t) => line.push_str(&sanitize(&t.uri)),
            }
            line.push_str("  ");
            line.push_str(&what);
            line.push('\n');
            w.write_all(line.as_bytes())
        })
    }
    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.w.flush()
    }
}

#[derive(Serialize)]
struct FingerprintEntry<'a> {
    source: &'a Source,
    kind: Kind,
    name: Option<&'a str>,
    hash: String,
    encoding: &'static str,
    value: String,
}

struct FingerprintJsonl<W: Write> {
    w: W,
    fp: FingerprintOpts,
}

impl<W: Write> Output for FingerprintJsonl<W> {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        for entry in self.fp.entries(&item) {
            serde_json::to_writer(&mut self.w, &entry).map_err(io::Error::from)?;
            self.w.write_all(b"\n")?;
        }
        Ok(())
    }
    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.w.flush()
    }
}

struct FingerprintJson<W: Write> {
    json: JsonWriter<W>,
    fp: FingerprintOpts,
}

impl<W: Write> Output for FingerprintJson<W> {
    fn item(&mut self, item: Box<Item>, _show_index: bool) -> io::Result<()> {
        for entry in self.fp.entries(&item) {
            self.json.element(&entry)?;
        }
        Ok(())
    }
    fn problem(&mut self, locator: &str, message: &str) {
        self.json.error(locator.to_string(), message.to_string());
    }
    fn finish(self: Box<Self>) -> io::Result<()> {
        self.json.finish().map(|_| ())
    }
}

/// Holds back an input's first events until its second item shows up, so that `#INDEX` is
/// printed exactly when the input holds more than one item, while still streaming.
struct Lookahead {
    queue: Vec<Event>,
    items: usize,
    multi: Option<bool>,
}

/// Events queued before deciding; past this, assume many items.
const LOOKAHEAD_LIMIT: usize = 64;

struct Driver {
    out: Box<dyn Output>,
    failures: usize,
    io_error: Option<io::Error>,
}

impl Driver {
    fn report(&mut self, locator: &str, message: &str) {
        self.failures += 1;
        messages::problem(locator, message);
        self.out.problem(locator, message);
    }

    fn deliver(&mut self, event: Event, multi: bool) {
        if self.io_error.is_some() {
            return;
        }
        match event {
            Event::Item(item) => {
                if let Some(e) = &item.error {
                    let locator = item.source.locator(multi);
                    self.report(&locator, e);
                }
                if let Err(e) = self.out.item(item, multi) {
                    self.io_error = Some(e);
                }
            }
            Event::Problem { locator, message } | Event::NeedPassword { locator, message } => {
                self.report(&locator, &message)
            }
        }
    }

    fn push(&mut self, la: &mut Lookahead, event: Event) {
        if let Some(multi) = la.multi {
            self.deliver(event, multi);
            return;
        }
        if matches!(event, Event::Item(_)) {
            la.items += 1;
        }
        la.queue.push(event);
        if la.items >= 2 || la.queue.len() > LOOKAHEAD_LIMIT {
            self.flush(la, true);
        }
    }

    fn flush(&mut self, la: &mut Lookahead, multi: bool) {
        la.multi = Some(multi);
        for ev in std::mem::take(&mut la.queue) {
            self.deliver(ev, multi);
        }
    }
}

fn drive(args: &InputArgs, opts: Options<'_>, out: Box<dyn Output>) -> Result<u8> {
    let mut driver = Driver {
        out,
        failures: 0,
        io_error: None,
    };
    let mut password: Option<Secret> = match args.password.as_deref().map(secret::from_spec) {
        None => None,
        Some(Ok(secret)) => Some(secret),
        // A password that cannot be had is a failure of the run, reported like any other so
        // a JSON document still closes; no input is read, since each would fail or prompt.
        Some(Err(e)) => {
            driver.report("--password", &e.to_string());
            driver.out.finish()?;
            return Ok(EXIT_FAILED);
        }
    };
    let inputs = if args.inputs.is_empty() {
        vec!["-".into()]
    } else {
        args.inputs.clone()
    };
    // Set once output fails (`certscope inspect big.pem | head`): the rest of a stream is
    // then neither read nor decoded.
    let cancel = AtomicBool::new(false);
    for entry in input::expand(&inputs, args.recursive) {
        let input = match entry {
            Ok(i) => i,
            Err((locator, e)) => {
                driver.report(&locator, &e.to_string());
                continue;
            }
        };
        if let input::Input::Uri(uri) = &input {
            // A PKCS#11 object is an input like a file: same output, errors and status.
            let mut la = Lookahead {
                queue: Vec::new(),
                items: 0,
                multi: Some(false),
            };
            token::uri_input(uri, &opts, args.allow_uri_module, &mut |ev| {
                driver.push(&mut la, ev)
            });
            if driver.io_error.is_some() {
                break;
            }
            continue;
        }
        let name = input.locator();
        // At most two passes: the second after prompting for a PKCS#12 password.
        for _ in 0..2 {
            let opts = Options {
                password: password.as_ref(),
                max_kdf_iterations: args.max_kdf_iterations,
                max_kdf_memory: args.max_kdf_memory.saturating_mul(1 << 20),
                max_items: args.max_items,
                max_block_size: args.max_block_size,
                cancel: Some(&cancel),
                ..opts.clone()
            };
            let mut reader = match input::open(input.open_name(), args.max_input_size) {
                Ok(r) => r,
                Err(e) => {
                    driver.report(&name, &e.to_string());
                    break;
                }
            };
            let mut la = Lookahead {
                queue: Vec::new(),
                items: 0,
                multi: None,
            };
            let mut need_password: Option<Event> = None;
            let result = decode::decode_reader_sized(
                &name,
                &mut reader,
                input::size_of(input.open_name()),
                args.max_input_size,
                &opts,
                &mut |ev| match ev {
                    Event::NeedPassword { .. } if la.items == 0 => need_password = Some(ev),
                    ev => {
                        driver.push(&mut la, ev);
                        if driver.io_error.is_some() {
                            cancel.store(true, Ordering::Relaxed);
                        }
                    }
                },
            );
            if let Err(e) = result {
                driver.push(
                    &mut la,
                    Event::Problem {
                        locator: name.clone(),
                        message: e.to_string(),
                    },
                );
            }
            let retry = need_password.is_some()
                && password.is_none()
                && input != input::Input::Stdin
                && io::stdin().is_terminal();
            if retry {
                password =
                    secret::prompt(&format!("Password for {name}: ")).context("password prompt")?;
                if password.is_some() {
                    continue;
                }
            }
            if let Some(ev) = need_password {
                driver.push(&mut la, ev);
            }
            let multi = la.items > 1;
            if la.multi.is_none() {
                driver.flush(&mut la, multi);
            }
            break;
        }
        if driver.io_error.is_some() {
            break;
        }
    }
    if let Some(e) = driver.io_error.take() {
        return Err(e.into());
    }
    driver.out.finish()?;
    Ok(if driver.failures > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    })
}

/// What `drive_token_items` calls: decoding options and an event sink in, events out.
pub(crate) type TokenProducer<'a> = dyn FnMut(&Options<'_>, &mut dyn FnMut(Event)) + 'a;

/// Streams the items of `token list`/`token find` through the same outputs, stderr lines
/// and exit status as `inspect`: `produce` gets the decoding options the format needs and a
/// sink for events. Returns the exit status and how many items were delivered.
pub(crate) fn drive_token_items(
    format: Format,
    now: OffsetDateTime,
    color: bool,
    produce: &mut TokenProducer<'_>,
) -> Result<(u8, usize)> {
    let (opts, out) = item_output(format, &[], now, color, false)?;
    let mut driver = Driver {
        out,
        failures: 0,
        io_error: None,
    };
    let mut items = 0usize;
    produce(&opts, &mut |ev| {
        if matches!(ev, Event::Item(_)) {
            items += 1;
        }
        driver.deliver(ev, false);
    });
    if let Some(e) = driver.io_error.take() {
        return Err(e.into());
    }
    driver.out.finish()?;
    let code = if driver.failures > 0 {
        EXIT_FAILED
    } else {
        EXIT_OK
    };
    Ok((code, items))
}
