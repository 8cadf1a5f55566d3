//! Closing a JSON document or JSON Lines stream from the module watchdog's thread, when a
//! PKCS#11 call never returns.

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use certscope::render::json::ErrorEntry;

/// What closes the JSON document on stdout when a module call never returns: the
/// watchdog's thread ends the process while the main thread is still inside the call, so
/// the document must be closable from there ([`close_json_on_stall`]). Set while a JSON
/// document is being written (or, by `token` information commands, before it is).
pub(in crate::cmd) type StallCloser = Box<dyn FnOnce(ErrorEntry) + Send>;
static ON_STALL: Mutex<Option<StallCloser>> = Mutex::new(None);

/// Makes `closer` what [`close_json_on_stall`] runs (`None`: nothing).
pub(in crate::cmd) fn set_stall_closer(closer: Option<StallCloser>) {
    *ON_STALL.lock().unwrap_or_else(PoisonError::into_inner) = closer;
}

/// Closes the JSON document being written, with `error` in its `errors`, so that a run
/// the module watchdog ends still leaves one complete document. Called on the watchdog's
/// thread; gives up after a second if the main thread holds the document (it is then
/// writing, not inside a module call).
#[cfg(feature = "pkcs11")]
pub(in crate::cmd) fn close_json_on_stall(error: ErrorEntry) {
    for _ in 0..100 {
        if let Ok(mut closer) = ON_STALL.try_lock() {
            if let Some(close) = closer.take() {
                close(error);
            }
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// stdout unlocked, buffered: what a writer the stall closer may finish writes to (the
/// watchdog's thread could not take a lock the main thread holds while inside the call).
pub(in crate::cmd) type Unlocked = io::BufWriter<io::Stdout>;

/// An unlocked, buffered stdout for a stall-closable writer.
pub(super) fn unlocked_stdout() -> Unlocked {
    io::BufWriter::with_capacity(64 * 1024, io::stdout())
}

/// A JSON document or JSON Lines stream being written, shared with
/// [`close_json_on_stall`], which ends it with the stall as its last error. The main thread
/// reaches it through [`StallClosable::with`]; [`StallClosable::finish`] takes it back.
pub(in crate::cmd) struct StallClosable<T>(Arc<Mutex<Option<T>>>);

impl<T: Send + 'static> StallClosable<T> {
    /// `inner`, ended by `close` if a module call stalls before [`StallClosable::finish`].
    pub(in crate::cmd) fn new(inner: T, close: fn(T, ErrorEntry)) -> StallClosable<T> {
        let shared = Arc::new(Mutex::new(Some(inner)));
        let theirs = Arc::clone(&shared);
        set_stall_closer(Some(Box::new(move |error: ErrorEntry| {
            // The main thread holds it only while writing, never inside a module call.
            let taken = theirs.try_lock().ok().and_then(|mut w| w.take());
            if let Some(w) = taken {
                close(w, error);
            }
        })));
        StallClosable(shared)
    }

    /// Runs `f` on the writer (nothing once the stall closer ended it).
    pub(in crate::cmd) fn with<R>(
        &self,
        f: impl FnOnce(&mut T) -> io::Result<R>,
    ) -> io::Result<()> {
        let mut inner = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        inner.as_mut().map_or(Ok(()), |w| f(w).map(|_| ()))
    }

    /// Takes the writer back to finish it; the stall closer is unset.
    pub(in crate::cmd) fn finish(self) -> Option<T> {
        set_stall_closer(None);
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Makes a stall print what `print` writes to stdout: the report of a command that prints
/// it only at the end (`chain`), built empty with the stall as its error. Unset with
/// `set_stall_closer(None)` before the report itself is written.
pub(in crate::cmd) fn print_on_stall(
    print: impl FnOnce(&mut Unlocked, ErrorEntry) -> io::Result<()> + Send + 'static,
) {
    set_stall_closer(Some(Box::new(move |error: ErrorEntry| {
        let mut w = unlocked_stdout();
        let _ = print(&mut w, error).and_then(|()| io::Write::flush(&mut w));
    })));
}
