//! Searching a token and reading object attributes straight through the module's function
//! list (`raw`, the only `unsafe` code), never through cryptoki: cryptoki 0.12 panics on a
//! search count above its buffer and fails a whole read on one value it cannot name. Why,
//! and how p11-kit's proxy is handled: docs/design.md, "PKCS#11".

mod probe;
pub mod raw;

use cryptoki::context::Function;
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::object::{Attribute, ObjectClass};
use cryptoki::session::Session;
use cryptoki_sys::{CK_OBJECT_HANDLE, CK_SLOT_ID};
use std::collections::HashSet;

use crate::token::error::TokenError;
use crate::token::object::{ObjectInfo, ObjectKind};
use crate::token::read::raw::{AttributeReader, FindError, RawSession};

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

/// Finds the objects matching `template` (one search when it gives the class, else two:
/// certificates first, [`class_first`]; at most `limits.objects` objects, the module's
/// count checked: [`AttributeReader::find_objects`]) and describes each ([`probe`]: one
/// `C_GetAttributeValue` call for an object whose class the search gave, two for the
/// others, more only for values that did not fit their guessed buffers). An attribute
/// the module says is longer than `limits.attribute_size` bytes is not read, and
/// [`ObjectInfo::problems`] says so ([`TokenError::AttributeTooLarge`]). Objects come back
/// in the order the token returned them (certificates first when `template` names no
/// class). `session` is cryptoki's session on `slot`; for a
/// module whose function list is not shared with cryptoki's (p11-kit-proxy), the reader
/// initialises its own instance and searches in a session of its own on `slot`
/// ([`AttributeReader::adopt_instance`]).
pub(crate) fn find_objects_limited(
    session: &Session,
    slot: CK_SLOT_ID,
    reader: &AttributeReader,
    template: &[Attribute],
    limits: Limits,
) -> Result<Vec<ObjectInfo>, TokenError> {
    let mut found = Vec::new();
    for_each_object(
        session,
        slot,
        reader,
        template,
        limits,
        false,
        &mut |info| {
            found.push(info);
            Ok(())
        },
    )?;
    Ok(found)
}

/// [`find_objects_limited`], handing each object to `each` as soon as it is read instead
/// of collecting them; `sorted` hands them over in listing order (class, label, ID). What
/// is held meanwhile is each object's sort key and what its first call read
/// ([`probe::Probed`]): its values when the class was known (up to [`probe::HOLD_BUDGET`]
/// bytes in all, then certificate values are read again as they are handed over), else
/// attribute lengths. Without a class in `template`, certificates come first, then the
/// other objects, each set in the token's order.
/// An error from `each` ends the listing and is returned.
pub(crate) fn for_each_object(
    session: &Session,
    slot: CK_SLOT_ID,
    reader: &AttributeReader,
    template: &[Attribute],
    limits: Limits,
    sorted: bool,
    each: &mut dyn FnMut(ObjectInfo) -> Result<(), TokenError>,
) -> Result<(), TokenError> {
    let mut handed = false;
    let mut run = |handed: &mut bool| -> Result<(), Stop> {
        let raw = reader
            .open_session(session, slot)
            .map_err(FindError::from)?;
        each_raw(&raw, reader, template, limits, sorted, handed, each)
    };
    let result = match run(&mut handed) {
        // p11-kit-proxy: found out at the first raw call, before anything was handed over.
        Err(Stop::Find(FindError::Module(CkError::Pkcs11(
            RvError::CryptokiNotInitialized,
            Function::FindObjectsInit | Function::GetAttributeValue,
        )))) if !reader.is_own_instance() && !handed => {
            reader.adopt_instance()?;
            run(&mut handed)
        }
        other => other,
    };
    match result {
        Ok(()) => Ok(()),
        Err(Stop::Find(e)) => Err(find_error(e, limits.objects)),
        Err(Stop::Each(e)) => Err(e),
    }
}

/// Why [`each_raw`] stopped.
enum Stop {
    Find(FindError),
    Each(TokenError),
}

impl From<FindError> for Stop {
    fn from(e: FindError) -> Stop {
        Stop::Find(e)
    }
}

impl From<CkError> for Stop {
    fn from(e: CkError) -> Stop {
        Stop::Find(FindError::Module(e))
    }
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

fn each_raw(
    session: &RawSession<'_>,
    reader: &AttributeReader,
    template: &[Attribute],
    limits: Limits,
    sorted: bool,
    handed: &mut bool,
    each: &mut dyn FnMut(ObjectInfo) -> Result<(), TokenError>,
) -> Result<(), Stop> {
    let given = template_class(template);
    let handles = match given {
        Some(kind) => reader
            .find_objects(session, template, limits.objects)?
            .into_iter()
            .map(|h| (h, Some(kind)))
            .collect(),
        None => class_first(reader, session, template, limits.objects)?,
    };
    let any_class = probe::any_class_attributes();
    let limit = limits.attribute_size;
    let mut held = 0usize;
    let mut probed = Vec::with_capacity(handles.len());
    // A failure while probing still hands over the objects read before it (when the class
    // is known, probing reads everything), then ends the listing with that failure.
    let mut failed: Option<CkError> = None;
    for &(h, class) in &handles {
        let read = probe::probe(reader, session, h, class, &any_class, limit).and_then(|p| {
            // Found by the certificate search but not a certificate by its own class (a
            // module that ignores the template): what was read is dropped unseen, and the
            // object read as one of unknown class.
            if given.is_none() && class.is_some() && !p.class_confirmed() {
                probe::probe(reader, session, h, None, &any_class, limit)
            } else {
                Ok(p)
            }
        });
        match read {
            Ok(mut p) => {
                if held.saturating_add(p.held()) > probe::HOLD_BUDGET {
                    p.release_value();
                }
                held = held.saturating_add(p.held());
                probed.push(p);
            }
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    drop(handles);
    if sorted {
        probed.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    for p in probed {
        match probe::finish(reader, session, p, limit) {
            Ok(info) => {
                *handed = true;
                each(info).map_err(Stop::Each)?;
            }
            // The first failure is the one to report (a removed token fails every call).
            Err(e) => return Err(failed.unwrap_or(e).into()),
        }
    }
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

/// The handles of a search whose template names no class, each with the class it is known
/// to have: one search for certificates (read in one call each, [`probe`]), then one for
/// every object, of which those the first did not return are read as of unknown class (two
/// calls each; a key's `CKA_VALUE` is never asked for). On SoftHSM, which checks each
/// object's file in every search and every read, the second search costs the module as
/// many file checks as a second call per certificate did, and saves the rest of that call's
/// work (docs/performance.md, "Token filled by pkcs11-tool"). A handle both searches return is read once, whatever changed in between;
/// more than `max` handles in all is [`FindError::TooMany`], as for one search.
fn class_first(
    reader: &AttributeReader,
    session: &RawSession<'_>,
    template: &[Attribute],
    max: usize,
) -> Result<Vec<(CK_OBJECT_HANDLE, Option<ObjectKind>)>, FindError> {
    let mut certificates = template.to_vec();
    certificates.push(Attribute::Class(ObjectClass::CERTIFICATE));
    let certificates = reader.find_objects(session, &certificates, max)?;
    let all = reader.find_objects(session, template, max)?;
    let seen: HashSet<CK_OBJECT_HANDLE> = certificates.iter().copied().collect();
    let rest = all.into_iter().filter(|h| !seen.contains(h));
    let handles: Vec<_> = certificates
        .iter()
        .map(|&h| (h, Some(ObjectKind::Certificate)))
        .chain(rest.map(|h| (h, None)))
        .collect();
    if handles.len() > max {
        return Err(FindError::TooMany(max));
    }
    Ok(handles)
}

/// The kind the template's `CKA_CLASS` names, if it names one.
fn template_class(template: &[Attribute]) -> Option<ObjectKind> {
    template.iter().find_map(|a| match a {
        Attribute::Class(c) => Some(ObjectKind::from_class(*c)),
        _ => None,
    })
}
