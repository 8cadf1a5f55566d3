//! PKCS#11 tokens: the only module that names `cryptoki`.
//!
//! ```text
//! modules::resolve(--module | CERTSCOPE_PKCS11_MODULE | URI module-path (opt-in) / module-name | p11-kit proxy)
//!   ─► session::Module::load ─ C_Initialize                         (Drop: C_Finalize)
//!        ├─ select_tokens(selection URI)   --token / --slot / --token-serial, default all
//!        └─ open_ro_session ─► [login: one C_Login, only when asked]  (Drop: C_CloseSession)
//!              └─ find::search(Filter) ─ C_FindObjectsInit(template), then per object two
//!                   C_GetAttributeValue calls (read::raw; for p11-kit's proxy in an
//!                   instance of its own) ─► objects::to_item ─► decode::certificate_item / TokenObject
//! ```
//!
//! Nothing here prints: results are [`crate::decode::Event`]s and serde-ready reports,
//! failures are [`TokenError`]s whose `Display` is a sentence with the `CKR_` name.
//! Resources are released by `Drop` (sessions before the module, which the borrow checker
//! enforces), so every error path closes sessions and calls `C_Finalize`.

mod attribute_names;
pub mod doctor;
pub mod dump;
pub mod error;
pub mod find;
pub mod info;
pub mod load_diagnosis;
mod mechanism_names;
pub mod modules;
pub mod nss;
pub mod object;
pub mod objects;
pub mod read;
pub mod report;
pub mod rv;
pub mod session;
mod spki;
pub mod uri;
pub mod watchdog;

use crate::decode::{Event, Options};
use crate::input::secret::Secret;

pub use self::error::TokenError;
pub use self::find::Filter;
pub use self::modules::{ModuleChoice, ModuleOrigin};
use self::object::ObjectKind;
pub use self::session::{LoginPolicy, Module, SlotSummary, TokenSession, TokenSummary};
pub use self::uri::{ObjectType, Pkcs11Uri};

pub use crate::input::is_pkcs11_uri as is_uri;

/// A token chosen for a command: its slot and `C_GetTokenInfo`.
pub type SelectedToken = (SlotSummary, TokenSummary);

/// A slot whose token could not be read, with `C_GetTokenInfo`'s error.
pub type UnreadableSlot = (SlotSummary, TokenError);

/// The tokens a selection names. `selection` carries the library, slot and token
/// attributes (`--token` is `token=`, `--slot` is `slot-id=`, `--token-serial` is
/// `serial=`). With no slot or token attribute ("every token"), tokens that are not
/// initialised are left out: SoftHSM always adds an empty one, and a blank card cannot be
/// read anyway (a write-protected one that holds objects, such as NSS's built-in roots,
/// is not blank and is used); if that leaves none, it is [`TokenError::NoTokenPresent`]. A selection that
/// names a slot or token gets what it names, so that the user hears why it cannot be used.
pub fn select_tokens(
    module: &Module,
    selection: &Pkcs11Uri,
) -> Result<Vec<SelectedToken>, TokenError> {
    Ok(select_tokens_skipping(module, selection)?.0)
}

/// `; slot N cannot be read: ...` for each unreadable slot, for error messages.
fn unreadable_detail(unreadable: &[UnreadableSlot]) -> String {
    unreadable
        .iter()
        .map(|(s, e)| format!("; slot {} cannot be read: {e}", s.id))
        .collect()
}

/// [`select_tokens`], and the slots it skipped because their token cannot be read
/// (`C_GetTokenInfo` failed: an unrecognised card, a reader error), each with its error,
/// so that the caller can say so. One bad slot does not hide the others; a selection that
/// names only unreadable slots is [`TokenError::SelectedSlotUnreadable`].
pub fn select_tokens_skipping(
    module: &Module,
    selection: &Pkcs11Uri,
) -> Result<(Vec<SelectedToken>, Vec<UnreadableSlot>), TokenError> {
    let named = selection.token.is_some()
        || selection.serial.is_some()
        || selection.manufacturer.is_some()
        || selection.model.is_some()
        || selection.slot_id.is_some()
        || selection.slot_description.is_some()
        || selection.slot_manufacturer.is_some();
    let library_named = selection.library_description.is_some()
        || selection.library_manufacturer.is_some()
        || selection.library_version.is_some();
    let session::SlotScan {
        matching: slots,
        unreadable,
    } = module.scan_slots(selection)?;
    let slot_count = slots.len() + unreadable.len();
    let mut blank = 0usize;
    let mut out = Vec::new();
    for (slot, token) in slots {
        let Some(token) = token else { continue };
        // Not initialised is blank, unless it is a read-only token whose contents come with
        // the module (NSS's built-in roots lack the flag): those are used if they hold
        // objects. A token that cannot be searched counts as blank.
        let usable = named
            || token.has_flag("token_initialized")
            || (token.has_flag("write_protected")
                && module.has_public_objects(slot.slot).unwrap_or(false));
        if !usable {
            blank += 1;
            continue;
        }
        out.push((slot, token));
    }
    // "Every token" and there is none: an empty listing would look like an empty token,
    // and a card pulled out must not look like a card that holds nothing. (A URI whose
    // library attributes name another module matches nothing, which is not this case.)
    if out.is_empty() && !named && !library_named {
        return Err(TokenError::NoTokenPresent {
            slots: slot_count,
            blank,
            unreadable: unreadable_detail(&unreadable),
        });
    }
    // Named by slot alone (a token attribute cannot match a token that cannot be read):
    // the user asked for exactly what is broken.
    let by_token = selection.token.is_some()
        || selection.serial.is_some()
        || selection.manufacturer.is_some()
        || selection.model.is_some();
    if out.is_empty() && named && !by_token {
        if let Some((slot, e)) = unreadable.into_iter().next() {
            return Err(TokenError::SelectedSlotUnreadable {
                slot: slot.id,
                cause: Box::new(e),
            });
        }
        return Err(TokenError::NoMatchingToken {
            wanted: describe_selection(selection),
            present: present_tokens(module)?,
            unreadable: String::new(),
        });
    }
    if out.is_empty() && named {
        return Err(TokenError::NoMatchingToken {
            wanted: describe_selection(selection),
            present: present_tokens(module)?,
            unreadable: unreadable_detail(&unreadable),
        });
    }
    Ok((out, unreadable))
}

/// The initialised tokens of the module, for "no token matches" (`none` when none).
fn present_tokens(module: &Module) -> Result<String, TokenError> {
    let present: Vec<String> = module
        .slots(true)?
        .iter()
        .filter_map(|s| module.token_info(s.slot).ok().map(|t| (s.id, t)))
        .filter(|(_, t)| t.has_flag("token_initialized"))
        .map(|(id, t)| format!("\"{}\" (slot {id}, serial {})", t.label, t.serial))
        .collect();
    Ok(if present.is_empty() {
        "none".to_string()
    } else {
        present.join(", ")
    })
}

/// The selection in the words of the command line, for error messages.
fn describe_selection(s: &Pkcs11Uri) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &s.token {
        parts.push(format!("token \"{t}\""));
    }
    if let Some(t) = &s.serial {
        parts.push(format!("serial \"{t}\""));
    }
    if let Some(t) = s.slot_id {
        parts.push(format!("slot {t}"));
    }
    if let Some(t) = &s.manufacturer {
        parts.push(format!("manufacturer \"{t}\""));
    }
    if let Some(t) = &s.model {
        parts.push(format!("model \"{t}\""));
    }
    if parts.is_empty() {
        s.to_string()
    } else {
        parts.join(", ")
    }
}

/// Where a PIN comes from, when a login is wanted.
pub enum Login<'a> {
    /// No login: only public objects are seen.
    No,
    /// Log in with this PIN.
    Pin(Secret),
    /// Log in, asking for the PIN once the token is known (the binary prompts on a
    /// terminal); `Ok(None)` means no PIN can be had.
    Ask(&'a mut dyn FnMut(&TokenSummary) -> Result<Option<Secret>, TokenError>),
}

impl Login<'_> {
    /// Is a login wanted at all?
    pub fn wanted(&self) -> bool {
        !matches!(self, Login::No)
    }
}

impl std::fmt::Debug for Login<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Login::No => "Login::No",
            Login::Pin(_) => "Login::Pin(redacted)",
            Login::Ask(_) => "Login::Ask",
        })
    }
}

/// The `pkcs11:` URI naming a token (p11tool's attributes and order), used as the
/// locator of problems that belong to a token rather than to one object.
pub fn token_uri(token: &TokenSummary) -> String {
    Pkcs11Uri {
        model: Some(token.model.clone()),
        manufacturer: Some(token.manufacturer.clone()),
        serial: Some(token.serial.clone()),
        token: Some(token.label.clone()),
        ..Pkcs11Uri::default()
    }
    .to_string()
}

/// What a listing needs besides the module and the tokens.
#[derive(Debug)]
pub struct Listing<'a, 'o> {
    /// Which objects.
    pub filter: &'a Filter,
    /// Decoding options for certificates (digests, PEM, thumbprint mode).
    pub options: &'a Options<'o>,
    /// `module-path` to put into every object URI, so that it can be pasted as it is;
    /// `None` leaves it out (the p11-kit proxy, which needs none).
    pub module_path: Option<&'a str>,
    /// The longest attribute value accepted from the module
    /// ([`session::DEFAULT_MAX_ATTRIBUTE_SIZE`] unless the user raised it).
    pub max_attribute_size: usize,
    /// The most objects one search may return
    /// ([`read::raw::DEFAULT_MAX_OBJECTS`] unless the user changed it).
    pub max_objects: usize,
    /// Threads that read the objects' attributes at once (0: one per core;
    /// [`TokenSession::set_read_threads`]).
    pub read_threads: usize,
    /// Read every attribute the module gives for each object ([`dump::read`]) into the
    /// item's `token.attributes` (`token list --attributes`).
    pub attributes: bool,
}

/// Lists, token by token, the objects matching the filter, handing each one to `emit` as
/// an item. A token that cannot be read becomes an `Event::Problem` located at its URI and
/// the others are still listed; a PIN problem (wrong, locked, missing) is reported the same
/// way but ends the listing, since what was asked for cannot be shown. The only errors
/// returned are a login asked for with several tokens selected, before anything is read,
/// and a PIN refused before `C_Login` ([`TokenError::is_refused_input`]).
pub fn list(
    module: &Module,
    tokens: &[SelectedToken],
    listing: &Listing<'_, '_>,
    login: &mut Login<'_>,
    emit: &mut dyn FnMut(Event),
) -> Result<(), TokenError> {
    if login.wanted() {
        let needing: Vec<&SelectedToken> = tokens
            .iter()
            .filter(|(_, t)| t.has_flag("login_required"))
            .collect();
        if needing.len() > 1 {
            return Err(TokenError::LoginNeedsOneToken {
                count: needing.len(),
                labels: needing
                    .iter()
                    .map(|(_, t)| format!("\"{}\"", t.label))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    for (slot, token) in tokens {
        let result = list_one(module, slot, token, listing, login, emit);
        match result {
            Ok(()) => {}
            // A PIN refused before C_Login is the user's input, refused like a bad option.
            Err(e) if e.is_refused_input() => return Err(e),
            Err(e) => {
                // A PIN problem is the user's to fix before anything else is worth doing.
                let stop = matches!(
                    e,
                    TokenError::PinNeeded { .. }
                        | TokenError::PinLocked { .. }
                        | TokenError::PinFinalTry { .. }
                ) || e.rv().is_some_and(is_pin_error);
                emit(Event::Problem {
                    locator: token_uri(token),
                    message: e.to_string(),
                });
                if stop {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

fn is_pin_error(rv: cryptoki::error::RvError) -> bool {
    use cryptoki::error::RvError as R;
    matches!(
        rv,
        R::PinIncorrect | R::PinInvalid | R::PinLenRange | R::PinExpired | R::PinLocked
    )
}

fn list_one(
    module: &Module,
    slot: &SlotSummary,
    token: &TokenSummary,
    listing: &Listing<'_, '_>,
    login: &mut Login<'_>,
    emit: &mut dyn FnMut(Event),
) -> Result<(), TokenError> {
    let mut session = module.open_ro_session(slot.slot)?;
    session.set_max_attribute_size(listing.max_attribute_size);
    session.set_max_objects(listing.max_objects);
    session.set_read_threads(listing.read_threads);
    if token.has_flag("login_required") {
        let pin = match login {
            Login::No => None,
            Login::Pin(p) => Some(p.clone()),
            Login::Ask(ask) => match ask(token)? {
                Some(p) => Some(p),
                None => {
                    return Err(TokenError::PinNeeded {
                        label: token.label.clone(),
                    })
                }
            },
        };
        if let Some(pin) = pin {
            session.login(Some(pin.expose()), LoginPolicy::default())?;
        }
    }
    // NSS trust objects, for the certificates' trust flags: one more search, made at the
    // first certificate and only on the tokens that keep them (NSS's and p11-kit's trust
    // module), so that every other listing stays one search.
    let mut trust: Option<Vec<_>> = None;
    let ctx = objects::TokenContext {
        slot_id: slot.id,
        token,
        module_path: listing.module_path,
    };
    find::search_each(&session, listing.filter, &mut |info| {
        let attributes = if listing.attributes {
            Some(dump::read(&session, &info)?)
        } else {
            None
        };
        let nss_trust = if info.class == ObjectKind::Certificate && nss::keeps_trust_objects(token)
        {
            let records = trust.get_or_insert_with(|| nss::trust_records(&session));
            nss::trust_for(&session, records, &info)
        } else {
            None
        };
        let mut item = objects::to_item(info, &ctx, listing.options);
        if nss_trust.is_some() {
            item.token.get_or_insert_with(Default::default).nss_trust = nss_trust;
        }
        match attributes {
            None => {}
            Some(Some(all)) => item.token.get_or_insert_with(Default::default).attributes = all,
            Some(None) => item.warnings.push(
                "the attributes cannot be read raw through this module (p11-kit-proxy): name \
                 the module itself with --module"
                    .to_string(),
            ),
        }
        emit(Event::Item(Box::new(item)));
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_inputs_are_recognised() {
        assert!(is_uri("pkcs11:token=x"));
        assert!(is_uri("PKCS11:"));
        assert!(!is_uri("pkcs11"));
        assert!(!is_uri("./pkcs11:x"));
        assert!(!is_uri("cert.pem"));
    }

    #[test]
    fn selection_is_described_in_command_line_words() {
        let s = Pkcs11Uri {
            token: Some("a".into()),
            slot_id: Some(3),
            ..Pkcs11Uri::default()
        };
        assert_eq!(describe_selection(&s), "token \"a\", slot 3");
    }
}
