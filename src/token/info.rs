//! What a module says about itself, its slots, tokens and mechanisms: the summaries
//! `token slots`, `token mechanisms` and `token list` show, with their flag names.

use cryptoki::error::{Error as CkError, RvError};
use cryptoki::slot::{Slot, TokenInfo};
use cryptoki_sys::{
    CKF_DECRYPT, CKF_DERIVE, CKF_DIGEST, CKF_EC_COMPRESS, CKF_EC_CURVENAME, CKF_EC_ECPARAMETERS,
    CKF_EC_F_2M, CKF_EC_F_P, CKF_EC_OID, CKF_EC_UNCOMPRESS, CKF_ENCRYPT, CKF_EXTENSION,
    CKF_GENERATE, CKF_GENERATE_KEY_PAIR, CKF_HW, CKF_SIGN, CKF_SIGN_RECOVER, CKF_UNWRAP,
    CKF_VERIFY, CKF_VERIFY_RECOVER, CKF_WRAP, CK_FLAGS,
};
use serde::Serialize;

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
    /// Minimum PIN length in bytes; `None` when the module says
    /// `CK_UNAVAILABLE_INFORMATION` (NSS's built-in roots), shown as "not available".
    pub min_pin_len: Option<usize>,
    /// Maximum PIN length in bytes; `None` for `CK_UNAVAILABLE_INFORMATION`.
    pub max_pin_len: Option<usize>,
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
    serializer.collect_str(&version(*v))
}

impl TokenSummary {
    /// Is the named flag (as in [`TokenSummary::flags`]) set?
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

pub(crate) fn token_flags(info: &TokenInfo) -> Vec<String> {
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
pub(crate) fn cannot_describe(e: &CkError) -> bool {
    matches!(
        e,
        CkError::NullFunctionPointer
            | CkError::Pkcs11(RvError::MechanismInvalid | RvError::FunctionNotSupported, _)
    )
}

/// The names of the flags set in `flags`.
pub(crate) fn flag_names(flags: CK_FLAGS) -> Vec<String> {
    MECHANISM_FLAGS
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, name)| (*name).to_string())
        .collect()
}

/// A `CK_VERSION` as people write it.
pub(crate) fn version((major, minor): (u8, u8)) -> String {
    format!("{major}.{minor}")
}
