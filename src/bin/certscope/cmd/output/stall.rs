//! Closing a JSON document from the module watchdog's thread, when a PKCS#11 call never
//! returns.

use std::sync::{Mutex, PoisonError};

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
