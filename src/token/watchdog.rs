//! A watchdog for module calls: a PKCS#11 call that never returns (a module blocked on a
//! lock, a reader, a network HSM) cannot be cancelled, so the most certscope can do is
//! notice and say which call it was.
//!
//! One thread per [`Watchdog`], started once. Arming a call is two atomic stores (the call
//! and its deadline) and disarming one more: no thread, lock or system call per module
//! call, so the hot path (one or two `C_GetAttributeValue` per object) does not notice it. The
//! thread sleeps until the deadline of the call in progress (or one timeout when none is),
//! and calls the `on_stall` callback once for a call still running at its deadline. The
//! library never prints or exits: the callback decides (certscope's binary prints the
//! message and exits with status 1).
//!
//! A listing may read from several threads at once (docs/pkcs11.md, "Reading on several
//! threads"): each thread arms its calls in a lane of its own ([`Watchdog::arm_lane`],
//! [`LANES`] of them), so that one thread's call ending does not disarm another's.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// A module function certscope guards, by its PKCS#11 name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ModuleCall {
    /// `C_Initialize`.
    Initialize,
    /// `C_Finalize`.
    Finalize,
    /// `C_GetInfo`.
    GetInfo,
    /// `C_GetSlotList`.
    GetSlotList,
    /// `C_GetSlotInfo`.
    GetSlotInfo,
    /// `C_GetTokenInfo`.
    GetTokenInfo,
    /// `C_GetMechanismList`.
    GetMechanismList,
    /// `C_GetMechanismInfo`.
    GetMechanismInfo,
    /// `C_OpenSession`.
    OpenSession,
    /// `C_CloseSession`.
    CloseSession,
    /// `C_Login`.
    Login,
    /// `C_FindObjectsInit`.
    FindObjectsInit,
    /// `C_FindObjects`.
    FindObjects,
    /// `C_FindObjectsFinal`.
    FindObjectsFinal,
    /// `C_GetAttributeValue`.
    GetAttributeValue,
}

impl ModuleCall {
    const ALL: [ModuleCall; 15] = [
        ModuleCall::Initialize,
        ModuleCall::Finalize,
        ModuleCall::GetInfo,
        ModuleCall::GetSlotList,
        ModuleCall::GetSlotInfo,
        ModuleCall::GetTokenInfo,
        ModuleCall::GetMechanismList,
        ModuleCall::GetMechanismInfo,
        ModuleCall::OpenSession,
        ModuleCall::CloseSession,
        ModuleCall::Login,
        ModuleCall::FindObjectsInit,
        ModuleCall::FindObjects,
        ModuleCall::FindObjectsFinal,
        ModuleCall::GetAttributeValue,
    ];

    /// The function's name, `C_Initialize` ...
    pub fn name(self) -> &'static str {
        match self {
            ModuleCall::Initialize => "C_Initialize",
            ModuleCall::Finalize => "C_Finalize",
            ModuleCall::GetInfo => "C_GetInfo",
            ModuleCall::GetSlotList => "C_GetSlotList",
            ModuleCall::GetSlotInfo => "C_GetSlotInfo",
            ModuleCall::GetTokenInfo => "C_GetTokenInfo",
            ModuleCall::GetMechanismList => "C_GetMechanismList",
            ModuleCall::GetMechanismInfo => "C_GetMechanismInfo",
            ModuleCall::OpenSession => "C_OpenSession",
            ModuleCall::CloseSession => "C_CloseSession",
            ModuleCall::Login => "C_Login",
            ModuleCall::FindObjectsInit => "C_FindObjectsInit",
            ModuleCall::FindObjects => "C_FindObjects",
            ModuleCall::FindObjectsFinal => "C_FindObjectsFinal",
            ModuleCall::GetAttributeValue => "C_GetAttributeValue",
        }
    }

    fn from_u8(n: u8) -> ModuleCall {
        Self::ALL
            .get(usize::from(n))
            .copied()
            .unwrap_or(ModuleCall::Initialize)
    }
}

/// A call that did not return in time, as handed to the `on_stall` callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stalled {
    /// The call still running.
    pub call: ModuleCall,
    /// The time it was given.
    pub timeout: Duration,
}

/// Threads that may call the module at once, each in its own lane: the listing's own
/// and up to three more (`crate::token::read::MAX_READ_THREADS`).
pub const LANES: usize = 4;

/// The call in progress on one thread.
#[derive(Debug, Default)]
struct Lane {
    /// Nanoseconds since `epoch` at which the call in progress is late; 0 when none is.
    deadline: AtomicU64,
    call: AtomicU8,
}

/// State shared by the calling threads and the watchdog thread.
#[derive(Debug)]
struct Shared {
    epoch: Instant,
    timeout: Duration,
    lanes: [Lane; LANES],
    stop: AtomicBool,
}

impl Shared {
    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

/// Watches the module calls made through [`Watchdog::guard`]; see the module documentation.
#[derive(Debug)]
pub struct Watchdog {
    shared: Arc<Shared>,
    thread: thread::Thread,
}

impl Watchdog {
    /// Starts the watchdog thread. `on_stall` runs on that thread, once per call that is
    /// still running `timeout` after it started.
    pub fn start(
        timeout: Duration,
        on_stall: impl Fn(Stalled) + Send + 'static,
    ) -> std::io::Result<Watchdog> {
        let shared = Arc::new(Shared {
            epoch: Instant::now(),
            timeout,
            lanes: Default::default(),
            stop: AtomicBool::new(false),
        });
        let watched = Arc::clone(&shared);
        let handle = thread::Builder::new()
            .name("certscope-watchdog".to_string())
            .spawn(move || watch(&watched, &on_stall))?;
        Ok(Watchdog {
            shared,
            thread: handle.thread().clone(),
        })
    }

    /// The time each call is given.
    pub fn timeout(&self) -> Duration {
        self.shared.timeout
    }

    /// Runs `f` (one module call, never a nested [`Watchdog::guard`]) under the watchdog.
    pub fn guard<T>(&self, call: ModuleCall, f: impl FnOnce() -> T) -> T {
        let _armed = self.arm(call);
        f()
    }

    /// Watches `call` until the returned value is dropped: for a call made where no closure
    /// can reach, such as cryptoki's `C_CloseSession` when its `Session` is dropped.
    pub fn arm(&self, call: ModuleCall) -> Armed<'_> {
        self.arm_lane(0, call)
    }

    /// [`Watchdog::arm`] in lane `lane` (below [`LANES`]; a larger one is lane 0), for
    /// a call made while other threads may be calling the module too. Lane 0 is the one
    /// [`Watchdog::arm`] and [`Watchdog::guard`] use.
    pub fn arm_lane(&self, lane: usize, call: ModuleCall) -> Armed<'_> {
        let s = &*self.shared;
        let lane = s.lanes.get(lane).unwrap_or(&s.lanes[0]);
        let budget = u64::try_from(s.timeout.as_nanos()).unwrap_or(u64::MAX);
        lane.call.store(call as u8, Ordering::Relaxed);
        lane.deadline
            .store(s.now().saturating_add(budget).max(1), Ordering::Release);
        Armed { lane }
    }
}

/// A call under the watchdog ([`Watchdog::arm`]); dropping it ends the watch.
#[derive(Debug)]
pub struct Armed<'w> {
    lane: &'w Lane,
}

impl Drop for Armed<'_> {
    fn drop(&mut self) {
        self.lane.deadline.store(0, Ordering::Release);
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// The watchdog thread: sleeps until the earliest deadline of the calls in progress, or
/// for one timeout when none is (a call armed meanwhile has a later deadline than that
/// wake-up), and reports each late call once.
fn watch(s: &Shared, on_stall: &dyn Fn(Stalled)) {
    let mut reported = [0u64; LANES];
    while !s.stop.load(Ordering::Acquire) {
        let now = s.now();
        let mut sleep = s.timeout.max(Duration::from_millis(1));
        for (lane, reported) in s.lanes.iter().zip(&mut reported) {
            let deadline = lane.deadline.load(Ordering::Acquire);
            if deadline == 0 || deadline == *reported {
                continue;
            }
            if now < deadline {
                sleep = sleep.min(Duration::from_nanos(deadline - now));
                continue;
            }
            let call = ModuleCall::from_u8(lane.call.load(Ordering::Relaxed));
            // Still the same call (not one that ended and another that began)?
            if lane.deadline.load(Ordering::Acquire) == deadline {
                *reported = deadline;
                on_stall(Stalled {
                    call,
                    timeout: s.timeout,
                });
            }
        }
        thread::park_timeout(sleep);
    }
}

/// [`Watchdog::guard`] when there is a watchdog, else just the call.
pub fn guard<T>(watchdog: Option<&Watchdog>, call: ModuleCall, f: impl FnOnce() -> T) -> T {
    match watchdog {
        Some(w) => w.guard(call, f),
        None => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn names_round_trip() {
        for c in ModuleCall::ALL {
            assert_eq!(ModuleCall::from_u8(c as u8), c);
            assert!(c.name().starts_with("C_"));
        }
    }

    #[test]
    fn reports_a_late_call_once_and_not_a_quick_one() {
        let (tx, rx) = mpsc::channel();
        let w = Watchdog::start(Duration::from_millis(50), move |s| {
            let _ = tx.send(s);
        })
        .unwrap();
        for _ in 0..1000 {
            w.guard(ModuleCall::GetAttributeValue, || ());
        }
        assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
        w.guard(ModuleCall::FindObjects, || {
            thread::sleep(Duration::from_millis(400));
        });
        let s = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(s.call, ModuleCall::FindObjects);
        assert_eq!(s.timeout, Duration::from_millis(50));
        assert!(rx.try_recv().is_err(), "reported once");
    }

    #[test]
    fn a_call_in_another_lane_is_watched_on_its_own() {
        let (tx, rx) = mpsc::channel();
        let w = Watchdog::start(Duration::from_millis(50), move |s| {
            let _ = tx.send(s);
        })
        .unwrap();
        std::thread::scope(|scope| {
            // A call hanging in lane 1 while lane 0 makes quick calls that end.
            scope.spawn(|| {
                let _armed = w.arm_lane(1, ModuleCall::GetAttributeValue);
                thread::sleep(Duration::from_millis(400));
            });
            for _ in 0..100 {
                w.guard(ModuleCall::FindObjects, || ());
                thread::sleep(Duration::from_millis(2));
            }
        });
        let s = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(s.call, ModuleCall::GetAttributeValue);
        assert!(rx.try_recv().is_err(), "reported once");
    }
}
