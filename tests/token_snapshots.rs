//! Golden output of `certscope token list` (text and JSON) on a SoftHSM token with a fixed
//! set of objects: root-ca and leaf, a private copy of leaf and a P-256 key pair. What a
//! fresh token changes on every run (its serial number, the slot ID SoftHSM derives from
//! it) and the module path are replaced by placeholders; everything else is compared as is.
//! Review changes with `cargo insta review`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod support;

use support::softhsm::{populate, token_test, ChildContext, Contents, USER_PIN};
use support::{json, slot_labelled, stderr, stdout};

const TOKEN: &str = "snapshot";

/// Replaces the run-dependent values with `[SERIAL]`, `[SLOT]` and `[MODULE]`.
fn stable(ctx: &ChildContext, text: &str) -> String {
    let o = ctx.token("slots", &["--format", "json"]);
    let v = json(&o);
    let slot = slot_labelled(&v, TOKEN);
    let serial = slot["token"]["serial"].as_str().unwrap();
    let id = slot["id"].as_u64().unwrap();
    text.replace(serial, "[SERIAL]")
        .replace(&format!("\"slot\":{id}"), "\"slot\":\"[SLOT]\"")
        .replace(&format!("(slot {id})"), "(slot [SLOT])")
        .replace(&ctx.module_str(), "[MODULE]")
}

#[test]
fn token_list_text_and_json() {
    token_test("token_list_text_and_json", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::SMALL);
        let pin = format!("pass:{USER_PIN}");
        let o = ctx.token("list", &["--token", TOKEN, "--pin", &pin]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        insta::assert_snapshot!("token_list_text", stable(ctx, &stdout(&o)));

        let o = ctx.token(
            "list",
            &["--token", TOKEN, "--pin", &pin, "--format", "json"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let doc: serde_json::Value = serde_json::from_str(&stable(ctx, &stdout(&o))).unwrap();
        insta::assert_json_snapshot!("token_list_json", doc);

        // Without the PIN: the public part of the same listing, in the same order.
        let o = ctx.token("list", &["--token", TOKEN, "--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let public: serde_json::Value = serde_json::from_str(&stable(ctx, &stdout(&o))).unwrap();
        let expected: Vec<&serde_json::Value> = doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["source"]["private"] == false)
            .collect();
        let got: Vec<&serde_json::Value> = public["items"].as_array().unwrap().iter().collect();
        assert_eq!(got, expected);
    });
}
