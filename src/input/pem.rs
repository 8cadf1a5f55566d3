//! A lax RFC 7468 PEM scanner that resynchronises on every BEGIN line.
//!
//! Unlike `pem::parse_many`, which fails the whole file on one bad block, this yields one
//! [`Block`] per BEGIN marker found, each carrying its own problem, so a truncated block never
//! hides the good block after it. It accepts what people really paste: text between blocks,
//! CRLF, indentation by spaces or tabs, markers after other text on a line (YAML keys, JSON
//! quotes), headers (`Proc-Type`, `DEK-Info`), text after the END marker, and non-UTF-8 bytes
//! around blocks.
//!
//! Speed matters here (bundles of 100,000 certificates): markers are found with `memchr`'s
//! SIMD substring search rather than line by line, bodies are decoded with `base64-simd`'s
//! forgiving decoder (which skips whitespace), and only a failing body is walked again, slowly,
//! to say which character on which line is wrong. A scanner can also run over a window of a
//! larger stream ([`Scanner::partial`]) and stop where a block is not complete yet.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::{Arc, LazyLock};

use memchr::memmem::{self, Finder};

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";

// Searchers built once: `memmem::find` builds one per call, which cost as much as the
// search itself on 1 KB certificate bodies.
static FIND_BEGIN: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(BEGIN));
static FIND_DASHES: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(DASHES));

/// Longest label accepted; anything longer is not a PEM marker.
const MAX_LABEL: usize = 128;

/// Default cap on the size of one block (`--max-block-size`): its base64 text plus headers.
/// 256 MiB of base64 is a 192 MiB CRL, larger than any published; past it, a block is
/// almost certainly a runaway file, and holding it costs its whole size in memory.
pub const DEFAULT_MAX_BLOCK_SIZE: usize = 256 << 20;

/// A label as kept in a [`Block`]: static for a known label, else an owned copy.
pub fn label_text(label: &str) -> Cow<'static, str> {
    match super::labels::known(label) {
        Some((known, _)) => Cow::Borrowed(known),
        None => Cow::Owned(label.to_string()),
    }
}

/// The problem reported for a block over `max` bytes.
pub fn too_big(max: usize) -> String {
    format!(
        "PEM block larger than the limit of {max} bytes of base64 and headers (raise it with \
         --max-block-size)"
    )
}

/// One PEM block, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// 1-based line of the BEGIN line.
    pub line: usize,
    /// The label between `BEGIN ` and `-----`.
    pub label: Cow<'static, str>,
    /// RFC 1421 headers (`Proc-Type`, `DEK-Info`), in order.
    pub headers: Vec<(String, String)>,
    /// The decoded bytes; empty when the block could not be decoded. Shared, so that an
    /// item keeps them without a copy.
    pub der: Arc<[u8]>,
    /// What is wrong with the block, if anything. A block with a problem may still have
    /// usable `der` (for example an END label that does not match).
    pub problem: Option<String>,
}

impl Block {
    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A block found but not yet base64-decoded: cheap to produce, so that decoding can happen on
/// another thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawBlock<'a> {
    /// 1-based line of the BEGIN line.
    pub line: usize,
    /// The BEGIN label.
    pub label: &'a [u8],
    /// Everything between the BEGIN line and the END line (headers and base64).
    pub body: &'a [u8],
    /// The END label, or `None` when the block has no END (truncated).
    pub end_label: Option<&'a [u8]>,
    /// For a truncated block: the line of the next BEGIN, if the block ended there.
    pub next_begin_line: Option<usize>,
}

/// Where a [`RawBlock`] lies in the buffer it was scanned from: offsets instead of borrows,
/// so that a batch of blocks can travel to a decoding thread beside the shared window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSpan {
    /// 1-based line of the BEGIN line.
    pub line: usize,
    /// The BEGIN label.
    pub label: Range<usize>,
    /// Everything between the BEGIN line and the END line (headers and base64).
    pub body: Range<usize>,
    /// The END label, or `None` when the block has no END (truncated).
    pub end_label: Option<Range<usize>>,
    /// For a truncated block: the line of the next BEGIN, if the block ended there.
    pub next_begin_line: Option<usize>,
}

impl RawSpan {
    /// The block in `data`, which must be the buffer the span was scanned from (anything
    /// else gives empty parts, never a panic).
    pub fn in_data<'a>(&self, data: &'a [u8]) -> RawBlock<'a> {
        let part = |r: &Range<usize>| data.get(r.clone()).unwrap_or(&[]);
        RawBlock {
            line: self.line,
            label: part(&self.label),
            body: part(&self.body),
            end_label: self.end_label.as_ref().map(part),
            next_begin_line: self.next_begin_line,
        }
    }
}

impl RawBlock<'_> {
    /// Decodes the body: headers, base64, and any problem.
    pub fn decode(&self) -> Block {
        self.decode_limited(DEFAULT_MAX_BLOCK_SIZE)
    }

    /// As [`RawBlock::decode`], but a body (headers and base64) over `max` bytes is not
    /// decoded: the block carries a problem naming the limit instead.
    pub fn decode_limited(&self, max: usize) -> Block {
        let label = label_text(String::from_utf8_lossy(self.label).trim());
        if self.body.len() > max {
            return Block {
                line: self.line,
                label,
                headers: Vec::new(),
                der: Arc::default(),
                problem: Some(too_big(max)),
            };
        }
        let (headers, b64, b64_first_line) = match split_headers(self.body, self.line + 1) {
            Ok(split) => split,
            Err(problem) => {
                return Block {
                    line: self.line,
                    label,
                    headers: Vec::new(),
                    der: Arc::default(),
                    problem: Some(problem),
                }
            }
        };
        let mut block = Block {
            line: self.line,
            label,
            headers,
            der: Arc::default(),
            problem: None,
        };
        let Some(end_label) = self.end_label else {
            block.problem = Some(match self.next_begin_line {
                Some(n) => {
                    format!("BEGIN without END: the block is truncated (next BEGIN at line {n})")
                }
                None => "BEGIN without END: the block is truncated".to_string(),
            });
            return block;
        };
        match decode_base64(b64) {
            Some(der) => block.der = der,
            None => {
                block.problem = Some(explain_base64_error(b64, b64_first_line));
                return block;
            }
        }
        let end_label = String::from_utf8_lossy(end_label);
        let end_label = end_label.trim();
        if end_label != block.label {
            block.problem = Some(format!(
                "END label {end_label:?} does not match BEGIN label {:?}",
                block.label
            ));
        } else if block.der.is_empty() {
            block.problem = Some("empty block".to_string());
        }
        block
    }
}

/// Most RFC 1421 header lines kept from one block: real blocks have two (`Proc-Type`,
/// `DEK-Info`); each kept line costs two strings, so 20 MB of `a:b` lines cost 650 MB.
pub const MAX_HEADERS: usize = 64;

/// Most bytes of RFC 1421 header lines in one block (see [`MAX_HEADERS`]).
pub const MAX_HEADER_BYTES: usize = 8 << 10;

/// Header lines, their base64 part and the line number it starts on.
type Split<'a> = (Vec<(String, String)>, &'a [u8], usize);

/// Splits leading `Name: value` header lines (RFC 1421) from the base64 text. Returns the
/// headers, the base64 part and the line number the base64 part starts on, or the problem
/// when the headers are over [`MAX_HEADERS`] lines or [`MAX_HEADER_BYTES`] bytes.
fn split_headers(body: &[u8], first_line: usize) -> Result<Split<'_>, String> {
    let mut headers = Vec::new();
    let mut rest = body;
    let mut line = first_line;
    let mut bytes = 0usize;
    loop {
        let (text, after) = match memchr::memchr(b'\n', rest) {
            Some(n) => (
                rest.get(..n).unwrap_or(&[]),
                rest.get(n + 1..).unwrap_or(&[]),
            ),
            None => (rest, &[][..]),
        };
        let trimmed = trim(text);
        if trimmed.is_empty() {
            if headers.is_empty() || after.is_empty() {
                // Leading blank lines, or the blank line that ends the headers.
                if headers.is_empty() && !after.is_empty() {
                    rest = after;
                    line += 1;
                    continue;
                }
                return Ok((headers, after, line + 1));
            }
            return Ok((headers, after, line + 1));
        }
        match memchr::memchr(b':', trimmed) {
            Some(colon) => {
                bytes = bytes.saturating_add(text.len() + 1);
                if headers.len() >= MAX_HEADERS || bytes > MAX_HEADER_BYTES {
                    return Err(format!(
                        "more than {MAX_HEADERS} PEM header lines or {MAX_HEADER_BYTES} bytes of \
                         them (at line {line}): not an RFC 1421 block"
                    ));
                }
                let (k, v) = trimmed.split_at(colon);
                headers.push((
                    String::from_utf8_lossy(k).trim().to_string(),
                    String::from_utf8_lossy(v.get(1..).unwrap_or(&[]))
                        .trim()
                        .to_string(),
                ));
                rest = after;
                line += 1;
            }
            None => return Ok((headers, rest, line)),
        }
    }
}

/// Decodes the base64 of a PEM body. The common shape (lines of base64 ending in LF or
/// CRLF) is joined with one copy per line and decoded strictly with SIMD, straight into the
/// shared buffer an item keeps; anything else (spaces, tabs, missing padding) takes the
/// forgiving decoder.
fn decode_base64(b64: &[u8]) -> Option<Arc<[u8]>> {
    thread_local! {
        // The joined lines of one block; kept per decoding thread so that a bundle of
        // 100,000 blocks does not allocate and free it 100,000 times.
        static JOINED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    JOINED.with_borrow_mut(|clean| {
        // First as if every full line had 64 columns and LF, what encoders write. If that
        // guess joined anything but base64 (a line break or CR inside a "line"), the strict
        // decoder rejects it, and the lines are joined again at their real ends: either
        // way the decoder sees what the line-by-line join gives.
        join_lines(b64, clean, true);
        let decoded = decode_strict(clean).or_else(|| {
            join_lines(b64, clean, false);
            decode_strict(clean).or_else(|| {
                base64_simd::forgiving_decode_to_vec(&*clean)
                    .ok()
                    .map(Arc::from)
            })
        });
        // A huge block's buffer is not kept for the rest of the run.
        if clean.capacity() > 1 << 20 {
            *clean = Vec::new();
        }
        decoded
    })
}

/// Joins the lines of `b64` into `clean`, dropping each line's LF or CRLF. With
/// `assume_64`, leading 64-byte runs followed by an LF are taken as lines without looking
/// inside them (the caller checks the result); the rest is split at every LF.
fn join_lines(b64: &[u8], clean: &mut Vec<u8>, assume_64: bool) {
    const COLUMNS: usize = 64;
    clean.clear();
    let mut start = 0;
    if assume_64 {
        while let (Some(line), Some(b'\n')) =
            (b64.get(start..start + COLUMNS), b64.get(start + COLUMNS))
        {
            clean.extend_from_slice(line);
            start += COLUMNS + 1;
        }
    }
    let rest = b64.get(start..).unwrap_or(&[]);
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', rest).chain(std::iter::once(rest.len())) {
        let line = rest.get(start..nl).unwrap_or(&[]);
        clean.extend_from_slice(line.strip_suffix(b"\r").unwrap_or(line));
        start = nl + 1;
    }
}

/// Canonical padded base64 decoded into one exact allocation (no growing vector, no copy
/// into the item afterwards).
fn decode_strict(b64: &[u8]) -> Option<Arc<[u8]>> {
    let engine = base64_simd::STANDARD;
    let len = engine.decoded_length(b64).ok()?;
    let mut out: Arc<[u8]> = std::iter::repeat_n(0u8, len).collect();
    let dst = Arc::get_mut(&mut out)?;
    let written = engine
        .decode(b64, base64_simd::Out::from_slice(dst))
        .ok()?
        .len();
    (written == len).then_some(out)
}

/// Names the first character that is not base64, and its line, for an error message.
fn explain_base64_error(b64: &[u8], first_line: usize) -> String {
    let mut line = first_line;
    for &b in b64 {
        match b {
            b'\n' => line += 1,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' | b'=' => {}
            b' ' | b'\t' | b'\r' | b'\x0c' => {}
            other => {
                return format!(
                    "invalid base64 character {:?} at line {line}",
                    char::from(other)
                )
            }
        }
    }
    "invalid base64: bad length or padding".to_string()
}

/// Iterator over the PEM blocks of a byte buffer.
#[derive(Debug, Clone)]
pub struct Scanner<'a> {
    data: &'a [u8],
    pos: usize,
    /// Newlines in `data[..counted]`.
    newlines: usize,
    counted: usize,
    /// Line numbers are offset by the newlines of what came before this window.
    line_base: usize,
    at_eof: bool,
    /// Set when a partial scan stopped at a block whose end is not in the window yet.
    stopped: bool,
}

impl<'a> Scanner<'a> {
    /// Scans all of `data`.
    pub fn new(data: &'a [u8]) -> Scanner<'a> {
        Scanner::partial(data, 0, true)
    }

    /// Scans a window of a stream whose earlier part held `line_base` newlines. When
    /// `at_eof` is false, a block whose END (or the next BEGIN) is beyond the window is not
    /// returned: the scan stops before it and [`Scanner::consumed`] says where to resume.
    pub fn partial(data: &'a [u8], line_base: usize, at_eof: bool) -> Scanner<'a> {
        Scanner {
            data,
            pos: 0,
            newlines: 0,
            counted: 0,
            line_base,
            at_eof,
            stopped: false,
        }
    }

    /// Bytes of the window fully scanned: the next window must start here.
    pub fn consumed(&self) -> usize {
        self.pos
    }

    /// Newlines before [`Scanner::consumed`], including `line_base`.
    pub fn newlines_consumed(&mut self) -> usize {
        self.count_to(self.pos);
        self.line_base + self.newlines
    }

    /// 1-based line number of byte `at`.
    fn line_of(&mut self, at: usize) -> usize {
        self.count_to(at);
        self.line_base + self.newlines + 1
    }

    fn count_to(&mut self, at: usize) {
        if at > self.counted {
            let region = self.data.get(self.counted..at).unwrap_or(&[]);
            self.newlines += memchr::memchr_iter(b'\n', region).count();
            self.counted = at;
        }
    }

    /// The next block, not yet base64-decoded.
    pub fn next_raw(&mut self) -> Option<RawBlock<'a>> {
        let data = self.data;
        self.next_span().map(|span| span.in_data(data))
    }

    /// The next block as offsets into the scanned data.
    pub fn next_span(&mut self) -> Option<RawSpan> {
        if self.stopped {
            return None;
        }
        loop {
            let rest = self.data.get(self.pos..)?;
            let Some(found) = FIND_BEGIN.find(rest) else {
                // Keep a possible marker split across windows for the next window.
                self.pos = if self.at_eof {
                    self.data.len()
                } else {
                    self.data.len().saturating_sub(BEGIN.len()).max(self.pos)
                };
                return None;
            };
            let begin_at = self.pos + found;
            let after_marker = begin_at + BEGIN.len();
            // The label and its closing dashes lie within MAX_LABEL + 5 bytes of the marker:
            // only that much is looked at before the BEGIN is known to be a marker. Looking
            // to the end of the line for every candidate made a line of 727,000 bare
            // `-----BEGIN ` quadratic (146 s for 8 MB).
            let probe_end = after_marker
                .saturating_add(MAX_LABEL + DASHES.len())
                .min(self.data.len());
            let probe = self.data.get(after_marker..probe_end)?;
            let probe = match memchr::memchr(b'\n', probe) {
                Some(n) => probe.get(..n)?,
                // The label may go on in the next window.
                None if !self.at_eof && probe_end == self.data.len() => return self.stop(begin_at),
                None => probe,
            };
            let Some(label_len) = label_of(probe).map(<[u8]>::len) else {
                // "-----BEGIN " that is not a marker: look further.
                self.pos = after_marker;
                continue;
            };
            let label_close = after_marker + label_len + DASHES.len();
            let line_end = match memchr::memchr(b'\n', self.data.get(label_close..)?) {
                Some(n) => label_close + n,
                None if self.at_eof => self.data.len(),
                None => return self.stop(begin_at),
            };
            let label = after_marker..after_marker + label_len;
            let line = self.line_of(begin_at);
            let body_start = (line_end + 1).min(self.data.len());
            let tail = self.data.get(body_start..)?;
            // Only an END before the next BEGIN closes this block, so the search stops at
            // whichever marker comes first: a search to the end of the input for every block
            // without an END made a file of truncated blocks quadratic (100,000 of them took
            // 9 s, a million a quarter hour).
            let (end, next_begin) = match first_marker(tail) {
                Some((at, Marker::End)) => (Some(body_start + at), None),
                Some((at, Marker::Begin)) => (None, Some(body_start + at)),
                None => (None, None),
            };
            match (end, next_begin) {
                (Some(e), nb) if nb.is_none_or(|b| e < b) => {
                    let end_marker = e + END.len();
                    let end_line_end = match memchr::memchr(b'\n', self.data.get(end_marker..)?) {
                        Some(n) => end_marker + n + 1,
                        None if self.at_eof => self.data.len(),
                        None => return self.stop(begin_at),
                    };
                    let end_text = self.data.get(end_marker..end_line_end)?;
                    let close = FIND_DASHES.find(end_text).unwrap_or(end_text.len());
                    self.pos = end_line_end;
                    return Some(RawSpan {
                        line,
                        label,
                        body: body_start..e,
                        end_label: Some(end_marker..end_marker + close),
                        next_begin_line: None,
                    });
                }
                (_, Some(b)) => {
                    // Resynchronise: this block never ended, the next one starts at `b`.
                    let next_line_start = line_start(self.data, b);
                    self.pos = next_line_start.max(body_start);
                    let next_begin_line = self.line_of(b);
                    return Some(RawSpan {
                        line,
                        label,
                        body: body_start..self.pos,
                        end_label: None,
                        next_begin_line: Some(next_begin_line),
                    });
                }
                (_, None) if self.at_eof => {
                    self.pos = self.data.len();
                    return Some(RawSpan {
                        line,
                        label,
                        body: body_start..self.data.len(),
                        end_label: None,
                        next_begin_line: None,
                    });
                }
                (_, None) => return self.stop(begin_at),
            }
        }
    }

    fn stop<T>(&mut self, begin_at: usize) -> Option<T> {
        // The next window starts at the marker itself, not at its line: text before it on
        // the line is no part of the block, and a line of megabytes of candidates would
        // otherwise be carried (and scanned again) from window to window.
        self.pos = begin_at;
        self.stopped = true;
        None
    }

    /// Iterates raw blocks, borrowing the scanner (so it can be resumed or queried after).
    pub fn by_ref_raw(&mut self) -> RawIter<'_, 'a> {
        RawIter(self)
    }

    /// Iterates block spans, borrowing the scanner (so it can be resumed or queried after).
    pub fn by_ref_spans(&mut self) -> impl Iterator<Item = RawSpan> + use<'_, 'a> {
        std::iter::from_fn(move || self.next_span())
    }

    /// Whether a partial scan stopped at an incomplete block.
    pub fn stopped_early(&self) -> bool {
        self.stopped
    }
}

/// Iterator of [`RawBlock`]s over a borrowed [`Scanner`].
#[derive(Debug)]
pub struct RawIter<'s, 'a>(&'s mut Scanner<'a>);

impl<'a> Iterator for RawIter<'_, 'a> {
    type Item = RawBlock<'a>;

    fn next(&mut self) -> Option<RawBlock<'a>> {
        self.0.next_raw()
    }
}

impl Iterator for Scanner<'_> {
    type Item = Block;

    fn next(&mut self) -> Option<Block> {
        self.next_raw().map(|r| r.decode())
    }
}

/// For a stream whose current block outgrew the block size limit: the BEGIN label of the
/// block on the first line of `window`, if there is one.
pub fn first_line_label(window: &[u8]) -> Option<Cow<'static, str>> {
    let line = window
        .get(..memchr::memchr(b'\n', window).unwrap_or(window.len()))
        .unwrap_or(window);
    let at = memmem::find(line, BEGIN)?;
    let label = label_of(line.get(at + BEGIN.len()..)?)?;
    Some(label_text(String::from_utf8_lossy(label).trim()))
}

/// For a stream skipping an oversized block that starts on the first line of `window`: the
/// start of the first later line holding an END or BEGIN marker, where scanning can resume
/// (a lone END line is then skipped as text). `None` when neither is in the window yet.
pub fn resume_point(window: &[u8]) -> Option<usize> {
    let first_line_end = memchr::memchr(b'\n', window)? + 1;
    let rest = window.get(first_line_end..)?;
    let end = memmem::find(rest, END);
    let begin = memmem::find(rest, BEGIN);
    let at = match (end, begin) {
        (Some(e), Some(b)) => e.min(b),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => return None,
    };
    Some(line_start(window, first_line_end + at))
}

/// A marker found by [`first_marker`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Begin,
    End,
}

/// The first BEGIN or END marker in `data`, in one pass: every marker starts with a dash,
/// which base64 never holds, so a block body is crossed by one `memchr` and its END found
/// at the first dash. Dashes in text between blocks are each checked, in constant time.
fn first_marker(data: &[u8]) -> Option<(usize, Marker)> {
    memchr::memchr_iter(b'-', data).find_map(|at| {
        let rest = data.get(at..)?;
        if rest.starts_with(END) {
            Some((at, Marker::End))
        } else if rest.starts_with(BEGIN) {
            Some((at, Marker::Begin))
        } else {
            None
        }
    })
}

/// Start of the line holding byte `at`.
fn line_start(data: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', data.get(..at).unwrap_or(&[]))
        .map(|n| n + 1)
        .unwrap_or(0)
}

/// The label after `-----BEGIN `, closed by five dashes on the same line.
fn label_of(line: &[u8]) -> Option<&[u8]> {
    let close = FIND_DASHES.find(line)?;
    let label = line.get(..close)?;
    if label.is_empty() || label.len() > MAX_LABEL || label.contains(&b'\r') {
        return None;
    }
    Some(label)
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// Whether `data` contains anything that looks like a PEM BEGIN marker.
pub fn has_begin(data: &[u8]) -> bool {
    FIND_BEGIN.find(data).is_some()
}

/// Encodes `der` as PEM with LF line endings and 64-column lines.
pub fn encode(label: &str, der: &[u8]) -> String {
    // 48 bytes of input make one 64-column line; encoding line by line into the output
    // avoids a second copy of the whole base64 text (it matters for CRLs of tens of MB).
    let lines = der.len().div_ceil(48);
    let mut out = String::with_capacity(lines * 65 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for chunk in der.chunks(48) {
        base64_simd::STANDARD.encode_append(chunk, &mut out);
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(s: &str) -> Vec<Block> {
        Scanner::new(s.as_bytes()).collect()
    }

    #[test]
    fn text_between_blocks_and_crlf() {
        let s = "hello\r\n-----BEGIN A-----\r\nAQID\r\n-----END A-----\r\nsubject=x\n  -----BEGIN B-----\n\tBAU=\n  -----END B-----\ntrailer";
        let b = blocks(s);
        assert_eq!(b.len(), 2);
        assert_eq!(
            (b[0].line, &*b[0].label, &*b[0].der),
            (2, "A", &[1u8, 2, 3][..])
        );
        assert_eq!(
            (b[1].line, &*b[1].label, &*b[1].der),
            (6, "B", &[4u8, 5][..])
        );
        assert!(b.iter().all(|b| b.problem.is_none()), "{b:?}");
    }

    #[test]
    fn truncated_block_does_not_hide_the_next() {
        let s = "-----BEGIN X-----\nAQID\n-----BEGIN Y-----\nBAU=\n-----END Y-----\n";
        let b = blocks(s);
        assert_eq!(b.len(), 2);
        assert_eq!(
            b[0].problem.as_deref(),
            Some("BEGIN without END: the block is truncated (next BEGIN at line 3)")
        );
        assert_eq!(b[1].label, "Y");
        assert_eq!(b[1].line, 3);
        assert_eq!(&*b[1].der, [4, 5]);
        assert!(b[1].problem.is_none());
    }

    #[test]
    fn begin_without_end_at_eof() {
        let b = blocks("-----BEGIN X-----\nAQID\n");
        assert_eq!(b.len(), 1);
        assert!(b[0].problem.is_some());
    }

    #[test]
    fn headers_are_kept() {
        let s = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\nAQID\n-----END RSA PRIVATE KEY-----\n";
        let b = blocks(s);
        assert_eq!(b[0].header("dek-info"), Some("AES-128-CBC,00FF"));
        assert_eq!(&*b[0].der, [1, 2, 3]);
        assert!(b[0].problem.is_none());
    }

    #[test]
    fn bad_base64_is_reported_per_block() {
        let b = blocks(
            "-----BEGIN A-----\nAQID\nAQ!!\n-----END A-----\n-----BEGIN B-----\nBAU=\n-----END B-----\n",
        );
        assert_eq!(
            b[0].problem.as_deref(),
            Some("invalid base64 character '!' at line 3")
        );
        assert_eq!(&*b[1].der, [4, 5]);
    }

    #[test]
    fn mismatched_end_label() {
        let b = blocks("-----BEGIN A-----\nAQID\n-----END B-----\n");
        assert_eq!(&*b[0].der, [1, 2, 3]);
        assert!(b[0].problem.as_deref().unwrap().contains("does not match"));
    }

    #[test]
    fn non_utf8_around_blocks() {
        let mut data = vec![0xff, 0xfe, b'\n'];
        data.extend_from_slice(b"-----BEGIN A-----\nAQID\n-----END A-----\n\xc3\x28");
        let b: Vec<_> = Scanner::new(&data).collect();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].line, 2);
    }

    #[test]
    fn marker_after_text_on_the_line() {
        let b = blocks("cert: |\n  key: -----BEGIN A-----\n  AQID\n  -----END A-----\"\n");
        assert_eq!(b.len(), 1);
        assert_eq!(&*b[0].der, [1, 2, 3]);
        assert_eq!(b[0].line, 2);
    }

    #[test]
    fn not_a_marker_is_skipped() {
        let b = blocks("-----BEGIN no close\n-----BEGIN A-----\nAQID\n-----END A-----\n");
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].line, 2);
    }

    #[test]
    fn partial_scan_stops_and_resumes() {
        let s = b"junk\n-----BEGIN A-----\nAQID\n-----END A-----\n-----BEGIN B-----\nBA";
        let mut sc = Scanner::partial(s, 0, false);
        let first = sc.next_raw().unwrap();
        assert_eq!(first.line, 2);
        assert!(sc.next_raw().is_none());
        assert!(sc.stopped_early());
        let at = sc.consumed();
        assert_eq!(&s[at..at + 11], b"-----BEGIN ");
        let lines = sc.newlines_consumed();
        let mut rest = s[at..].to_vec();
        rest.extend_from_slice(b"U=\n-----END B-----\n");
        let b: Vec<Block> = {
            let mut sc = Scanner::partial(&rest, lines, true);
            std::iter::from_fn(|| sc.next_raw().map(|r| r.decode())).collect()
        };
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].line, 5);
        assert_eq!(&*b[0].der, [4, 5]);
    }

    #[test]
    fn block_size_limit_is_reported_and_the_next_block_still_read() {
        let mut s = String::from("-----BEGIN A-----\n");
        for _ in 0..10 {
            s.push_str("AAAAAAAAAAAAAAAA\n");
        }
        s.push_str("-----END A-----\n-----BEGIN B-----\nBAU=\n-----END B-----\n");
        let mut sc = Scanner::new(s.as_bytes());
        let b: Vec<Block> =
            std::iter::from_fn(|| sc.next_raw().map(|r| r.decode_limited(100))).collect();
        assert_eq!(b.len(), 2);
        let problem = b[0].problem.as_deref().unwrap();
        assert!(problem.contains("limit of 100 bytes"), "{problem}");
        assert!(problem.contains("--max-block-size"), "{problem}");
        assert!(b[0].der.is_empty());
        assert_eq!((b[1].line, &*b[1].der), (13, &[4u8, 5][..]));
        // At the limit exactly (10 lines of 17 bytes): accepted.
        let mut sc = Scanner::new(s.as_bytes());
        let first = sc.next_raw().unwrap().decode_limited(170);
        assert!(first.problem.is_none(), "{:?}", first.problem);
        assert_eq!(first.der.len(), 120);
    }

    #[test]
    fn stream_helpers_for_oversized_blocks() {
        let w = b"x -----BEGIN BIG ONE-----\nAAAA\nAAAA\n  -----END BIG ONE-----\n";
        assert_eq!(first_line_label(w).as_deref(), Some("BIG ONE"));
        assert_eq!(resume_point(w), Some(w.len() - 24));
        assert_eq!(resume_point(b"-----BEGIN A-----\nAAAA\nAA"), None);
        let w = b"-----BEGIN A-----\nAAAA\n-----BEGIN B-----\n";
        assert_eq!(resume_point(w), Some(23));
        assert_eq!(first_line_label(b"no marker\n-----BEGIN A-----\n"), None);
    }

    #[test]
    fn many_truncated_blocks_scan_in_linear_time() {
        // Each BEGIN without an END must not send a search to the end of the input.
        let data = "-----BEGIN X-----\nAAAA\n".repeat(100_000);
        let start = std::time::Instant::now();
        assert_eq!(Scanner::new(data.as_bytes()).count(), 100_000);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn encode_round_trip() {
        let der: Vec<u8> = (0..100).collect();
        let pem = encode("CERTIFICATE", &der);
        assert!(!pem.contains('\r'));
        let b = blocks(&pem);
        assert_eq!(&*b[0].der, &der[..]);
    }

    #[test]
    fn lines_that_only_look_64_columns_wide_are_joined_at_their_ends() {
        // 64 columns of base64, then lines whose 64th byte is a CR (63 columns + CRLF) or
        // which hold a line break within 64 bytes: the guess that every line has 64
        // columns must not let a CR or LF into the base64.
        let der: Vec<u8> = (0..=255).collect();
        let b64 = base64_simd::STANDARD.encode_to_string(&der);
        let mut shapes = Vec::new();
        for width in [64, 63, 40, 4] {
            let mut body = String::new();
            for chunk in b64.as_bytes().chunks(width) {
                body.push_str(std::str::from_utf8(chunk).unwrap());
                body.push_str(if width == 63 { "\r\n" } else { "\n" });
            }
            shapes.push(body);
        }
        for body in shapes {
            let pem = format!("-----BEGIN X-----\n{body}-----END X-----\n");
            let b = blocks(&pem);
            assert_eq!(b[0].problem, None, "{pem}");
            assert_eq!(&*b[0].der, &der[..], "{pem}");
        }
    }
}
