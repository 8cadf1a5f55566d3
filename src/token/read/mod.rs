//! Reading object attributes: straight through the module's function list (`raw`, the
//! only `unsafe` code), or through cryptoki where `raw` cannot (`via_cryptoki`, for a
//! module such as p11-kit's proxy that needs cryptoki's own initialisation). Why not
//! cryptoki for everything: docs/design.md, "PKCS#11".

pub mod raw;
pub mod via_cryptoki;

use cryptoki::context::Function;
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::object::Attribute;
use cryptoki::session::Session;

use crate::token::error::TokenError;
use crate::token::object::{
    apply, handle_number, raw_handle_number, ObjectInfo, ObjectKind, CKA_CERTIFICATE_CATEGORY,
    CKA_CLASS,
};
use crate::token::read::raw::{AttributeReader, FindError, RawValue};
use crate::token::read::via_cryptoki as compat;
use crate::token::watchdog::ModuleCall;

/// The largest attribute value certscope accepts from a module, unless told otherwise:
/// far above any real certificate (the largest value it reads), far below a length that
/// would exhaust memory.
pub const DEFAULT_MAX_ATTRIBUTE_SIZE: usize = 16 * 1024 * 1024;

/// The limits of one [`find_objects_limited`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Longest attribute value read.
    pub(crate) attribute_size: usize,
    /// Most objects one search may return.
    pub(crate) objects: usize,
}

/// Finds the objects matching `template` (one search, at most `limits.objects` objects, the
/// module's count checked: [`AttributeReader::find_objects`]) and describes each with one
/// [`AttributeReader::read`] (two `C_GetAttributeValue` calls; one more for the class when
/// the template does not give it). An attribute the module says is longer than
/// `limits.attribute_size` bytes is not read, and [`ObjectInfo::problems`] says so
/// ([`TokenError::AttributeTooLarge`]). Objects come back in the order the token returned
/// them. For a module whose function list cannot be shared with cryptoki's, the search and
/// the reads go through cryptoki instead ([`compat`]).
pub(crate) fn find_objects_limited(
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
