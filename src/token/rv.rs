//! PKCS#11 errors as sentences a person understands, plus the `CKR_` name for searching.
//!
//! cryptoki's own `Display` for [`RvError`] is the spec's paragraph (long, and written for
//! module authors), and it has no way to get the `CKR_...` name back. This module has
//! both: [`ckr_name`] for every return value cryptoki 0.12 knows, and [`describe_rv`] for
//! "what happened, what to do": `wrong PIN (CKR_PIN_INCORRECT); certscope tried once and
//! will not retry, so the card does not lock`.
//!
//! Library loading fails before any `CKR_` exists; [`classify_load_error`] sorts the
//! `dlopen` message (the only information libloading gives) into the cases a user can act
//! on: file missing, not a shared library, wrong architecture, a dependency missing, no
//! `C_GetFunctionList` symbol.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use cryptoki::context::Function;
use cryptoki::error::{Error as CkError, RvError};
use thiserror::Error;

/// The `CKR_...` constant name of a return value. Vendor codes (`CKR_VENDOR_DEFINED` and
/// above) and codes cryptoki does not know are shown in hex.
pub fn ckr_name(rv: RvError) -> Cow<'static, str> {
    let name = match rv {
        RvError::VendorDefined(code) => {
            return Cow::Owned(format!(
                "CKR_VENDOR_DEFINED+0x{:X}",
                code.wrapping_sub(0x8000_0000)
            ))
        }
        RvError::UnknownErrorCode(code) => return Cow::Owned(format!("CKR 0x{code:08X}")),
        RvError::Cancel => "CKR_CANCEL",
        RvError::HostMemory => "CKR_HOST_MEMORY",
        RvError::SlotIdInvalid => "CKR_SLOT_ID_INVALID",
        RvError::GeneralError => "CKR_GENERAL_ERROR",
        RvError::FunctionFailed => "CKR_FUNCTION_FAILED",
        RvError::ArgumentsBad => "CKR_ARGUMENTS_BAD",
        RvError::NoEvent => "CKR_NO_EVENT",
        RvError::NeedToCreateThreads => "CKR_NEED_TO_CREATE_THREADS",
        RvError::CantLock => "CKR_CANT_LOCK",
        RvError::AttributeReadOnly => "CKR_ATTRIBUTE_READ_ONLY",
        RvError::AttributeSensitive => "CKR_ATTRIBUTE_SENSITIVE",
        RvError::AttributeTypeInvalid => "CKR_ATTRIBUTE_TYPE_INVALID",
        RvError::AttributeValueInvalid => "CKR_ATTRIBUTE_VALUE_INVALID",
        RvError::ActionProhibited => "CKR_ACTION_PROHIBITED",
        RvError::DataInvalid => "CKR_DATA_INVALID",
        RvError::DataLenRange => "CKR_DATA_LEN_RANGE",
        RvError::DeviceError => "CKR_DEVICE_ERROR",
        RvError::DeviceMemory => "CKR_DEVICE_MEMORY",
        RvError::DeviceRemoved => "CKR_DEVICE_REMOVED",
        RvError::EncryptedDataInvalid => "CKR_ENCRYPTED_DATA_INVALID",
        RvError::EncryptedDataLenRange => "CKR_ENCRYPTED_DATA_LEN_RANGE",
        RvError::FunctionCanceled => "CKR_FUNCTION_CANCELED",
        RvError::FunctionNotParallel => "CKR_FUNCTION_NOT_PARALLEL",
        RvError::FunctionNotSupported => "CKR_FUNCTION_NOT_SUPPORTED",
        RvError::CurveNotSupported => "CKR_CURVE_NOT_SUPPORTED",
        RvError::KeyHandleInvalid => "CKR_KEY_HANDLE_INVALID",
        RvError::KeySizeRange => "CKR_KEY_SIZE_RANGE",
        RvError::KeyTypeInconsistent => "CKR_KEY_TYPE_INCONSISTENT",
        RvError::KeyNotNeeded => "CKR_KEY_NOT_NEEDED",
        RvError::KeyChanged => "CKR_KEY_CHANGED",
        RvError::KeyNeeded => "CKR_KEY_NEEDED",
        RvError::KeyIndigestible => "CKR_KEY_INDIGESTIBLE",
        RvError::KeyFunctionNotPermitted => "CKR_KEY_FUNCTION_NOT_PERMITTED",
        RvError::KeyNotWrappable => "CKR_KEY_NOT_WRAPPABLE",
        RvError::KeyUnextractable => "CKR_KEY_UNEXTRACTABLE",
        RvError::MechanismInvalid => "CKR_MECHANISM_INVALID",
        RvError::MechanismParamInvalid => "CKR_MECHANISM_PARAM_INVALID",
        RvError::ObjectHandleInvalid => "CKR_OBJECT_HANDLE_INVALID",
        RvError::OperationActive => "CKR_OPERATION_ACTIVE",
        RvError::OperationNotInitialized => "CKR_OPERATION_NOT_INITIALIZED",
        RvError::PinIncorrect => "CKR_PIN_INCORRECT",
        RvError::PinInvalid => "CKR_PIN_INVALID",
        RvError::PinLenRange => "CKR_PIN_LEN_RANGE",
        RvError::PinExpired => "CKR_PIN_EXPIRED",
        RvError::PinLocked => "CKR_PIN_LOCKED",
        RvError::SessionClosed => "CKR_SESSION_CLOSED",
        RvError::SessionCount => "CKR_SESSION_COUNT",
        RvError::SessionHandleInvalid => "CKR_SESSION_HANDLE_INVALID",
        RvError::SessionParallelNotSupported => "CKR_SESSION_PARALLEL_NOT_SUPPORTED",
        RvError::SessionReadOnly => "CKR_SESSION_READ_ONLY",
        RvError::SessionExists => "CKR_SESSION_EXISTS",
        RvError::SessionReadOnlyExists => "CKR_SESSION_READ_ONLY_EXISTS",
        RvError::SessionReadWriteSoExists => "CKR_SESSION_READ_WRITE_SO_EXISTS",
        RvError::SignatureInvalid => "CKR_SIGNATURE_INVALID",
        RvError::SignatureLenRange => "CKR_SIGNATURE_LEN_RANGE",
        RvError::TemplateIncomplete => "CKR_TEMPLATE_INCOMPLETE",
        RvError::TemplateInconsistent => "CKR_TEMPLATE_INCONSISTENT",
        RvError::TokenNotPresent => "CKR_TOKEN_NOT_PRESENT",
        RvError::TokenNotRecognized => "CKR_TOKEN_NOT_RECOGNIZED",
        RvError::TokenWriteProtected => "CKR_TOKEN_WRITE_PROTECTED",
        RvError::UnwrappingKeyHandleInvalid => "CKR_UNWRAPPING_KEY_HANDLE_INVALID",
        RvError::UnwrappingKeySizeRange => "CKR_UNWRAPPING_KEY_SIZE_RANGE",
        RvError::UserAlreadyLoggedIn => "CKR_USER_ALREADY_LOGGED_IN",
        RvError::UserNotLoggedIn => "CKR_USER_NOT_LOGGED_IN",
        RvError::UserPinNotInitialized => "CKR_USER_PIN_NOT_INITIALIZED",
        RvError::UserTypeInvalid => "CKR_USER_TYPE_INVALID",
        RvError::UserAnotherAlreadyLoggedIn => "CKR_USER_ANOTHER_ALREADY_LOGGED_IN",
        RvError::UserTooManyTypes => "CKR_USER_TOO_MANY_TYPES",
        RvError::WrappedKeyInvalid => "CKR_WRAPPED_KEY_INVALID",
        RvError::WrappedKeyLenRange => "CKR_WRAPPED_KEY_LEN_RANGE",
        RvError::WrappingKeyHandleInvalid => "CKR_WRAPPING_KEY_HANDLE_INVALID",
        RvError::WrappingKeySizeRange => "CKR_WRAPPING_KEY_SIZE_RANGE",
        RvError::WrappingKeyTypeInconsistent => "CKR_WRAPPING_KEY_TYPE_INCONSISTENT",
        RvError::RandomSeedNotSupported => "CKR_RANDOM_SEED_NOT_SUPPORTED",
        RvError::RandomNoRng => "CKR_RANDOM_NO_RNG",
        RvError::DomainParamsInvalid => "CKR_DOMAIN_PARAMS_INVALID",
        RvError::BufferTooSmall => "CKR_BUFFER_TOO_SMALL",
        RvError::SavedStateInvalid => "CKR_SAVED_STATE_INVALID",
        RvError::InformationSensitive => "CKR_INFORMATION_SENSITIVE",
        RvError::StateUnsaveable => "CKR_STATE_UNSAVEABLE",
        RvError::CryptokiNotInitialized => "CKR_CRYPTOKI_NOT_INITIALIZED",
        RvError::CryptokiAlreadyInitialized => "CKR_CRYPTOKI_ALREADY_INITIALIZED",
        RvError::MutexBad => "CKR_MUTEX_BAD",
        RvError::MutexNotLocked => "CKR_MUTEX_NOT_LOCKED",
        RvError::NewPinMode => "CKR_NEW_PIN_MODE",
        RvError::NextOtp => "CKR_NEXT_OTP",
        RvError::ExceededMaxIterations => "CKR_EXCEEDED_MAX_ITERATIONS",
        RvError::FipsSelfTestFailed => "CKR_FIPS_SELF_TEST_FAILED",
        RvError::LibraryLoadFailed => "CKR_LIBRARY_LOAD_FAILED",
        RvError::PinTooWeak => "CKR_PIN_TOO_WEAK",
        RvError::PublicKeyInvalid => "CKR_PUBLIC_KEY_INVALID",
        RvError::FunctionRejected => "CKR_FUNCTION_REJECTED",
        RvError::UnwrappingKeyTypeInconsistent => "CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT",
    };
    Cow::Borrowed(name)
}

/// A short account of a return value and, where there is one, advice. `None` for the
/// values only a module author could act on; [`describe_rv`] then says so generically.
fn meaning(rv: RvError) -> Option<(&'static str, Option<&'static str>)> {
    let m = match rv {
        RvError::PinIncorrect => (
            "wrong PIN",
            Some("certscope tried once and will not retry, so the card does not lock"),
        ),
        RvError::PinLocked => (
            "the PIN is locked after too many wrong tries",
            Some(
                "unblock it with the PUK or security officer PIN using the card vendor's tool; \
                 certscope never tries a PIN on a locked token",
            ),
        ),
        RvError::PinLenRange => (
            "the PIN is too short or too long for this token",
            Some("the token info shows the minimum and maximum PIN length"),
        ),
        RvError::PinInvalid => (
            "the PIN contains characters this token does not accept",
            None,
        ),
        RvError::PinExpired => (
            "the PIN has expired",
            Some("change it with the card vendor's tool before using the token"),
        ),
        RvError::PinTooWeak => ("the token considers the PIN too weak", None),
        RvError::TokenNotPresent => (
            "there is no token in the slot (card removed or reader empty)",
            Some("insert the card or plug in the token and try again"),
        ),
        RvError::DeviceRemoved => ("the token was removed while certscope was using it", None),
        RvError::DeviceError => (
            "the token or its reader reported a hardware or communication error",
            None,
        ),
        RvError::DeviceMemory => ("the token is out of memory", None),
        RvError::TokenNotRecognized => (
            "the module does not recognise the token in this slot",
            Some("the card may need a different PKCS#11 module"),
        ),
        RvError::TokenWriteProtected => ("the token is write-protected", None),
        RvError::SessionHandleInvalid => (
            "the session is no longer valid",
            Some("the token was probably removed or reset; try again"),
        ),
        RvError::SessionClosed => ("the session was closed", None),
        RvError::SessionCount => ("the token has too many open sessions", None),
        RvError::SessionExists => ("a session is already open with the token", None),
        RvError::SessionReadOnly => ("the session is read-only", None),
        RvError::UserNotLoggedIn => (
            "this needs a login first",
            Some("give the token's user PIN"),
        ),
        RvError::UserAlreadyLoggedIn => ("already logged in to this token", None),
        RvError::UserAnotherAlreadyLoggedIn => (
            "another user (the security officer?) is logged in to this token",
            None,
        ),
        RvError::UserPinNotInitialized => (
            "the token's user PIN has never been set",
            Some("set it with the token's administration tool"),
        ),
        RvError::UserTypeInvalid => ("the token does not know this kind of user", None),
        RvError::UserTooManyTypes => ("too many different users are logged in to this token", None),
        RvError::CryptokiNotInitialized => (
            "the module was used before C_Initialize or after C_Finalize",
            Some("this is a bug in certscope"),
        ),
        RvError::CryptokiAlreadyInitialized => {
            ("the module was already initialised in this process", None)
        }
        RvError::SlotIdInvalid => (
            "there is no slot with this ID",
            Some("slot IDs can change when tokens are added or initialised; list the slots again"),
        ),
        RvError::ObjectHandleInvalid => ("the object no longer exists on the token", None),
        RvError::AttributeSensitive => (
            "the token will not reveal this attribute because it is sensitive",
            None,
        ),
        RvError::AttributeTypeInvalid => ("the object has no such attribute", None),
        RvError::AttributeValueInvalid => ("the token rejected a value in the template", None),
        RvError::AttributeReadOnly => ("the attribute is read-only", None),
        RvError::TemplateIncomplete => ("the object template is incomplete", None),
        RvError::TemplateInconsistent => ("the object template is inconsistent", None),
        RvError::FunctionNotSupported => ("the module does not implement this function", None),
        RvError::FunctionFailed => ("the module could not do it and gave no reason", None),
        RvError::GeneralError => ("the module reported an unrecoverable internal error", None),
        RvError::HostMemory => ("the module ran out of memory", None),
        RvError::ArgumentsBad => (
            "the module rejected the arguments",
            Some("this points to an incompatibility between certscope and the module"),
        ),
        RvError::CantLock => (
            "the module cannot provide the thread locking certscope asked for",
            None,
        ),
        RvError::NeedToCreateThreads => (
            "the module needs to create threads and was not allowed to",
            None,
        ),
        RvError::OperationActive => ("another operation is already active in this session", None),
        RvError::OperationNotInitialized => ("no operation of this kind was started", None),
        RvError::MechanismInvalid => ("the token does not support this mechanism", None),
        RvError::MechanismParamInvalid => ("the token rejected the mechanism's parameters", None),
        RvError::KeyFunctionNotPermitted => ("the key's attributes do not allow this use", None),
        RvError::BufferTooSmall => ("the module needed a larger buffer", None),
        RvError::FipsSelfTestFailed => (
            "the module failed its FIPS self-test and refuses to work",
            None,
        ),
        RvError::LibraryLoadFailed => ("the module could not load a library it needs", None),
        RvError::FunctionRejected => (
            "the request was rejected (by the user on the device, or by policy)",
            None,
        ),
        RvError::ActionProhibited => ("the token's policy forbids this", None),
        RvError::InformationSensitive => ("the token will not reveal this information", None),
        RvError::FunctionCanceled => ("the operation was cancelled", None),
        RvError::VendorDefined(_) => (
            "the module returned a vendor-specific error",
            Some("the module's documentation explains the code"),
        ),
        RvError::UnknownErrorCode(_) => (
            "the module returned an error code PKCS#11 does not define",
            None,
        ),
        _ => return None,
    };
    Some(m)
}

/// One sentence for a return value: what happened, the `CKR_` name in parentheses, then
/// advice after a semicolon when there is some.
pub fn describe_rv(rv: RvError) -> String {
    let name = ckr_name(rv);
    match meaning(rv) {
        Some((what, Some(advice))) => format!("{what} ({name}); {advice}"),
        Some((what, None)) => format!("{what} ({name})"),
        None => format!("the PKCS#11 module reported an error ({name})"),
    }
}

/// The C name of a PKCS#11 function (`C_Login`). cryptoki's `Display` gives
/// `Function::Login`, which is not what a user can look up.
pub fn function_name(function: Function) -> String {
    format!("C_{function:?}")
}

/// What went wrong when loading a module file, sorted into cases a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadFailure {
    /// There is no file at the path.
    NotFound,
    /// The file exists but is not a shared library (text, a static archive, a directory).
    NotSharedLibrary,
    /// A shared library for another architecture or word size.
    WrongArchitecture,
    /// The file (or a directory on the way) cannot be read.
    PermissionDenied,
    /// The module needs a library that is not installed; the detail names it.
    MissingDependency,
    /// The module refers to a symbol no loaded library has.
    UnresolvedSymbol,
    /// A shared library without `C_GetFunctionList`: not a PKCS#11 module.
    NotPkcs11Module,
    /// `C_GetFunctionList` is there but failed; the detail has its `CKR_` sentence.
    FunctionListFailed,
    /// Anything else; the dynamic loader's message is kept in the detail.
    Other,
}

/// Sorts a dynamic loader message (`dlerror()` text, which is all libloading passes on)
/// for the module at `path`.
pub fn classify_load_error(path: &Path, message: &str) -> LoadFailure {
    let m = message.to_ascii_lowercase();
    if m.contains("no such file or directory") {
        // dlopen says this for the module, for a library it links against, and (glibc) for
        // a module built for another CPU of the same word size, whose e_machine it rejects
        // with ENOENT. Whether the file exists, and what its ELF header says, tell them apart.
        if !path.exists() {
            LoadFailure::NotFound
        } else if elf_target(path).is_some_and(|t| !t.runs_here()) {
            LoadFailure::WrongArchitecture
        } else {
            LoadFailure::MissingDependency
        }
    } else if m.contains("wrong elf class")
        || m.contains("elf file's machine")
        || m.contains("elf file data encoding")
    {
        LoadFailure::WrongArchitecture
    } else if m.contains("invalid elf header")
        || m.contains("file too short")
        || m.contains("only et_dyn and et_exec")
        || m.contains("not a dynamic")
        || m.contains("is a directory")
        || m.contains("no loadable segments")
        || m.contains("elf load command")
        // The rest of glibc's "ELF file ..." complaints (version, OS ABI, header sizes):
        // a damaged file rather than one for another machine, which is handled above.
        || m.contains("elf file")
    {
        LoadFailure::NotSharedLibrary
    } else if m.contains("permission denied") {
        LoadFailure::PermissionDenied
    } else if m.contains("undefined symbol") {
        LoadFailure::UnresolvedSymbol
    } else {
        LoadFailure::Other
    }
}

/// What an ELF header says a file was built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElfTarget {
    /// ELFCLASS64 rather than ELFCLASS32.
    pub bits64: bool,
    /// ELFDATA2LSB rather than ELFDATA2MSB.
    pub little_endian: bool,
    /// `e_machine`.
    pub machine: u16,
}

/// `e_machine` of the CPU certscope was built for, where it is one of the usual ones.
const HOST_MACHINE: Option<u16> = if cfg!(target_arch = "x86_64") {
    Some(62)
} else if cfg!(target_arch = "aarch64") {
    Some(183)
} else if cfg!(target_arch = "x86") {
    Some(3)
} else if cfg!(target_arch = "arm") {
    Some(40)
} else if cfg!(target_arch = "riscv64") {
    Some(243)
} else if cfg!(target_arch = "powerpc64") {
    Some(21)
} else if cfg!(target_arch = "s390x") {
    Some(22)
} else {
    None
};

impl ElfTarget {
    /// Could this process load it? (`true` when the host CPU is not one certscope knows:
    /// then the dynamic loader's word is taken.)
    pub fn runs_here(&self) -> bool {
        self.bits64 == cfg!(target_pointer_width = "64")
            && self.little_endian == cfg!(target_endian = "little")
            && HOST_MACHINE.is_none_or(|m| m == self.machine)
    }

    /// `AArch64 (64-bit)`.
    pub fn describe(&self) -> String {
        let cpu = match self.machine {
            3 => "i386".to_string(),
            8 => "MIPS".to_string(),
            20 => "PowerPC".to_string(),
            21 => "PowerPC 64".to_string(),
            22 => "s390".to_string(),
            40 => "ARM".to_string(),
            62 => "x86-64".to_string(),
            183 => "AArch64".to_string(),
            243 => "RISC-V".to_string(),
            258 => "LoongArch".to_string(),
            m => format!("ELF machine {m}"),
        };
        format!(
            "{cpu} ({}-bit{})",
            if self.bits64 { 64 } else { 32 },
            if self.little_endian {
                ""
            } else {
                " big-endian"
            }
        )
    }
}

/// The target in a file's ELF header; `None` when it is not an ELF file (or unreadable).
pub fn elf_target(path: &Path) -> Option<ElfTarget> {
    use std::io::Read;
    let mut head = [0u8; 20];
    std::fs::File::open(path).ok()?.read_exact(&mut head).ok()?;
    let (magic, rest) = head.split_first_chunk::<4>()?;
    if magic != b"\x7fELF" {
        return None;
    }
    let bits64 = match rest.first()? {
        1 => false,
        2 => true,
        _ => return None,
    };
    let little_endian = match rest.get(1)? {
        1 => true,
        2 => false,
        _ => return None,
    };
    let machine = [*head.get(18)?, *head.get(19)?];
    Some(ElfTarget {
        bits64,
        little_endian,
        machine: if little_endian {
            u16::from_le_bytes(machine)
        } else {
            u16::from_be_bytes(machine)
        },
    })
}

/// The host, in [`ElfTarget::describe`]'s words.
fn host_description() -> String {
    HOST_MACHINE.map_or_else(
        || std::env::consts::ARCH.to_string(),
        |machine| {
            ElfTarget {
                bits64: cfg!(target_pointer_width = "64"),
                little_endian: cfg!(target_endian = "little"),
                machine,
            }
            .describe()
        },
    )
}

fn load_sentence(kind: &LoadFailure) -> &'static str {
    match kind {
        LoadFailure::NotFound => "the file does not exist",
        LoadFailure::NotSharedLibrary => "the file is not a shared library",
        LoadFailure::WrongArchitecture => {
            "the library is built for another architecture (32/64-bit or CPU)"
        }
        LoadFailure::PermissionDenied => "permission denied",
        LoadFailure::MissingDependency => "a library the module needs is not installed",
        LoadFailure::UnresolvedSymbol => "the module needs a symbol no loaded library provides",
        LoadFailure::FunctionListFailed => "the module would not hand out its functions",
        LoadFailure::NotPkcs11Module => {
            "it is a shared library but not a PKCS#11 module (no C_GetFunctionList symbol)"
        }
        LoadFailure::Other => "the dynamic loader refused it",
    }
}

fn attribute_sizes(sizes: &[(String, usize)]) -> String {
    sizes
        .iter()
        .map(|(name, size)| format!("{name} of {size} bytes"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn no_token_detail(slots: usize, blank: usize) -> String {
    let slots_text = if slots == 1 {
        "1 slot".to_string()
    } else {
        format!("{slots} slots")
    };
    if slots == 0 {
        "the module has no slot".to_string()
    } else if blank == 0 {
        format!(
            "the module has {slots_text}, none holds a token; insert the card or plug in the \
             token and try again"
        )
    } else {
        format!(
            "the module has {slots_text}, and the {} in {} not initialised; a blank token \
             must be initialised with its vendor's tool before it can be read",
            if blank == 1 { "token" } else { "tokens" },
            if blank == 1 { "it is" } else { "them are" }
        )
    }
}

fn detail_suffix(detail: &Option<String>) -> String {
    detail
        .as_ref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default()
}

/// Errors of the PKCS#11 layer. `Display` is the sentence to show the user.
#[derive(Debug, Error)]
pub enum TokenError {
    /// The module file could not be loaded or is not a PKCS#11 module.
    #[error("cannot load PKCS#11 module {}: {}{}", path.display(), load_sentence(kind), detail_suffix(detail))]
    Load {
        /// The path given.
        path: PathBuf,
        /// Which case it is.
        kind: LoadFailure,
        /// The dynamic loader's own message, when there is one.
        detail: Option<String>,
    },
    /// A PKCS#11 function returned an error.
    #[error("{}: {}", function_name(*function), describe_rv(*rv))]
    Pkcs11 {
        /// The function that failed.
        function: Function,
        /// What it returned.
        rv: RvError,
    },
    /// The token says its user PIN is locked; C_Login was not called.
    #[error(
        "the user PIN of token \"{label}\" is locked (CKF_USER_PIN_LOCKED); certscope does not \
         try a PIN on a locked token"
    )]
    PinLocked {
        /// Token label.
        label: String,
    },
    /// The token says one more wrong PIN locks it, and the caller did not accept that risk.
    #[error(
        "token \"{label}\" locks its PIN after one more wrong try (CKF_USER_PIN_FINAL_TRY), so \
         certscope did not send the PIN"
    )]
    PinFinalTry {
        /// Token label.
        label: String,
    },
    /// The slot has no token, or its token is not initialised.
    #[error("slot {slot} has no usable token: {reason}")]
    NoToken {
        /// Slot ID.
        slot: u64,
        /// What is missing.
        reason: &'static str,
    },
    /// `C_Initialize` failed: the module loaded but will not start.
    #[error("cannot initialise PKCS#11 module {}: {cause}{hint}", path.display())]
    Initialize {
        /// The module.
        path: PathBuf,
        /// What `C_Initialize` returned.
        cause: Box<TokenError>,
        /// Advice for modules whose reasons only go to syslog (SoftHSM's missing
        /// configuration), or empty.
        hint: &'static str,
    },
    /// No module was named and none could be found.
    #[error(
        "no PKCS#11 module: name one with --module PATH, the CERTSCOPE_PKCS11_MODULE environment \
         variable, a URI's ?module-name=NAME of a p11-kit module (or ?module-path=PATH with \
         --allow-uri-module), or install p11-kit (its proxy module exposes every registered \
         module)"
    )]
    NoModule,
    /// A URI names its module with `module-path`, which is not loaded without the user's
    /// opt-in, and nothing else names a module.
    #[error(
        "this URI names its module with module-path={path}, which certscope loads only with \
         --allow-uri-module (a URI can come from a file name or a pasted text, and loading a \
         library runs its code); or name the module with CERTSCOPE_PKCS11_MODULE"
    )]
    UriModulePathNotAllowed {
        /// The `module-path` value.
        path: String,
    },
    /// `module-name=` names no module p11-kit knows.
    #[error("no PKCS#11 module named \"{name}\" is registered with p11-kit (looked for {name}.module in {searched}); `certscope token modules` lists the registered ones")]
    UnknownModuleName {
        /// The name asked for.
        name: String,
        /// The directories looked in, comma-separated.
        searched: String,
    },
    /// Every token was asked for and no slot holds an initialised one.
    #[error("no initialised token is present: {}", no_token_detail(*slots, *blank))]
    NoTokenPresent {
        /// The module's slots.
        slots: usize,
        /// Of those, the slots whose token is not initialised.
        blank: usize,
    },
    /// The module reports attribute values longer than certscope accepts; they were not
    /// read.
    #[error(
        "the module reports {} over the limit of {limit} bytes, so {} not read (raise the \
         limit with --max-attribute-size or the CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE \
         environment variable)",
        attribute_sizes(sizes),
        if sizes.len() == 1 { "it was" } else { "they were" }
    )]
    AttributeTooLarge {
        /// Each `CKA_...` and the length the module reported for it.
        sizes: Vec<(String, usize)>,
        /// The limit in force.
        limit: usize,
    },
    /// `C_FindObjects` said it wrote more handles than it was given room for: nothing it
    /// returned can be trusted, and the search was ended.
    #[error(
        "C_FindObjects: the module reported {reported} objects, more than the {asked} it was \
         asked for; certscope ended the search (a module bug)"
    )]
    FindOvercount {
        /// Room given.
        asked: u64,
        /// Handles the module claimed.
        reported: u64,
    },
    /// A search returned more objects than certscope accepts (a module whose search never
    /// ends, or a token far larger than any real one).
    #[error(
        "C_FindObjects: the search found more than {limit} objects, more than certscope \
         accepts, and was ended (raise the limit with --max-objects or the \
         CERTSCOPE_PKCS11_MAX_OBJECTS environment variable)"
    )]
    TooManyObjects {
        /// The limit in force.
        limit: usize,
    },
    /// The token selection matched no token.
    #[error("no token matches {wanted}; tokens present: {present}")]
    NoMatchingToken {
        /// The selection, as the user wrote it.
        wanted: String,
        /// Labels of the tokens that are there (`none` when there are none).
        present: String,
    },
    /// A login was asked for with several tokens selected: one PIN must never be tried on
    /// a token it was not meant for, because every wrong try counts towards locking it.
    #[error(
        "a login needs exactly one token, and {count} tokens that require one are selected \
         ({labels}); choose one with --token, --slot or --token-serial"
    )]
    LoginNeedsOneToken {
        /// How many selected tokens require a login.
        count: usize,
        /// Their labels.
        labels: String,
    },
    /// A login is needed but no PIN can be had.
    #[error(
        "token \"{label}\" needs its user PIN: give --pin pass:TEXT, env:VAR or file:PATH (or \
         a URI's pin-value/pin-source), or run certscope on a terminal to be asked"
    )]
    PinNeeded {
        /// Token label.
        label: String,
    },
    /// A URI could not be parsed.
    #[error(transparent)]
    Uri(#[from] crate::token::uri::UriError),
    /// A filter value could not be understood.
    #[error("{0}")]
    Filter(String),
    /// cryptoki could not represent what the module returned, or another non-PKCS#11 error.
    #[error("{0}")]
    Other(String),
}

impl TokenError {
    /// The PKCS#11 return value behind the error, if there is one.
    pub fn rv(&self) -> Option<RvError> {
        match self {
            TokenError::Pkcs11 { rv, .. } => Some(*rv),
            TokenError::Initialize { cause, .. } => cause.rv(),
            _ => None,
        }
    }

    /// Converts an error from `Pkcs11::new` for the module at `path`.
    pub fn from_load(path: &Path, err: CkError) -> TokenError {
        match err {
            CkError::LibraryLoading(e) => {
                let message = e.to_string();
                let kind = classify_load_error(path, &message);
                // The loader's own words for another CPU may be "No such file or
                // directory"; the ELF header says what the file really is.
                let detail = match (&kind, elf_target(path)) {
                    (LoadFailure::WrongArchitecture, Some(t)) => format!(
                        "it is built for {}; this certscope is for {}",
                        t.describe(),
                        host_description()
                    ),
                    _ => message,
                };
                TokenError::Load {
                    path: path.to_path_buf(),
                    kind,
                    detail: Some(detail),
                }
            }
            CkError::MissingSymbol(_) => TokenError::Load {
                path: path.to_path_buf(),
                kind: LoadFailure::NotPkcs11Module,
                detail: None,
            },
            // Without this, the sentence would not say which module or that it was loading.
            CkError::Pkcs11(rv, Function::GetFunctionList) => TokenError::Load {
                path: path.to_path_buf(),
                kind: LoadFailure::FunctionListFailed,
                detail: Some(format!("C_GetFunctionList: {}", describe_rv(rv))),
            },
            // While loading, only the function list can hold NULL (src/token/raw.rs).
            CkError::NullFunctionPointer => TokenError::Load {
                path: path.to_path_buf(),
                kind: LoadFailure::FunctionListFailed,
                detail: Some(
                    "C_GetFunctionList answered CKR_OK with a NULL list (or a NULL \
                     C_GetAttributeValue in it)"
                        .to_string(),
                ),
            },
            other => TokenError::from(other),
        }
    }
}

impl From<CkError> for TokenError {
    fn from(err: CkError) -> Self {
        match err {
            CkError::Pkcs11(rv, function) => TokenError::Pkcs11 { function, rv },
            other => TokenError::Other(describe_other(&other)),
        }
    }
}

/// Sentences for the cryptoki errors that are not PKCS#11 return values.
fn describe_other(err: &CkError) -> String {
    match err {
        CkError::LibraryLoading(e) => format!("cannot load the PKCS#11 module: {e}"),
        CkError::MissingSymbol(sym) => {
            format!("the library is not a PKCS#11 module (no {sym} symbol)")
        }
        CkError::NullFunctionPointer => "the module does not implement a function certscope \
             needs (NULL entry in its function list)"
            .to_string(),
        CkError::NotSupported => {
            "the module returned a value cryptoki 0.12 cannot represent \
             (an object class, key type, certificate type, attribute or mechanism it does not know)"
                .to_string()
        }
        CkError::PinNotSet => "no PIN was given".to_string(),
        CkError::Pkcs11(rv, function) => {
            format!("{}: {}", function_name(*function), describe_rv(*rv))
        }
        other => format!("the module returned malformed data ({other})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_incorrect_sentence() {
        assert_eq!(
            describe_rv(RvError::PinIncorrect),
            "wrong PIN (CKR_PIN_INCORRECT); certscope tried once and will not retry, so the card \
             does not lock"
        );
        let e = TokenError::from(CkError::Pkcs11(RvError::PinIncorrect, Function::Login));
        assert_eq!(e.rv(), Some(RvError::PinIncorrect));
        assert!(
            e.to_string()
                .starts_with("C_Login: wrong PIN (CKR_PIN_INCORRECT); "),
            "{e}"
        );
    }

    #[test]
    fn names() {
        assert_eq!(ckr_name(RvError::PinLocked), "CKR_PIN_LOCKED");
        assert_eq!(ckr_name(RvError::PinLenRange), "CKR_PIN_LEN_RANGE");
        assert_eq!(ckr_name(RvError::TokenNotPresent), "CKR_TOKEN_NOT_PRESENT");
        assert_eq!(ckr_name(RvError::DeviceRemoved), "CKR_DEVICE_REMOVED");
        assert_eq!(
            ckr_name(RvError::SessionHandleInvalid),
            "CKR_SESSION_HANDLE_INVALID"
        );
        assert_eq!(ckr_name(RvError::UserNotLoggedIn), "CKR_USER_NOT_LOGGED_IN");
        assert_eq!(
            ckr_name(RvError::TokenNotRecognized),
            "CKR_TOKEN_NOT_RECOGNIZED"
        );
        assert_eq!(
            ckr_name(RvError::CryptokiNotInitialized),
            "CKR_CRYPTOKI_NOT_INITIALIZED"
        );
        assert_eq!(
            ckr_name(RvError::AttributeTypeInvalid),
            "CKR_ATTRIBUTE_TYPE_INVALID"
        );
        assert_eq!(
            ckr_name(RvError::UnwrappingKeyTypeInconsistent),
            "CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT"
        );
        assert_eq!(
            ckr_name(RvError::VendorDefined(0x8000_0123)),
            "CKR_VENDOR_DEFINED+0x123"
        );
        assert_eq!(
            ckr_name(RvError::UnknownErrorCode(0x1234)),
            "CKR 0x00001234"
        );
    }

    #[test]
    fn every_sentence_names_its_code() {
        for rv in [
            RvError::PinLocked,
            RvError::PinLenRange,
            RvError::TokenNotPresent,
            RvError::DeviceRemoved,
            RvError::SessionHandleInvalid,
            RvError::UserNotLoggedIn,
            RvError::TokenNotRecognized,
            RvError::CryptokiNotInitialized,
            RvError::KeySizeRange,
            RvError::VendorDefined(0x8000_0001),
        ] {
            let s = describe_rv(rv);
            assert!(s.contains(ckr_name(rv).as_ref()), "{s}");
        }
        assert_eq!(
            describe_rv(RvError::KeySizeRange),
            "the PKCS#11 module reported an error (CKR_KEY_SIZE_RANGE)"
        );
        assert!(describe_rv(RvError::PinLocked).contains("never tries a PIN"));
    }

    #[test]
    fn function_names() {
        assert_eq!(function_name(Function::Login), "C_Login");
        assert_eq!(
            function_name(Function::GetAttributeValue),
            "C_GetAttributeValue"
        );
        assert_eq!(function_name(Function::InitPIN), "C_InitPIN");
    }

    #[test]
    fn load_messages() {
        let missing = Path::new("/nonexistent/libnothing.so");
        assert_eq!(
            classify_load_error(
                missing,
                "/nonexistent/libnothing.so: cannot open shared object file: No such file or directory"
            ),
            LoadFailure::NotFound
        );
        // The file exists, so "No such file" is about something it links against.
        let exists = Path::new("/");
        assert_eq!(
            classify_load_error(
                exists,
                "libfoo.so.1: cannot open shared object file: No such file or directory"
            ),
            LoadFailure::MissingDependency
        );
        let c = |m: &str| classify_load_error(exists, m);
        assert_eq!(c("/x: invalid ELF header"), LoadFailure::NotSharedLibrary);
        assert_eq!(c("/x: file too short"), LoadFailure::NotSharedLibrary);
        assert_eq!(
            c("/x: ELF file's phentsize not the expected size"),
            LoadFailure::NotSharedLibrary
        );
        assert_eq!(
            c("/x: ELF file data encoding not little-endian"),
            LoadFailure::WrongArchitecture
        );
        assert_eq!(
            c("/x: wrong ELF class: ELFCLASS32"),
            LoadFailure::WrongArchitecture
        );
        assert_eq!(
            c("/x: cannot open shared object file: Permission denied"),
            LoadFailure::PermissionDenied
        );
        assert_eq!(
            c("/x: undefined symbol: foo"),
            LoadFailure::UnresolvedSymbol
        );
        assert_eq!(c("something new"), LoadFailure::Other);
    }

    #[test]
    fn no_token_sentences() {
        let e = |slots, blank| TokenError::NoTokenPresent { slots, blank }.to_string();
        assert_eq!(
            e(2, 0),
            "no initialised token is present: the module has 2 slots, none holds a token; \
             insert the card or plug in the token and try again"
        );
        assert_eq!(
            e(1, 1),
            "no initialised token is present: the module has 1 slot, and the token in it is \
             not initialised; a blank token must be initialised with its vendor's tool before \
             it can be read"
        );
        assert!(e(3, 2).contains("the tokens in them are not initialised"));
        assert!(e(0, 0).ends_with("the module has no slot"));
    }

    #[test]
    fn attribute_size_sentences() {
        let one = TokenError::AttributeTooLarge {
            sizes: vec![("CKA_VALUE".into(), 1475)],
            limit: 1000,
        };
        assert_eq!(
            one.to_string(),
            "the module reports CKA_VALUE of 1475 bytes over the limit of 1000 bytes, so it was \
             not read (raise the limit with --max-attribute-size or the \
             CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE environment variable)"
        );
        let two = TokenError::AttributeTooLarge {
            sizes: vec![("CKA_LABEL".into(), 1 << 40), ("CKA_ID".into(), 1 << 40)],
            limit: 16,
        };
        assert!(two
            .to_string()
            .starts_with("the module reports CKA_LABEL of 1099511627776 bytes, CKA_ID of "));
        assert!(two.to_string().contains("so they were not read"));
    }

    #[test]
    fn elf_headers() {
        let dir = std::env::temp_dir();
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.join(format!("certscope-elf-{}-{name}", std::process::id()));
            std::fs::write(&p, bytes).unwrap();
            p
        };
        // ELF64 LSB, ET_DYN, EM_AARCH64 (183) / ELF32 LSB, EM_386 (3) / ELF64 MSB, EM_S390.
        let mut aarch64 = b"\x7fELF\x02\x01\x01\x00".to_vec();
        aarch64.extend([0u8; 8]);
        aarch64.extend([3, 0, 183, 0]);
        let mut i386 = b"\x7fELF\x01\x01\x01\x00".to_vec();
        i386.extend([0u8; 8]);
        i386.extend([3, 0, 3, 0]);
        let mut s390 = b"\x7fELF\x02\x02\x01\x00".to_vec();
        s390.extend([0u8; 8]);
        s390.extend([0, 3, 0, 22]);
        let cases = [
            (write("a", &aarch64), "AArch64 (64-bit)", 183),
            (write("i", &i386), "i386 (32-bit)", 3),
            (write("s", &s390), "s390 (64-bit big-endian)", 22),
        ];
        for (path, want, machine) in &cases {
            let t = elf_target(path).unwrap();
            let _ = std::fs::remove_file(path);
            assert_eq!(t.describe(), *want);
            assert_eq!(t.machine, *machine);
            if cfg!(all(target_arch = "x86_64", target_os = "linux")) {
                assert!(!t.runs_here(), "{want}");
            }
        }
        let text = write("t", b"not an ELF file at all, just text");
        let target = elf_target(&text);
        let _ = std::fs::remove_file(&text);
        assert_eq!(target, None);
        if cfg!(all(target_arch = "x86_64", target_os = "linux")) {
            // glibc's words for an AArch64 module on x86-64.
            let p = write("m", &aarch64);
            let kind = classify_load_error(
                &p,
                &format!(
                    "{}: cannot open shared object file: No such file or directory",
                    p.display()
                ),
            );
            let _ = std::fs::remove_file(&p);
            assert_eq!(kind, LoadFailure::WrongArchitecture);
            assert_eq!(host_description(), "x86-64 (64-bit)");
        }
    }

    #[test]
    fn function_list_failure_names_the_module() {
        let e = TokenError::from_load(
            Path::new("/x/mod.so"),
            CkError::Pkcs11(RvError::HostMemory, Function::GetFunctionList),
        );
        assert_eq!(
            e.to_string(),
            "cannot load PKCS#11 module /x/mod.so: the module would not hand out its functions \
             (C_GetFunctionList: the module ran out of memory (CKR_HOST_MEMORY))"
        );
    }

    #[test]
    fn non_rv_errors() {
        let e = TokenError::from(CkError::NotSupported);
        assert!(e.to_string().contains("cannot represent"), "{e}");
        assert_eq!(e.rv(), None);
        let e = TokenError::from_load(
            Path::new("/lib/libm.so.6"),
            CkError::MissingSymbol("C_GetFunctionList"),
        );
        assert!(
            e.to_string()
                .contains("not a PKCS#11 module (no C_GetFunctionList symbol)"),
            "{e}"
        );
    }
}
