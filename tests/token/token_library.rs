//! The PKCS#11 library layer (`certscope::token`) in-process against real modules: the
//! cryptoki 0.12 / SoftHSM 2.6 / p11-kit facts docs/pkcs11.md relies on, so that a package
//! upgrade that changes one shows up here. SoftHSM tokens are made per test (see
//! `support/softhsm.rs` for why each token test runs in a child process), OpenSC's
//! pkcs11-spy counts calls, p11-kit's trust module and pkcs11-tool cross-check. The
//! binary's behaviour is tested by `token_cli.rs`, `token_uri.rs`, `token_snapshots.rs`.
//!
//! Missing tools skip these tests with a message, or fail them under
//! `CERTSCOPE_REQUIRE_SOFTHSM=1`.

// Test code: a failed expectation should panic with a message. clippy's
// allow-*-in-tests only covers #[test] functions, not the harness functions they call.

use crate::support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use certscope::asn1::dn;
use certscope::token::object::{CertificateCategory, ObjectInfo, ObjectKind};
use certscope::token::session::{LoginPolicy, Module};
use certscope::token::uri::{object_uri, Pkcs11Uri};
use certscope::token::Filter;
use certscope::token::TokenError;
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::object::{Attribute, AttributeInfo, AttributeType, ObjectClass};
use cryptoki::slot::Slot;
use support::softhsm::{
    self as harness, populate, spy_test, token_test, ChildContext, Contents, EC_KEY, P256_OID_DER,
    PRIVATE_CERT_ID, PRIVATE_CERT_LABEL, RSA_KEY, USER_PIN,
};

const TOKEN: &str = "certscope";

fn load(ctx: &ChildContext) -> Module {
    Module::load(&ctx.module).unwrap_or_else(|e| panic!("{e}"))
}

fn slot_of(module: &Module, label: &str) -> Slot {
    module
        .slots(true)
        .unwrap()
        .into_iter()
        .find(|s| module.token_info(s.slot).is_ok_and(|t| t.label == label))
        .unwrap_or_else(|| panic!("no token {label}"))
        .slot
}

fn certs(objects: &[ObjectInfo]) -> Vec<&ObjectInfo> {
    objects
        .iter()
        .filter(|o| o.class == ObjectKind::Certificate)
        .collect()
}

fn labels(objects: &[ObjectInfo]) -> BTreeSet<String> {
    objects.iter().filter_map(|o| o.label.clone()).collect()
}

#[test]
fn list_slots_and_token_info() {
    token_test("list_slots_and_token_info", &[TOKEN], |ctx| {
        let module = load(ctx);
        let lib = module.library_info().unwrap();
        assert_eq!(lib.manufacturer, "SoftHSM");
        assert_eq!(lib.description, "Implementation of PKCS11");
        assert_eq!(lib.cryptoki_version.0, 2);

        // One initialised token plus the free slot SoftHSM always adds; the free slot has
        // a token "present" too, just not initialised.
        let all = module.slots(false).unwrap();
        let with_token = module.slots(true).unwrap();
        assert_eq!(all.len(), 2, "{all:?}");
        assert_eq!(with_token.len(), 2);
        let mut initialised = 0;
        for slot in &all {
            assert!(slot.token_present);
            assert_eq!(slot.manufacturer, "SoftHSM project");
            let token = module.token_info(slot.slot).unwrap();
            println!("slot {} {:?}: {:?}", slot.id, slot.description, token);
            if token.has_flag("token_initialized") {
                initialised += 1;
                assert_eq!(token.label, TOKEN);
                assert_eq!(token.manufacturer, "SoftHSM project");
                assert_eq!(token.model, "SoftHSM v2");
                assert_eq!(token.serial.len(), 16);
                for flag in [
                    "rng",
                    "login_required",
                    "user_pin_initialized",
                    "restore_key_not_needed",
                ] {
                    assert!(token.has_flag(flag), "{flag} missing: {:?}", token.flags);
                }
                assert!(!token.has_flag("write_protected"));
                assert!(!token.has_flag("user_pin_locked"));
                assert_eq!((token.min_pin_len, token.max_pin_len), (Some(4), Some(255)));
                // SoftHSM reports no memory figures (CK_UNAVAILABLE_INFORMATION).
                assert_eq!(token.free_public_memory, None);
                assert_eq!(token.total_private_memory, None);
                // SoftHSM renumbers an initialised token's slot: the low 31 bits of the
                // token serial (which is why slot IDs are not stable across init).
                let low = u64::from_str_radix(&token.serial[8..], 16).unwrap() & 0x7fff_ffff;
                assert_eq!(slot.id, low);
                assert_eq!(slot.description, format!("SoftHSM slot ID 0x{low:x}"));
            } else {
                assert_eq!(token.label, "");
                assert!(!token.has_flag("user_pin_initialized"));
                // The free slot is numbered after the initialised tokens.
                assert_eq!(slot.id, 1);
                // A session on an uninitialised token is refused.
                // (C_OpenSession says CKR_TOKEN_NOT_RECOGNIZED; reported as "not initialised".)
                let err = module.open_ro_session(slot.slot).unwrap_err();
                println!("open session on the free slot: {err}");
                assert!(matches!(err, TokenError::NoToken { slot: 1, .. }), "{err}");
                assert_eq!(
                    err.to_string(),
                    "slot 1 has no usable token: the token in it is not initialised"
                );
            }
        }
        assert_eq!(initialised, 1);
        module.finalize().unwrap();
    });
}

#[test]
fn mechanisms_are_listed() {
    token_test("mechanisms_are_listed", &[TOKEN], |ctx| {
        let module = load(ctx);
        let slot = slot_of(&module, TOKEN);
        let mechs = module.mechanisms(slot).unwrap();
        println!("{} mechanisms", mechs.len());
        let get = |name: &str| {
            mechs
                .iter()
                .find(|m| m.name == name)
                .unwrap_or_else(|| panic!("{name} missing: {mechs:?}"))
        };
        let rsa = get("CKM_RSA_PKCS");
        assert!(rsa.flags.iter().any(|f| f == "sign"), "{rsa:?}");
        assert!(rsa
            .key_sizes
            .is_some_and(|(min, max)| min <= 2048 && max >= 2048));
        assert!(get("CKM_ECDSA").flags.iter().any(|f| f == "verify"));
        assert!(get("CKM_EC_KEY_PAIR_GEN")
            .flags
            .iter()
            .any(|f| f == "generate_key_pair"));
        // The module's whole list: certscope reads it itself (cryptoki drops the
        // mechanisms it cannot name).
        let tool = Command::new("pkcs11-tool")
            .args(["--module"])
            .arg(&ctx.softhsm)
            .args(["--token-label", TOKEN, "-M"])
            .output();
        if let Ok(out) = tool {
            let text = String::from_utf8_lossy(&out.stdout);
            let n = text.lines().filter(|l| l.starts_with("  ")).count();
            println!("pkcs11-tool -M lists {n}");
            assert_eq!(n, mechs.len());
        }
    });
}

#[test]
fn find_by_label_and_id() {
    token_test("find_by_label_and_id", &[TOKEN], |ctx| {
        let fixtures = populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let module = load(ctx);
        let session = module.open_ro_session(slot_of(&module, TOKEN)).unwrap();
        let leaf = fixtures.iter().find(|c| c.label == "leaf").unwrap();

        let found = session
            .find_objects(&[
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::Label(b"leaf".to_vec()),
            ])
            .unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        let obj = &found[0];
        assert_eq!(obj.class, ObjectKind::Certificate);
        assert_eq!(obj.label.as_deref(), Some("leaf"));
        assert_eq!(obj.id, leaf.id);
        assert_eq!(obj.value.as_deref(), Some(&leaf.der[..]));
        assert_eq!(obj.subject.as_deref(), Some(&leaf.subject[..]));
        assert_eq!(obj.private, Some(false));
        assert_eq!(obj.certificate_type.as_deref(), Some("x509"));
        // Set with a raw attribute by the harness; read back by template search.
        assert_eq!(obj.category, Some(CertificateCategory::TokenUser));
        // SoftHSM lets only the SO set CKA_TRUSTED; the user-created objects have false.
        assert_eq!(obj.trusted, Some(false));
        assert!(obj.has_flag("modifiable"));

        // By ID alone (no class in the template): the class comes from the class searches.
        let found = session
            .find_objects(&[Attribute::Id(leaf.id.clone())])
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].class, ObjectKind::Certificate);
        assert_eq!(found[0].label.as_deref(), Some("leaf"));

        // Everything public, without a template: all fixtures, none private.
        let t = Instant::now();
        let all = session.find_objects(&[]).unwrap();
        println!("find_objects(&[]) on System Trust: {:?}", t.elapsed());
        assert_eq!(all.len(), fixtures.len());
        assert_eq!(
            labels(&all),
            fixtures
                .iter()
                .map(|c| c.label.clone())
                .collect::<BTreeSet<_>>()
        );
        let root = all
            .iter()
            .find(|o| o.label.as_deref() == Some("root-ca"))
            .unwrap();
        assert_eq!(root.category, Some(CertificateCategory::Authority));
        let ed = all
            .iter()
            .find(|o| o.label.as_deref() == Some("ed25519-self"))
            .unwrap();
        assert_eq!(ed.category, Some(CertificateCategory::Unspecified));

        // A TRUSTED CERTIFICATE fixture holds the plain certificate on the token.
        let trusted = all
            .iter()
            .find(|o| o.label.as_deref() == Some("trusted-root"))
            .unwrap();
        assert_eq!(trusted.value, root.value);
        assert!(session
            .find_objects(&[Attribute::Label(b"nothing".to_vec())])
            .unwrap()
            .is_empty());
    });
}

#[test]
fn find_by_subject_and_serial() {
    token_test("find_by_subject_and_serial", &[TOKEN], |ctx| {
        let fixtures = populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let module = load(ctx);
        let session = module.open_ro_session(slot_of(&module, TOKEN)).unwrap();

        // The DN as a user types it, encoded like OpenSSL: byte-identical to the fixture.
        let root_dn =
            dn::rfc4514_to_der("CN=Certscope Test Root CA,O=Certscope Test,C=US").unwrap();
        let found = session
            .find_objects(&[
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::Subject(root_dn.clone()),
            ])
            .unwrap();
        // root-ca.pem and trusted-root.pem are the same certificate.
        assert_eq!(
            labels(&found),
            BTreeSet::from(["root-ca".to_string(), "trusted-root".to_string()])
        );
        let leaf_dn = dn::rfc4514_to_der(
            "emailAddress=admin@example.com,CN=www.example.com,OU=Engineering,\
             O=Certscope Test,L=San Francisco,ST=California,C=US",
        )
        .unwrap();
        let found = session
            .find_objects(&[Attribute::Subject(leaf_dn)])
            .unwrap();
        assert_eq!(
            labels(&found),
            BTreeSet::from(["leaf".to_string(), "x509-certificate-label".to_string()])
        );

        // Another spelling: no byte match, found by the names_equivalent fallback.
        let loose =
            dn::rfc4514_to_der("cn=certscope  test root ca, o=CERTSCOPE TEST, c=US").unwrap();
        assert!(session
            .find_objects(&[Attribute::Subject(loose.clone())])
            .unwrap()
            .is_empty());
        let all = session
            .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)])
            .unwrap();
        let fallback: BTreeSet<String> = all
            .iter()
            .filter(|o| {
                o.subject
                    .as_deref()
                    .is_some_and(|s| dn::names_equivalent(s, &loose))
            })
            .filter_map(|o| o.label.clone())
            .collect();
        assert_eq!(
            fallback,
            BTreeSet::from(["root-ca".to_string(), "trusted-root".to_string()])
        );

        // Issuer + serial (CKA_SERIAL_NUMBER holds the DER INTEGER).
        let expired = fixtures.iter().find(|c| c.label == "expired").unwrap();
        assert_eq!(expired.serial, vec![0x02, 0x02, 0x10, 0x01]);
        let found = session
            .find_objects(&[
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::Issuer(expired.issuer.clone()),
                Attribute::SerialNumber(expired.serial.clone()),
            ])
            .unwrap();
        assert_eq!(labels(&found), BTreeSet::from(["expired".to_string()]));
        // The bare serial bytes, without the INTEGER header, match nothing.
        let found = session
            .find_objects(&[Attribute::SerialNumber(vec![0x10, 0x01])])
            .unwrap();
        assert!(found.is_empty());
    });
}

#[test]
fn private_cert_needs_login() {
    token_test("private_cert_needs_login", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let module = load(ctx);
        let mut session = module.open_ro_session(slot_of(&module, TOKEN)).unwrap();
        let template = [Attribute::Class(ObjectClass::CERTIFICATE)];
        let before = session.find_objects(&template).unwrap();
        assert!(!labels(&before).contains(PRIVATE_CERT_LABEL));
        assert!(session
            .find_objects(&[Attribute::Id(PRIVATE_CERT_ID.to_vec())])
            .unwrap()
            .is_empty());

        // No PIN and no PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH): refused before C_Login.
        let err = session.login(None, LoginPolicy::default()).unwrap_err();
        assert_eq!(err.to_string(), "no PIN was given");
        assert!(!session.is_logged_in());

        session
            .login(Some(USER_PIN), LoginPolicy::default())
            .unwrap();
        assert!(session.is_logged_in());
        let after = session.find_objects(&template).unwrap();
        assert_eq!(after.len(), before.len() + 1);
        let private = after
            .iter()
            .find(|o| o.label.as_deref() == Some(PRIVATE_CERT_LABEL))
            .unwrap();
        assert_eq!(private.private, Some(true));
        assert_eq!(private.id, PRIVATE_CERT_ID);
        assert!(private.value.is_some());
        // A second login() is a no-op, not a second C_Login.
        session
            .login(Some("wrong"), LoginPolicy::default())
            .unwrap();
    });
}

#[test]
fn keys_are_described_without_secrets() {
    token_test("keys_are_described_without_secrets", &[TOKEN], |ctx| {
        let started = Instant::now();
        populate(&ctx.softhsm, TOKEN, Contents::ALL);
        println!(
            "populate with RSA 2048 + P-256 keygen: {:?}",
            started.elapsed()
        );
        let module = load(ctx);
        let mut session = module.open_ro_session(slot_of(&module, TOKEN)).unwrap();

        // Public keys are public objects; private keys are invisible before login.
        let public = session
            .find_objects(&[Attribute::Class(ObjectClass::PUBLIC_KEY)])
            .unwrap();
        assert_eq!(
            labels(&public),
            BTreeSet::from([RSA_KEY.0.into(), EC_KEY.0.into()])
        );
        assert!(session
            .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])
            .unwrap()
            .is_empty());
        let rsa_pub = public
            .iter()
            .find(|o| o.label.as_deref() == Some(RSA_KEY.0))
            .unwrap();
        assert_eq!(rsa_pub.key_type.as_deref(), Some("rsa"));
        assert_eq!(rsa_pub.bits, Some(2048));
        assert_eq!(rsa_pub.id, RSA_KEY.1);
        assert!(rsa_pub.has_flag("verify") && rsa_pub.has_flag("encrypt"));
        let ec_pub = public
            .iter()
            .find(|o| o.label.as_deref() == Some(EC_KEY.0))
            .unwrap();
        assert_eq!(ec_pub.key_type.as_deref(), Some("ec"));
        assert_eq!(ec_pub.curve_oid_der.as_deref(), Some(P256_OID_DER));
        assert_eq!(ec_pub.curve_name().as_deref(), Some("P-256"));
        assert_eq!(ec_pub.bits, Some(256));

        session
            .login(Some(USER_PIN), LoginPolicy::default())
            .unwrap();
        let t = Instant::now();
        let all = session.find_objects(&[]).unwrap();
        println!("find_objects(&[]) on System Trust: {:?}", t.elapsed());
        let private: Vec<&ObjectInfo> = all
            .iter()
            .filter(|o| o.class == ObjectKind::PrivateKey)
            .collect();
        assert_eq!(private.len(), 2);
        for key in &private {
            assert_eq!(key.value, None, "a private key value was read");
            assert_eq!(key.private, Some(true));
            assert!(key.has_flag("sensitive") && key.has_flag("sign"), "{key:?}");
            assert!(!key.has_flag("extractable"), "{key:?}");
        }
        let rsa = private
            .iter()
            .find(|o| o.label.as_deref() == Some(RSA_KEY.0))
            .unwrap();
        assert_eq!(rsa.key_type.as_deref(), Some("rsa"));
        // From CKA_MODULUS: SoftHSM has no CKA_MODULUS_BITS on private keys.
        assert_eq!(rsa.bits, Some(2048));
        assert!(rsa.has_flag("decrypt"));
        let ec = private
            .iter()
            .find(|o| o.label.as_deref() == Some(EC_KEY.0))
            .unwrap();
        assert_eq!(ec.key_type.as_deref(), Some("ec"));
        assert_eq!(ec.bits, Some(256));
        assert!(ec.has_flag("derive"));
        // Classes found by search: 8+1 certificates, 2 public, 2 private keys.
        assert_eq!(certs(&all).len(), harness::fixture_certs().len() + 1);
        assert_eq!(
            all.iter()
                .filter(|o| o.class == ObjectKind::PublicKey)
                .count(),
            2
        );
    });
}

#[test]
fn wrong_pin_is_tried_exactly_once() {
    spy_test("wrong_pin_is_tried_exactly_once", &[TOKEN], |ctx| {
        let module = load(ctx);
        let slot = slot_of(&module, TOKEN);
        let mut session = module.open_ro_session(slot).unwrap();
        let err = session
            .login(Some("9999"), LoginPolicy::default())
            .unwrap_err();
        assert_eq!(err.rv(), Some(RvError::PinIncorrect), "{err}");
        let text = err.to_string();
        assert_eq!(
            text,
            "C_Login: wrong PIN (CKR_PIN_INCORRECT); certscope tried once and will not retry, \
             so the card does not lock"
        );
        assert!(!session.is_logged_in());
        assert_eq!(
            harness::spy_calls(&ctx.dir, "C_Login"),
            1,
            "C_Login count in the spy log"
        );
        // The token is not locked: the right PIN works in a new session.
        drop(session);
        let mut session = module.open_ro_session(slot).unwrap();
        session
            .login(Some(USER_PIN), LoginPolicy::default())
            .unwrap();
        assert_eq!(harness::spy_calls(&ctx.dir, "C_Login"), 2);
        assert!(!module.token_info(slot).unwrap().has_flag("user_pin_locked"));
        // A PIN shorter than the token's minimum, or empty, is refused before C_Login
        // (SoftHSM 2.6 would count it as CKR_PIN_INCORRECT, a real try).
        drop(session);
        let mut session = module.open_ro_session(slot).unwrap();
        for pin in ["1", ""] {
            let err = session
                .login(Some(pin), LoginPolicy::default())
                .unwrap_err();
            assert!(err.is_refused_input(), "{err}");
            assert_eq!(err.rv(), None, "{err}");
        }
        assert_eq!(harness::spy_calls(&ctx.dir, "C_Login"), 2);
    });
}

#[test]
fn several_tokens_in_one_directory() {
    token_test(
        "several_tokens_in_one_directory",
        &["alpha", "beta", "gamma"],
        |ctx| {
            populate(&ctx.softhsm, "beta", Contents::CERTS);
            let module = load(ctx);
            let slots = module.slots(true).unwrap();
            assert_eq!(slots.len(), 4, "three tokens and the free slot");
            let mut token_labels = BTreeSet::new();
            for s in &slots {
                token_labels.insert(module.token_info(s.slot).unwrap().label);
            }
            assert_eq!(
                token_labels,
                BTreeSet::from(["".into(), "alpha".into(), "beta".into(), "gamma".into()])
            );
            // The free slot is numbered after the three initialised tokens.
            assert!(slots.iter().any(|s| s.id == 3), "{slots:?}");

            // Token selection by URI.
            let uri = Pkcs11Uri::parse("pkcs11:token=beta").unwrap();
            let matching = module.slots_matching(&uri).unwrap();
            assert_eq!(matching.len(), 1);
            let (slot, token) = &matching[0];
            let token = token.as_ref().unwrap();
            assert_eq!(token.label, "beta");
            assert_eq!(
                module
                    .slots_matching(&Pkcs11Uri::parse("pkcs11:").unwrap())
                    .unwrap()
                    .len(),
                4
            );
            assert!(module
                .slots_matching(&Pkcs11Uri::parse("pkcs11:token=delta").unwrap())
                .unwrap()
                .is_empty());
            let by_id = Pkcs11Uri::parse(&format!("pkcs11:slot-id={}", slot.id)).unwrap();
            assert_eq!(module.slots_matching(&by_id).unwrap().len(), 1);

            // Only beta has objects.
            for s in &slots {
                let t = module.token_info(s.slot).unwrap();
                if !t.has_flag("token_initialized") {
                    continue;
                }
                let session = module.open_ro_session(s.slot).unwrap();
                let n = session.find_objects(&[]).unwrap().len();
                assert_eq!(n > 0, t.label == "beta", "{}: {n} objects", t.label);
            }

            // A URI printed for an object finds that object again.
            let session = module.open_ro_session(slot.slot).unwrap();
            let leaf = session
                .find_objects(&[Attribute::Label(b"leaf".to_vec())])
                .unwrap()
                .remove(0);
            let printed = object_uri(
                &token.label,
                &token.manufacturer,
                &token.model,
                &token.serial,
                leaf.label.as_deref().unwrap_or_default(),
                &leaf.id,
                leaf.class.uri_type(),
                None,
            );
            println!("{printed}");
            let uri = Pkcs11Uri::parse(&printed).unwrap();
            let matching = module.slots_matching(&uri).unwrap();
            assert_eq!(matching.len(), 1);
            assert_eq!(matching[0].0.id, slot.id);
            let found = session
                .find_objects(&Filter::from_uri(&uri).template())
                .unwrap();
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].value, leaf.value);
        },
    );
}

#[test]
fn pkcs11_tool_lists_the_same_certificates() {
    let mut missing = Vec::new();
    harness::tool("pkcs11-tool", &mut missing);
    if !harness::check_tools("pkcs11_tool_lists_the_same_certificates", &missing) {
        return;
    }
    token_test("pkcs11_tool_lists_the_same_certificates", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let module = load(ctx);
        let session = module.open_ro_session(slot_of(&module, TOKEN)).unwrap();
        let ours: BTreeSet<(String, String)> = session
            .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)])
            .unwrap()
            .iter()
            .map(|o| (o.label.clone().unwrap_or_default(), hex::encode(&o.id)))
            .collect();
        // SOFTHSM2_CONF is in this child's environment, so pkcs11-tool inherits it.
        let out = Command::new("pkcs11-tool")
            .arg("--module")
            .arg(&ctx.softhsm)
            .args(["--token-label", TOKEN, "--list-objects", "--type", "cert"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let theirs = harness::pkcs11_tool_certs(&String::from_utf8_lossy(&out.stdout));
        assert_eq!(ours, theirs);
        assert_eq!(ours.len(), harness::fixture_certs().len());
    });
}

#[test]
fn softhsm_attribute_behaviour() {
    token_test("softhsm_attribute_behaviour", &[TOKEN], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::ALL);
        let module = load(ctx);
        let mut ts = module.open_ro_session(slot_of(&module, TOKEN)).unwrap();
        ts.login(Some(USER_PIN), LoginPolicy::default()).unwrap();
        let s = ts.session();
        let one = |template: &[Attribute]| {
            let found = s.find_objects(template).unwrap();
            assert_eq!(found.len(), 1);
            found[0]
        };
        let cert = one(&[Attribute::Label(b"leaf".to_vec())]);
        let rsa_priv = one(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(RSA_KEY.0.as_bytes().to_vec()),
        ]);
        let ec_priv = one(&[
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(EC_KEY.0.as_bytes().to_vec()),
        ]);

        // An attribute the class does not have: CKR_ATTRIBUTE_TYPE_INVALID ...
        let info = s
            .get_attribute_info(cert, &[AttributeType::KeyType])
            .unwrap();
        assert!(matches!(info[..], [AttributeInfo::TypeInvalid]), "{info:?}");
        // ... which get_attributes drops, returning the rest.
        let got = s
            .get_attributes(
                cert,
                &[
                    AttributeType::Label,
                    AttributeType::KeyType,
                    AttributeType::ModulusBits,
                ],
            )
            .unwrap();
        assert_eq!(got, vec![Attribute::Label(b"leaf".to_vec())]);
        // Secret parts: CKR_ATTRIBUTE_SENSITIVE, also dropped by get_attributes.
        let info = s
            .get_attribute_info(rsa_priv, &[AttributeType::PrivateExponent])
            .unwrap();
        assert!(matches!(info[..], [AttributeInfo::Sensitive]), "{info:?}");
        let info = s
            .get_attribute_info(ec_priv, &[AttributeType::Value])
            .unwrap();
        assert!(matches!(info[..], [AttributeInfo::Sensitive]), "{info:?}");
        let got = s
            .get_attributes(ec_priv, &[AttributeType::Label, AttributeType::Value])
            .unwrap();
        assert_eq!(got, vec![Attribute::Label(EC_KEY.0.as_bytes().to_vec())]);
        // SoftHSM private RSA keys have no CKA_MODULUS_BITS (hence CKA_MODULUS for bits).
        let info = s
            .get_attribute_info(
                rsa_priv,
                &[AttributeType::ModulusBits, AttributeType::Modulus],
            )
            .unwrap();
        println!("RSA private key ModulusBits/Modulus: {info:?}");
        assert!(
            matches!(
                info[..],
                [AttributeInfo::TypeInvalid, AttributeInfo::Available(256)]
            ),
            "{info:?}"
        );
        // CKA_CERTIFICATE_CATEGORY through get_attributes fails the whole call, even as a
        // VendorDefined type: cryptoki 0.12 cannot convert attribute type 0x87 back.
        let err = s
            .get_attributes(
                cert,
                &[AttributeType::Label, AttributeType::VendorDefined(0x87)],
            )
            .unwrap_err();
        assert!(matches!(err, CkError::NotSupported), "{err:?}");
        // Its size can be asked (8 bytes, a CK_ULONG), and the value searched for.
        let info = s
            .get_attribute_info(cert, &[AttributeType::VendorDefined(0x87)])
            .unwrap();
        assert!(
            matches!(info[..], [AttributeInfo::Available(8)]),
            "{info:?}"
        );
        let tokens_user = s
            .find_objects(&[CertificateCategory::TokenUser.template_attribute()])
            .unwrap();
        assert_eq!(tokens_user.len(), 2, "leaf and its private copy");
    });
}

#[test]
fn tokens_added_after_initialize() {
    token_test("tokens_added_after_initialize", &[TOKEN], |ctx| {
        let module = load(ctx);
        let before: Vec<u64> = module.slots(false).unwrap().iter().map(|s| s.id).collect();
        // Another process initialises the free token while this one is initialised.
        harness::init_token_with_conf(&ctx.conf(), "late");
        let during: Vec<u64> = module.slots(false).unwrap().iter().map(|s| s.id).collect();
        let labels_during: Vec<String> = module
            .slots(false)
            .unwrap()
            .iter()
            .map(|s| {
                module
                    .token_info(s.slot)
                    .map(|t| t.label)
                    .unwrap_or_else(|e| e.to_string())
            })
            .collect();
        println!("before {before:?}, during {during:?} {labels_during:?}");
        // SoftHSM only scans the token directory in C_Initialize.
        assert_eq!(before, during);
        assert!(!labels_during.contains(&"late".to_string()));
        module.finalize().unwrap();
        let module = load(ctx);
        let after: Vec<(u64, String)> = module
            .slots(false)
            .unwrap()
            .iter()
            .map(|s| (s.id, module.token_info(s.slot).unwrap().label))
            .collect();
        println!("after re-initialising: {after:?}");
        assert_eq!(after.len(), 3);
        assert!(after.iter().any(|(_, l)| l == "late"));
        // The slot that was free (ID 1) is now "late" under a serial-derived ID.
        assert!(after.iter().any(|(id, l)| *id == 2 && l.is_empty()));
        assert!(!after.iter().any(|(id, l)| *id == 1 && l == "late"));
    });
}

#[test]
fn c_initialize_timing() {
    token_test("c_initialize_timing", &[TOKEN, "second"], |ctx| {
        populate(&ctx.softhsm, TOKEN, Contents::CERTS);
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            let module = load(ctx);
            let loaded = t.elapsed();
            let n = module.slots(true).unwrap().len();
            let t2 = Instant::now();
            module.finalize().unwrap();
            times.push((loaded, t2.elapsed(), n));
        }
        println!("dlopen+C_Initialize, C_Finalize, slots: {times:?}");
        assert!(times.iter().all(|(load, _, _)| load.as_secs() < 5));
    });
}

#[test]
fn p11_kit_trust_system_token() {
    let module_path = Path::new(harness::P11KIT_TRUST);
    let missing = if module_path.is_file() {
        vec![]
    } else {
        vec![harness::P11KIT_TRUST.to_string()]
    };
    if !harness::check_tools("p11_kit_trust_system_token", &missing) {
        return;
    }
    // No environment needed: safe in-process, in parallel with the other tests.
    let started = Instant::now();
    let module = Module::load(module_path).unwrap();
    println!("p11-kit-trust load+init: {:?}", started.elapsed());
    let lib = module.library_info().unwrap();
    assert_eq!(lib.description, "PKCS#11 Kit Trust Module");
    let slots = module.slots(true).unwrap();
    let mut system = None;
    for s in &slots {
        let t = module.token_info(s.slot).unwrap();
        println!(
            "slot {} {:?}: {} {:?}",
            s.id, s.description, t.label, t.flags
        );
        if t.label == "System Trust" {
            system = Some((s.clone(), t));
        }
    }
    let (slot, token) = system.expect("a System Trust token");
    assert!(!token.has_flag("login_required"));
    assert!(token.has_flag("write_protected"));
    let uri = Pkcs11Uri::parse(
        "pkcs11:library-description=PKCS%2311%20Kit%20Trust%20Module;token=System%20Trust",
    )
    .unwrap();
    assert!(module
        .slots_matching(&uri)
        .unwrap()
        .iter()
        .any(|(s, _)| s.id == slot.id));

    let session = module.open_ro_session(slot.slot).unwrap();
    let certs = session
        .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)])
        .unwrap();
    println!("{} certificates", certs.len());
    assert!(
        !certs.is_empty(),
        "no CA certificates (ca-certificates not installed?)"
    );
    let anchors = certs
        .iter()
        .filter(|c| c.category == Some(CertificateCategory::Authority))
        .count();
    assert!(anchors > 0);
    assert!(certs
        .iter()
        .all(|c| c.value.is_some() && c.private == Some(false)));
    assert!(certs.iter().any(|c| c.trusted == Some(true)));
    // Everything, with no template: p11-kit's vendor classes (NSS trust objects, ...)
    // come back as Other instead of failing the listing.
    let t = Instant::now();
    let all = session.find_objects(&[]).unwrap();
    println!("find_objects(&[]) on System Trust: {:?}", t.elapsed());
    let other = all.iter().filter(|o| o.class == ObjectKind::Other).count();
    println!("{} objects, {} of other classes", all.len(), other);
    assert!(other > 0);
    assert_eq!(
        all.iter()
            .filter(|o| o.class == ObjectKind::Certificate)
            .count(),
        certs.len()
    );
    drop(session);
    module.finalize().unwrap();
}

#[test]
fn missing_tools_policy() {
    assert_eq!(harness::decide(&[], false), Ok(true));
    assert_eq!(harness::decide(&[], true), Ok(true));
    assert_eq!(harness::decide(&["softhsm2-util".into()], false), Ok(false));
    let err = harness::decide(&["softhsm2-util".into()], true).unwrap_err();
    assert!(err.contains("CERTSCOPE_REQUIRE_SOFTHSM=1") && err.contains("softhsm2-util"));
}

#[test]
fn token_errors_read_well() {
    // No token needed: a module path that does not exist.
    let err = Module::load("/nonexistent/libsofthsm2.so").unwrap_err();
    assert!(matches!(err, TokenError::Load { .. }));
    assert!(
        err.to_string().starts_with(
            "cannot load PKCS#11 module /nonexistent/libsofthsm2.so: the file does not exist"
        ),
        "{err}"
    );
}
