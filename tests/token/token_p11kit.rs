//! p11-kit's configuration as p11-kit reads it: `certscope token modules` against `p11-kit
//! list-modules` over the same private configuration, and `token doctor` against real
//! modules and the fault-injecting module.
//!
//! p11-kit ignores the user's configuration when the real user is root (and has no
//! variable that moves the system's), and the tests run as root: so both programs run as
//! `nobody` (`setpriv`) with `HOME` in a temporary directory whose `pkcs11.conf` says
//! `user-config: only`. `p11-kit` is run through a link named `certscope`, so that it
//! judges `enable-in`/`disable-in` for the same program name as certscope does.

use crate::support;

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::softhsm::{self as harness};
use support::{json, stdout};

const PKCS11_DIR: &str = "/usr/lib/x86_64-linux-gnu/pkcs11";
const NSSCKBI: &str = "/usr/lib/x86_64-linux-gnu/libnssckbi.so";

/// Whether this process runs as root (`/proc/self/status`, real user ID).
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|v| v.split_whitespace().next().map(|u| u == "0"))
        .unwrap()
}

/// The tools these tests need, or `None` after saying why they are skipped.
fn tools(test: &str, libraries: &[&str]) -> Option<(PathBuf, Option<PathBuf>)> {
    let mut missing = Vec::new();
    let p11kit = harness::tool("p11-kit", &mut missing);
    let setpriv = if is_root() {
        harness::tool("setpriv", &mut missing)
    } else {
        None
    };
    for lib in libraries {
        if !Path::new(lib).is_file() {
            missing.push((*lib).to_string());
        }
    }
    harness::check_tools(test, &missing).then(|| (p11kit.unwrap(), setpriv))
}

/// A home directory readable by `nobody`, with `~/.config/pkcs11/pkcs11.conf` holding
/// `global` and one `NAME.module` per entry of `modules`.
fn home(global: &str, modules: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join(".config/pkcs11");
    std::fs::create_dir_all(conf.join("modules")).unwrap();
    std::fs::write(conf.join("pkcs11.conf"), global).unwrap();
    for (name, text) in modules {
        std::fs::write(conf.join(format!("modules/{name}.module")), text).unwrap();
    }
    std::fs::create_dir(dir.path().join("bin")).unwrap();
    for p in [
        dir.path().to_path_buf(),
        dir.path().join(".config"),
        conf.clone(),
        conf.join("modules"),
        dir.path().join("bin"),
    ] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

/// `program args` as `nobody` (when root) with `HOME=home`.
fn as_user(setpriv: Option<&Path>, home: &Path, program: &Path, args: &[&str]) -> Output {
    let mut cmd = match setpriv {
        Some(s) => {
            let mut c = Command::new(s);
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(program);
            c
        }
        None => Command::new(program),
    };
    cmd.args(args)
        .env("HOME", home)
        .env_remove("P11_NO_USER_CONFIG")
        .env_remove("CERTSCOPE_PKCS11_MODULE")
        .env("CERTSCOPE_NOW", support::NOW)
        .current_dir(home)
        .output()
        .unwrap()
}

/// The module names `p11-kit list-modules` prints (run under the name `certscope`).
fn p11kit_names(p11kit: &Path, setpriv: Option<&Path>, home: &Path) -> BTreeSet<String> {
    let link = home.join("bin/certscope");
    if !link.exists() {
        std::os::unix::fs::symlink(p11kit, &link).unwrap();
    }
    let out = as_user(setpriv, home, &link, &["list-modules"]);
    assert!(out.status.success(), "{out:?}");
    stdout(&out)
        .lines()
        .filter(|l| !l.starts_with(char::is_whitespace))
        .filter_map(|l| l.split_once(':').map(|(n, _)| n.to_string()))
        .collect()
}

/// `certscope token modules --format json` as the same user: the enabled module names.
fn certscope_enabled(setpriv: Option<&Path>, home: &Path) -> (BTreeSet<String>, serde_json::Value) {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_certscope"));
    let out = as_user(
        setpriv,
        home,
        &bin,
        &["token", "modules", "--format", "json"],
    );
    assert!(out.status.success(), "{out:?}");
    let doc = json(&out);
    let names = doc["modules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["enabled"] == true)
        .map(|m| m["name"].as_str().unwrap().to_string())
        .collect();
    (names, doc)
}

#[test]
fn token_modules_agrees_with_p11_kit_list_modules() {
    let trust = harness::P11KIT_TRUST.to_string();
    let opensc = format!("{PKCS11_DIR}/opensc-pkcs11.so");
    let Some((p11kit, setpriv)) = tools(
        "token_modules_agrees_with_p11_kit_list_modules",
        &[&trust, &opensc, NSSCKBI],
    ) else {
        return;
    };
    let builtins = format!("module: {NSSCKBI}\nenable-in: certscope, p11-kit-proxy\n");
    let home = home(
        "user-config: only\n",
        &[
            (
                "trust",
                "module: p11-kit-trust.so\ndisable-in: p11-kit-proxy\n",
            ),
            ("builtins", &builtins),
            (
                "smartcard",
                "module: opensc-pkcs11.so\ndisable-in: certscope\n",
            ),
            (
                "onepin",
                "module: onepin-opensc-pkcs11.so\nenable-in: gnutls\n",
            ),
        ],
    );
    let theirs = p11kit_names(&p11kit, setpriv.as_deref(), home.path());
    let (ours, doc) = certscope_enabled(setpriv.as_deref(), home.path());
    assert_eq!(ours, theirs, "{doc:#}");
    assert_eq!(
        theirs,
        BTreeSet::from(["builtins".to_string(), "trust".to_string()])
    );
    let by_name = |n: &str| {
        doc["modules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("trust")["in_proxy"], false);
    assert_eq!(by_name("builtins")["in_proxy"], true);
    assert_eq!(by_name("smartcard")["enabled"], false);

    // A registered name is accepted where a path is.
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_certscope"));
    let out = as_user(
        setpriv.as_deref(),
        home.path(),
        &bin,
        &["token", "slots", "--module", "trust", "--format", "json"],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(json(&out)["module"]["path"], trust.as_str());
}

#[test]
fn user_module_files_merge_key_by_key_like_p11_kit() {
    let trust = harness::P11KIT_TRUST.to_string();
    let system = "/usr/share/p11-kit/modules/p11-kit-trust.module";
    let Some((p11kit, setpriv)) = tools(
        "user_module_files_merge_key_by_key_like_p11_kit",
        &[&trust, system],
    ) else {
        return;
    };
    // The user's file only adds a key: the system's `module:` still applies, and the
    // module is now disabled for certscope, in both programs' eyes.
    let home = home(
        "user-config: merge\n",
        &[("p11-kit-trust", "disable-in: certscope\n")],
    );
    let theirs = p11kit_names(&p11kit, setpriv.as_deref(), home.path());
    let (ours, doc) = certscope_enabled(setpriv.as_deref(), home.path());
    assert!(!theirs.contains("p11-kit-trust"), "{theirs:?}");
    assert!(!ours.contains("p11-kit-trust"), "{doc:#}");
    let m = doc["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "p11-kit-trust")
        .unwrap();
    assert_eq!(m["path"], trust.as_str());
    assert_eq!(m["configs"].as_array().unwrap().len(), 2, "{m:#}");
}

#[test]
fn user_config_is_skipped_as_root_like_p11_kit() {
    if !is_root() {
        eprintln!("SKIPPED user_config_is_skipped_as_root_like_p11_kit: not running as root");
        return;
    }
    let trust = harness::P11KIT_TRUST.to_string();
    let Some((p11kit, _)) = tools("user_config_is_skipped_as_root_like_p11_kit", &[&trust]) else {
        return;
    };
    let home = home("", &[("mine", "module: p11-kit-trust.so\n")]);
    let theirs = p11kit_names(&p11kit, None, home.path());
    let (ours, doc) = certscope_enabled(None, home.path());
    assert!(!theirs.contains("mine"), "{theirs:?}");
    assert!(!ours.contains("mine"), "{doc:#}");
    assert_eq!(doc["user_config_skipped"], "running as root");
}

/// `token doctor --format json` with `env`, and the problems it names.
fn doctor(args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> (Output, serde_json::Value) {
    let mut cmd = support::certscope();
    cmd.args(["token", "doctor", "--format", "json"]).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let doc = json(&out);
    (out, doc)
}

fn problems(doc: &serde_json::Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["problem"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn doctor_explains_opensc_without_pcscd() {
    let opensc = format!("{PKCS11_DIR}/opensc-pkcs11.so");
    if tools("doctor_explains_opensc_without_pcscd", &[&opensc]).is_none() {
        return;
    }
    // A socket path nothing listens on: pcscd is "not running" whatever the machine runs.
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("pcscd.comm");
    let (out, doc) = doctor(
        &["--module", "opensc-pkcs11"],
        &[("PCSCLITE_CSOCK_NAME", sock.as_os_str())],
    );
    assert_eq!(out.status.code(), Some(1), "{doc:#}");
    assert_eq!(problems(&doc), ["pcscd_not_running"], "{doc:#}");
    assert_eq!(doc["module"], opensc.as_str());
    let steps: Vec<&str> = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "load",
            "function_list",
            "initialize",
            "info",
            "slots",
            "finalize"
        ]
    );
    // With pcscd's socket present and still no slot: no reader.
    std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let (_, doc) = doctor(
        &["--module", "opensc-pkcs11"],
        &[("PCSCLITE_CSOCK_NAME", sock.as_os_str())],
    );
    assert_eq!(problems(&doc), ["no_reader"], "{doc:#}");
}

#[test]
fn doctor_explains_nss_softoken_without_init_args() {
    let softokn = "/usr/lib/x86_64-linux-gnu/libsoftokn3.so";
    if tools("doctor_explains_nss_softoken_without_init_args", &[softokn]).is_none() {
        return;
    }
    let (out, doc) = doctor(&["--module", softokn], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(problems(&doc), ["needs_init_args"], "{doc:#}");
    let text = doc["findings"][0]["explanation"].as_str().unwrap();
    assert!(
        text.contains("--nss-db") && text.contains("x-init-reserved"),
        "{text}"
    );
    let init = &doc["steps"].as_array().unwrap()[2];
    assert_eq!(init["step"], "initialize");
    assert_eq!(init["ok"], false);
    assert!(
        init["result"]
            .as_str()
            .unwrap()
            .contains("CKR_ARGUMENTS_BAD"),
        "{init}"
    );
}

#[test]
fn doctor_explains_a_blank_token_and_a_low_pin_counter() {
    if !harness::check_tools(
        "doctor_explains_a_blank_token_and_a_low_pin_counter",
        &harness::missing_softhsm(),
    ) {
        return;
    }
    let hsm = harness::SoftHsm::new();
    let conf = hsm.conf().as_os_str();
    let module = hsm.module().to_str().unwrap().to_string();
    let (out, doc) = doctor(&["--module", &module], &[("SOFTHSM2_CONF", conf)]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(problems(&doc), ["blank_token"], "{doc:#}");
    // A healthy token: nothing to report, status 0.
    hsm.init_token("doctor");
    let (out, doc) = doctor(&["--module", &module], &[("SOFTHSM2_CONF", conf)]);
    let found = problems(&doc);
    assert!(!found.contains(&"pin_count_low".to_string()), "{doc:#}");
    // SoftHSM always has one more, blank, slot.
    assert_eq!(found, ["blank_token"], "{doc:#}");
    assert_eq!(out.status.code(), Some(1));
    // The fault module sets CKF_USER_PIN_COUNT_LOW on every token, as a card does after a
    // wrong PIN.
    let shim = support::fault::module();
    let (_, doc) = doctor(
        &["--module", shim.to_str().unwrap()],
        &[
            ("SOFTHSM2_CONF", conf),
            (support::fault::TARGET_ENV, hsm.module().as_os_str()),
            (
                support::fault::FAULT_ENV,
                std::ffi::OsStr::new("C_GetTokenInfo:1+:pin-count-low"),
            ),
        ],
    );
    assert!(
        problems(&doc).contains(&"pin_count_low".to_string()),
        "{doc:#}"
    );
    // CKR_DEVICE_ERROR from a token, with pcscd absent: the explanation names pcscd.
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("none");
    let (_, doc) = doctor(
        &["--module", shim.to_str().unwrap()],
        &[
            ("SOFTHSM2_CONF", conf),
            (support::fault::TARGET_ENV, hsm.module().as_os_str()),
            ("PCSCLITE_CSOCK_NAME", sock.as_os_str()),
            (
                support::fault::FAULT_ENV,
                std::ffi::OsStr::new("C_GetTokenInfo:1+:CKR_DEVICE_ERROR"),
            ),
        ],
    );
    let found = problems(&doc);
    assert!(found.iter().all(|p| p == "pcscd_not_running"), "{doc:#}");
    assert!(!found.is_empty(), "{doc:#}");
    assert!(
        doc["findings"][0]["explanation"]
            .as_str()
            .unwrap()
            .contains("CKR_DEVICE_ERROR"),
        "{doc:#}"
    );
}

#[test]
fn doctor_says_the_proxy_leaves_the_trust_module_out() {
    let trust = harness::P11KIT_TRUST.to_string();
    let proxy = "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so";
    let Some((_, setpriv)) = tools(
        "doctor_says_the_proxy_leaves_the_trust_module_out",
        &[&trust, proxy],
    ) else {
        return;
    };
    // Only this configuration counts (user-config: only), so the machine's modules do not.
    let home = home(
        "user-config: only\n",
        &[(
            "trust",
            "module: p11-kit-trust.so\ndisable-in: p11-kit-proxy\n",
        )],
    );
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_certscope"));
    let out = as_user(
        setpriv.as_deref(),
        home.path(),
        &bin,
        &["token", "doctor", "--format", "json"],
    );
    let doc = json(&out);
    assert_eq!(doc["module"], proxy, "{doc:#}");
    assert_eq!(problems(&doc), ["proxy_excludes_module"], "{doc:#}");
    let text = doc["findings"][0]["explanation"].as_str().unwrap();
    assert!(text.contains("--module trust"), "{text}");
}

/// The `module-path` of every item's URI in a `token list --format json` document.
fn item_modules(doc: &serde_json::Value) -> Vec<String> {
    doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let uri = i["source"]["uri"].as_str().unwrap();
            uri.split_once("module-path=").unwrap().1.to_string()
        })
        .collect()
}

#[test]
fn token_list_reads_several_modules_in_one_run() {
    let trust = harness::P11KIT_TRUST.to_string();
    let Some((_, setpriv)) = tools(
        "token_list_reads_several_modules_in_one_run",
        &[&trust, NSSCKBI],
    ) else {
        return;
    };
    let list = |args: &[&str]| {
        let out = support::certscope()
            .args(["token", "list", "--type", "cert", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        json(&out)
    };
    let builtins = item_modules(&list(&["--module", NSSCKBI]));
    let anchors = item_modules(&list(&["--module", &trust]));
    assert!(!builtins.is_empty());
    let both = item_modules(&list(&["--module", NSSCKBI, "--module", &trust]));
    // Every object of each module, each URI naming the module it came from.
    assert_eq!(both.len(), builtins.len() + anchors.len());
    assert_eq!(
        both.iter().filter(|m| *m == NSSCKBI).count(),
        builtins.len()
    );
    assert_eq!(both.iter().filter(|m| **m == trust).count(), anchors.len());

    // --all-modules: what p11-kit would load in certscope, nothing else.
    let home = home(
        "user-config: only\n",
        &[
            (
                "trust",
                "module: p11-kit-trust.so\ndisable-in: p11-kit-proxy\n",
            ),
            ("builtins", &format!("module: {NSSCKBI}\n")),
            (
                "smartcard",
                "module: opensc-pkcs11.so\ndisable-in: certscope\n",
            ),
        ],
    );
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_certscope"));
    let out = as_user(
        setpriv.as_deref(),
        home.path(),
        &bin,
        &[
            "token",
            "list",
            "--all-modules",
            "--type",
            "cert",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let all: BTreeSet<String> = item_modules(&json(&out)).into_iter().collect();
    assert_eq!(all, BTreeSet::from([NSSCKBI.to_string(), trust.clone()]));

    // Commands that read one module refuse several, as a usage error.
    let out = support::run(&["token", "slots", "--module", NSSCKBI, "--module", &trust]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// Names kryoptic's `libkryoptic_pkcs11.so`; without it, the module built by
/// `scripts/build-kryoptic.sh` into its default cache is used when it is there.
const KRYOPTIC_MODULE_ENV: &str = "CERTSCOPE_KRYOPTIC_MODULE";
/// `1` (set by scripts/test.sh, which builds kryoptic) makes a missing kryoptic a test
/// failure instead of a skip.
const KRYOPTIC_REQUIRE_ENV: &str = "CERTSCOPE_REQUIRE_KRYOPTIC";
/// The SO and user PINs of the kryoptic test token (kryoptic wants at least 8 bytes).
const KRY_SO_PIN: &str = "12345678";
const KRY_PIN: &str = "87654321";

/// The kryoptic module and pkcs11-tool, or `None` after saying why the test is skipped
/// (a panic when `CERTSCOPE_REQUIRE_KRYOPTIC=1`).
fn kryoptic(test: &str) -> Option<(PathBuf, PathBuf)> {
    let module = std::env::var_os(KRYOPTIC_MODULE_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            support::root().join("target/kryoptic-cache/target/debug/libkryoptic_pkcs11.so")
        });
    let mut missing = Vec::new();
    let tool = harness::tool("pkcs11-tool", &mut missing);
    if !module.is_file() {
        missing.push(format!(
            "{} (scripts/build-kryoptic.sh builds it; {KRYOPTIC_MODULE_ENV} names it)",
            module.display()
        ));
    }
    match (tool, missing.is_empty()) {
        (Some(tool), true) => Some((module, tool)),
        _ if std::env::var(KRYOPTIC_REQUIRE_ENV).is_ok_and(|v| v == "1") => {
            panic!(
                "{test}: {KRYOPTIC_REQUIRE_ENV}=1 but missing: {}",
                missing.join(", ")
            )
        }
        _ => {
            eprintln!(
                "SKIPPED {test}: missing {} (set {KRYOPTIC_REQUIRE_ENV}=1 to make this a failure)",
                missing.join(", ")
            );
            None
        }
    }
}

/// A kryoptic token in a temporary directory, initialised and given a user PIN and one
/// public certificate (`leaf`) by pkcs11-tool, as a user would make one.
struct KryToken {
    module: PathBuf,
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl KryToken {
    fn new(module: PathBuf, tool: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("token.sql");
        let p11 = |args: &[&str]| {
            let out = Command::new(tool)
                .arg("--module")
                .arg(&module)
                .args(args)
                .env("KRYOPTIC_CONF", &db)
                .output()
                .unwrap();
            assert!(out.status.success(), "pkcs11-tool {args:?}: {out:?}");
        };
        p11(&["--init-token", "--label", "kry", "--so-pin", KRY_SO_PIN]);
        p11(&[
            "--init-pin",
            "--login",
            "--login-type",
            "so",
            "--so-pin",
            KRY_SO_PIN,
            "--pin",
            KRY_PIN,
        ]);
        let leaf = support::root().join("fixtures/certs/leaf.der");
        p11(&[
            "--login",
            "--pin",
            KRY_PIN,
            "--write-object",
            leaf.to_str().unwrap(),
            "--type",
            "cert",
            "--label",
            "leaf",
            "--id",
            "01",
        ]);
        KryToken { module, dir, db }
    }

    /// certscope on the token; with `counted`, through the fault module with no fault,
    /// which logs every call to `dir/calls.log`. (OpenSC's pkcs11-spy, which the SoftHSM
    /// tests count with, crashes in its C_GetInterface in front of kryoptic 1.0.0.)
    fn certscope(&self, counted: bool, args: &[&str]) -> Output {
        let mut cmd = support::certscope();
        cmd.env("KRYOPTIC_CONF", &self.db)
            .args(args)
            .arg("--module");
        if counted {
            cmd.arg(support::fault::module())
                .env(support::fault::TARGET_ENV, &self.module)
                .env(support::fault::LOG_ENV, self.calls_log());
        } else {
            cmd.arg(&self.module);
        }
        cmd.output().unwrap()
    }

    fn calls_log(&self) -> PathBuf {
        self.dir.path().join("calls.log")
    }

    /// How many `C_Login` calls reached kryoptic in the counted runs.
    fn logins(&self) -> usize {
        std::fs::read_to_string(self.calls_log())
            .unwrap_or_default()
            .lines()
            .filter(|l| l.starts_with("C_Login "))
            .count()
    }

    /// The PIN flags of the token, read by `token slots`.
    fn pin_flags(&self) -> Vec<String> {
        let out = self.certscope(false, &["token", "slots", "--format", "json"]);
        assert!(out.status.success(), "{out:?}");
        let doc = json(&out);
        let slots = doc["slots"].as_array().unwrap();
        assert_eq!(slots.len(), 1, "{doc:#}");
        slots[0]["token"]["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .filter(|f| f.starts_with("user_pin_") && f != "user_pin_initialized")
            .collect()
    }

    /// `token doctor` on the token: its exit status and the problems it found.
    fn doctor(&self) -> (Option<i32>, Vec<String>, serde_json::Value) {
        let (out, doc) = doctor(
            &["--module", self.module.to_str().unwrap()],
            &[("KRYOPTIC_CONF", self.db.as_os_str())],
        );
        (out.status.code(), problems(&doc), doc)
    }
}

/// kryoptic (`scripts/build-kryoptic.sh`, run by scripts/test.sh): a PKCS#11 3.x token,
/// initialised and filled by pkcs11-tool, read by `token list` (with and without a login)
/// and `token doctor`, which finds `C_GetInterface`.
#[test]
fn kryoptic_token_is_read_and_diagnosed() {
    let Some((module, tool)) = kryoptic("kryoptic_token_is_read_and_diagnosed") else {
        return;
    };
    let token = KryToken::new(module, &tool);
    let pin = format!("pass:{KRY_PIN}");
    for login in [&[][..], &["--pin", pin.as_str()][..]] {
        let mut args = vec!["token", "list", "--type", "cert", "--format", "json"];
        args.extend_from_slice(login);
        let out = token.certscope(false, &args);
        assert!(out.status.success(), "{login:?}: {out:?}");
        let doc = json(&out);
        assert_eq!(doc["items"].as_array().unwrap().len(), 1, "{doc:#}");
        assert_eq!(doc["items"][0]["source"]["label"], "leaf");
    }
    let (code, found, doc) = token.doctor();
    assert_eq!(code, Some(0), "{doc:#}");
    assert!(found.is_empty(), "{doc:#}");
    let list = &doc["steps"][1]["result"];
    assert!(
        list.as_str().unwrap().starts_with("C_GetInterface"),
        "{doc:#}"
    );
}

/// Issue 17, failure 2, on a token that counts failed logins: PINs certscope refuses (empty,
/// shorter than kryoptic's ulMinPinLen of 8) never reach `C_Login` (counted by the fault
/// module, forwarding every call)
/// and, ten runs later (kryoptic locks after ten failures), the token's counter is
/// untouched: no PIN flag, `token doctor` finds nothing, the right PIN logs in. Seven
/// wrong PINs of a valid length, by contrast, are counted by the token, and `token doctor`
/// says `pin_count_low`.
#[test]
fn kryoptic_refused_pins_cost_no_try() {
    let Some((module, tool)) = kryoptic("kryoptic_refused_pins_cost_no_try") else {
        return;
    };
    let token = KryToken::new(module, &tool);
    let list =
        |counted: bool, pin: &str| token.certscope(counted, &["token", "list", "--pin", pin]);
    for _ in 0..10 {
        for (pin, reason) in [
            ("pass:", "the PIN is empty"),
            ("pass:1234567", "ulMinPinLen"),
        ] {
            let out = list(true, pin);
            let err = support::stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{pin}: {err}");
            assert!(err.contains(reason), "{pin}: {err}");
            assert!(err.contains("did not send it to C_Login"), "{pin}: {err}");
        }
    }
    assert_eq!(token.logins(), 0);
    assert_eq!(token.pin_flags(), Vec::<String>::new());
    let (code, found, doc) = token.doctor();
    assert_eq!((code, found), (Some(0), vec![]), "{doc:#}");

    // The control: wrong PINs that certscope does send are counted by kryoptic, one
    // C_Login per run. Three tries left is CKF_USER_PIN_COUNT_LOW.
    for _ in 0..7 {
        let out = list(true, "pass:00000000");
        let err = support::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("CKR_PIN_INCORRECT"), "{err}");
    }
    assert_eq!(token.logins(), 7);
    assert_eq!(token.pin_flags(), ["user_pin_count_low"]);
    let (code, found, doc) = token.doctor();
    assert_eq!(
        (code, found),
        (Some(1), vec!["pin_count_low".to_string()]),
        "{doc:#}"
    );

    // The right PIN still works and resets the counter.
    let out = list(true, &format!("pass:{KRY_PIN}"));
    assert!(out.status.success(), "{out:?}");
    assert_eq!(token.logins(), 8);
    assert_eq!(token.pin_flags(), Vec::<String>::new());
}
