//! Bytes to items: detection, PEM blocks, DER structures and containers, each turned into
//! [`Item`]s with thumbprints and the SPKI pin. Never prints; reports through [`Event`]s.
//!
//! PEM input is decoded in parallel (blocks are independent) and streamed: a reader is
//! scanned window by window, so memory follows the largest block, not the input. Items are
//! numbered and handed out strictly in input order.

mod batches;
pub mod cert;
pub mod crl;
pub mod csr;
mod curves;
pub mod kdf;
pub mod key;
pub mod ocsp;
pub mod pkcs12;
pub mod pkcs7;
pub mod spki;
mod x509;

use std::io::Read;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::detect::{self, DerKind, Encoding};
use crate::error::InputError;
use crate::fingerprint::{Digests, HashAlg};
use crate::input::k8s;
use crate::input::labels::LabelKind;
use crate::model::{
    BagAttributes, Body, Brief, Container, FileSource, Item, Kind, PemText, Source, Unknown,
};
use crate::pem::{self, Block};

use crate::secret::Secret;
use crate::tlv;
use batches::{Dispatcher, Window};

/// Default cap on PBKDF2 iterations of an encrypted key: far above what real files use
/// (OpenSSL 2048, Java 10 000, Windows 2000), low enough that a hostile file cannot hang us.
pub const DEFAULT_MAX_KDF_ITERATIONS: u64 = 10_000_000;

/// Default cap on items reported from one input (`--max-items`): a CA bundle holds a few
/// hundred and the largest CRL bundles a few thousand; a million is a runaway or hostile
/// file, and each item costs memory and output.
pub const DEFAULT_MAX_ITEMS: usize = 1_000_000;

/// PEM text held in memory up to this size (about 45 certificates) is decoded on the
/// calling thread, without starting the pipeline's threads.
const SMALL_INPUT: usize = 64 << 10;

/// Bytes read per window of a streamed input.
const WINDOW: usize = 1 << 20;

/// What decoding needs besides the bytes.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// Digests to compute over each public item's DER (exactly these).
    pub hashes: Vec<HashAlg>,
    /// Password for encrypted keys and PKCS#12.
    pub password: Option<&'a Secret>,
    /// KDF work allowed per input (`--max-kdf-iterations`): PBKDF2 and PKCS#12-KDF
    /// iterations and scrypt N·r·p, summed over the input's derivations (see [`kdf`]).
    pub max_kdf_iterations: u64,
    /// scrypt memory allowed per input, in bytes (`--max-kdf-memory`), summed likewise.
    pub max_kdf_memory: u64,
    /// The KDF budget being spent. [`decode_input`] and [`decode_reader`] give each input a
    /// fresh one from the two limits above, shared by the threads decoding it; leave `None`.
    pub kdf_budget: Option<kdf::Budget>,
    /// Fill `Item::pem` (only JSON needs it).
    pub with_pem: bool,
    /// Thumbprint mode: certificates are not parsed, only their subject and key are located
    /// (what `fingerprint` needs, at a fraction of the cost).
    pub brief: bool,
    /// Fill `Item::spki_sha256` (text and JSON show it; thumbprint lines do not).
    pub with_spki_pin: bool,
    /// In thumbprint mode, keep `Item::spki_der` even without the pin (`fingerprint
    /// --spki` hashes it); otherwise it is not copied out. Full decoding always keeps it.
    pub keep_spki_der: bool,
    /// Cap on items (and PEM blocks) per input; past it decoding stops with a problem.
    pub max_items: usize,
    /// Cap on one PEM block's base64 and header bytes.
    pub max_block_size: usize,
    /// Set by the caller once it wants nothing more (its output is gone): a stream is then
    /// not read further, nor its blocks decoded, past the batches already handed out.
    pub cancel: Option<&'a AtomicBool>,
}

impl Options<'_> {
    /// These options with a fresh KDF budget: one input's.
    fn for_input(&self) -> Self {
        Options {
            kdf_budget: Some(kdf::Budget::new(
                self.max_kdf_iterations,
                self.max_kdf_memory,
            )),
            ..self.clone()
        }
    }

    /// The budget of the input being decoded.
    fn budget(&self) -> kdf::Budget {
        self.kdf_budget
            .clone()
            .unwrap_or_else(|| kdf::Budget::new(self.max_kdf_iterations, self.max_kdf_memory))
    }
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            hashes: vec![HashAlg::Sha1, HashAlg::Sha256],
            password: None,
            max_kdf_iterations: DEFAULT_MAX_KDF_ITERATIONS,
            max_kdf_memory: kdf::DEFAULT_MAX_KDF_MEMORY_MIB << 20,
            kdf_budget: None,
            with_pem: true,
            brief: false,
            with_spki_pin: true,
            keep_spki_der: true,
            max_items: DEFAULT_MAX_ITEMS,
            max_block_size: pem::DEFAULT_MAX_BLOCK_SIZE,
            cancel: None,
        }
    }
}

/// What decoding reports, in input order.
#[derive(Debug)]
pub enum Event {
    /// An item (possibly with `error` set).
    Item(Box<Item>),
    /// A problem that is not one item's: nothing recognised, trailing data, a container that
    /// could not be opened.
    Problem {
        /// `PATH`, `PATH (line N)`.
        locator: String,
        /// What is wrong.
        message: String,
    },
    /// A PKCS#12 file whose MAC does not verify with the empty password and no password was
    /// given: the binary may prompt and decode the input again, or report `message`.
    NeedPassword {
        /// `PATH`, `PATH (line N)`.
        locator: String,
        /// What to report if no password can be had.
        message: String,
    },
}

/// The problems that say an input holds nothing certscope recognises (`-r` skips such
/// walked files quietly): it is empty, it is neither PEM, DER nor base64 of either, or its
/// PEM-looking text has no block.
const EMPTY_INPUT: &str = "empty input";
const NOTHING_RECOGNISED: &str = "nothing recognised: not PEM, not DER, not base64 of either";
const NO_PEM_BLOCK: &str = "no PEM block found";

impl Event {
    /// Does this event say its whole input holds nothing certscope recognises (empty, not
    /// PEM/DER/base64, no PEM block)? Such an input yields this one event and no item.
    pub fn holds_nothing(&self) -> bool {
        matches!(self, Event::Problem { message, .. }
            if [EMPTY_INPUT, NOTHING_RECOGNISED, NO_PEM_BLOCK].contains(&message.as_str()))
    }
}

/// Numbers items within one input as they are handed out, in order, and enforces
/// `--max-items`.
struct Sequencer<'e> {
    next_index: usize,
    emit: &'e mut dyn FnMut(Event),
    path: &'e str,
    max_items: usize,
    /// Set once `max_items` is passed: nothing more is handed out.
    stopped: bool,
    /// The manifest field being decoded (`tls.crt`), named in the items' sources and in
    /// the problems' locators.
    key: Option<String>,
}

impl Sequencer<'_> {
    /// Reports the `--max-items` limit once and stops handing out events.
    fn over_max_items(&mut self) {
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

    fn push(&mut self, mut event: Event) {
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

    fn push_all(&mut self, events: Vec<Event>) {
        for e in events {
            self.push(e);
        }
    }

    fn problem(&mut self, path: &str, message: String) {
        self.push(Event::Problem {
            locator: path.to_string(),
            message,
        });
    }
}

/// Decodes every item of one in-memory input and hands each to `emit`, in order.
pub fn decode_input(path: &str, data: &[u8], opts: &Options<'_>, emit: &mut dyn FnMut(Event)) {
    let opts = &opts.for_input();
    let mut seq = Sequencer {
        next_index: 0,
        emit,
        path,
        max_items: opts.max_items,
        stopped: false,
        key: None,
    };
    decode_whole(path, data, opts, &mut seq);
}

fn decode_whole(path: &str, data: &[u8], opts: &Options<'_>, seq: &mut Sequencer<'_>) {
    if let Some(manifest) = k8s::manifest(data) {
        if decode_manifest(path, manifest, opts, seq) {
            return;
        }
    }
    decode_detected(path, detect::detect(data), data.is_empty(), opts, seq);
}

/// A Kubernetes Secret or kubeconfig, field by field: each field is decoded as an input of
/// its own, its items and problems named `PATH[KEY]`. Fields that hold no certificate
/// material (a password, a token) are passed over. Returns false, having emitted nothing,
/// when no field holds any: the input is then read as any other (PEM text in some other
/// field of a YAML file is still found).
fn decode_manifest(
    path: &str,
    manifest: k8s::Manifest,
    opts: &Options<'_>,
    seq: &mut Sequencer<'_>,
) -> bool {
    let wanted = |f: &k8s::Field| match &f.value {
        Err(_) => true,
        Ok(bytes) => detect::detect(bytes) != Encoding::Unrecognised,
    };
    if !manifest.fields.iter().any(wanted) {
        return false;
    }
    for field in manifest.fields.into_iter() {
        if !wanted(&field) {
            continue;
        }
        seq.key = Some(field.key);
        match field.value {
            Err(message) => seq.problem(path, message),
            Ok(bytes) => decode_detected(path, detect::detect(&bytes), false, opts, seq),
        }
        seq.key = None;
        if seq.stopped {
            break;
        }
    }
    true
}

/// Decodes an input whose encoding was found; `empty` says whether the input was empty.
fn decode_detected(
    path: &str,
    encoding: Encoding<'_>,
    empty: bool,
    opts: &Options<'_>,
    seq: &mut Sequencer<'_>,
) {
    match encoding {
        Encoding::Pem { text, .. } => {
            let text: &[u8] = &text;
            let small = text.len() <= SMALL_INPUT;
            let any = batches::run(path, opts, seq, small, |d| {
                Ok(d.scan(&mut pem::Scanner::new(text), &Window::Borrowed(text)))
            });
            // Nothing is read here, so nothing fails.
            if !any.unwrap_or(true) {
                seq.problem(path, NO_PEM_BLOCK.to_string());
            }
        }
        Encoding::Der(der) => {
            let mut out = Vec::new();
            Ctx {
                path,
                opts,
                out: &mut out,
            }
            .whole_der(&der);
            seq.push_all(out);
        }
        Encoding::Unrecognised if empty => {
            seq.problem(path, EMPTY_INPUT.to_string());
        }
        Encoding::Unrecognised => seq.problem(path, NOTHING_RECOGNISED.to_string()),
    }
}

/// Decodes an input read from `reader`, streaming PEM window by window so that memory
/// follows the largest block rather than the input; anything else is read whole (DER must be
/// parsed in one piece anyway). Refuses inputs over `limit` bytes.
pub fn decode_reader(
    path: &str,
    reader: &mut (dyn Read + Send),
    limit: u64,
    opts: &Options<'_>,
    emit: &mut dyn FnMut(Event),
) -> Result<(), InputError> {
    decode_reader_sized(path, reader, None, limit, opts, emit)
}

/// As [`decode_reader`], with the input's size when known (a file), so that an input read
/// whole (DER: a CRL of tens of MB) is read into one exact allocation, not a doubling one.
pub fn decode_reader_sized(
    path: &str,
    reader: &mut (dyn Read + Send),
    size_hint: Option<u64>,
    limit: u64,
    opts: &Options<'_>,
    emit: &mut dyn FnMut(Event),
) -> Result<(), InputError> {
    let opts = &opts.for_input();
    let mut seq = Sequencer {
        next_index: 0,
        emit,
        path,
        max_items: opts.max_items,
        stopped: false,
        key: None,
    };
    let mut buf: Vec<u8> =
        Vec::with_capacity(WINDOW.min(usize::try_from(limit).unwrap_or(WINDOW)) + 1);
    let mut total: u64 = 0;
    let mut eof = fill(reader, &mut buf, WINDOW, &mut total, limit)?;
    let streamable = !eof && matches!(detect::detect(&buf), Encoding::Pem { via: None, .. });
    if !streamable {
        match size_hint.and_then(|s| usize::try_from(s).ok()) {
            Some(size) => buf.reserve_exact(size.saturating_sub(buf.len()) + 1),
            // A stream of unknown size (a pipe, a device): chunks joined once at the end.
            None if !eof => {
                buf = read_rest_chunked(reader, buf, &mut total, limit)?;
                eof = true;
            }
            None => {}
        }
        while !eof {
            if buf.capacity() == buf.len() {
                // Grown by half, not doubled, and never more than one byte past the limit
                // (which is then reported): the buffer is the whole input, and a doubled one
                // cost up to twice its size, more while it is copied.
                let past_limit = limit.saturating_sub(total).saturating_add(1);
                let grow = (buf.len() / 2)
                    .max(WINDOW)
                    .min(usize::try_from(past_limit).unwrap_or(usize::MAX));
                buf.reserve_exact(grow);
            }
            let room = buf.capacity() - buf.len();
            eof = fill(reader, &mut buf, room.max(1), &mut total, limit)?;
        }
        if let Some(manifest) = k8s::manifest(&buf) {
            if decode_manifest(path, manifest, opts, &mut seq) {
                return Ok(());
            }
        }
        // Owned: base64 text is unwrapped in place, not into a second copy.
        let empty = buf.is_empty();
        let encoding = detect::detect_in_place(&mut buf);
        decode_detected(path, encoding, empty, opts, &mut seq);
        return Ok(());
    }
    let mut stream = Stream {
        reader,
        total: &mut total,
        limit,
    };
    let any = batches::run(path, opts, &mut seq, false, |d| {
        stream_windows(buf, eof, &mut stream, d)
    })?;
    if !any && !seq.stopped {
        seq.problem(path, NO_PEM_BLOCK.to_string());
    }
    Ok(())
}

/// Scans a streamed PEM input window by window, sending its blocks to `decoders`; sets `any`
/// once a block is seen. Each window is shared with the batches found in it; the unfinished
/// block at its end starts the next one.
fn stream_windows(
    mut buf: Vec<u8>,
    mut eof: bool,
    stream: &mut Stream<'_>,
    dispatcher: &mut Dispatcher<'_>,
) -> Result<bool, InputError> {
    let opts = dispatcher.opts();
    let mut any = false;
    let mut line_base = 0;
    let mut pool = WindowPool::default();
    loop {
        let window = Arc::new(std::mem::take(&mut buf));
        let mut scanner = pem::Scanner::partial(&window, line_base, eof);
        any |= dispatcher.scan(&mut scanner, &Window::Shared(Arc::clone(&window)));
        if dispatcher.stopped() || eof {
            // Over --max-items the rest of the stream is not read.
            return Ok(any);
        }
        let consumed = scanner.consumed();
        line_base = scanner.newlines_consumed();
        buf = match Arc::try_unwrap(window) {
            // No batch holds the window (none was found in it, as while one block grows
            // past the window): keep the buffer itself. Copying a growing block into a
            // fresh window each time, with the old ones kept in the pool, held it 4.5 times.
            Ok(mut own) => {
                own.drain(..consumed.min(own.len()));
                own
            }
            Err(window) => {
                let mut fresh = pool.take();
                fresh.extend_from_slice(window.get(consumed..).unwrap_or(&[]));
                pool.retire(window);
                fresh
            }
        };
        if consumed == 0 && buf.len() > opts.max_block_size.saturating_add(WINDOW) {
            // The block on the window's first line outgrew --max-block-size: report it and
            // skip to the next marker instead of holding the rest of it.
            any = true;
            eof = skip_oversized(stream, &mut buf, &mut line_base, dispatcher)?;
            if dispatcher.stopped() {
                return Ok(any);
            }
            continue;
        }
        // A block larger than the window: grow the window for it (bounded by `limit`, and
        // by --max-block-size, past which the block is skipped above). Otherwise top the
        // window up to its size, so that a reused window is not reallocated.
        let cap = opts.max_block_size.saturating_add(WINDOW + 1);
        if consumed == 0 {
            // Room for a large block at once (address space, not memory, until it is
            // read): doubling from 1 MiB left the allocator holding every smaller window
            // freed on the way, 2.5 times a 20 MB block in all.
            let room = BLOCK_GROWTH.min(cap);
            if buf.capacity() < room {
                buf.reserve_exact(room.saturating_sub(buf.len()));
            }
        }
        let want = if consumed == 0 {
            buf.len()
                .max(WINDOW)
                .min(cap.saturating_sub(buf.len()).max(WINDOW))
        } else {
            WINDOW.saturating_sub(buf.len()).max(MIN_READ)
        };
        eof = stream.fill_up(&mut buf, want)?;
    }
}

/// What a window is first grown to when one block outgrows it (see [`stream_windows`]).
const BLOCK_GROWTH: usize = 64 << 20;

/// The least read into a window that is topped up (see [`stream_windows`]).
const MIN_READ: usize = 64 << 10;

/// Windows of a stream that batches may still be reading. A window is reused once no batch
/// holds it: fresh 4 MiB windows would be mapped and faulted in page by page, 33 times for
/// the 100k bundle.
#[derive(Default)]
struct WindowPool(Vec<Arc<Vec<u8>>>);

impl WindowPool {
    fn retire(&mut self, window: Arc<Vec<u8>>) {
        // A window grown for a large block is not kept for the rest of the stream.
        if window.capacity() <= WINDOW + MIN_READ {
            self.0.push(window);
        }
    }

    /// A free window, emptied, or a new one.
    fn take(&mut self) -> Vec<u8> {
        // Only the pool and decoding threads hold windows, and the threads only let go, so
        // a count of one stays one.
        if let Some(i) = self.0.iter().position(|w| Arc::strong_count(w) == 1) {
            if let Ok(mut window) = Arc::try_unwrap(self.0.swap_remove(i)) {
                window.clear();
                return window;
            }
        }
        Vec::with_capacity(WINDOW + MIN_READ)
    }
}

/// The reader of a streamed input with its byte count and `--max-input-size`.
struct Stream<'r> {
    reader: &'r mut (dyn Read + Send),
    total: &'r mut u64,
    limit: u64,
}

impl Stream<'_> {
    fn fill(&mut self, buf: &mut Vec<u8>) -> Result<bool, InputError> {
        self.fill_up(buf, WINDOW)
    }

    fn fill_up(&mut self, buf: &mut Vec<u8>, want: usize) -> Result<bool, InputError> {
        fill(self.reader, buf, want, self.total, self.limit)
    }
}

/// Skips a streamed PEM block that outgrew `--max-block-size`; it starts on the first line
/// of `buf`. The block is reported as an item with that problem, then input is dropped (a
/// window at a time, never held) up to the next line holding a BEGIN or END marker, where
/// scanning resumes. Returns whether the reader is exhausted.
fn skip_oversized(
    stream: &mut Stream<'_>,
    buf: &mut Vec<u8>,
    line_base: &mut usize,
    dispatcher: &mut Dispatcher<'_>,
) -> Result<bool, InputError> {
    let (path, opts) = (dispatcher.path(), dispatcher.opts());
    let block = Block {
        line: *line_base + 1,
        label: pem::first_line_label(buf).unwrap_or_default(),
        headers: Vec::new(),
        der: Arc::default(),
        problem: Some(pem::too_big(opts.max_block_size)),
    };
    if dispatcher.admit_blocks(1) == 0 {
        dispatcher.over_max_items();
        return Ok(true);
    }
    let mut out = Vec::new();
    Ctx {
        path,
        opts,
        out: &mut out,
    }
    .block(block);
    // After the events of the blocks before it.
    dispatcher.events(out);
    let newlines = |b: &[u8]| memchr::memchr_iter(b'\n', b).count();
    let mut eof = false;
    // The BEGIN line itself, however long.
    loop {
        if let Some(n) = memchr::memchr(b'\n', buf) {
            *line_base += 1;
            buf.drain(..=n);
            break;
        }
        buf.clear();
        if eof {
            return Ok(true);
        }
        eof = stream.fill(buf)?;
    }
    // Then up to the next marker; the last few bytes stay in case one is split.
    const KEEP: usize = 10;
    loop {
        if let Some(at) = pem::resume_point(buf) {
            *line_base += newlines(buf.get(..at).unwrap_or(&[]));
            buf.drain(..at);
            return Ok(eof);
        }
        if eof {
            *line_base += newlines(buf);
            buf.clear();
            return Ok(true);
        }
        let cut = buf.len().saturating_sub(KEEP);
        *line_base += newlines(buf.get(..cut).unwrap_or(&[]));
        buf.drain(..cut);
        eof = stream.fill(buf)?;
    }
}

/// The rest of a stream of unknown size after `first`, as one buffer. Read in chunks that
/// are joined once at the end, each freed as it is copied: the peak is about the input's
/// size, where a buffer grown as it fills costs up to twice that while it is reallocated
/// (`inspect /dev/zero` peaked at 2.3x its 256 MiB limit that way).
fn read_rest_chunked(
    reader: &mut (dyn Read + Send),
    first: Vec<u8>,
    total: &mut u64,
    limit: u64,
) -> Result<Vec<u8>, InputError> {
    const CHUNK: usize = 4 << 20;
    let mut chunks: Vec<Vec<u8>> = vec![first];
    loop {
        let mut chunk = Vec::with_capacity(CHUNK);
        let eof = fill(reader, &mut chunk, CHUNK, total, limit)?;
        if !chunk.is_empty() {
            chunks.push(chunk);
        }
        if eof {
            break;
        }
    }
    let len: usize = chunks.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(len + 1);
    for chunk in chunks {
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Reads up to `want` more bytes; returns whether the reader is exhausted.
fn fill(
    reader: &mut (dyn Read + Send),
    buf: &mut Vec<u8>,
    want: usize,
    total: &mut u64,
    limit: u64,
) -> Result<bool, InputError> {
    buf.reserve(want);
    // `read_to_end` reads into the spare capacity without zeroing it first (a `resize`
    // would memset every window: the whole input once more).
    let want_u64 = u64::try_from(want).unwrap_or(u64::MAX);
    let read = reader.take(want_u64).read_to_end(buf)?;
    let eof = read < want;
    *total += read as u64;
    if *total > limit {
        // A file's size was checked before reading; this is a stream, read only this far.
        return Err(InputError::StreamTooLarge { limit });
    }
    Ok(eof)
}

/// Decodes one DER certificate into an item with the given source, as for a file; used by
/// the PKCS#11 layer so that token certificates are exactly file certificates.
pub fn certificate_item(der: &[u8], source: Source, opts: &Options<'_>) -> Item {
    let mut item = Item::new(Kind::Certificate, source);
    fill_certificate(&mut item, der.into(), opts);
    finish(&mut item, opts);
    item
}

fn fill_certificate(item: &mut Item, der: Arc<[u8]>, opts: &Options<'_>) {
    if opts.brief {
        match cert::brief(&der) {
            Some((subject, spki)) => {
                item.body = Body::Brief(Brief {
                    subject: Some(subject),
                });
                if opts.keep_spki_der || opts.with_spki_pin {
                    item.spki_der = Some(spki.to_vec());
                }
            }
            None => item.add_error("certificate: malformed DER".to_string()),
        }
    } else {
        match cert::decode(&der) {
            Ok(d) => {
                if let Some(inner) = &d.cert.inner_signature_algorithm {
                    let w = x509::mismatch_warning(inner, &d.cert.signature_algorithm);
                    item.warnings.push(w);
                }
                item.body = cert::body(d.cert);
                item.spki_der = Some(d.spki);
                for e in d.field_errors {
                    item.add_error(format!("certificate: {e}"));
                }
            }
            Err(e) => item.add_error(format!("certificate: {e}")),
        }
    }
    item.der = Some(der);
}

/// Fills thumbprints, the SPKI pin and the PEM re-encoding from `der`/`spki_der`.
pub fn finish(item: &mut Item, opts: &Options<'_>) {
    if item.kind != Kind::PrivateKey {
        if let Some(der) = &item.der {
            if !opts.hashes.is_empty() {
                item.fingerprints = Some(Digests::compute(der, &opts.hashes));
            }
            // Only what decoded as the structure its label claims is written back: bytes
            // that did not (a private key pasted under `CERTIFICATE`) could be anything.
            if opts.with_pem && item.error.is_none() {
                if let Some(label) = item.kind.pem_label() {
                    item.pem = Some(PemText::new(label, der.clone()));
                }
            }
        }
    } else {
        // Defence in depth: private key DER never travels in the model.
        item.der = None;
    }
    if let Some(spki) = item.spki_der.as_ref().filter(|_| opts.with_spki_pin) {
        item.spki_sha256 = Some(hex::encode(HashAlg::Sha256.digest(spki)));
    }
}

/// Decodes one block or DER structure into events with index 0; the [`Sequencer`] numbers
/// them when they are handed out.
struct Ctx<'a, 'o> {
    path: &'a str,
    opts: &'a Options<'o>,
    out: &'a mut Vec<Event>,
}

impl Ctx<'_, '_> {
    fn source(&self, line: Option<usize>, container: Option<Container>) -> Source {
        Source::File(FileSource {
            path: self.path.to_string(),
            index: 0,
            line,
            container,
            key: None,
        })
    }

    fn new_item(&self, kind: Kind, line: Option<usize>, container: Option<Container>) -> Item {
        Item::new(kind, self.source(line, container))
    }

    fn emit_item(&mut self, mut item: Item) {
        finish(&mut item, self.opts);
        self.out.push(Event::Item(Box::new(item)));
    }

    fn emitted(&self) -> usize {
        self.out.len()
    }

    fn locator(&self, line: Option<usize>) -> String {
        match line {
            Some(n) => format!("{} (line {n})", self.path),
            None => self.path.to_string(),
        }
    }

    fn problem(&mut self, line: Option<usize>, message: String) {
        let locator = self.locator(line);
        self.out.push(Event::Problem { locator, message });
    }

    fn block(&mut self, block: Block) {
        let line = Some(block.line);
        let label: &str = &block.label;
        if block.der.is_empty() {
            let mut item = self.new_item(kind_of_label(label), line, None);
            item.pem_label = Some(block.label.clone());
            item.add_error(block.problem.unwrap_or_else(|| "empty block".to_string()));
            self.emit_item(item);
            return;
        }
        let before = self.emitted();
        let encrypted = block
            .header("Proc-Type")
            .is_some_and(|v| v.contains("ENCRYPTED"));
        match label {
            "CERTIFICATE" | "X509 CERTIFICATE" => {
                self.certificate(block.der.clone(), line, Some(label), None, None)
            }
            "TRUSTED CERTIFICATE" => match cert::split_trusted(&block.der) {
                Ok((der, trust)) => {
                    let der = der.to_vec();
                    self.certificate_with(der.into(), line, Some(label), None, None, trust);
                }
                Err(e) => self.failed(
                    Kind::Certificate,
                    line,
                    Some(label),
                    format!("trusted certificate: {e}"),
                ),
            },
            "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => {
                self.csr(&block.der, line, Some(label))
            }
            "X509 CRL" => self.crl(&block.der, line, Some(label), None),
            "OCSP REQUEST" => self.ocsp(&block.der, line, Some(label), Kind::OcspRequest),
            "OCSP RESPONSE" => self.ocsp(&block.der, line, Some(label), Kind::OcspResponse),
            "PRIVATE KEY"
            | "ENCRYPTED PRIVATE KEY"
            | "RSA PRIVATE KEY"
            | "EC PRIVATE KEY"
            | "DSA PRIVATE KEY"
            | "PUBLIC KEY"
            | "RSA PUBLIC KEY" => {
                let der = &block.der;
                let content = detect::sniff_der(der);
                // Read by content when the content is clearly another key format (issue 14
                // item 8: pyca and openssl's decoders do the same), and say so.
                let by_content = if content != label_key_kind(label) && !encrypted {
                    key_by_content(der, content)
                } else {
                    None
                };
                let (decoded, kind) = match (label, by_content) {
                    (_, Some((decoded, kind))) => {
                        let decoded = decoded.map(|mut d| {
                            d.warnings.insert(
                                0,
                                format!(
                                    "the PEM label says {label} but the content is {}; read by \
                                     its content",
                                    der_kind_name(content)
                                ),
                            );
                            d
                        });
                        (decoded, kind)
                    }
                    ("RSA PRIVATE KEY" | "EC PRIVATE KEY" | "DSA PRIVATE KEY", _) if encrypted => (
                        key::legacy_encrypted(
                            label,
                            block.header("DEK-Info"),
                            der,
                            self.opts.password,
                        ),
                        Kind::PrivateKey,
                    ),
                    ("PRIVATE KEY", None) => (key::pkcs8_private(der), Kind::PrivateKey),
                    ("ENCRYPTED PRIVATE KEY", None) => (
                        key::pkcs8_encrypted(der, self.opts.password, &self.opts.budget()),
                        Kind::PrivateKey,
                    ),
                    ("RSA PRIVATE KEY", None) => (key::pkcs1_private(der), Kind::PrivateKey),
                    ("EC PRIVATE KEY", None) => (key::sec1_private(der), Kind::PrivateKey),
                    ("DSA PRIVATE KEY", None) => (key::dsa_private(der), Kind::PrivateKey),
                    ("PUBLIC KEY", None) => (key::spki_public(der), Kind::PublicKey),
                    _ => (key::pkcs1_public(der), Kind::PublicKey),
                };
                self.key(decoded, kind, line, Some(label));
            }
            "PKCS7" | "CMS" | "PKCS #7 SIGNED DATA" => self.pkcs7(&block.der, line),
            "EC PARAMETERS" | "DH PARAMETERS" | "X9.42 DH PARAMETERS" | "DSA PARAMETERS" => {
                self.parameters(&block.der, line, Some(label))
            }
            "PKCS12" => self.pkcs12(&block.der, line),
            _ => {
                let mut item = self.new_item(Kind::Unknown, line, None);
                item.pem_label = Some(block.label.clone());
                item.body = Body::Unknown(Unknown {
                    label: Some(block.label.to_string()),
                    size: block.der.len(),
                });
                self.emit_item(item);
            }
        }
        if let Some(problem) = block.problem {
            // The block decoded but had a defect (e.g. mismatched END): say so on its item.
            if self.emitted() > before {
                self.problem(line, problem);
            }
        }
    }

    fn failed(&mut self, kind: Kind, line: Option<usize>, label: Option<&str>, message: String) {
        let mut item = self.new_item(kind, line, None);
        item.pem_label = label.map(pem::label_text);
        item.add_error(message);
        self.emit_item(item);
    }

    fn whole_der(&mut self, data: &[u8]) {
        let (tlv, rest) = match tlv::read(data) {
            Ok(x) => x,
            Err(e) => {
                self.problem(None, format!("malformed DER: {e}"));
                return;
            }
        };
        let der = tlv.raw;
        match detect::sniff_der(der) {
            DerKind::Certificate => self.certificate(der.into(), None, None, None, None),
            DerKind::Csr => self.csr(der, None, None),
            DerKind::Crl => self.crl(der, None, None, None),
            DerKind::OcspRequest => self.ocsp(der, None, None, Kind::OcspRequest),
            DerKind::OcspResponse => self.ocsp(der, None, None, Kind::OcspResponse),
            DerKind::Pkcs8 => self.key(key::pkcs8_private(der), Kind::PrivateKey, None, None),
            DerKind::EncryptedPkcs8 => self.key(
                key::pkcs8_encrypted(der, self.opts.password, &self.opts.budget()),
                Kind::PrivateKey,
                None,
                None,
            ),
            DerKind::Spki => self.key(key::spki_public(der), Kind::PublicKey, None, None),
            DerKind::RsaPrivate => self.key(key::pkcs1_private(der), Kind::PrivateKey, None, None),
            DerKind::RsaPublic => self.key(key::pkcs1_public(der), Kind::PublicKey, None, None),
            DerKind::EcPrivate => self.key(key::sec1_private(der), Kind::PrivateKey, None, None),
            DerKind::DsaPrivate => self.key(key::dsa_private(der), Kind::PrivateKey, None, None),
            DerKind::Pkcs7 => self.pkcs7(der, None),
            DerKind::Pkcs12 => self.pkcs12(der, None),
            DerKind::EcParameters => self.parameters(der, None, None),
            DerKind::Unknown => self.problem(
                None,
                format!(
                    "DER structure not recognised ({} bytes; not a certificate, CSR, CRL, key, \
                     PKCS#7 or PKCS#12)",
                    der.len()
                ),
            ),
        }
        if !rest.is_empty() {
            self.problem(
                None,
                format!(
                    "{} bytes of trailing data after the DER structure",
                    rest.len()
                ),
            );
        }
    }

    fn certificate(
        &mut self,
        der: Arc<[u8]>,
        line: Option<usize>,
        label: Option<&str>,
        container: Option<Container>,
        bag: Option<BagAttributes>,
    ) {
        self.certificate_with(der, line, label, container, bag, None);
    }

    fn certificate_with(
        &mut self,
        der: Arc<[u8]>,
        line: Option<usize>,
        label: Option<&str>,
        container: Option<Container>,
        bag: Option<BagAttributes>,
        trust: Option<crate::model::TrustInfo>,
    ) {
        let mut item = self.new_item(Kind::Certificate, line, container);
        item.pem_label = label.map(pem::label_text);
        item.bag = bag;
        fill_certificate(&mut item, der, self.opts);
        if let Body::Certificate(c) = &mut item.body {
            c.trust = trust;
        }
        self.emit_item(item);
    }

    fn csr(&mut self, der: &[u8], line: Option<usize>, label: Option<&str>) {
        let mut item = self.new_item(Kind::Csr, line, None);
        item.pem_label = label.map(pem::label_text);
        match csr::decode(der) {
            Ok((c, spki, field_errors)) => {
                for e in field_errors {
                    item.add_error(format!("certificate request: {e}"));
                }
                if c.self_signature == "invalid" {
                    item.warnings.push(
                        "the request's self-signature does not verify with its own key".into(),
                    );
                }
                item.body = Body::Csr(Box::new(c));
                item.spki_der = Some(spki);
            }
            Err(e) => item.add_error(format!("certificate request: {e}")),
        }
        item.der = Some(der.into());
        self.emit_item(item);
    }

    fn crl(
        &mut self,
        der: &[u8],
        line: Option<usize>,
        label: Option<&str>,
        container: Option<Container>,
    ) {
        let mut item = self.new_item(Kind::Crl, line, container);
        item.pem_label = label.map(pem::label_text);
        // One shared copy: the item's DER and the CRL's lazily decoded entries.
        let shared: std::sync::Arc<[u8]> = der.into();
        match crl::decode_shared(&shared) {
            Ok(crl::Decoded {
                crl: c,
                field_errors,
            }) => {
                for e in field_errors {
                    item.add_error(format!("CRL: {e}"));
                }
                if let Some(inner) = &c.inner_signature_algorithm {
                    let w = x509::mismatch_warning(inner, &c.signature_algorithm);
                    item.warnings.push(w);
                }
                item.body = Body::Crl(Box::new(c))
            }
            Err(e) => item.add_error(format!("CRL: {e}")),
        }
        item.der = Some(shared);
        self.emit_item(item);
    }

    fn ocsp(&mut self, der: &[u8], line: Option<usize>, label: Option<&str>, kind: Kind) {
        let mut item = self.new_item(kind, line, None);
        item.pem_label = label.map(pem::label_text);
        let decoded = if kind == Kind::OcspRequest {
            ocsp::decode_request(der).map(|r| Body::OcspRequest(Box::new(r)))
        } else {
            ocsp::decode_response(der).map(|r| Body::OcspResponse(Box::new(r)))
        };
        match decoded {
            Ok(body) => {
                // A responder name shown as malformed is a failure too, not only a field.
                if let Body::OcspResponse(r) = &body {
                    let id = r.responder_id.as_deref().unwrap_or_default();
                    if id
                        .strip_prefix("name: ")
                        .is_some_and(crate::asn1::dn::is_malformed_name)
                    {
                        item.add_error("OCSP: responderID: malformed name".to_string());
                    }
                }
                item.body = body
            }
            Err(e) => item.add_error(format!("OCSP: {e}")),
        }
        item.der = Some(der.into());
        self.emit_item(item);
    }

    fn key(
        &mut self,
        decoded: Result<key::DecodedKey, String>,
        kind: Kind,
        line: Option<usize>,
        label: Option<&str>,
    ) {
        let item = self.key_item(decoded, kind, line, label, None);
        self.emit_item(item);
    }

    fn key_item(
        &self,
        decoded: Result<key::DecodedKey, String>,
        kind: Kind,
        line: Option<usize>,
        label: Option<&str>,
        container: Option<Container>,
    ) -> Item {
        let mut item = self.new_item(kind, line, container);
        item.pem_label = label.map(pem::label_text);
        match decoded {
            Ok(d) => {
                if kind == Kind::PublicKey {
                    // A public key's thumbprint is that of its SPKI, whatever it was wrapped in.
                    item.der = d.spki.as_deref().map(Into::into);
                }
                item.spki_der = d.spki;
                item.body = Body::Key(Box::new(d.key));
                item.warnings.extend(d.warnings);
            }
            Err(e) => item.add_error(format!("{}: {e}", kind.describe())),
        }
        item
    }

    fn parameters(&mut self, der: &[u8], line: Option<usize>, label: Option<&str>) {
        let mut item = self.new_item(Kind::Parameters, line, None);
        item.pem_label = label.map(pem::label_text);
        match key::parameters(label, der) {
            Ok(p) => item.body = Body::Parameters(p),
            Err(e) => item.add_error(format!("parameters: {e}")),
        }
        self.emit_item(item);
    }

    fn pkcs7(&mut self, der: &[u8], line: Option<usize>) {
        let before = self.emitted();
        match pkcs7::decode(der) {
            Ok(sd) => {
                if sd.contents.is_empty() && sd.message.is_none() {
                    self.problem(line, "PKCS#7 holds no certificates or CRLs".to_string());
                }
                for c in sd.contents {
                    // One past the limit is enough for the Sequencer to report it.
                    if self.emitted() > self.opts.max_items {
                        break;
                    }
                    match c {
                        pkcs7::Content::Certificate(d) => {
                            self.certificate(d.into(), line, None, Some(Container::Pkcs7), None)
                        }
                        pkcs7::Content::Crl(d) => self.crl(&d, line, None, Some(Container::Pkcs7)),
                        pkcs7::Content::Malformed(error) => {
                            let mut item =
                                self.new_item(Kind::Unknown, line, Some(Container::Pkcs7));
                            item.add_error(error);
                            self.emit_item(item);
                        }
                        pkcs7::Content::Other(what, size) => {
                            let mut item =
                                self.new_item(Kind::Unknown, line, Some(Container::Pkcs7));
                            item.body = Body::Unknown(Unknown {
                                label: Some(what.to_string()),
                                size,
                            });
                            self.emit_item(item);
                        }
                    }
                }
                // The message itself, after what it carries (which keeps the certificates'
                // positions those of a certs-only bundle). Thumbprint mode lists what a
                // SignedData carries, and the message only when it carries nothing.
                let carries = self.emitted() > before;
                if let Some(m) = sd.message {
                    if self.emitted() <= self.opts.max_items && !(self.opts.brief && carries) {
                        let mut item = self.new_item(Kind::Cms, line, None);
                        // A name shown as malformed is a failure too, not only a field.
                        let bad_names = m
                            .signers
                            .iter()
                            .map(|s| ("signer", &s.issuer))
                            .chain(m.recipients.iter().map(|r| ("recipient", &r.issuer)))
                            .filter(|(_, issuer)| {
                                issuer
                                    .as_deref()
                                    .is_some_and(crate::asn1::dn::is_malformed_name)
                            })
                            .map(|(who, _)| format!("CMS: {who} issuer: malformed name"))
                            .collect::<Vec<_>>();
                        item.body = Body::Cms(Box::new(m));
                        for p in sd.problems.into_iter().chain(bad_names) {
                            item.add_error(p);
                        }
                        item.der = Some(der.into());
                        self.emit_item(item);
                    }
                }
            }
            Err(e) => self.problem(line, e),
        }
    }

    fn pkcs12(&mut self, der: &[u8], line: Option<usize>) {
        let (bags, mac) = match pkcs12::open(der, self.opts.password, &self.opts.budget()) {
            Ok(o) => (o.bags, o.mac),
            Err(e @ pkcs12::Pkcs12Error::NeedPassword) => {
                self.out.push(Event::NeedPassword {
                    locator: self.locator(line),
                    message: e.to_string(),
                });
                return;
            }
            Err(e) => {
                self.problem(line, e.to_string());
                return;
            }
        };
        if bags.is_empty() {
            self.problem(line, "PKCS#12 holds no certificates or keys".to_string());
        }
        for bag in bags {
            if self.emitted() > self.opts.max_items {
                break;
            }
            let attrs = BagAttributes {
                friendly_name: bag.friendly_name.clone(),
                local_key_id: bag.local_key_id.as_deref().map(hex::encode),
            };
            let container = Some(Container::Pkcs12);
            let protection = crate::model::Pkcs12Protection {
                mac: mac.clone(),
                bag_encryption: bag.encryption.as_ref().map(|e| e.scheme.clone()),
                bag_encryption_iterations: bag.encryption.as_ref().and_then(|e| e.iterations),
            };
            match (&bag.kind, &bag.error) {
                (pkcs12::BagKind::Key, None) => {
                    let shroud = bag.encryption.as_ref().filter(|e| e.shrouded);
                    let decoded = key::pkcs8_private(&bag.der).map(|mut d| {
                        // A shrouded key bag is an EncryptedPrivateKeyInfo, opened here.
                        if let Some(e) = shroud {
                            d.key.format = crate::model::KeyFormat::Pkcs8Encrypted;
                            d.key.encrypted = true;
                            d.key.decrypted = true;
                            d.key.encryption = Some(e.scheme.clone());
                        }
                        d
                    });
                    let mut item = self.key_item(decoded, Kind::PrivateKey, line, None, container);
                    item.bag = Some(attrs);
                    item.protection = Some(protection);
                    self.emit_item(item);
                }
                (pkcs12::BagKind::Certificate, None) => {
                    let mut item = self.new_item(Kind::Certificate, line, container);
                    item.bag = Some(attrs);
                    item.protection = Some(protection);
                    fill_certificate(&mut item, Arc::from(&bag.der[..]), self.opts);
                    self.emit_item(item);
                }
                (kind, error) => {
                    // A bag that could not be read: an item with the error, the others stand.
                    let (kind, what) = match kind {
                        pkcs12::BagKind::Key => (Kind::PrivateKey, "private key"),
                        pkcs12::BagKind::Certificate => (Kind::Certificate, "certificate"),
                        pkcs12::BagKind::Other(what) => (Kind::Unknown, what.as_str()),
                    };
                    let mut item = self.new_item(kind, line, container);
                    if kind == Kind::Unknown {
                        item.body = Body::Unknown(Unknown {
                            label: Some(format!("PKCS#12 {what}")),
                            size: bag.size,
                        });
                    }
                    item.bag = Some(attrs);
                    item.protection = Some(protection);
                    item.add_error(format!(
                        "{what}: {}",
                        error.as_deref().unwrap_or("not read")
                    ));
                    self.emit_item(item);
                }
            }
        }
    }
}

fn kind_of_label(label: &str) -> Kind {
    match crate::input::labels::kind(label) {
        Some(LabelKind::Certificate) => Kind::Certificate,
        Some(LabelKind::Csr) => Kind::Csr,
        Some(LabelKind::Crl) => Kind::Crl,
        Some(LabelKind::PrivateKey) => Kind::PrivateKey,
        Some(LabelKind::PublicKey) => Kind::PublicKey,
        Some(LabelKind::Parameters) => Kind::Parameters,
        Some(LabelKind::OcspRequest) => Kind::OcspRequest,
        Some(LabelKind::OcspResponse) => Kind::OcspResponse,
        Some(LabelKind::Pkcs7 | LabelKind::Pkcs12) | None => Kind::Unknown,
    }
}

/// Every item of `data`, decoded with default options: the fixture loader of the unit tests
/// of modules that work on items (relate, chain, check, filter, verify).
#[cfg(test)]
pub(crate) fn items_of(data: &[u8]) -> Vec<Item> {
    let mut out = Vec::new();
    decode_input("t", data, &Options::default(), &mut |e| {
        if let Event::Item(i) = e {
            out.push(*i);
        }
    });
    out
}

/// [`items_of`] of several fixtures, in order, as one input set.
#[cfg(test)]
pub(crate) fn items_of_all(files: &[&[u8]]) -> Vec<Item> {
    files.iter().flat_map(|d| items_of(d)).collect()
}

/// The key format a PEM label promises.
fn label_key_kind(label: &str) -> DerKind {
    match label {
        "PRIVATE KEY" => DerKind::Pkcs8,
        "ENCRYPTED PRIVATE KEY" => DerKind::EncryptedPkcs8,
        "RSA PRIVATE KEY" => DerKind::RsaPrivate,
        "EC PRIVATE KEY" => DerKind::EcPrivate,
        "DSA PRIVATE KEY" => DerKind::DsaPrivate,
        "PUBLIC KEY" => DerKind::Spki,
        "RSA PUBLIC KEY" => DerKind::RsaPublic,
        _ => DerKind::Unknown,
    }
}

/// A plaintext key decoded by its sniffed content; `None` when the content is not a key
/// format that needs no password.
fn key_by_content(der: &[u8], content: DerKind) -> Option<(Result<key::DecodedKey, String>, Kind)> {
    Some(match content {
        DerKind::Pkcs8 => (key::pkcs8_private(der), Kind::PrivateKey),
        DerKind::RsaPrivate => (key::pkcs1_private(der), Kind::PrivateKey),
        DerKind::EcPrivate => (key::sec1_private(der), Kind::PrivateKey),
        DerKind::DsaPrivate => (key::dsa_private(der), Kind::PrivateKey),
        DerKind::Spki => (key::spki_public(der), Kind::PublicKey),
        DerKind::RsaPublic => (key::pkcs1_public(der), Kind::PublicKey),
        _ => return None,
    })
}

/// What a key format is called in a warning.
fn der_kind_name(kind: DerKind) -> &'static str {
    match kind {
        DerKind::Pkcs8 => "a PKCS#8 private key",
        DerKind::EncryptedPkcs8 => "an encrypted PKCS#8 private key",
        DerKind::RsaPrivate => "a PKCS#1 RSA private key",
        DerKind::EcPrivate => "a SEC1 EC private key",
        DerKind::DsaPrivate => "an OpenSSL DSA private key",
        DerKind::Spki => "a SubjectPublicKeyInfo",
        DerKind::RsaPublic => "a PKCS#1 RSA public key",
        _ => "something else",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The DER of `der` with the first (or last) RDN SET of the name `dn` made a SEQUENCE.
    fn with_bad_rdn(der: &[u8], dn: &str, last: bool) -> Vec<u8> {
        let name = crate::dn::rfc4514_to_der(dn).unwrap();
        let name = crate::tlv::read(&name).unwrap().0.raw.to_vec();
        let mut w = der.windows(name.len());
        let at = if last {
            w.rposition(|x| x == name)
        } else {
            w.position(|x| x == name)
        }
        .unwrap();
        let mut out = der.to_vec();
        assert_eq!(out[at + 2], crate::tlv::SET);
        out[at + 2] = crate::tlv::SEQUENCE;
        out
    }

    /// A name the decoders can only show as `<malformed name HEX>` fails its item (exit 2)
    /// in OCSP responses and CMS messages too, not only in certificates (issue 14).
    #[test]
    fn malformed_names_in_ocsp_and_cms_fail_their_item() {
        let resp = with_bad_rdn(
            include_bytes!("../fixtures/revocation/ocsp-response.der"),
            "CN=Certscope Revocation OCSP Responder,O=Certscope Revocation",
            false,
        );
        let items = items_of(&resp);
        let e = items[0].error.as_deref().unwrap_or_default();
        assert!(e.contains("responderID: malformed name"), "{e}");
        let signed = with_bad_rdn(
            include_bytes!("../fixtures/cms/signed-rsa-attached.der"),
            "CN=CMS RSA signer",
            true,
        );
        let items = items_of(&signed);
        let cms = items.iter().find(|i| i.kind == Kind::Cms).unwrap();
        let e = cms.error.as_deref().unwrap_or_default();
        assert!(e.contains("signer issuer: malformed name"), "{e}");
        let enveloped = with_bad_rdn(
            include_bytes!("../fixtures/cms/enveloped-rsa-ec.der"),
            "CN=CMS RSA signer",
            false,
        );
        let items = items_of(&enveloped);
        let e = items[0].error.as_deref().unwrap_or_default();
        assert!(e.contains("recipient issuer: malformed name"), "{e}");
        // The well-formed fixtures have no such error.
        for der in [
            &include_bytes!("../fixtures/revocation/ocsp-response.der")[..],
            include_bytes!("../fixtures/cms/signed-rsa-attached.der"),
        ] {
            for i in items_of(der) {
                assert!(!i.error.unwrap_or_default().contains("malformed name"));
            }
        }
    }

    fn decode_all(data: &[u8], password: Option<&Secret>) -> (Vec<Item>, Vec<String>) {
        let opts = Options {
            password,
            ..Options::default()
        };
        let mut items = Vec::new();
        let mut problems = Vec::new();
        decode_input("t", data, &opts, &mut |e| match e {
            Event::Item(i) => items.push(*i),
            Event::Problem { message, .. } | Event::NeedPassword { message, .. } => {
                problems.push(message)
            }
        });
        (items, problems)
    }

    #[test]
    fn der_and_pem_certificate_are_the_same_item() {
        let (pem_items, _) = decode_all(include_bytes!("../fixtures/certs/leaf.pem"), None);
        let (der_items, p) = decode_all(include_bytes!("../fixtures/certs/leaf.der"), None);
        assert!(p.is_empty());
        assert_eq!(pem_items[0].fingerprints, der_items[0].fingerprints);
        assert_eq!(
            der_items[0].source,
            Source::File(FileSource {
                path: "t".into(),
                index: 0,
                line: None,
                container: None,
                key: None,
            })
        );
    }

    #[test]
    fn every_key_format_links_to_its_certificate() {
        let (cert, _) = decode_all(include_bytes!("../fixtures/certs/leaf.pem"), None);
        let pin = cert[0].spki_sha256.clone().unwrap();
        for data in [
            &include_bytes!("../fixtures/keys/p256.pem")[..],
            &include_bytes!("../fixtures/keys/p256-sec1.pem")[..],
            &include_bytes!("../fixtures/keys/p256-sec1.der")[..],
            &include_bytes!("../fixtures/csr/leaf.csr")[..],
        ] {
            let (items, problems) = decode_all(data, None);
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(items[0].spki_sha256.as_deref(), Some(pin.as_str()));
        }
        let (rsa_cert, _) = decode_all(include_bytes!("../fixtures/certs/rsa-self.pem"), None);
        let rsa_pin = rsa_cert[0].spki_sha256.clone().unwrap();
        for data in [
            &include_bytes!("../fixtures/keys/rsa-2048.pem")[..],
            &include_bytes!("../fixtures/keys/rsa-2048.der")[..],
            &include_bytes!("../fixtures/keys/rsa-2048-pkcs1.pem")[..],
            &include_bytes!("../fixtures/keys/rsa-2048-pkcs1.der")[..],
            &include_bytes!("../fixtures/keys/rsa-2048-pub.pem")[..],
            &include_bytes!("../fixtures/keys/rsa-2048-pub-pkcs1.pem")[..],
        ] {
            let (items, _) = decode_all(data, None);
            assert_eq!(items[0].spki_sha256.as_deref(), Some(rsa_pin.as_str()));
        }
        let (ed_cert, _) = decode_all(include_bytes!("../fixtures/certs/ed25519-self.pem"), None);
        let (ed_key, _) = decode_all(include_bytes!("../fixtures/keys/ed25519.pem"), None);
        let (ed_pub, _) = decode_all(include_bytes!("../fixtures/keys/ed25519-pub.pem"), None);
        assert_eq!(ed_cert[0].spki_sha256, ed_key[0].spki_sha256);
        assert_eq!(ed_pub[0].spki_sha256, ed_key[0].spki_sha256);
    }

    #[test]
    fn encrypted_pkcs8_with_and_without_password() {
        let data = include_bytes!("../fixtures/keys/p256-pkcs8-aes.der");
        let (items, _) = decode_all(data, None);
        assert!(items[0].spki_sha256.is_none());
        let pw = Secret::new("test".into());
        let (items, _) = decode_all(data, Some(&pw));
        assert!(items[0].spki_sha256.is_some());
        let bad = Secret::new("nope".into());
        let (items, _) = decode_all(data, Some(&bad));
        assert!(items[0]
            .error
            .as_deref()
            .unwrap()
            .contains("wrong password"));
    }

    #[test]
    fn kdf_iteration_cap() {
        let pw = Secret::new("test".into());
        let opts = Options {
            password: Some(&pw),
            max_kdf_iterations: 100,
            ..Options::default()
        };
        let mut errors = Vec::new();
        decode_input(
            "t",
            include_bytes!("../fixtures/keys/p256-pkcs8-aes.pem"),
            &opts,
            &mut |e| {
                if let Event::Item(i) = e {
                    errors.extend(i.error);
                }
            },
        );
        assert!(errors[0].contains("over the limit of 100"), "{errors:?}");
    }

    #[test]
    fn pkcs7_der_with_crl() {
        let (items, problems) =
            decode_all(include_bytes!("../fixtures/pkcs7/chain-crl.p7b.der"), None);
        assert!(problems.is_empty());
        let kinds: Vec<Kind> = items.iter().map(|i| i.kind).collect();
        assert!(kinds.contains(&Kind::Crl));
        assert!(items
            .iter()
            .all(|i| i.source.container() == Some(Container::Pkcs7)));
        let indexes: Vec<usize> = items
            .iter()
            .map(|i| match &i.source {
                Source::File(f) => f.index,
                Source::Token(_) => usize::MAX,
            })
            .collect();
        assert_eq!(indexes, (0..items.len()).collect::<Vec<_>>());
    }

    #[test]
    fn huge_base64_line_and_deep_der_do_not_hurt() {
        let mut data = b"-----BEGIN CERTIFICATE-----\n".to_vec();
        data.extend(std::iter::repeat_n(b'A', 8 << 20));
        data.extend_from_slice(b"\n-----END CERTIFICATE-----\n");
        let (items, _) = decode_all(&data, None);
        assert_eq!(items.len(), 1);
        assert!(items[0].error.is_some());
        let mut deep = Vec::new();
        for _ in 0..100_000 {
            deep.extend_from_slice(&[0x30, 0x80]);
        }
        let (items, problems) = decode_all(&deep, None);
        assert!(items.is_empty());
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn arbitrary_prefixes_of_real_files_never_panic() {
        for data in [
            &include_bytes!("../fixtures/certs/leaf.der")[..],
            &include_bytes!("../fixtures/pkcs12/leaf-aes.p12")[..],
            &include_bytes!("../fixtures/pkcs7/signed-ber.p7s")[..],
            &include_bytes!("../fixtures/crl/intermediate.der")[..],
        ] {
            for cut in (0..data.len()).step_by(7) {
                let _ = decode_all(&data[..cut], None);
            }
        }
    }

    /// `unit` repeated until the result holds at least `len` bytes (inputs over windows).
    fn repeated(unit: &[u8], len: usize) -> Vec<u8> {
        let mut data = Vec::with_capacity(len + unit.len());
        while data.len() < len && !unit.is_empty() {
            data.extend_from_slice(unit);
        }
        data
    }

    /// A reader that hands out data in awkward small pieces, to cross window edges anywhere.
    struct Dribble<'a>(&'a [u8], usize);

    impl Read for Dribble<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.1 = (self.1 * 7 + 13) % 4093 + 1;
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn streamed_input_equals_whole_input() {
        let unit = include_bytes!("../fixtures/bundles/chain-crlf.pem");
        let data = repeated(unit, 3 * WINDOW);
        let collect = |events: &mut Vec<(usize, Option<usize>, String)>, e: Event| {
            if let Event::Item(i) = e {
                if let Source::File(f) = &i.source {
                    let fp = hex::encode(
                        i.fingerprints
                            .as_ref()
                            .unwrap()
                            .get(HashAlg::Sha256)
                            .unwrap(),
                    );
                    events.push((f.index, f.line, fp));
                }
            }
        };
        let opts = Options::default();
        let mut whole = Vec::new();
        decode_input("t", &data, &opts, &mut |e| collect(&mut whole, e));
        let mut streamed = Vec::new();
        decode_reader("t", &mut Dribble(&data, 0), u64::MAX, &opts, &mut |e| {
            collect(&mut streamed, e)
        })
        .unwrap();
        // Three windows of a few hundred blocks each, every window edge inside a block.
        assert!(whole.len() > 3 * 200, "{}", whole.len());
        assert_eq!(whole, streamed);
    }

    /// (index, line, error or SHA-256) of every item, and every problem, in order.
    fn outline(events: &mut Vec<String>, e: Event) {
        match e {
            Event::Item(i) => {
                let Source::File(f) = &i.source else {
                    return;
                };
                let what = match (&i.error, &i.fingerprints) {
                    (Some(e), _) => e.clone(),
                    (None, Some(d)) => hex::encode(d.get(HashAlg::Sha256).unwrap()),
                    (None, None) => String::new(),
                };
                events.push(format!("#{} line {:?}: {what}", f.index, f.line));
            }
            Event::Problem { locator, message } | Event::NeedPassword { locator, message } => {
                events.push(format!("{locator}: {message}"))
            }
        }
    }

    /// The [`outline`] of `data` decoded in memory.
    fn outline_input(data: &[u8], opts: &Options) -> Vec<String> {
        let mut events = Vec::new();
        decode_input("t", data, opts, &mut |e| outline(&mut events, e));
        events
    }

    /// The [`outline`] of `reader` decoded as a stream.
    fn outline_stream(reader: &mut (dyn Read + Send), opts: &Options) -> Vec<String> {
        let mut events = Vec::new();
        decode_reader("t", reader, u64::MAX, opts, &mut |e| {
            outline(&mut events, e)
        })
        .unwrap();
        events
    }

    #[test]
    fn max_items_stops_decoding_with_one_problem() {
        let opts = Options {
            max_items: 2,
            ..Options::default()
        };
        let data = include_bytes!("../fixtures/bundles/chain.pem");
        let whole = outline_input(data, &opts);
        assert_eq!(whole.len(), 3, "{whole:?}");
        assert!(whole[2].contains("more than 2 items"), "{whole:?}");
        assert!(whole[2].contains("--max-items"), "{whole:?}");
        // Streamed (an input over one window), the same, and the rest is not read.
        let big = repeated(data, 2 * WINDOW);
        let streamed = outline_stream(&mut Dribble(&big, 0), &opts);
        assert_eq!(streamed, whole);
    }

    #[test]
    fn max_items_bounds_containers() {
        let opts = Options {
            max_items: 1,
            ..Options::default()
        };
        let events = outline_input(include_bytes!("../fixtures/pkcs7/chain-crl.p7b.der"), &opts);
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(events[1].contains("more than 1 items"), "{events:?}");
    }

    #[test]
    fn oversized_block_is_skipped_alike_in_memory_and_streamed() {
        // A good certificate, a 9 MiB block, a good certificate: with a 1 MiB limit the big
        // block is an error naming the limit and the certificate after it is still read,
        // at the same line, whether the input is in memory or streamed window by window.
        let leaf = include_bytes!("../fixtures/certs/leaf.pem");
        for with_end in [true, false] {
            let mut data = leaf.to_vec();
            data.extend_from_slice(b"junk\n-----BEGIN CERTIFICATE-----\n");
            let line = "QUFB".repeat(16);
            for _ in 0..150_000 {
                data.extend_from_slice(line.as_bytes());
                data.push(b'\n');
            }
            if with_end {
                data.extend_from_slice(b"-----END CERTIFICATE-----\n");
            }
            data.extend_from_slice(leaf);
            let opts = Options {
                max_block_size: 1 << 20,
                ..Options::default()
            };
            let whole = outline_input(&data, &opts);
            let streamed = outline_stream(&mut &data[..], &opts);
            assert_eq!(streamed, whole, "with END: {with_end}");
            assert_eq!(whole.len(), 3, "{whole:?}");
            assert!(whole[1].contains("#1 line Some(35)"), "{whole:?}");
            assert!(
                whole[1].contains("limit of 1048576 bytes")
                    && whole[1].contains("--max-block-size"),
                "{whole:?}"
            );
            assert_eq!(
                whole[0].split(": ").nth(1),
                whole[2].split(": ").nth(1),
                "{whole:?}"
            );
        }
    }

    #[test]
    fn a_panicking_printer_does_not_hang_the_pipeline() {
        // The panic must reach the caller: the scanning and decoding threads have to end
        // although nobody takes their batches any more.
        let unit = include_bytes!("../fixtures/bundles/chain.pem");
        let data = repeated(unit, 3 * WINDOW);
        for streamed in [false, true] {
            let result = std::panic::catch_unwind(|| {
                let mut n = 0;
                let mut emit = |_: Event| {
                    n += 1;
                    assert!(n < 40, "printer bug");
                };
                if streamed {
                    decode_reader(
                        "t",
                        &mut &data[..],
                        u64::MAX,
                        &Options::default(),
                        &mut emit,
                    )
                    .unwrap();
                } else {
                    decode_input("t", &data, &Options::default(), &mut emit);
                }
            });
            assert!(result.is_err(), "streamed: {streamed}");
        }
    }

    #[test]
    fn stream_limit_is_enforced() {
        let data = include_bytes!("../fixtures/bundles/chain.pem");
        let err =
            decode_reader("t", &mut &data[..], 100, &Options::default(), &mut |_| {}).unwrap_err();
        assert!(matches!(err, InputError::StreamTooLarge { limit: 100 }));
        assert!(err.to_string().contains("--max-input-size"));
    }
}
