//! The parallel part of PEM decoding, a three-stage pipeline:
//!
//! 1. a scanning thread reads the input (for a stream) and finds its blocks, sending them in
//!    numbered batches to
//! 2. decoding threads, one per core, which turn each batch into events, and
//! 3. the calling thread, which hands the events out in batch order through `emit` (the
//!    printing; `emit` is not `Send`, so it stays where it was called).
//!
//! No stage waits on another while there is work: a bounded number of batches is in flight
//! (so memory stays flat), and the printing thread, the one stage that cannot be split,
//! does nothing but print. An earlier design read, scanned and printed on the calling
//! thread and decoded one batch at a time with rayon: every batch ended in a join, the
//! calling thread carried 45 % of the work, and 1.3–1.4 of 2 cores were used.

use std::collections::BTreeMap;
use std::ops::Deref;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};

use super::dispatch::Ctx;
use super::sequence::Sequencer;
use super::{Event, Options};
use crate::input::error::InputError;
use crate::input::pem::{RawSpan, Scanner};

/// Most blocks per batch in full decoding: enough that handing a batch over costs little
/// next to decoding it, few enough that the decoded items waiting to be printed stay small.
/// 128 rather than 256 (reg20): the 4 batches in flight on 2 cores held 1,024 decoded
/// certificates beside the 5,000 `inspect` holds for relations; 512 cost 2.5 MiB less
/// peak RSS on the 100k bundle, at the same CPU time within noise.
const BATCH: usize = 128;

/// Most blocks per batch in thumbprint mode (`Options::brief`), where a block decodes in
/// a few microseconds and its item is small (`perf stat` on the 100k bundle: 0.27–0.29 s
/// at 256, 0.23 s at 1,024). Full decoding keeps [`BATCH`]: 1,024 made it slower and its
/// peak RSS 48 MiB.
const BRIEF_BATCH: usize = 1024;

/// The first batch: batches then double up to their size above, so that a small input
/// (a few dozen certificates) is still spread over every decoding thread.
const FIRST_BATCH: usize = 16;

/// Batches in flight (sent and not yet printed) per decoding thread: two keep a thread
/// busy while the printer catches up; more would only hold more decoded items in memory.
const IN_FLIGHT_PER_THREAD: usize = 2;

/// Most decoding threads. Scanning and printing stay serial (about a fifth of the work in
/// thumbprint mode), so more threads than this add no speed, only batches in flight and the
/// windows and items they hold.
const MAX_THREADS: usize = 8;

/// The bytes a batch's spans point into: borrowed for an input held in memory, shared for
/// a stream, whose windows are replaced as it is read.
#[derive(Clone)]
pub(super) enum Window<'a> {
    /// An input held whole by the caller.
    Borrowed(&'a [u8]),
    /// One window of a stream.
    Shared(Arc<Vec<u8>>),
}

impl Deref for Window<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Window::Borrowed(b) => b,
            Window::Shared(v) => v,
        }
    }
}

/// Blocks on their way to a decoding thread.
struct Batch<'a> {
    number: u64,
    window: Window<'a>,
    spans: Vec<RawSpan>,
}

/// What reaches the printing thread, numbered in input order.
enum Message {
    /// Events of a batch, or events the scanning thread made itself.
    Events(Vec<Event>),
    /// `--max-items` was passed while scanning.
    OverMaxItems,
    /// The scanning thread is done: whether any block was seen, or why it stopped.
    Done(Result<bool, InputError>),
}

/// The scanning thread's side: numbers everything it sends, so that the printing thread can
/// put decoded batches and its own events back in input order.
pub(super) struct Dispatcher<'a> {
    path: &'a str,
    opts: &'a Options<'a>,
    /// The decoding threads' queue; `None` decodes batches on the scanning thread itself
    /// (a small input, see [`run`]).
    work: Option<SyncSender<Batch<'a>>>,
    /// The printing thread's channel; `None` for a small input, whose messages are kept in
    /// `local` (already in order) and handed out once scanning ends.
    out: Option<Sender<(u64, Message)>>,
    local: Vec<Message>,
    /// One token per message in flight; the printing thread gives them back. `None` when
    /// nothing is printed before scanning ends (a small input).
    tokens: Option<Receiver<()>>,
    /// Set by the printing thread when it needs nothing more (items over `--max-items`);
    /// `None` when there is no printing thread (a small input).
    stop: Option<Arc<AtomicBool>>,
    next: u64,
    batch: usize,
    /// PEM blocks seen, against `--max-items` (a failing block may yield no item).
    blocks: usize,
    stopped: bool,
}

impl<'a> Dispatcher<'a> {
    fn new(
        path: &'a str,
        opts: &'a Options<'a>,
        work: Option<SyncSender<Batch<'a>>>,
        out: Option<Sender<(u64, Message)>>,
        tokens: Option<Receiver<()>>,
        stop: Option<Arc<AtomicBool>>,
    ) -> Self {
        Dispatcher {
            path,
            opts,
            work,
            out,
            local: Vec::new(),
            tokens,
            stop,
            next: 0,
            batch: FIRST_BATCH,
            blocks: 0,
            stopped: false,
        }
    }

    /// The input's path.
    pub(super) fn path(&self) -> &'a str {
        self.path
    }

    /// The decoding options.
    pub(super) fn opts(&self) -> &'a Options<'a> {
        self.opts
    }

    /// Whether scanning should end: past `--max-items`, or nothing more is wanted (by the
    /// printing thread, or by the caller: [`Options::cancel`]).
    pub(super) fn stopped(&self) -> bool {
        self.stopped
            || self
                .stop
                .as_ref()
                .is_some_and(|s| s.load(Ordering::Relaxed))
            || self.opts.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// Scans the window's blocks batch by batch and sends each batch to be decoded.
    /// Returns whether any block was seen. Stops at `--max-items` (PEM blocks count too).
    pub(super) fn scan(&mut self, scanner: &mut Scanner<'_>, window: &Window<'a>) -> bool {
        let most = if self.opts.brief { BRIEF_BATCH } else { BATCH };
        let mut any = false;
        while !self.stopped() {
            let mut spans: Vec<RawSpan> = scanner.by_ref_spans().take(self.batch).collect();
            if spans.is_empty() {
                break;
            }
            any = true;
            self.batch = (self.batch * 2).min(most);
            let found = spans.len();
            let admitted = self.admit_blocks(found);
            spans.truncate(admitted);
            if !spans.is_empty() {
                let number = self.next;
                let batch = Batch {
                    number,
                    window: window.clone(),
                    spans,
                };
                let sent = match &self.work {
                    Some(work) => self.take_token() && work.send(batch).is_ok(),
                    None => {
                        let events = decode_batch(self.path, &batch, self.opts);
                        self.deliver(number, Message::Events(events))
                    }
                };
                if !sent {
                    // The other side is gone; nothing more can be handed out.
                    self.stopped = true;
                    break;
                }
                self.next += 1;
            }
            if admitted < found {
                self.over_max_items();
            }
        }
        any
    }

    /// Counts PEM blocks; returns how many of them may still be decoded.
    pub(super) fn admit_blocks(&mut self, n: usize) -> usize {
        let room = self.opts.max_items.saturating_sub(self.blocks);
        self.blocks = self.blocks.saturating_add(n);
        n.min(room)
    }

    /// Reports the `--max-items` limit (once, after everything sent before) and stops.
    pub(super) fn over_max_items(&mut self) {
        self.send(Message::OverMaxItems);
        self.stopped = true;
    }

    /// Sends events made on the scanning thread, after everything sent before.
    pub(super) fn events(&mut self, events: Vec<Event>) {
        self.send(Message::Events(events));
    }

    fn send(&mut self, message: Message) {
        if self.take_token() && self.deliver(self.next, message) {
            self.next += 1;
        } else {
            self.stopped = true;
        }
    }

    /// Hands a numbered message to the printing thread, or keeps it (a small input: the
    /// numbers then come in order). False if the printing side is gone.
    fn deliver(&mut self, number: u64, message: Message) -> bool {
        match &self.out {
            Some(out) => out.send((number, message)).is_ok(),
            None => {
                self.local.push(message);
                true
            }
        }
    }

    fn take_token(&self) -> bool {
        self.tokens.as_ref().is_none_or(|t| t.recv().is_ok())
    }
}

/// Runs `scan` on a scanning thread with decoding threads behind it, and hands the events
/// out through `seq` on the calling thread, in input order. Returns what `scan` returned
/// (whether any block was seen), after every event before its end was handed out.
///
/// A `small` input (one held in memory, a few dozen blocks at most) is scanned and decoded
/// on the calling thread: starting threads would cost more than decoding it (`inspect` of
/// one certificate, or each of a directory's files). Its events are kept in a `Vec` and
/// handed out once scanning ends, as the printing thread would have: no channel, `Arc` or
/// hand-off (which cost about 5% of `fingerprint -r` over many small files).
pub(super) fn run<'a, F>(
    path: &'a str,
    opts: &'a Options<'a>,
    seq: &mut Sequencer<'_>,
    small: bool,
    scan: F,
) -> Result<bool, InputError>
where
    F: FnOnce(&mut Dispatcher<'a>) -> Result<bool, InputError> + Send,
{
    if small {
        let mut dispatcher = Dispatcher::new(path, opts, None, None, None, None);
        let result = scan(&mut dispatcher);
        dispatcher.send(Message::Done(result));
        return hand_out(dispatcher.local, seq);
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(MAX_THREADS));
    let in_flight = threads * IN_FLIGHT_PER_THREAD;
    let (work, queue) = mpsc::sync_channel::<Batch<'a>>(threads);
    // One queue for all decoding threads: whichever is free takes the next batch.
    let queue = Mutex::new(queue);
    let (out, printed) = mpsc::channel::<(u64, Message)>();
    let (give_token, tokens) = mpsc::sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        let _ = give_token.try_send(());
    }
    let stop = Arc::new(AtomicBool::new(false));
    std::thread::scope(|s| {
        for _ in 0..threads {
            let out = out.clone();
            let queue = &queue;
            s.spawn(move || decode_batches(path, opts, queue, &out));
        }
        let mut dispatcher = Dispatcher::new(
            path,
            opts,
            Some(work),
            Some(out),
            Some(tokens),
            Some(Arc::clone(&stop)),
        );
        s.spawn(move || {
            let result = panic::catch_unwind(AssertUnwindSafe(|| scan(&mut dispatcher)))
                .unwrap_or_else(|_| {
                    dispatcher.events(vec![internal_error(path)]);
                    Ok(true)
                });
            dispatcher.send(Message::Done(result));
            // Dropping the dispatcher closes the work queue: the decoding threads end.
        });
        // Owned by this closure, so that if printing panics they are dropped while it
        // unwinds: the scanning thread then sees the tokens end and stops, and the scope's
        // join does not wait for it forever.
        let (printed, give_token) = (printed, give_token);
        print_in_order(&printed, Some(&give_token), seq, &stop)
    })
}

/// A decoding thread: takes batches from `queue` until it closes.
fn decode_batches<'a>(
    path: &str,
    opts: &Options<'_>,
    queue: &Mutex<Receiver<Batch<'a>>>,
    out: &Sender<(u64, Message)>,
) {
    loop {
        // The lock is held only while waiting for the next batch.
        let next = match queue.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(batch) = next else {
            return;
        };
        let events = decode_batch(path, &batch, opts);
        // With the printing side gone the queue is still drained, so that a scanning thread
        // blocked on a full queue gets to see that it must stop.
        let _ = out.send((batch.number, Message::Events(events)));
    }
}

/// The printing thread's side: puts messages back in order and hands their events out.
fn print_in_order(
    printed: &Receiver<(u64, Message)>,
    give_token: Option<&SyncSender<()>>,
    seq: &mut Sequencer<'_>,
    stop: &AtomicBool,
) -> Result<bool, InputError> {
    let mut early: BTreeMap<u64, Message> = BTreeMap::new();
    let mut next = 0;
    loop {
        let Ok((number, message)) = printed.recv() else {
            // Every sender is gone without a Done: only a panic outside catch_unwind.
            return Ok(true);
        };
        early.insert(number, message);
        while let Some(message) = early.remove(&next) {
            next += 1;
            if let Some(give_token) = give_token {
                let _ = give_token.try_send(());
            }
            match message {
                Message::Events(events) => seq.push_all(events),
                Message::OverMaxItems => seq.over_max_items(),
                Message::Done(result) => return result,
            }
            if seq.stopped {
                // Past --max-items: the scanning thread stops at its next batch.
                stop.store(true, Ordering::Relaxed);
            }
        }
    }
}

/// Hands out a small input's messages, kept in order on the calling thread, as
/// [`print_in_order`] would (it stops at `Done`).
fn hand_out(messages: Vec<Message>, seq: &mut Sequencer<'_>) -> Result<bool, InputError> {
    for message in messages {
        match message {
            Message::Events(events) => seq.push_all(events),
            Message::OverMaxItems => seq.over_max_items(),
            Message::Done(result) => return result,
        }
    }
    // Unreachable: `run` always sends a `Done`; as when every sender is gone without one.
    Ok(true)
}

/// Decodes a batch on a decoding thread, in block order. A panic (decoders are fuzzed and do
/// not panic, but a bug must not take the whole run down) becomes a problem.
fn decode_batch(path: &str, batch: &Batch<'_>, opts: &Options<'_>) -> Vec<Event> {
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut out = Vec::with_capacity(batch.spans.len());
        for span in &batch.spans {
            let raw = span.in_data(&batch.window);
            Ctx {
                path,
                opts,
                out: &mut out,
            }
            .block(raw.decode_limited(opts.max_block_size));
        }
        out
    }));
    result.unwrap_or_else(|_| vec![internal_error(path)])
}

fn internal_error(path: &str) -> Event {
    Event::Problem {
        locator: path.to_string(),
        message: "internal error while decoding a batch of blocks".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::stream::tests::repeated;
    use super::super::{decode_input, decode_reader, WINDOW};
    use super::*;

    #[test]
    fn a_small_input_hands_out_what_the_pipeline_does() {
        // The small path keeps events in a Vec instead of sending them through the
        // printing thread's channel: same events, same order, same --max-items report.
        let mut unit = include_bytes!("../../fixtures/bundles/chain.pem").to_vec();
        unit.extend_from_slice(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        let data = repeated(&unit, 8 * unit.len());
        let text: &[u8] = &data;
        for max_items in [usize::MAX, 0, 1, 3, 17] {
            let opts = Options {
                max_items,
                ..Options::default()
            };
            let decoded = |small: bool| {
                let mut events = Vec::new();
                let mut emit = |ev: Event| events.push(format!("{ev:?}"));
                let mut seq = Sequencer::new("t", max_items, &mut emit);
                let any = run("t", &opts, &mut seq, small, |d| {
                    Ok(d.scan(&mut Scanner::new(text), &Window::Borrowed(text)))
                });
                (format!("{any:?}"), events)
            };
            let (small, threaded) = (decoded(true), decoded(false));
            assert!(small.1.len() > 1 || max_items < 2, "{max_items}: {small:?}");
            assert_eq!(small, threaded, "max_items {max_items}");
        }
    }

    #[test]
    fn a_panicking_printer_does_not_hang_the_pipeline() {
        // The panic must reach the caller: the scanning and decoding threads have to end
        // although nobody takes their batches any more.
        let unit = include_bytes!("../../fixtures/bundles/chain.pem");
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
}
