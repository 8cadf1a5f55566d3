//! Attribute reads through cryptoki alone, for modules whose function list cannot be shared
//! with cryptoki's: p11-kit-proxy hands out a new, uninitialised instance on every
//! `C_GetFunctionList`, so [`crate::token::read::raw::AttributeReader`] gets
//! `CKR_CRYPTOKI_NOT_INITIALIZED` there. Slower (docs/design.md, "PKCS#11"), same
//! results: the values come back as the same [`RawValue`]s and go through the same
//! [`crate::token::session`] code.
//!
//! - The class of each object is found with one search per known class (cryptoki fails a
//!   read of a class it cannot name).
//! - `CKA_CERTIFICATE_CATEGORY` with one search per value, the raw attribute in the
//!   template (cryptoki cannot read it at all).
//! - One size query per variable-length attribute before cryptoki's read, because cryptoki
//!   allocates whatever its own size query returns.

use std::collections::{HashMap, HashSet};

use cryptoki::context::Function;
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::object::{Attribute, AttributeInfo, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use cryptoki_sys::{CK_ATTRIBUTE_TYPE, CK_ULONG};

use crate::token::error::TokenError;
use crate::token::object::{
    handle_number, CertificateCategory, ObjectKind, CKA_CERTIFICATE_CATEGORY, KNOWN_CLASSES,
};
use crate::token::read::raw::RawValue;

/// `template` with its `CKA_CLASS` replaced by `class`.
fn with_class(template: &[Attribute], class: ObjectClass) -> Vec<Attribute> {
    let mut t: Vec<Attribute> = template
        .iter()
        .filter(|a| !matches!(a, Attribute::Class(_)))
        .cloned()
        .collect();
    t.push(Attribute::Class(class));
    t
}

fn handle_set(handles: Vec<ObjectHandle>) -> HashSet<u64> {
    handles.into_iter().map(handle_number).collect()
}

/// The objects matching `template`, through cryptoki's search, stopped after `max`
/// ([`TokenError::TooManyObjects`]) so that a search that never ends cannot exhaust memory.
pub fn find_bounded(
    session: &Session,
    template: &[Attribute],
    max: usize,
) -> Result<Vec<ObjectHandle>, TokenError> {
    let mut out = Vec::new();
    for handle in session.iter_objects(template)? {
        if out.len() >= max {
            return Err(TokenError::TooManyObjects { limit: max });
        }
        out.push(handle?);
    }
    Ok(out)
}

/// The class of each handle, by one search per known class (template + `CKA_CLASS`).
pub fn classify(
    session: &Session,
    template: &[Attribute],
    handles: &[ObjectHandle],
    max: usize,
) -> Result<Vec<ObjectKind>, TokenError> {
    let mut kinds: HashMap<u64, ObjectKind> = HashMap::new();
    for (kind, class) in KNOWN_CLASSES {
        for h in handle_set(find_bounded(session, &with_class(template, class), max)?) {
            kinds.entry(h).or_insert(kind);
        }
    }
    Ok(handles
        .iter()
        .map(|h| {
            kinds
                .get(&handle_number(*h))
                .copied()
                .unwrap_or(ObjectKind::Other)
        })
        .collect())
}

/// `CKA_CERTIFICATE_CATEGORY` of the certificates matching `template`, by one search per
/// value. A module that rejects the attribute in a template (PKCS#11 before 2.20) just gives
/// no categories; any other failure is an error, because a listing without the categories
/// the token has would be presented as complete.
pub fn categories(
    session: &Session,
    template: &[Attribute],
    max: usize,
) -> Result<HashMap<u64, CertificateCategory>, TokenError> {
    let mut out = HashMap::new();
    for category in CertificateCategory::ALL.map(|(_, c)| c) {
        let mut t = with_class(template, ObjectClass::CERTIFICATE);
        t.push(category.template_attribute());
        match find_bounded(session, &t, max) {
            Ok(found) => {
                for h in handle_set(found) {
                    out.insert(h, category);
                }
            }
            Err(TokenError::Pkcs11 { function, rv })
                if rejects_template_attribute(function, rv) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// The answers of a module that does not know an attribute used in a search template.
fn rejects_template_attribute(function: Function, rv: RvError) -> bool {
    matches!(
        (function, rv),
        (
            Function::FindObjectsInit,
            RvError::AttributeTypeInvalid
                | RvError::AttributeValueInvalid
                | RvError::TemplateInconsistent
        )
    )
}

/// True for the cryptoki errors that mean "could not convert what the module returned".
fn is_conversion_error(e: &CkError) -> bool {
    matches!(
        e,
        CkError::NotSupported
            | CkError::InvalidValue
            | CkError::TryFromInt(_)
            | CkError::TryFromSlice(_)
            | CkError::Utf8(_)
            | CkError::ParseInt(_)
    )
}

/// The raw form of a value cryptoki returned, as the module would have given it.
fn raw(attribute: Attribute) -> Option<Vec<u8>> {
    let ulong = |v: CK_ULONG| Some(v.to_ne_bytes().to_vec());
    let flag = |b: bool| Some(vec![u8::from(b)]);
    match attribute {
        Attribute::Label(v)
        | Attribute::Id(v)
        | Attribute::Value(v)
        | Attribute::Subject(v)
        | Attribute::Modulus(v)
        | Attribute::EcParams(v)
        | Attribute::Application(v) => Some(v),
        Attribute::Class(c) => ulong(c.into()),
        Attribute::KeyType(k) => ulong(k.into()),
        Attribute::CertificateType(c) => ulong(c.into()),
        Attribute::ModulusBits(n) | Attribute::ValueLen(n) => ulong(n.into()),
        Attribute::Private(b)
        | Attribute::Trusted(b)
        | Attribute::Modifiable(b)
        | Attribute::Sensitive(b)
        | Attribute::Extractable(b)
        | Attribute::Sign(b)
        | Attribute::Verify(b)
        | Attribute::Encrypt(b)
        | Attribute::Decrypt(b)
        | Attribute::Wrap(b)
        | Attribute::Unwrap(b)
        | Attribute::Derive(b)
        | Attribute::AlwaysAuthenticate(b) => flag(b),
        _ => None,
    }
}

/// `types` of one object through cryptoki: sizes of the variable-length ones first (those
/// over `limit` are not read), then one batched `get_attributes`, or one per attribute if
/// cryptoki cannot convert a value. `CKA_CERTIFICATE_CATEGORY` is left out (see
/// [`categories`]).
pub fn read(
    session: &Session,
    handle: ObjectHandle,
    types: &[CK_ATTRIBUTE_TYPE],
    limit: usize,
) -> Result<Vec<(CK_ATTRIBUTE_TYPE, RawValue)>, CkError> {
    let typed: Vec<AttributeType> = types
        .iter()
        .filter(|t| **t != CKA_CERTIFICATE_CATEGORY)
        .filter_map(|t| AttributeType::try_from(*t).ok())
        .collect();
    let variable: Vec<AttributeType> = typed
        .iter()
        .filter(|t| t.fixed_size().is_none())
        .copied()
        .collect();
    let infos = session.get_attribute_info(handle, &variable)?;
    let sizes: Vec<(AttributeType, usize)> = variable
        .into_iter()
        .zip(infos)
        .filter_map(|(attribute, info)| match info {
            AttributeInfo::Available(size) => Some((attribute, size)),
            _ => None,
        })
        .collect();
    let size_of = |t: AttributeType| sizes.iter().find(|(a, _)| *a == t).map(|(_, s)| *s);
    let mut out = Vec::new();
    let kept: Vec<AttributeType> = typed
        .iter()
        .copied()
        .filter(|t| match size_of(*t) {
            Some(size) if size > limit => {
                out.push((CK_ATTRIBUTE_TYPE::from(*t), RawValue::TooLarge(size)));
                false
            }
            _ => true,
        })
        .collect();
    let attrs = match session.get_attributes(handle, &kept) {
        Ok(attrs) => attrs,
        Err(e) if is_conversion_error(&e) => {
            let mut all = Vec::new();
            for t in &kept {
                match session.get_attributes(handle, std::slice::from_ref(t)) {
                    Ok(mut a) => all.append(&mut a),
                    Err(e) if is_conversion_error(&e) => {}
                    Err(e) => return Err(e),
                }
            }
            all
        }
        Err(e) => return Err(e),
    };
    for attribute in attrs {
        let t = attribute.attribute_type();
        if let Some(bytes) = raw(attribute) {
            let announced = size_of(t).unwrap_or(bytes.len()).max(bytes.len());
            out.push((
                CK_ATTRIBUTE_TYPE::from(t),
                RawValue::Bytes { bytes, announced },
            ));
        }
    }
    // In the order asked for, as the raw reader gives them.
    out.sort_by_key(|(t, _)| types.iter().position(|w| w == t));
    Ok(out)
}
