//! Golden output of `certscope token list` (text and JSON) on a SoftHSM token with a fixed
//! set of objects: root-ca and leaf, a private copy of leaf and a P-256 key pair. What a
//! fresh token changes on every run (its serial number, the slot ID SoftHSM derives from
//! it) and the module path are replaced by placeholders; everything else is compared as is.
//! Review changes with `cargo insta review`.

use crate::support;

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

/// The key pair is generated on the token, so its digests change on every run: in text,
/// the digest lines of key items become `[KEY DIGEST]`.
fn stable_key_text(text: &str) -> String {
    let mut in_key = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_key = line.ends_with(": public key") || line.ends_with(": private key");
        }
        let digest = ["  SHA-1:", "  SHA-256:", "  SPKI SHA-256:", "  Key pin:"]
            .iter()
            .find(|p| line.starts_with(*p));
        match digest {
            Some(p) if in_key => out.push(format!("{p} [KEY DIGEST]")),
            // The second line of a SHA-256.
            None if in_key && line.starts_with("                ") => {}
            _ => out.push(line.to_string()),
        }
    }
    out.join("\n") + "\n"
}

/// [`stable_key_text`] for JSON: key items' `fingerprints`, `spki_sha256` and `pem`.
fn stable_key_json(doc: &mut serde_json::Value) {
    for item in doc["items"].as_array_mut().unwrap() {
        if matches!(item["kind"].as_str(), Some("public_key" | "private_key")) {
            for field in ["fingerprints", "spki_sha256", "pem"] {
                if let Some(v) = item.get_mut(field) {
                    *v = serde_json::Value::from("[KEY DIGEST]");
                }
            }
        }
    }
}

#[test]
fn token_list_text_and_json() {
    token_test("token_list_text_and_json", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::SMALL);
        let pin = format!("pass:{USER_PIN}");
        let o = ctx.token("list", &["--token", TOKEN, "--pin", &pin]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        insta::assert_snapshot!(
            "token_list_text",
            stable_key_text(&stable(ctx, &stdout(&o)))
        );

        let o = ctx.token(
            "list",
            &["--token", TOKEN, "--pin", &pin, "--format", "json"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let mut doc: serde_json::Value = serde_json::from_str(&stable(ctx, &stdout(&o))).unwrap();
        stable_key_json(&mut doc);
        insta::assert_json_snapshot!("token_list_json", doc);

        // Without the PIN: the public part of the same listing, in the same order.
        let o = ctx.token("list", &["--token", TOKEN, "--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let mut public: serde_json::Value =
            serde_json::from_str(&stable(ctx, &stdout(&o))).unwrap();
        stable_key_json(&mut public);
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
