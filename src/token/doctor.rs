//! `token doctor`: a read-only diagnosis of one module. It loads the module the way every
//! command does ([`Module::load_watched`]), records what each step returned (loading,
//! the function list, `C_Initialize`, `C_GetInfo`, the slots, each token, a read-only
//! session, a search for one object) and explains the failures people meet in words. It
//! never logs in, writes or reads a value: a session and one `C_FindObjects` for one
//! handle are the most it does to a token.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::token::error::TokenError;
use crate::token::info::version;
use crate::token::load_diagnosis::LoadFailure;
use crate::token::modules::RegisteredModule;
use crate::token::report::{self, SlotReport};
use crate::token::rv::ckr_name;
use crate::token::session::Module;
use crate::token::watchdog::Watchdog;

/// What the caller knows about the surroundings (the binary finds it out).
#[derive(Debug, Clone, Default)]
pub struct Surroundings {
    /// The modules registered with p11-kit (for a proxy that leaves some out).
    pub registered: Vec<RegisteredModule>,
    /// Whether the module is p11-kit's proxy.
    pub is_proxy: bool,
    /// pcscd's socket (`/run/pcscd/pcscd.comm`, or `PCSCLITE_CSOCK_NAME`).
    pub pcscd_socket: PathBuf,
}

/// One step and what it returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// `load`, `function_list`, `initialize`, `info`, `slots`, `token`, `session`, `search`.
    pub step: &'static str,
    /// The slot, for the per-slot steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<u64>,
    /// Whether it succeeded.
    pub ok: bool,
    /// What it returned, in words (a `CKR_` name where there is one).
    pub result: String,
}

/// A known problem, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable name: `load_failed`, `needs_init_args`, `initialize_failed`,
    /// `pcscd_not_running`, `no_reader`, `device_error`, `token_not_recognized`,
    /// `token_unreadable`, `blank_token`, `proxy_excludes_module`, `pin_count_low`,
    /// `pin_final_try`, `pin_locked`.
    pub problem: &'static str,
    /// The slot it concerns, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<u64>,
    /// What it means and what to do.
    pub explanation: String,
}

/// The whole diagnosis (the `token doctor --format json` document's fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// The module file.
    pub module: String,
    /// Every step tried, in order; the diagnosis stops at the first step nothing can follow.
    pub steps: Vec<Step>,
    /// The problems found; empty when the module looks healthy.
    pub findings: Vec<Finding>,
}

impl Diagnosis {
    fn step(&mut self, step: &'static str, slot: Option<u64>, result: Result<String, String>) {
        let ok = result.is_ok();
        let result = result.unwrap_or_else(|e| e);
        self.steps.push(Step {
            step,
            slot,
            ok,
            result,
        });
    }

    fn find(&mut self, problem: &'static str, slot: Option<u64>, explanation: String) {
        self.findings.push(Finding {
            problem,
            slot,
            explanation,
        });
    }
}

/// Module files that read smart cards through pcscd.
fn uses_pcsc(path: &Path, manufacturer: &str) -> bool {
    let p = path.to_string_lossy().to_ascii_lowercase();
    let m = manufacturer.to_ascii_lowercase();
    ["opensc", "ykcs11", "yubico", "coolkey", "cackey"]
        .iter()
        .any(|n| p.contains(n) || m.contains(n))
}

/// Is this NSS's softoken, which needs `C_Initialize` arguments?
fn is_nss_softoken(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|f| f.to_string_lossy().contains("softokn"))
}

/// Diagnoses the module at `path`, every call under `watchdog`.
pub fn diagnose(path: &Path, watchdog: Option<Watchdog>, around: &Surroundings) -> Diagnosis {
    let mut d = Diagnosis {
        module: path.to_string_lossy().into_owned(),
        steps: Vec::new(),
        findings: Vec::new(),
    };
    let module = match Module::load_watched(path, watchdog) {
        Ok(m) => m,
        Err(e) => {
            load_failed(&mut d, path, &e);
            return d;
        }
    };
    d.step("load", None, Ok("dlopen succeeded".to_string()));
    d.step("function_list", None, Ok(function_list(&module)));
    d.step(
        "initialize",
        None,
        Ok("C_Initialize(flags CKF_OS_LOCKING_OK, no pReserved): CKR_OK".to_string()),
    );
    let info = match report::module(&module) {
        Ok(i) => i,
        Err(e) => {
            d.step("info", None, Err(format!("C_GetInfo: {e}")));
            return d;
        }
    };
    d.step(
        "info",
        None,
        Ok(format!(
            "{} {} ({}), PKCS#11 {}",
            info.description, info.library_version, info.manufacturer, info.cryptoki_version
        )),
    );
    let pcsc = uses_pcsc(path, &info.manufacturer);
    let slots = match report::slots(&module) {
        Ok(s) => s,
        Err(e) => {
            d.step("slots", None, Err(format!("C_GetSlotList: {e}")));
            if e.rv() == Some(cryptoki::error::RvError::DeviceError) {
                device_error(&mut d, None, pcsc, around);
            }
            return d;
        }
    };
    d.step("slots", None, Ok(format!("{} slot(s)", slots.len())));
    if slots.is_empty() && pcsc {
        no_slots(&mut d, around);
    }
    for s in &slots {
        token(&mut d, &module, s, pcsc, around);
    }
    if around.is_proxy {
        for m in around.registered.iter().filter(|m| !m.in_proxy) {
            let why = m
                .disable_in
                .as_deref()
                .map(|v| format!("disable-in: {v}"))
                .or_else(|| m.enable_in.as_deref().map(|v| format!("enable-in: {v}")))
                .unwrap_or_default();
            d.find(
                "proxy_excludes_module",
                None,
                format!(
                    "p11-kit's proxy does not load the module {} ({why} in {}), so its \
                     tokens are not among these slots; name it: --module {}",
                    m.name, m.config, m.name
                ),
            );
        }
    }
    // Sessions are closed; a failing C_Finalize is worth knowing too.
    match module.finalize() {
        Ok(()) => d.step("finalize", None, Ok("C_Finalize: CKR_OK".to_string())),
        Err(e) => d.step("finalize", None, Err(format!("C_Finalize: {e}"))),
    }
    d
}

fn function_list(module: &Module) -> String {
    let v = module
        .library_info()
        .map(|i| version(i.cryptoki_version))
        .unwrap_or_else(|_| "?".to_string());
    if module
        .context()
        .is_fn_supported(cryptoki::context::Function::GetInterface)
    {
        format!("C_GetInterface: a PKCS#11 {v} function list")
    } else {
        format!("C_GetFunctionList: a PKCS#11 {v} function list")
    }
}

fn load_failed(d: &mut Diagnosis, path: &Path, e: &TokenError) {
    match e {
        TokenError::Load { kind, .. } => {
            let dl_ok = matches!(
                kind,
                LoadFailure::NotPkcs11Module | LoadFailure::FunctionListFailed
            );
            if dl_ok {
                d.step("load", None, Ok("dlopen succeeded".to_string()));
                d.step("function_list", None, Err(e.to_string()));
            } else {
                d.step("load", None, Err(e.to_string()));
            }
            d.find("load_failed", None, e.to_string());
        }
        TokenError::Initialize { cause, .. } => {
            d.step("load", None, Ok("dlopen succeeded".to_string()));
            d.step(
                "function_list",
                None,
                Ok("the module handed out its functions".to_string()),
            );
            let rv = cause.rv();
            let name = rv.map_or_else(|| cause.to_string(), |r| ckr_name(r).into_owned());
            d.step(
                "initialize",
                None,
                Err(format!(
                    "C_Initialize(flags CKF_OS_LOCKING_OK, no pReserved): {name}"
                )),
            );
            let bad_args = rv == Some(cryptoki::error::RvError::ArgumentsBad);
            if is_nss_softoken(path) || bad_args {
                d.find(
                    "needs_init_args",
                    None,
                    format!(
                        "{} wants C_Initialize arguments (pReserved) and refused to start \
                         without them ({name}){}. p11-kit passes them from `x-init-reserved:` \
                         in the module's .module file; certscope takes --init-args STRING",
                        path.display(),
                        if is_nss_softoken(path) {
                            ": NSS's softoken needs its database, e.g. --nss-db ~/.pki/nssdb, \
                             which passes configdir='sql:DIR' certPrefix='' keyPrefix='' \
                             secmod='secmod.db' flags=readOnly"
                        } else {
                            ""
                        }
                    ),
                );
            } else {
                d.find("initialize_failed", None, e.to_string());
            }
        }
        other => {
            d.step("load", None, Err(other.to_string()));
            d.find("load_failed", None, other.to_string());
        }
    }
}

fn pcscd_missing(around: &Surroundings) -> bool {
    !around.pcscd_socket.exists()
}

fn no_slots(d: &mut Diagnosis, around: &Surroundings) {
    if pcscd_missing(around) {
        d.find(
            "pcscd_not_running",
            None,
            format!(
                "the module reads smart cards through pcscd, which is not running (no {}): \
                 start it (systemctl start pcscd.socket, or pcscd) and try again",
                around.pcscd_socket.display()
            ),
        );
    } else {
        d.find(
            "no_reader",
            None,
            "pcscd is running but the module sees no smart-card reader: connect the reader \
             or token (and check that pcscd has a driver for it: pcsc_scan lists what it sees)"
                .to_string(),
        );
    }
}

fn device_error(d: &mut Diagnosis, slot: Option<u64>, pcsc: bool, around: &Surroundings) {
    let pcscd = if pcscd_missing(around) {
        format!(
            "; pcscd is not running (no {}), which smart-card modules (OpenSC, ykcs11) \
             report this way: start it (systemctl start pcscd.socket)",
            around.pcscd_socket.display()
        )
    } else if pcsc {
        "; pcscd is running: the reader may have been unplugged or be held by another \
         program"
            .to_string()
    } else {
        String::new()
    };
    let problem = if pcscd_missing(around) {
        "pcscd_not_running"
    } else {
        "device_error"
    };
    d.find(
        problem,
        slot,
        format!("the module answered CKR_DEVICE_ERROR: the device or its service failed{pcscd}"),
    );
}

fn token(d: &mut Diagnosis, module: &Module, s: &SlotReport, pcsc: bool, around: &Surroundings) {
    let id = Some(s.id);
    if let Some(e) = &s.error {
        d.step("token", id, Err(format!("C_GetTokenInfo: {e}")));
        if e.contains("CKR_DEVICE_ERROR") {
            device_error(d, id, pcsc, around);
        } else if e.contains("CKR_TOKEN_NOT_RECOGNIZED") {
            d.find(
                "token_not_recognized",
                id,
                format!(
                    "the card in slot {} is not one this module knows (CKR_TOKEN_NOT_RECOGNIZED); \
                     the other slots are still used",
                    s.id
                ),
            );
        } else {
            d.find(
                "token_unreadable",
                id,
                format!("the token in slot {} cannot be read: {e}", s.id),
            );
        }
        return;
    }
    let Some(t) = &s.token else {
        d.step("token", id, Ok("no token present".to_string()));
        return;
    };
    d.step(
        "token",
        id,
        Ok(format!(
            "\"{}\" ({}), flags: {}",
            t.label,
            t.model,
            t.flags.join(" ")
        )),
    );
    let pin_flags = [
        (
            "user_pin_locked",
            "pin_locked",
            "the user PIN is locked (CKF_USER_PIN_LOCKED): only the SO can unblock it",
        ),
        (
            "user_pin_final_try",
            "pin_final_try",
            "one more wrong user PIN locks the token (CKF_USER_PIN_FINAL_TRY)",
        ),
        (
            "user_pin_count_low",
            "pin_count_low",
            "a wrong user PIN has been entered since the last good one \
             (CKF_USER_PIN_COUNT_LOW): a few more wrong tries lock the token; certscope \
             logs in once per run and only when asked",
        ),
    ];
    if let Some((_, problem, text)) = pin_flags.iter().find(|(f, _, _)| t.has_flag(f)) {
        d.find(
            problem,
            id,
            format!("token \"{}\" in slot {}: {text}", t.label, s.id),
        );
    }
    let Ok(slot) = cryptoki::slot::Slot::try_from(s.id) else {
        return;
    };
    match module.open_ro_session(slot) {
        Ok(session) => {
            drop(session);
            d.step(
                "session",
                id,
                Ok("C_OpenSession (read-only): CKR_OK".to_string()),
            );
        }
        Err(e) => {
            d.step("session", id, Err(format!("C_OpenSession: {e}")));
            if !t.has_flag("token_initialized") {
                blank(d, s.id);
            }
            return;
        }
    }
    let found = module.has_public_objects(slot);
    match &found {
        Ok(true) => d.step(
            "search",
            id,
            Ok("objects are visible without login".to_string()),
        ),
        Ok(false) => d.step(
            "search",
            id,
            Ok("no object is visible without login".to_string()),
        ),
        Err(e) => d.step("search", id, Err(format!("C_FindObjects: {e}"))),
    }
    if !t.has_flag("token_initialized") && matches!(found, Ok(false)) {
        blank(d, s.id);
    }
}

fn blank(d: &mut Diagnosis, slot: u64) {
    d.find(
        "blank_token",
        Some(slot),
        format!(
            "slot {slot} holds a blank token (CKF_TOKEN_INITIALIZED is not set and it has no \
             objects): initialise it before use (softhsm2-util --init-token, pkcs11-tool \
             --init-token); certscope skips it when choosing tokens"
        ),
    );
}
