//! Loading a PKCS#11 module and reading what its tokens hold, read-only.
//!
//! ```text
//! Module::load(path) ─ C_Initialize(flags 0: one thread)         (Drop: C_Finalize)
//!   ├─ library_info / slots / token_info / mechanisms
//!   └─ open_ro_session(slot) ─► TokenSession   (borrows the Module, Drop: C_CloseSession)
//!        ├─ login(pin)            one C_Login, never a retry
//!        └─ find_objects(template) ─► Vec<ObjectInfo>   (one search; per object two
//!                                      C_GetAttributeValue calls, no secret ever requested,
//!                                      lengths checked against max_attribute_size)
//! ```
//!
//! Facts about cryptoki 0.12.1 this module is built on (read from its source, and checked
//! against SoftHSM 2.6.1 and p11-kit-trust 0.24.1 by the `tests/token_*.rs` suites and the
//! prototype's notes in `docs/pkcs11.md`):
//! - `Pkcs11` has **no** `Drop` that finalizes: without [`Module`]'s guard, `C_Finalize`
//!   would never be called. `Pkcs11::finalize(self)` consumes one clone; `Session`s hold
//!   clones too, so [`TokenSession`] borrows the [`Module`] to make "finalize while a
//!   session is open" a compile error.
//! - Initialization is `CInitializeArgs::new(CInitializeFlags::empty())` (there is no
//!   `CInitializeArgs::NoThreads` in 0.12): a non-NULL argument without
//!   `CKF_OS_LOCKING_OK` or mutex functions, which tells the module the application will
//!   not call it from several threads at once. That holds: [`Module`] is not `Sync`, and
//!   certscope makes every PKCS#11 call on one thread. SoftHSM then takes no lock per object
//!   (with `CKF_OS_LOCKING_OK` its `C_Initialize` of a 10,000-object token was 2–4 % slower,
//!   the gap between `token find --label` and `pkcs11-tool --read-object`, which passes
//!   NULL). p11-kit modules refuse that with `CKR_CANT_LOCK` and get `CKF_OS_LOCKING_OK`.
//! - `Session::get_attributes` turns every value back into a typed `Attribute` and fails
//!   the **whole** call when it cannot (`CKA_CERTIFICATE_CATEGORY`, even as
//!   `AttributeType::VendorDefined`; an object class or key type it has no name for), and
//!   it allocates whatever length the module's size answer says (a failed allocation
//!   aborts the process). So attributes are read with [`AttributeReader`] instead: the
//!   module's own `C_GetAttributeValue`, two calls per object (lengths, then values), raw
//!   values, every length checked against [`DEFAULT_MAX_ATTRIBUTE_SIZE`] before anything is
//!   allocated (`src/token/raw.rs`, the one module with `unsafe` code). The class of an
//!   object found without a class in the template is one more (single) call.
//! - The object search iterator discards an error from `C_FindObjectsFinal` (it only
//!   logs it); the module then answers the next `C_FindObjectsInit` with
//!   `CKR_OPERATION_ACTIVE`, which is what the user is told.
//! - `get_all_slots`/`get_slots_with_token` retry `C_GetSlotList` for as long as the module
//!   answers `CKR_BUFFER_TOO_SMALL` (a module that always does hangs the caller) and
//!   allocate any count: slots are listed by [`AttributeReader::slot_list`] instead,
//!   bounded, and by cryptoki only through p11-kit-proxy.
//! - `Pkcs11::get_mechanism_list` silently drops mechanisms cryptoki has no name for
//!   (SoftHSM 2.6.1 reports 70, cryptoki returns 40: the DES, DSA, DH, MD5, SHA-224 digest
//!   ... ones): mechanisms are listed by [`AttributeReader::mechanism_list`] instead, and
//!   by cryptoki only through p11-kit-proxy.

use std::cell::Cell;
use std::ffi::c_ulong;
use std::marker::PhantomData;
use std::ops::Deref;
use std::path::{Path, PathBuf};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Function, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::MechanismInfo;
use cryptoki::object::{
    Attribute, AttributeType, CertificateType, KeyType, ObjectClass, ObjectHandle,
};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::{Slot, TokenInfo};
use cryptoki::types::AuthPin;
use cryptoki_sys::{
    CKA_ALWAYS_AUTHENTICATE, CKA_APPLICATION, CKA_CERTIFICATE_TYPE, CKA_DECRYPT, CKA_DERIVE,
    CKA_EC_PARAMS, CKA_ENCRYPT, CKA_EXTRACTABLE, CKA_ID, CKA_KEY_TYPE, CKA_LABEL, CKA_MODIFIABLE,
    CKA_MODULUS, CKA_MODULUS_BITS, CKA_PRIVATE, CKA_SENSITIVE, CKA_SIGN, CKA_SUBJECT, CKA_TRUSTED,
    CKA_UNWRAP, CKA_VALUE, CKA_VALUE_LEN, CKA_VERIFY, CKA_WRAP, CKF_DECRYPT, CKF_DERIVE,
    CKF_DIGEST, CKF_EC_COMPRESS, CKF_EC_CURVENAME, CKF_EC_ECPARAMETERS, CKF_EC_F_2M, CKF_EC_F_P,
    CKF_EC_OID, CKF_EC_UNCOMPRESS, CKF_ENCRYPT, CKF_EXTENSION, CKF_GENERATE, CKF_GENERATE_KEY_PAIR,
    CKF_HW, CKF_SIGN, CKF_SIGN_RECOVER, CKF_UNWRAP, CKF_VERIFY, CKF_VERIFY_RECOVER, CKF_WRAP,
    CK_ATTRIBUTE_TYPE, CK_FLAGS, CK_ULONG,
};
use serde::Serialize;

use crate::oids;
use crate::token::read::raw::{
    attribute_name, mechanism_name, AttributeReader, FindError, ListError, RawValue,
    DEFAULT_MAX_OBJECTS, LIST_ROUNDS, MAX_MECHANISMS, MAX_SLOTS,
};
use crate::token::read::via_cryptoki as compat;
use crate::token::rv::TokenError;
use crate::token::uri::{ObjectType, Pkcs11Uri};
use crate::token::watchdog::{ModuleCall, Watchdog};

/// The largest attribute value certscope accepts from a module, unless told otherwise:
/// far above any real certificate (the largest value it reads), far below a length that
/// would exhaust memory.
pub const DEFAULT_MAX_ATTRIBUTE_SIZE: usize = 16 * 1024 * 1024;

/// `CKA_CERTIFICATE_CATEGORY` (PKCS#11 2.20+), which cryptoki 0.12 has no variant for.
pub const CKA_CERTIFICATE_CATEGORY: c_ulong = 0x87;
/// `CKA_CLASS`, for raw template attributes.
pub const CKA_CLASS: c_ulong = 0x0;

/// A template attribute with a raw type number and raw value bytes. cryptoki passes
/// `Attribute::VendorDefined` through to the module unchanged whatever the number, which
/// is the only safe way to put attributes it does not model into a template.
pub fn raw_attribute(attribute_type: c_ulong, value: Vec<u8>) -> Attribute {
    Attribute::VendorDefined((AttributeType::VendorDefined(attribute_type), value))
}

/// A raw `CK_ULONG`-valued template attribute (native byte order, as PKCS#11 wants).
pub fn raw_ulong_attribute(attribute_type: c_ulong, value: c_ulong) -> Attribute {
    raw_attribute(attribute_type, value.to_ne_bytes().to_vec())
}

/// Library information (`C_GetInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryInfo {
    /// PKCS#11 version the module implements.
    pub cryptoki_version: (u8, u8),
    /// `manufacturerID`, blank padding removed.
    pub manufacturer: String,
    /// `libraryDescription`, blank padding removed.
    pub description: String,
    /// `libraryVersion`.
    pub library_version: (u8, u8),
}

/// A slot (`C_GetSlotList` + `C_GetSlotInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotSummary {
    /// The cryptoki handle, for further calls.
    pub slot: Slot,
    /// The slot ID as the module numbers it (what `slot-id=` in a URI means).
    pub id: u64,
    /// `slotDescription`.
    pub description: String,
    /// `manufacturerID`.
    pub manufacturer: String,
    /// `CKF_TOKEN_PRESENT`.
    pub token_present: bool,
    /// `CKF_REMOVABLE_DEVICE`.
    pub removable: bool,
    /// `CKF_HW_SLOT`.
    pub hardware: bool,
    /// The `CKF_*` slot flags that are set, lower case (`token_present`,
    /// `removable_device`, `hw_slot`).
    pub flags: Vec<String>,
    /// Hardware version.
    pub hardware_version: (u8, u8),
    /// Firmware version.
    pub firmware_version: (u8, u8),
}

/// A token (`C_GetTokenInfo`). Serializes as the `token` object of `token slots`
/// (docs/json.md): versions as `MAJOR.MINOR`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenSummary {
    /// `label`, blank padding removed.
    pub label: String,
    /// `manufacturerID`.
    pub manufacturer: String,
    /// `model`.
    pub model: String,
    /// `serialNumber`.
    pub serial: String,
    /// The `CKF_*` flags that are set, lower case without prefix (`login_required`,
    /// `token_initialized`, `user_pin_initialized`, `write_protected`, `user_pin_locked`...).
    pub flags: Vec<String>,
    /// Minimum PIN length.
    pub min_pin_len: usize,
    /// Maximum PIN length.
    pub max_pin_len: usize,
    /// Free memory for public objects, if the token says.
    pub free_public_memory: Option<usize>,
    /// Total memory for public objects, if the token says.
    pub total_public_memory: Option<usize>,
    /// Free memory for private objects, if the token says.
    pub free_private_memory: Option<usize>,
    /// Total memory for private objects, if the token says.
    pub total_private_memory: Option<usize>,
    /// Hardware version.
    #[serde(serialize_with = "major_minor")]
    pub hardware_version: (u8, u8),
    /// Firmware version.
    #[serde(serialize_with = "major_minor")]
    pub firmware_version: (u8, u8),
}

/// `(3, 1)` as `"3.1"`.
fn major_minor<S: serde::Serializer>(v: &(u8, u8), serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&crate::token::report::version(*v))
}

impl TokenSummary {
    /// Is the named flag (as in [`TokenSummary::flags`]) set?
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

fn token_flags(info: &TokenInfo) -> Vec<String> {
    // In CK_TOKEN_INFO bit order, so the list reads like the spec and is stable.
    let all: [(&str, bool); 19] = [
        ("rng", info.rng()),
        ("write_protected", info.write_protected()),
        ("login_required", info.login_required()),
        ("user_pin_initialized", info.user_pin_initialized()),
        ("restore_key_not_needed", info.restore_key_not_needed()),
        ("clock_on_token", info.clock_on_token()),
        (
            "protected_authentication_path",
            info.protected_authentication_path(),
        ),
        ("dual_crypto_operations", info.dual_crypto_operations()),
        ("token_initialized", info.token_initialized()),
        ("secondary_authentication", info.secondary_authentication()),
        ("user_pin_count_low", info.user_pin_count_low()),
        ("user_pin_final_try", info.user_pin_final_try()),
        ("user_pin_locked", info.user_pin_locked()),
        ("user_pin_to_be_changed", info.user_pin_to_be_changed()),
        ("so_pin_count_low", info.so_pin_count_low()),
        ("so_pin_final_try", info.so_pin_final_try()),
        ("so_pin_locked", info.so_pin_locked()),
        ("so_pin_to_be_changed", info.so_pin_to_be_changed()),
        ("error_state", info.error_state()),
    ];
    all.iter()
        .filter(|(_, set)| *set)
        .map(|(name, _)| (*name).to_string())
        .collect()
}

/// A mechanism (`C_GetMechanismList` + `C_GetMechanismInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MechanismSummary {
    /// `CKM_...` name ([`mechanism_name`]; cryptoki's own through p11-kit-proxy).
    pub name: String,
    /// Minimum and maximum key size (bits or bytes, depending on the mechanism), if
    /// `C_GetMechanismInfo` answered.
    pub key_sizes: Option<(usize, usize)>,
    /// The `CKF_*` flags that are set, lower case (`sign`, `verify`, `generate_key_pair`...).
    pub flags: Vec<String>,
}

/// The `CKF_*` flags of `C_GetMechanismInfo` and their names, as pkcs11-tool shows them.
const MECHANISM_FLAGS: [(CK_FLAGS, &str); 21] = [
    (CKF_HW, "hw"),
    (CKF_ENCRYPT, "encrypt"),
    (CKF_DECRYPT, "decrypt"),
    (CKF_DIGEST, "digest"),
    (CKF_SIGN, "sign"),
    (CKF_SIGN_RECOVER, "sign_recover"),
    (CKF_VERIFY, "verify"),
    (CKF_VERIFY_RECOVER, "verify_recover"),
    (CKF_GENERATE, "generate"),
    (CKF_GENERATE_KEY_PAIR, "generate_key_pair"),
    (CKF_WRAP, "wrap"),
    (CKF_UNWRAP, "unwrap"),
    (CKF_DERIVE, "derive"),
    (CKF_EC_F_P, "ec_f_p"),
    (CKF_EC_F_2M, "ec_f_2m"),
    (CKF_EC_ECPARAMETERS, "ec_parameters"),
    (CKF_EC_OID, "ec_oid"),
    (CKF_EC_UNCOMPRESS, "ec_uncompress"),
    (CKF_EC_COMPRESS, "ec_compress"),
    (CKF_EC_CURVENAME, "ec_curvename"),
    (CKF_EXTENSION, "extension"),
];

/// Whether a `C_GetMechanismInfo` failure means only "this mechanism cannot be described"
/// (it is then shown bare), not a failing token.
fn cannot_describe(e: &CkError) -> bool {
    matches!(
        e,
        CkError::NullFunctionPointer
            | CkError::Pkcs11(RvError::MechanismInvalid | RvError::FunctionNotSupported, _)
    )
}

/// The names of the flags set in `flags`.
fn flag_names(flags: CK_FLAGS) -> Vec<String> {
    MECHANISM_FLAGS
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, name)| (*name).to_string())
        .collect()
}

/// The raw flags behind cryptoki's `MechanismInfo` (p11-kit-proxy's path), so that both
/// paths name them with [`MECHANISM_FLAGS`] (cryptoki 0.12 has no `CKF_EC_CURVENAME`).
fn cryptoki_flags(info: &MechanismInfo) -> CK_FLAGS {
    [
        (info.hardware(), CKF_HW),
        (info.encrypt(), CKF_ENCRYPT),
        (info.decrypt(), CKF_DECRYPT),
        (info.digest(), CKF_DIGEST),
        (info.sign(), CKF_SIGN),
        (info.sign_recover(), CKF_SIGN_RECOVER),
        (info.verify(), CKF_VERIFY),
        (info.verify_recover(), CKF_VERIFY_RECOVER),
        (info.generate(), CKF_GENERATE),
        (info.generate_key_pair(), CKF_GENERATE_KEY_PAIR),
        (info.wrap(), CKF_WRAP),
        (info.unwrap(), CKF_UNWRAP),
        (info.derive(), CKF_DERIVE),
        (info.ec_f_p(), CKF_EC_F_P),
        (info.ec_f_2m(), CKF_EC_F_2M),
        (info.ec_from_parameters(), CKF_EC_ECPARAMETERS),
        (info.ec_from_oid(), CKF_EC_OID),
        (info.ec_uncompressed(), CKF_EC_UNCOMPRESS),
        (info.ec_compressed(), CKF_EC_COMPRESS),
        (info.extension(), CKF_EXTENSION),
    ]
    .iter()
    .filter(|(set, _)| *set)
    .fold(0, |all, (_, bit)| all | bit)
}

/// A loaded and initialised PKCS#11 module. Dropping it calls `C_Finalize` (when this
/// value did the `C_Initialize`), because cryptoki 0.12 does not.
#[derive(Debug)]
pub struct Module {
    ctx: Pkcs11,
    reader: AttributeReader,
    path: PathBuf,
    finalize_on_drop: bool,
    /// Not `Sync`: the module was told it is called from one thread at a time.
    _one_thread: PhantomData<Cell<()>>,
}

impl Module {
    /// Loads the module file and calls `C_Initialize` for an application that calls it
    /// from one thread at a time (flags 0, no mutex functions).
    ///
    /// `CKR_CRYPTOKI_ALREADY_INITIALIZED` (something else in this process initialised the
    /// same library) is accepted, and then this value will not finalize it. A module that
    /// answers `CKR_CANT_LOCK` (p11-kit's) is initialised again with `CKF_OS_LOCKING_OK`.
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
            ctx.initialize(CInitializeArgs::new(flags))
        }) {
            Ok(()) => Ok(true),
            Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => Ok(false),
            Err(e) => Err(e),
        };
        let finalize_on_drop = match initialize(CInitializeFlags::empty()) {
            // p11-kit modules insist on locking of their own.
            Err(CkError::Pkcs11(RvError::CantLock, _)) => {
                initialize(CInitializeFlags::OS_LOCKING_OK).map_err(init_error)?
            }
            other => other.map_err(init_error)?,
        };
        Ok(Module {
            ctx,
            reader,
            path: path.to_path_buf(),
            finalize_on_drop,
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
    /// `CKR_BUFFER_TOO_SMALL` for ever and allocates any count); `None` when the reader's
    /// instance of the module is not cryptoki's (p11-kit-proxy), and cryptoki must ask.
    fn slot_ids(&self, token_present_only: bool) -> Result<Option<Vec<c_ulong>>, TokenError> {
        self.raw_list(
            || self.reader.slot_list(token_present_only),
            "C_GetSlotList",
            "slots",
            MAX_SLOTS,
        )
    }

    /// A list read raw by `read`: `None` when the reader's instance of the module is not
    /// cryptoki's (p11-kit-proxy; found out by the first raw call), so that cryptoki must
    /// ask; the bounds as errors.
    fn raw_list<T>(
        &self,
        read: impl FnOnce() -> Result<Vec<T>, ListError>,
        function: &str,
        what: &str,
        max: usize,
    ) -> Result<Option<Vec<T>>, TokenError> {
        if self.reader.is_separate() {
            return Ok(None);
        }
        let fail = |message: String| TokenError::Other(format!("{function}: {message}"));
        match read() {
            Ok(list) => Ok(Some(list)),
            Err(ListError::Module(CkError::Pkcs11(RvError::CryptokiNotInitialized, _))) => {
                self.reader.mark_separate();
                Ok(None)
            }
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
        let slots = match self.slot_ids(token_present_only)? {
            Some(ids) => ids
                .into_iter()
                .map(Slot::try_from)
                .collect::<Result<Vec<_>, _>>()?,
            None if token_present_only => self
                .reader
                .guard(ModuleCall::GetSlotList, || self.ctx.get_slots_with_token())?,
            None => self
                .reader
                .guard(ModuleCall::GetSlotList, || self.ctx.get_all_slots())?,
        };
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
            min_pin_len: info.min_pin_length(),
            max_pin_len: info.max_pin_length(),
            free_public_memory: info.free_public_memory(),
            total_public_memory: info.total_public_memory(),
            free_private_memory: info.free_private_memory(),
            total_private_memory: info.total_private_memory(),
            hardware_version: (hw.major(), hw.minor()),
            firmware_version: (fw.major(), fw.minor()),
        })
    }

    /// The slots whose library, slot and token match the URI's library, slot and token
    /// attributes, with their token info. Slots without a token match only a URI with no
    /// token attributes.
    pub fn slots_matching(
        &self,
        uri: &Pkcs11Uri,
    ) -> Result<Vec<(SlotSummary, Option<TokenSummary>)>, TokenError> {
        let lib = self.library_info()?;
        if !uri.matches_library(&lib.description, &lib.manufacturer, lib.library_version) {
            return Ok(Vec::new());
        }
        let wants_token = uri.token.is_some()
            || uri.manufacturer.is_some()
            || uri.model.is_some()
            || uri.serial.is_some();
        let mut out = Vec::new();
        for slot in self.slots(false)? {
            if !uri.matches_slot(slot.id, &slot.description, &slot.manufacturer) {
                continue;
            }
            let token = if slot.token_present {
                Some(self.token_info(slot.slot)?)
            } else {
                None
            };
            let ok = match &token {
                Some(t) => uri.matches_token(&t.label, &t.manufacturer, &t.model, &t.serial),
                None => !wants_token,
            };
            if ok {
                out.push((slot, token));
            }
        }
        Ok(out)
    }

    /// The mechanisms of a slot with their info, in the module's order, through the
    /// module's own `C_GetMechanismList` and `C_GetMechanismInfo` (cryptoki's list leaves
    /// out the mechanisms it cannot name); through cryptoki only for p11-kit-proxy.
    ///
    /// A mechanism the module lists but will not describe (`CKR_MECHANISM_INVALID`, or no
    /// `C_GetMechanismInfo` at all) is shown without key sizes and flags rather than hiding
    /// the rest; any other failure (token removed, device error) is an error, because a
    /// list without the flags the token has would be presented as complete.
    pub fn mechanisms(&self, slot: Slot) -> Result<Vec<MechanismSummary>, TokenError> {
        let raw = self.raw_list(
            || self.reader.mechanism_list(slot.into()),
            "C_GetMechanismList",
            "mechanisms",
            MAX_MECHANISMS,
        )?;
        let Some(list) = raw else {
            return self.mechanisms_through_cryptoki(slot);
        };
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

    /// [`Module::mechanisms`] through cryptoki: only the mechanisms it can name.
    fn mechanisms_through_cryptoki(&self, slot: Slot) -> Result<Vec<MechanismSummary>, TokenError> {
        let list = self.reader.guard(ModuleCall::GetMechanismList, || {
            self.ctx.get_mechanism_list(slot)
        })?;
        list.into_iter()
            .map(|m| {
                let info = match self.reader.guard(ModuleCall::GetMechanismInfo, || {
                    self.ctx.get_mechanism_info(slot, m)
                }) {
                    Ok(info) => Some(info),
                    Err(e) if cannot_describe(&e) => None,
                    Err(e) => return Err(e.into()),
                };
                Ok(MechanismSummary {
                    name: m.to_string(),
                    key_sizes: info.as_ref().map(|i| (i.min_key_size(), i.max_key_size())),
                    flags: info
                        .as_ref()
                        .map(|i| flag_names(cryptoki_flags(i)))
                        .unwrap_or_default(),
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

/// What [`TokenSession::login`] may risk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginPolicy {
    /// Send the PIN even when the token says a wrong one would lock it
    /// (`CKF_USER_PIN_FINAL_TRY`). Off by default: a typo must not lock a card.
    pub allow_final_try: bool,
}

/// A read-only session on one slot. Borrows its [`Module`], so the module cannot be
/// finalized under it. Dropping it closes the session (cryptoki's `Session` does that).
#[derive(Debug)]
pub struct TokenSession<'m> {
    module: &'m Module,
    slot: Slot,
    session: Session,
    logged_in: bool,
    max_attribute_size: usize,
    max_objects: usize,
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

    /// Sets the most objects one search of [`TokenSession::find_objects`] accepts
    /// (default [`DEFAULT_MAX_OBJECTS`]): a module whose search never ends is stopped there.
    pub fn set_max_objects(&mut self, objects: usize) {
        self.max_objects = objects;
    }

    /// `find_objects_limited` on this session, with its attribute size and object limits.
    pub fn find_objects(&self, template: &[Attribute]) -> Result<Vec<ObjectInfo>, TokenError> {
        find_objects_limited(
            &self.session,
            &self.module.reader,
            template,
            Limits {
                attribute_size: self.max_attribute_size,
                objects: self.max_objects,
            },
        )
    }
}

impl Deref for TokenSession<'_> {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
}

/// The class of an object, as found by template search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// CKO_CERTIFICATE.
    Certificate,
    /// CKO_PUBLIC_KEY.
    PublicKey,
    /// CKO_PRIVATE_KEY.
    PrivateKey,
    /// CKO_SECRET_KEY.
    SecretKey,
    /// CKO_DATA.
    Data,
    /// Any other class (hardware features, domain parameters, vendor classes such as
    /// p11-kit's trust objects). cryptoki 0.12 cannot name these.
    Other,
}

/// The classes searched for, in this order.
pub(crate) const KNOWN_CLASSES: [(ObjectKind, ObjectClass); 5] = [
    (ObjectKind::Certificate, ObjectClass::CERTIFICATE),
    (ObjectKind::PublicKey, ObjectClass::PUBLIC_KEY),
    (ObjectKind::PrivateKey, ObjectClass::PRIVATE_KEY),
    (ObjectKind::SecretKey, ObjectClass::SECRET_KEY),
    (ObjectKind::Data, ObjectClass::DATA),
];

impl ObjectKind {
    /// Lower-case class name without `CKO_` (`certificate`, `private_key`, ... `other`).
    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Certificate => "certificate",
            ObjectKind::PublicKey => "public_key",
            ObjectKind::PrivateKey => "private_key",
            ObjectKind::SecretKey => "secret_key",
            ObjectKind::Data => "data",
            ObjectKind::Other => "other",
        }
    }

    /// The RFC 7512 `type=` for this class, if there is one.
    pub fn uri_type(self) -> Option<ObjectType> {
        match self {
            ObjectKind::Certificate => Some(ObjectType::Cert),
            ObjectKind::PublicKey => Some(ObjectType::Public),
            ObjectKind::PrivateKey => Some(ObjectType::Private),
            ObjectKind::SecretKey => Some(ObjectType::SecretKey),
            ObjectKind::Data => Some(ObjectType::Data),
            ObjectKind::Other => None,
        }
    }

    pub(crate) fn from_class(class: ObjectClass) -> ObjectKind {
        KNOWN_CLASSES
            .iter()
            .find(|(_, c)| *c == class)
            .map_or(ObjectKind::Other, |(k, _)| *k)
    }

    /// The kind of a raw `CKA_CLASS` value; classes cryptoki cannot name are `Other`.
    fn from_raw(class: CK_ULONG) -> ObjectKind {
        ObjectClass::try_from(class).map_or(ObjectKind::Other, ObjectKind::from_class)
    }

    /// The attributes read for this class (one [`AttributeReader::read`]). Never a
    /// secret: `CKA_VALUE` only for certificates.
    pub fn attributes(self) -> &'static [CK_ATTRIBUTE_TYPE] {
        match self {
            ObjectKind::Certificate => &[
                CKA_CLASS,
                CKA_LABEL,
                CKA_ID,
                CKA_VALUE,
                CKA_SUBJECT,
                CKA_PRIVATE,
                CKA_TRUSTED,
                CKA_CERTIFICATE_TYPE,
                CKA_CERTIFICATE_CATEGORY,
                CKA_MODIFIABLE,
            ],
            ObjectKind::PublicKey => &[
                CKA_CLASS,
                CKA_LABEL,
                CKA_ID,
                CKA_PRIVATE,
                CKA_TRUSTED,
                CKA_KEY_TYPE,
                CKA_MODULUS_BITS,
                CKA_EC_PARAMS,
                CKA_ENCRYPT,
                CKA_VERIFY,
                CKA_WRAP,
                CKA_DERIVE,
                CKA_MODIFIABLE,
            ],
            // CKA_MODULUS is public (it is also in the public key and the certificate);
            // it gives the size when the token has no CKA_MODULUS_BITS on private keys.
            ObjectKind::PrivateKey => &[
                CKA_CLASS,
                CKA_LABEL,
                CKA_ID,
                CKA_PRIVATE,
                CKA_KEY_TYPE,
                CKA_MODULUS_BITS,
                CKA_MODULUS,
                CKA_EC_PARAMS,
                CKA_SENSITIVE,
                CKA_EXTRACTABLE,
                CKA_SIGN,
                CKA_DECRYPT,
                CKA_UNWRAP,
                CKA_DERIVE,
                CKA_MODIFIABLE,
                CKA_ALWAYS_AUTHENTICATE,
            ],
            ObjectKind::SecretKey => &[
                CKA_CLASS,
                CKA_LABEL,
                CKA_ID,
                CKA_PRIVATE,
                CKA_TRUSTED,
                CKA_KEY_TYPE,
                CKA_VALUE_LEN,
                CKA_SENSITIVE,
                CKA_EXTRACTABLE,
                CKA_ENCRYPT,
                CKA_DECRYPT,
                CKA_SIGN,
                CKA_VERIFY,
                CKA_WRAP,
                CKA_UNWRAP,
                CKA_DERIVE,
                CKA_MODIFIABLE,
            ],
            // CKA_VALUE of a data object may be anything (a password, say): not read.
            ObjectKind::Data => &[
                CKA_CLASS,
                CKA_LABEL,
                CKA_PRIVATE,
                CKA_APPLICATION,
                CKA_MODIFIABLE,
            ],
            ObjectKind::Other => &[CKA_LABEL, CKA_ID, CKA_PRIVATE, CKA_MODIFIABLE],
        }
    }
}

/// `CKA_CERTIFICATE_CATEGORY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateCategory {
    /// 0: unspecified.
    Unspecified,
    /// 1: the token user's own certificate.
    TokenUser,
    /// 2: a CA (trust anchor, in p11-kit-trust).
    Authority,
    /// 3: another entity's certificate.
    OtherEntity,
}

impl CertificateCategory {
    pub(crate) const ALL: [(c_ulong, CertificateCategory); 4] = [
        (0, CertificateCategory::Unspecified),
        (1, CertificateCategory::TokenUser),
        (2, CertificateCategory::Authority),
        (3, CertificateCategory::OtherEntity),
    ];

    /// Lower-case name (`unspecified`, `token_user`, `authority`, `other_entity`).
    pub fn name(self) -> &'static str {
        match self {
            CertificateCategory::Unspecified => "unspecified",
            CertificateCategory::TokenUser => "token_user",
            CertificateCategory::Authority => "authority",
            CertificateCategory::OtherEntity => "other_entity",
        }
    }

    /// The PKCS#11 value.
    pub fn value(self) -> c_ulong {
        Self::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map_or(0, |(v, _)| *v)
    }

    /// The category of a raw value; `None` for values PKCS#11 does not define.
    pub fn from_value(value: c_ulong) -> Option<CertificateCategory> {
        Self::ALL.iter().find(|(v, _)| *v == value).map(|(_, c)| *c)
    }

    /// A template attribute matching this category (a raw attribute, see the module docs).
    pub fn template_attribute(self) -> Attribute {
        raw_ulong_attribute(CKA_CERTIFICATE_CATEGORY, self.value())
    }
}

/// What certscope shows about one object. Plain owned data; never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// `CK_OBJECT_HANDLE`; only meaningful inside the session that found it.
    pub handle: u64,
    /// The class.
    pub class: ObjectKind,
    /// `CKA_LABEL` (UTF-8 per the spec; invalid bytes replaced).
    pub label: Option<String>,
    /// `CKA_ID` (empty when absent, which is also PKCS#11's default).
    pub id: Vec<u8>,
    /// `CKA_VALUE` of a certificate (its DER). Always `None` for other classes.
    pub value: Option<Vec<u8>>,
    /// `CKA_SUBJECT` of a certificate, as the token stores it.
    pub subject: Option<Vec<u8>>,
    /// `CKA_PRIVATE`.
    pub private: Option<bool>,
    /// `CKA_TRUSTED`.
    pub trusted: Option<bool>,
    /// `CKA_CERTIFICATE_CATEGORY`, for certificates on tokens that have it.
    pub category: Option<CertificateCategory>,
    /// `CKA_CERTIFICATE_TYPE`: `x509`, `x509_attr`, `wtls`.
    pub certificate_type: Option<String>,
    /// `CKA_KEY_TYPE`, lower case without `CKK_` (`rsa`, `ec`, `ec_edwards`, `aes`...).
    pub key_type: Option<String>,
    /// Key size: RSA modulus bits, EC field size for known curves, secret length × 8.
    pub bits: Option<u32>,
    /// `CKA_EC_PARAMS` as stored (normally the DER of the curve OID).
    pub curve_oid_der: Option<Vec<u8>>,
    /// The boolean attributes that are true, lower case: `sensitive`, `extractable`,
    /// `sign`, `verify`, `encrypt`, `decrypt`, `wrap`, `unwrap`, `derive`, `modifiable`,
    /// `always_authenticate`.
    pub flags: Vec<String>,
    /// `CKA_APPLICATION` of a data object.
    pub application: Option<String>,
    /// Why attributes are missing that the token has (one over the size limit): shown as
    /// the item's error, so that what is missing is said.
    pub problems: Vec<String>,
    /// Doubts about values that were read (a module contradicting its own size answer):
    /// shown as the item's warnings.
    pub warnings: Vec<String>,
}

impl ObjectInfo {
    fn new(handle: u64, class: ObjectKind) -> ObjectInfo {
        ObjectInfo {
            handle,
            class,
            label: None,
            id: Vec::new(),
            value: None,
            subject: None,
            private: None,
            trusted: None,
            category: None,
            certificate_type: None,
            key_type: None,
            bits: None,
            curve_oid_der: None,
            flags: Vec::new(),
            application: None,
            problems: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Is the named flag (as in [`ObjectInfo::flags`]) set?
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }

    /// The dotted curve OID from `CKA_EC_PARAMS`, when it holds an OID.
    pub fn curve_oid(&self) -> Option<String> {
        let der = self.curve_oid_der.as_deref()?;
        // Exact for arcs of any size, a malformed one shown as such (oids::display).
        match crate::tlv::read(der) {
            Ok((t, [])) if t.tag == crate::tlv::OID => Some(oids::display(t.value)),
            _ => None,
        }
    }

    /// A curve name: from the OID (`P-256`, `ed25519`...) or, for the PKCS#11 3.0 form
    /// where `CKA_EC_PARAMS` is a PrintableString, that string (`edwards25519`).
    pub fn curve_name(&self) -> Option<String> {
        if let Some(oid) = self.curve_oid() {
            return Some(curve_by_oid(&oid).map_or(oid, |(name, _)| name.to_string()));
        }
        match self.curve_oid_der.as_deref()? {
            [0x13, len, name @ ..] if usize::from(*len) == name.len() => {
                Some(String::from_utf8_lossy(name).into_owned())
            }
            _ => None,
        }
    }
}

// CK_OBJECT_HANDLE is c_ulong: u32 on Windows, where this conversion is not a no-op.
#[allow(clippy::useless_conversion)]
pub(crate) fn handle_number(handle: ObjectHandle) -> u64 {
    raw_handle_number(handle.handle())
}

/// [`handle_number`] of a raw handle.
#[allow(clippy::useless_conversion)]
fn raw_handle_number(handle: cryptoki_sys::CK_OBJECT_HANDLE) -> u64 {
    u64::from(handle)
}

/// Name and field size of a curve OID: the Weierstrass curves from [`crate::oids::curve`],
/// the Edwards and Montgomery ones (PKCS#11 3.0 `CKK_EC_EDWARDS`/`CKK_EC_MONTGOMERY` keys
/// carry their OID in `CKA_EC_PARAMS`) by their key algorithm name, without a field size
/// because their strength is not stated that way.
fn curve_by_oid(oid: &str) -> Option<(&'static str, Option<u32>)> {
    if let Some((name, bits)) = oids::curve(oid) {
        return Some((name, Some(bits)));
    }
    match oid {
        "1.3.101.110" | "1.3.101.111" | "1.3.101.112" | "1.3.101.113" => {
            oids::key_algorithm(oid).map(|name| (name, None))
        }
        _ => None,
    }
}

/// Lower-case key type name without `CKK_`, from the raw `CKA_KEY_TYPE`.
fn key_type_name(raw: CK_ULONG) -> String {
    // cryptoki prints vendor types as the literal "key_type"; show the number instead.
    if raw >= 0x8000_0000 {
        return format!("vendor_0x{raw:08x}");
    }
    match KeyType::try_from(raw) {
        Ok(kt) => {
            let text = kt.to_string();
            text.strip_prefix("CKK_")
                .unwrap_or(&text)
                .to_ascii_lowercase()
        }
        Err(_) => format!("unknown_0x{raw:x}"),
    }
}

/// `x509`, `x509_attr`, `wtls` from the raw `CKA_CERTIFICATE_TYPE`.
fn certificate_type_name(raw: CK_ULONG) -> String {
    match CertificateType::try_from(raw) {
        Ok(ct) if ct == CertificateType::X_509 => "x509".to_string(),
        Ok(ct) if ct == CertificateType::X_509_ATTR => "x509_attr".to_string(),
        Ok(ct) if ct == CertificateType::WTLS => "wtls".to_string(),
        Ok(ct) => ct.to_string().to_ascii_lowercase(),
        Err(_) => format!("unknown_0x{raw:x}"),
    }
}

/// Significant bits of a big-endian unsigned integer.
fn bit_length(bytes: &[u8]) -> u32 {
    let mut iter = bytes.iter().skip_while(|b| **b == 0);
    let Some(first) = iter.next() else {
        return 0;
    };
    let rest = u32::try_from(iter.count()).unwrap_or(u32::MAX / 8);
    rest.saturating_mul(8)
        .saturating_add(8 - first.leading_zeros())
}

/// The name of a boolean attribute shown in [`ObjectInfo::flags`].
fn flag_name(attribute: CK_ATTRIBUTE_TYPE) -> Option<&'static str> {
    Some(match attribute {
        CKA_SENSITIVE => "sensitive",
        CKA_EXTRACTABLE => "extractable",
        CKA_SIGN => "sign",
        CKA_VERIFY => "verify",
        CKA_ENCRYPT => "encrypt",
        CKA_DECRYPT => "decrypt",
        CKA_WRAP => "wrap",
        CKA_UNWRAP => "unwrap",
        CKA_DERIVE => "derive",
        CKA_MODIFIABLE => "modifiable",
        CKA_ALWAYS_AUTHENTICATE => "always_authenticate",
        _ => return None,
    })
}

/// Fills `info` from the values read, and says in `info.problems` / `info.warnings` which
/// the module would not give sensibly.
fn apply(info: &mut ObjectInfo, values: Vec<(CK_ATTRIBUTE_TYPE, RawValue)>, limit: usize) {
    let names = |wanted: &dyn Fn(&RawValue) -> Option<String>| -> Vec<String> {
        values
            .iter()
            .filter_map(|(t, v)| wanted(v).map(|detail| format!("{}{detail}", attribute_name(*t))))
            .collect()
    };
    let too_large: Vec<(String, usize)> = values
        .iter()
        .filter_map(|(t, v)| match v {
            RawValue::TooLarge(size) => Some((attribute_name(*t), *size)),
            _ => None,
        })
        .collect();
    if !too_large.is_empty() {
        let e = TokenError::AttributeTooLarge {
            sizes: too_large,
            limit,
        };
        info.problems.push(e.to_string());
    }
    let short = names(&|v| match v {
        RawValue::Bytes { bytes, announced } if bytes.len() < *announced => {
            Some(format!(" ({} of {announced})", bytes.len()))
        }
        _ => None,
    });
    if !short.is_empty() {
        info.warnings.push(format!(
            "the module gave fewer bytes than it said it has for {}; the values may be truncated",
            short.join(", ")
        ));
    }
    let changed = names(&|v| match v {
        RawValue::Inconsistent { announced } => Some(format!(" (announced {announced} bytes)")),
        _ => None,
    });
    if !changed.is_empty() {
        info.warnings.push(format!(
            "the module's values for {} did not fit the lengths it announced, so they were \
             not used",
            changed.join(", ")
        ));
    }

    let mut modulus_bits = None;
    let mut modulus_len = None;
    let mut value_len = None;
    for (attribute, value) in values {
        let number = value.ulong();
        let flag = value.bool();
        let RawValue::Bytes { bytes, .. } = value else {
            continue;
        };
        match attribute {
            CKA_LABEL => info.label = Some(String::from_utf8_lossy(&bytes).into_owned()),
            CKA_ID => info.id = bytes,
            CKA_VALUE if info.class == ObjectKind::Certificate => info.value = Some(bytes),
            CKA_SUBJECT => info.subject = Some(bytes),
            CKA_PRIVATE => info.private = flag,
            CKA_TRUSTED => info.trusted = flag,
            CKA_CERTIFICATE_TYPE => info.certificate_type = number.map(certificate_type_name),
            CKA_CERTIFICATE_CATEGORY => {
                info.category = number.and_then(CertificateCategory::from_value)
            }
            CKA_KEY_TYPE => info.key_type = number.map(key_type_name),
            CKA_MODULUS_BITS => modulus_bits = number.and_then(|n| u32::try_from(n).ok()),
            CKA_MODULUS => modulus_len = Some(bit_length(&bytes)),
            CKA_VALUE_LEN => {
                value_len = number
                    .and_then(|n| u32::try_from(n).ok())
                    .map(|n| n.saturating_mul(8))
            }
            CKA_EC_PARAMS => info.curve_oid_der = Some(bytes),
            CKA_APPLICATION => {
                info.application = Some(String::from_utf8_lossy(&bytes).into_owned())
            }
            other => {
                if let (Some(name), Some(true)) = (flag_name(other), flag) {
                    info.flags.push(name.to_string());
                }
            }
        }
    }
    let curve_bits = info
        .curve_oid()
        .and_then(|oid| curve_by_oid(&oid))
        .and_then(|(_, bits)| bits);
    info.bits = modulus_bits.or(modulus_len).or(curve_bits).or(value_len);
}

/// The limits of one [`find_objects_limited`].
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// Longest attribute value read.
    attribute_size: usize,
    /// Most objects one search may return.
    objects: usize,
}

/// Finds the objects matching `template` (one search, at most `limits.objects` objects, the
/// module's count checked: [`AttributeReader::find_objects`]) and describes each with one
/// [`AttributeReader::read`] (two `C_GetAttributeValue` calls; one more for the class when
/// the template does not give it). An attribute the module says is longer than
/// `limits.attribute_size` bytes is not read, and [`ObjectInfo::problems`] says so
/// ([`TokenError::AttributeTooLarge`]). Objects come back in the order the token returned
/// them. For a module whose function list cannot be shared with cryptoki's, the search and
/// the reads go through cryptoki instead ([`compat`]).
fn find_objects_limited(
    session: &Session,
    reader: &AttributeReader,
    template: &[Attribute],
    limits: Limits,
) -> Result<Vec<ObjectInfo>, TokenError> {
    if !reader.is_separate() {
        match find_raw(session, reader, template, limits) {
            Err(FindError::Module(CkError::Pkcs11(
                RvError::CryptokiNotInitialized,
                Function::FindObjectsInit | Function::GetAttributeValue,
            ))) => {
                reader.mark_separate();
            }
            other => return other.map_err(|e| find_error(e, limits.objects)),
        }
    }
    find_compat(session, reader, template, limits)
}

/// A failed search as the error the user reads.
// CK_ULONG is u32 on Windows, where these conversions are not no-ops.
#[allow(clippy::useless_conversion)]
fn find_error(e: FindError, limit: usize) -> TokenError {
    match e {
        FindError::Module(e) => e.into(),
        FindError::Overcount { asked, reported } => TokenError::FindOvercount {
            asked: u64::from(asked),
            reported: u64::from(reported),
        },
        FindError::TooMany(_) => TokenError::TooManyObjects { limit },
    }
}

fn find_raw(
    session: &Session,
    reader: &AttributeReader,
    template: &[Attribute],
    limits: Limits,
) -> Result<Vec<ObjectInfo>, FindError> {
    let handles = reader.find_objects(session, template, limits.objects)?;
    // CKA_CLASS read from each object when the template does not give it: one call each;
    // a class cryptoki cannot name is `Other`.
    let given = template_class(template);
    let classes: Vec<Option<RawValue>> = match given {
        Some(_) => vec![None; handles.len()],
        None => handles
            .iter()
            .map(|&h| reader.read_ulong(session, h, CKA_CLASS).map(Some))
            .collect::<Result<_, CkError>>()?,
    };
    handles
        .iter()
        .zip(classes)
        .map(|(&handle, class)| {
            let kind = match &class {
                None => given.unwrap_or(ObjectKind::Other),
                Some(c) => c.ulong().map_or(ObjectKind::Other, ObjectKind::from_raw),
            };
            let mut info = ObjectInfo::new(raw_handle_number(handle), kind);
            if let Some(c) = class.filter(|c| c.ulong().is_none()) {
                let said = match c {
                    RawValue::Inconsistent { announced } => format!("{announced} bytes"),
                    _ => "none".to_string(),
                };
                info.warnings.push(format!(
                    "the module gave no usable CKA_CLASS ({said}), so the object is shown as \
                     class other"
                ));
            }
            let values = reader.read(session, handle, kind.attributes(), limits.attribute_size)?;
            apply(&mut info, values, limits.attribute_size);
            Ok(info)
        })
        .collect()
}

fn find_compat(
    session: &Session,
    reader: &AttributeReader,
    template: &[Attribute],
    limits: Limits,
) -> Result<Vec<ObjectInfo>, TokenError> {
    // One guard for each of cryptoki's multi-call operations: the search (init, finds,
    // final) and the reads.
    let handles = reader.guard(ModuleCall::FindObjects, || {
        compat::find_bounded(session, template, limits.objects)
    })?;
    if handles.is_empty() {
        return Ok(Vec::new());
    }
    let kinds = match template_class(template) {
        Some(kind) => vec![kind; handles.len()],
        None => reader.guard(ModuleCall::FindObjects, || {
            compat::classify(session, template, &handles, limits.objects)
        })?,
    };
    let categories = if kinds.contains(&ObjectKind::Certificate) {
        reader.guard(ModuleCall::FindObjects, || {
            compat::categories(session, template, limits.objects)
        })?
    } else {
        Default::default()
    };
    handles
        .iter()
        .zip(kinds)
        .map(|(&handle, kind)| {
            let mut info = ObjectInfo::new(handle_number(handle), kind);
            let mut values = reader.guard(ModuleCall::GetAttributeValue, || {
                compat::read(session, handle, kind.attributes(), limits.attribute_size)
            })?;
            if let Some(category) = categories.get(&info.handle) {
                let bytes = category.value().to_ne_bytes().to_vec();
                values.push((
                    CKA_CERTIFICATE_CATEGORY,
                    RawValue::Bytes {
                        announced: bytes.len(),
                        bytes,
                    },
                ));
            }
            apply(&mut info, values, limits.attribute_size);
            Ok(info)
        })
        .collect()
}

/// The kind the template's `CKA_CLASS` names, if it names one.
fn template_class(template: &[Attribute]) -> Option<ObjectKind> {
    template.iter().find_map(|a| match a {
        Attribute::Class(c) => Some(ObjectKind::from_class(*c)),
        _ => None,
    })
}

/// The object template an RFC 7512 URI asks for: `type` → `CKA_CLASS`, `object` →
/// `CKA_LABEL`, `id` → `CKA_ID`. Library, slot and token attributes are matched by
/// [`Module::slots_matching`] instead.
pub fn template_from_uri(uri: &Pkcs11Uri) -> Vec<Attribute> {
    let mut t = Vec::new();
    if let Some(ty) = uri.object_type {
        let class = match ty {
            ObjectType::Cert => ObjectClass::CERTIFICATE,
            ObjectType::Public => ObjectClass::PUBLIC_KEY,
            ObjectType::Private => ObjectClass::PRIVATE_KEY,
            ObjectType::SecretKey => ObjectClass::SECRET_KEY,
            ObjectType::Data => ObjectClass::DATA,
        };
        t.push(Attribute::Class(class));
    }
    if let Some(label) = &uri.object {
        t.push(Attribute::Label(label.as_bytes().to_vec()));
    }
    if let Some(id) = &uri.id {
        t.push(Attribute::Id(id.clone()));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_certificates_ask_for_value() {
        for kind in [
            ObjectKind::PublicKey,
            ObjectKind::PrivateKey,
            ObjectKind::SecretKey,
            ObjectKind::Data,
            ObjectKind::Other,
        ] {
            let attrs = kind.attributes();
            for secret in [
                CKA_VALUE,
                cryptoki_sys::CKA_PRIVATE_EXPONENT,
                cryptoki_sys::CKA_PRIME_1,
                cryptoki_sys::CKA_PRIME_2,
                cryptoki_sys::CKA_EXPONENT_1,
                cryptoki_sys::CKA_EXPONENT_2,
                cryptoki_sys::CKA_COEFFICIENT,
            ] {
                assert!(!attrs.contains(&secret), "{kind:?} asks for {secret:?}");
            }
        }
        assert!(ObjectKind::Certificate.attributes().contains(&CKA_VALUE));
        assert!(ObjectKind::Certificate
            .attributes()
            .contains(&CKA_CERTIFICATE_CATEGORY));
    }

    #[test]
    fn bits() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0, 0]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0, 0x80, 0]), 16);
        let mut modulus = vec![0xc5u8];
        modulus.extend([0u8; 255]);
        assert_eq!(bit_length(&modulus), 2048);
    }

    #[test]
    fn curves() {
        let mut o = ObjectInfo::new(1, ObjectKind::PublicKey);
        o.curve_oid_der = Some(hex::decode("06082a8648ce3d030107").unwrap());
        assert_eq!(o.curve_oid().as_deref(), Some("1.2.840.10045.3.1.7"));
        assert_eq!(o.curve_name().as_deref(), Some("P-256"));
        o.curve_oid_der = Some(b"\x13\x0cedwards25519".to_vec());
        assert_eq!(o.curve_oid(), None);
        assert_eq!(o.curve_name().as_deref(), Some("edwards25519"));
        o.curve_oid_der = Some(hex::decode("06032b6570").unwrap());
        assert_eq!(o.curve_name().as_deref(), Some("ed25519"));
        let params = hex::decode("06052b81040022").unwrap();
        let announced = params.len();
        apply(
            &mut o,
            vec![(
                CKA_EC_PARAMS,
                RawValue::Bytes {
                    bytes: params,
                    announced,
                },
            )],
            100,
        );
        assert_eq!(o.bits, Some(384));
        assert!(o.warnings.is_empty() && o.problems.is_empty());
    }

    #[test]
    fn names() {
        assert_eq!(key_type_name(KeyType::RSA.into()), "rsa");
        assert_eq!(key_type_name(KeyType::EC.into()), "ec");
        assert_eq!(key_type_name(KeyType::EC_EDWARDS.into()), "ec_edwards");
        assert_eq!(key_type_name(KeyType::AES.into()), "aes");
        assert_eq!(key_type_name(0x8000_0001), "vendor_0x80000001");
        assert_eq!(certificate_type_name(CertificateType::X_509.into()), "x509");
        assert_eq!(certificate_type_name(2), "wtls");
        assert_eq!(
            CertificateCategory::from_value(2),
            Some(CertificateCategory::Authority)
        );
        assert_eq!(CertificateCategory::from_value(9), None);
        assert_eq!(CertificateCategory::Authority.value(), 2);
        assert_eq!(CertificateCategory::OtherEntity.name(), "other_entity");
        assert_eq!(ObjectKind::PrivateKey.name(), "private_key");
        assert_eq!(ObjectKind::Certificate.uri_type(), Some(ObjectType::Cert));
    }

    #[test]
    fn uri_template() {
        let uri = Pkcs11Uri::parse("pkcs11:object=leaf;id=%01%02;type=cert").unwrap();
        let t = template_from_uri(&uri);
        assert_eq!(
            t,
            vec![
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::Label(b"leaf".to_vec()),
                Attribute::Id(vec![1, 2]),
            ]
        );
    }

    /// Loads `path`, which must fail with `TokenError::Load`, and gives that case with the
    /// error's sentence (for the assertion messages and the wording checks).
    fn load_failure(path: impl AsRef<Path>) -> (crate::token::rv::LoadFailure, String) {
        let e = Module::load(path).unwrap_err();
        let TokenError::Load { kind, .. } = &e else {
            panic!("not a load error: {e}");
        };
        (kind.clone(), e.to_string())
    }

    #[test]
    fn load_errors() {
        use crate::token::rv::LoadFailure;
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
