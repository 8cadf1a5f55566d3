//! What `token slots` and `token mechanisms` show, as owned serde-ready data (the JSON
//! contract in `docs/json.md`), read from a loaded module.

use serde::Serialize;

use crate::token::rv::TokenError;
use crate::token::session::{Module, SlotSummary, TokenSummary};
use crate::token::SelectedToken;

/// The loaded module (`C_GetInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModuleReport {
    /// The library path.
    pub path: String,
    /// `libraryDescription`.
    pub description: String,
    /// `manufacturerID`.
    pub manufacturer: String,
    /// `libraryVersion`, `MAJOR.MINOR`.
    pub library_version: String,
    /// The PKCS#11 version it implements, `MAJOR.MINOR`.
    pub cryptoki_version: String,
}

/// One slot and its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlotReport {
    /// The slot ID (what `--slot` and `slot-id=` take).
    pub id: u64,
    /// `slotDescription`.
    pub description: String,
    /// `manufacturerID`.
    pub manufacturer: String,
    /// `token_present`, `removable_device`, `hw_slot`: the flags that are set.
    pub flags: Vec<String>,
    /// The token, when one is present.
    pub token: Option<TokenReport>,
}

/// A token (`C_GetTokenInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenReport {
    /// `label`.
    pub label: String,
    /// `manufacturerID`.
    pub manufacturer: String,
    /// `model`.
    pub model: String,
    /// `serialNumber`.
    pub serial: String,
    /// The `CKF_*` flags that are set, lower case without prefix, in bit order.
    pub flags: Vec<String>,
    /// Minimum PIN length.
    pub min_pin_len: usize,
    /// Maximum PIN length.
    pub max_pin_len: usize,
    /// Free memory for public objects in bytes, or null when the token does not say.
    pub free_public_memory: Option<usize>,
    /// Total memory for public objects, or null.
    pub total_public_memory: Option<usize>,
    /// Free memory for private objects, or null.
    pub free_private_memory: Option<usize>,
    /// Total memory for private objects, or null.
    pub total_private_memory: Option<usize>,
    /// Hardware version, `MAJOR.MINOR`.
    pub hardware_version: String,
    /// Firmware version, `MAJOR.MINOR`.
    pub firmware_version: String,
}

/// The mechanisms of one token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MechanismsReport {
    /// The slot ID.
    pub slot: u64,
    /// The token label.
    pub token: String,
    /// Its mechanisms, in the module's order.
    pub mechanisms: Vec<MechanismReport>,
}

/// One mechanism (`C_GetMechanismInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MechanismReport {
    /// `CKM_...`.
    pub name: String,
    /// `ulMinKeySize` (bits or bytes, depending on the mechanism), when the module says.
    pub min_key_size: Option<usize>,
    /// `ulMaxKeySize`.
    pub max_key_size: Option<usize>,
    /// `hw`, `encrypt`, `decrypt`, `digest`, `sign`, ... : the flags that are set.
    pub flags: Vec<String>,
}

/// Why a mechanism list may be shorter than other tools show, said wherever it is shown.
pub const MECHANISMS_CAVEAT: &str = "cryptoki 0.12, which certscope uses, leaves out mechanisms \
     it has no name for (SoftHSM 2.6 reports 70, certscope shows 40: DES, DSA, DH, MD5 and \
     SHA-224 digests among those missing); `pkcs11-tool -M` lists them all";

fn version((major, minor): (u8, u8)) -> String {
    format!("{major}.{minor}")
}

/// `C_GetInfo` of a loaded module.
pub fn module(module: &Module) -> Result<ModuleReport, TokenError> {
    let info = module.library_info()?;
    Ok(ModuleReport {
        path: module.path().to_string_lossy().into_owned(),
        description: info.description,
        manufacturer: info.manufacturer,
        library_version: version(info.library_version),
        cryptoki_version: version(info.cryptoki_version),
    })
}

/// A token's report.
pub fn token(t: &TokenSummary) -> TokenReport {
    TokenReport {
        label: t.label.clone(),
        manufacturer: t.manufacturer.clone(),
        model: t.model.clone(),
        serial: t.serial.clone(),
        flags: t.flags.clone(),
        min_pin_len: t.min_pin_len,
        max_pin_len: t.max_pin_len,
        free_public_memory: t.free_public_memory,
        total_public_memory: t.total_public_memory,
        free_private_memory: t.free_private_memory,
        total_private_memory: t.total_private_memory,
        hardware_version: version(t.hardware_version),
        firmware_version: version(t.firmware_version),
    }
}

fn slot(s: &SlotSummary, t: Option<&TokenSummary>) -> SlotReport {
    SlotReport {
        id: s.id,
        description: s.description.clone(),
        manufacturer: s.manufacturer.clone(),
        flags: s.flags.clone(),
        token: t.map(token),
    }
}

/// Every slot of the module, with its token. A token whose info cannot be read makes the
/// whole call fail: the list would be wrong otherwise.
pub fn slots(module: &Module) -> Result<Vec<SlotReport>, TokenError> {
    module
        .slots(false)?
        .iter()
        .map(|s| {
            let t = if s.token_present {
                Some(module.token_info(s.slot)?)
            } else {
                None
            };
            Ok(slot(s, t.as_ref()))
        })
        .collect()
}

/// The mechanisms of one selected token.
pub fn mechanisms(
    module: &Module,
    selected: &SelectedToken,
) -> Result<MechanismsReport, TokenError> {
    let (s, t) = selected;
    Ok(MechanismsReport {
        slot: s.id,
        token: t.label.clone(),
        mechanisms: module
            .mechanisms(s.slot)?
            .into_iter()
            .map(|m| MechanismReport {
                name: m.name,
                min_key_size: m.key_sizes.map(|(min, _)| min),
                max_key_size: m.key_sizes.map(|(_, max)| max),
                flags: m.flags,
            })
            .collect(),
    })
}
