//! Loading a PKCS#11 module and reading a `pkcs11:` input: what the `token` commands and
//! every command that reads inputs share. The token settings from the environment
//! ([`TokenEnv`], read by `Ambient`) are checked here, where their errors are reported.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};

use certscope::decode::{Event, Options};
use certscope::input::secret::{self, Secret};
use certscope::render::sanitize::sanitize;
use certscope::token::modules::{self, ConfigDirs, ModuleChoice};
use certscope::token::watchdog::Watchdog;
use certscope::token::{self, Filter, Listing, Login, Module, Pkcs11Uri, TokenError};

use super::{messages, output};
use crate::cli::token::{ModuleArg, DEFAULT_MODULE_TIMEOUT};
use crate::cli::{TokenEnv, UriTokenArgs};
use certscope::render::json::ErrorEntry;

/// The environment variable naming the default module.
pub(super) const MODULE_ENV: &str = "CERTSCOPE_PKCS11_MODULE";

/// The environment variable behind `--max-attribute-size` (clap reads it for the token
/// commands; URI inputs read it here).
pub(super) const MAX_ATTRIBUTE_SIZE_ENV: &str = "CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE";

/// The environment variable behind `--max-objects` (also read for URI inputs).
pub(super) const MAX_OBJECTS_ENV: &str = "CERTSCOPE_PKCS11_MAX_OBJECTS";

/// The environment variable behind `--threads` (also read for URI inputs).
pub(super) const THREADS_ENV: &str = "CERTSCOPE_PKCS11_THREADS";

/// The environment variable behind `--module-timeout` (also read for URI inputs).
pub(super) const MODULE_TIMEOUT_ENV: &str = "CERTSCOPE_PKCS11_MODULE_TIMEOUT";

/// Where p11-kit's configuration is read from.
pub(super) fn config_dirs(env: &TokenEnv) -> ConfigDirs {
    ConfigDirs::system(env.home.as_deref(), user_config_skipped(env))
}

/// Why p11-kit would not read the user's configuration in this process, if it would not:
/// `P11_NO_USER_CONFIG` set, a real user ID of root, or set-user/group-ID (real and
/// effective IDs differ), from `/proc/self/status` (no `unsafe` for `getuid`).
fn user_config_skipped(env: &TokenEnv) -> Option<String> {
    if env.no_user_config {
        return Some("P11_NO_USER_CONFIG is set".to_string());
    }
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let ids = |key: &str| -> Vec<String> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default()
    };
    let (uid, gid) = (ids("Uid:"), ids("Gid:"));
    if uid.first().is_some_and(|u| u == "0") {
        return Some("running as root".to_string());
    }
    let differs = |v: &[String]| v.first() != v.get(1);
    (differs(&uid) || differs(&gid)).then(|| "a setuid or setgid program".to_string())
}

pub(super) fn resolve_module(
    flag: Option<&str>,
    uri: Option<&Pkcs11Uri>,
    allow_uri_module: bool,
    env: &TokenEnv,
) -> Result<ModuleChoice, TokenError> {
    let dirs = config_dirs(env);
    modules::resolve(flag, env.module.as_deref(), uri, allow_uri_module, &dirs)
}

pub(super) fn load(arg: &ModuleArg, env: &TokenEnv) -> Result<(ModuleChoice, Module)> {
    let (module, init_args) = match &arg.nss_db {
        Some(dir) => (
            Some(token::nss::softokn_path()?.to_string_lossy().into_owned()),
            Some(token::nss::db_init_args(dir)?),
        ),
        None => (arg.single().map(str::to_string), arg.init_args.clone()),
    };
    let choice = resolve_module(module.as_deref(), None, false, env)?;
    let module = load_watched_with(&choice.path, arg.module_timeout, init_args.as_deref())?;
    Ok((choice, module))
}

/// Loads the module with every call under a watchdog of `seconds` (none for 0). A call that
/// does not return in time cannot be cancelled: the watchdog says which it was and ends the
/// process with status 2. `init_args` is `C_Initialize`'s `pReserved` (`--init-args`,
/// `--nss-db`).
pub(super) fn load_watched_with(
    path: &Path,
    seconds: u64,
    init_args: Option<&str>,
) -> Result<Module> {
    let init_args = init_args
        .map(std::ffi::CString::new)
        .transpose()
        .context("--init-args: the string cannot contain a NUL byte")?;
    Ok(Module::load_with_init_args(
        path,
        watchdog(path, seconds)?,
        init_args,
    )?)
}

/// The watchdog of [`load_watched_with`]: a call of the module at `path` that does not return
/// within `seconds` (none for 0) ends the process with status 2, naming the call.
pub(super) fn watchdog(path: &Path, seconds: u64) -> Result<Option<Watchdog>> {
    Ok(if seconds == 0 {
        None
    } else {
        let shown = path.display().to_string();
        let w = Watchdog::start(Duration::from_secs(seconds), move |stalled| {
            let message = format!(
                "{} did not return within {} s (raise it with --module-timeout)",
                stalled.call.name(),
                stalled.timeout.as_secs()
            );
            messages::problem(&shown, &message);
            // A JSON document already begun is closed, with the stall in its `errors`.
            output::close_json_on_stall(ErrorEntry {
                source: shown.clone(),
                message,
            });
            std::process::exit(i32::from(messages::EXIT_PROBLEM));
        })
        .context("cannot start the module watchdog")?;
        Some(w)
    })
}

/// Reads a `pkcs11:` INPUT of the file commands: every object the URI names becomes an
/// item, as if read from a file. Problems are events located at the URI (without its PIN);
/// a URI that matches nothing is a problem too, like a missing file. Its `module-path` is
/// loaded only when `allow_uri_module` (`--allow-uri-module`). Returns whether the URI's
/// PIN was refused before use (empty, or a length the token does not accept): the run then
/// exits 2, like a usage error.
pub(super) fn uri_input(
    name: &str,
    opts: &Options<'_>,
    allow_uri_module: bool,
    token_args: &UriTokenArgs,
    emit: &mut dyn FnMut(Event),
) -> bool {
    let mut refused = false;
    uri_input_inner(name, opts, allow_uri_module, token_args, &mut refused, emit);
    refused
}

fn uri_input_inner(
    name: &str,
    opts: &Options<'_>,
    allow_uri_module: bool,
    token_args: &UriTokenArgs,
    refused: &mut bool,
    emit: &mut dyn FnMut(Event),
) {
    // The input as given may hold a pin-value, anywhere: only its redacted form is shown.
    let mut locator = token::uri::redact(name);
    let problem = |locator: &str, message: String| Event::Problem {
        locator: locator.to_string(),
        message,
    };
    let uri = match Pkcs11Uri::parse(name) {
        Ok(u) => u,
        Err(e) => return emit(problem(&locator, e.to_string())),
    };
    locator = uri.to_string();
    // The URI's own PIN first; --pin when it has none.
    let pin = match (uri_pin(&uri), &token_args.pin) {
        (Ok(None), Some(spec)) => secret::from_spec(spec)
            .map(Some)
            .map_err(|e| format!("--pin: {e}")),
        (other, _) => other,
    };
    let mut login = match pin {
        Ok(Some(pin)) => {
            if let Some(reason) = token::session::pin_length_problem(pin.expose(), 0, 0) {
                *refused = true;
                let source = if uri.pin_value.is_some() {
                    "pin-value"
                } else if uri.pin_source.is_some() {
                    "pin-source"
                } else {
                    "--pin"
                };
                return emit(problem(
                    &locator,
                    TokenError::PinRefused {
                        source_name: source.to_string(),
                        reason,
                    }
                    .to_string(),
                ));
            }
            Login::Pin(pin)
        }
        Ok(None) => Login::No,
        Err(message) => return emit(problem(&locator, message)),
    };
    let env = &token_args.env;
    let choice = match resolve_module(
        token_args.module.as_deref(),
        Some(&uri),
        allow_uri_module,
        env,
    ) {
        Ok(c) => c,
        Err(e) => return emit(problem(&locator, e.to_string())),
    };
    let (timeout, max_objects) = match (module_timeout_from_env(env), max_objects_from_env(env)) {
        (Ok(t), Ok(m)) => (t, m),
        (Err(message), _) | (_, Err(message)) => return emit(problem(&locator, message)),
    };
    // --init-args, else the x-init-reserved of a module chosen by module-name (p11-kit's).
    let init_args = token_args
        .init_args
        .clone()
        .or_else(|| match &choice.origin {
            modules::ModuleOrigin::UriName(name) => modules::init_reserved(name, &config_dirs(env)),
            _ => None,
        });
    let module = match load_watched_with(&choice.path, timeout, init_args.as_deref()) {
        Ok(m) => m,
        Err(e) => return emit(problem(&locator, format!("{e:#}"))),
    };
    let tokens = match token::select_tokens_skipping(&module, &uri) {
        Ok((t, skipped)) => {
            // The other slots are still read; the status does not change.
            for (slot, e) in skipped {
                messages::problem(
                    &locator,
                    &format!(
                        "note: slot {} skipped, its token cannot be read: {e}",
                        slot.id
                    ),
                );
            }
            t
        }
        Err(e) => {
            *refused = e.is_refused_input();
            return emit(problem(&locator, e.to_string()));
        }
    };
    let (max_attribute_size, read_threads) = match (
        max_attribute_size_from_env(env),
        env_number(THREADS_ENV, env.threads.as_deref(), "threads", 0),
    ) {
        (Ok(n), Ok(t)) => (n, t),
        (Err(message), _) | (_, Err(message)) => return emit(problem(&locator, message)),
    };
    let filter = Filter::from_uri(&uri);
    let module_path = choice.uri_module_path();
    let listing = Listing {
        filter: &filter,
        options: opts,
        module_path: module_path.as_deref(),
        max_attribute_size,
        max_objects,
        read_threads,
        attributes: false,
    };
    let mut seen = 0usize;
    let result = token::list(&module, &tokens, &listing, &mut login, &mut |ev| {
        seen += 1;
        emit(ev)
    });
    if let Err(e) = result {
        *refused = e.is_refused_input();
        return emit(problem(&locator, e.to_string()));
    }
    if seen == 0 {
        emit(problem(
            &locator,
            "no object matches this URI (private objects need the URI's pin-value or \
             pin-source)"
                .to_string(),
        ));
    }
    if let Err(e) = module.finalize() {
        emit(problem(&locator, e.to_string()));
    }
}

/// The attribute size limit for URI inputs, which have no `--max-attribute-size`: the
/// environment variable the token commands also read, else the default.
pub(super) fn max_attribute_size_from_env(env: &TokenEnv) -> Result<usize, String> {
    env_number(
        MAX_ATTRIBUTE_SIZE_ENV,
        env.max_attribute_size.as_deref(),
        "bytes",
        token::session::DEFAULT_MAX_ATTRIBUTE_SIZE,
    )
}

/// `--module-timeout` for URI inputs: the environment variable, else the default.
pub(super) fn module_timeout_from_env(env: &TokenEnv) -> Result<u64, String> {
    let given = env.module_timeout.as_deref();
    env_number(MODULE_TIMEOUT_ENV, given, "seconds", DEFAULT_MODULE_TIMEOUT)
}

/// `--max-objects` for URI inputs: the environment variable, else the default.
pub(super) fn max_objects_from_env(env: &TokenEnv) -> Result<usize, String> {
    env_number(
        MAX_OBJECTS_ENV,
        env.max_objects.as_deref(),
        "objects",
        token::read::raw::DEFAULT_MAX_OBJECTS,
    )
}

/// The PIN a URI carries: `pin-value`, or `pin-source` naming a file (`file:/path`, a
/// plain path) or certscope's `env:VAR`. A `|command` source is refused: certscope does
/// not run programs named in its input. A file is read only if it is a regular file of at
/// most [`MAX_PIN_FILE`] bytes: a URI can come from a file name, and `/dev/zero` or a FIFO
/// must not make certscope read forever or wait for good.
pub(super) fn uri_pin(uri: &Pkcs11Uri) -> Result<Option<Secret>, String> {
    if let Some(v) = &uri.pin_value {
        return Ok(Some(Secret::new(v.as_str().to_string())));
    }
    let Some(source) = uri.pin_source.as_deref() else {
        return Ok(None);
    };
    if source.starts_with('|') {
        return Err(
            "pin-source commands (\"|program\") are not run by certscope; use \
                    pin-source=file:/path or --pin with `token list`"
                .to_string(),
        );
    }
    if source.starts_with("env:") {
        return secret::from_spec(source)
            .map(Some)
            .map_err(|e| format!("pin-source: {e}"));
    }
    let path = source
        .strip_prefix("file://")
        .or_else(|| source.strip_prefix("file:"))
        .unwrap_or(source);
    read_pin_file(path)
        .map(Some)
        .map_err(|e| format!("pin-source {}: {e}", sanitize(path)))
}

/// The largest `pin-source` file read: a PIN file holds one short line.
pub(super) const MAX_PIN_FILE: usize = 4096;

/// Reads the first line of a PIN file: a regular file of at most [`MAX_PIN_FILE`] bytes.
/// Opened non-blocking, so that a FIFO (which blocks `open` until a writer comes) is refused
/// by the type check after `open` instead of hanging before it.
pub(super) fn read_pin_file(path: &str) -> Result<Secret, String> {
    use std::io;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| format!("cannot open: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(
            "not a regular file (a PIN is read only from a regular file, never from a device, \
             FIFO or socket)"
                .to_string(),
        );
    }
    // One byte over the limit tells "too long" from "exactly the limit"; a fixed buffer,
    // wiped on drop, so no copy of the PIN is left behind by a reallocation.
    let mut buf = zeroize::Zeroizing::new([0u8; MAX_PIN_FILE + 1]);
    let mut len = 0;
    while let Some(free) = buf.get_mut(len..).filter(|b| !b.is_empty()) {
        match file.read(free) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("cannot read: {e}")),
        }
    }
    if len > MAX_PIN_FILE {
        return Err(format!(
            "over {MAX_PIN_FILE} bytes; a PIN file holds the PIN on its first line"
        ));
    }
    let text = std::str::from_utf8(buf.get(..len).unwrap_or_default())
        .map_err(|_| "not UTF-8 text".to_string())?;
    Ok(Secret::new(text.lines().next().unwrap_or("").to_string()))
}

/// A number from the environment variable `name` (its value `given`), else `default`; an
/// unreadable value is an error that names the variable and the unit.
fn env_number<T: std::str::FromStr>(
    name: &str,
    given: Option<&str>,
    unit: &str,
    default: T,
) -> Result<T, String> {
    match given {
        Some(text) => text
            .trim()
            .parse()
            .map_err(|_| format!("{name}={text:?} is not a number of {unit}")),
        None => Ok(default),
    }
}
