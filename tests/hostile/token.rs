//! Hostile inputs: token (see main.rs). PKCS#11 modules that misbehave (issue 12): a search
//! that reports more handles than it was given room for, a search that never ends, a call
//! that never returns, and a module that cannot be loaded in a JSON run. The misbehaviour
//! comes from the fault module (`tests/fault-module`, modes `overcount`, `endless`, `hang`)
//! in front of SoftHSM; every run is capped in memory (`prlimit --as`) and time.

use std::ffi::OsStr;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::support::fault::{self, fault_test, Run};
use super::support::softhsm::{populate, ChildContext, Contents, USER_PIN};
use super::support::{self, MEMORY_CAP};

const TOKEN: &str = "certscope";

/// Two public certificates and a private one: a search with something to find.
const CONTENTS: Contents = Contents {
    certs: true,
    only: &["leaf", "root-ca"],
    private_cert: true,
    rsa: false,
    ec: false,
};

/// 10× what any of these runs needs on an idle machine.
const TIMEOUT: Duration = Duration::from_secs(60);

fn token_args(ctx: &ChildContext, sub: &str, rest: &[&str]) -> Vec<String> {
    let mut v = vec!["token".to_string(), sub.to_string(), "--module".to_string()];
    v.push(ctx.module_str());
    v.extend(rest.iter().map(|s| s.to_string()));
    v
}

/// `certscope ARGS` through the fault module with `fault`, under `prlimit --as=MEMORY_CAP`
/// (a search that never ends must meet a bound, not the machine's memory).
fn capped(ctx: &ChildContext, args: &[String], fault: &str, timeout: Duration) -> (Run, Duration) {
    capped_with_env(ctx, args, &[], fault, timeout)
}

/// As [`capped`], with `env` set for certscope.
fn capped_with_env(
    ctx: &ChildContext,
    args: &[String],
    env: &[(&str, &str)],
    fault: &str,
    timeout: Duration,
) -> (Run, Duration) {
    let inner = ctx.certscope();
    let mut cmd = Command::new("prlimit");
    cmd.arg(format!("--as={MEMORY_CAP}"))
        .arg("--")
        .arg(inner.get_program())
        .args(args)
        .current_dir(support::root());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.envs(env.iter().copied());
    let started = Instant::now();
    let run = fault::run(cmd, Some(fault), &ctx.dir.join("calls.log"), timeout);
    (run, started.elapsed())
}

/// An explained failure: exit 2 (not a panic's 101, a signal or the timeout), and a
/// `certscope: ...` line on stderr.
fn assert_explained(r: &Run, what: &str) {
    assert!(
        !r.timed_out && r.signal.is_none(),
        "{what}: {}",
        r.describe()
    );
    assert_eq!(r.code, Some(2), "{what}: {}", r.describe());
    assert!(!r.stderr.contains("panicked"), "{what}: {}", r.describe());
    assert!(
        r.stderr.starts_with("certscope: "),
        "{what}: {}",
        r.describe()
    );
}

fn json(r: &Run, what: &str) -> Value {
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{what}: not one JSON document ({e}): {}", r.describe()))
}

/// `C_FindObjects` claiming more handles than its buffer holds panicked inside cryptoki
/// 0.12 (index out of bounds, exit 101). Now the count is checked: an error naming the call.
#[test]
fn find_reporting_more_than_asked_is_an_error() {
    fault_test(
        "token::find_reporting_more_than_asked_is_an_error",
        &[TOKEN],
        |ctx| {
            populate(&ctx.softhsm, TOKEN, CONTENTS);
            let pin = format!("pass:{USER_PIN}");
            for (sub, rest) in [
                ("list", vec!["-f", "json"]),
                ("find", vec!["--label", "leaf", "-f", "json"]),
                ("list", vec!["--pin", pin.as_str()]),
            ] {
                let args = token_args(ctx, sub, &rest);
                let (r, _) = capped(ctx, &args, "C_FindObjects:1:overcount", TIMEOUT);
                let what = format!("{sub} {rest:?}");
                assert_explained(&r, &what);
                assert!(
                    r.stderr.contains("C_FindObjects") && r.stderr.contains("more"),
                    "{what}: {}",
                    r.describe()
                );
                if rest.contains(&"json") {
                    let doc = json(&r, &what);
                    let errors = doc["errors"].as_array().cloned().unwrap_or_default();
                    assert!(
                        errors.iter().any(|e| e["message"]
                            .as_str()
                            .unwrap_or("")
                            .contains("C_FindObjects")),
                        "{what}: the error is in the document: {doc}"
                    );
                }
            }
        },
    );
}

/// A search that never ends grew memory until the process aborted. Now it stops at
/// `--max-objects` (default 1,000,000) with an error saying so, in bounded time and memory.
#[test]
fn endless_search_is_bounded() {
    fault_test("token::endless_search_is_bounded", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, CONTENTS);
        for (rest, limit) in [
            (vec!["-f", "json"], "1000000"),
            (vec!["--max-objects", "500", "-f", "json"], "500"),
        ] {
            let args = token_args(ctx, "list", &rest);
            let (r, elapsed) = capped(ctx, &args, "C_FindObjects:*:endless", TIMEOUT);
            let what = format!("{rest:?}");
            assert_explained(&r, &what);
            assert!(
                r.stderr.contains(limit) && r.stderr.contains("--max-objects"),
                "{what}: {}",
                r.describe()
            );
            json(&r, &what);
            // 1,000,000 handles take a few thousand calls: seconds, not the timeout.
            assert!(elapsed < TIMEOUT / 2, "{what}: {elapsed:?}");
        }
    });
}

/// A module call that never returns hung certscope for ever. Now a watchdog ends the run
/// after `--module-timeout` seconds, naming the call, with exit 2; for every call that can
/// block, in the commands that make it.
#[test]
fn blocking_calls_time_out() {
    fault_test("token::blocking_calls_time_out", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, CONTENTS);
        let pin = format!("pass:{USER_PIN}");
        let cases: &[(&str, &[&str], &str)] = &[
            ("slots", &[], "C_Initialize"),
            ("list", &["-f", "json"], "C_Initialize"),
            ("slots", &[], "C_GetSlotList"),
            ("mechanisms", &[], "C_GetMechanismList"),
            ("list", &[], "C_OpenSession"),
            ("list", &["--pin", &pin], "C_Login"),
            ("list", &[], "C_FindObjectsInit"),
            ("list", &[], "C_FindObjects"),
            ("list", &["-f", "json"], "C_GetAttributeValue"),
            // The calls made when sessions and the module are dropped.
            ("list", &[], "C_CloseSession"),
            ("list", &["-f", "json"], "C_Finalize"),
        ];
        for (sub, rest, function) in cases {
            let mut rest = rest.to_vec();
            rest.extend(["--module-timeout", "1"]);
            let args = token_args(ctx, sub, &rest);
            let (r, elapsed) = capped(ctx, &args, &format!("{function}:1:hang"), TIMEOUT);
            let what = format!("{sub} {rest:?} with {function} hanging");
            assert_explained(&r, &what);
            let wanted = format!(
                "certscope: {}: {function} did not return within 1 s (raise it with \
                 --module-timeout)",
                ctx.module_str()
            );
            assert!(r.stderr.contains(&wanted), "{what}: {}", r.describe());
            assert!(elapsed < Duration::from_secs(10), "{what}: {elapsed:?}");
        }
        // The default is 30 s: a hanging C_Initialize is not given up on early.
        let args = token_args(ctx, "slots", &[]);
        let (r, elapsed) = capped(ctx, &args, "C_Initialize:1:hang", TIMEOUT);
        assert_explained(&r, "default timeout");
        assert!(
            r.stderr.contains("C_Initialize did not return within 30 s"),
            "{}",
            r.describe()
        );
        assert!(elapsed >= Duration::from_secs(29), "{elapsed:?}");
    });
}

/// When the watchdog ended a run, a JSON document already begun was left open (or, still in
/// the output buffer, never printed). Now the watchdog's thread closes it, with the stall in
/// `errors`; a command that prints its document at the end prints the error document.
#[test]
fn watchdog_leaves_one_whole_json_document() {
    fault_test(
        "token::watchdog_leaves_one_whole_json_document",
        &[TOKEN],
        |ctx| {
            populate(&ctx.softhsm, TOKEN, CONTENTS);
            // The two public certificates are read in one call each: the second call is
            // the middle of the listing.
            let cases: &[(&str, &str, bool)] = &[
                // (command, hanging call, whether the stall is in the document)
                ("list", "C_Initialize:1", true),
                ("list", "C_GetAttributeValue:2", true),
                ("find", "C_FindObjects:1", true),
                ("slots", "C_GetSlotList:1", true),
                ("mechanisms", "C_GetMechanismList:1", true),
                ("list", "C_CloseSession:1", true),
                // After the document was finished: complete, the stall on stderr only.
                ("list", "C_Finalize:1", false),
            ];
            for (sub, fault, in_doc) in cases {
                let mut rest = vec!["-f", "json", "--module-timeout", "1"];
                if *sub == "find" {
                    rest.extend(["--label", "leaf"]);
                }
                let args = token_args(ctx, sub, &rest);
                let (r, _) = capped(ctx, &args, &format!("{fault}:hang"), TIMEOUT);
                let what = format!("{sub} with {fault} hanging");
                assert_explained(&r, &what);
                let call = fault.split(':').next().unwrap_or_default();
                assert!(
                    r.stderr
                        .contains(&format!("{call} did not return within 1 s")),
                    "{what}: {}",
                    r.describe()
                );
                let doc = json(&r, &what);
                assert!(doc["certscope"].is_string(), "{what}: {doc}");
                let errors = doc["errors"].as_array().cloned().unwrap_or_default();
                let named = errors.iter().any(|e| {
                    e["message"]
                        .as_str()
                        .unwrap_or("")
                        .contains(&format!("{call} did not return"))
                        && e["source"] == ctx.module_str().as_str()
                });
                assert_eq!(named, *in_doc, "{what}: {doc}");
            }
        },
    );
}

/// The watchdog closed a started JSON document only for `inspect`/`find -f json` and `token`
/// commands: `fingerprint -f json` over a `pkcs11:` URI was left unclosed, a JSON Lines
/// stream (`-f jsonl`) ended without the stall or its `summary` line, and `chain` (which
/// prints its report at the end) printed nothing, and `check` (which streams its findings)
/// left its document or stream unclosed. Now each ends with the stall in `errors` (an
/// `error` line, then the `summary` line, exit code 2).
#[test]
fn watchdog_closes_fingerprint_json_and_json_lines() {
    fault_test(
        "token::watchdog_closes_fingerprint_json_and_json_lines",
        &[TOKEN],
        |ctx| {
            populate(&ctx.softhsm, TOKEN, CONTENTS);
            let module = ctx.module_str();
            let uri = format!("pkcs11:token={TOKEN}");
            let file_cmd = |cmd: &str, format: &str| -> Vec<String> {
                [cmd, "-f", format, "--module", &module, &uri]
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            };
            let token_cmd =
                |format: &str| token_args(ctx, "list", &["-f", format, "--module-timeout", "1"]);
            let cases: Vec<(Vec<String>, &str)> = vec![
                (file_cmd("fingerprint", "json"), "C_GetAttributeValue:2"),
                (file_cmd("fingerprint", "json"), "C_Initialize:1"),
                (file_cmd("fingerprint", "jsonl"), "C_GetAttributeValue:2"),
                (file_cmd("inspect", "jsonl"), "C_GetAttributeValue:2"),
                (file_cmd("inspect", "jsonl"), "C_FindObjects:1"),
                (token_cmd("jsonl"), "C_GetAttributeValue:2"),
                // `chain` prints its report only at the end: it printed nothing.
                (file_cmd("chain", "json"), "C_GetAttributeValue:2"),
                (file_cmd("chain", "jsonl"), "C_FindObjects:1"),
                // `check` streams its findings: its document was left unclosed.
                (file_cmd("check", "json"), "C_GetAttributeValue:2"),
                (file_cmd("check", "jsonl"), "C_GetAttributeValue:2"),
                (file_cmd("check", "jsonl"), "C_FindObjects:1"),
            ];
            for (args, fault) in &cases {
                // The file commands take the timeout from the environment only.
                let env = [("CERTSCOPE_PKCS11_MODULE_TIMEOUT", "1")];
                let (r, _) = capped_with_env(ctx, args, &env, &format!("{fault}:hang"), TIMEOUT);
                let what = format!("{} {} with {fault} hanging", args[0], args[2]);
                assert_explained(&r, &what);
                let call = fault.split(':').next().unwrap_or_default();
                let stalled = |e: &Value| {
                    e["message"]
                        .as_str()
                        .unwrap_or("")
                        .contains(&format!("{call} did not return within 1 s"))
                        && e["source"] == module.as_str()
                };
                if args.contains(&"json".to_string()) {
                    let doc = json(&r, &what);
                    assert!(doc["certscope"].is_string(), "{what}: {doc}");
                    let errors = doc["errors"].as_array().cloned().unwrap_or_default();
                    assert!(errors.iter().any(stalled), "{what}: {doc}");
                } else {
                    let lines: Vec<Value> = r
                        .stdout
                        .lines()
                        .map(|l| {
                            serde_json::from_str(l).unwrap_or_else(|e| {
                                panic!("{what}: a line is not JSON ({e}): {}", r.describe())
                            })
                        })
                        .collect();
                    let n = lines.len();
                    assert!(n >= 2, "{what}: {}", r.describe());
                    assert_eq!(lines[n - 1]["type"], "summary", "{what}: {}", r.describe());
                    assert_eq!(lines[n - 1]["exit_code"], 2, "{what}: {}", r.describe());
                    assert_eq!(lines[n - 2]["type"], "error", "{what}: {}", r.describe());
                    assert!(stalled(&lines[n - 2]), "{what}: {}", r.describe());
                }
            }
        },
    );
}

/// `token ... -f json` with a module that cannot be loaded printed nothing on stdout. Now
/// every JSON command prints one complete document with the failure in `errors`.
#[test]
fn json_is_complete_when_the_module_cannot_be_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.so");
    let missing = missing.to_str().unwrap();
    for (sub, extra) in [
        ("list", &[][..]),
        ("find", &["--label", "x"][..]),
        ("slots", &[][..]),
        ("mechanisms", &[][..]),
    ] {
        let base = ["token", sub, "-f", "json", "--module", missing];
        let mut args: Vec<&OsStr> = base.iter().map(OsStr::new).collect();
        args.extend(extra.iter().map(OsStr::new));
        let c = support::run_capped(&args, None, None, Duration::from_secs(30));
        let out = &c.output;
        assert!(!c.timed_out, "{sub}");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{sub}: {}",
            support::stderr(out)
        );
        let doc = support::json(out);
        assert!(doc["certscope"].is_string(), "{sub}: {doc}");
        let errors = doc["errors"].as_array().cloned().unwrap_or_default();
        assert_eq!(errors.len(), 1, "{sub}: {doc}");
        let message = errors[0]["message"].as_str().unwrap_or("");
        assert!(message.contains("does not exist"), "{sub}: {doc}");
        assert_eq!(errors[0]["source"], missing, "{sub}: {doc}");
        // The stderr line stays, in the contract format.
        let stderr = support::stderr(out);
        assert!(stderr.starts_with("certscope: "), "{sub}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{sub}: {stderr}");
    }
}

/// p11-kit's proxy module, where this machine has one.
fn proxy_module() -> Option<&'static str> {
    [
        "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so",
        "/usr/lib/aarch64-linux-gnu/p11-kit-proxy.so",
        "/usr/lib64/p11-kit-proxy.so",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).is_file())
}

/// The directories p11-kit reads module registrations from (compiled into libp11-kit;
/// Debian's values). p11-kit has no variable to point elsewhere, and skips the user's
/// configuration for root, so the test hides these behind its own in a private mount
/// namespace: the machine's registered modules never take part.
const P11_KIT_CONFIG_DIRS: [&str; 2] = ["/usr/share/p11-kit/modules", "/etc/pkcs11"];

/// `certscope ARGS` with `--module p11-kit-proxy.so`, the proxy seeing only the fault module
/// (registered in a private configuration), under the same caps as [`capped`]. `None` when
/// the machine cannot do that (no proxy, no `unshare`); the caller skips, unless
/// `CERTSCOPE_REQUIRE_SOFTHSM` asks for every token test.
fn through_proxy(ctx: &ChildContext, sub: &str, rest: &[&str], fault: Option<&str>) -> Option<Run> {
    let proxy = proxy_module()?;
    let modules = ctx.dir.join("p11-kit-modules");
    let empty = ctx.dir.join("p11-kit-empty");
    std::fs::create_dir_all(&modules).unwrap();
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(
        modules.join("fault.module"),
        format!("module: {}\n", ctx.module_str()),
    )
    .unwrap();
    // Root may mount in a new namespace; anyone else first maps itself to root in a new
    // user namespace (p11-kit then skips the user configuration too).
    let mut cmd = Command::new("unshare");
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if !root {
        cmd.arg("--map-root-user");
    }
    let mut script = String::from("set -e; ");
    for (i, dir) in P11_KIT_CONFIG_DIRS.iter().enumerate() {
        let from = if i == 0 { "$1" } else { "$2" };
        script.push_str(&format!(
            "if [ -d {dir} ]; then mount --bind \"{from}\" {dir}; fi; "
        ));
    }
    script.push_str("shift 2; exec \"$@\"");
    let inner = ctx.certscope();
    cmd.args(["--mount", "--propagation", "private", "--", "sh", "-c"])
        .arg(script)
        .arg("sh")
        .arg(&modules)
        .arg(&empty)
        .arg("prlimit")
        .arg(format!("--as={MEMORY_CAP}"))
        .arg("--")
        .arg(inner.get_program())
        .args(["token", sub, "--module", proxy])
        .args(rest)
        .current_dir(support::root());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let probe = Command::new("unshare")
        .args(if root {
            &[][..]
        } else {
            &["--map-root-user"][..]
        })
        .args(["--mount", "true"])
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        return None;
    }
    Some(fault::run(cmd, fault, &ctx.dir.join("calls.log"), TIMEOUT))
}

/// Skips (or, under `CERTSCOPE_REQUIRE_SOFTHSM`, fails) a proxy test this machine cannot run.
fn proxy_or_skip(run: Option<Run>, what: &str) -> Option<Run> {
    if run.is_none() {
        assert!(
            std::env::var_os("CERTSCOPE_REQUIRE_SOFTHSM").is_none(),
            "{what}: p11-kit-proxy or a private mount namespace (unshare) is not available"
        );
        eprintln!("skipped {what}: no p11-kit-proxy or no unshare --mount");
    }
    run
}

/// Through p11-kit-proxy the search went through cryptoki, so a module that reports more
/// handles than asked still panicked there (exit 101), and `token mechanisms` listed only
/// the mechanisms cryptoki can name (40 of SoftHSM's 70, issue 17). Now the proxy's calls go
/// through the raw layer too: the same error as without the proxy, every mechanism, and a
/// login through cryptoki's session is seen by the raw one.
#[test]
fn proxy_searches_and_mechanisms_go_through_the_raw_layer() {
    fault_test(
        "token::proxy_searches_and_mechanisms_go_through_the_raw_layer",
        &[TOKEN],
        |ctx| {
            populate(&ctx.softhsm, TOKEN, CONTENTS);
            let pin = format!("pass:{USER_PIN}");
            for (sub, rest) in [
                ("list", vec!["-f", "json"]),
                ("find", vec!["--label", "leaf", "-f", "json"]),
                ("list", vec!["--pin", pin.as_str()]),
            ] {
                let what = format!("proxy {sub} {rest:?}");
                let Some(r) = proxy_or_skip(
                    through_proxy(ctx, sub, &rest, Some("C_FindObjects:1:overcount")),
                    &what,
                ) else {
                    return;
                };
                assert_explained(&r, &what);
                assert!(
                    r.stderr.contains("C_FindObjects") && r.stderr.contains("more"),
                    "{what}: {}",
                    r.describe()
                );
                if rest.contains(&"json") {
                    json(&r, &what);
                }
            }
            // Without a fault: the private certificate after a login (made through
            // cryptoki's session, seen by the raw layer's), all three certificates.
            let what = "proxy list --pin";
            let Some(r) = proxy_or_skip(
                through_proxy(ctx, "list", &["--pin", &pin, "-f", "json"], None),
                what,
            ) else {
                return;
            };
            assert_eq!(r.code, Some(0), "{what}: {}", r.describe());
            let doc = json(&r, what);
            let items = doc["items"].as_array().cloned().unwrap_or_default();
            assert_eq!(items.len(), 3, "{what}: {doc}");
            // Every mechanism SoftHSM lists, as without the proxy.
            let direct = ctx.token("mechanisms", &["-f", "json"]);
            assert_eq!(direct.status.code(), Some(0));
            let direct: Value = serde_json::from_slice(&direct.stdout).unwrap();
            let Some(r) = proxy_or_skip(
                through_proxy(ctx, "mechanisms", &["-f", "json"], None),
                "proxy mechanisms",
            ) else {
                return;
            };
            assert_eq!(r.code, Some(0), "proxy mechanisms: {}", r.describe());
            let proxied = json(&r, "proxy mechanisms");
            let names = |doc: &Value| -> Vec<String> {
                doc.to_string()
                    .split('"')
                    .filter(|s| s.starts_with("CKM_"))
                    .map(str::to_string)
                    .collect()
            };
            assert!(names(&direct).len() >= 60, "{direct}");
            assert_eq!(names(&proxied), names(&direct), "{proxied}");
        },
    );
}
