//! Loading a PKCS#11 module and opening read-only sessions on its tokens.
//!
//! ```text
//! Module::load(path) ─ C_Initialize(flags 0: one thread)         (Drop: C_Finalize)
//!   ├─ library_info / slots / token_info / mechanisms   (summaries: info.rs)
//!   └─ open_ro_session(slot) ─► TokenSession   (borrows the Module, Drop: C_CloseSession)
//!        ├─ login(pin)            one C_Login, never a retry
//!        └─ find_objects(template) ─► Vec<ObjectInfo>   (read/: one search; per object one
//!           for_each_sorted(…)           or two C_GetAttributeValue calls, no secret requested,
//!                                      lengths checked against max_attribute_size)
//! ```
//!
//! `Module` and `TokenSession` share this file because each constructs or borrows the
//! other: the borrow makes "finalize while a session is open" a compile error. What
//! cryptoki 0.12 does and does not do for us, and why most calls go through
//! [`crate::token::read::raw`] instead: docs/design.md, "PKCS#11".

use std::cell::Cell;
use std::ffi::c_ulong;
use std::marker::PhantomData;
use std::ops::Deref;
use std::path::{Path, PathBuf};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::object::Attribute;
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use cryptoki_sys::CK_ULONG;

use crate::token::error::TokenError;
use crate::token::info::{cannot_describe, flag_names, token_flags};
use crate::token::read::raw::{
    initialize_args_with_reserved, mechanism_name, AttributeReader, FindError, ListError,
    RawSession, RawValue, DEFAULT_MAX_OBJECTS, LIST_ROUNDS, MAX_MECHANISMS, MAX_SLOTS,
};
use crate::token::read::{find_error, find_objects_limited, for_each_object, Limits};
use crate::token::uri::Pkcs11Uri;
use crate::token::watchdog::{Armed, ModuleCall, Watchdog};

pub use crate::token::info::{LibraryInfo, MechanismSummary, SlotSummary, TokenSummary};
pub use crate::token::object::{CertificateCategory, ObjectInfo, ObjectKind};
pub use crate::token::read::DEFAULT_MAX_ATTRIBUTE_SIZE;

/// A loaded and initialised PKCS#11 module. Dropping it calls `C_Finalize` (when this
/// value did the `C_Initialize`), because cryptoki 0.12 does not.
#[derive(Debug)]
pub struct Module {
    ctx: Pkcs11,
    reader: AttributeReader,
    path: PathBuf,
    finalize_on_drop: bool,
    /// The `pReserved` string `C_Initialize` was given (`--init-args`), kept for as long as
    /// the module is loaded since the module may hold on to it.
    _init_args: Option<std::ffi::CString>,
    /// Not `Sync`: the only calls from several threads at once are a listing's reads,
    /// made by certscope itself and only under OS locking (`crate::token::read`).
    _one_thread: PhantomData<Cell<()>>,
}

impl Module {
    /// Loads the module file and calls `C_Initialize` with `CKF_OS_LOCKING_OK` and no
    /// mutex functions (p11-kit's flags), which also lets a listing read on several threads
    /// ([`AttributeReader::threads_allowed`]).
    ///
    /// `CKR_CRYPTOKI_ALREADY_INITIALIZED` (something else in this process initialised the
    /// same library) is accepted, and then this value will not finalize it. A module that
    /// answers `CKR_CANT_LOCK` is initialised again with no flags, and read on one thread.
    pub fn load(path: impl AsRef<Path>) -> Result<Module, TokenError> {
        Module::load_watched(path, None)
    }

    /// [`Module::load`], with every call to the module that could block (from
    /// `C_Initialize` on) made under `watchdog`, which reports a call that does not return
    /// in time (it cannot be cancelled).
    pub fn load_watched(
        path: impl AsRef<Path>,
        watchdog: Option<Watchdog>,
    ) -> Result<Module, TokenError> {
        Module::load_with_init_args(path, watchdog, None)
    }

    /// [`Module::load_watched`], with `init_args` passed to `C_Initialize` as `pReserved`
    /// (NSS softoken's configuration string, p11-kit's `x-init-reserved`).
    pub fn load_with_init_args(
        path: impl AsRef<Path>,
        watchdog: Option<Watchdog>,
        init_args: Option<std::ffi::CString>,
    ) -> Result<Module, TokenError> {
        let path = path.as_ref();
        // The reader first: it refuses a NULL function list, which cryptoki would read
        // through (a crash); cryptoki then gets the same, already loaded, library.
        let mut reader = AttributeReader::load(path).map_err(|e| TokenError::from_load(path, e))?;
        if let Some(w) = watchdog {
            reader.set_watchdog(w);
        }
        let ctx = Pkcs11::new(path).map_err(|e| TokenError::from_load(path, e))?;
        let init_error = |e: CkError| TokenError::Initialize {
            path: path.to_path_buf(),
            cause: Box::new(e.into()),
            hint: init_hint(path),
        };
        let initialize = |flags| match reader.guard(ModuleCall::Initialize, || {
            ctx.initialize(match &init_args {
                Some(reserved) => initialize_args_with_reserved(flags, reserved),
                None => CInitializeArgs::new(flags),
            })
        }) {
            Ok(()) => Ok(true),
            Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => Ok(false),
            Err(e) => Err(e),
        };
        // CKF_OS_LOCKING_OK, as p11-kit initialises every module: modules that insist on
        // locking (gnome-keyring's, p11-kit's own) otherwise complain or refuse. A module
        // that cannot use OS locking says CKR_CANT_LOCK, and gets no flags.
        let finalize_on_drop = match initialize(CInitializeFlags::OS_LOCKING_OK) {
            Err(CkError::Pkcs11(RvError::CantLock, _)) => {
                initialize(CInitializeFlags::empty()).map_err(init_error)?
            }
            other => {
                let initialised = other.map_err(init_error)?;
                // CKR_OK to OS locking: the module may be called from several threads at
                // once (PKCS#11 3.x §5.4), which listings use (docs/pkcs11.md, "Reading on
                // several threads"). Not when someone else initialised it, flags unknown.
                reader.set_threads_ok(initialised);
                initialised
            }
        };
        Ok(Module {
            ctx,
            reader,
            path: path.to_path_buf(),
            finalize_on_drop,
            _init_args: init_args,
            _one_thread: PhantomData,
        })
    }

    /// The path the module was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The cryptoki context, for calls this module does not wrap.
    pub fn context(&self) -> &Pkcs11 {
        &self.ctx
    }

    /// Calls `C_Finalize` now and reports its result (dropping does the same silently).
    pub fn finalize(mut self) -> Result<(), TokenError> {
        let owned = std::mem::replace(&mut self.finalize_on_drop, false);
        if owned {
            let ctx = self.ctx.clone();
            self.reader.guard(ModuleCall::Finalize, || ctx.finalize())?;
        }
        Ok(())
    }

    /// `C_GetInfo`.
    pub fn library_info(&self) -> Result<LibraryInfo, TokenError> {
        let info = self
            .reader
            .guard(ModuleCall::GetInfo, || self.ctx.get_library_info())?;
        let v = info.cryptoki_version();
        let l = info.library_version();
        Ok(LibraryInfo {
            cryptoki_version: (v.major(), v.minor()),
            manufacturer: info.manufacturer_id().to_string(),
            description: info.library_description().to_string(),
            library_version: (l.major(), l.minor()),
        })
    }

    /// Slot ids through the module's own `C_GetSlotList` (bounded: cryptoki retries
    /// `CKR_BUFFER_TOO_SMALL` for ever and allocates any count).
    fn slot_ids(&self, token_present_only: bool) -> Result<Vec<c_ulong>, TokenError> {
        self.raw_list(
            || self.reader.slot_list(token_present_only),
            "C_GetSlotList",
            "slots",
            MAX_SLOTS,
        )
    }

    /// A list read raw by `read`, the bounds as errors. When the reader's instance of the
    /// module is not cryptoki's (p11-kit-proxy; found out by the first raw call), the
    /// reader initialises it and `read` runs again.
    fn raw_list<T>(
        &self,
        read: impl Fn() -> Result<Vec<T>, ListError>,
        function: &str,
        what: &str,
        max: usize,
    ) -> Result<Vec<T>, TokenError> {
        let fail = |message: String| TokenError::Other(format!("{function}: {message}"));
        let list = match read() {
            Err(ListError::Module(CkError::Pkcs11(RvError::CryptokiNotInitialized, _)))
                if !self.reader.is_own_instance() =>
            {
                self.reader.adopt_instance()?;
                read()
            }
            other => other,
        };
        match list {
            Ok(list) => Ok(list),
            Err(ListError::Module(e)) => Err(e.into()),
            Err(ListError::TooMany(n)) => Err(fail(format!(
                "the module reports {n} {what}, more than certscope accepts ({max})"
            ))),
            Err(ListError::KeepsGrowing) => Err(fail(format!(
                "the module kept answering CKR_BUFFER_TOO_SMALL ({LIST_ROUNDS} times); \
                 certscope stopped asking"
            ))),
        }
    }

    /// All slots, or only those with a token present.
    pub fn slots(&self, token_present_only: bool) -> Result<Vec<SlotSummary>, TokenError> {
        let slots = self
            .slot_ids(token_present_only)?
            .into_iter()
            .map(Slot::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        slots
            .into_iter()
            .map(|slot| {
                let info = self
                    .reader
                    .guard(ModuleCall::GetSlotInfo, || self.ctx.get_slot_info(slot))?;
                let hw = info.hardware_version();
                let fw = info.firmware_version();
                Ok(SlotSummary {
                    slot,
                    id: slot.id(),
                    description: info.slot_description().to_string(),
                    manufacturer: info.manufacturer_id().to_string(),
                    token_present: info.token_present(),
                    removable: info.removable_device(),
                    hardware: info.hardware_slot(),
                    flags: [
                        ("token_present", info.token_present()),
                        ("removable_device", info.removable_device()),
                        ("hw_slot", info.hardware_slot()),
                    ]
                    .iter()
                    .filter(|(_, set)| *set)
                    .map(|(name, _)| (*name).to_string())
                    .collect(),
                    hardware_version: (hw.major(), hw.minor()),
                    firmware_version: (fw.major(), fw.minor()),
                })
            })
            .collect()
    }

    /// `C_GetTokenInfo`.
    pub fn token_info(&self, slot: Slot) -> Result<TokenSummary, TokenError> {
        let info = self
            .reader
            .guard(ModuleCall::GetTokenInfo, || self.ctx.get_token_info(slot))?;
        let hw = info.hardware_version();
        let fw = info.firmware_version();
        Ok(TokenSummary {
            label: info.label().to_string(),
            manufacturer: info.manufacturer_id().to_string(),
            model: info.model().to_string(),
            serial: info.serial_number().to_string(),
            flags: token_flags(&info),
            min_pin_len: available(info.min_pin_length()),
            max_pin_len: available(info.max_pin_length()),
            free_public_memory: info.free_public_memory(),
            total_public_memory: info.total_public_memory(),
            free_private_memory: info.free_private_memory(),
            total_private_memory: info.total_private_memory(),
            hardware_version: (hw.major(), hw.minor()),
            firmware_version: (fw.major(), fw.minor()),
        })
    }

    /// Whether the token in `slot` holds at least one object a session without login sees:
    /// one search through the raw layer (stopped after its first batch of handles). For tokens without `CKF_TOKEN_INITIALIZED` whose
    /// contents come with the module (NSS's built-in roots), which are not blank.
    pub fn has_public_objects(&self, slot: Slot) -> Result<bool, TokenError> {
        let session = self.open_ro_session(slot)?;
        let search = |raw: &RawSession<'_>| self.reader.find_objects(raw, &[], 1);
        let found = match search(&self.reader.open_session(session.session(), slot.into())?) {
            Err(FindError::Module(CkError::Pkcs11(RvError::CryptokiNotInitialized, _)))
                if !self.reader.is_own_instance() =>
            {
                self.reader.adopt_instance()?;
                search(&self.reader.open_session(session.session(), slot.into())?)
            }
            other => other,
        };
        match found {
            Ok(handles) => Ok(!handles.is_empty()),
            // More than the one asked for: there is something.
            Err(FindError::TooMany(_)) => Ok(true),
            Err(e) => Err(find_error(e, 1)),
        }
    }

    /// The slots whose library, slot and token match the URI's library, slot and token
    /// attributes, with their token info. Slots without a token match only a URI with no
    /// token attributes.
    /// A slot whose token cannot be read is left out ([`Module::scan_slots`] keeps it).
    pub fn slots_matching(
        &self,
        uri: &Pkcs11Uri,
    ) -> Result<Vec<(SlotSummary, Option<TokenSummary>)>, TokenError> {
        Ok(self.scan_slots(uri)?.matching)
    }

    /// [`Module::slots_matching`], and apart the slots whose library and slot attributes
    /// match but whose `C_GetTokenInfo` fails (an unrecognised card in one reader answers
    /// `CKR_TOKEN_NOT_RECOGNIZED`): one bad slot must not hide the tokens of the others.
    pub fn scan_slots(&self, uri: &Pkcs11Uri) -> Result<SlotScan, TokenError> {
        let mut scan = SlotScan::default();
        let lib = self.library_info()?;
        if !uri.matches_library(&lib.description, &lib.manufacturer, lib.library_version) {
            return Ok(scan);
        }
        let wants_token = uri.token.is_some()
            || uri.manufacturer.is_some()
            || uri.model.is_some()
            || uri.serial.is_some();
        for slot in self.slots(false)? {
            if !uri.matches_slot(slot.id, &slot.description, &slot.manufacturer) {
                continue;
            }
            let token = if slot.token_present {
                match self.token_info(slot.slot) {
                    Ok(t) => Some(t),
                    // The module answered for this slot only; the others may be fine.
                    Err(e @ TokenError::Pkcs11 { .. }) => {
                        scan.unreadable.push((slot, e));
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            } else {
                None
            };
            let ok = match &token {
                Some(t) => uri.matches_token(&t.label, &t.manufacturer, &t.model, &t.serial),
                None => !wants_token,
            };
            if ok {
                scan.matching.push((slot, token));
            }
        }
        Ok(scan)
    }

    /// The mechanisms of a slot with their info, in the module's order, through the
    /// module's own `C_GetMechanismList` and `C_GetMechanismInfo` (cryptoki's list leaves
    /// out the mechanisms it cannot name), p11-kit-proxy's too.
    ///
    /// A mechanism the module lists but will not describe (`CKR_MECHANISM_INVALID`, or no
    /// `C_GetMechanismInfo` at all) is shown without key sizes and flags rather than hiding
    /// the rest; any other failure (token removed, device error) is an error, because a
    /// list without the flags the token has would be presented as complete.
    pub fn mechanisms(&self, slot: Slot) -> Result<Vec<MechanismSummary>, TokenError> {
        let list = self.raw_list(
            || self.reader.mechanism_list(slot.into()),
            "C_GetMechanismList",
            "mechanisms",
            MAX_MECHANISMS,
        )?;
        list.into_iter()
            .map(|m| {
                let info = match self.reader.mechanism_info(slot.into(), m) {
                    Ok(info) => Some(info),
                    Err(e) if cannot_describe(&e) => None,
                    Err(e) => return Err(e.into()),
                };
                let size = |s: CK_ULONG| usize::try_from(s).unwrap_or(usize::MAX);
                Ok(MechanismSummary {
                    name: mechanism_name(m),
                    key_sizes: info.map(|i| (size(i.ulMinKeySize), size(i.ulMaxKeySize))),
                    flags: info.map(|i| flag_names(i.flags)).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Opens a read-only session. certscope never writes to a token.
    ///
    /// A token that is present but not initialised (SoftHSM's free slot, a blank card)
    /// makes `C_OpenSession` fail with `CKR_TOKEN_NOT_RECOGNIZED`, whose usual advice
    /// ("wrong module?") would mislead; that case becomes [`TokenError::NoToken`].
    pub fn open_ro_session(&self, slot: Slot) -> Result<TokenSession<'_>, TokenError> {
        let session = match self
            .reader
            .guard(ModuleCall::OpenSession, || self.ctx.open_ro_session(slot))
        {
            Ok(session) => session,
            Err(CkError::Pkcs11(RvError::TokenNotRecognized, function)) => {
                let blank = self
                    .token_info(slot)
                    .is_ok_and(|t| !t.has_flag("token_initialized"));
                return Err(if blank {
                    TokenError::NoToken {
                        slot: slot.id(),
                        reason: "the token in it is not initialised",
                    }
                } else {
                    TokenError::Pkcs11 {
                        function,
                        rv: RvError::TokenNotRecognized,
                    }
                });
            }
            Err(e) => return Err(e.into()),
        };
        Ok(TokenSession {
            module: self,
            slot,
            session,
            logged_in: false,
            max_attribute_size: DEFAULT_MAX_ATTRIBUTE_SIZE,
            max_objects: DEFAULT_MAX_OBJECTS,
            read_threads: 0,
            closing: None,
        })
    }
}

/// Advice for a failed `C_Initialize`. SoftHSM answers `CKR_GENERAL_ERROR` when its
/// configuration file or token directory is missing and says why only in syslog, so the
/// message names the usual cause.
fn init_hint(path: &Path) -> &'static str {
    if path
        .to_string_lossy()
        .to_ascii_lowercase()
        .contains("softhsm")
    {
        "; SoftHSM fails like this when the file named by SOFTHSM2_CONF (default \
         /etc/softhsm/softhsm2.conf) or the directories.tokendir it names does not exist or \
         cannot be read"
    } else {
        ""
    }
}

impl Drop for Module {
    fn drop(&mut self) {
        if self.finalize_on_drop {
            // Nothing useful can be done with an error here; `finalize()` reports it.
            let ctx = self.ctx.clone();
            let _ = self.reader.guard(ModuleCall::Finalize, || ctx.finalize());
        }
    }
}

/// `ulMinPinLen`/`ulMaxPinLen` the module could not tell (`CK_UNAVAILABLE_INFORMATION`).
const UNAVAILABLE: usize = usize::MAX;

/// `None` for `CK_UNAVAILABLE_INFORMATION` (all ones, which cryptoki passes through as
/// `usize::MAX`), so that it is never shown as 18446744073709551615.
fn available(value: usize) -> Option<usize> {
    (value != UNAVAILABLE).then_some(value)
}

/// Why `pin` must not be sent to a token whose PIN length is `min..=max` bytes, or `None`
/// when it may be. Empty is never sent, whatever the token says: a module that counts
/// failures (kryoptic) counts an empty PIN too. A bound of 0 or `CK_UNAVAILABLE_INFORMATION`
/// is not known and not checked (0 as a maximum is what some modules report for "none").
pub fn pin_length_problem(pin: &str, min: usize, max: usize) -> Option<String> {
    let len = pin.len();
    if len == 0 {
        return Some("the PIN is empty".to_string());
    }
    if min != UNAVAILABLE && len < min {
        return Some(format!(
            "the PIN has {len} bytes, fewer than the {min} the token accepts (ulMinPinLen)"
        ));
    }
    if max != UNAVAILABLE && max != 0 && len > max {
        return Some(format!(
            "the PIN has {len} bytes, more than the {max} the token accepts (ulMaxPinLen)"
        ));
    }
    None
}

/// What [`Module::scan_slots`] found.
#[derive(Debug, Default)]
pub struct SlotScan {
    /// The slots that match, with their token (none for an empty slot).
    pub matching: Vec<(SlotSummary, Option<TokenSummary>)>,
    /// The slots whose library and slot attributes match but whose token could not be
    /// read, with the error (`C_GetTokenInfo`'s).
    pub unreadable: Vec<(SlotSummary, TokenError)>,
}

/// What [`TokenSession::login`] may risk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginPolicy {
    /// Send the PIN even when the token says a wrong one would lock it
    /// (`CKF_USER_PIN_FINAL_TRY`). Off by default: a typo must not lock a card.
    pub allow_final_try: bool,
}

/// A read-only session on one slot. Borrows its [`Module`], so the module cannot be
/// finalized under it. Dropping it closes the session (cryptoki's `Session` does that),
/// under the module's watchdog.
#[derive(Debug)]
pub struct TokenSession<'m> {
    module: &'m Module,
    slot: Slot,
    session: Session,
    logged_in: bool,
    max_attribute_size: usize,
    max_objects: usize,
    read_threads: usize,
    /// Set by `drop` and dropped after `session` (fields drop in declaration order): the
    /// watchdog watches the `C_CloseSession` cryptoki makes when its `Session` drops.
    closing: Option<Armed<'m>>,
}

impl Drop for TokenSession<'_> {
    fn drop(&mut self) {
        self.closing = self.module.reader.arm(ModuleCall::CloseSession);
    }
}

impl TokenSession<'_> {
    /// The slot of this session.
    pub fn slot(&self) -> Slot {
        self.slot
    }

    /// The cryptoki session, for calls this module does not wrap.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Did a [`TokenSession::login`] succeed?
    pub fn is_logged_in(&self) -> bool {
        self.logged_in
    }

    /// Logs the user in with exactly one `C_Login`, never retried: a wrong PIN comes back
    /// as `CKR_PIN_INCORRECT` and the next try is the user's decision, because each wrong
    /// try counts towards locking the card.
    ///
    /// Before sending anything it reads the token flags: a locked PIN is reported without
    /// calling `C_Login`, and a PIN on its final try is only sent if `policy` allows it.
    /// `pin: None` logs in through the token's protected authentication path (PIN pad) when
    /// it has one. `CKR_USER_ALREADY_LOGGED_IN` counts as success (PKCS#11 login state is
    /// per token, so another session of this process may have logged in).
    pub fn login(&mut self, pin: Option<&str>, policy: LoginPolicy) -> Result<(), TokenError> {
        if self.logged_in {
            return Ok(());
        }
        let token = self.module.token_info(self.slot)?;
        if token.has_flag("user_pin_locked") {
            return Err(TokenError::PinLocked { label: token.label });
        }
        if token.has_flag("user_pin_final_try") && !policy.allow_final_try {
            return Err(TokenError::PinFinalTry { label: token.label });
        }
        if let Some(pin) = pin {
            if let Some(reason) = pin_length_problem(
                pin,
                token.min_pin_len.unwrap_or(UNAVAILABLE),
                token.max_pin_len.unwrap_or(UNAVAILABLE),
            ) {
                return Err(TokenError::PinRefused {
                    source_name: format!("the PIN for token \"{}\"", token.label),
                    reason,
                });
            }
        }
        let result = match pin {
            Some(pin) => {
                // AuthPin (secrecy::SecretString) zeroizes its copy when dropped.
                let auth = AuthPin::from(pin);
                self.module.reader.guard(ModuleCall::Login, || {
                    self.session.login(UserType::User, Some(&auth))
                })
            }
            None if token.has_flag("protected_authentication_path") => {
                self.module.reader.guard(ModuleCall::Login, || {
                    self.session.login(UserType::User, None)
                })
            }
            None => return Err(TokenError::from(CkError::PinNotSet)),
        };
        match result {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {
                self.logged_in = true;
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Sets the largest attribute value [`TokenSession::find_objects`] accepts
    /// (default [`DEFAULT_MAX_ATTRIBUTE_SIZE`]).
    pub fn set_max_attribute_size(&mut self, bytes: usize) {
        self.max_attribute_size = bytes;
    }

    /// Sets how many threads read a listing's attributes (default 0: one per core, at most
    /// [`crate::token::read::MAX_READ_THREADS`], for a module whose reads are slow, else
    /// one); 1 reads on the calling thread only. More than one are used only when the
    /// module accepted OS locking and opens the extra sessions (docs/pkcs11.md, "Reading on
    /// several threads").
    pub fn set_read_threads(&mut self, threads: usize) {
        self.read_threads = threads;
    }

    /// Sets the most objects one search of [`TokenSession::find_objects`] accepts
    /// (default [`DEFAULT_MAX_OBJECTS`]): a module whose search never ends is stopped there.
    pub fn set_max_objects(&mut self, objects: usize) {
        self.max_objects = objects;
    }

    /// `find_objects_limited` on this session, with its attribute size and object limits.
    pub fn find_objects(&self, template: &[Attribute]) -> Result<Vec<ObjectInfo>, TokenError> {
        find_objects_limited(
            &self.session,
            self.slot.into(),
            &self.module.reader,
            template,
            self.limits(),
        )
    }
}

impl TokenSession<'_> {
    /// The objects matching `template`, handed to `each` one at a time in listing order
    /// (class, label, ID) as they are read: their values are not all held at once
    /// (`for_each_object`). An error from `each` ends the listing and is returned.
    pub fn for_each_sorted(
        &self,
        template: &[Attribute],
        each: &mut dyn FnMut(ObjectInfo) -> Result<(), TokenError>,
    ) -> Result<(), TokenError> {
        for_each_object(
            &self.session,
            self.slot.into(),
            &self.module.reader,
            template,
            self.limits(),
            true,
            each,
        )
    }

    fn limits(&self) -> Limits {
        Limits {
            attribute_size: self.max_attribute_size,
            objects: self.max_objects,
            threads: self.read_threads,
        }
    }

    /// The attributes `types` of the object `handle` (found by this session) in two raw
    /// `C_GetAttributeValue` calls, with the session's attribute size limit. For `token list
    /// --attributes`; the caller chooses `types` and never names a secret. Through p11-kit's
    /// proxy the read goes through the reader's own instance, as searches do
    /// ([`AttributeReader::open_session`]), so this is always `Some`.
    pub fn read_attributes(
        &self,
        handle: u64,
        types: &[cryptoki_sys::CK_ATTRIBUTE_TYPE],
    ) -> Result<Option<Vec<(cryptoki_sys::CK_ATTRIBUTE_TYPE, RawValue)>>, TokenError> {
        let reader = &self.module.reader;
        let raw = cryptoki_sys::CK_OBJECT_HANDLE::try_from(handle)
            .map_err(|_| TokenError::Filter(format!("object handle {handle} is out of range")))?;
        let session = reader.open_session(&self.session, self.slot.into())?;
        Ok(Some(reader.read(
            &session,
            raw,
            types,
            self.max_attribute_size,
        )?))
    }
}

impl Deref for TokenSession<'_> {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    /// Loads `path`, which must fail with `TokenError::Load`, and gives that case with the
    /// error's sentence (for the assertion messages and the wording checks).
    fn load_failure(path: impl AsRef<Path>) -> (crate::token::load_diagnosis::LoadFailure, String) {
        let e = Module::load(path).unwrap_err();
        let TokenError::Load { kind, .. } = &e else {
            panic!("not a load error: {e}");
        };
        (kind.clone(), e.to_string())
    }

    #[test]
    fn pin_lengths() {
        assert!(pin_length_problem("", 0, 0).unwrap().contains("empty"));
        assert!(pin_length_problem("", UNAVAILABLE, UNAVAILABLE).is_some());
        assert!(pin_length_problem("123", 4, 255).unwrap().contains("fewer"));
        assert!(pin_length_problem("12345", 4, 4).unwrap().contains("more"));
        assert_eq!(pin_length_problem("1234", 4, 255), None);
        assert_eq!(pin_length_problem("1", UNAVAILABLE, UNAVAILABLE), None);
        assert_eq!(pin_length_problem("123456789", 0, 0), None);
    }

    #[test]
    fn load_errors() {
        use crate::token::load_diagnosis::LoadFailure;
        let (kind, e) = load_failure("/nonexistent/libnothing.so");
        assert_eq!(kind, LoadFailure::NotFound, "{e}");
        assert!(e.contains("does not exist"), "{e}");
        let dir = std::env::temp_dir();
        let (kind, e) = load_failure(&dir);
        assert_eq!(kind, LoadFailure::NotSharedLibrary, "{e}");
        let text = dir.join(format!("certscope-not-a-lib-{}.so", std::process::id()));
        std::fs::write(
            &text,
            b"this is not an ELF file, it is text long enough to read a header from",
        )
        .unwrap();
        let (kind, e) = load_failure(&text);
        let _ = std::fs::remove_file(&text);
        assert_eq!(kind, LoadFailure::NotSharedLibrary, "{e}");
        let libm = [
            "/lib/x86_64-linux-gnu/libm.so.6",
            "/usr/lib/x86_64-linux-gnu/libm.so.6",
            "/lib64/libm.so.6",
        ]
        .into_iter()
        .find(|p| Path::new(p).exists());
        if let Some(libm) = libm {
            let (kind, e) = load_failure(libm);
            assert_eq!(kind, LoadFailure::NotPkcs11Module, "{e}");
            assert!(e.contains("no C_GetFunctionList symbol"), "{e}");
        }
    }
}
