//! What `token slots` and `token mechanisms` show, as owned serde-ready data (the JSON
//! contract in `docs/json.md`), read from a loaded module.

use serde::Serialize;

use crate::token::error::TokenError;
use crate::token::info::version;
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
    /// [`TokenSummary`] serializes as the JSON contract's token object.
    pub token: Option<TokenSummary>,
    /// Why the token of this slot could not be read (`C_GetTokenInfo`'s error), when it
    /// could not; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
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

/// How mechanisms are named, and the one case where the list is short: the `note` of
/// `token mechanisms --format json` (docs/json.md).
pub const MECHANISMS_NOTE: &str = "names are the PKCS#11 CKM_ constants; a vendor's mechanism is \
     CKM_VENDOR_DEFINED+0x..., a value with no standard name CKM_0x...; through p11-kit-proxy \
     the list comes from cryptoki 0.12, which leaves out the mechanisms it cannot name";

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

fn slot(s: &SlotSummary, t: Option<&TokenSummary>) -> SlotReport {
    SlotReport {
        id: s.id,
        description: s.description.clone(),
        manufacturer: s.manufacturer.clone(),
        flags: s.flags.clone(),
        token: t.cloned(),
        error: None,
    }
}

/// Every slot of the module, with its token. A token whose info cannot be read (an
/// unrecognised card answers `CKR_TOKEN_NOT_RECOGNIZED`) is shown as that slot's `error`,
/// and the other slots are still listed.
pub fn slots(module: &Module) -> Result<Vec<SlotReport>, TokenError> {
    module
        .slots(false)?
        .iter()
        .map(|s| {
            let t = if s.token_present {
                match module.token_info(s.slot) {
                    Ok(t) => Some(t),
                    Err(e @ TokenError::Pkcs11 { .. }) => {
                        return Ok(SlotReport {
                            error: Some(e.to_string()),
                            ..slot(s, None)
                        })
                    }
                    Err(e) => return Err(e),
                }
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
