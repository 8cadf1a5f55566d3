//! One object's attributes read raw, in two `C_GetAttributeValue` calls, with every length
//! checked before anything is allocated. The only `unsafe` code in certscope.
//!
//! Why not cryptoki's `Session::get_attributes` (which also makes two calls): it turns
//! each value back into a typed `Attribute` and fails the **whole** call when it cannot
//! (`CKA_CERTIFICATE_CATEGORY`, an object class or key type it has no name for), and it
//! allocates whatever length the module's size answer says (a module answering 2^40 bytes
//! aborted the process). Working around both through cryptoki took one search of the whole
//! token per certificate category and per class, and one size query per variable-length
//! attribute of every object: six calls and up to nine token scans where PKCS#11 needs two
//! calls and one scan (docs/performance.md, the token rows).
//!
//! The slot list is read here too (`C_GetSlotList`, bounded in rounds and in count, where
//! cryptoki retries for ever and allocates any count), and the function list is checked
//! here before cryptoki sees it (cryptoki reads through a NULL one). Everything else
//! (`C_Initialize`, slot and token information, sessions, login, searches) still goes
//! through cryptoki. This reader calls the functions of the list the module hands out from
//! `C_GetFunctionList`, with cryptoki's session and object handles.
//! The module is the one cryptoki loaded: `dlopen` of a library that is already loaded
//! returns the same instance (glibc matches it by file identity), so there is one module
//! state, one set of sessions.

#![allow(unsafe_code)]

use std::ffi::c_void;
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use cryptoki::context::Function;
use cryptoki::error::{Error as CkError, Rv};
use cryptoki::object::{AttributeType, ObjectHandle};
use cryptoki::session::Session;
use cryptoki_sys::{
    CKR_ATTRIBUTE_SENSITIVE, CKR_ATTRIBUTE_TYPE_INVALID, CKR_BUFFER_TOO_SMALL, CKR_OK,
    CK_ATTRIBUTE, CK_ATTRIBUTE_TYPE, CK_BBOOL, CK_FALSE, CK_FUNCTION_LIST, CK_OBJECT_HANDLE, CK_RV,
    CK_SESSION_HANDLE, CK_SLOT_ID, CK_TRUE, CK_ULONG, CK_UNAVAILABLE_INFORMATION,
};

type GetAttributeValue =
    unsafe extern "C" fn(CK_SESSION_HANDLE, CK_OBJECT_HANDLE, *mut CK_ATTRIBUTE, CK_ULONG) -> CK_RV;

type GetSlotList = unsafe extern "C" fn(CK_BBOOL, *mut CK_SLOT_ID, *mut CK_ULONG) -> CK_RV;

/// Most slots accepted from a module: real ones have a handful (p11-kit a few dozen); a
/// count beyond this is an allocation the module would choose for certscope.
pub const MAX_SLOTS: usize = 4096;

/// Times `C_GetSlotList` may answer `CKR_BUFFER_TOO_SMALL` (slots appeared between the
/// count and the list) before certscope gives up: cryptoki asks again for ever.
pub const SLOT_LIST_ROUNDS: usize = 8;

/// Why [`AttributeReader::slot_list`] has no list.
#[derive(Debug)]
pub enum SlotListError {
    /// The module answered with an error.
    Module(CkError),
    /// The module reported more than [`MAX_SLOTS`] slots.
    TooMany(CK_ULONG),
    /// The list kept growing between the count and the list.
    KeepsGrowing,
}

/// A module's own `C_GetAttributeValue` (and `C_GetSlotList`).
pub struct AttributeReader {
    get: GetAttributeValue,
    slot_list: Option<GetSlotList>,
    /// Set when the module's instance turned out not to be cryptoki's (see
    /// [`AttributeReader::mark_separate`]).
    separate: AtomicBool,
    /// Keeps the library mapped for as long as `get` may be called (cryptoki holds its own
    /// reference; this one makes the reader sound on its own).
    _library: cryptoki_sys::Pkcs11,
}

impl fmt::Debug for AttributeReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttributeReader").finish_non_exhaustive()
    }
}

/// What the module gave for one attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    /// The object has no such attribute, or will not reveal it (sensitive).
    Missing,
    /// The module announced more bytes than the limit: not read.
    TooLarge(usize),
    /// The module's value did not fit the length it had announced (it grew between the
    /// size query and the read, or the module claims to have written more than it was
    /// given room for): not trusted, not used.
    Inconsistent {
        /// The length of the size answer.
        announced: usize,
    },
    /// The value.
    Bytes {
        /// The bytes.
        bytes: Vec<u8>,
        /// The length of the size answer (larger than `bytes.len()` when the module gave
        /// less than it said it had).
        announced: usize,
    },
}

impl RawValue {
    /// The bytes, when the value was read.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            RawValue::Bytes { bytes, .. } => Some(bytes),
            _ => None,
        }
    }

    /// A `CK_ULONG` value (class, key type, category...), when it is one.
    pub fn ulong(&self) -> Option<CK_ULONG> {
        let bytes: [u8; size_of::<CK_ULONG>()] = self.bytes()?.try_into().ok()?;
        Some(CK_ULONG::from_ne_bytes(bytes))
    }

    /// A `CK_BBOOL` value, when it is one.
    pub fn bool(&self) -> Option<bool> {
        match self.bytes()? {
            [b] => Some(*b != 0),
            _ => None,
        }
    }
}

/// The acceptable results of `C_GetAttributeValue` for a template that may name
/// attributes the object lacks or hides, or that a size grew under: the per-attribute
/// lengths say which (PKCS#11 2.40 §5.7.5).
fn per_attribute_result(rv: CK_RV) -> bool {
    matches!(
        rv,
        CKR_OK | CKR_ATTRIBUTE_SENSITIVE | CKR_ATTRIBUTE_TYPE_INVALID | CKR_BUFFER_TOO_SMALL
    )
}

impl AttributeReader {
    /// The `C_GetAttributeValue` of the module at `path`, loaded before cryptoki loads
    /// the same library (which then only adds a reference to it).
    pub fn load(path: &Path) -> Result<AttributeReader, CkError> {
        // SAFETY: loading a library runs its initialisers. This is the PKCS#11 module the
        // user named, which cryptoki loads from the same path right after; loading a
        // module is what using one means.
        let library =
            unsafe { cryptoki_sys::Pkcs11::new(path) }.map_err(CkError::LibraryLoading)?;
        if library.C_GetFunctionList.is_err() {
            return Err(CkError::MissingSymbol("C_GetFunctionList"));
        }
        let mut list: *mut CK_FUNCTION_LIST = std::ptr::null_mut();
        // SAFETY: the symbol exists (checked above); the argument is a valid out-pointer.
        let rv = unsafe { library.C_GetFunctionList(&mut list) };
        Rv::from(rv).into_result(Function::GetFunctionList)?;
        if list.is_null() {
            return Err(CkError::NullFunctionPointer);
        }
        // SAFETY: a non-null list from C_GetFunctionList points to the module's function
        // list, which stays valid while the library is loaded (held by `_library`). Only
        // the 2.x prefix is read, which every version of the list starts with.
        let (get, slot_list) = unsafe { ((*list).C_GetAttributeValue, (*list).C_GetSlotList) };
        let get = get.ok_or(CkError::NullFunctionPointer)?;
        Ok(AttributeReader {
            get,
            slot_list,
            separate: AtomicBool::new(false),
            _library: library,
        })
    }

    /// The module's slot ids (only those with a token when `token_present`), through its
    /// own `C_GetSlotList`: the count, then the list, again while the module says the list
    /// grew in between, at most [`SLOT_LIST_ROUNDS`] times, and never more than
    /// [`MAX_SLOTS`] ids.
    pub fn slot_list(&self, token_present: bool) -> Result<Vec<CK_SLOT_ID>, SlotListError> {
        let call = self
            .slot_list
            .ok_or(SlotListError::Module(CkError::NullFunctionPointer))?;
        let present: CK_BBOOL = if token_present { CK_TRUE } else { CK_FALSE };
        let check = |rv: CK_RV| {
            Rv::from(rv)
                .into_result(Function::GetSlotList)
                .map_err(SlotListError::Module)
        };
        for _ in 0..SLOT_LIST_ROUNDS {
            let mut count: CK_ULONG = 0;
            // SAFETY: a NULL list asks for the count; `count` is a valid out-pointer.
            check(unsafe { call(present, std::ptr::null_mut(), &mut count) })?;
            let capacity = usize::try_from(count)
                .ok()
                .filter(|&n| n <= MAX_SLOTS)
                .ok_or(SlotListError::TooMany(count))?;
            let mut ids: Vec<CK_SLOT_ID> = vec![0; capacity];
            let mut filled = count;
            // SAFETY: `ids` holds `filled` (= its length) writable slot ids, and the module
            // may write at most that many.
            let rv = unsafe { call(present, ids.as_mut_ptr(), &mut filled) };
            if rv == CKR_BUFFER_TOO_SMALL {
                continue;
            }
            check(rv)?;
            // A module must not claim more than it was given room for; such a claim is
            // not trusted beyond the buffer.
            ids.truncate(usize::try_from(filled).unwrap_or(capacity).min(capacity));
            return Ok(ids);
        }
        Err(SlotListError::KeepsGrowing)
    }

    /// Records that this reader's instance of the module is not the one cryptoki
    /// initialised (its calls answer `CKR_CRYPTOKI_NOT_INITIALIZED`): p11-kit-proxy creates
    /// a new instance for every `C_GetFunctionList`. Reads then go through cryptoki.
    pub fn mark_separate(&self) {
        self.separate.store(true, Ordering::Relaxed);
    }

    /// See [`AttributeReader::mark_separate`].
    pub fn is_separate(&self) -> bool {
        self.separate.load(Ordering::Relaxed)
    }

    fn call(
        &self,
        session: &Session,
        object: ObjectHandle,
        template: &mut [CK_ATTRIBUTE],
    ) -> Result<CK_RV, CkError> {
        let count = CK_ULONG::try_from(template.len())?;
        // SAFETY: the handles are the session's and an object it found; every pValue in
        // `template` is NULL or points to a live buffer of ulValueLen bytes owned by the
        // caller for the duration of the call.
        let rv = unsafe {
            (self.get)(
                session.handle(),
                object.handle(),
                template.as_mut_ptr(),
                count,
            )
        };
        if per_attribute_result(rv) {
            Ok(rv)
        } else {
            Rv::from(rv).into_result(Function::GetAttributeValue)?;
            Ok(rv)
        }
    }

    /// One `CK_ULONG` attribute in a single call (a buffer of the right size is given
    /// straight away): [`RawValue::Bytes`] of exactly that size, [`RawValue::Missing`], or
    /// [`RawValue::Inconsistent`] when the module answers another length.
    pub fn read_ulong(
        &self,
        session: &Session,
        object: ObjectHandle,
        attribute: CK_ATTRIBUTE_TYPE,
    ) -> Result<RawValue, CkError> {
        let mut value: CK_ULONG = 0;
        let exact = CK_ULONG::try_from(size_of::<CK_ULONG>())?;
        let mut template = [CK_ATTRIBUTE {
            type_: attribute,
            pValue: (&raw mut value).cast::<c_void>(),
            ulValueLen: exact,
        }];
        self.call(session, object, &mut template)?;
        Ok(match template[0].ulValueLen {
            CK_UNAVAILABLE_INFORMATION => RawValue::Missing,
            len if len == exact => RawValue::Bytes {
                bytes: value.to_ne_bytes().to_vec(),
                announced: size_of::<CK_ULONG>(),
            },
            len => RawValue::Inconsistent {
                announced: usize::try_from(len).unwrap_or(usize::MAX),
            },
        })
    }

    /// The attributes `types` of `object`: one call for their lengths, one for the values
    /// of those present and at most `limit` bytes long. The result is in `types` order.
    pub fn read(
        &self,
        session: &Session,
        object: ObjectHandle,
        types: &[CK_ATTRIBUTE_TYPE],
        limit: usize,
    ) -> Result<Vec<(CK_ATTRIBUTE_TYPE, RawValue)>, CkError> {
        let mut sizes: Vec<CK_ATTRIBUTE> = types
            .iter()
            .map(|&type_| CK_ATTRIBUTE {
                type_,
                pValue: std::ptr::null_mut(),
                ulValueLen: 0,
            })
            .collect();
        self.call(session, object, &mut sizes)?;
        let mut out: Vec<(CK_ATTRIBUTE_TYPE, RawValue)> = Vec::with_capacity(types.len());
        let mut wanted: Vec<(usize, CK_ATTRIBUTE_TYPE, Vec<u8>)> = Vec::new();
        for (i, a) in sizes.iter().enumerate() {
            let value = if a.ulValueLen == CK_UNAVAILABLE_INFORMATION {
                RawValue::Missing
            } else {
                match usize::try_from(a.ulValueLen) {
                    Ok(len) if len <= limit => {
                        wanted.push((i, a.type_, vec![0u8; len]));
                        // Filled in after the second call.
                        RawValue::Missing
                    }
                    Ok(len) => RawValue::TooLarge(len),
                    Err(_) => RawValue::TooLarge(usize::MAX),
                }
            };
            out.push((a.type_, value));
        }
        if wanted.is_empty() {
            return Ok(out);
        }
        let mut template: Vec<CK_ATTRIBUTE> = Vec::with_capacity(wanted.len());
        for (_, type_, buffer) in &mut wanted {
            template.push(CK_ATTRIBUTE {
                type_: *type_,
                pValue: buffer.as_mut_ptr().cast::<c_void>(),
                ulValueLen: CK_ULONG::try_from(buffer.len())?,
            });
        }
        self.call(session, object, &mut template)?;
        for (a, (i, _, mut buffer)) in template.iter().zip(wanted) {
            let announced = buffer.len();
            let Some((_, slot)) = out.get_mut(i) else {
                continue;
            };
            *slot = if a.ulValueLen == CK_UNAVAILABLE_INFORMATION {
                // Gone since the size query, or grown past the buffer (CKR_BUFFER_TOO_SMALL).
                RawValue::Inconsistent { announced }
            } else {
                match usize::try_from(a.ulValueLen) {
                    Ok(got) if got <= announced => {
                        buffer.truncate(got);
                        RawValue::Bytes {
                            bytes: buffer,
                            announced,
                        }
                    }
                    _ => RawValue::Inconsistent { announced },
                }
            };
        }
        Ok(out)
    }
}

/// `CKA_...` name of an attribute type, for messages.
pub fn attribute_name(attribute: CK_ATTRIBUTE_TYPE) -> String {
    if attribute == cryptoki_sys::CKA_CERTIFICATE_CATEGORY {
        return "CKA_CERTIFICATE_CATEGORY".to_string();
    }
    match AttributeType::try_from(attribute) {
        Ok(AttributeType::VendorDefined(t)) => format!("CKA_VENDOR_DEFINED(0x{t:x})"),
        Ok(t) => t.to_string(),
        Err(_) => format!("attribute 0x{attribute:x}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        let v = |bytes: &[u8]| RawValue::Bytes {
            bytes: bytes.to_vec(),
            announced: bytes.len(),
        };
        assert_eq!(v(&[1]).bool(), Some(true));
        assert_eq!(v(&[0]).bool(), Some(false));
        assert_eq!(v(&[0, 0]).bool(), None);
        assert_eq!(v(&2u64.to_ne_bytes()).ulong(), Some(2));
        assert_eq!(v(&[2]).ulong(), None);
        assert_eq!(RawValue::Missing.bytes(), None);
        assert_eq!(RawValue::TooLarge(9).ulong(), None);
    }

    #[test]
    fn names() {
        assert_eq!(attribute_name(cryptoki_sys::CKA_VALUE), "CKA_VALUE");
        assert_eq!(attribute_name(0x87), "CKA_CERTIFICATE_CATEGORY");
        assert_eq!(
            attribute_name(0x8000_0001),
            "CKA_VENDOR_DEFINED(0x80000001)"
        );
    }
}
