//! The binary side of PKCS#11: `certscope token ...` and `pkcs11:` URIs given as INPUT.
//!
//! Takes the environment's module settings from `Ambient` and reads the terminal (PIN
//! prompt), then hands plain values to `certscope::token`. Certificates and keys go
//! through the file commands' outputs (`drive_token_items`), so a token object is
//! rendered, counted and reported exactly like an item from a file.

use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;

use anyhow::{Context, Result};
use serde::Serialize;

use certscope::decode::{Event, Options};
use certscope::input::secret::{self, Secret};
use certscope::model::Item;
use certscope::render::json::{Document, ErrorEntry};
use certscope::render::sanitize::sanitize;
use certscope::render::token::{self as render, MechanismsDoc, ModulesDoc, SlotsDoc};
use certscope::token::modules::{self};
use certscope::token::report::{self, MECHANISMS_NOTE};
use certscope::token::{
    self, Filter, Listing, Login, Module, ModuleChoice, ObjectType, Pkcs11Uri, SelectedToken,
    SlotSummary, TokenError, TokenSummary,
};

use crate::cli::token::{
    ListArgs, ModuleArg, ObjectFilterArgs, ObjectTypeArg, ReadingArgs, TokenArgs, TokenCommand,
    TokenSelect,
};
use crate::cli::{Format, InfoFormat, RecordArgs, TokenEnv};
use crate::cmd::drive::Driver;
use crate::cmd::messages::{self, verdict, EXIT_NO, EXIT_OK, EXIT_PROBLEM};
use crate::cmd::output::{self, item_output, Answering};
use crate::cmd::pkcs11::{config_dirs, load, load_watched_with, resolve_module, watchdog};

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
    print_error_entry(
        empty,
        ErrorEntry {
            source: source.to_string(),
            message: format!("{error:#}"),
        },
    );
}

/// [`print_error_doc`] with the entry made.
fn print_error_entry(empty: Vec<(&str, serde_json::Value)>, entry: ErrorEntry) {
    let errors = vec![entry];
    let mut fields: Vec<(&str, serde_json::Value)> = empty;
    fields.push(("errors", serde_json::json!(errors)));
    let mut w = io::stdout().lock();
    // A failed write changes nothing: the caller's report on stderr follows anyway.
    let _ = Document::new(InOrder(fields)).write_to(&mut w);
    let _ = w.flush();
}

/// Fields serialised as a JSON object in the order given.
struct InOrder<'a>(Vec<(&'a str, serde_json::Value)>);

impl Serialize for InOrder<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// What a command that fails before any output still writes on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorDoc {
    /// Nothing (text, PEM).
    None,
    /// One JSON document with the error in `errors`.
    Json,
    /// An `error` line and a `summary` line (exit 2).
    Jsonl,
}

impl ErrorDoc {
    fn of(format: Format) -> ErrorDoc {
        match format {
            Format::Json => ErrorDoc::Json,
            Format::Jsonl => ErrorDoc::Jsonl,
            Format::Text | Format::Pem => ErrorDoc::None,
        }
    }

    fn of_info(format: InfoFormat) -> ErrorDoc {
        match format {
            InfoFormat::Json => ErrorDoc::Json,
            InfoFormat::Text => ErrorDoc::None,
        }
    }
}

/// Runs `run`, and when it fails before any output of a JSON command, prints the error
/// document (JSON Lines: the error line and the summary); also when a module call in it
/// never returns (the watchdog's thread prints it, [`output::close_json_on_stall`]).
fn json_on_error<T>(
    doc: ErrorDoc,
    empty: fn() -> Vec<(&'static str, serde_json::Value)>,
    source: &str,
    run: impl FnOnce() -> Result<T>,
) -> Result<T> {
    match doc {
        ErrorDoc::None => {}
        ErrorDoc::Json => output::set_stall_closer(Some(Box::new(move |entry| {
            print_error_entry(empty(), entry);
        }))),
        ErrorDoc::Jsonl => output::set_stall_closer(Some(Box::new(|entry: ErrorEntry| {
            print_error_lines(&entry.source, &entry.message);
        }))),
    }
    let result = run();
    if doc != ErrorDoc::None {
        output::set_stall_closer(None);
    }
    if let Err(e) = &result {
        match doc {
            ErrorDoc::None => {}
            ErrorDoc::Json => print_error_doc(empty(), source, e),
            ErrorDoc::Jsonl => print_error_lines(source, &format!("{e:#}")),
        }
    }
    result
}

/// The JSON Lines form of a failure before any output: an `error` line and the `summary`
/// (exit 2). As for the document, stderr gets the error whatever happens here.
fn print_error_lines(source: &str, message: &str) {
    let mut sink = output::JsonlSink::new(io::stdout().lock());
    sink.problem(source, message);
    let _ = sink.finish(EXIT_PROBLEM, &super::stats::RunStats::default());
}

/// Runs `certscope token ...`; returns the exit status.
pub(super) fn run(args: TokenArgs, ambient: &super::Ambient) -> Result<u8> {
    let env = &ambient.token;
    match args.command {
        TokenCommand::Modules { format } => modules_cmd(format, env),
        TokenCommand::Slots { module, format } => slots_cmd(&module, format, env),
        TokenCommand::List {
            listing,
            format,
            attributes,
        } => {
            if attributes && format == Format::Pem {
                // PEM has no place for attributes; dropping them silently would mislead.
                messages::general(
                    "--attributes cannot be written as PEM: use --format text, json or jsonl",
                );
                return Ok(messages::EXIT_USAGE);
            }
            list_or_dump(&listing, format, attributes, ambient)
        }
        // `token list --attributes`, without PEM.
        TokenCommand::Dump { listing, format } => {
            list_or_dump(&listing, Format::from(format), true, ambient)
        }
        TokenCommand::Find {
            reading,
            filter,
            object_type,
            format,
            record,
        } => {
            let doc = ErrorDoc::of(format);
            let source = setup_source(reading.module.module.first().map(String::as_str));
            let mut f = json_on_error(doc, empty_items, &source, || filter_of(&filter))?;
            f.class = object_type_of(object_type);
            let (code, items) = list_cmd(&reading, &f, doc, false, env, |opts| {
                drive_token_items(format, ambient, &record, true, opts)
            })?;
            // Like grep: nothing found is a status (1), not an error message.
            Ok(verdict(code, items > 0))
        }
        TokenCommand::Export {
            reading,
            filter,
            output,
        } => {
            let mut f = filter_of(&filter)?;
            f.class = Some(ObjectType::Cert);
            export_cmd(&reading, &f, &output, env)
        }
        TokenCommand::Mechanisms {
            module,
            select,
            format,
        } => mechanisms_cmd(&module, &select, format, env),
        TokenCommand::Doctor { module, format } => doctor_cmd(&module, format, env),
    }
}

/// `token list` (and `token dump`, which is `token list --attributes`).
fn list_or_dump(
    listing: &ListArgs,
    format: Format,
    attributes: bool,
    ambient: &super::Ambient,
) -> Result<u8> {
    let ListArgs {
        reading,
        object_type,
        record,
    } = listing;
    let filter = Filter {
        class: object_type_of(*object_type),
        ..Filter::default()
    };
    let (code, _) = list_cmd(
        reading,
        &filter,
        ErrorDoc::of(format),
        attributes,
        &ambient.token,
        |opts| drive_token_items(format, ambient, record, false, opts),
    )?;
    Ok(code)
}

/// What `drive_token_items` calls: decoding options and an event sink in, events out.
type TokenProducer<'a> = dyn FnMut(&Options<'_>, &mut dyn FnMut(Event)) + 'a;

/// Streams the items of `token list`/`token find` through the same outputs, stderr lines
/// and exit status as `inspect`: `produce` gets the decoding options the format needs and a
/// sink for events. `question` (`token find`): no item is the answer "no", exit 1.
/// Returns the exit status and how many items were delivered.
fn drive_token_items(
    format: Format,
    ambient: &super::Ambient,
    record: &RecordArgs,
    question: bool,
    produce: &mut TokenProducer<'_>,
) -> Result<(u8, usize)> {
    let (opts, out) = item_output(format, &[], ambient, false, record, Default::default())?;
    let out: Box<dyn output::Output> = if question {
        Box::new(Answering::new(out, Rc::new(Cell::new(0))))
    } else {
        out
    };
    let mut driver = Driver::new(out);
    let mut items = 0usize;
    produce(&opts, &mut |ev| {
        if matches!(ev, Event::Item(_)) {
            items += 1;
        }
        driver.deliver(ev, false);
    });
    Ok((driver.finish()?, items))
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
        item: a.item.item_filter()?,
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

/// A note on stderr for each slot the selection skipped because its token cannot be read:
/// the tokens of the other slots are still used, and the status does not change.
fn note_skipped(skipped: &[(SlotSummary, TokenError)]) {
    for (slot, e) in skipped {
        messages::problem(
            &format!("slot {}", slot.id),
            &format!("note: skipped, its token cannot be read: {e}"),
        );
    }
}

/// Asks for a token's PIN on the terminal, without echo.
fn prompt_pin(token: &TokenSummary) -> Result<Option<Secret>, TokenError> {
    secret::prompt(&format!("PIN for token \"{}\": ", sanitize(&token.label)))
        .map_err(|e| TokenError::Other(e.to_string()))
}

/// The modules `token list`/`find`/`export` read: each `--module`, every registered
/// module p11-kit would load in certscope for `--all-modules`, else the default (`None`).
fn modules_to_read(reading: &ReadingArgs, env: &TokenEnv) -> Result<Vec<Option<String>>> {
    if reading.all_modules {
        let found: Vec<Option<String>> = modules::registered(&config_dirs(env))
            .into_iter()
            .filter(|m| m.enabled && m.exists)
            .map(|m| Some(m.path))
            .collect();
        if found.is_empty() {
            anyhow::bail!("--all-modules: no module registered with p11-kit is loaded in certscope (see token modules)");
        }
        return Ok(found);
    }
    if reading.module.module.is_empty() {
        return Ok(vec![None]);
    }
    Ok(reading.module.module.iter().cloned().map(Some).collect())
}

/// One module loaded for a listing, with the tokens selected on it.
type Loaded = (ModuleChoice, Module, Vec<SelectedToken>);

/// Lists through `drive` (which owns the output), with the modules loaded, tokens selected
/// and the PIN source resolved. With one module, a module that cannot be used is an error
/// before any output; with several (`--module A --module B`, `--all-modules`) it is a
/// problem located at that module, and the others are still listed.
fn list_cmd(
    reading: &ReadingArgs,
    filter: &Filter,
    doc: ErrorDoc,
    attributes: bool,
    env: &TokenEnv,
    drive: impl FnOnce(&mut TokenProducer<'_>) -> Result<(u8, usize)>,
) -> Result<(u8, usize)> {
    let login = &reading.login;
    let source = setup_source(reading.module.module.first().map(String::as_str));
    let setup = || -> Result<_> {
        let targets = modules_to_read(reading, env)?;
        let pin = match &login.pin {
            Some(spec) => Some(secret::from_spec(spec).context("--pin")?),
            None => None,
        };
        // Refused before the module is even loaded: an empty PIN would cost a real try.
        if let Some(reason) = pin
            .as_ref()
            .and_then(|p| token::session::pin_length_problem(p.expose(), 0, 0))
        {
            return Err(TokenError::PinRefused {
                source_name: "--pin".to_string(),
                reason,
            }
            .into());
        }
        let several = targets.len() > 1;
        let mut loaded: Vec<Loaded> = Vec::new();
        let mut problems: Vec<(String, String)> = Vec::new();
        for target in &targets {
            let one = || -> Result<Loaded> {
                // `--nss-db` names its module itself (and excludes `--module`).
                let (choice, module) = if reading.module.nss_db.is_some() {
                    load(&reading.module, env)?
                } else {
                    let choice = resolve_module(target.as_deref(), None, false, env)?;
                    let module = load_watched_with(
                        &choice.path,
                        reading.module.module_timeout,
                        reading.module.init_args.as_deref(),
                    )?;
                    (choice, module)
                };
                let (tokens, skipped) =
                    token::select_tokens_skipping(&module, &selection_of(&reading.select))?;
                note_skipped(&skipped);
                Ok((choice, module, tokens))
            };
            match one() {
                Ok(l) => loaded.push(l),
                Err(e) if several => problems.push((
                    target.clone().unwrap_or_else(|| "pkcs11".to_string()),
                    format!("{e:#}"),
                )),
                Err(e) => return Err(e),
            }
        }
        Ok((pin, loaded, problems))
    };
    let (pin, loaded, problems) = json_on_error(doc, empty_items, &source, setup)?;
    let several = loaded.len() + problems.len() > 1;
    let mut ask = prompt_pin;
    let mut login_mode = match pin {
        Some(p) => Login::Pin(p),
        None if login.login => Login::Ask(&mut ask),
        None => Login::No,
    };
    let mut failure: Option<TokenError> = None;
    let mut refused = false;
    let result = drive(&mut |opts, emit| {
        for (locator, message) in &problems {
            emit(Event::Problem {
                locator: locator.clone(),
                message: message.clone(),
            });
        }
        for (choice, module, tokens) in &loaded {
            let module_path = choice.uri_module_path();
            let listing = Listing {
                filter,
                options: opts,
                module_path: module_path.as_deref(),
                max_attribute_size: reading.read.max_attribute_size,
                max_objects: reading.read.max_objects,
                read_threads: reading.read.threads,
                attributes,
            };
            match token::list(module, tokens, &listing, &mut login_mode, emit) {
                // A refused PIN is reported like any problem (so a JSON document holds it)
                // and makes the status 2.
                Err(e) if e.is_refused_input() => {
                    refused = true;
                    emit(Event::Problem {
                        locator: "--pin".to_string(),
                        message: e.to_string(),
                    });
                }
                Err(e) if several => emit(Event::Problem {
                    locator: module.path().display().to_string(),
                    message: e.to_string(),
                }),
                Err(e) => {
                    failure = Some(e);
                    return;
                }
                Ok(()) => {}
            }
        }
    });
    if let Some(e) = failure {
        return Err(e.into());
    }
    let mut out = result?;
    if refused {
        out.0 = messages::EXIT_USAGE;
    }
    // Sessions are closed by now; report a failing C_Finalize instead of dropping it.
    for (_, module, _) in loaded {
        module.finalize()?;
    }
    Ok(out)
}

/// The empty part of a `token list`/`token find` document.
fn empty_items() -> Vec<(&'static str, serde_json::Value)> {
    vec![("items", serde_json::json!([]))]
}

fn modules_cmd(format: InfoFormat, env: &TokenEnv) -> Result<u8> {
    let dirs = config_dirs(env);
    let found = modules::registered(&dirs);
    let proxy = modules::proxy().map(|p| p.to_string_lossy().into_owned());
    let skipped = dirs.user_skipped.as_deref();
    let doc = ModulesDoc {
        modules: &found,
        proxy: proxy.as_deref(),
        user_config_skipped: skipped,
    };
    print_info(format, &doc, |w| {
        render::modules(w, &found, proxy.as_deref(), skipped)
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

fn slots_cmd(module_arg: &ModuleArg, format: InfoFormat, env: &TokenEnv) -> Result<u8> {
    let gather = || -> Result<_> {
        let (_, module) = load(module_arg, env)?;
        let info = report::module(&module)?;
        let slots = report::slots(&module)?;
        module.finalize()?;
        Ok((info, slots))
    };
    let (info, slots) = json_on_error(
        ErrorDoc::of_info(format),
        || {
            vec![
                ("module", serde_json::Value::Null),
                ("slots", serde_json::json!([])),
            ]
        },
        &setup_source(module_arg.single()),
        gather,
    )?;
    let doc = SlotsDoc {
        module: &info,
        slots: &slots,
    };
    let code = print_info(format, &doc, |w| render::slots(w, &info, &slots))?;
    // Each slot whose token cannot be read is shown with its error (the others still are)
    // and makes the run a failure, like an item that cannot be decoded.
    let mut failed = false;
    for s in &slots {
        if let Some(e) = &s.error {
            messages::problem(&format!("slot {}", s.id), e);
            failed = true;
        }
    }
    Ok(if failed { EXIT_PROBLEM } else { code })
}

fn mechanisms_cmd(
    module_arg: &ModuleArg,
    select: &TokenSelect,
    format: InfoFormat,
    env: &TokenEnv,
) -> Result<u8> {
    let gather = || -> Result<_> {
        let (_, module) = load(module_arg, env)?;
        let (tokens, skipped) = token::select_tokens_skipping(&module, &selection_of(select))?;
        note_skipped(&skipped);
        let reports = tokens
            .iter()
            .map(|t| report::mechanisms(&module, t))
            .collect::<Result<Vec<_>, _>>()?;
        module.finalize()?;
        Ok(reports)
    };
    let reports = json_on_error(
        ErrorDoc::of_info(format),
        || {
            vec![
                ("tokens", serde_json::json!([])),
                ("note", serde_json::json!(MECHANISMS_NOTE)),
            ]
        },
        &setup_source(module_arg.single()),
        gather,
    )?;
    let doc = MechanismsDoc {
        tokens: &reports,
        note: MECHANISMS_NOTE,
    };
    print_info(format, &doc, |w| render::mechanisms(w, &reports))
}

fn export_cmd(reading: &ReadingArgs, filter: &Filter, output: &str, env: &TokenEnv) -> Result<u8> {
    let mut items: Vec<Item> = Vec::new();
    let mut failures = 0usize;
    let (code, _) = list_cmd(reading, filter, ErrorDoc::None, false, env, |produce| {
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
        let read = if failures > 0 { EXIT_PROBLEM } else { code };
        return Ok(verdict(read, false));
    }
    if output == "-" {
        let mut w = io::stdout().lock();
        w.write_all(pem.as_bytes())?;
        w.flush()?;
    } else {
        std::fs::write(output, pem).with_context(|| format!("cannot write {output}"))?;
    }
    Ok(if failures > 0 { EXIT_PROBLEM } else { code })
}

/// `token doctor`: the diagnosis never fails as a command; a problem found gives status 1.
fn doctor_cmd(module_arg: &ModuleArg, format: InfoFormat, env: &TokenEnv) -> Result<u8> {
    use certscope::token::doctor::{self, Surroundings};
    let choice = resolve_module(module_arg.single(), None, false, env)?;
    let around = Surroundings {
        registered: modules::registered(&config_dirs(env)),
        is_proxy: modules::proxy().is_some_and(|p| p == choice.path),
        pcscd_socket: env
            .pcscd_socket
            .clone()
            .map_or_else(|| "/run/pcscd/pcscd.comm".into(), Into::into),
    };
    let diagnosis = doctor::diagnose(
        &choice.path,
        watchdog(&choice.path, module_arg.module_timeout)?,
        &around,
    );
    print_info(format, &diagnosis, |w| render::doctor(w, &diagnosis))?;
    // Problems found are the answer "no" (1); the diagnosis itself always runs.
    Ok(if diagnosis.findings.is_empty() {
        EXIT_OK
    } else {
        EXIT_NO
    })
}
