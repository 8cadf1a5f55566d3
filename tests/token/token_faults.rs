//! PKCS#11 faults: the real certscope binary against a module that misbehaves on purpose.
//!
//! `tests/fault-module/` is a PKCS#11 module that forwards to SoftHSM and makes the Nth
//! call of a chosen function fail (a `CKR_*`, a wrong attribute length, the token pulled
//! out), logging every call (see `support/fault.rs`). Each run has a timeout, and whatever
//! the fault, certscope must give a clear error (exit 2, a sentence with the `CKR_` name)
//! or a result that says what is missing: never a panic, a hang, or a wrong answer
//! presented as complete; and every session it opened is closed and the module finalized.
//!
//! `fault_matrix` does that for every call of every function in five commands and keeps
//! the table in docs/robustness-pkcs11.md in step with what it observes; the other tests
//! pin the bugs it found, the module-file errors and what only cryptoki could fix.
//!
//! Missing SoftHSM skips these tests with a message, or fails them under
//! `CERTSCOPE_REQUIRE_SOFTHSM=1` (scripts/test.sh, CI).

use crate::support;

use std::time::Duration;

use serde_json::Value;
use support::fault::{self, fault_test, Run};
use support::softhsm::{populate, ChildContext, Contents, USER_PIN};

const TOKEN: &str = "certscope";

/// Two public certificates and a private one (leaf, root-ca, private-leaf): enough for
/// "the 3rd C_GetAttributeValue" to be in the middle of a listing, and categories to differ.
const CONTENTS: Contents = Contents {
    certs: true,
    only: &["leaf", "root-ca"],
    private_cert: true,
    rsa: false,
    ec: false,
};

/// The matrix adds an EC key pair (the public key is listed without a login, the private
/// one with it), so that objects other than certificates meet every fault too.
const MATRIX_CONTENTS: Contents = Contents {
    ec: true,
    ..CONTENTS
};

/// The fault that makes a listing's first search, for certificates, find nothing, so that
/// the second search's objects are all read as of unknown class (two calls each, the first
/// with size queries): the path keys and data objects take.
const EMPTY_FIRST: &str = "C_FindObjects:1:empty";

/// Long enough for a loaded machine, short enough that a hang does not stall the suite.
const TIMEOUT: Duration = Duration::from_secs(30);

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// `certscope ARGS` through the shim with `fault`, its calls logged to a file in the test
/// directory.
fn run(ctx: &ChildContext, args: &[String], fault: Option<&str>) -> Run {
    let mut cmd = ctx.certscope();
    cmd.args(args);
    fault::run(cmd, fault, &ctx.dir.join("calls.log"), TIMEOUT)
}

fn token_args(ctx: &ChildContext, sub: &str, rest: &[&str]) -> Vec<String> {
    let mut v = vec!["token".to_string(), sub.to_string(), "--module".to_string()];
    v.push(ctx.module_str());
    v.extend(rest.iter().map(|s| s.to_string()));
    v
}

/// Sessions opened are closed, `C_Finalize` follows a successful `C_Initialize`, at most
/// one `C_Login`.
fn assert_released(r: &Run, what: &str) {
    assert_eq!(
        r.count_ok("C_OpenSession"),
        r.count("C_CloseSession"),
        "{what}: sessions opened vs closed\n{}",
        r.describe()
    );
    let initialised = r.count_ok("C_Initialize") > 0;
    assert_eq!(
        r.count("C_Finalize"),
        usize::from(initialised),
        "{what}: C_Finalize calls\n{}",
        r.describe()
    );
    assert!(r.count("C_Login") <= 1, "{what}: C_Login retried");
}

#[test]
fn shim_is_transparent() {
    fault_test("shim_is_transparent", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, CONTENTS);
        let pin = format!("pass:{USER_PIN}");
        for rest in [
            vec!["-f", "json"],
            vec!["-f", "json", "--pin", pin.as_str()],
        ] {
            let through = run(ctx, &token_args(ctx, "list", &rest), None);
            assert_eq!(through.code, Some(0), "{}", through.describe());
            let mut direct = ctx.certscope();
            direct.args(["token", "list", "--module"]).arg(&ctx.softhsm);
            direct.args(&rest);
            let direct = direct.output().unwrap();
            assert_eq!(direct.status.code(), Some(0));
            // The same listing, but for the module-path in every URI.
            let direct = String::from_utf8_lossy(&direct.stdout).replace(
                &ctx.softhsm.to_string_lossy().into_owned(),
                &ctx.module_str(),
            );
            assert_eq!(json(&through.stdout), json(&direct), "{rest:?}");
            assert_released(&through, "no fault");
            assert_eq!(through.count_ok("C_OpenSession"), 1);
            assert!(through.calls.iter().all(|c| !c.injected));
        }
    });
}

/// A listing without `--type` searches twice, for certificates and then for every object
/// (certificate category is read with the other attributes; it used to take one search
/// per category, and a failed category search was once ignored, showing certificates
/// without their category as if complete). A failure in a search is an error naming the
/// call, or (for a failure that changes nothing, a `C_FindObjectsFinal`, which certscope
/// tries once more so that the next search is not refused) the complete listing.
#[test]
fn every_search_failure_is_reported() {
    fault_test("every_search_failure_is_reported", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, CONTENTS);
        let args = token_args(ctx, "list", &["-f", "json"]);
        let baseline = run(ctx, &args, None);
        assert_eq!(baseline.code, Some(0), "{}", baseline.describe());
        let categories: Vec<Value> = json(&baseline.stdout)["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["token"]["category"].clone())
            .collect();
        assert!(categories.contains(&"authority".into()), "{categories:?}");
        assert!(categories.contains(&"token_user".into()), "{categories:?}");
        for function in ["C_FindObjectsInit", "C_FindObjects", "C_FindObjectsFinal"] {
            let searches = baseline.count(function);
            assert_eq!(searches, 2, "two searches");
            let mut complete = 0;
            for n in 1..=searches {
                let spec = format!("{function}:{n}:CKR_DEVICE_ERROR");
                let r = run(ctx, &args, Some(&spec));
                assert_released(&r, &spec);
                if r.code == Some(0) {
                    assert_eq!(r.stdout, baseline.stdout, "{spec}: exit 0, other result");
                    complete += 1;
                    continue;
                }
                assert_eq!(r.code, Some(2), "{spec}: {}", r.describe());
                let want = format!(
                    "{function}: the token or its reader reported a hardware or communication \
                     error (CKR_DEVICE_ERROR)"
                );
                assert!(r.stderr.contains(&want), "{spec}: {}", r.describe());
                assert_eq!(json(&r.stdout)["items"], Value::Array(vec![]), "{spec}");
            }
            // A failed C_FindObjectsFinal is tried again, and nothing is lost.
            let want = if function == "C_FindObjectsFinal" {
                searches
            } else {
                0
            };
            assert_eq!(complete, want, "{function}: runs that completed");
        }
    });
}

/// A token pulled out before certscope saw it must not look like a token that holds
/// nothing: `token list` used to print nothing and exit 0.
#[test]
fn removed_token_is_not_an_empty_token() {
    fault_test("removed_token_is_not_an_empty_token", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, CONTENTS);
        let removed = Some("C_GetSlotList:1:removed");
        for format in ["text", "json"] {
            let r = run(ctx, &token_args(ctx, "list", &["-f", format]), removed);
            assert_eq!(r.code, Some(2), "{}", r.describe());
            assert_eq!(
                r.stderr,
                "certscope: no initialised token is present: the module has 2 slots, none \
                 holds a token; insert the card or plug in the token and try again\n"
            );
            // JSON: one complete document with the failure in `errors` (issue 12).
            if format == "json" {
                let doc = json(&r.stdout);
                assert_eq!(doc["items"], serde_json::json!([]), "{doc}");
                let message = doc["errors"][0]["message"].as_str().unwrap();
                assert!(
                    message.starts_with("no initialised token is present"),
                    "{doc}"
                );
            } else {
                assert_eq!(r.stdout, "");
            }
            assert_released(&r, format);
        }
        // A URI that names no token says the same; one that names it says it is not there.
        let uri = |path: &str| format!("pkcs11:{path}?module-path={}", ctx.module_str());
        let r = run(
            ctx,
            &[
                "inspect".into(),
                "--allow-uri-module".into(),
                uri("type=cert"),
            ],
            removed,
        );
        assert_eq!(r.code, Some(2), "{}", r.describe());
        assert!(
            r.stderr.contains(": no initialised token is present"),
            "{}",
            r.stderr
        );
        let r = run(
            ctx,
            &[
                "inspect".into(),
                "--allow-uri-module".into(),
                uri(&format!("token={TOKEN}")),
            ],
            removed,
        );
        assert_eq!(r.code, Some(2), "{}", r.describe());
        assert!(
            r.stderr.contains(&format!(
                "no token matches token \"{TOKEN}\"; tokens present: none"
            )),
            "{}",
            r.stderr
        );
        // `token slots` reports slots, and an empty slot is what it should show.
        let r = run(ctx, &token_args(ctx, "slots", &[]), removed);
        assert_eq!(r.code, Some(0), "{}", r.describe());
        assert_eq!(
            r.stdout.matches("Token:          none").count(),
            2,
            "{}",
            r.stdout
        );
    });
}

/// Without a fault: SoftHSM with only its free slot has nothing to list, and says why.
#[test]
fn blank_token_is_explained() {
    fault_test("blank_token_is_explained", &[], |ctx| {
        let r = run(ctx, &token_args(ctx, "list", &[]), None);
        assert_eq!(r.code, Some(2), "{}", r.describe());
        assert_eq!(
            r.stderr,
            "certscope: no initialised token is present: the module has 1 slot, and the token \
             in it is not initialised; a blank token must be initialised with its vendor's tool \
             before it can be read\n"
        );
        assert_released(&r, "blank");
    });
}

/// A module that reports absurd attribute lengths used to abort certscope (cryptoki
/// allocates whatever the module says); now every object is still listed, with an error
/// naming the attributes, their reported sizes and the limit. A module whose values are
/// shorter than its own size answers gets a warning on the item.
#[test]
fn attribute_lengths_are_checked() {
    fault_test("attribute_lengths_are_checked", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, CONTENTS);
        let args = token_args(ctx, "list", &["-f", "json"]);
        let baseline = run(ctx, &args, None);
        let base_items = json(&baseline.stdout)["items"].as_array().unwrap().clone();
        assert_eq!(base_items.len(), 2);

        // The certificate search finds nothing (EMPTY_FIRST), so that both certificates
        // are read as objects of unknown class, in two calls with a size query.
        let r = run(
            ctx,
            &args,
            Some(&format!("{EMPTY_FIRST},C_GetAttributeValue:*:huge-length")),
        );
        assert_eq!(r.code, Some(2), "{}", r.describe());
        assert_released(&r, "huge-length");
        let items = json(&r.stdout)["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 2, "every object is still listed");
        for item in &items {
            let error = item["error"].as_str().unwrap();
            // Every length asked is absurd, the fixed-size ones too; nothing was allocated.
            // The class, label and ID are read into buffers in the first call, and the
            // value (its length is not asked before the class is known) into a bounded
            // guess in the second: no size query, no absurd length.
            assert!(
                error.starts_with(
                    "the module reports CKA_SUBJECT of 1099511627776 bytes, CKA_PRIVATE of \
                     1099511627776 bytes, CKA_TRUSTED of 1099511627776 bytes, \
                     CKA_CERTIFICATE_TYPE of 1099511627776 bytes, CKA_CERTIFICATE_CATEGORY of \
                     1099511627776 bytes, CKA_MODIFIABLE of 1099511627776 bytes over the limit \
                     of 16777216 bytes, so they were not read (raise the limit with \
                     --max-attribute-size or the CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE \
                     environment variable)"
                ),
                "{error}"
            );
        }
        assert_eq!(r.stderr.lines().count(), 2, "{}", r.stderr);

        // A module whose read gives fewer bytes than its size answer said: the 3rd call is
        // the value read of the first object listed (after the first call of each object:
        // class, label, ID and the other lengths).
        let r = run(
            ctx,
            &args,
            Some(&format!("{EMPTY_FIRST},C_GetAttributeValue:3:bad-length")),
        );
        assert_eq!(r.code, Some(2), "{}", r.describe());
        let items = json(&r.stdout)["items"].as_array().unwrap().clone();
        let cut = items
            .iter()
            .find(|i| !base_items.contains(i))
            .expect("the damaged item");
        let warning = cut["warnings"][0].as_str().unwrap();
        assert!(
            warning
                .starts_with("the module gave fewer bytes than it said it has for CKA_SUBJECT ("),
            "{warning}"
        );
        assert!(
            warning.contains("CKA_CERTIFICATE_TYPE (7 of 8)")
                && warning.ends_with("; the values may be truncated"),
            "{warning}"
        );
        // The truncated DER does not decode either: an error, exit 2.
        assert!(cut["error"].is_string(), "{cut}");

        // A real certificate over a lowered limit: that one is flagged, the other complete.
        let leaf_len = fixture_leaf_len();
        let limit = (leaf_len - 1).to_string();
        let r = run(
            ctx,
            &token_args(ctx, "list", &["-f", "json", "--max-attribute-size", &limit]),
            None,
        );
        assert_eq!(r.code, Some(2), "{}", r.describe());
        let items = json(&r.stdout)["items"].as_array().unwrap().clone();
        let leaf = items
            .iter()
            .find(|i| i["source"]["label"] == "leaf")
            .unwrap();
        assert_eq!(
            leaf["error"],
            format!(
                "the module reports CKA_VALUE of {leaf_len} bytes over the limit of {limit} \
                 bytes, so it was not read (raise the limit with --max-attribute-size or the \
                 CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE environment variable)"
            )
        );
        let root = items
            .iter()
            .find(|i| i["source"]["label"] == "root-ca")
            .unwrap();
        assert!(base_items.contains(root), "{root}");
        // The environment variable, for token commands and for URIs alike.
        let uri = format!(
            "pkcs11:token={TOKEN};object=leaf?module-path={}",
            ctx.module_str()
        );
        for args in [
            token_args(ctx, "list", &["-f", "json"]),
            vec![
                "inspect".to_string(),
                "--allow-uri-module".into(),
                "-f".into(),
                "json".into(),
                uri.clone(),
            ],
        ] {
            let mut cmd = ctx.certscope();
            cmd.args(&args)
                .env("CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE", &limit);
            let r = fault::run(cmd, None, &ctx.dir.join("env.log"), TIMEOUT);
            assert_eq!(r.code, Some(2), "{args:?}: {}", r.describe());
            assert!(
                r.stderr.contains(&format!("CKA_VALUE of {leaf_len} bytes")),
                "{}",
                r.stderr
            );
        }
        let mut cmd = ctx.certscope();
        cmd.args(["inspect", "--allow-uri-module", &uri])
            .env("CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE", "lots");
        let r = fault::run(cmd, None, &ctx.dir.join("env.log"), TIMEOUT);
        assert_eq!(r.code, Some(2));
        assert!(
            r.stderr
                .contains("CERTSCOPE_PKCS11_MAX_ATTRIBUTE_SIZE=\"lots\" is not a number of bytes"),
            "{}",
            r.stderr
        );
    });
}

/// Issue 17 (speed): with the class known (`--type cert`) each object is read in one call,
/// every value into a bounded guessed buffer. A module that lies about lengths is still
/// bounded there: huge size answers are never asked for when every value fits; a value that
/// does not fit its buffer (a limit lowered below a certificate) has its length asked, and
/// an absurd length is refused, not allocated; values cut short are not taken as complete.
#[test]
fn typed_listing_reads_each_object_once_and_stays_bounded() {
    fault_test(
        "typed_listing_reads_each_object_once_and_stays_bounded",
        &[TOKEN],
        |ctx| {
            populate(&ctx.softhsm, TOKEN, CONTENTS);
            let args = token_args(ctx, "list", &["-f", "json", "--type", "cert"]);
            let baseline = run(ctx, &args, None);
            assert_eq!(baseline.code, Some(0), "{}", baseline.describe());
            let base_items = json(&baseline.stdout)["items"].as_array().unwrap().clone();
            assert_eq!(base_items.len(), 2);
            assert_eq!(baseline.count("C_GetAttributeValue"), 2);

            // No size query is made, so absurd size answers change nothing.
            let r = run(ctx, &args, Some("C_GetAttributeValue:*:huge-length"));
            assert_eq!(r.code, Some(0), "{}", r.describe());
            assert_eq!(json(&r.stdout), json(&baseline.stdout));
            assert_released(&r, "huge-length");

            // A limit below the leaf: its guessed buffer is too small, its length is asked,
            // and the module's absurd answer is refused.
            let limit = (fixture_leaf_len() - 1).to_string();
            let lowered = token_args(
                ctx,
                "list",
                &[
                    "-f",
                    "json",
                    "--type",
                    "cert",
                    "--max-attribute-size",
                    &limit,
                ],
            );
            let r = run(ctx, &lowered, Some("C_GetAttributeValue:*:huge-length"));
            assert_eq!(r.code, Some(2), "{}", r.describe());
            assert_released(&r, "huge-length, lowered limit");
            let items = json(&r.stdout)["items"].as_array().unwrap().clone();
            assert_eq!(items.len(), 2, "every object is still listed");
            let leaf = items
                .iter()
                .find(|i| i["source"]["label"] == "leaf")
                .unwrap();
            assert!(
                leaf["error"]
                    .as_str()
                    .unwrap()
                    .starts_with("the module reports CKA_VALUE of 1099511627776 bytes"),
                "{leaf}"
            );
            // Without the fault, the same: one more size query for the leaf only.
            let r = run(ctx, &lowered, None);
            assert_eq!(r.code, Some(2), "{}", r.describe());
            assert_eq!(r.count("C_GetAttributeValue"), 3);

            // Every length one byte short of what was written: the first object listed is
            // not shown as a complete certificate.
            let r = run(ctx, &args, Some("C_GetAttributeValue:1:bad-length"));
            assert_eq!(r.code, Some(2), "{}", r.describe());
            assert_released(&r, "bad-length");
            let items = json(&r.stdout)["items"].as_array().unwrap().clone();
            assert_eq!(items.len(), 2);
            let cut = items
                .iter()
                .find(|i| !base_items.contains(i))
                .expect("the damaged item");
            assert!(cut["error"].is_string(), "{cut}");
        },
    );
}

/// Issue 17 (speed): without `--type` a listing searches for certificates, reads each in
/// one call, then searches for every object and reads those the first search did not
/// return (two calls each). A module whose two answers disagree (an object created or
/// deleted in between, a search that ignores its template) never gets a handle read twice
/// or an object shown as a certificate that is none.
#[test]
fn changing_object_set_reads_each_handle_once() {
    fault_test(
        "changing_object_set_reads_each_handle_once",
        &[TOKEN],
        |ctx| {
            populate(&ctx.softhsm, TOKEN, MATRIX_CONTENTS);
            let pin = format!("pass:{USER_PIN}");
            let args = token_args(ctx, "list", &["-f", "json", "--pin", &pin]);
            let baseline = run(ctx, &args, None);
            assert_eq!(baseline.code, Some(0), "{}", baseline.describe());
            let base = json(&baseline.stdout)["items"].as_array().unwrap().clone();
            let n = base.len();
            let certs = base.iter().filter(|i| i["kind"] == "certificate").count();
            assert!(certs >= 2 && n > certs, "{n} objects, {certs} certificates");
            assert_eq!(baseline.count("C_FindObjectsInit"), 2);
            assert_eq!(
                baseline.count("C_GetAttributeValue"),
                certs + 2 * (n - certs)
            );

            // The certificate search finds every object: those its class answer shows not to be
            // certificates are read again as objects of unknown class, and not a second time
            // for the second search.
            let r = run(ctx, &args, Some("C_FindObjectsInit:1:ignore-template"));
            assert_eq!(r.code, Some(0), "{}", r.describe());
            assert_eq!(json(&r.stdout)["items"], Value::Array(base.clone()));
            assert_eq!(r.count("C_GetAttributeValue"), certs + 3 * (n - certs));
            assert_released(&r, "ignore-template");

            // A certificate the first search missed (created after it) is found by the second
            // and read as an object of unknown class.
            let r = run(ctx, &args, Some("C_FindObjects:1:drop-first"));
            assert_eq!(r.code, Some(0), "{}", r.describe());
            assert_eq!(json(&r.stdout)["items"], Value::Array(base.clone()));
            assert_eq!(
                r.count("C_GetAttributeValue"),
                certs - 1 + 2 * (n - certs + 1)
            );
            assert_released(&r, "drop-first, first search");

            // An object the second search missed (deleted in between): a certificate the first
            // search found is still listed, anything else is not; nothing is listed twice.
            let r = run(ctx, &args, Some("C_FindObjects:2:drop-first"));
            assert_eq!(r.code, Some(0), "{}", r.describe());
            let items = json(&r.stdout)["items"].as_array().unwrap().clone();
            assert!(
                items.len() == n || items.len() == n - 1,
                "{} of {n}",
                items.len()
            );
            for (i, item) in items.iter().enumerate() {
                assert!(base.contains(item), "{item}");
                assert!(!items[..i].contains(item), "listed twice: {item}");
            }
            assert_released(&r, "drop-first, second search");
        },
    );
}

/// The three faults cryptoki 0.12 cannot survive (docs/robustness-pkcs11.md), which
/// certscope now guards against with its own calls (src/token/raw.rs): a huge length in a
/// single size query (aborted inside cryptoki's `get_attributes`), a NULL function list
/// (read through by cryptoki) and `C_GetSlotList` or `C_GetMechanismList` answering
/// `CKR_BUFFER_TOO_SMALL` for ever (cryptoki asks for ever).
#[test]
fn cryptoki_limits() {
    fault_test("cryptoki_limits", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, CONTENTS);
        let args = token_args(ctx, "list", &["-f", "json"]);
        // The certificates read as objects of unknown class (EMPTY_FIRST), per object: one
        // size query (with the class, label and ID read) and one read for all its
        // attributes (certscope's own reader, src/token/read/). A huge length in any one of
        // the size queries used to abort inside cryptoki's allocation; now it is refused
        // like the others.
        let baseline = run(ctx, &args, Some(EMPTY_FIRST));
        assert_eq!(baseline.count("C_GetAttributeValue"), 4);
        // Calls 1 and 2 are the size queries of the two objects.
        for call in [1, 2] {
            let spec = format!("{EMPTY_FIRST},C_GetAttributeValue:{call}:huge-length");
            let r = run(ctx, &args, Some(&spec));
            assert_eq!(r.code, Some(2), "{spec}: {}", r.describe());
            let items = json(&r.stdout)["items"].as_array().unwrap().clone();
            assert_eq!(items.len(), 2, "{spec}: every object is still listed");
            let flagged = items.iter().filter(|i| i["error"].is_string()).count();
            assert_eq!(flagged, 1, "{spec}: {items:?}");
        }
        // A module that hands out a NULL function list with CKR_OK: cryptoki would read
        // through it (a crash); certscope's reader asks first and refuses it.
        let mut cmd = ctx.certscope();
        cmd.args(&args).current_dir(&ctx.dir);
        let r = fault::run(
            cmd,
            Some("C_GetFunctionList:1+:null-list"),
            &ctx.dir.join("null.log"),
            TIMEOUT,
        );
        assert!(r.signal.is_none() && !r.timed_out, "{}", r.describe());
        assert_eq!(r.code, Some(2), "{}", r.describe());
        assert!(r.stderr.contains("C_GetFunctionList"), "{}", r.describe());
        // A module that answers C_GetSlotList with CKR_BUFFER_TOO_SMALL for ever: cryptoki
        // would ask again for ever; certscope's own call gives up.
        gives_up_on_a_growing_list(ctx, &args, "C_GetSlotList");
        // The same for C_GetMechanismList, which certscope also calls itself (cryptoki's
        // leaves out the mechanisms it cannot name, and asks for ever too).
        gives_up_on_a_growing_list(
            ctx,
            &token_args(ctx, "mechanisms", &[]),
            "C_GetMechanismList",
        );
    });
}

/// Runs `args` with `function` answering `CKR_BUFFER_TOO_SMALL` from its second call on (a
/// list that grows between every count and read): certscope must stop asking and say so.
fn gives_up_on_a_growing_list(ctx: &ChildContext, args: &[String], function: &str) {
    let mut cmd = ctx.certscope();
    cmd.args(args);
    let r = fault::run(
        cmd,
        Some(&format!("{function}:2+:CKR_BUFFER_TOO_SMALL")),
        &ctx.dir.join(format!("{function}.log")),
        Duration::from_secs(2),
    );
    assert!(!r.timed_out && r.signal.is_none(), "{}", r.describe());
    assert_eq!(r.code, Some(2), "{}", r.describe());
    assert!(
        r.stderr.contains(function) && r.stderr.contains("CKR_BUFFER_TOO_SMALL"),
        "{}",
        r.describe()
    );
}

/// The functions certscope calls, in the order a listing first calls them.
const FUNCTIONS: &[&str] = &[
    "C_Initialize",
    "C_GetInfo",
    "C_GetSlotList",
    "C_GetSlotInfo",
    "C_GetTokenInfo",
    "C_GetMechanismList",
    "C_GetMechanismInfo",
    "C_OpenSession",
    "C_Login",
    "C_FindObjectsInit",
    "C_FindObjects",
    "C_FindObjectsFinal",
    "C_GetAttributeValue",
    "C_CloseSession",
    "C_Finalize",
];

/// The faults of the matrix. `CKR_GENERAL_ERROR`, `removed` and `bad-length` are injected
/// at each call number in turn; `huge-length` at every call (a module that gets lengths
/// wrong does so consistently; one wrong answer is a cryptoki limit, see
/// `cryptoki_limits`).
const FAULTS: &[&str] = &["CKR_GENERAL_ERROR", "removed", "bad-length", "huge-length"];

fn applies(function: &str, fault: &str) -> bool {
    !fault.ends_with("-length") || function == "C_GetAttributeValue"
}

/// A command of the matrix: its column name and arguments.
struct Column {
    name: &'static str,
    args: Vec<String>,
}

fn columns(ctx: &ChildContext) -> Vec<Column> {
    let pin = format!("pass:{USER_PIN}");
    vec![
        Column {
            name: "token slots",
            args: token_args(ctx, "slots", &["-f", "json"]),
        },
        Column {
            name: "token list",
            args: token_args(ctx, "list", &["-f", "json"]),
        },
        Column {
            name: "token list --pin",
            args: token_args(ctx, "list", &["-f", "json", "--pin", &pin]),
        },
        Column {
            name: "token mechanisms",
            args: token_args(ctx, "mechanisms", &["-f", "json"]),
        },
        Column {
            name: "inspect pkcs11:",
            args: vec![
                "inspect".to_string(),
                "--allow-uri-module".to_string(),
                "-f".to_string(),
                "json".to_string(),
                format!(
                    "pkcs11:token={TOKEN};type=cert?module-path={}",
                    ctx.module_str()
                ),
            ],
        },
    ]
}

/// The `CKR_*` name in a message: `... (CKR_DEVICE_ERROR); ...` → `CKR_DEVICE_ERROR`.
fn ckr_in(text: &str) -> Option<&str> {
    let start = text.find("(CKR_")? + 1;
    let len = text[start..].find(')')?;
    Some(&text[start..start + len])
}

fn items_of(stdout: &str) -> Vec<Value> {
    if stdout.trim().is_empty() {
        return Vec::new();
    }
    json(stdout)["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// An item without its `relations` and `number` (how it relates to the *other* items and
/// where it stands among them: both change when a fault damages another item, which
/// carries the error, and so sorts elsewhere or relates to nothing).
fn own_fields(mut item: Value) -> Value {
    if let Some(fields) = item.as_object_mut() {
        fields.remove("relations");
        fields.remove("number");
    }
    item
}

/// Among the items of a run, those that differ from the fault-free run: how many carry an
/// error, how many only a warning. An item that differs silently is a broken promise.
fn flagged(stdout: &str, baseline: &str) -> Result<(usize, usize), String> {
    let base: Vec<Value> = items_of(baseline).into_iter().map(own_fields).collect();
    let (mut errors, mut warned) = (0, 0);
    for item in items_of(stdout).into_iter().map(own_fields) {
        if base.contains(&item) {
            continue;
        }
        if item.get("error").is_some_and(|e| !e.is_null()) {
            errors += 1;
        } else if item
            .get("warnings")
            .and_then(Value::as_array)
            .is_some_and(|w| !w.is_empty())
        {
            warned += 1;
        } else {
            return Err(format!(
                "an item differs from the fault-free run without an error or warning: {item}"
            ));
        }
    }
    Ok((errors, warned))
}

/// Sorts one run into an outcome of the matrix, or says which promise it broke.
fn classify(col: &Column, fault: &str, r: &Run, baseline: &Run) -> Result<String, String> {
    if r.timed_out {
        return Err("hang (killed after the timeout)".into());
    }
    if let Some(sig) = r.signal {
        return Err(format!("killed by signal {sig}"));
    }
    if r.stderr.contains("panicked") {
        return Err("panic".into());
    }
    let released = std::panic::catch_unwind(|| assert_released(r, col.name));
    if released.is_err() {
        return Err("a session left open or the module not finalized".into());
    }
    match r.code {
        Some(0) => {
            if r.stdout == baseline.stdout {
                return Ok("complete".into());
            }
            if col.name != "token slots" {
                // Items that differ must say why, with a warning at least.
                let (errors, warned) = flagged(&r.stdout, &baseline.stdout)?;
                if errors == 0 && warned > 0 {
                    return Ok(format!("complete, {warned} item(s) with a warning"));
                }
            }
            if col.name == "token slots" && fault == "removed" {
                // The token was pulled out while certscope read the slots: saying the slot
                // is empty is the truth, provided nothing else changed.
                let doc = json(&r.stdout);
                let ours = doc["slots"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|s| s["token"].is_null())
                    .count();
                if ours > 0 {
                    return Ok("token shown absent".into());
                }
            }
            Err("exit 0 with a result that differs from the fault-free run".into())
        }
        Some(2) => {
            let lines: Vec<&str> = r.stderr.lines().collect();
            if lines.is_empty() || !lines.iter().all(|l| l.starts_with("certscope: ")) {
                return Err("exit 2 without a certscope: message on stderr".into());
            }
            let (errors, warned) = flagged(&r.stdout, &baseline.stdout)?;
            if errors > 0 {
                let also = if warned > 0 {
                    format!(", {warned} with a warning")
                } else {
                    String::new()
                };
                return Ok(format!("{errors} item(s) flagged with an error{also}"));
            }
            let base_items = items_of(&baseline.stdout);
            let items = items_of(&r.stdout);
            // No token is not an error code: the module answered, there is nothing.
            for (said, outcome) in [
                ("no initialised token is present", "error: no token present"),
                ("no token matches", "error: no token matches"),
            ] {
                if fault == "removed" && r.stderr.contains(said) {
                    return Ok(outcome.to_string());
                }
            }
            let Some(ckr) = ckr_in(&r.stderr) else {
                return Err("an error message without a CKR_ name".into());
            };
            if warned > 0 {
                return Ok(format!("error {ckr}, {warned} item(s) with a warning"));
            }
            if !items.is_empty() && items.len() == base_items.len() {
                Ok(format!("complete, then error {ckr}"))
            } else if items.is_empty() {
                Ok(format!("error {ckr}"))
            } else {
                Ok(format!(
                    "partial ({} of {} items), error {ckr}",
                    items.len(),
                    base_items.len()
                ))
            }
        }
        other => Err(format!("exit status {other:?}")),
    }
}

/// The outcomes of the calls of one cell → `complete (1 call); error X (9 calls)`, sorted.
/// Counts rather than call numbers: which object the Nth `C_GetAttributeValue` reads
/// depends on SoftHSM's storage order, which can change between tokens, while how many
/// reads end each way does not.
fn summarise(outcomes: &[String]) -> String {
    let mut groups: std::collections::BTreeMap<&str, usize> = Default::default();
    for o in outcomes {
        *groups.entry(o.as_str()).or_default() += 1;
    }
    groups
        .iter()
        .map(|(o, n)| match n {
            1 if outcomes.len() == 1 => (*o).to_string(),
            1 => format!("{o} (1 call)"),
            n => format!("{o} ({n} calls)"),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The document that shows the matrix, and the markers around the generated part.
const MATRIX_DOC: &str = "docs/robustness-pkcs11.md";
const BEGIN: &str =
    "<!-- fault-matrix:begin (generated by tests/token/token_faults.rs fault_matrix; \
     CERTSCOPE_UPDATE_DOCS=1 rewrites it) -->";
const END: &str = "<!-- fault-matrix:end -->";

/// Checks that the matrix in [`MATRIX_DOC`] is the one just observed; with
/// `CERTSCOPE_UPDATE_DOCS=1`, writes it there instead.
fn sync_doc(generated: &str) {
    let path = support::root().join(MATRIX_DOC);
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{MATRIX_DOC}: {e}"));
    let (Some(b), Some(e)) = (doc.find(BEGIN), doc.find(END)) else {
        panic!("{MATRIX_DOC} lacks the markers {BEGIN} ... {END}");
    };
    let current = &doc[b + BEGIN.len()..e];
    let wanted = format!("\n{generated}");
    if current == wanted {
        return;
    }
    if std::env::var("CERTSCOPE_UPDATE_DOCS").is_ok_and(|v| v == "1") {
        let updated = format!("{}{BEGIN}{wanted}{}", &doc[..b], &doc[e..]);
        std::fs::write(&path, updated).unwrap();
        println!("updated {MATRIX_DOC}");
        return;
    }
    panic!(
        "the fault matrix in {MATRIX_DOC} differs from what certscope does now; review, then \
         rerun with CERTSCOPE_UPDATE_DOCS=1 to rewrite it.\n--- observed ---\n{generated}"
    );
}

#[test]
fn fault_matrix() {
    fault_test("fault_matrix", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, MATRIX_CONTENTS);
        let columns = columns(ctx);
        let mut rows: Vec<(String, Vec<String>)> = Vec::new();
        let mut broken: Vec<String> = Vec::new();
        let mut runs = 0usize;
        let started = std::time::Instant::now();
        let baselines: Vec<Run> = columns
            .iter()
            .map(|c| {
                let b = run(ctx, &c.args, None);
                assert_eq!(b.code, Some(0), "{}: {}", c.name, b.describe());
                assert_released(&b, c.name);
                b
            })
            .collect();
        for function in FUNCTIONS {
            for fault in FAULTS.iter().copied().filter(|f| applies(function, f)) {
                let mut cells = Vec::new();
                for (col, baseline) in columns.iter().zip(&baselines) {
                    let calls = baseline.count(function) as u64;
                    let numbers: Vec<String> = if calls == 0 {
                        Vec::new()
                    } else if fault == "huge-length" {
                        vec!["*".to_string()]
                    } else {
                        (1..=calls).map(|n| n.to_string()).collect()
                    };
                    let mut outcomes = Vec::new();
                    for n in &numbers {
                        let spec = format!("{function}:{n}:{fault}");
                        let r = run(ctx, &col.args, Some(&spec));
                        runs += 1;
                        match classify(col, fault, &r, baseline) {
                            Ok(o) => outcomes.push(o),
                            Err(why) => {
                                broken.push(format!(
                                    "{} with {spec}: {why}\n{}",
                                    col.name,
                                    r.describe()
                                ));
                                outcomes.push(format!("BROKEN: {why}"));
                            }
                        }
                    }
                    cells.push(if outcomes.is_empty() {
                        "—".to_string()
                    } else {
                        summarise(&outcomes)
                    });
                }
                rows.push((format!("`{function}` {fault}"), cells));
            }
        }
        let header = |first: &str| {
            let mut h = format!("| {first} |");
            for c in &columns {
                h.push_str(&format!(" `{}` |", c.name));
            }
            h.push_str("\n|---|");
            h.push_str(&"---|".repeat(columns.len()));
            h.push('\n');
            h
        };
        let mut counts = header("call");
        for function in std::iter::once(&"C_GetFunctionList").chain(FUNCTIONS) {
            let cells: Vec<String> = baselines
                .iter()
                .map(|b| match b.count(function) {
                    0 => "—".to_string(),
                    n => n.to_string(),
                })
                .collect();
            counts.push_str(&format!("| `{function}` | {} |\n", cells.join(" | ")));
        }
        let mut table = header("call, fault");
        for (row, cells) in &rows {
            table.push_str(&format!("| {row} | {} |\n", cells.join(" | ")));
        }
        println!("{runs} runs in {:?}\n{counts}\n{table}", started.elapsed());
        assert!(
            broken.is_empty(),
            "{} broken runs:\n{}",
            broken.len(),
            broken.join("\n\n")
        );
        let generated = format!(
            "Calls each command makes without a fault (the shim's log):\n\n{counts}\n\
             Outcomes ({runs} runs):\n\n{table}"
        );
        sync_doc(&generated);
    });
}

/// ELF header of a shared object (`ET_DYN`) for another machine than this one: 64-bit
/// little-endian for AArch64 (x86-64 when certscope runs on AArch64), or 32-bit i386.
/// dlopen reads no further than the header to refuse it.
fn foreign_elf(bits64: bool) -> Vec<u8> {
    let machine: u16 = if !bits64 {
        3
    } else if cfg!(target_arch = "aarch64") {
        62
    } else {
        183
    };
    let mut h = b"\x7fELF".to_vec();
    h.extend([if bits64 { 2 } else { 1 }, 1, 1, 0]);
    h.extend([0u8; 8]);
    h.extend(3u16.to_le_bytes()); // ET_DYN
    h.extend(machine.to_le_bytes());
    h.extend(1u32.to_le_bytes()); // EV_CURRENT
                                  // e_ehsize and e_phentsize where the header has them; no program header follows.
    let (at, ehsize, phentsize) = if bits64 {
        (52, 64u16, 56u16)
    } else {
        (40, 52, 32)
    };
    h.resize(128, 0);
    h[at..at + 2].copy_from_slice(&ehsize.to_le_bytes());
    h[at + 2..at + 4].copy_from_slice(&phentsize.to_le_bytes());
    h
}

/// `cc`, to build a module whose dependency is missing; `None` (and a note) without one.
fn c_compiler() -> Option<std::path::PathBuf> {
    let found = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("cc"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        eprintln!("NOTE: no cc on PATH; the missing-dependency case is not run");
    }
    found
}

/// Module files certscope cannot use, beyond those of `token_cli.rs`
/// (`broken_modules_are_clear_errors`: missing file, text file, directory, a library
/// without `C_GetFunctionList`): another architecture, an empty file, an ELF file with
/// nothing loadable, a module whose dependency is missing. Each is a sentence naming the
/// module and the reason, exit 2, for the token commands and for a URI alike.
#[test]
fn module_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    };
    let host = if cfg!(target_arch = "x86_64") {
        "x86-64 (64-bit)"
    } else {
        ""
    };
    let other64 = if cfg!(target_arch = "aarch64") {
        "x86-64 (64-bit)"
    } else {
        "AArch64 (64-bit)"
    };
    let arch = "the library is built for another architecture (32/64-bit or CPU) (it is built for";
    let mut cases: Vec<(String, String)> = vec![
        (
            file("aarch64.so", &foreign_elf(true)),
            format!("{arch} {other64}; this certscope is for {host}"),
        ),
        (
            file("i386.so", &foreign_elf(false)),
            format!("{arch} i386 (32-bit); this certscope is for {host}"),
        ),
        (
            file("empty.so", b""),
            "the file is not a shared library".to_string(),
        ),
    ];
    // A header for this machine and nothing after it.
    let mut own = foreign_elf(true);
    let machine: u16 = if cfg!(target_arch = "aarch64") {
        183
    } else {
        62
    };
    own[18..20].copy_from_slice(&machine.to_le_bytes());
    cases.push((
        file("headless.so", &own),
        "the file is not a shared library".to_string(),
    ));
    // The same with a damaged header (program header entry size 0).
    own[54..56].copy_from_slice(&[0, 0]);
    cases.push((
        file("damaged.so", &own),
        "the file is not a shared library".to_string(),
    ));
    // A real foreign library, where the system happens to have one (valgrind's preloads).
    let real_i386 = "/usr/libexec/valgrind/vgpreload_core-x86-linux.so";
    if cfg!(target_arch = "x86_64") && std::path::Path::new(real_i386).is_file() {
        cases.push((
            real_i386.to_string(),
            format!("{arch} i386 (32-bit); this certscope is for {host}"),
        ));
    }
    if let Some(cc) = c_compiler() {
        // module.so links against libcertscope-gone.so, which is then deleted.
        let src = dir.path().join("m.c");
        std::fs::write(&src, "int certscope_test(void) { return 0; }\n").unwrap();
        let build = |out: &str, extra: &[&str]| {
            let o = std::process::Command::new(&cc)
                .args(["-shared", "-fPIC", "-o"])
                .arg(dir.path().join(out))
                .arg(&src)
                .args(extra)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        };
        build("libcertscope-gone.so", &[]);
        let libdir = format!("-L{}", dir.path().display());
        // --no-as-needed: the dependency is kept although nothing of it is used.
        build(
            "needs-gone.so",
            &[&libdir, "-Wl,--no-as-needed", "-lcertscope-gone"],
        );
        std::fs::remove_file(dir.path().join("libcertscope-gone.so")).unwrap();
        cases.push((
            dir.path().join("needs-gone.so").display().to_string(),
            "a library the module needs is not installed (libcertscope-gone.so: cannot open \
             shared object file: No such file or directory)"
                .to_string(),
        ));
    }
    for (module, want) in &cases {
        for sub in ["slots", "list"] {
            let o = support::run(&["token", sub, "--module", module]);
            let err = support::stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{sub} {module}: {err}");
            assert_eq!(
                err.lines().count(),
                1,
                "{sub} {module}: one line expected: {err}"
            );
            assert!(
                err.starts_with(&format!("certscope: cannot load PKCS#11 module {module}: ")),
                "{sub} {module}: {err}"
            );
            assert!(err.contains(want.as_str()), "{sub} {module}: {err}");
        }
        let uri = format!("pkcs11:token=x?module-path={module}");
        let o = support::run(&["inspect", "--allow-uri-module", &uri]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            support::stderr(&o).contains(want.as_str()),
            "{}",
            support::stderr(&o)
        );
    }
}

/// `C_GetFunctionList` itself failing: the module and the reason are named.
#[test]
fn function_list_failure_is_a_load_error() {
    fault_test("function_list_failure_is_a_load_error", &[TOKEN], |ctx| {
        let r = run(
            ctx,
            &token_args(ctx, "slots", &[]),
            Some("C_GetFunctionList:1:CKR_HOST_MEMORY"),
        );
        assert_eq!(r.code, Some(2), "{}", r.describe());
        assert_eq!(
            r.stderr,
            format!(
                "certscope: cannot load PKCS#11 module {}: the module would not hand out its \
                 functions (C_GetFunctionList: the module ran out of memory (CKR_HOST_MEMORY))\n",
                ctx.module_str()
            )
        );
        assert_eq!(r.count("C_Initialize"), 0);
        assert_eq!(r.count("C_Finalize"), 0);
    });
}

/// A token that fails is reported at its URI; the other tokens are still listed, and the
/// exit status says something is missing.
#[test]
fn other_tokens_are_still_listed() {
    fault_test("other_tokens_are_still_listed", &["alpha", "beta"], |ctx| {
        populate(&ctx.softhsm, "alpha", CONTENTS);
        populate(&ctx.softhsm, "beta", CONTENTS);
        let args = token_args(ctx, "list", &["-f", "json"]);
        let baseline = run(ctx, &args, None);
        assert_eq!(baseline.code, Some(0), "{}", baseline.describe());
        let all = items_of(&baseline.stdout);
        assert_eq!(all.len(), 4);
        // The first session opened is the first token's, in slot order.
        let r = run(ctx, &args, Some("C_OpenSession:1:CKR_DEVICE_ERROR"));
        assert_eq!(r.code, Some(2), "{}", r.describe());
        assert_released(&r, "one token failing");
        let listed = items_of(&r.stdout);
        assert_eq!(listed.len(), 2, "{}", r.describe());
        let token = listed[0]["source"]["token"].as_str().unwrap().to_string();
        assert!(listed
            .iter()
            .all(|i| all.contains(i) && i["source"]["token"] == token));
        let failed = if token == "alpha" { "beta" } else { "alpha" };
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                ";token={failed}: C_OpenSession: the token or its reader \
                 reported a hardware or communication error (CKR_DEVICE_ERROR)"
            )),
            "{}",
            r.stderr
        );
        let doc = json(&r.stdout);
        assert_eq!(doc["errors"].as_array().unwrap().len(), 1);
    });
}

/// `token mechanisms` used to show a mechanism without its flags and key sizes, exit 0,
/// whatever `C_GetMechanismInfo` failed with; only "this mechanism cannot be described" is
/// shown that way now.
#[test]
fn mechanism_info_failure_is_reported() {
    fault_test("mechanism_info_failure_is_reported", &[TOKEN], |ctx| {
        let args = token_args(ctx, "mechanisms", &["-f", "json"]);
        let baseline = run(ctx, &args, None);
        assert_eq!(baseline.code, Some(0), "{}", baseline.describe());
        let r = run(ctx, &args, Some("C_GetMechanismInfo:3:CKR_DEVICE_ERROR"));
        assert_eq!(r.code, Some(2), "{}", r.describe());
        assert_eq!(
            r.stderr,
            "certscope: C_GetMechanismInfo: the token or its reader reported a hardware or \
             communication error (CKR_DEVICE_ERROR)\n"
        );
        // One complete document, with the failure in `errors` (issue 12).
        let doc = json(&r.stdout);
        assert_eq!(doc["tokens"], serde_json::json!([]), "{doc}");
        assert!(
            doc["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("(CKR_DEVICE_ERROR)"),
            "{doc}"
        );
        assert_released(&r, "mechanism info");
        let r = run(
            ctx,
            &args,
            Some("C_GetMechanismInfo:3:CKR_MECHANISM_INVALID"),
        );
        assert_eq!(r.code, Some(0), "{}", r.describe());
        let want = json(&baseline.stdout)["tokens"][0]["mechanisms"].clone();
        let got = json(&r.stdout)["tokens"][0]["mechanisms"].clone();
        let (want, got) = (want.as_array().unwrap(), got.as_array().unwrap());
        assert_eq!(want.len(), got.len());
        for (i, (w, g)) in want.iter().zip(got).enumerate() {
            if i == 2 {
                assert_eq!(g["name"], w["name"]);
                assert!(g["min_key_size"].is_null(), "{g}");
                assert_eq!(g["flags"], Value::Array(vec![]));
            } else {
                assert_eq!(g, w);
            }
        }
    });
}

/// One slot whose token cannot be read (an unrecognised card in one reader answers
/// `CKR_TOKEN_NOT_RECOGNIZED` to `C_GetTokenInfo`) hides no other token: `token slots`
/// lists every slot, the bad one with its error; selection skips it with a note; only a
/// selection naming that slot fails, with exit 2.
#[test]
fn one_bad_slot_hides_no_token() {
    fault_test("one_bad_slot_hides_no_token", &["good", "bad"], |ctx| {
        populate(&ctx.softhsm, "good", CONTENTS);
        let slots = run(ctx, &token_args(ctx, "slots", &["-f", "json"]), None);
        assert_eq!(slots.code, Some(0), "{}", slots.describe());
        let doc = json(&slots.stdout);
        let bad_id = doc["slots"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["token"]["label"] == "bad")
            .and_then(|s| s["id"].as_u64())
            .expect("the bad token's slot");
        let fault = format!("C_GetTokenInfo:slot={bad_id}:CKR_TOKEN_NOT_RECOGNIZED");
        let fault = Some(fault.as_str());

        let r = run(ctx, &token_args(ctx, "slots", &["-f", "json"]), fault);
        assert_eq!(r.code, Some(2), "{}", r.describe());
        let doc = json(&r.stdout);
        let slots = doc["slots"].as_array().unwrap();
        let bad = slots.iter().find(|s| s["id"] == bad_id).unwrap();
        assert!(
            bad["error"]
                .as_str()
                .unwrap()
                .contains("CKR_TOKEN_NOT_RECOGNIZED"),
            "{bad}"
        );
        assert!(slots.iter().any(|s| s["token"]["label"] == "good"), "{doc}");
        assert!(
            r.stderr.starts_with(&format!("certscope: slot {bad_id}: ")),
            "{}",
            r.stderr
        );
        let r = run(ctx, &token_args(ctx, "slots", &[]), fault);
        assert_eq!(r.code, Some(2), "{}", r.describe());
        assert!(r.stdout.contains("Token:"), "{}", r.stdout);
        assert!(
            r.stdout.contains("cannot be read: C_GetTokenInfo"),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("good"), "{}", r.stdout);

        // Every token: the good one is listed, the bad slot gets a note, exit 0.
        let r = run(ctx, &token_args(ctx, "list", &["-f", "json"]), fault);
        assert_eq!(r.code, Some(0), "{}", r.describe());
        assert_eq!(json(&r.stdout)["items"].as_array().unwrap().len(), 2);
        assert!(
            r.stderr.contains(&format!("slot {bad_id}: note: skipped"))
                && r.stderr.contains("CKR_TOKEN_NOT_RECOGNIZED"),
            "{}",
            r.stderr
        );
        let r = run(ctx, &token_args(ctx, "mechanisms", &["-f", "json"]), fault);
        assert_eq!(r.code, Some(0), "{}", r.describe());
        let uri = format!(
            "pkcs11:token=good;type=cert?module-path={}",
            ctx.module_str()
        );
        let args = ["inspect", "--allow-uri-module", "-f", "json", &uri].map(String::from);
        let r = run(ctx, &args, fault);
        assert_eq!(r.code, Some(0), "{}", r.describe());
        assert_eq!(json(&r.stdout)["items"].as_array().unwrap().len(), 2);

        // The bad slot named: exit 2 with the module's answer.
        let slot = bad_id.to_string();
        let r = run(ctx, &token_args(ctx, "list", &["--slot", &slot]), fault);
        assert_eq!(r.code, Some(2), "{}", r.describe());
        assert!(
            r.stderr.contains(&format!("selected slot {bad_id}"))
                && r.stderr.contains("CKR_TOKEN_NOT_RECOGNIZED"),
            "{}",
            r.stderr
        );
        let uri = format!("pkcs11:slot-id={bad_id}?module-path={}", ctx.module_str());
        let args = ["inspect", "--allow-uri-module", &uri].map(String::from);
        let r = run(ctx, &args, fault);
        assert_eq!(r.code, Some(2), "{}", r.describe());
        // Named by label, it cannot be recognised: no match, and the bad slot is named.
        let r = run(ctx, &token_args(ctx, "list", &["--token", "bad"]), fault);
        assert_eq!(r.code, Some(2), "{}", r.describe());
        assert!(
            r.stderr.contains(&format!("slot {bad_id} cannot be read"))
                && r.stderr.contains("CKR_TOKEN_NOT_RECOGNIZED"),
            "{}",
            r.stderr
        );
        assert_released(&r, "bad slot");
    });
}

/// The length of the fixture leaf certificate's DER (limits just below it).
fn fixture_leaf_len() -> usize {
    let leaf = support::softhsm::fixture_certs()
        .into_iter()
        .find(|c| c.label == "leaf")
        .unwrap();
    leaf.der.len()
}
