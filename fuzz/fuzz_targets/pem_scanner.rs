//! The PEM block scanner over arbitrary bytes: every block it yields has its BEGIN line
//! inside the input, and scanning the input window by window (as a stream is read) yields
//! exactly the blocks of scanning it whole.
#![no_main]

use certscope::input::pem::{Block, Scanner};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    // The first byte picks the window size of the streamed scan.
    let Some((&w, data)) = input.split_first() else {
        return;
    };
    let window = usize::from(w % 64) + 1;
    let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
    let whole: Vec<Block> = Scanner::new(data).collect();
    for block in &whole {
        assert!(
            block.line >= 1 && block.line <= lines,
            "line {} of {lines}",
            block.line
        );
        let _ = block.header("DEK-Info");
    }
    assert_eq!(streamed(data, window), whole, "window {window}");
});

/// Scans `data` as `decode_reader` scans a stream: a window at a time, resuming where the
/// scanner stopped, growing the window when a block does not fit.
fn streamed(data: &[u8], window: usize) -> Vec<Block> {
    let mut out = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut read = 0usize;
    let mut line_base = 0usize;
    let mut want = window;
    loop {
        let take = want.min(data.len() - read);
        buf.extend_from_slice(&data[read..read + take]);
        read += take;
        let eof = read == data.len();
        let mut scanner = Scanner::partial(&buf, line_base, eof);
        out.extend(scanner.by_ref_raw().map(|r| r.decode()));
        if eof {
            return out;
        }
        let consumed = scanner.consumed();
        line_base = scanner.newlines_consumed();
        buf.drain(..consumed);
        want = if consumed == 0 {
            buf.len().max(window)
        } else {
            window
        };
    }
}
