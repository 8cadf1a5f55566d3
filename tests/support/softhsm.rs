//! Test harness: private SoftHSM token directories, populated with certscope's fixture
//! certificates and two key pairs, used from a child process that runs the real certscope
//! binary with `SOFTHSM2_CONF` in its environment.
//!
//! # Why a child process per token test
//!
//! SoftHSM reads `SOFTHSM2_CONF` with `getenv` inside `C_Initialize`, and keeps one
//! global instance per process. A test that wants its own token directory therefore needs
//! the variable set *in the process that calls `C_Initialize`*. Setting it with
//! `std::env::set_var` in the test process is a data race with every other test thread
//! (and `unsafe` since Rust 2024; certscope forbids `unsafe`), and one process-wide value
//! would make all tests share one token directory and serialise them.
//!
//! So each token test re-runs its own test binary as a child, filtered to that one test
//! (`<exe> <module::name> --exact --test-threads=1 --nocapture`, the name libtest gave the
//! test's thread), with `SOFTHSM2_CONF` (and anything else, such as pkcs11-spy's variables)
//! set by `Command::env` for the child only. Inside the child, [`token_test`] sees
//! [`CHILD_ENV`] and runs the test body, which fills the tokens with cryptoki in-process and
//! then runs the certscope binary, passing
//! `SOFTHSM2_CONF` on (see [`ChildContext::certscope`]). The parent checks the child's exit status
//! *and* that its output reports exactly one passed test, so a typo in the name cannot
//! turn into a silent pass.
//!
//! Trade-off: a process spawn and a `C_Initialize` per test (a few milliseconds, see
//! NOTES.md) and a failure report that is the child's output pasted into the parent's
//! panic, against: no environment mutation, parallel tests with separate token
//! directories, and the code under test running in-process exactly as in certscope.
//!
//! Tokens are made with `softhsm2-util --init-token --free` (a child process with the
//! variable in its environment) and filled with cryptoki `create_object` /
//! `generate_key_pair` in the test child, through the real SoftHSM module even when the
//! code under test goes through pkcs11-spy.
//!
//! # When SoftHSM is missing
//!
//! Token tests print a message and pass, unless `CERTSCOPE_REQUIRE_SOFTHSM=1`, in which
//! case they fail: CI sets it so that a missing package cannot hide the whole suite.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, CertificateType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

/// Security officer PIN of every test token.
pub const SO_PIN: &str = "1234";
/// User PIN of every test token.
pub const USER_PIN: &str = "1111";
/// Set (to the test name) in the child process that runs a token test's body.
pub const CHILD_ENV: &str = "CERTSCOPE_P11_CHILD";
/// `1` makes missing SoftHSM/OpenSC/p11-kit tools a test failure instead of a skip.
pub const REQUIRE_ENV: &str = "CERTSCOPE_REQUIRE_SOFTHSM";
/// Overrides the SoftHSM module path.
pub const MODULE_ENV: &str = "CERTSCOPE_SOFTHSM_MODULE";
/// Overrides the fixture certificate directory.
pub const FIXTURES_ENV: &str = "CERTSCOPE_FIXTURES";

const CHILD_MODULE_ENV: &str = "CERTSCOPE_P11_MODULE";
const CHILD_SOFTHSM_ENV: &str = "CERTSCOPE_P11_SOFTHSM";
const CHILD_DIR_ENV: &str = "CERTSCOPE_P11_DIR";

/// Where Debian, Fedora and source builds put the SoftHSM module.
const SOFTHSM_CANDIDATES: &[&str] = &[
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib64/pkcs11/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
];

/// OpenSC's logging proxy module (Debian path).
pub const PKCS11_SPY: &str = "/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so";

/// The environment that makes OpenSC's pkcs11-spy wrap `softhsm` and log every call to
/// `dir/spy.log`.
pub fn spy_env(dir: &Path, softhsm: &Path) -> Vec<(&'static str, OsString)> {
    vec![
        ("PKCS11SPY", softhsm.as_os_str().to_os_string()),
        ("PKCS11SPY_OUTPUT", dir.join("spy.log").into_os_string()),
    ]
}

/// How many times pkcs11-spy logged a call to `function` in `dir/spy.log` (its numbered
/// call lines: `7: C_Login`).
pub fn spy_calls(dir: &Path, function: &str) -> usize {
    let log = std::fs::read_to_string(dir.join("spy.log")).unwrap_or_default();
    log.lines()
        .filter(|l| {
            l.split_once(": ")
                .is_some_and(|(n, f)| f == function && n.bytes().all(|b| b.is_ascii_digit()))
        })
        .count()
}
/// p11-kit's trust module (Debian path).
pub const P11KIT_TRUST: &str = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so";

/// Is `CERTSCOPE_REQUIRE_SOFTHSM` set to `1`?
pub fn required() -> bool {
    std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1")
}

/// What to do when something a test needs is missing: `Ok(true)` run, `Ok(false)` skip,
/// `Err` fail. Separate from the environment so that the policy itself can be tested.
pub fn decide(missing: &[String], require: bool) -> Result<bool, String> {
    if missing.is_empty() {
        Ok(true)
    } else if require {
        Err(format!(
            "{REQUIRE_ENV}=1 but missing: {} (apt-get install -y softhsm2 opensc p11-kit-modules)",
            missing.join(", ")
        ))
    } else {
        Ok(false)
    }
}

/// Applies [`decide`] for a test: returns whether to run, prints why not, panics when
/// the tools are required.
pub fn check_tools(test: &str, missing: &[String]) -> bool {
    match decide(missing, required()) {
        Ok(true) => true,
        Ok(false) => {
            eprintln!(
                "SKIPPED {test}: missing {} (set {REQUIRE_ENV}=1 to make this a failure)",
                missing.join(", ")
            );
            false
        }
        Err(message) => panic!("{test}: {message}"),
    }
}

fn find_in_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// The SoftHSM module, if installed.
pub fn softhsm_module() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(MODULE_ENV) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    SOFTHSM_CANDIDATES
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// What SoftHSM-based tests need and is missing.
pub fn missing_softhsm() -> Vec<String> {
    let mut missing = Vec::new();
    if softhsm_module().is_none() {
        missing.push("libsofthsm2.so".to_string());
    }
    if find_in_path("softhsm2-util").is_none() {
        missing.push("softhsm2-util".to_string());
    }
    missing
}

/// A program from PATH, or its name in the "missing" list.
pub fn tool(program: &str, missing: &mut Vec<String>) -> Option<PathBuf> {
    let found = find_in_path(program);
    if found.is_none() {
        missing.push(program.to_string());
    }
    found
}

/// A private SoftHSM configuration and token directory, removed on drop.
pub struct SoftHsm {
    dir: tempfile::TempDir,
    conf: PathBuf,
    module: PathBuf,
}

impl SoftHsm {
    /// Creates `<tmp>/softhsm2.conf` and `<tmp>/tokens/`.
    pub fn new() -> SoftHsm {
        let module = softhsm_module().expect("SoftHSM module (checked by the caller)");
        let dir = tempfile::Builder::new()
            .prefix("certscope-softhsm-")
            .tempdir()
            .expect("temp dir");
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).expect("tokens dir");
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n\
                 slots.removable = false\n",
                tokens.display()
            ),
        )
        .expect("write softhsm2.conf");
        SoftHsm { dir, conf, module }
    }

    /// The temp directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The `softhsm2.conf` path.
    pub fn conf(&self) -> &Path {
        &self.conf
    }

    /// The SoftHSM module.
    pub fn module(&self) -> &Path {
        &self.module
    }

    /// A command with `SOFTHSM2_CONF` set for it alone.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("SOFTHSM2_CONF", &self.conf);
        cmd
    }

    /// Initialises the next free token with `label`, SO PIN [`SO_PIN`], user PIN [`USER_PIN`].
    pub fn init_token(&self, label: &str) {
        init_token_with_conf(&self.conf, label);
    }

    /// Re-runs the current test binary filtered to `test`, with `SOFTHSM2_CONF` and `env`
    /// set for the child, and fails unless exactly that one test ran and passed.
    /// `module` is what the code under test should load (SoftHSM or a proxy in front of it).
    pub fn run_child(&self, test: &str, module: &Path, env: &[(&str, OsString)]) {
        let exe = std::env::current_exe().expect("current test binary");
        let mut cmd = self.command(exe);
        cmd.args([test, "--exact", "--test-threads=1", "--nocapture"])
            .env(CHILD_ENV, test)
            .env(CHILD_MODULE_ENV, module)
            .env(CHILD_SOFTHSM_ENV, &self.module)
            .env(CHILD_DIR_ENV, self.dir());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("spawn the test binary");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Forward the child's output; libtest shows it when this test fails.
        println!("--- child stdout ---\n{stdout}--- child stderr ---\n{stderr}");
        assert!(
            out.status.success(),
            "child for {test} failed: {}",
            out.status
        );
        assert!(
            stdout.contains("test result: ok. 1 passed"),
            "child for {test} did not run exactly one test (wrong name?)"
        );
    }
}

/// `softhsm2-util --init-token --free` with `conf` in its environment only.
pub fn init_token_with_conf(conf: &Path, label: &str) {
    let out = Command::new("softhsm2-util")
        .env("SOFTHSM2_CONF", conf)
        .args(["--init-token", "--free", "--label", label])
        .args(["--so-pin", SO_PIN, "--pin", USER_PIN])
        .output()
        .expect("run softhsm2-util");
    assert!(
        out.status.success(),
        "softhsm2-util --init-token failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What a token test's body gets in the child process.
pub struct ChildContext {
    /// The module the code under test loads.
    pub module: PathBuf,
    /// The real SoftHSM module (for populating tokens).
    pub softhsm: PathBuf,
    /// The test's temp directory (holds `softhsm2.conf` and `tokens/`).
    pub dir: PathBuf,
}

impl ChildContext {
    /// The `softhsm2.conf` of this test.
    pub fn conf(&self) -> PathBuf {
        self.dir.join("softhsm2.conf")
    }

    /// The certscope binary (pinned, scrubbed environment from [`super::certscope`]) with
    /// this test's `SOFTHSM2_CONF`, which the harness scrubs by default.
    pub fn certscope(&self) -> Command {
        let mut cmd = super::certscope();
        cmd.env("SOFTHSM2_CONF", self.conf());
        cmd
    }

    /// Runs `certscope ARGS` as [`ChildContext::certscope`] does.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.certscope().args(args).output().expect("run certscope")
    }

    /// Runs `certscope token SUBCOMMAND --module <the module under test> REST...`.
    pub fn token(&self, subcommand: &str, rest: &[&str]) -> std::process::Output {
        self.certscope()
            .args(["token", subcommand, "--module"])
            .arg(&self.module)
            .args(rest)
            .output()
            .expect("run certscope")
    }

    /// The module under test as a string, for URIs.
    pub fn module_str(&self) -> String {
        self.module.to_string_lossy().into_owned()
    }
}

/// The name libtest knows `test` by in this binary: tests sit in modules
/// (`token_cli::find_filters`), and libtest names each test's thread after its full path. A
/// `test` that is not this test's name is left as it is, so its child runs no test and fails.
fn full_name(test: &str) -> String {
    match std::thread::current().name() {
        Some(full) if is_named(full, test) => full.to_string(),
        _ => test.to_string(),
    }
}

/// Is `full` (`module::name`) the test `test` (its name, or its name with modules)?
fn is_named(full: &str, test: &str) -> bool {
    full == test || full.strip_suffix(test).is_some_and(|m| m.ends_with("::"))
}

/// In the child process for `test`: its context. In any other process: `None`.
fn child_context(test: &str) -> Option<Option<ChildContext>> {
    let running = std::env::var(CHILD_ENV).ok()?;
    // The parent filtered the child to this one test with `--exact`, so its full name.
    if !is_named(&running, test) {
        // A child for another test: this one must do nothing (and not spawn again).
        return Some(None);
    }
    let var = |k: &str| PathBuf::from(std::env::var_os(k).unwrap_or_default());
    Some(Some(ChildContext {
        module: var(CHILD_MODULE_ENV),
        softhsm: var(CHILD_SOFTHSM_ENV),
        dir: var(CHILD_DIR_ENV),
    }))
}

/// A module loaded in front of SoftHSM (pkcs11-spy, say) and the environment it needs,
/// computed in the parent from the test directory and the SoftHSM module path.
pub struct Proxy {
    /// The module the code under test loads.
    pub module: PathBuf,
    /// Environment for the child: `env(test_dir, softhsm_module)`.
    pub env: fn(&Path, &Path) -> Vec<(&'static str, OsString)>,
}

/// Runs `body` in a child process with a fresh SoftHSM directory holding initialised,
/// empty tokens with the given labels (see [`populate`] to fill them).
pub fn token_test(test: &str, labels: &[&str], body: impl FnOnce(&ChildContext)) {
    token_test_via(test, labels, None, body);
}

/// [`token_test`], with the code under test loading `proxy` instead of SoftHSM.
pub fn token_test_via(
    test: &str,
    labels: &[&str],
    proxy: Option<Proxy>,
    body: impl FnOnce(&ChildContext),
) {
    match child_context(test) {
        Some(Some(ctx)) => return body(&ctx),
        Some(None) => return,
        None => {}
    }
    if !check_tools(test, &missing_softhsm()) {
        return;
    }
    let hsm = SoftHsm::new();
    for label in labels {
        hsm.init_token(label);
    }
    let test = full_name(test);
    match proxy {
        Some(proxy) => {
            let env = (proxy.env)(hsm.dir(), hsm.module());
            hsm.run_child(&test, &proxy.module, &env);
        }
        None => hsm.run_child(&test, hsm.module(), &[]),
    }
}

/// [`token_test`] with OpenSC's pkcs11-spy in front of SoftHSM, so that the body can count
/// calls with [`spy_calls`]; a missing pkcs11-spy is handled like a missing SoftHSM.
pub fn spy_test(test: &str, labels: &[&str], body: impl FnOnce(&ChildContext)) {
    let spy = Path::new(PKCS11_SPY);
    let missing = if spy.is_file() {
        vec![]
    } else {
        vec![PKCS11_SPY.to_string()]
    };
    if !check_tools(test, &missing) {
        return;
    }
    let proxy = Proxy {
        module: spy.to_path_buf(),
        env: spy_env,
    };
    token_test_via(test, labels, Some(proxy), body);
}

/// One fixture certificate as loaded on the token.
#[derive(Debug, Clone)]
pub struct FixtureCert {
    /// File stem, used as CKA_LABEL.
    pub label: String,
    /// CKA_ID.
    pub id: Vec<u8>,
    /// Certificate DER.
    pub der: Vec<u8>,
    /// Subject Name DER.
    pub subject: Vec<u8>,
    /// Issuer Name DER.
    pub issuer: Vec<u8>,
    /// serialNumber INTEGER, complete DER (what CKA_SERIAL_NUMBER holds).
    pub serial: Vec<u8>,
}

/// The fixture directory: `$CERTSCOPE_FIXTURES`, else `<crate>/fixtures/certs`.
pub fn fixtures_dir() -> PathBuf {
    if let Some(p) = std::env::var_os(FIXTURES_ENV) {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/certs")
}

/// Base64 body of the first PEM block in `text`, decoded. Tests must not need openssl.
pub fn pem_decode(text: &str) -> Option<Vec<u8>> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with("-----BEGIN "));
    lines.next()?;
    let body: String = lines
        .take_while(|l| !l.starts_with("-----END "))
        .filter(|l| !l.contains(':')) // RFC 1421 headers, if any
        .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
        .collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

/// One DER element: tag, the whole element, its contents.
pub type Element<'a> = (u8, &'a [u8], &'a [u8]);

/// One DER element and the rest of the input.
pub fn der_next(input: &[u8]) -> Option<(Element<'_>, &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        let bytes = input.get(2..2 + n)?;
        (
            bytes.iter().fold(0usize, |a, &b| a << 8 | usize::from(b)),
            2 + n,
        )
    };
    let whole = input.get(..header + len)?;
    let contents = input.get(header..header + len)?;
    Some(((tag, whole, contents), input.get(header + len..)?))
}

/// Certificate DER, serial TLV, issuer TLV, subject TLV.
pub type CertParts = (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>);

/// Splits a certificate into its [`CertParts`]. For a `TRUSTED CERTIFICATE` (OpenSSL aux
/// data after the certificate) only the certificate element is kept.
pub fn cert_parts(der: &[u8]) -> Option<CertParts> {
    let ((_, cert, cert_body), _) = der_next(der)?;
    let ((_, _, tbs), _) = der_next(cert_body)?;
    let mut fields = Vec::new();
    let mut rest = tbs;
    while !rest.is_empty() {
        let ((tag, whole, _), r) = der_next(rest)?;
        fields.push((tag, whole));
        rest = r;
    }
    let skip = usize::from(fields.first()?.0 == 0xa0); // explicit version
    let serial = fields.get(skip)?.1.to_vec();
    let issuer = fields.get(skip + 2)?.1.to_vec();
    let subject = fields.get(skip + 4)?.1.to_vec();
    Some((cert.to_vec(), serial, issuer, subject))
}

/// Every `*.pem` fixture certificate, sorted by name, with CKA_ID = [1], [2], ...
pub fn fixture_certs() -> Vec<FixtureCert> {
    let dir = fixtures_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pem"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no *.pem in {}", dir.display());
    paths
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let text = std::fs::read_to_string(path).expect("read pem");
            let der = pem_decode(&text).unwrap_or_else(|| panic!("{}: not PEM", path.display()));
            let (der, serial, issuer, subject) =
                cert_parts(&der).unwrap_or_else(|| panic!("{}: not a certificate", path.display()));
            FixtureCert {
                label: path
                    .file_stem()
                    .expect("stem")
                    .to_string_lossy()
                    .into_owned(),
                id: vec![u8::try_from(i + 1).expect("fewer than 255 fixtures")],
                der,
                subject,
                issuer,
                serial,
            }
        })
        .collect()
}

/// Label and ID of the private copy of the leaf certificate.
pub const PRIVATE_CERT_LABEL: &str = "private-leaf";
/// CKA_ID of [`PRIVATE_CERT_LABEL`].
pub const PRIVATE_CERT_ID: &[u8] = &[0x20];
/// Labels/IDs of the generated key pairs (public and private share them).
pub const RSA_KEY: (&str, &[u8]) = ("rsa-2048", &[0x30]);
/// See [`RSA_KEY`].
pub const EC_KEY: (&str, &[u8]) = ("ec-p256", &[0x31]);
/// DER of the P-256 OID.
pub const P256_OID_DER: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// What [`populate`] puts on a token.
#[derive(Clone, Copy)]
pub struct Contents {
    /// The fixture certificates, public (`CKA_PRIVATE=false`).
    pub certs: bool,
    /// Only these fixtures (file stems), when not empty.
    pub only: &'static [&'static str],
    /// A private copy of leaf.pem ([`PRIVATE_CERT_LABEL`]).
    pub private_cert: bool,
    /// An RSA 2048 key pair generated on the token (the slowest part, ~2 s).
    pub rsa: bool,
    /// An EC P-256 key pair generated on the token.
    pub ec: bool,
}

impl Contents {
    /// Everything.
    pub const ALL: Contents = Contents {
        certs: true,
        only: &[],
        private_cert: true,
        rsa: true,
        ec: true,
    };
    /// Certificates only (key generation takes the longest).
    pub const CERTS: Contents = Contents {
        certs: true,
        only: &[],
        private_cert: true,
        rsa: false,
        ec: false,
    };
    /// A small fixed set for snapshots: root-ca and leaf, the private leaf, an EC pair.
    pub const SMALL: Contents = Contents {
        certs: true,
        only: &["leaf", "root-ca"],
        private_cert: true,
        rsa: false,
        ec: true,
    };
}

/// The SoftHSM module `module` loaded through cryptoki and initialised, and the slot of the
/// token labelled `token_label`: where every fixture filler starts.
pub fn open_token(module: &Path, token_label: &str) -> (Pkcs11, Slot) {
    let p11 = Pkcs11::new(module).expect("load SoftHSM");
    p11.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK))
        .expect("C_Initialize");
    let slot = p11
        .get_slots_with_token()
        .expect("slots")
        .into_iter()
        .find(|s| {
            p11.get_token_info(*s)
                .is_ok_and(|t| t.label() == token_label)
        })
        .unwrap_or_else(|| panic!("no token labelled {token_label}"));
    (p11, slot)
}

/// Fills the token labelled `token_label` through the SoftHSM module `module` (in the
/// child process: `SOFTHSM2_CONF` is in its environment). Uses cryptoki directly so that
/// the harness does not depend on the code it tests; finalizes before returning, so the
/// test body starts from a fresh `C_Initialize` with no session or login left over.
pub fn populate(module: &Path, token_label: &str, contents: Contents) -> Vec<FixtureCert> {
    let (p11, slot) = open_token(module, token_label);
    let certs = fixture_certs();
    {
        let session = p11.open_rw_session(slot).expect("rw session");
        session
            .login(UserType::User, Some(&AuthPin::from(USER_PIN)))
            .expect("login");
        let cert_template = |c: &FixtureCert, label: &str, id: &[u8], private: bool| {
            let mut t = vec![
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::CertificateType(CertificateType::X_509),
                Attribute::Token(true),
                Attribute::Private(private),
                Attribute::Label(label.as_bytes().to_vec()),
                Attribute::Id(id.to_vec()),
                Attribute::Subject(c.subject.clone()),
                Attribute::Issuer(c.issuer.clone()),
                Attribute::SerialNumber(c.serial.clone()),
                Attribute::Value(c.der.clone()),
            ];
            // CKA_CERTIFICATE_CATEGORY (0x87): cryptoki has no variant, a raw one works.
            let category: Option<u64> = if c.label.ends_with("-ca") {
                Some(2)
            } else if c.label == "leaf" {
                Some(1)
            } else {
                None
            };
            if let Some(cat) = category {
                t.push(Attribute::VendorDefined((
                    AttributeType::VendorDefined(0x87),
                    cat.to_ne_bytes().to_vec(),
                )));
            }
            t
        };
        if contents.certs {
            for c in certs
                .iter()
                .filter(|c| contents.only.is_empty() || contents.only.contains(&c.label.as_str()))
            {
                session
                    .create_object(&cert_template(c, &c.label, &c.id, false))
                    .unwrap_or_else(|e| panic!("create {}: {e}", c.label));
            }
        }
        if contents.private_cert {
            let leaf = certs
                .iter()
                .find(|c| c.label == "leaf")
                .expect("leaf.pem fixture");
            session
                .create_object(&cert_template(
                    leaf,
                    PRIVATE_CERT_LABEL,
                    PRIVATE_CERT_ID,
                    true,
                ))
                .expect("create private cert");
        }
        if contents.rsa {
            let (label, id) = RSA_KEY;
            session
                .generate_key_pair(
                    &Mechanism::RsaPkcsKeyPairGen,
                    &[
                        Attribute::Token(true),
                        Attribute::Private(false),
                        Attribute::ModulusBits(2048.into()),
                        Attribute::PublicExponent(vec![1, 0, 1]),
                        Attribute::Verify(true),
                        Attribute::Encrypt(true),
                        Attribute::Label(label.as_bytes().to_vec()),
                        Attribute::Id(id.to_vec()),
                    ],
                    &[
                        Attribute::Token(true),
                        Attribute::Private(true),
                        Attribute::Sensitive(true),
                        Attribute::Extractable(false),
                        Attribute::Sign(true),
                        Attribute::Decrypt(true),
                        Attribute::Label(label.as_bytes().to_vec()),
                        Attribute::Id(id.to_vec()),
                    ],
                )
                .expect("generate RSA 2048");
        }
        if contents.ec {
            let (label, id) = EC_KEY;
            session
                .generate_key_pair(
                    &Mechanism::EccKeyPairGen,
                    &[
                        Attribute::Token(true),
                        Attribute::Private(false),
                        Attribute::EcParams(P256_OID_DER.to_vec()),
                        Attribute::Verify(true),
                        Attribute::Label(label.as_bytes().to_vec()),
                        Attribute::Id(id.to_vec()),
                    ],
                    &[
                        Attribute::Token(true),
                        Attribute::Private(true),
                        Attribute::Sensitive(true),
                        Attribute::Sign(true),
                        Attribute::Derive(true),
                        Attribute::Label(label.as_bytes().to_vec()),
                        Attribute::Id(id.to_vec()),
                    ],
                )
                .expect("generate EC P-256");
        }
    }
    p11.finalize().expect("C_Finalize");
    certs
}

/// Parses `pkcs11-tool --list-objects` output into (label, lower-hex ID) pairs.
pub fn pkcs11_tool_certs(output: &str) -> std::collections::BTreeSet<(String, String)> {
    let mut out = std::collections::BTreeSet::new();
    let mut current: Option<(String, String)> = None;
    for line in output.lines() {
        if line.starts_with("Certificate Object") {
            if let Some(c) = current.take() {
                out.insert(c);
            }
            current = Some((String::new(), String::new()));
        } else if let Some((label, id)) = current.as_mut() {
            let line = line.trim();
            if let Some(v) = line.strip_prefix("label:") {
                *label = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("ID:") {
                *id = v.trim().to_string();
            }
        }
    }
    out.extend(current);
    out
}
