//! PKCS#11 return values as sentences a person understands, plus the `CKR_` name for
//! searching. cryptoki's own `Display` for [`RvError`] is the spec's paragraph (long, and
//! written for module authors), and it has no way to get the `CKR_...` name back. This module
//! has both: [`ckr_name`] for every return value cryptoki 0.12 knows, and [`describe_rv`] for
//! "what happened, what to do": `wrong PIN (CKR_PIN_INCORRECT); certscope tried once and
//! will not retry, so the card does not lock`. Tables only; the error type is in
//! [`crate::token::error`].

use std::borrow::Cow;

use cryptoki::context::Function;
use cryptoki::error::RvError;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
