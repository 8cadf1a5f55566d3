//! One object's attributes in as few `C_GetAttributeValue` calls as the module allows.
//!
//! When the search template gives the class (`token list --type cert`, a URI's `type=`),
//! [`probe`] reads every attribute of that class in one call, each into a buffer of a
//! guessed size ([`guess`]: the exact size of a `CK_ULONG` or `CK_BBOOL`, [`SMALL_GUESS`]
//! for a label, ID, subject or key part, [`VALUE_GUESS`] for a certificate): a module that
//! keeps its objects in files (SoftHSM) checks the file on every call, so the call count is
//! what a listing costs. Only what did not come back costs more: PKCS#11 (3.x §5.7,
//! `C_GetAttributeValue`) answers `CK_UNAVAILABLE_INFORMATION` alike for a buffer too small,
//! an attribute the object lacks and a sensitive one, so each such attribute's length is
//! asked next (and a length comes back as [`Answer::Size`] from 2.x modules that give it
//! instead), then its value read at that length ([`resolve`], at most [`ROUNDS`] calls).
//!
//! When the class is not known, the first call reads `CKA_CLASS`, `CKA_LABEL` and `CKA_ID`
//! into buffers given straight away and asks the lengths of the rest, but not of
//! `CKA_VALUE` (for a key or a data object that is a secret, never requested); the second
//! ([`finish`]) reads the values at those lengths, a certificate's value into a buffer of
//! [`VALUE_GUESS`] bytes. A label or ID longer than [`KEY_GUESS`] bytes costs two more
//! calls (its length, then its value).
//!
//! Between [`probe`] and [`finish`] the object is a [`Probed`]: a sort key and what was
//! read or is left to read, so that a listing can be sorted before anything is handed
//! over. Values read in one call are held until then, up to [`HOLD_BUDGET`] bytes for a
//! listing; past that, a certificate's value is dropped and read again at its known length.

use cryptoki::error::Error as CkError;
use cryptoki_sys::{
    CKA_ALWAYS_AUTHENTICATE, CKA_CERTIFICATE_TYPE, CKA_DECRYPT, CKA_DERIVE, CKA_ENCRYPT,
    CKA_EXTRACTABLE, CKA_ID, CKA_KEY_TYPE, CKA_LABEL, CKA_MODIFIABLE, CKA_MODULUS_BITS,
    CKA_PRIVATE, CKA_SENSITIVE, CKA_SIGN, CKA_TRUSTED, CKA_UNWRAP, CKA_VALUE, CKA_VALUE_LEN,
    CKA_VERIFY, CKA_WRAP, CK_ATTRIBUTE_TYPE, CK_BBOOL, CK_OBJECT_HANDLE, CK_ULONG,
};

use crate::token::object::{
    apply, raw_handle_number, ObjectInfo, ObjectKind, CKA_CERTIFICATE_CATEGORY, CKA_CLASS,
};
use crate::token::read::raw::{Answer, Ask, AttributeReader, RawSession, RawValue};

/// Bytes read straight away for a label or an ID: longer than almost any (an ID is
/// usually a 20-byte SHA-1), short enough to allocate for every object.
pub(crate) const KEY_GUESS: usize = 256;

/// Bytes read straight away for a certificate's `CKA_VALUE` whose length was not asked:
/// most certificates are 1–2 KB; a larger one is read again at its length.
pub(crate) const VALUE_GUESS: usize = 16 * 1024;

/// Bytes read straight away for any other attribute whose length is not fixed, when the
/// class is known: a subject, an ID, an RSA modulus up to 8192 bits, an EC point.
pub(crate) const SMALL_GUESS: usize = 1024;

/// Most bytes of values a listing holds between [`probe`] and [`finish`] (10,000 typical
/// certificates take about 15 MB); beyond it a certificate's value is read again when it is
/// handed over, one more call for that object.
pub(crate) const HOLD_BUDGET: usize = 32 * 1024 * 1024;

/// The buffer [`probe`] gives `attribute` when the class is known: the size of its type
/// where the standard fixes one, else a guess; never more than `limit`.
fn guess(attribute: CK_ATTRIBUTE_TYPE, limit: usize) -> usize {
    let size = match attribute {
        CKA_CLASS
        | CKA_CERTIFICATE_TYPE
        | CKA_CERTIFICATE_CATEGORY
        | CKA_KEY_TYPE
        | CKA_MODULUS_BITS
        | CKA_VALUE_LEN => size_of::<CK_ULONG>(),
        CKA_PRIVATE
        | CKA_TRUSTED
        | CKA_MODIFIABLE
        | CKA_SENSITIVE
        | CKA_EXTRACTABLE
        | CKA_ENCRYPT
        | CKA_DECRYPT
        | CKA_SIGN
        | CKA_VERIFY
        | CKA_WRAP
        | CKA_UNWRAP
        | CKA_DERIVE
        | CKA_ALWAYS_AUTHENTICATE => size_of::<CK_BBOOL>(),
        CKA_VALUE => VALUE_GUESS,
        _ => SMALL_GUESS,
    };
    size.min(limit)
}

/// Where one attribute stands between calls.
#[derive(Debug, Clone)]
enum State {
    /// Final.
    Done(RawValue),
    /// Its length is known (and within the limit): read it at that length.
    Length(usize),
    /// Not asked yet: read it into a guessed buffer.
    Guess,
    /// A guessed buffer came back without a value: ask its length.
    NeedLength,
}

/// An object after its first call: class, sort key and what is left to read.
#[derive(Debug)]
pub(crate) struct Probed {
    handle: CK_OBJECT_HANDLE,
    kind: ObjectKind,
    /// The warning for a class the module would not give usably.
    class_warning: Option<String>,
    /// In `kind.attributes()` order.
    states: Vec<State>,
}

impl Probed {
    /// The listing order: class, then label, then ID (see [`crate::token::find::search`]).
    pub(crate) fn sort_key(&self) -> (u8, Option<String>, &[u8]) {
        let bytes = |t: CK_ATTRIBUTE_TYPE| {
            self.kind
                .attributes()
                .iter()
                .zip(&self.states)
                .find(|(a, _)| **a == t)
                .and_then(|(_, s)| match s {
                    State::Done(v) => v.bytes(),
                    _ => None,
                })
        };
        (
            self.kind.rank(),
            bytes(CKA_LABEL).map(|l| String::from_utf8_lossy(l).into_owned()),
            bytes(CKA_ID).unwrap_or_default(),
        )
    }
}

impl Probed {
    /// Whether the class the module answered is the one the object was read as: false
    /// for an object of another class, or none, found by a search for a class (a module
    /// that ignores its template).
    pub(crate) fn class_confirmed(&self) -> bool {
        self.kind
            .attributes()
            .iter()
            .zip(&self.states)
            .find(|(t, _)| **t == CKA_CLASS)
            .and_then(|(_, s)| match s {
                State::Done(v) => v.ulong(),
                _ => None,
            })
            .is_some_and(|c| ObjectKind::from_raw(c) == self.kind)
    }

    /// Bytes of values held.
    pub(crate) fn held(&self) -> usize {
        self.states
            .iter()
            .map(|s| match s {
                State::Done(v) => v.bytes().map_or(0, <[u8]>::len),
                _ => 0,
            })
            .sum()
    }

    /// Drops the certificate value held, keeping its length, so that [`finish`] reads it
    /// again (a listing over [`HOLD_BUDGET`]).
    pub(crate) fn release_value(&mut self) {
        for (t, state) in self.kind.attributes().iter().zip(&mut self.states) {
            if let (CKA_VALUE, State::Done(RawValue::Bytes { bytes, .. })) = (*t, &*state) {
                if !bytes.is_empty() {
                    *state = State::Length(bytes.len());
                }
            }
        }
    }
}

/// The attributes whose lengths the first call asks when the class is not known: every
/// class's attributes but `CKA_VALUE` (see the module documentation).
pub(crate) fn any_class_attributes() -> Vec<CK_ATTRIBUTE_TYPE> {
    let mut all: Vec<CK_ATTRIBUTE_TYPE> = Vec::new();
    for kind in ObjectKind::ALL {
        for &t in kind.attributes() {
            if !matches!(t, CKA_CLASS | CKA_LABEL | CKA_ID | CKA_VALUE) && !all.contains(&t) {
                all.push(t);
            }
        }
    }
    all
}

/// The first call for `handle`: `given` is the class the search template named, if any;
/// `any_class` is [`any_class_attributes`]. A label or ID that did not fit is settled
/// here, so that the sort key is complete.
pub(crate) fn probe(
    reader: &AttributeReader,
    session: &RawSession<'_>,
    handle: CK_OBJECT_HANDLE,
    given: Option<ObjectKind>,
    any_class: &[CK_ATTRIBUTE_TYPE],
    limit: usize,
) -> Result<Probed, CkError> {
    let ulong = size_of::<CK_ULONG>();
    let asks: Vec<(CK_ATTRIBUTE_TYPE, Ask)> = match given {
        // Every value in this one call (see the module documentation).
        Some(kind) => kind
            .attributes()
            .iter()
            .map(|&t| (t, Ask::Value(guess(t, limit))))
            .collect(),
        None => [
            (CKA_CLASS, Ask::Value(ulong)),
            (CKA_LABEL, Ask::Value(KEY_GUESS.min(limit))),
            (CKA_ID, Ask::Value(KEY_GUESS.min(limit))),
        ]
        .into_iter()
        .chain(
            any_class
                .iter()
                .filter(|t| !matches!(**t, CKA_CLASS | CKA_LABEL | CKA_ID))
                .map(|&t| (t, Ask::Size)),
        )
        .collect(),
    };
    let answers = reader.query(session, handle, &asks)?;
    let answer = |t: CK_ATTRIBUTE_TYPE| {
        asks.iter()
            .zip(&answers)
            .find(|((a, _), _)| *a == t)
            .map(|((_, ask), answer)| (*ask, answer))
    };
    // The class: exactly one CK_ULONG, else unusable (as a vendor class: `Other`).
    let class = match answer(CKA_CLASS) {
        Some((_, Answer::Value(bytes))) if bytes.len() == ulong => RawValue::Bytes {
            announced: ulong,
            bytes: bytes.clone(),
        },
        Some((_, Answer::Value(bytes))) => RawValue::Inconsistent {
            announced: bytes.len(),
        },
        Some((_, Answer::Size(n))) => RawValue::Inconsistent { announced: *n },
        _ => RawValue::Missing,
    };
    let kind = given.unwrap_or_else(|| {
        class
            .ulong()
            .map_or(ObjectKind::Other, ObjectKind::from_raw)
    });
    let class_warning = match (&given, &class) {
        (None, RawValue::Bytes { .. }) | (Some(_), _) => None,
        (None, c) => {
            let said = match c {
                RawValue::Inconsistent { announced } => format!("{announced} bytes"),
                _ => "none".to_string(),
            };
            Some(format!(
                "the module gave no usable CKA_CLASS ({said}), so the object is shown as class \
                 other"
            ))
        }
    };
    let states: Vec<State> = kind
        .attributes()
        .iter()
        .map(|&t| match (t, answer(t)) {
            (CKA_CLASS, _) => State::Done(class.clone()),
            // Not asked (a certificate's value when the class was not known).
            (_, None) => State::Guess,
            (_, Some((ask, a))) => settle(ask, a.clone(), limit),
        })
        .collect();
    let mut probed = Probed {
        handle,
        kind,
        class_warning,
        states,
    };
    // A label or ID longer than its guess: finished now, for the sort key.
    let keys: Vec<usize> = kind
        .attributes()
        .iter()
        .enumerate()
        .filter(|(_, t)| matches!(**t, CKA_LABEL | CKA_ID))
        .map(|(i, _)| i)
        .collect();
    resolve(reader, session, &mut probed, &keys, limit)?;
    Ok(probed)
}

/// The second call (rarely more): every value left, then the object described.
pub(crate) fn finish(
    reader: &AttributeReader,
    session: &RawSession<'_>,
    mut probed: Probed,
    limit: usize,
) -> Result<ObjectInfo, CkError> {
    let all: Vec<usize> = (0..probed.states.len()).collect();
    resolve(reader, session, &mut probed, &all, limit)?;
    let mut info = ObjectInfo::new(raw_handle_number(probed.handle), probed.kind);
    info.warnings.extend(probed.class_warning);
    let values = probed
        .kind
        .attributes()
        .iter()
        .zip(probed.states)
        .map(|(&t, s)| {
            let v = match s {
                State::Done(v) => v,
                // `resolve` leaves nothing pending; this is only its round limit.
                State::Length(n) => RawValue::Inconsistent { announced: n },
                State::Guess | State::NeedLength => RawValue::Missing,
            };
            (t, v)
        })
        .collect();
    apply(&mut info, values, limit);
    Ok(info)
}

/// What one answer makes of an attribute asked with `ask`.
fn settle(ask: Ask, answer: Answer, limit: usize) -> State {
    let length = |n: usize| match n {
        0 => State::Done(RawValue::Bytes {
            bytes: Vec::new(),
            announced: 0,
        }),
        n if n <= limit => State::Length(n),
        n => State::Done(RawValue::TooLarge(n)),
    };
    match (ask, answer) {
        (Ask::Size, Answer::Unavailable) => State::Done(RawValue::Missing),
        (Ask::Size, Answer::Size(n)) => length(n),
        (_, Answer::Value(bytes)) => State::Done(RawValue::Bytes {
            announced: bytes.len(),
            bytes,
        }),
        // A guess that did not fit (or an attribute the object lacks): its length next.
        (Ask::Value(_), Answer::Unavailable) => State::NeedLength,
        (Ask::Value(_), Answer::Size(n)) => length(n),
    }
}

/// Most calls [`resolve`] makes for one object: a value at its length; or a guess, its
/// length, and the value at that length.
const ROUNDS: usize = 3;

/// Reads the attributes at `indices` that are not final, one call per round.
fn resolve(
    reader: &AttributeReader,
    session: &RawSession<'_>,
    probed: &mut Probed,
    indices: &[usize],
    limit: usize,
) -> Result<(), CkError> {
    let types = probed.kind.attributes();
    for _ in 0..ROUNDS {
        let mut asked: Vec<usize> = Vec::new();
        let mut asks: Vec<(CK_ATTRIBUTE_TYPE, Ask)> = Vec::new();
        for &i in indices {
            let (Some(&t), Some(state)) = (types.get(i), probed.states.get(i)) else {
                continue;
            };
            let ask = match state {
                State::Done(_) => continue,
                State::Length(n) => Ask::Value(*n),
                State::Guess => Ask::Value(VALUE_GUESS.min(limit)),
                State::NeedLength => Ask::Size,
            };
            asked.push(i);
            asks.push((t, ask));
        }
        if asks.is_empty() {
            return Ok(());
        }
        let answers = reader.query(session, probed.handle, &asks)?;
        for ((i, (_, ask)), answer) in asked.into_iter().zip(asks).zip(answers) {
            let Some(state) = probed.states.get_mut(i) else {
                continue;
            };
            *state = match (&*state, answer) {
                // Read at the length the module announced: anything but a value that fits
                // contradicts that length.
                (State::Length(n), Answer::Value(bytes)) => State::Done(RawValue::Bytes {
                    bytes,
                    announced: *n,
                }),
                (State::Length(n), _) => State::Done(RawValue::Inconsistent { announced: *n }),
                (_, answer) => settle(ask, answer, limit),
            };
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_are_typed_and_bounded() {
        assert_eq!(guess(CKA_CLASS, usize::MAX), size_of::<CK_ULONG>());
        assert_eq!(
            guess(CKA_CERTIFICATE_CATEGORY, usize::MAX),
            size_of::<CK_ULONG>()
        );
        assert_eq!(guess(CKA_PRIVATE, usize::MAX), 1);
        assert_eq!(guess(CKA_VALUE, usize::MAX), VALUE_GUESS);
        assert_eq!(guess(CKA_LABEL, usize::MAX), SMALL_GUESS);
        // Never past the attribute size limit.
        assert_eq!(guess(CKA_VALUE, 100), 100);
        assert_eq!(guess(CKA_CLASS, 3), 3);
    }

    #[test]
    fn released_values_are_read_again_at_their_length() {
        let kind = ObjectKind::Certificate;
        let states = kind
            .attributes()
            .iter()
            .map(|&t| {
                State::Done(RawValue::Bytes {
                    bytes: if t == CKA_VALUE {
                        vec![7; 1000]
                    } else {
                        vec![1]
                    },
                    announced: 0,
                })
            })
            .collect();
        let mut p = Probed {
            handle: 1,
            kind,
            class_warning: None,
            states,
        };
        let before = p.held();
        p.release_value();
        assert_eq!(p.held(), before - 1000);
        let value = kind.attributes().iter().position(|&t| t == CKA_VALUE);
        assert!(matches!(
            value.and_then(|i| p.states.get(i)),
            Some(State::Length(1000))
        ));
        // The sort key is kept.
        assert_eq!(p.sort_key().1.as_deref(), Some("\u{1}"));
    }
}
