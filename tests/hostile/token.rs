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
