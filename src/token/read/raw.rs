//! One object's attributes read raw (`C_GetAttributeValue` with size queries and bounded
//! buffers, in the calls `read/probe.rs` plans), with every length checked before anything
//! is allocated. The only `unsafe` code in certscope.
//!
//! Why not cryptoki's `Session::get_attributes`, and why this is sound: docs/design.md,
//! "PKCS#11".
//!
//! The slot list is read here too (`C_GetSlotList`, bounded in rounds and in count, where
//! cryptoki retries for ever and allocates any count), and so is the mechanism list
//! (`C_GetMechanismList` and `C_GetMechanismInfo`: cryptoki drops every mechanism its
//! `MechanismType` cannot name, 30 of SoftHSM's 70). The function list is checked
//! here before cryptoki sees it (cryptoki reads through a NULL one). Object searches are
//! made here too ([`AttributeReader::find_objects`]): cryptoki 0.12's iterator indexes its
//! buffer with the count the module reports (a count above the buffer panicked) and
//! collects a search that never ends until memory runs out. Everything else
//! (`C_Initialize`, slot and token information, sessions, login) still goes through
//! cryptoki. Every call here runs under the [`Watchdog`], when there is one. This reader calls the functions of the list the module hands out from
//! `C_GetFunctionList`, with cryptoki's session and object handles.
//! The module is the one cryptoki loaded: `dlopen` of a library that is already loaded
//! returns the same instance (glibc matches it by file identity), so there is one module
//! state, one set of sessions.
//!
//! p11-kit's proxy is the exception: it hands out a new, uninitialised instance for every
//! `C_GetFunctionList`, so cryptoki's session handles mean nothing to this reader's. The
//! first call answered `CKR_CRYPTOKI_NOT_INITIALIZED` makes the reader initialise its own
//! instance ([`AttributeReader::adopt_instance`]) and search and read in sessions of its
//! own ([`AttributeReader::open_session`]) on the same slot: the proxy numbers slots the
//! same way in every instance, and the modules behind it are loaded once per process, so a
//! login made through cryptoki's session holds for the reader's sessions too (PKCS#11 login
//! state is per token and application). cryptoki never searches or reads through the proxy.

#![allow(unsafe_code)]

use std::ffi::c_void;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::token::mechanism_names::MECHANISM_NAMES;
use crate::token::watchdog::{guard, Armed, ModuleCall, Watchdog};
use cryptoki::context::Function;
use cryptoki::error::{Error as CkError, Rv};
use cryptoki::object::{Attribute, AttributeType};
use cryptoki::session::Session;
use cryptoki_sys::{
    CK_C_CloseSession, CK_C_Finalize, CK_C_Initialize, CK_C_OpenSession, CKF_OS_LOCKING_OK,
    CKF_SERIAL_SESSION, CKR_ATTRIBUTE_SENSITIVE, CKR_ATTRIBUTE_TYPE_INVALID, CKR_BUFFER_TOO_SMALL,
    CKR_CANT_LOCK, CKR_CRYPTOKI_ALREADY_INITIALIZED, CKR_OK, CK_ATTRIBUTE, CK_ATTRIBUTE_TYPE,
    CK_BBOOL, CK_C_INITIALIZE_ARGS, CK_FALSE, CK_FUNCTION_LIST, CK_MECHANISM_INFO,
    CK_MECHANISM_TYPE, CK_OBJECT_HANDLE, CK_RV, CK_SESSION_HANDLE, CK_SLOT_ID, CK_TRUE, CK_ULONG,
    CK_UNAVAILABLE_INFORMATION,
};

type GetAttributeValue =
    unsafe extern "C" fn(CK_SESSION_HANDLE, CK_OBJECT_HANDLE, *mut CK_ATTRIBUTE, CK_ULONG) -> CK_RV;

type FindObjectsInit =
    unsafe extern "C" fn(CK_SESSION_HANDLE, *mut CK_ATTRIBUTE, CK_ULONG) -> CK_RV;

type FindObjects = unsafe extern "C" fn(
    CK_SESSION_HANDLE,
    *mut CK_OBJECT_HANDLE,
    CK_ULONG,
    *mut CK_ULONG,
) -> CK_RV;

type FindObjectsFinal = unsafe extern "C" fn(CK_SESSION_HANDLE) -> CK_RV;

type GetSlotList = unsafe extern "C" fn(CK_BBOOL, *mut CK_SLOT_ID, *mut CK_ULONG) -> CK_RV;

type GetMechanismList =
    unsafe extern "C" fn(CK_SLOT_ID, *mut CK_MECHANISM_TYPE, *mut CK_ULONG) -> CK_RV;

type GetMechanismInfo =
    unsafe extern "C" fn(CK_SLOT_ID, CK_MECHANISM_TYPE, *mut CK_MECHANISM_INFO) -> CK_RV;

/// Most slots accepted from a module: real ones have a handful (p11-kit a few dozen); a
/// count beyond this is an allocation the module would choose for certscope.
pub const MAX_SLOTS: usize = 4096;

/// Most mechanisms accepted for one slot: SoftHSM has 70, large HSMs a few hundred.
pub const MAX_MECHANISMS: usize = 4096;

/// Times `C_GetSlotList` or `C_GetMechanismList` may answer `CKR_BUFFER_TOO_SMALL` (the
/// list grew between the count and the list) before certscope gives up: cryptoki asks
/// again for ever.
pub const LIST_ROUNDS: usize = 8;

/// Handles asked for per `C_FindObjects` call: one call for most tokens, a few thousand for
/// a million objects.
pub const FIND_BATCH: usize = 1024;

/// The most objects one search may return, unless told otherwise: far above any real
/// token (p11-kit-trust's system store has a few hundred), far below a memory problem
/// (8 MB of handles).
pub const DEFAULT_MAX_OBJECTS: usize = 1_000_000;

/// Why [`AttributeReader::find_objects`] has no handles.
#[derive(Debug)]
pub enum FindError {
    /// The module answered with an error.
    Module(CkError),
    /// `C_FindObjects` reported more handles than it was given room for.
    Overcount {
        /// Room given.
        asked: CK_ULONG,
        /// Handles it claimed to have written.
        reported: CK_ULONG,
    },
    /// The search went on past the limit on objects.
    TooMany(usize),
}

impl From<CkError> for FindError {
    fn from(e: CkError) -> FindError {
        FindError::Module(e)
    }
}

/// Why [`AttributeReader::slot_list`] or [`AttributeReader::mechanism_list`] has no list.
#[derive(Debug)]
pub enum ListError {
    /// The module answered with an error.
    Module(CkError),
    /// The module reported more entries than certscope accepts ([`MAX_SLOTS`],
    /// [`MAX_MECHANISMS`]).
    TooMany(CK_ULONG),
    /// The list kept growing between the count and the list.
    KeepsGrowing,
}

/// A module's own `C_GetAttributeValue` (and `C_GetSlotList`, `C_GetMechanismList`,
/// `C_GetMechanismInfo`).
pub struct AttributeReader {
    get: GetAttributeValue,
    slot_list: Option<GetSlotList>,
    mechanism_list: Option<GetMechanismList>,
    mechanism_info: Option<GetMechanismInfo>,
    find_init: Option<FindObjectsInit>,
    find: Option<FindObjects>,
    find_final: Option<FindObjectsFinal>,
    /// The instance's own set-up, used only when it is not cryptoki's (p11-kit-proxy).
    initialize: CK_C_Initialize,
    finalize: CK_C_Finalize,
    open_session: CK_C_OpenSession,
    close_session: CK_C_CloseSession,
    /// Guards every module call made here and, through [`AttributeReader::guard`], the
    /// module's calls through cryptoki.
    watchdog: Option<Watchdog>,
    /// Set when the module's instance turned out not to be cryptoki's and this reader
    /// initialised it (see [`AttributeReader::adopt_instance`]).
    own_instance: AtomicBool,
    /// Whether dropping the reader must call `C_Finalize` on its own instance.
    finalize_own: AtomicBool,
    /// Whether the instance this reader calls accepted `CKF_OS_LOCKING_OK`, so that it may
    /// be called from several threads at once ([`AttributeReader::threads_allowed`]).
    threads_ok: AtomicBool,
    /// Keeps the library mapped for as long as `get` may be called (cryptoki holds its own
    /// reference; this one makes the reader sound on its own).
    _library: cryptoki_sys::Pkcs11,
}

impl fmt::Debug for AttributeReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttributeReader").finish_non_exhaustive()
    }
}

/// What the module gave for one attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    /// The object has no such attribute, or will not reveal it (sensitive).
    Missing,
    /// The module announced more bytes than the limit: not read.
    TooLarge(usize),
    /// The module's value did not fit the length it had announced (it grew between the
    /// size query and the read, or the module claims to have written more than it was
    /// given room for): not trusted, not used.
    Inconsistent {
        /// The length of the size answer.
        announced: usize,
    },
    /// The value.
    Bytes {
        /// The bytes.
        bytes: Vec<u8>,
        /// The length of the size answer (larger than `bytes.len()` when the module gave
        /// less than it said it had).
        announced: usize,
    },
}

impl RawValue {
    /// The bytes, when the value was read.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            RawValue::Bytes { bytes, .. } => Some(bytes),
            _ => None,
        }
    }

    /// A `CK_ULONG` value (class, key type, category...), when it is one.
    pub fn ulong(&self) -> Option<CK_ULONG> {
        let bytes: [u8; size_of::<CK_ULONG>()] = self.bytes()?.try_into().ok()?;
        Some(CK_ULONG::from_ne_bytes(bytes))
    }

    /// A `CK_BBOOL` value, when it is one.
    pub fn bool(&self) -> Option<bool> {
        match self.bytes()? {
            [b] => Some(*b != 0),
            _ => None,
        }
    }
}

/// What [`AttributeReader::query`] asks for one attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// Its length only (a NULL buffer).
    Size,
    /// Its value, into a buffer of this many bytes.
    Value(usize),
}

/// What the module answered for one attribute of [`AttributeReader::query`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// No length (`CK_UNAVAILABLE_INFORMATION`): the object lacks the attribute or hides
    /// it, or, for [`Ask::Value`], the buffer was too small; the standard does not say
    /// which.
    Unavailable,
    /// A length: the answer to [`Ask::Size`], or to an [`Ask::Value`] whose buffer was
    /// shorter than this.
    Size(usize),
    /// The value, which fitted its buffer.
    Value(Vec<u8>),
}

/// The acceptable results of `C_GetAttributeValue` for a template that may name
/// attributes the object lacks or hides, or that a size grew under: the per-attribute
/// lengths say which (PKCS#11 2.40 §5.7.5).
fn per_attribute_result(rv: CK_RV) -> bool {
    matches!(
        rv,
        CKR_OK | CKR_ATTRIBUTE_SENSITIVE | CKR_ATTRIBUTE_TYPE_INVALID | CKR_BUFFER_TOO_SMALL
    )
}

impl AttributeReader {
    /// The `C_GetAttributeValue` of the module at `path`, loaded before cryptoki loads
    /// the same library (which then only adds a reference to it).
    pub fn load(path: &Path) -> Result<AttributeReader, CkError> {
        // SAFETY: loading a library runs its initialisers. This is the PKCS#11 module the
        // user named, which cryptoki loads from the same path right after; loading a
        // module is what using one means.
        let library =
            unsafe { cryptoki_sys::Pkcs11::new(path) }.map_err(CkError::LibraryLoading)?;
        if library.C_GetFunctionList.is_err() {
            return Err(CkError::MissingSymbol("C_GetFunctionList"));
        }
        let mut list: *mut CK_FUNCTION_LIST = std::ptr::null_mut();
        // SAFETY: the symbol exists (checked above); the argument is a valid out-pointer.
        let rv = unsafe { library.C_GetFunctionList(&mut list) };
        Rv::from(rv).into_result(Function::GetFunctionList)?;
        if list.is_null() {
            return Err(CkError::NullFunctionPointer);
        }
        // SAFETY: a non-null list from C_GetFunctionList points to the module's function
        // list, which stays valid while the library is loaded (held by `_library`). Only
        // the 2.x prefix is read, which every version of the list starts with.
        let (get, slot_list, mechanism_list, mechanism_info) = unsafe {
            (
                (*list).C_GetAttributeValue,
                (*list).C_GetSlotList,
                (*list).C_GetMechanismList,
                (*list).C_GetMechanismInfo,
            )
        };
        // SAFETY: as above.
        let (find_init, find, find_final) = unsafe {
            (
                (*list).C_FindObjectsInit,
                (*list).C_FindObjects,
                (*list).C_FindObjectsFinal,
            )
        };
        // SAFETY: as above.
        let (initialize, finalize, open_session, close_session) = unsafe {
            (
                (*list).C_Initialize,
                (*list).C_Finalize,
                (*list).C_OpenSession,
                (*list).C_CloseSession,
            )
        };
        let get = get.ok_or(CkError::NullFunctionPointer)?;
        Ok(AttributeReader {
            get,
            slot_list,
            mechanism_list,
            mechanism_info,
            find_init,
            find,
            find_final,
            initialize,
            finalize,
            open_session,
            close_session,
            watchdog: None,
            own_instance: AtomicBool::new(false),
            finalize_own: AtomicBool::new(false),
            threads_ok: AtomicBool::new(false),
            _library: library,
        })
    }

    /// Puts this reader's calls, and those made through [`AttributeReader::guard`], under
    /// `watchdog`.
    pub fn set_watchdog(&mut self, watchdog: Watchdog) {
        self.watchdog = Some(watchdog);
    }

    /// Watches `call` until the value returned is dropped, if there is a watchdog
    /// ([`Watchdog::arm`]).
    pub fn arm(&self, call: ModuleCall) -> Option<Armed<'_>> {
        self.watchdog.as_ref().map(|w| w.arm(call))
    }

    /// Runs `f`, one call of the module, under the watchdog if there is one.
    pub fn guard<T>(&self, call: ModuleCall, f: impl FnOnce() -> T) -> T {
        guard(self.watchdog.as_ref(), call, f)
    }

    /// [`AttributeReader::guard`] in the watchdog lane of `session` (one per thread that
    /// reads: [`Watchdog::arm_lane`]).
    fn guard_in<T>(&self, session: &RawSession<'_>, call: ModuleCall, f: impl FnOnce() -> T) -> T {
        let _armed = self
            .watchdog
            .as_ref()
            .map(|w| w.arm_lane(session.lane, call));
        f()
    }

    /// Records whether the module's instance was initialised with `CKF_OS_LOCKING_OK` and
    /// answered `CKR_OK` (PKCS#11 3.x §5.4: it then supports calls from several threads at
    /// once). Set by [`crate::token::Module`] after its `C_Initialize`; a `CKR_CANT_LOCK`
    /// fallback or an instance initialised by someone else leaves it false.
    pub fn set_threads_ok(&self, ok: bool) {
        self.threads_ok.store(ok, Ordering::Relaxed);
    }

    /// Whether the instance this reader calls may be called from several threads at once
    /// (see [`AttributeReader::set_threads_ok`]; for an instance of its own, its own
    /// `C_Initialize` decides: [`AttributeReader::adopt_instance`]).
    pub fn threads_allowed(&self) -> bool {
        self.threads_ok.load(Ordering::Relaxed)
    }

    /// A new read-only session on `slot` of the instance this reader calls, for a thread
    /// that reads beside the first one, its calls watched in watchdog lane `lane`; closed
    /// when the value drops. Object handles found in another session of the same
    /// application are valid in it, and so is a login made there (PKCS#11 login state is
    /// per token and application).
    pub fn open_extra_session(
        &self,
        slot: CK_SLOT_ID,
        lane: usize,
    ) -> Result<RawSession<'_>, CkError> {
        let mut session = self.open_raw_session(slot)?;
        session.lane = lane;
        Ok(session)
    }

    /// The handles of the objects matching `template`: `C_FindObjectsInit`, then
    /// `C_FindObjects` for [`FIND_BATCH`] handles at a time until it gives fewer (as
    /// cryptoki does), then `C_FindObjectsFinal`, whose failure changes nothing found and
    /// is ignored (as cryptoki does) after one more try (else the module would refuse the
    /// next search with `CKR_OPERATION_ACTIVE`). A count above the room given is
    /// [`FindError::Overcount`], more than `max` handles [`FindError::TooMany`]; the search
    /// is finished either way.
    pub fn find_objects(
        &self,
        session: &RawSession<'_>,
        template: &[Attribute],
        max: usize,
    ) -> Result<Vec<CK_OBJECT_HANDLE>, FindError> {
        let (Some(init), Some(find), Some(finish)) = (self.find_init, self.find, self.find_final)
        else {
            return Err(CkError::NullFunctionPointer.into());
        };
        let mut raw: Vec<CK_ATTRIBUTE> = template.iter().map(CK_ATTRIBUTE::from).collect();
        let count = CK_ULONG::try_from(raw.len()).map_err(CkError::from)?;
        let handle = session.handle;
        // SAFETY: `raw` points into `template`'s values, alive for the call; the module
        // only reads a search template.
        let rv = self.guard(ModuleCall::FindObjectsInit, || unsafe {
            init(handle, raw.as_mut_ptr(), count)
        });
        Rv::from(rv).into_result(Function::FindObjectsInit)?;
        let found = self.collect_found(handle, find, max);
        // A failed end is tried once more: a search left open would make the module refuse
        // the next one (a listing without a class makes two) with CKR_OPERATION_ACTIVE.
        for _ in 0..2 {
            // SAFETY: ends the search begun above, on the same session.
            let rv = self.guard(ModuleCall::FindObjectsFinal, || unsafe { finish(handle) });
            if rv == CKR_OK {
                break;
            }
        }
        found
    }

    /// The `C_FindObjects` loop of [`AttributeReader::find_objects`].
    fn collect_found(
        &self,
        session: CK_SESSION_HANDLE,
        find: FindObjects,
        max: usize,
    ) -> Result<Vec<CK_OBJECT_HANDLE>, FindError> {
        let mut handles: Vec<CK_OBJECT_HANDLE> = Vec::new();
        let mut batch: Vec<CK_OBJECT_HANDLE> = vec![0; FIND_BATCH];
        let asked = CK_ULONG::try_from(FIND_BATCH).map_err(CkError::from)?;
        loop {
            let mut got: CK_ULONG = 0;
            // SAFETY: `batch` has room for `asked` handles; `got` is a valid out-pointer.
            let rv = self.guard(ModuleCall::FindObjects, || unsafe {
                find(session, batch.as_mut_ptr(), asked, &mut got)
            });
            Rv::from(rv).into_result(Function::FindObjects)?;
            let n = match usize::try_from(got) {
                Ok(n) if got <= asked => n,
                _ => {
                    return Err(FindError::Overcount {
                        asked,
                        reported: got,
                    })
                }
            };
            if handles.len().saturating_add(n) > max {
                return Err(FindError::TooMany(max));
            }
            handles.extend(batch.iter().take(n));
            if got < asked {
                return Ok(handles);
            }
        }
    }

    /// The module's slot ids (only those with a token when `token_present`), through its
    /// own `C_GetSlotList`: the count, then the list, again while the module says the list
    /// grew in between, at most [`LIST_ROUNDS`] times, and never more than [`MAX_SLOTS`] ids.
    pub fn slot_list(&self, token_present: bool) -> Result<Vec<CK_SLOT_ID>, ListError> {
        let call = self
            .slot_list
            .ok_or(ListError::Module(CkError::NullFunctionPointer))?;
        let present: CK_BBOOL = if token_present { CK_TRUE } else { CK_FALSE };
        bounded_list(Function::GetSlotList, MAX_SLOTS, |ids, count| {
            // SAFETY: `bounded_list` passes NULL (a count query) or a buffer of `*count`
            // writable slot ids, and a valid `count`.
            self.guard(ModuleCall::GetSlotList, || unsafe {
                call(present, ids, count)
            })
        })
    }

    /// Every mechanism type of `slot`, in the module's order, through its own
    /// `C_GetMechanismList` (cryptoki's leaves out the types it cannot name), bounded by
    /// [`MAX_MECHANISMS`].
    pub fn mechanism_list(&self, slot: CK_SLOT_ID) -> Result<Vec<CK_MECHANISM_TYPE>, ListError> {
        let call = self
            .mechanism_list
            .ok_or(ListError::Module(CkError::NullFunctionPointer))?;
        bounded_list(
            Function::GetMechanismList,
            MAX_MECHANISMS,
            |types, count| {
                // SAFETY: as in `slot_list`, with mechanism types.
                self.guard(ModuleCall::GetMechanismList, || unsafe {
                    call(slot, types, count)
                })
            },
        )
    }

    /// `C_GetMechanismInfo` of one mechanism of `slot`.
    pub fn mechanism_info(
        &self,
        slot: CK_SLOT_ID,
        mechanism: CK_MECHANISM_TYPE,
    ) -> Result<CK_MECHANISM_INFO, CkError> {
        let call = self.mechanism_info.ok_or(CkError::NullFunctionPointer)?;
        let mut info = CK_MECHANISM_INFO {
            ulMinKeySize: 0,
            ulMaxKeySize: 0,
            flags: 0,
        };
        // SAFETY: `info` is a valid out-pointer to one CK_MECHANISM_INFO.
        let rv = self.guard(ModuleCall::GetMechanismInfo, || unsafe {
            call(slot, mechanism, &mut info)
        });
        Rv::from(rv).into_result(Function::GetMechanismInfo)?;
        Ok(info)
    }

    /// Initialises this reader's instance of the module, once it turned out not to be the
    /// one cryptoki initialised (its calls answer `CKR_CRYPTOKI_NOT_INITIALIZED`):
    /// p11-kit-proxy creates a new instance for every `C_GetFunctionList`. As cryptoki's
    /// was: `CKF_OS_LOCKING_OK`, or no arguments for a module that answers `CKR_CANT_LOCK`.
    /// From then on searches and reads run in sessions of this instance
    /// ([`AttributeReader::open_session`]); dropping the reader finalizes it.
    pub fn adopt_instance(&self) -> Result<(), CkError> {
        if self.is_own_instance() {
            return Ok(());
        }
        let init = self.initialize.ok_or(CkError::NullFunctionPointer)?;
        let mut args = CK_C_INITIALIZE_ARGS {
            CreateMutex: None,
            DestroyMutex: None,
            LockMutex: None,
            UnlockMutex: None,
            flags: CKF_OS_LOCKING_OK,
            pReserved: std::ptr::null_mut(),
        };
        // SAFETY: `args` is a valid CK_C_INITIALIZE_ARGS for the call (no mutex functions,
        // no reserved pointer); NULL is the standard's "no arguments".
        let mut rv = self.guard(ModuleCall::Initialize, || unsafe {
            init((&raw mut args).cast::<c_void>())
        });
        let os_locking = rv != CKR_CANT_LOCK;
        if !os_locking {
            // SAFETY: as above.
            rv = self.guard(ModuleCall::Initialize, || unsafe {
                init(std::ptr::null_mut())
            });
        }
        // Only an instance this reader initialised with OS locking may be read from
        // several threads.
        let locking = os_locking && rv == CKR_OK;
        if rv != CKR_CRYPTOKI_ALREADY_INITIALIZED {
            Rv::from(rv).into_result(Function::Initialize)?;
            self.finalize_own.store(true, Ordering::Relaxed);
        }
        self.set_threads_ok(locking);
        self.own_instance.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// See [`AttributeReader::adopt_instance`].
    pub fn is_own_instance(&self) -> bool {
        self.own_instance.load(Ordering::Relaxed)
    }

    /// The session this reader searches and reads in for cryptoki's `session` on `slot`:
    /// that very session, or, when the reader has its own instance of the module, a new
    /// read-only session of that instance on the same slot, closed when the value drops.
    pub fn open_session(
        &self,
        session: &Session,
        slot: CK_SLOT_ID,
    ) -> Result<RawSession<'_>, CkError> {
        if !self.is_own_instance() {
            return Ok(RawSession {
                handle: session.handle(),
                owner: None,
                lane: 0,
            });
        }
        self.open_raw_session(slot)
    }

    /// `C_OpenSession` (read-only) on `slot` of this reader's instance, closed on drop.
    fn open_raw_session(&self, slot: CK_SLOT_ID) -> Result<RawSession<'_>, CkError> {
        let open = self.open_session.ok_or(CkError::NullFunctionPointer)?;
        let mut handle: CK_SESSION_HANDLE = 0;
        // SAFETY: `handle` is a valid out-pointer; no callback and no application data.
        let rv = self.guard(ModuleCall::OpenSession, || unsafe {
            open(
                slot,
                CKF_SERIAL_SESSION,
                std::ptr::null_mut(),
                None,
                &mut handle,
            )
        });
        Rv::from(rv).into_result(Function::OpenSession)?;
        Ok(RawSession {
            handle,
            owner: Some(self),
            lane: 0,
        })
    }

    fn call(
        &self,
        session: &RawSession<'_>,
        object: CK_OBJECT_HANDLE,
        template: &mut [CK_ATTRIBUTE],
    ) -> Result<CK_RV, CkError> {
        let count = CK_ULONG::try_from(template.len())?;
        let get = self.get;
        // SAFETY: the handles are the session's and an object it found; every pValue in
        // `template` is NULL or points to a live buffer of ulValueLen bytes owned by the
        // caller for the duration of the call.
        let rv = self.guard_in(session, ModuleCall::GetAttributeValue, || unsafe {
            get(session.handle, object, template.as_mut_ptr(), count)
        });
        if per_attribute_result(rv) {
            Ok(rv)
        } else {
            Rv::from(rv).into_result(Function::GetAttributeValue)?;
            Ok(rv)
        }
    }

    /// One `C_GetAttributeValue` over a template that mixes size queries and reads
    /// ([`Ask`]), so that a value whose length is known or bounded (a `CK_ULONG`, a short
    /// label) comes back in the same call as the lengths of the rest. The answers are in
    /// `asks` order; buffers are never larger than asked.
    pub fn query(
        &self,
        session: &RawSession<'_>,
        object: CK_OBJECT_HANDLE,
        asks: &[(CK_ATTRIBUTE_TYPE, Ask)],
    ) -> Result<Vec<Answer>, CkError> {
        let mut buffers: Vec<Vec<u8>> = asks
            .iter()
            .map(|(_, ask)| match ask {
                Ask::Size => Vec::new(),
                Ask::Value(n) => vec![0u8; *n],
            })
            .collect();
        let mut template: Vec<CK_ATTRIBUTE> = Vec::with_capacity(asks.len());
        for ((type_, ask), buffer) in asks.iter().zip(&mut buffers) {
            template.push(CK_ATTRIBUTE {
                type_: *type_,
                pValue: match ask {
                    Ask::Size => std::ptr::null_mut(),
                    Ask::Value(_) => buffer.as_mut_ptr().cast::<c_void>(),
                },
                ulValueLen: CK_ULONG::try_from(buffer.len())?,
            });
        }
        self.call(session, object, &mut template)?;
        Ok(template
            .iter()
            .zip(asks)
            .zip(buffers)
            .map(|((a, (_, ask)), mut buffer)| {
                if a.ulValueLen == CK_UNAVAILABLE_INFORMATION {
                    return Answer::Unavailable;
                }
                let len = usize::try_from(a.ulValueLen).unwrap_or(usize::MAX);
                match ask {
                    Ask::Value(room) if len <= *room => {
                        buffer.truncate(len);
                        // A guessed buffer is mostly unused: keep only the value.
                        buffer.shrink_to_fit();
                        Answer::Value(buffer)
                    }
                    // A size query, or a module answering a short buffer with the length
                    // it needs (some 2.x modules do).
                    _ => Answer::Size(len),
                }
            })
            .collect())
    }

    /// The attributes `types` of `object`: one call for their lengths, one for the values
    /// of those present and at most `limit` bytes long. The result is in `types` order.
    pub fn read(
        &self,
        session: &RawSession<'_>,
        object: CK_OBJECT_HANDLE,
        types: &[CK_ATTRIBUTE_TYPE],
        limit: usize,
    ) -> Result<Vec<(CK_ATTRIBUTE_TYPE, RawValue)>, CkError> {
        let mut sizes: Vec<CK_ATTRIBUTE> = types
            .iter()
            .map(|&type_| CK_ATTRIBUTE {
                type_,
                pValue: std::ptr::null_mut(),
                ulValueLen: 0,
            })
            .collect();
        self.call(session, object, &mut sizes)?;
        let mut out: Vec<(CK_ATTRIBUTE_TYPE, RawValue)> = Vec::with_capacity(types.len());
        let mut wanted: Vec<(usize, CK_ATTRIBUTE_TYPE, Vec<u8>)> = Vec::new();
        for (i, a) in sizes.iter().enumerate() {
            let value = if a.ulValueLen == CK_UNAVAILABLE_INFORMATION {
                RawValue::Missing
            } else {
                match usize::try_from(a.ulValueLen) {
                    Ok(len) if len <= limit => {
                        wanted.push((i, a.type_, vec![0u8; len]));
                        // Filled in after the second call.
                        RawValue::Missing
                    }
                    Ok(len) => RawValue::TooLarge(len),
                    Err(_) => RawValue::TooLarge(usize::MAX),
                }
            };
            out.push((a.type_, value));
        }
        if wanted.is_empty() {
            return Ok(out);
        }
        let mut template: Vec<CK_ATTRIBUTE> = Vec::with_capacity(wanted.len());
        for (_, type_, buffer) in &mut wanted {
            template.push(CK_ATTRIBUTE {
                type_: *type_,
                pValue: buffer.as_mut_ptr().cast::<c_void>(),
                ulValueLen: CK_ULONG::try_from(buffer.len())?,
            });
        }
        self.call(session, object, &mut template)?;
        for (a, (i, _, mut buffer)) in template.iter().zip(wanted) {
            let announced = buffer.len();
            let Some((_, slot)) = out.get_mut(i) else {
                continue;
            };
            *slot = if a.ulValueLen == CK_UNAVAILABLE_INFORMATION {
                // Gone since the size query, or grown past the buffer (CKR_BUFFER_TOO_SMALL).
                RawValue::Inconsistent { announced }
            } else {
                match usize::try_from(a.ulValueLen) {
                    Ok(got) if got <= announced => {
                        buffer.truncate(got);
                        RawValue::Bytes {
                            bytes: buffer,
                            announced,
                        }
                    }
                    _ => RawValue::Inconsistent { announced },
                }
            };
        }
        Ok(out)
    }
}

impl Drop for AttributeReader {
    fn drop(&mut self) {
        if let (true, Some(finalize)) = (self.finalize_own.load(Ordering::Relaxed), self.finalize) {
            // SAFETY: ends the instance this reader initialised; its sessions are closed
            // (each `RawSession` borrows the reader). Nothing useful can be done with an error.
            let _ = self.guard(ModuleCall::Finalize, || unsafe {
                finalize(std::ptr::null_mut())
            });
        }
    }
}

/// A session [`AttributeReader`] searches and reads in: cryptoki's, or one of the reader's
/// own instance ([`AttributeReader::open_session`]), which dropping closes.
#[derive(Debug)]
pub struct RawSession<'r> {
    handle: CK_SESSION_HANDLE,
    /// The reader whose instance opened the session, when it must be closed here.
    owner: Option<&'r AttributeReader>,
    /// The watchdog lane of the thread that reads in it ([`Watchdog::arm_lane`]).
    lane: usize,
}

impl Drop for RawSession<'_> {
    fn drop(&mut self) {
        let Some(reader) = self.owner else {
            return;
        };
        if let Some(close) = reader.close_session {
            let handle = self.handle;
            // SAFETY: closes the session this value opened, once. An error changes nothing
            // read; the instance's C_Finalize closes what is left.
            let _ = reader.guard(ModuleCall::CloseSession, || unsafe { close(handle) });
        }
    }
}

/// `C_Initialize` arguments with `pReserved` pointing at `reserved` (a module's
/// initialisation string: NSS softoken's `configdir='sql:DIR' ...`, p11-kit's
/// `x-init-reserved`). The pointer is only valid while `reserved` lives: the caller keeps it
/// for as long as the module is loaded ([`crate::token::Module`] holds it).
pub fn initialize_args_with_reserved(
    flags: cryptoki::context::CInitializeFlags,
    reserved: &std::ffi::CStr,
) -> cryptoki::context::CInitializeArgs {
    let pointer = std::ptr::NonNull::from(reserved).cast::<c_void>();
    // SAFETY: `pointer` is a NUL-terminated string that outlives the C_Initialize call
    // (the caller keeps it for the module's lifetime); cryptoki only passes it on.
    unsafe { cryptoki::context::CInitializeArgs::new_with_reserved(flags, pointer) }
}

/// Reads a PKCS#11 list the way the standard asks: `call(NULL, &count)` for the count,
/// then `call(buffer, &count)` for the list, again while the module answers
/// `CKR_BUFFER_TOO_SMALL` (the list grew in between), at most [`LIST_ROUNDS`] times, and
/// never more than `max` entries.
fn bounded_list<T: Copy + Default>(
    function: Function,
    max: usize,
    mut call: impl FnMut(*mut T, *mut CK_ULONG) -> CK_RV,
) -> Result<Vec<T>, ListError> {
    let check = |rv: CK_RV| {
        Rv::from(rv)
            .into_result(function)
            .map_err(ListError::Module)
    };
    for _ in 0..LIST_ROUNDS {
        let mut count: CK_ULONG = 0;
        check(call(std::ptr::null_mut(), &mut count))?;
        let capacity = usize::try_from(count)
            .ok()
            .filter(|&n| n <= max)
            .ok_or(ListError::TooMany(count))?;
        let mut entries: Vec<T> = vec![T::default(); capacity];
        let mut filled = count;
        let rv = call(entries.as_mut_ptr(), &mut filled);
        if rv == CKR_BUFFER_TOO_SMALL {
            continue;
        }
        check(rv)?;
        // A module must not claim more than it was given room for; such a claim is not
        // trusted beyond the buffer.
        entries.truncate(usize::try_from(filled).unwrap_or(capacity).min(capacity));
        return Ok(entries);
    }
    Err(ListError::KeepsGrowing)
}

/// `CKM_...` name of a mechanism type: its standard name, `CKM_VENDOR_DEFINED+0x...` for
/// a vendor's, or the value in hex for one no standard names.
pub fn mechanism_name(mechanism: CK_MECHANISM_TYPE) -> String {
    if let Some(offset) = mechanism.checked_sub(cryptoki_sys::CKM_VENDOR_DEFINED) {
        return format!("CKM_VENDOR_DEFINED+0x{offset:x}");
    }
    match MECHANISM_NAMES
        .iter()
        .find(|(value, _)| *value == mechanism)
    {
        Some((_, name)) => (*name).to_string(),
        None => format!("CKM_0x{mechanism:08x}"),
    }
}

/// `CKA_...` name of an attribute type, for messages.
pub fn attribute_name(attribute: CK_ATTRIBUTE_TYPE) -> String {
    if attribute == cryptoki_sys::CKA_CERTIFICATE_CATEGORY {
        return "CKA_CERTIFICATE_CATEGORY".to_string();
    }
    match AttributeType::try_from(attribute) {
        Ok(AttributeType::VendorDefined(t)) => format!("CKA_VENDOR_DEFINED(0x{t:x})"),
        Ok(t) => t.to_string(),
        Err(_) => format!("attribute 0x{attribute:x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        let v = |bytes: &[u8]| RawValue::Bytes {
            bytes: bytes.to_vec(),
            announced: bytes.len(),
        };
        assert_eq!(v(&[1]).bool(), Some(true));
        assert_eq!(v(&[0]).bool(), Some(false));
        assert_eq!(v(&[0, 0]).bool(), None);
        assert_eq!(v(&2u64.to_ne_bytes()).ulong(), Some(2));
        assert_eq!(v(&[2]).ulong(), None);
        assert_eq!(RawValue::Missing.bytes(), None);
        assert_eq!(RawValue::TooLarge(9).ulong(), None);
    }

    #[test]
    fn names() {
        assert_eq!(attribute_name(cryptoki_sys::CKA_VALUE), "CKA_VALUE");
        assert_eq!(attribute_name(0x87), "CKA_CERTIFICATE_CATEGORY");
        assert_eq!(
            attribute_name(0x8000_0001),
            "CKA_VENDOR_DEFINED(0x80000001)"
        );
        assert_eq!(mechanism_name(cryptoki_sys::CKM_RSA_PKCS), "CKM_RSA_PKCS");
        // Names cryptoki's MechanismType has no variant for.
        assert_eq!(mechanism_name(cryptoki_sys::CKM_DES3_CBC), "CKM_DES3_CBC");
        assert_eq!(mechanism_name(cryptoki_sys::CKM_DSA_SHA1), "CKM_DSA_SHA1");
        // A value shared with a deprecated alias gets the current name.
        assert_eq!(mechanism_name(0x1040), "CKM_EC_KEY_PAIR_GEN");
        assert_eq!(mechanism_name(0x8000_0123), "CKM_VENDOR_DEFINED+0x123");
        assert_eq!(mechanism_name(0x7fff_fff0), "CKM_0x7ffffff0");
    }

    #[test]
    fn lists_are_bounded() {
        // A list that grows between every count and read is given up on.
        let mut grows: CK_ULONG = 1;
        let r = bounded_list::<CK_ULONG>(Function::GetSlotList, 16, |buf, count| {
            // SAFETY: a valid out-pointer from bounded_list.
            unsafe {
                if buf.is_null() {
                    *count = grows;
                    grows += 1;
                    CKR_OK
                } else {
                    CKR_BUFFER_TOO_SMALL
                }
            }
        });
        assert!(matches!(r, Err(ListError::KeepsGrowing)), "{r:?}");
        // A count past the limit is refused before anything is allocated.
        let r = bounded_list::<CK_ULONG>(Function::GetSlotList, 16, |_, count| {
            // SAFETY: a valid out-pointer from bounded_list.
            unsafe { *count = 1 << 40 };
            CKR_OK
        });
        assert!(
            matches!(r, Err(ListError::TooMany(n)) if n == 1 << 40),
            "{r:?}"
        );
        // A module claiming to have written more than its buffer is cut to the buffer.
        let r = bounded_list::<CK_ULONG>(Function::GetSlotList, 16, |buf, count| {
            // SAFETY: writes only within the `*count` entries bounded_list gave.
            unsafe {
                if !buf.is_null() {
                    for i in 0..*count {
                        *buf.add(i as usize) = i + 7;
                    }
                }
                *count = if buf.is_null() { 2 } else { 9 };
            }
            CKR_OK
        });
        assert_eq!(r.ok(), Some(vec![7, 8]));
    }
}
