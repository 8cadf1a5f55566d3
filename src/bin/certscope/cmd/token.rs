//! The binary side of PKCS#11: `certscope token ...` and `pkcs11:` URIs given as INPUT.
//!
//! Kept out of `app.rs` so that the file commands stay small. Reads the environment
//! (`CERTSCOPE_PKCS11_MODULE`, `HOME`) and the terminal (PIN prompt), then hands plain
//! values to `certscope::token`. Certificates and keys go through `app`'s outputs, so a
//! token object is rendered, counted and reported exactly like an item from a file.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Serialize;

use certscope::decode::{Event, Options};
use certscope::model::Item;
use certscope::render::json::Document;
use certscope::render::sanitize::sanitize;
use certscope::render::token::{self as render, MechanismsDoc, ModulesDoc, SlotsDoc};
use certscope::secret::{self, Secret};
use certscope::token::modules::{self, ConfigDirs, ModuleChoice};
use certscope::token::report::{self, MECHANISMS_NOTE};
use certscope::token::watchdog::Watchdog;
use certscope::token::{
    self, Filter, Listing, Login, Module, ObjectType, Pkcs11Uri, TokenError, TokenSummary,
};

use crate::cli::token::{
    ModuleArg, ObjectFilterArgs, ObjectTypeArg, ReadingArgs, TokenArgs, TokenCommand, TokenSelect,
    DEFAULT_MODULE_TIMEOUT,
};
use crate::cli::{Format, InfoFormat};
use crate::cmd::drive::{drive_token_items, TokenProducer};
use crate::cmd::messages::{self, EXIT_FAILED, EXIT_OK};

/// The environment variable naming the default module.
const MODULE_ENV: &str = "CERTSCOPE_PKCS11_MODULE";
/// The environment variable behind `--max-attribute-size` (clap reads it for the token
/// commands; URI inputs read it here).
const MAX_ATTRIBUTE_SIZE_ENV: &str = "CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE";
/// The environment variable behind `--max-objects` (also read for URI inputs).
const MAX_OBJECTS_ENV: &str = "CERTSCOPE_PKCS11_MAX_OBJECTS";
/// The environment variable behind `--module-timeout` (also read for URI inputs).
const MODULE_TIMEOUT_ENV: &str = "CERTSCOPE_PKCS11_MODULE_TIMEOUT";

fn config_dirs() -> ConfigDirs {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    ConfigDirs::system(home.as_deref())
}

fn resolve_module(
    flag: Option<&str>,
    uri: Option<&Pkcs11Uri>,
    allow_uri_module: bool,
) -> Result<ModuleChoice, TokenError> {
    let env = std::env::var(MODULE_ENV).ok();
    modules::resolve(flag, env.as_deref(), uri, allow_uri_module, &config_dirs())
}

fn load(arg: &ModuleArg) -> Result<(ModuleChoice, Module)> {
    let choice = resolve_module(arg.module.as_deref(), None, false)?;
    let module = load_watched(&choice.path, arg.module_timeout)?;
    Ok((choice, module))
}

/// Loads the module with every call under a watchdog of `seconds` (none for 0). A call that
/// does not return in time cannot be cancelled: the watchdog says which it was and ends the
/// process with status 1.
fn load_watched(path: &Path, seconds: u64) -> Result<Module> {
    let watchdog = if seconds == 0 {
        None
    } else {
        let shown = path.display().to_string();
        let w = Watchdog::start(Duration::from_secs(seconds), move |stalled| {
            messages::problem(
                &shown,
                &format!(
                    "{} did not return within {} s (raise it with --module-timeout)",
                    stalled.call.name(),
                    stalled.timeout.as_secs()
                ),
            );
            std::process::exit(1);
        })
        .context("cannot start the module watchdog")?;
        Some(w)
    };
    Ok(Module::load_watched(path, watchdog)?)
}

/// Where an error before any output is located in a JSON document's `errors`: the module,
/// when one was named.
fn setup_source(module: Option<&str>) -> String {
    module.map_or_else(|| "pkcs11".to_string(), str::to_string)
}

/// Prints `{"certscope": ..., <empty fields>, "errors": [{"source", "message"}]}` for a
/// JSON command that failed before it had anything to show, so that the document is still
/// one complete document (fields in the order of the command's own document); the caller
/// reports the error on stderr as usual.
fn print_error_doc(empty: Vec<(&str, serde_json::Value)>, source: &str, error: &anyhow::Error) {
    let text = |v: &str| serde_json::Value::from(v).to_string();
    let errors = format!(
        "[{{\"source\":{},\"message\":{}}}]",
        text(source),
        text(&format!("{error:#}"))
    );
    let fields = std::iter::once(("certscope", text(certscope::render::json::VERSION)))
        .chain(empty.into_iter().map(|(k, v)| (k, v.to_string())))
        .chain(std::iter::once(("errors", errors)))
        .map(|(k, v)| format!("{}:{v}", text(k)))
        .collect::<Vec<_>>();
    let mut w = io::stdout().lock();
    // A failed write changes nothing: the caller's report on stderr follows anyway.
    let _ = writeln!(w, "{{{}}}", fields.join(","));
    let _ = w.flush();
}

/// `result`, and when it failed before any output of a JSON command, the error document.
fn json_on_error<T>(
    json: bool,
    empty: impl FnOnce() -> Vec<(&'static str, serde_json::Value)>,
    source: &str,
    result: Result<T>,
) -> Result<T> {
    if let (true, Err(e)) = (json, &result) {
        print_error_doc(empty(), source, e);
    }
    result
}

/// Runs `certscope token ...`; returns the exit status.
pub(super) fn run(args: TokenArgs, ambient: &super::Ambient) -> Result<u8> {
    let (now, color) = (ambient.now, ambient.color);
    match args.command {
        TokenCommand::Modules { format } => modules_cmd(format),
        TokenCommand::Slots { module, format } => slots_cmd(&module, format),
        TokenCommand::List {
            reading,
            object_type,
            format,
        } => {
            let filter = Filter {
                class: object_type_of(object_type),
                ..Filter::default()
            };
            let (code, _) = list_cmd(&reading, &filter, format == Format::Json, |opts| {
                drive_token_items(format, now, color, opts)
            })?;
            Ok(code)
        }
        TokenCommand::Find {
            reading,
            filter,
            object_type,
            format,
        } => {
            let json = format == Format::Json;
            let source = setup_source(reading.module.module.as_deref());
            let mut f = json_on_error(json, empty_items, &source, filter_of(&filter))?;
            f.class = object_type_of(object_type);
            let (code, items) = list_cmd(&reading, &f, json, |opts| {
                drive_token_items(format, now, color, opts)
            })?;
            // Like grep: nothing found is a status, not an error message.
            Ok(if items == 0 {
                code.max(EXIT_FAILED)
            } else {
                code
            })
        }
        TokenCommand::Export {
            reading,
            filter,
            output,
        } => {
            let mut f = filter_of(&filter)?;
            f.class = Some(ObjectType::Cert);
            export_cmd(&reading, &f, &output)
        }
        TokenCommand::Mechanisms {
            module,
            select,
            format,
        } => mechanisms_cmd(&module, &select, format),
    }
}

fn object_type_of(t: ObjectTypeArg) -> Option<ObjectType> {
    match t {
        ObjectTypeArg::Cert => Some(ObjectType::Cert),
        ObjectTypeArg::Pubkey => Some(ObjectType::Public),
        ObjectTypeArg::Privkey => Some(ObjectType::Private),
        ObjectTypeArg::Secret => Some(ObjectType::SecretKey),
        ObjectTypeArg::Data => Some(ObjectType::Data),
        ObjectTypeArg::All => None,
    }
}

fn filter_of(a: &ObjectFilterArgs) -> Result<Filter> {
    Ok(Filter {
        label: a.label.clone(),
        id: a
            .id
            .as_deref()
            .map(hex::decode)
            .transpose()
            .context("--id")?,
        item: crate::cmd::find::item_filter(&a.item)?,
        ..Filter::default()
    })
}

/// The token selection as URI attributes, which is what `token::select_tokens` matches.
fn selection_of(s: &TokenSelect) -> Pkcs11Uri {
    Pkcs11Uri {
        token: s.token.clone(),
        slot_id: s.slot,
        serial: s.token_serial.clone(),
        ..Pkcs11Uri::default()
    }
}

/// Asks for a token's PIN on the terminal, without echo.
fn prompt_pin(token: &TokenSummary) -> Result<Option<Secret>, TokenError> {
    secret::prompt(&format!("PIN for token \"{}\": ", sanitize(&token.label)))
        .map_err(|e| TokenError::Other(e.to_string()))
}

/// Lists through `drive` (which owns the output), with the module loaded, tokens selected
/// and the PIN source resolved.
fn list_cmd(
    reading: &ReadingArgs,
    filter: &Filter,
    json: bool,
    drive: impl FnOnce(&mut TokenProducer<'_>) -> Result<(u8, usize)>,
) -> Result<(u8, usize)> {
    let login = &reading.login;
    let source = setup_source(reading.module.module.as_deref());
    let setup = || -> Result<_> {
        let pin = match &login.pin {
            Some(spec) => Some(secret::from_spec(spec).context("--pin")?),
            None => None,
        };
        let (choice, module) = load(&reading.module)?;
        let tokens = token::select_tokens(&module, &selection_of(&reading.select))?;
        Ok((pin, choice, module, tokens))
    };
    let (pin, choice, module, tokens) = json_on_error(json, empty_items, &source, setup())?;
    let module_path = choice.uri_module_path();
    let mut ask = prompt_pin;
    let mut login_mode = match pin {
        Some(p) => Login::Pin(p),
        None if login.login => Login::Ask(&mut ask),
        None => Login::No,
    };
    let mut failure: Option<TokenError> = None;
    let result = drive(&mut |opts, emit| {
        let listing = Listing {
            filter,
            options: opts,
            module_path: module_path.as_deref(),
            max_attribute_size: reading.read.max_attribute_size,
            max_objects: reading.read.max_objects,
        };
        if let Err(e) = token::list(&module, &tokens, &listing, &mut login_mode, emit) {
            failure = Some(e);
        }
    });
    if let Some(e) = failure {
        return Err(e.into());
    }
    let out = result?;
    // Sessions are closed by now; report a failing C_Finalize instead of dropping it.
    module.finalize()?;
    Ok(out)
}

/// Reads a `pkcs11:` INPUT of the file commands: every object the URI names becomes an
/// item, as if read from a file. Problems are events located at the URI (without its PIN);
/// a URI that matches nothing is a problem too, like a missing file. Its `module-path` is
/// loaded only when `allow_uri_module` (`--allow-uri-module`).
pub fn uri_input(
    name: &str,
    opts: &Options<'_>,
    allow_uri_module: bool,
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
    let mut login = match uri_pin(&uri) {
        Ok(Some(pin)) => Login::Pin(pin),
        Ok(None) => Login::No,
        Err(message) => return emit(problem(&locator, message)),
    };
    let choice = match resolve_module(None, Some(&uri), allow_uri_module) {
        Ok(c) => c,
        Err(e) => return emit(problem(&locator, e.to_string())),
    };
    let (timeout, max_objects) = match (module_timeout_from_env(), max_objects_from_env()) {
        (Ok(t), Ok(m)) => (t, m),
        (Err(message), _) | (_, Err(message)) => return emit(problem(&locator, message)),
    };
    let module = match load_watched(&choice.path, timeout) {
        Ok(m) => m,
        Err(e) => return emit(problem(&locator, format!("{e:#}"))),
    };
    let tokens = match token::select_tokens(&module, &uri) {
        Ok(t) => t,
        Err(e) => return emit(problem(&locator, e.to_string())),
    };
    let max_attribute_size = match max_attribute_size_from_env() {
        Ok(n) => n,
        Err(message) => return emit(problem(&locator, message)),
    };
    let filter = Filter::from_uri(&uri);
    let module_path = choice.uri_module_path();
    let listing = Listing {
        filter: &filter,
        options: opts,
        module_path: module_path.as_deref(),
        max_attribute_size,
        max_objects,
    };
    let mut seen = 0usize;
    let result = token::list(&module, &tokens, &listing, &mut login, &mut |ev| {
        seen += 1;
        emit(ev)
    });
    if let Err(e) = result {
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
fn max_attribute_size_from_env() -> Result<usize, String> {
    match std::env::var(MAX_ATTRIBUTE_SIZE_ENV) {
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|_| format!("{MAX_ATTRIBUTE_SIZE_ENV}={text:?} is not a number of bytes")),
        Err(_) => Ok(token::session::DEFAULT_MAX_ATTRIBUTE_SIZE),
    }
}

/// `--module-timeout` for URI inputs: the environment variable, else the default.
fn module_timeout_from_env() -> Result<u64, String> {
    match std::env::var(MODULE_TIMEOUT_ENV) {
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|_| format!("{MODULE_TIMEOUT_ENV}={text:?} is not a number of seconds")),
        Err(_) => Ok(DEFAULT_MODULE_TIMEOUT),
    }
}

/// `--max-objects` for URI inputs: the environment variable, else the default.
fn max_objects_from_env() -> Result<usize, String> {
    match std::env::var(MAX_OBJECTS_ENV) {
        Ok(text) => text
            .trim()
            .parse()
            .map_err(|_| format!("{MAX_OBJECTS_ENV}={text:?} is not a number of objects")),
        Err(_) => Ok(token::read::raw::DEFAULT_MAX_OBJECTS),
    }
}

/// The empty part of a `token list`/`token find` document.
fn empty_items() -> Vec<(&'static str, serde_json::Value)> {
    vec![("items", serde_json::json!([]))]
}

/// The PIN a URI carries: `pin-value`, or `pin-source` naming a file (`file:/path`, a
/// plain path) or certscope's `env:VAR`. A `|command` source is refused: certscope does
/// not run programs named in its input. A file is read only if it is a regular file of at
/// most [`MAX_PIN_FILE`] bytes: a URI can come from a file name, and `/dev/zero` or a FIFO
/// must not make certscope read forever or wait for good.
fn uri_pin(uri: &Pkcs11Uri) -> Result<Option<Secret>, String> {
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
const MAX_PIN_FILE: usize = 4096;

/// Reads the first line of a PIN file: a regular file of at most [`MAX_PIN_FILE`] bytes.
/// Opened non-blocking, so that a FIFO (which blocks `open` until a writer comes) is refused
/// by the type check after `open` instead of hanging before it.
fn read_pin_file(path: &str) -> Result<Secret, String> {
    use std::io::Read;
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

fn modules_cmd(format: InfoFormat) -> Result<u8> {
    let found = modules::registered(&config_dirs());
    let proxy = modules::proxy().map(|p| p.to_string_lossy().into_owned());
    let doc = ModulesDoc {
        modules: &found,
        proxy: proxy.as_deref(),
    };
    print_info(format, &doc, |w| {
        render::modules(w, &found, proxy.as_deref())
    })
}

/// Prints an information command's answer on stdout, `doc` as one line of JSON or `text`'s
/// lines, and gives exit status 0.
fn print_info(
    format: InfoFormat,
    doc: &impl Serialize,
    text: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<u8> {
    let mut w = io::BufWriter::new(io::stdout().lock());
    match format {
        InfoFormat::Json => {
            Document::new(doc).write_to(&mut w)?;
        }
        InfoFormat::Text => text(&mut w)?,
    }
    w.flush()?;
    Ok(EXIT_OK)
}

fn slots_cmd(module_arg: &ModuleArg, format: InfoFormat) -> Result<u8> {
    let gather = || -> Result<_> {
        let (_, module) = load(module_arg)?;
        let info = report::module(&module)?;
        let slots = report::slots(&module)?;
        module.finalize()?;
        Ok((info, slots))
    };
    let (info, slots) = json_on_error(
        format == InfoFormat::Json,
        || {
            vec![
                ("module", serde_json::Value::Null),
                ("slots", serde_json::json!([])),
            ]
        },
        &setup_source(module_arg.module.as_deref()),
        gather(),
    )?;
    let doc = SlotsDoc {
        module: &info,
        slots: &slots,
    };
    print_info(format, &doc, |w| render::slots(w, &info, &slots))
}

fn mechanisms_cmd(module_arg: &ModuleArg, select: &TokenSelect, format: InfoFormat) -> Result<u8> {
    let gather = || -> Result<_> {
        let (_, module) = load(module_arg)?;
        let tokens = token::select_tokens(&module, &selection_of(select))?;
        let reports = tokens
            .iter()
            .map(|t| report::mechanisms(&module, t))
            .collect::<Result<Vec<_>, _>>()?;
        module.finalize()?;
        Ok(reports)
    };
    let reports = json_on_error(
        format == InfoFormat::Json,
        || {
            vec![
                ("tokens", serde_json::json!([])),
                ("note", serde_json::json!(MECHANISMS_NOTE)),
            ]
        },
        &setup_source(module_arg.module.as_deref()),
        gather(),
    )?;
    let doc = MechanismsDoc {
        tokens: &reports,
        note: MECHANISMS_NOTE,
    };
    print_info(format, &doc, |w| render::mechanisms(w, &reports))
}

fn export_cmd(reading: &ReadingArgs, filter: &Filter, output: &str) -> Result<u8> {
    let mut items: Vec<Item> = Vec::new();
    let mut failures = 0usize;
    let (code, _) = list_cmd(reading, filter, false, |produce| {
        let opts = Options {
            hashes: Vec::new(),
            with_pem: true,
            ..Options::default()
        };
        produce(&opts, &mut |ev| match ev {
            Event::Item(item) => {
                if let Some(e) = &item.error {
                    messages::problem(&item.source.locator(false), e);
                    failures += 1;
                }
                items.push(*item);
            }
            Event::Problem { locator, message } | Event::NeedPassword { locator, message } => {
                messages::problem(&locator, &message);
                failures += 1;
            }
        });
        Ok((0, 0))
    })?;
    let pem: String = items
        .iter()
        .filter_map(|i| i.pem.as_ref().map(ToString::to_string))
        .collect();
    if pem.is_empty() {
        if failures == 0 {
            messages::problem("token export", "no certificate matches");
        }
        return Ok(EXIT_FAILED);
    }
    if output == "-" {
        let mut w = io::stdout().lock();
        w.write_all(pem.as_bytes())?;
        w.flush()?;
    } else {
        std::fs::write(output, pem).with_context(|| format!("cannot write {output}"))?;
    }
    Ok(if failures > 0 { EXIT_FAILED } else { code })
}
