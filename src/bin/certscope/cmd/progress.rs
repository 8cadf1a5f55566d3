//! The progress line of long runs: on stderr, only when stderr is a terminal and `--quiet`
//! is not given, and only once a run has taken a second (short runs never flash a line).
//! Never on stdout, so JSON output is untouched.

use std::io::{self, IsTerminal};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before its progress line appears.
const DELAY: Duration = Duration::from_secs(1);

/// The progress line, or nothing.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    /// Dropped to stop the thread that shows the bar after [`DELAY`].
    stop: Option<mpsc::Sender<()>>,
    shower: Option<JoinHandle<()>>,
}

impl Progress {
    /// No progress line.
    pub fn off() -> Progress {
        Progress {
            bar: None,
            stop: None,
            shower: None,
        }
    }

    /// A progress line for this run, unless `quiet` or stderr is not a terminal.
    pub fn new(quiet: bool) -> Progress {
        if quiet || !io::stderr().is_terminal() {
            return Progress::off();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {human_pos} inputs, {msg} items  {per_sec}  {elapsed}",
        ) {
            bar.set_style(style);
        }
        bar.set_message("0");
        let (stop, stopped) = mpsc::channel::<()>();
        let shown = bar.clone();
        let shower = std::thread::spawn(move || {
            // Ends early when the run finishes first (the sender is dropped).
            if let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(DELAY) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(200));
            }
        });
        Progress {
            bar: Some(bar),
            stop: Some(stop),
            shower: Some(shower),
        }
    }

    /// One more input done: `inputs` read so far, `items` delivered.
    pub fn input_done(&self, inputs: usize, items: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(u64::try_from(inputs).unwrap_or(u64::MAX));
            bar.set_message(crate::cli::count(u64::try_from(items).unwrap_or(u64::MAX)));
        }
    }

    /// Runs `f` (which writes to stderr or prompts) with the line cleared, then redraws it.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    /// Clears the line for good.
    pub fn finish(&mut self) {
        self.stop = None;
        if let Some(t) = self.shower.take() {
            let _ = t.join();
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
