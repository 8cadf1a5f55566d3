//! The windows of a streamed PEM input: read a window, scan it, keep the unfinished block for
//! the next one, grow a window for a large block and skip one past `--max-block-size`.

use std::io::Read;
use std::sync::Arc;

use super::batches::{Dispatcher, Window};
use super::dispatch::Ctx;
use super::WINDOW;
use crate::input::error::InputError;
use crate::input::pem::{self, Block};

/// Scans a streamed PEM input window by window, sending its blocks to `decoders`; sets `any`
/// once a block is seen. Each window is shared with the batches found in it; the unfinished
/// block at its end starts the next one.
pub(super) fn stream_windows(
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
pub(super) struct Stream<'r> {
    pub(super) reader: &'r mut (dyn Read + Send),
    pub(super) total: &'r mut u64,
    pub(super) limit: u64,
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

/// The rest of a stream of unknown size after `first`, as one buffer, when no buffer of the
/// limit's size could be reserved. Read in chunks that are joined once at the end, each
/// freed as it is copied: about twice the input's size at the join under mimalloc (less
/// with an allocator that returns freed memory at once), where a buffer grown as it fills
/// costs more while it is reallocated (`inspect /dev/zero` peaked at 2.3x its 256 MiB limit
/// that way). A join that cannot be allocated is an error, not an abort.
pub(super) fn read_rest_chunked(
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
    let mut out = Vec::new();
    out.try_reserve_exact(len.saturating_add(1))
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
    for chunk in chunks {
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Reads up to `want` more bytes; returns whether the reader is exhausted.
pub(super) fn fill(
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

#[cfg(test)]
pub(super) mod tests {
    use super::super::tests::{outline, outline_input};
    use super::super::{decode_input, decode_reader, Event, Options, WINDOW};
    use super::*;
    use crate::fingerprint::HashAlg;
    use crate::model::Source;

    /// `unit` repeated until the result holds at least `len` bytes (inputs over windows).
    pub(in crate::decode) fn repeated(unit: &[u8], len: usize) -> Vec<u8> {
        let mut data = Vec::with_capacity(len + unit.len());
        while data.len() < len && !unit.is_empty() {
            data.extend_from_slice(unit);
        }
        data
    }

    /// A reader that hands out data in awkward small pieces, to cross window edges anywhere.
    pub(in crate::decode) struct Dribble<'a>(pub &'a [u8], pub usize);

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
        let unit = include_bytes!("../../fixtures/bundles/chain-crlf.pem");
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
        let data = include_bytes!("../../fixtures/bundles/chain.pem");
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
    fn oversized_block_is_skipped_alike_in_memory_and_streamed() {
        // A good certificate, a 9 MiB block, a good certificate: with a 1 MiB limit the big
        // block is an error naming the limit and the certificate after it is still read,
        // at the same line, whether the input is in memory or streamed window by window.
        let leaf = include_bytes!("../../fixtures/certs/leaf.pem");
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
    fn stream_limit_is_enforced() {
        let data = include_bytes!("../../fixtures/bundles/chain.pem");
        let err =
            decode_reader("t", &mut &data[..], 100, &Options::default(), &mut |_| {}).unwrap_err();
        assert!(matches!(err, InputError::StreamTooLarge { limit: 100 }));
        assert!(err.to_string().contains("--max-input-size"));
    }
}
