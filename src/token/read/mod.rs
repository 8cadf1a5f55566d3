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
use std::time::{Duration, Instant};

use crate::token::error::TokenError;
use crate::token::object::{ObjectInfo, ObjectKind};
use crate::token::read::raw::{AttributeReader, FindError, RawSession};

/// The largest attribute value certscope accepts from a module, unless told otherwise:
/// far above any real certificate (the largest value it reads), far below a length that
/// would exhaust memory.
pub const DEFAULT_MAX_ATTRIBUTE_SIZE: usize = 16 * 1024 * 1024;

/// Most threads that read one listing's attributes at once, each in a session of its own
/// (one watchdog lane each).
pub const MAX_READ_THREADS: usize = crate::token::watchdog::LANES;

/// Fewest objects per reading thread: below that, opening a session and starting a thread
/// cost about what the thread would save.
const MIN_PER_THREAD: usize = 64;

/// Objects each thread reads per round. Rounds keep what the threads read before the
/// listing takes it in bounded (a few MB), so that [`probe::HOLD_BUDGET`] still applies, in
/// handle order.
const ROUND_PER_THREAD: usize = 512;

/// Time per object from which a module counts as slow: its calls wait (for a network, a
/// card) rather than work, so that threads overlap the waits. SoftHSM takes about 20 µs
/// per read; a network HSM's round trip is a millisecond or more.
const SLOW_CALL: Duration = Duration::from_micros(200);

/// The limits of one [`find_objects_limited`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Longest attribute value read.
    pub(crate) attribute_size: usize,
    /// Most objects one search may return.
    pub(crate) objects: usize,
    /// Threads asked for to read the attributes (0: one per core for a slow module, else
    /// one), see [`read_threads`].
    pub(crate) threads: usize,
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
        each_raw(&raw, slot, reader, template, limits, sorted, handed, each)
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

// One listing's state, handed down from `for_each_object`.
#[allow(clippy::too_many_arguments)]
fn each_raw(
    session: &RawSession<'_>,
    slot: CK_SLOT_ID,
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
    let plan = Plan {
        reader,
        given,
        any_class: probe::any_class_attributes(),
        limit: limits.attribute_size,
    };
    let mut held = 0usize;
    let mut probed = Vec::with_capacity(handles.len());
    // A failure while probing still hands over the objects read before it (when the class
    // is known, probing reads everything), then ends the listing with that failure: the
    // first in handle order, as one thread reading them in turn would have met it.
    let mut failed: Option<CkError> = None;
    let mut take = |(part, error): Part| {
        for mut p in part {
            if held.saturating_add(p.held()) > probe::HOLD_BUDGET {
                p.release_value();
            }
            held = held.saturating_add(p.held());
            probed.push(p);
        }
        error
    };
    let mut threads = read_threads(reader, limits.threads, handles.len());
    let mut rest: &[(CK_OBJECT_HANDLE, Option<ObjectKind>)] = &handles;
    if limits.threads == 0 && threads > 1 {
        // Not asked for a number: threads only for a module whose calls wait (a network
        // HSM, a card), judged on the first objects read on this thread alone. One whose
        // calls are quick works under its own locks (SoftHSM's token-wide mutex), where
        // more threads only wait for each other (docs/performance.md).
        let (sample, after) = handles.split_at(MIN_PER_THREAD.min(handles.len()));
        let started = Instant::now();
        let part = plan.probe_part(session, sample);
        let slow = started.elapsed()
            >= SLOW_CALL.saturating_mul(sample.len().try_into().unwrap_or(u32::MAX));
        failed = take(part);
        if !slow {
            threads = 1;
        }
        rest = if failed.is_some() { &[] } else { after };
    }
    // The extra sessions close (on this thread) once every object is probed.
    let extra = extra_sessions(reader, slot, threads);
    let sessions: Vec<&RawSession<'_>> = std::iter::once(session).chain(&extra).collect();
    'rounds: for round in rest.chunks(ROUND_PER_THREAD.saturating_mul(sessions.len())) {
        for part in plan.read_round(&sessions, round) {
            if let Some(e) = take(part) {
                failed = Some(e);
                break 'rounds;
            }
        }
    }
    drop(sessions);
    drop(extra);
    drop(handles);
    if sorted {
        probed.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    for p in probed {
        match probe::finish(reader, session, p, plan.limit) {
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

/// How many threads may read `objects` objects' attributes when `requested` were asked for
/// (0: one per core, which `each_raw` then keeps for a slow module only, [`SLOW_CALL`]): at
/// most [`MAX_READ_THREADS`], at least [`MIN_PER_THREAD`] objects each, and one unless the
/// module accepted OS locking in `C_Initialize` (PKCS#11 3.x §5.4: a module that does may
/// be called from several threads at once; one that answered `CKR_CANT_LOCK`, or was
/// initialised by someone else, is read on one thread).
fn read_threads(reader: &AttributeReader, requested: usize, objects: usize) -> usize {
    if !reader.threads_allowed() {
        return 1;
    }
    let wanted = match requested {
        0 => std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        n => n,
    };
    wanted
        .min(MAX_READ_THREADS)
        .min(objects / MIN_PER_THREAD)
        .max(1)
}

/// Sessions for the `threads - 1` threads that read beside the listing's own: as many as
/// the module opens (a module that refuses one, `CKR_SESSION_COUNT` say, is read by
/// fewer threads, down to the listing's own alone).
fn extra_sessions(
    reader: &AttributeReader,
    slot: CK_SLOT_ID,
    threads: usize,
) -> Vec<RawSession<'_>> {
    (1..threads)
        .map_while(|lane| reader.open_extra_session(slot, lane).ok())
        .collect()
}

/// What every reading thread needs to probe its objects.
struct Plan<'r> {
    reader: &'r AttributeReader,
    /// The class the search template named.
    given: Option<ObjectKind>,
    /// [`probe::any_class_attributes`].
    any_class: Vec<cryptoki_sys::CK_ATTRIBUTE_TYPE>,
    limit: usize,
}

/// What one thread read of its part: the objects probed, in handle order, up to the
/// first failure, and that failure.
type Part = (Vec<probe::Probed>, Option<CkError>);

impl Plan<'_> {
    /// Probes `round`: split into one contiguous part per session, each read on its own
    /// thread (the first on this one); the parts come back in handle order.
    fn read_round(
        &self,
        sessions: &[&RawSession<'_>],
        round: &[(CK_OBJECT_HANDLE, Option<ObjectKind>)],
    ) -> Vec<Part> {
        let [first, rest @ ..] = sessions else {
            return Vec::new();
        };
        if rest.is_empty() {
            return vec![self.probe_part(first, round)];
        }
        let mut parts = round.chunks(round.len().div_ceil(sessions.len()).max(1));
        let head = parts.next().unwrap_or_default();
        std::thread::scope(|scope| {
            let workers: Vec<_> = parts
                .zip(rest)
                .map(|(part, session)| scope.spawn(move || self.probe_part(session, part)))
                .collect();
            let mut out = vec![self.probe_part(first, head)];
            for worker in workers {
                // A panic in a reading thread is a bug here, not a module's answer: it
                // goes on as one.
                out.push(
                    worker
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                );
            }
            out
        })
    }

    /// Probes `handles` in `session`, in order, up to the first failure.
    fn probe_part(
        &self,
        session: &RawSession<'_>,
        handles: &[(CK_OBJECT_HANDLE, Option<ObjectKind>)],
    ) -> Part {
        let (reader, any_class, limit) = (self.reader, &self.any_class, self.limit);
        let mut out = Vec::with_capacity(handles.len());
        for &(h, class) in handles {
            let read = probe::probe(reader, session, h, class, any_class, limit).and_then(|p| {
                // Found by the certificate search but not a certificate by its own class (a
                // module that ignores the template): what was read is dropped unseen, and
                // the object read as one of unknown class.
                if self.given.is_none() && class.is_some() && !p.class_confirmed() {
                    probe::probe(reader, session, h, None, any_class, limit)
                } else {
                    Ok(p)
                }
            });
            match read {
                Ok(p) => out.push(p),
                Err(e) => return (out, Some(e)),
            }
        }
        (out, None)
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
