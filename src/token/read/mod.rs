//! Searching a token and reading object attributes straight through the module's function
//! list (`raw`, the only `unsafe` code), never through cryptoki: cryptoki 0.12 panics on a
//! search count above its buffer and fails a whole read on one value it cannot name. Why,
//! and how p11-kit's proxy is handled: docs/design.md, "PKCS#11".

pub mod raw;

use cryptoki::context::Function;
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::object::Attribute;
use cryptoki::session::Session;
use cryptoki_sys::CK_SLOT_ID;

use crate::token::error::TokenError;
use crate::token::object::{apply, raw_handle_number, ObjectInfo, ObjectKind, CKA_CLASS};
use crate::token::read::raw::{AttributeReader, FindError, RawSession, RawValue};

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
/// them. `session` is cryptoki's session on `slot`; for a module whose function list is not
/// shared with cryptoki's (p11-kit-proxy), the reader initialises its own instance and
/// searches in a session of its own on `slot` ([`AttributeReader::adopt_instance`]).
pub(crate) fn find_objects_limited(
    session: &Session,
    slot: CK_SLOT_ID,
    reader: &AttributeReader,
    template: &[Attribute],
    limits: Limits,
) -> Result<Vec<ObjectInfo>, TokenError> {
    let first = reader.open_session(session, slot).map_err(FindError::from);
    let result = match first.and_then(|raw| find_raw(&raw, reader, template, limits)) {
        Err(FindError::Module(CkError::Pkcs11(
            RvError::CryptokiNotInitialized,
            Function::FindObjectsInit | Function::GetAttributeValue,
        ))) if !reader.is_own_instance() => {
            reader.adopt_instance()?;
            let raw = reader.open_session(session, slot)?;
            find_raw(&raw, reader, template, limits)
        }
        other => other,
    };
    result.map_err(|e| find_error(e, limits.objects))
}

/// A failed search as the error the user reads.
// CK_ULONG is u32 on Windows, where these conversions are not no-ops.
#[allow(clippy::useless_conversion)]
pub(crate) fn find_error(e: FindError, limit: usize) -> TokenError {
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
    session: &RawSession<'_>,
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

/// The kind the template's `CKA_CLASS` names, if it names one.
fn template_class(template: &[Attribute]) -> Option<ObjectKind> {
    template.iter().find_map(|a| match a {
        Attribute::Class(c) => Some(ObjectKind::from_class(*c)),
        _ => None,
    })
}
