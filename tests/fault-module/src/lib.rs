//! A PKCS#11 module for certscope's tests that forwards every call to a real module
//! (SoftHSM) and, on request, makes chosen calls fail.
//!
//! certscope loads it like any module (`--module libcertscope_fault_module.so`). It is
//! driven by three environment variables, read once when the module is loaded:
//!
//! - `CERTSCOPE_FAULT_TARGET`: the real module (default `/usr/lib/softhsm/libsofthsm2.so`).
//! - `CERTSCOPE_FAULT`: comma-separated rules `FUNCTION:CALLS:FAULT`, for example
//!   `C_GetAttributeValue:3:CKR_DEVICE_REMOVED`.
//!   - `CALLS` is `N` (the Nth call of that function in this process, counting from 1),
//!     `N+` (the Nth and every later call), `*` (every call) or `slot=ID` (every call on
//!     slot ID, for the functions that take a slot: C_GetTokenInfo, C_GetMechanismList,
//!     C_GetMechanismInfo, C_OpenSession, C_CloseAllSessions): one bad slot among good
//!     ones, such as an unrecognised card in one reader
//!     (`C_GetTokenInfo:slot=7:CKR_TOKEN_NOT_RECOGNIZED`).
//!   - `FAULT` is a `CKR_*` name or a `0x` hex value (the call is not forwarded and
//!     returns it), `bad-length` (C_GetAttributeValue only: the call is forwarded, then
//!     every length in the reply is one byte short of what the module wrote or needs),
//!     `huge-length` (C_GetAttributeValue only: every size query is answered 2^40 bytes),
//!     `removed` (the token is pulled out at that call: from then on slot lists say no
//!     token is present, token calls answer `CKR_TOKEN_NOT_PRESENT` and session calls
//!     `CKR_DEVICE_REMOVED`), `null-list` (C_GetFunctionList only: `CKR_OK` with a NULL
//!     list), `overcount` (C_FindObjects only: the call is forwarded, then the count says one
//!     handle more than the caller asked for), `endless` (C_FindObjects only: a full buffer of
//!     made-up handles on every call, so the search never ends), `drop-first` (C_FindObjects
//!     only: forwarded, then the first handle found is left out, as if that object were
//!     created after the search or deleted during it), `empty` (C_FindObjects only:
//!     forwarded, then the count says nothing was found), `ignore-template` (C_FindObjectsInit
//!     only: forwarded with an empty template, so the search finds every object, as a module
//!     that ignores the template would), `hang` (any function but C_GetFunctionList: the
//!     call never returns) or `slow` (any function: forwarded after 1 ms, as over a network).
//! - `CERTSCOPE_FAULT_LOG`: a file to which one line per intercepted call is appended,
//!   `FUNCTION N RV` plus ` injected` when the shim made the result up, so that tests can
//!   count `C_OpenSession`/`C_CloseSession`/`C_Finalize` on every error path (an `endless`
//!   search only for its first 1000 calls, and a `hang` as `FUNCTION N hang injected`).
//!
//! The functions certscope calls are intercepted (see [`WRAPPED`]); every other entry of
//! the function list is the real module's own pointer. Nothing here may panic: a panic in
//! an `extern "C"` function aborts the process under test, which would hide what certscope
//! does with the fault.

use std::collections::HashMap;
use std::ffi::c_void;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use cryptoki_sys::*;

const TARGET_ENV: &str = "CERTSCOPE_FAULT_TARGET";
const FAULT_ENV: &str = "CERTSCOPE_FAULT";
const LOG_ENV: &str = "CERTSCOPE_FAULT_LOG";
const DEFAULT_TARGET: &str = "/usr/lib/softhsm/libsofthsm2.so";

/// The size `huge-length` reports: far beyond any real attribute, small enough not to
/// overflow a length computation on a 64-bit platform.
const HUGE_LENGTH: CK_ULONG = 1 << 40;

macro_rules! ckr_table {
    ($($name:ident),* $(,)?) => { &[$((stringify!($name), $name)),*] };
}

/// Every `CKR_*` name cryptoki-sys 0.5 defines, for parsing rules and writing the log.
const CKR_NAMES: &[(&str, CK_RV)] = ckr_table!(
    CKR_OK,
    CKR_CANCEL,
    CKR_HOST_MEMORY,
    CKR_SLOT_ID_INVALID,
    CKR_GENERAL_ERROR,
    CKR_FUNCTION_FAILED,
    CKR_ARGUMENTS_BAD,
    CKR_NO_EVENT,
    CKR_NEED_TO_CREATE_THREADS,
    CKR_CANT_LOCK,
    CKR_ATTRIBUTE_READ_ONLY,
    CKR_ATTRIBUTE_SENSITIVE,
    CKR_ATTRIBUTE_TYPE_INVALID,
    CKR_ATTRIBUTE_VALUE_INVALID,
    CKR_ACTION_PROHIBITED,
    CKR_DATA_INVALID,
    CKR_DATA_LEN_RANGE,
    CKR_DEVICE_ERROR,
    CKR_DEVICE_MEMORY,
    CKR_DEVICE_REMOVED,
    CKR_ENCRYPTED_DATA_INVALID,
    CKR_ENCRYPTED_DATA_LEN_RANGE,
    CKR_FUNCTION_CANCELED,
    CKR_FUNCTION_NOT_PARALLEL,
    CKR_FUNCTION_NOT_SUPPORTED,
    CKR_KEY_HANDLE_INVALID,
    CKR_KEY_SIZE_RANGE,
    CKR_KEY_TYPE_INCONSISTENT,
    CKR_MECHANISM_INVALID,
    CKR_OBJECT_HANDLE_INVALID,
    CKR_OPERATION_ACTIVE,
    CKR_OPERATION_NOT_INITIALIZED,
    CKR_PIN_INCORRECT,
    CKR_PIN_INVALID,
    CKR_PIN_LEN_RANGE,
    CKR_PIN_EXPIRED,
    CKR_PIN_LOCKED,
    CKR_SESSION_CLOSED,
    CKR_SESSION_COUNT,
    CKR_SESSION_HANDLE_INVALID,
    CKR_SESSION_PARALLEL_NOT_SUPPORTED,
    CKR_SESSION_READ_ONLY,
    CKR_SESSION_EXISTS,
    CKR_TEMPLATE_INCOMPLETE,
    CKR_TEMPLATE_INCONSISTENT,
    CKR_TOKEN_NOT_PRESENT,
    CKR_TOKEN_NOT_RECOGNIZED,
    CKR_TOKEN_WRITE_PROTECTED,
    CKR_USER_ALREADY_LOGGED_IN,
    CKR_USER_NOT_LOGGED_IN,
    CKR_USER_PIN_NOT_INITIALIZED,
    CKR_USER_TYPE_INVALID,
    CKR_USER_ANOTHER_ALREADY_LOGGED_IN,
    CKR_USER_TOO_MANY_TYPES,
    CKR_BUFFER_TOO_SMALL,
    CKR_INFORMATION_SENSITIVE,
    CKR_CRYPTOKI_NOT_INITIALIZED,
    CKR_CRYPTOKI_ALREADY_INITIALIZED,
    CKR_MUTEX_BAD,
    CKR_MUTEX_NOT_LOCKED,
    CKR_FIPS_SELF_TEST_FAILED,
    CKR_LIBRARY_LOAD_FAILED,
    CKR_PIN_TOO_WEAK,
    CKR_FUNCTION_REJECTED,
    CKR_TOKEN_RESOURCE_EXCEEDED,
    CKR_TOKEN_NOT_INITIALIZED,
    CKR_VENDOR_DEFINED,
);

fn rv_name(rv: CK_RV) -> String {
    CKR_NAMES
        .iter()
        .find(|(_, v)| *v == rv)
        .map_or_else(|| format!("0x{rv:08X}"), |(n, _)| (*n).to_string())
}

/// How an intercepted function behaves once the token has been removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Library-wide (C_Initialize, C_Finalize, C_GetInfo): unaffected.
    Library,
    /// C_GetSlotList: no slot has a token any more.
    SlotList,
    /// C_GetSlotInfo: CKF_TOKEN_PRESENT cleared.
    SlotInfo,
    /// Needs the token: CKR_TOKEN_NOT_PRESENT.
    Token,
    /// Works on a session: CKR_DEVICE_REMOVED.
    Session,
    /// Closes sessions: still forwarded (so the real module releases them), then
    /// CKR_DEVICE_REMOVED.
    Close,
}

/// The intercepted functions: everything certscope calls.
const WRAPPED: &[(&str, Kind)] = &[
    ("C_GetFunctionList", Kind::Library),
    ("C_Initialize", Kind::Library),
    ("C_Finalize", Kind::Library),
    ("C_GetInfo", Kind::Library),
    ("C_GetSlotList", Kind::SlotList),
    ("C_GetSlotInfo", Kind::SlotInfo),
    ("C_GetTokenInfo", Kind::Token),
    ("C_GetMechanismList", Kind::Token),
    ("C_GetMechanismInfo", Kind::Token),
    ("C_OpenSession", Kind::Token),
    ("C_CloseSession", Kind::Close),
    ("C_CloseAllSessions", Kind::Close),
    ("C_GetSessionInfo", Kind::Session),
    ("C_Login", Kind::Session),
    ("C_Logout", Kind::Session),
    ("C_FindObjectsInit", Kind::Session),
    ("C_FindObjects", Kind::Session),
    ("C_FindObjectsFinal", Kind::Session),
    ("C_GetAttributeValue", Kind::Session),
];

/// What a rule does to the calls it selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// Return this value without calling the real module.
    Rv(CK_RV),
    /// Forward, then report every length one byte short.
    BadLength,
    /// Forward, then answer every size query with [`HUGE_LENGTH`].
    HugeLength,
    /// The token is removed from this call on.
    Removed,
    /// C_GetFunctionList only: answer `CKR_OK` with a NULL list.
    NullList,
    /// C_FindObjects only: forward, then report one handle more than the caller's maximum.
    Overcount,
    /// C_FindObjects only: fill the caller's buffer with made-up handles, every time.
    Endless,
    /// C_FindObjects only: forward, then leave out the first handle found.
    DropFirst,
    /// C_FindObjects only: forward, then say nothing was found.
    Empty,
    /// C_FindObjectsInit only: forward with an empty template (every object matches).
    IgnoreTemplate,
    /// C_GetTokenInfo only: forward, then set `CKF_USER_PIN_COUNT_LOW`.
    PinCountLow,
    /// Never return (a module blocked on a lock, a reader or a network token).
    Hang,
    /// Forward after waiting [`SLOW_WAIT`] (a network HSM's round trip), without holding
    /// any lock of the shim: calls from several threads wait side by side.
    Slow,
}

/// How long a `slow` call waits before it is forwarded.
const SLOW_WAIT: std::time::Duration = std::time::Duration::from_millis(1);

/// Which calls of the function a rule selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Calls {
    /// Only the Nth.
    Nth(u64),
    /// The Nth and every later one.
    From(u64),
    /// Every call on this slot.
    Slot(CK_SLOT_ID),
}

impl Calls {
    fn selects(self, n: u64, slot: Option<CK_SLOT_ID>) -> bool {
        match self {
            Calls::Nth(k) => n == k,
            Calls::From(k) => n >= k,
            Calls::Slot(id) => slot == Some(id),
        }
    }
}

/// The intercepted functions whose first argument is a slot ID.
const SLOT_FUNCTIONS: &[&str] = &[
    "C_GetTokenInfo",
    "C_GetMechanismList",
    "C_GetMechanismInfo",
    "C_OpenSession",
    "C_CloseAllSessions",
];

#[derive(Clone, Debug, PartialEq, Eq)]
struct Rule {
    function: String,
    calls: Calls,
    fault: Fault,
}

fn parse_rule(text: &str) -> Result<Rule, String> {
    let mut parts = text.trim().splitn(3, ':');
    let (Some(function), Some(calls), Some(fault)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("{text:?} is not FUNCTION:CALLS:FAULT"));
    };
    if !WRAPPED.iter().any(|(name, _)| *name == function) {
        return Err(format!(
            "{function:?} is not one of the intercepted functions ({})",
            WRAPPED
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let number = |s: &str| match s.parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{calls:?}: calls are counted from 1 (N, N+ or *)")),
    };
    let calls = if calls == "*" {
        Calls::From(1)
    } else if let Some(id) = calls.strip_prefix("slot=") {
        if !SLOT_FUNCTIONS.contains(&function) {
            return Err(format!(
                "{text:?}: slot=ID applies to {} only",
                SLOT_FUNCTIONS.join(", ")
            ));
        }
        Calls::Slot(
            id.parse::<CK_SLOT_ID>()
                .map_err(|_| format!("{calls:?}: slot=ID takes a decimal slot ID"))?,
        )
    } else if let Some(n) = calls.strip_suffix('+') {
        Calls::From(number(n)?)
    } else {
        Calls::Nth(number(calls)?)
    };
    let fault = match fault {
        "bad-length" => Fault::BadLength,
        "huge-length" => Fault::HugeLength,
        "removed" => Fault::Removed,
        "null-list" => Fault::NullList,
        "overcount" => Fault::Overcount,
        "endless" => Fault::Endless,
        "drop-first" => Fault::DropFirst,
        "empty" => Fault::Empty,
        "ignore-template" => Fault::IgnoreTemplate,
        "hang" => Fault::Hang,
        "slow" => Fault::Slow,
        "pin-count-low" => Fault::PinCountLow,
        _ => {
            let rv = if let Some(hex) = fault.strip_prefix("0x") {
                CK_RV::from_str_radix(hex, 16).map_err(|e| format!("{fault:?}: {e}"))?
            } else {
                CKR_NAMES
                    .iter()
                    .find(|(n, _)| *n == fault)
                    .map(|(_, v)| *v)
                    .ok_or_else(|| format!("{fault:?} is no CKR_* name this shim knows"))?
            };
            // "Succeed without doing anything" would leave output parameters unset.
            if rv == CKR_OK {
                return Err("CKR_OK is not a fault".to_string());
            }
            Fault::Rv(rv)
        }
    };
    if matches!(fault, Fault::BadLength | Fault::HugeLength) && function != "C_GetAttributeValue" {
        return Err(format!(
            "{text:?}: length faults apply to C_GetAttributeValue only"
        ));
    }
    if fault == Fault::PinCountLow && function != "C_GetTokenInfo" {
        return Err(format!("{text:?}: pin-count-low applies to C_GetTokenInfo only"));
    }
    if matches!(
        fault,
        Fault::Overcount | Fault::Endless | Fault::DropFirst | Fault::Empty
    )
        && function != "C_FindObjects"
    {
        return Err(format!(
            "{text:?}: search faults apply to C_FindObjects only"
        ));
    }
    if fault == Fault::IgnoreTemplate && function != "C_FindObjectsInit" {
        return Err(format!(
            "{text:?}: ignore-template applies to C_FindObjectsInit only"
        ));
    }
    let entry_fault = matches!(fault, Fault::Rv(_) | Fault::NullList);
    if (fault == Fault::NullList && function != "C_GetFunctionList")
        || (function == "C_GetFunctionList" && !entry_fault)
    {
        return Err(format!(
            "{text:?}: C_GetFunctionList takes a CKR_* or null-list, and null-list nothing else"
        ));
    }
    Ok(Rule {
        function: function.to_string(),
        calls,
        fault,
    })
}

fn parse_rules(spec: &str) -> Result<Vec<Rule>, String> {
    spec.split(',')
        .filter(|r| !r.trim().is_empty())
        .map(parse_rule)
        .collect()
}

/// The loaded shim: the real module, the function list handed out, the rules and the
/// per-function call counters.
struct Shim {
    real: CK_FUNCTION_LIST,
    ours: CK_FUNCTION_LIST,
    rules: Vec<Rule>,
    counts: Mutex<HashMap<&'static str, u64>>,
    log: Mutex<Option<File>>,
    removed: AtomicBool,
    // Kept loaded for the life of the process: `real` points into it.
    _library: libloading::Library,
}

static SHIM: OnceLock<Result<Shim, String>> = OnceLock::new();

fn shim() -> Result<&'static Shim, &'static str> {
    SHIM.get_or_init(load).as_ref().map_err(String::as_str)
}

fn load() -> Result<Shim, String> {
    let target = std::env::var(TARGET_ENV).unwrap_or_else(|_| DEFAULT_TARGET.to_string());
    let rules = parse_rules(&std::env::var(FAULT_ENV).unwrap_or_default())
        .map_err(|e| format!("{FAULT_ENV}: {e}"))?;
    // SAFETY: loading a PKCS#11 module runs its initialisers; that is what the test wants.
    let library = unsafe { libloading::Library::new(&target) }
        .map_err(|e| format!("cannot load {target}: {e}"))?;
    let real = {
        // SAFETY: C_GetFunctionList has this signature in every PKCS#11 module.
        let get: libloading::Symbol<unsafe extern "C" fn(*mut *mut CK_FUNCTION_LIST) -> CK_RV> =
            unsafe { library.get(b"C_GetFunctionList\0") }.map_err(|e| format!("{target}: {e}"))?;
        let mut list: *mut CK_FUNCTION_LIST = ptr::null_mut();
        // SAFETY: `list` is a valid out-pointer.
        let rv = unsafe { get(&mut list) };
        if rv != CKR_OK || list.is_null() {
            return Err(format!(
                "{target}: C_GetFunctionList returned {}",
                rv_name(rv)
            ));
        }
        // SAFETY: the module returned a valid list, which lives as long as the library.
        unsafe { *list }
    };
    let log = match std::env::var_os(LOG_ENV) {
        Some(path) => Some(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| format!("{LOG_ENV}: {}: {e}", path.to_string_lossy()))?,
        ),
        None => None,
    };
    let mut ours = real;
    ours.C_GetFunctionList = Some(C_GetFunctionList);
    ours.C_Initialize = Some(initialize);
    ours.C_Finalize = Some(finalize);
    ours.C_GetInfo = Some(get_info);
    ours.C_GetSlotList = Some(get_slot_list);
    ours.C_GetSlotInfo = Some(get_slot_info);
    ours.C_GetTokenInfo = Some(get_token_info);
    ours.C_GetMechanismList = Some(get_mechanism_list);
    ours.C_GetMechanismInfo = Some(get_mechanism_info);
    ours.C_OpenSession = Some(open_session);
    ours.C_CloseSession = Some(close_session);
    ours.C_CloseAllSessions = Some(close_all_sessions);
    ours.C_GetSessionInfo = Some(get_session_info);
    ours.C_Login = Some(login);
    ours.C_Logout = Some(logout);
    ours.C_FindObjectsInit = Some(find_objects_init);
    ours.C_FindObjects = Some(find_objects);
    ours.C_FindObjectsFinal = Some(find_objects_final);
    ours.C_GetAttributeValue = Some(get_attribute_value);
    Ok(Shim {
        real,
        ours,
        rules,
        counts: Mutex::new(HashMap::new()),
        log: Mutex::new(log),
        removed: AtomicBool::new(false),
        _library: library,
    })
}

impl Shim {
    /// Counts a call of `function` and returns its number and the fault a rule asks for.
    fn enter(&self, function: &'static str, slot: Option<CK_SLOT_ID>) -> (u64, Option<Fault>) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let n = counts.entry(function).or_insert(0);
        *n += 1;
        let n = *n;
        let fault = self
            .rules
            .iter()
            .find(|r| r.function == function && r.calls.selects(n, slot))
            .map(|r| r.fault);
        (n, fault)
    }

    fn record(&self, function: &str, n: u64, rv: CK_RV, injected: bool) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(file) = log.as_mut() {
            let note = if injected { " injected" } else { "" };
            // A test that needs the log fails on its own if a line is missing.
            let _ = writeln!(file, "{function} {n} {}{note}", rv_name(rv));
        }
    }
}

impl Shim {
    /// Logs `FUNCTION N hang injected` before a call that will not return.
    fn record_hang(&self, function: &str, n: u64) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(file) = log.as_mut() {
            let _ = writeln!(file, "{function} {n} hang injected");
        }
    }
}

/// The common path of every intercepted function: count, inject or forward, log.
/// `forward` gets the real function list, the fault of this call (length faults are
/// applied by the caller after forwarding) and whether the token is gone.
fn call(
    function: &'static str,
    forward: impl FnOnce(&CK_FUNCTION_LIST, Option<Fault>, bool) -> CK_RV,
) -> CK_RV {
    call_on(function, None, forward)
}

/// [`call`] for a function that takes a slot, so that `slot=ID` rules can select it.
fn call_on(
    function: &'static str,
    slot: Option<CK_SLOT_ID>,
    forward: impl FnOnce(&CK_FUNCTION_LIST, Option<Fault>, bool) -> CK_RV,
) -> CK_RV {
    let Ok(shim) = shim() else {
        return CKR_GENERAL_ERROR;
    };
    let kind = WRAPPED
        .iter()
        .find(|(n, _)| *n == function)
        .map_or(Kind::Library, |(_, k)| *k);
    let (n, fault) = shim.enter(function, slot);
    if fault == Some(Fault::Removed) {
        shim.removed.store(true, Ordering::SeqCst);
    }
    let removed = shim.removed.load(Ordering::SeqCst);
    let injected = match (fault, kind) {
        (Some(Fault::Rv(rv)), _) => Some(rv),
        (_, Kind::Token) if removed => Some(CKR_TOKEN_NOT_PRESENT),
        (_, Kind::Session) if removed => Some(CKR_DEVICE_REMOVED),
        _ => None,
    };
    if fault == Some(Fault::Hang) {
        shim.record_hang(function, n);
        // The caller's watchdog (or the test's timeout) ends the process.
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
    if let Some(rv) = injected {
        shim.record(function, n, rv, true);
        return rv;
    }
    if fault == Some(Fault::Slow) {
        std::thread::sleep(SLOW_WAIT);
    }
    let rv = forward(&shim.real, fault, removed);
    let rv = if removed && kind == Kind::Close {
        CKR_DEVICE_REMOVED
    } else {
        rv
    };
    // A search that never ends would fill the disk with its log: its first calls are enough.
    if fault != Some(Fault::Endless) || n <= ENDLESS_LOGGED {
        // A slow call is the module's own answer, only later.
        let altered = fault.is_some_and(|f| f != Fault::Slow);
        shim.record(function, n, rv, altered || removed);
    }
    rv
}

/// How many calls of an `endless` search are logged.
const ENDLESS_LOGGED: u64 = 1000;

/// Exported entry point: the shim's function list.
///
/// # Safety
/// `list` must be a valid pointer to write the list pointer to (PKCS#11's contract).
#[no_mangle]
pub unsafe extern "C" fn C_GetFunctionList(list: *mut *mut CK_FUNCTION_LIST) -> CK_RV {
    if list.is_null() {
        return CKR_ARGUMENTS_BAD;
    }
    match shim() {
        Ok(s) => {
            let (n, fault) = s.enter("C_GetFunctionList", None);
            let (rv, value) = match fault {
                Some(Fault::Rv(rv)) => (rv, None),
                Some(_) => (CKR_OK, Some(ptr::null_mut())),
                None => (CKR_OK, Some(ptr::from_ref(&s.ours).cast_mut())),
            };
            if let Some(value) = value {
                // SAFETY: checked non-null; callers only read the list (PKCS#11 says so).
                unsafe { *list = value };
            }
            s.record("C_GetFunctionList", n, rv, fault.is_some());
            rv
        }
        Err(message) => {
            eprintln!("certscope-fault-module: {message}");
            CKR_GENERAL_ERROR
        }
    }
}

const MISSING: CK_RV = CKR_FUNCTION_NOT_SUPPORTED;

/// Interceptors that only forward (counting, injecting and logging happen in `call`):
/// `name => C_Function(arguments);` defines `name`, which passes the arguments unchanged.
macro_rules! forwarders {
    ($($name:ident => $function:ident($($arg:ident: $ty:ty),* $(,)?);)*) => {$(
        unsafe extern "C" fn $name($($arg: $ty),*) -> CK_RV {
            call(stringify!($function), |real, _, _| {
                // SAFETY: forwarding the caller's arguments unchanged.
                real.$function.map_or(MISSING, |f| unsafe { f($($arg),*) })
            })
        }
    )*};
}

/// [`forwarders`] for functions whose first argument is the slot.
macro_rules! slot_forwarders {
    ($($name:ident => $function:ident($slot:ident: CK_SLOT_ID $(, $arg:ident: $ty:ty)* $(,)?);)*) => {$(
        unsafe extern "C" fn $name($slot: CK_SLOT_ID $(, $arg: $ty)*) -> CK_RV {
            call_on(stringify!($function), Some($slot), |real, _, _| {
                // SAFETY: forwarding the caller's arguments unchanged.
                real.$function.map_or(MISSING, |f| unsafe { f($slot $(, $arg)*) })
            })
        }
    )*};
}

unsafe extern "C" fn get_token_info(slot: CK_SLOT_ID, info: *mut CK_TOKEN_INFO) -> CK_RV {
    call_on("C_GetTokenInfo", Some(slot), |real, fault, _| {
        // SAFETY: forwarding the caller's arguments unchanged.
        let rv = real
            .C_GetTokenInfo
            .map_or(MISSING, |f| unsafe { f(slot, info) });
        if rv == CKR_OK && fault == Some(Fault::PinCountLow) && !info.is_null() {
            // SAFETY: checked non-null; the module just filled the caller's structure.
            unsafe { (*info).flags |= CKF_USER_PIN_COUNT_LOW };
        }
        rv
    })
}

slot_forwarders! {
    get_mechanism_list => C_GetMechanismList(
        slot: CK_SLOT_ID,
        list: *mut CK_MECHANISM_TYPE,
        count: *mut CK_ULONG,
    );
    get_mechanism_info => C_GetMechanismInfo(
        slot: CK_SLOT_ID,
        mechanism: CK_MECHANISM_TYPE,
        info: *mut CK_MECHANISM_INFO,
    );
    open_session => C_OpenSession(
        slot: CK_SLOT_ID,
        flags: CK_FLAGS,
        application: *mut c_void,
        notify: CK_NOTIFY,
        session: *mut CK_SESSION_HANDLE,
    );
    close_all_sessions => C_CloseAllSessions(slot: CK_SLOT_ID);
}

forwarders! {
    initialize => C_Initialize(args: *mut c_void);
    finalize => C_Finalize(reserved: *mut c_void);
    get_info => C_GetInfo(info: *mut CK_INFO);
    close_session => C_CloseSession(session: CK_SESSION_HANDLE);
    get_session_info => C_GetSessionInfo(session: CK_SESSION_HANDLE, info: *mut CK_SESSION_INFO);
    login => C_Login(
        session: CK_SESSION_HANDLE,
        user: CK_USER_TYPE,
        pin: *mut CK_UTF8CHAR,
        pin_len: CK_ULONG,
    );
    logout => C_Logout(session: CK_SESSION_HANDLE);
    find_objects_final => C_FindObjectsFinal(session: CK_SESSION_HANDLE);
}

unsafe extern "C" fn find_objects_init(
    session: CK_SESSION_HANDLE,
    template: *mut CK_ATTRIBUTE,
    count: CK_ULONG,
) -> CK_RV {
    call("C_FindObjectsInit", |real, fault, _| {
        let (template, count) = if fault == Some(Fault::IgnoreTemplate) {
            (ptr::null_mut(), 0)
        } else {
            (template, count)
        };
        // SAFETY: the caller's arguments, or an empty template (NULL with count 0).
        real.C_FindObjectsInit
            .map_or(MISSING, |f| unsafe { f(session, template, count) })
    })
}

unsafe extern "C" fn get_slot_list(
    token_present: CK_BBOOL,
    slots: *mut CK_SLOT_ID,
    count: *mut CK_ULONG,
) -> CK_RV {
    call("C_GetSlotList", |real, _, removed| {
        if removed && token_present != 0 && !count.is_null() {
            // No slot has a token: an empty list, whatever the buffer.
            // SAFETY: checked non-null; the caller's out-parameter.
            unsafe { *count = 0 };
            return CKR_OK;
        }
        // SAFETY: forwarding the caller's arguments unchanged.
        real.C_GetSlotList
            .map_or(MISSING, |f| unsafe { f(token_present, slots, count) })
    })
}

/// The first handle `endless` makes up: far from SoftHSM's own, so that a made-up handle
/// is recognisable in a log.
const ENDLESS_FIRST: CK_OBJECT_HANDLE = 0x4000_0000;

unsafe extern "C" fn find_objects(
    session: CK_SESSION_HANDLE,
    objects: *mut CK_OBJECT_HANDLE,
    max: CK_ULONG,
    count: *mut CK_ULONG,
) -> CK_RV {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    call("C_FindObjects", |real, fault, _| {
        if fault == Some(Fault::Endless) {
            if objects.is_null() || count.is_null() {
                return CKR_ARGUMENTS_BAD;
            }
            let Ok(len) = usize::try_from(max) else {
                return CKR_ARGUMENTS_BAD;
            };
            // SAFETY: the caller passed room for `max` handles at `objects`.
            let buffer = unsafe { std::slice::from_raw_parts_mut(objects, len) };
            for h in buffer {
                let n = NEXT.fetch_add(1, Ordering::Relaxed);
                *h = ENDLESS_FIRST.wrapping_add(CK_OBJECT_HANDLE::try_from(n).unwrap_or(0));
            }
            // SAFETY: checked non-null; the caller's out-parameter.
            unsafe { *count = max };
            return CKR_OK;
        }
        // SAFETY: forwarding the caller's arguments unchanged.
        let rv = real
            .C_FindObjects
            .map_or(MISSING, |f| unsafe { f(session, objects, max, count) });
        if rv == CKR_OK && fault == Some(Fault::Overcount) && !count.is_null() {
            // Only the count lies: nothing is written past the caller's buffer.
            // SAFETY: checked non-null; the caller's out-parameter.
            unsafe { *count = max.saturating_add(1) };
        }
        if rv == CKR_OK && fault == Some(Fault::Empty) && !count.is_null() {
            // SAFETY: checked non-null; the caller's out-parameter.
            unsafe { *count = 0 };
        }
        if rv == CKR_OK && fault == Some(Fault::DropFirst) && !count.is_null() && !objects.is_null()
        {
            // SAFETY: checked non-null; the module wrote `*count` (at most `max`) handles.
            let found = unsafe { *count }.min(max);
            if let Ok(n) = usize::try_from(found) {
                if n > 0 {
                    // SAFETY: `n` handles were written at `objects`, the caller's buffer.
                    let handles = unsafe { std::slice::from_raw_parts_mut(objects, n) };
                    handles.rotate_left(1);
                    // SAFETY: checked non-null; the caller's out-parameter.
                    unsafe { *count = found - 1 };
                }
            }
        }
        rv
    })
}

unsafe extern "C" fn get_slot_info(slot: CK_SLOT_ID, info: *mut CK_SLOT_INFO) -> CK_RV {
    call("C_GetSlotInfo", |real, _, removed| {
        // SAFETY: forwarding the caller's arguments unchanged.
        let rv = real
            .C_GetSlotInfo
            .map_or(MISSING, |f| unsafe { f(slot, info) });
        if rv == CKR_OK && removed && !info.is_null() {
            // SAFETY: the module just filled this structure.
            unsafe { (*info).flags &= !CKF_TOKEN_PRESENT };
        }
        rv
    })
}

unsafe extern "C" fn get_attribute_value(
    session: CK_SESSION_HANDLE,
    object: CK_OBJECT_HANDLE,
    template: *mut CK_ATTRIBUTE,
    count: CK_ULONG,
) -> CK_RV {
    call("C_GetAttributeValue", |real, fault, _| {
        // SAFETY: forwarding the caller's arguments unchanged.
        let rv = real
            .C_GetAttributeValue
            .map_or(MISSING, |f| unsafe { f(session, object, template, count) });
        // The replies in which lengths mean something (PKCS#11 2.40 §5.7, C_GetAttributeValue).
        let lengths_valid = matches!(
            rv,
            CKR_OK | CKR_ATTRIBUTE_SENSITIVE | CKR_ATTRIBUTE_TYPE_INVALID | CKR_BUFFER_TOO_SMALL
        );
        if !lengths_valid || template.is_null() || count == 0 {
            return rv;
        }
        let Ok(len) = usize::try_from(count) else {
            return rv;
        };
        // SAFETY: the caller passed `count` attributes at `template`.
        let attributes = unsafe { std::slice::from_raw_parts_mut(template, len) };
        for a in attributes {
            if a.ulValueLen == CK_UNAVAILABLE_INFORMATION {
                continue;
            }
            match fault {
                // Never longer than what was written: a longer length would make the
                // caller read past its buffer, which tests nothing but the allocator.
                Some(Fault::BadLength) if a.ulValueLen > 0 => a.ulValueLen -= 1,
                Some(Fault::HugeLength) if a.pValue.is_null() => a.ulValueLen = HUGE_LENGTH,
                _ => {}
            }
        }
        rv
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_rules() {
        let r = parse_rule("C_GetTokenInfo:slot=7:CKR_TOKEN_NOT_RECOGNIZED").unwrap();
        assert_eq!(r.calls, Calls::Slot(7));
        assert!(r.calls.selects(3, Some(7)));
        assert!(!r.calls.selects(3, Some(8)));
        assert!(!r.calls.selects(3, None));
        assert!(parse_rule("C_Login:slot=7:CKR_GENERAL_ERROR").is_err());
        assert!(parse_rule("C_GetTokenInfo:slot=x:CKR_GENERAL_ERROR").is_err());
    }

    #[test]
    fn rules() {
        assert_eq!(
            parse_rules("C_GetAttributeValue:3:CKR_DEVICE_REMOVED, C_Login:*:0x80000001").unwrap(),
            vec![
                Rule {
                    function: "C_GetAttributeValue".into(),
                    calls: Calls::Nth(3),
                    fault: Fault::Rv(CKR_DEVICE_REMOVED),
                },
                Rule {
                    function: "C_Login".into(),
                    calls: Calls::From(1),
                    fault: Fault::Rv(0x8000_0001),
                },
            ]
        );
        assert_eq!(
            parse_rule("C_OpenSession:2+:removed").unwrap().calls,
            Calls::From(2)
        );
        assert!(parse_rules("").unwrap().is_empty());
        for (good, fault) in [
            ("C_FindObjects:1:overcount", Fault::Overcount),
            ("C_FindObjects:*:endless", Fault::Endless),
            ("C_FindObjects:2:drop-first", Fault::DropFirst),
            ("C_FindObjects:1:empty", Fault::Empty),
            ("C_FindObjectsInit:1:ignore-template", Fault::IgnoreTemplate),
            ("C_Initialize:1:hang", Fault::Hang),
            ("C_GetAttributeValue:2+:hang", Fault::Hang),
        ] {
            assert_eq!(parse_rule(good).unwrap().fault, fault, "{good}");
        }
        for bad in [
            "C_Login:0:CKR_GENERAL_ERROR",
            "C_Login:1:CKR_OK",
            "C_Login:1:CKR_NONSENSE",
            "C_Sign:1:CKR_GENERAL_ERROR",
            "C_Login:1:bad-length",
            "C_Login:1:null-list",
            "C_GetFunctionList:1:removed",
            "C_GetFunctionList:1:hang",
            "C_FindObjectsInit:1:overcount",
            "C_GetAttributeValue:*:endless",
            "C_FindObjectsInit:1:drop-first",
            "C_FindObjects:1:ignore-template",
            "C_Login:1",
        ] {
            assert!(parse_rule(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(rv_name(CKR_DEVICE_REMOVED), "CKR_DEVICE_REMOVED");
        assert_eq!(rv_name(0x1234_5678), "0x12345678");
    }
}
