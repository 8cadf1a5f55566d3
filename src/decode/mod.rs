//! Bytes to items: detection, PEM blocks, DER structures and containers, each turned into
//! [`Item`]s with thumbprints and the SPKI pin. Never prints; reports through [`Event`]s.
//!
//! PEM input is decoded in parallel (blocks are independent) and streamed: a reader is
//! scanned window by window, so memory follows the largest block, not the input. Items are
//! numbered and handed out strictly in input order.

mod batches;
mod cbc;
pub mod cert;
mod cert_cache;
pub mod cert_light;
mod cert_walk;
pub mod crl;
pub mod csr;
mod csr_walk;
mod curves;
mod dispatch;
pub mod kdf;
pub mod key;
pub mod ocsp;
pub mod pkcs12;
pub mod pkcs7;
mod sequence;
pub mod spki;
mod stream;
pub(crate) mod x509;

use std::io::Read;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::fingerprint::{Digests, HashAlg};
use crate::input::detect::{self, Encoding};
use crate::input::error::InputError;
use crate::input::k8s;
use crate::input::pem;
use crate::input::secret::Secret;
use crate::model::{Body, Brief, Item, Kind, PemText, Source};
use batches::Window;
use dispatch::Ctx;
use sequence::Sequencer;
use stream::{fill, read_rest_chunked, stream_windows, Stream};

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
    /// Decode certificates with the light walk ([`cert_light`]) when it can read them: for
    /// records that show only [`cert_light::FIELDS`]. The rest of the model stays empty.
    pub light_certificates: bool,
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
            light_certificates: false,
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

/// Decodes every item of one in-memory input and hands each to `emit`, in order.
pub fn decode_input(path: &str, data: &[u8], opts: &Options<'_>, emit: &mut dyn FnMut(Event)) {
    let opts = &opts.for_input();
    let mut seq = Sequencer::new(path, opts.max_items, emit);
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
    let mut seq = Sequencer::new(path, opts.max_items, emit);
    let mut buf: Vec<u8> =
        Vec::with_capacity(WINDOW.min(usize::try_from(limit).unwrap_or(WINDOW)) + 1);
    let mut total: u64 = 0;
    let mut eof = fill(reader, &mut buf, WINDOW, &mut total, limit)?;
    let streamable = !eof && matches!(detect::detect(&buf), Encoding::Pem { via: None, .. });
    if !streamable {
        match size_hint.and_then(|s| usize::try_from(s).ok()) {
            Some(size) => buf.reserve_exact(size.saturating_sub(buf.len()) + 1),
            // A stream of unknown size (a pipe, a device): one buffer of the limit's size,
            // of which only what is read is ever touched (the rest stays unmapped address
            // space), so the peak is the input's size. Chunks joined at the end cost twice
            // that under mimalloc, whose purge delay keeps the freed chunks while the
            // joined copy fills; they remain the fallback when the address space for the
            // whole limit cannot be had (a raised limit under `ulimit -v`).
            None if !eof => {
                let whole = usize::try_from(limit)
                    .ok()
                    .and_then(|l| l.checked_add(1))
                    .map(|l| l.saturating_sub(buf.len()));
                if whole.is_none_or(|w| buf.try_reserve_exact(w).is_err()) {
                    buf = read_rest_chunked(reader, buf, &mut total, limit)?;
                    eof = true;
                }
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
    } else if let Some(d) = opts
        .light_certificates
        .then(|| cert_light::decode(&der))
        .flatten()
    {
        item.body = cert::body(d.cert);
        item.spki_der = Some(d.spki);
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
    if opts.with_spki_pin {
        item.fill_spki_pin();
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

/// Every item of `kind` with its DER, decoded from the files under `fixtures/` (files up to
/// 4 MiB, hostile and damaged ones included): the differential tests' corpus.
#[cfg(test)]
pub(crate) fn fixture_items(kind: crate::model::Kind) -> Vec<crate::model::Item> {
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if std::fs::metadata(&path).unwrap().len() <= 4 << 20 {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut items = Vec::new();
    for path in files {
        let data = std::fs::read(&path).unwrap();
        let name = path.to_string_lossy();
        decode_input(&name, &data, &Options::default(), &mut |e| {
            if let Event::Item(item) = e {
                if item.kind == kind && item.der.is_some() {
                    items.push(*item);
                }
            }
        });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FileSource;

    pub(super) fn decode_all(data: &[u8], password: Option<&Secret>) -> (Vec<Item>, Vec<String>) {
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
        let (pem_items, _) = decode_all(include_bytes!("../../fixtures/certs/leaf.pem"), None);
        let (der_items, p) = decode_all(include_bytes!("../../fixtures/certs/leaf.der"), None);
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
            &include_bytes!("../../fixtures/certs/leaf.der")[..],
            &include_bytes!("../../fixtures/pkcs12/leaf-aes.p12")[..],
            &include_bytes!("../../fixtures/pkcs7/signed-ber.p7s")[..],
            &include_bytes!("../../fixtures/crl/intermediate.der")[..],
        ] {
            for cut in (0..data.len()).step_by(7) {
                let _ = decode_all(&data[..cut], None);
            }
        }
    }

    /// (index, line, error or SHA-256) of every item, and every problem, in order.
    pub(super) fn outline(events: &mut Vec<String>, e: Event) {
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
    pub(super) fn outline_input(data: &[u8], opts: &Options) -> Vec<String> {
        let mut events = Vec::new();
        decode_input("t", data, opts, &mut |e| outline(&mut events, e));
        events
    }

    #[test]
    fn max_items_bounds_containers() {
        let opts = Options {
            max_items: 1,
            ..Options::default()
        };
        let events = outline_input(
            include_bytes!("../../fixtures/pkcs7/chain-crl.p7b.der"),
            &opts,
        );
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(events[1].contains("more than 1 items"), "{events:?}");
    }
}
