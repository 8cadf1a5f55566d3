//! [`TokenError`], the PKCS#11 layer's error: its `Display` is the sentence to show the
//! user, with the `CKR_` name ([`crate::token::rv`]) where a module call failed.

use std::path::{Path, PathBuf};

use cryptoki::context::Function;
use cryptoki::error::{Error as CkError, RvError};
use thiserror::Error;

use crate::token::load_diagnosis::{
    classify_load_error, elf_target, host_description, load_sentence, LoadFailure,
};
use crate::token::rv::{describe_rv, function_name};

fn attribute_sizes(sizes: &[(String, usize)]) -> String {
    sizes
        .iter()
        .map(|(name, size)| format!("{name} of {size} bytes"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn no_token_detail(slots: usize, blank: usize) -> String {
    let slots_text = if slots == 1 {
        "1 slot".to_string()
    } else {
        format!("{slots} slots")
    };
    if slots == 0 {
        "the module has no slot".to_string()
    } else if blank == 0 {
        format!(
            "the module has {slots_text}, none holds a token; insert the card or plug in the \
             token and try again"
        )
    } else {
        format!(
            "the module has {slots_text}, and the {} in {} not initialised; a blank token \
             must be initialised with its vendor's tool before it can be read",
            if blank == 1 { "token" } else { "tokens" },
            if blank == 1 { "it is" } else { "them are" }
        )
    }
}

fn detail_suffix(detail: &Option<String>) -> String {
    detail
        .as_ref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default()
}

/// Errors of the PKCS#11 layer. `Display` is the sentence to show the user.
#[derive(Debug, Error)]
pub enum TokenError {
    /// The module file could not be loaded or is not a PKCS#11 module.
    #[error("cannot load PKCS#11 module {}: {}{}", path.display(), load_sentence(kind), detail_suffix(detail))]
    Load {
        /// The path given.
        path: PathBuf,
        /// Which case it is.
        kind: LoadFailure,
        /// The dynamic loader's own message, when there is one.
        detail: Option<String>,
    },
    /// A PKCS#11 function returned an error.
    #[error("{}: {}", function_name(*function), describe_rv(*rv))]
    Pkcs11 {
        /// The function that failed.
        function: Function,
        /// What it returned.
        rv: RvError,
    },
    /// The token says its user PIN is locked; C_Login was not called.
    #[error(
        "the user PIN of token \"{label}\" is locked (CKF_USER_PIN_LOCKED); certscope does not \
         try a PIN on a locked token"
    )]
    PinLocked {
        /// Token label.
        label: String,
    },
    /// The token says one more wrong PIN locks it, and the caller did not accept that risk.
    #[error(
        "token \"{label}\" locks its PIN after one more wrong try (CKF_USER_PIN_FINAL_TRY), so \
         certscope did not send the PIN"
    )]
    PinFinalTry {
        /// Token label.
        label: String,
    },
    /// The slot has no token, or its token is not initialised.
    #[error("slot {slot} has no usable token: {reason}")]
    NoToken {
        /// Slot ID.
        slot: u64,
        /// What is missing.
        reason: &'static str,
    },
    /// `C_Initialize` failed: the module loaded but will not start.
    #[error("cannot initialise PKCS#11 module {}: {cause}{hint}", path.display())]
    Initialize {
        /// The module.
        path: PathBuf,
        /// What `C_Initialize` returned.
        cause: Box<TokenError>,
        /// Advice for modules whose reasons only go to syslog (SoftHSM's missing
        /// configuration), or empty.
        hint: &'static str,
    },
    /// No module was named and none could be found.
    #[error(
        "no PKCS#11 module: name one with --module PATH, the CERTSCOPE_PKCS11_MODULE environment \
         variable, a URI's ?module-name=NAME of a p11-kit module (or ?module-path=PATH with \
         --allow-uri-module), or install p11-kit (its proxy module exposes every registered \
         module)"
    )]
    NoModule,
    /// A URI names its module with `module-path`, which is not loaded without the user's
    /// opt-in, and nothing else names a module.
    #[error(
        "this URI names its module with module-path={path}, which certscope loads only with \
         --allow-uri-module (a URI can come from a file name or a pasted text, and loading a \
         library runs its code); or name the module with CERTSCOPE_PKCS11_MODULE"
    )]
    UriModulePathNotAllowed {
        /// The `module-path` value.
        path: String,
    },
    /// `module-name=` names no module p11-kit knows.
    #[error("no PKCS#11 module named \"{name}\" is registered with p11-kit (looked for {name}.module in {searched}); `certscope token modules` lists the registered ones")]
    UnknownModuleName {
        /// The name asked for.
        name: String,
        /// The directories looked in, comma-separated.
        searched: String,
    },
    /// Every token was asked for and no slot holds an initialised one.
    #[error("no initialised token is present: {}{unreadable}", no_token_detail(*slots, *blank))]
    NoTokenPresent {
        /// `; slot N cannot be read: ...` for each slot whose token could not be read, or
        /// empty.
        unreadable: String,
        /// The module's slots.
        slots: usize,
        /// Of those, the slots whose token is not initialised.
        blank: usize,
    },
    /// The module reports attribute values longer than certscope accepts; they were not
    /// read.
    #[error(
        "the module reports {} over the limit of {limit} bytes, so {} not read (raise the \
         limit with --max-attribute-size or the CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE \
         environment variable)",
        attribute_sizes(sizes),
        if sizes.len() == 1 { "it was" } else { "they were" }
    )]
    AttributeTooLarge {
        /// Each `CKA_...` and the length the module reported for it.
        sizes: Vec<(String, usize)>,
        /// The limit in force.
        limit: usize,
    },
    /// `C_FindObjects` said it wrote more handles than it was given room for: nothing it
    /// returned can be trusted, and the search was ended.
    #[error(
        "C_FindObjects: the module reported {reported} objects, more than the {asked} it was \
         asked for; certscope ended the search (a module bug)"
    )]
    FindOvercount {
        /// Room given.
        asked: u64,
        /// Handles the module claimed.
        reported: u64,
    },
    /// A search returned more objects than certscope accepts (a module whose search never
    /// ends, or a token far larger than any real one).
    #[error(
        "C_FindObjects: the search found more than {limit} objects, more than certscope \
         accepts, and was ended (raise the limit with --max-objects or the \
         CERTSCOPE_PKCS11_MAX_OBJECTS environment variable)"
    )]
    TooManyObjects {
        /// The limit in force.
        limit: usize,
    },
    /// The token selection matched no token.
    #[error("no token matches {wanted}; tokens present: {present}{unreadable}")]
    NoMatchingToken {
        /// `; slot N cannot be read: ...` for each slot whose token could not be read, or
        /// empty.
        unreadable: String,
        /// The selection, as the user wrote it.
        wanted: String,
        /// Labels of the tokens that are there (`none` when there are none).
        present: String,
    },
    /// A login was asked for with several tokens selected: one PIN must never be tried on
    /// a token it was not meant for, because every wrong try counts towards locking it.
    #[error(
        "a login needs exactly one token, and {count} tokens that require one are selected \
         ({labels}); choose one with --token, --slot or --token-serial"
    )]
    LoginNeedsOneToken {
        /// How many selected tokens require a login.
        count: usize,
        /// Their labels.
        labels: String,
    },
    /// A login is needed but no PIN can be had.
    #[error(
        "token \"{label}\" needs its user PIN: give --pin pass:TEXT, env:VAR or file:PATH (or \
         a URI's pin-value/pin-source), or run certscope on a terminal to be asked"
    )]
    PinNeeded {
        /// Token label.
        label: String,
    },
    /// A PIN the token cannot accept (empty, or outside its `ulMinPinLen..ulMaxPinLen`) was
    /// refused before `C_Login`: sending it would only cost one of the token's tries.
    #[error(
        "{source_name}: {reason}; certscope did not send it to C_Login, since a wrong try \
         counts towards locking the token"
    )]
    PinRefused {
        /// Where the PIN came from (`--pin`, `pin-value`, the token label).
        source_name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The selection names only slots whose token cannot be read (`C_GetTokenInfo`
    /// failed on them, an unrecognised card say).
    #[error("the selected slot {slot} holds a token that cannot be read: {cause}")]
    SelectedSlotUnreadable {
        /// Slot ID.
        slot: u64,
        /// What `C_GetTokenInfo` returned.
        cause: Box<TokenError>,
    },
    /// A URI could not be parsed.
    #[error(transparent)]
    Uri(#[from] crate::token::uri::UriError),
    /// A filter value could not be understood.
    #[error("{0}")]
    Filter(String),
    /// cryptoki could not represent what the module returned, or another non-PKCS#11 error.
    #[error("{0}")]
    Other(String),
}

impl TokenError {
    /// The PKCS#11 return value behind the error, if there is one.
    pub fn rv(&self) -> Option<RvError> {
        match self {
            TokenError::Pkcs11 { rv, .. } => Some(*rv),
            TokenError::Initialize { cause, .. } => cause.rv(),
            TokenError::SelectedSlotUnreadable { cause, .. } => cause.rv(),
            _ => None,
        }
    }

    /// Whether the error is the user's input refused before any use (exit status 2, like a
    /// usage error), rather than a failure of the module or the token: a PIN that cannot
    /// be right, or a selection that names only a token that cannot be read.
    pub fn is_refused_input(&self) -> bool {
        matches!(
            self,
            TokenError::PinRefused { .. } | TokenError::SelectedSlotUnreadable { .. }
        )
    }

    /// Converts an error from `Pkcs11::new` for the module at `path`.
    pub fn from_load(path: &Path, err: CkError) -> TokenError {
        match err {
            CkError::LibraryLoading(e) => {
                let message = e.to_string();
                let kind = classify_load_error(path, &message);
                // The loader's own words for another CPU may be "No such file or
                // directory"; the ELF header says what the file really is.
                let detail = match (&kind, elf_target(path)) {
                    (LoadFailure::WrongArchitecture, Some(t)) => format!(
                        "it is built for {}; this certscope is for {}",
                        t.describe(),
                        host_description()
                    ),
                    _ => message,
                };
                TokenError::Load {
                    path: path.to_path_buf(),
                    kind,
                    detail: Some(detail),
                }
            }
            CkError::MissingSymbol(_) => TokenError::Load {
                path: path.to_path_buf(),
                kind: LoadFailure::NotPkcs11Module,
                detail: None,
            },
            // Without this, the sentence would not say which module or that it was loading.
            CkError::Pkcs11(rv, Function::GetFunctionList) => TokenError::Load {
                path: path.to_path_buf(),
                kind: LoadFailure::FunctionListFailed,
                detail: Some(format!("C_GetFunctionList: {}", describe_rv(rv))),
            },
            // While loading, only the function list can hold NULL (src/token/raw.rs).
            CkError::NullFunctionPointer => TokenError::Load {
                path: path.to_path_buf(),
                kind: LoadFailure::FunctionListFailed,
                detail: Some(
                    "C_GetFunctionList answered CKR_OK with a NULL list (or a NULL \
                     C_GetAttributeValue in it)"
                        .to_string(),
                ),
            },
            other => TokenError::from(other),
        }
    }
}

impl From<CkError> for TokenError {
    fn from(err: CkError) -> Self {
        match err {
            CkError::Pkcs11(rv, function) => TokenError::Pkcs11 { function, rv },
            other => TokenError::Other(describe_other(&other)),
        }
    }
}

/// Sentences for the cryptoki errors that are not PKCS#11 return values.
fn describe_other(err: &CkError) -> String {
    match err {
        CkError::LibraryLoading(e) => format!("cannot load the PKCS#11 module: {e}"),
        CkError::MissingSymbol(sym) => {
            format!("the library is not a PKCS#11 module (no {sym} symbol)")
        }
        CkError::NullFunctionPointer => "the module does not implement a function certscope \
             needs (NULL entry in its function list)"
            .to_string(),
        CkError::NotSupported => {
            "the module returned a value cryptoki 0.12 cannot represent \
             (an object class, key type, certificate type, attribute or mechanism it does not know)"
                .to_string()
        }
        CkError::PinNotSet => "no PIN was given".to_string(),
        CkError::Pkcs11(rv, function) => {
            format!("{}: {}", function_name(*function), describe_rv(*rv))
        }
        other => format!("the module returned malformed data ({other})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_incorrect_sentence() {
        assert_eq!(
            describe_rv(RvError::PinIncorrect),
            "wrong PIN (CKR_PIN_INCORRECT); certscope tried once and will not retry, so the card \
             does not lock"
        );
        let e = TokenError::from(CkError::Pkcs11(RvError::PinIncorrect, Function::Login));
        assert_eq!(e.rv(), Some(RvError::PinIncorrect));
        assert!(
            e.to_string()
                .starts_with("C_Login: wrong PIN (CKR_PIN_INCORRECT); "),
            "{e}"
        );
    }

    #[test]
    fn no_token_sentences() {
        let e = |slots, blank| {
            TokenError::NoTokenPresent {
                slots,
                blank,
                unreadable: String::new(),
            }
            .to_string()
        };
        assert_eq!(
            e(2, 0),
            "no initialised token is present: the module has 2 slots, none holds a token; \
             insert the card or plug in the token and try again"
        );
        assert_eq!(
            e(1, 1),
            "no initialised token is present: the module has 1 slot, and the token in it is \
             not initialised; a blank token must be initialised with its vendor's tool before \
             it can be read"
        );
        assert!(e(3, 2).contains("the tokens in them are not initialised"));
        assert!(e(0, 0).ends_with("the module has no slot"));
    }

    #[test]
    fn attribute_size_sentences() {
        let one = TokenError::AttributeTooLarge {
            sizes: vec![("CKA_VALUE".into(), 1475)],
            limit: 1000,
        };
        assert_eq!(
            one.to_string(),
            "the module reports CKA_VALUE of 1475 bytes over the limit of 1000 bytes, so it was \
             not read (raise the limit with --max-attribute-size or the \
             CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE environment variable)"
        );
        let two = TokenError::AttributeTooLarge {
            sizes: vec![("CKA_LABEL".into(), 1 << 40), ("CKA_ID".into(), 1 << 40)],
            limit: 16,
        };
        assert!(two
            .to_string()
            .starts_with("the module reports CKA_LABEL of 1099511627776 bytes, CKA_ID of "));
        assert!(two.to_string().contains("so they were not read"));
    }

    #[test]
    fn function_list_failure_names_the_module() {
        let e = TokenError::from_load(
            Path::new("/x/mod.so"),
            CkError::Pkcs11(RvError::HostMemory, Function::GetFunctionList),
        );
        assert_eq!(
            e.to_string(),
            "cannot load PKCS#11 module /x/mod.so: the module would not hand out its functions \
             (C_GetFunctionList: the module ran out of memory (CKR_HOST_MEMORY))"
        );
    }

    #[test]
    fn non_rv_errors() {
        let e = TokenError::from(CkError::NotSupported);
        assert!(e.to_string().contains("cannot represent"), "{e}");
        assert_eq!(e.rv(), None);
        let e = TokenError::from_load(
            Path::new("/lib/libm.so.6"),
            CkError::MissingSymbol("C_GetFunctionList"),
        );
        assert!(
            e.to_string()
                .contains("not a PKCS#11 module (no C_GetFunctionList symbol)"),
            "{e}"
        );
    }
}
