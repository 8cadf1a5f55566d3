//! Listings read on several threads (docs/pkcs11.md, "Reading on several threads"): the
//! output is byte for byte that of one thread, a logged-in listing logs in once, and a
//! module that cannot lock (or refuses the extra sessions) is read on one thread.

use crate::support;

use std::time::Duration;

use cryptoki::object::{Attribute, CertificateType, KeyType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::types::AuthPin;
use support::fault::{self, fault_test, Run};
use support::softhsm::{
    self as harness, fixture_certs, populate, spy_test, ChildContext, Contents, USER_PIN,
};

const TOKEN: &str = "threads";

/// Objects added beside [`Contents::SMALL`]: enough for four threads of at least 64 each,
/// logged in or not.
const CERTS: usize = 300;
const DATA: usize = 40;
const SECRETS: usize = 16;

/// Fills the token with [`Contents::SMALL`] and a few hundred more objects of mixed
/// classes: certificates (every seventh private, labels repeating so that the sort falls
/// back to the ID), data objects and secret keys.
fn fill(ctx: &ChildContext) {
    populate(&ctx.softhsm, TOKEN, Contents::SMALL);
    let (p11, slot) = harness::open_token(&ctx.softhsm, TOKEN);
    let certs = fixture_certs();
    {
        let session = p11.open_rw_session(slot).expect("rw session");
        session
            .login(UserType::User, Some(&AuthPin::from(USER_PIN)))
            .expect("login");
        for i in 0..CERTS {
            let c = &certs[i % certs.len()];
            session
                .create_object(&[
                    Attribute::Class(ObjectClass::CERTIFICATE),
                    Attribute::CertificateType(CertificateType::X_509),
                    Attribute::Token(true),
                    Attribute::Private(i % 7 == 0),
                    Attribute::Label(format!("cert-{}", i % 50).into_bytes()),
                    Attribute::Id(vec![0x40, (i >> 8) as u8, i as u8]),
                    Attribute::Subject(c.subject.clone()),
                    Attribute::Issuer(c.issuer.clone()),
                    Attribute::SerialNumber(c.serial.clone()),
                    Attribute::Value(c.der.clone()),
                ])
                .expect("create certificate");
        }
        for i in 0..DATA {
            session
                .create_object(&[
                    Attribute::Class(ObjectClass::DATA),
                    Attribute::Token(true),
                    Attribute::Private(i % 5 == 0),
                    Attribute::Label(format!("data-{i}").into_bytes()),
                    Attribute::Application(b"certscope tests".to_vec()),
                    Attribute::Value(vec![i as u8; 40]),
                ])
                .expect("create data object");
        }
        for i in 0..SECRETS {
            session
                .create_object(&[
                    Attribute::Class(ObjectClass::SECRET_KEY),
                    Attribute::KeyType(KeyType::GENERIC_SECRET),
                    Attribute::Token(true),
                    Attribute::Private(true),
                    Attribute::Sensitive(true),
                    Attribute::Label(format!("secret-{i}").into_bytes()),
                    Attribute::Id(vec![0x50, i as u8]),
                    Attribute::Value(vec![7; 32]),
                ])
                .expect("create secret key");
        }
    }
    p11.finalize().expect("C_Finalize");
}

fn listing(ctx: &ChildContext, rest: &[&str]) -> Vec<u8> {
    let o = ctx.token("list", rest);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{rest:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

/// Spy call counts of `functions` that `run` adds to the log.
fn spied(ctx: &ChildContext, functions: &[&str], run: impl FnOnce()) -> Vec<usize> {
    let before: Vec<usize> = functions
        .iter()
        .map(|f| harness::spy_calls(&ctx.dir, f))
        .collect();
    run();
    functions
        .iter()
        .zip(before)
        .map(|(f, b)| harness::spy_calls(&ctx.dir, f) - b)
        .collect()
}

/// A listing read by four threads (each in its own session) is byte for byte the one read
/// on one thread, in every format and type, logged in or not; the logged-in one sends
/// `C_Login` once, since the extra sessions share the application's login.
#[test]
fn parallel_listing_is_the_one_thread_listing() {
    spy_test(
        "parallel_listing_is_the_one_thread_listing",
        &[TOKEN],
        |ctx| {
            fill(ctx);
            let pin = format!("pass:{USER_PIN}");
            let counted = ["C_Login", "C_OpenSession", "C_CloseSession"];
            for rest in [
                vec!["-f", "json", "--pin", pin.as_str()],
                vec!["-f", "json"],
                vec!["--type", "cert", "-f", "json", "--pin", pin.as_str()],
                vec!["--pin", pin.as_str()],
            ] {
                let mut one = Vec::new();
                let single = spied(ctx, &counted, || {
                    one = listing(ctx, &[rest.as_slice(), &["--threads", "1"]].concat());
                });
                let mut four = Vec::new();
                let parallel = spied(ctx, &counted, || {
                    four = listing(ctx, &[rest.as_slice(), &["--threads", "4"]].concat());
                });
                let logins = usize::from(rest.contains(&pin.as_str()));
                assert_eq!(single, [logins, 1, 1], "{rest:?}: one thread");
                // One session for the listing, three for the threads beside it; one login.
                assert_eq!(parallel, [logins, 4, 4], "{rest:?}: four threads");
                assert!(one == four, "{rest:?}: listings differ");
            }
            let v: serde_json::Value =
                serde_json::from_slice(&listing(ctx, &["-f", "json", "--pin", &pin])).unwrap();
            let items = v["items"].as_array().unwrap();
            // Every object, private ones included (all of them read in the threads' sessions).
            assert!(items.len() >= CERTS + DATA + SECRETS, "{}", items.len());
            for label in ["cert-0", "data-0", "secret-0", "private-leaf"] {
                assert!(
                    items.iter().any(|i| i["source"]["label"] == label),
                    "{label} missing"
                );
            }
        },
    );
}

const TIMEOUT: Duration = Duration::from_secs(60);

fn run(ctx: &ChildContext, rest: &[&str], fault: Option<&str>) -> Run {
    let mut cmd = ctx.certscope();
    cmd.args(["token", "list", "--module"])
        .arg(&ctx.module)
        .args(rest);
    fault::run(cmd, fault, &ctx.dir.join("calls.log"), TIMEOUT)
}

/// A module that answers `CKR_CANT_LOCK` to OS locking is initialised without it and read
/// on one thread whatever `--threads` says; one that refuses the extra sessions is read in
/// the sessions it gave. The listing is the same either way.
#[test]
fn no_threads_without_os_locking_or_sessions() {
    fault_test(
        "no_threads_without_os_locking_or_sessions",
        &[TOKEN],
        |ctx| {
            fill(ctx);
            let pin = format!("pass:{USER_PIN}");
            let args = ["-f", "json", "--pin", pin.as_str(), "--threads", "4"];
            let baseline = run(ctx, &[&args[..4], &["--threads", "1"]].concat(), None);
            assert_eq!(baseline.code, Some(0), "{}", baseline.describe());
            assert_eq!(baseline.count_ok("C_OpenSession"), 1);
            // Through the shim, with OS locking: four sessions.
            let parallel = run(ctx, &args, None);
            assert_eq!(parallel.stdout, baseline.stdout);
            assert_eq!(
                parallel.count_ok("C_OpenSession"),
                4,
                "{}",
                parallel.describe()
            );
            for (fault, sessions) in [
                ("C_Initialize:1:CKR_CANT_LOCK", 1),
                ("C_OpenSession:2+:CKR_SESSION_COUNT", 1),
                ("C_OpenSession:3+:CKR_SESSION_COUNT", 2),
            ] {
                let r = run(ctx, &args, Some(fault));
                assert_eq!(r.code, Some(0), "{fault}: {}", r.describe());
                assert_eq!(r.stdout, baseline.stdout, "{fault}: listing differs");
                assert_eq!(r.count_ok("C_OpenSession"), sessions, "{fault}");
                assert_eq!(r.count_ok("C_OpenSession"), r.count("C_CloseSession"));
                assert_eq!(r.count("C_Login"), 1, "{fault}");
            }
        },
    );
}

/// Without `--threads`, threads are used only for a module whose calls wait: SoftHSM
/// (about 20 µs a read, under its own token-wide lock) is read on one thread, the same
/// module behind the shim's `slow` fault (1 ms a call, as over a network) on one per core
/// (at most 4), with the same listing.
#[test]
fn default_threads_only_for_a_slow_module() {
    fault_test("default_threads_only_for_a_slow_module", &[TOKEN], |ctx| {
        fill(ctx);
        let pin = format!("pass:{USER_PIN}");
        let args = ["-f", "json", "--pin", pin.as_str()];
        let quick = run(ctx, &args, None);
        assert_eq!(quick.code, Some(0), "{}", quick.describe());
        assert_eq!(
            quick.count_ok("C_OpenSession"),
            1,
            "quick module: one thread"
        );
        let slow = run(ctx, &args, Some("C_GetAttributeValue:*:slow"));
        assert_eq!(slow.code, Some(0), "{}", slow.describe());
        assert_eq!(slow.stdout, quick.stdout, "listing differs");
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(
            slow.count_ok("C_OpenSession"),
            cores.min(4),
            "slow module: one thread per core"
        );
        assert_eq!(slow.count_ok("C_OpenSession"), slow.count("C_CloseSession"));
        assert_eq!(slow.count("C_Login"), 1);
    });
}
