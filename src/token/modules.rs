//! Which PKCS#11 module to load, and the modules p11-kit knows about.
//!
//! Resolution order (first that applies): `--module PATH`, the `CERTSCOPE_PKCS11_MODULE`
//! environment variable, a URI's `module-path` when the user allowed it
//! (`--allow-uri-module`), a URI's `module-name` (a p11-kit module name, looked up in
//! p11-kit's `*.module` files), then p11-kit's proxy module, which exposes the slots of
//! every registered module. A URI's `module-path` without the opt-in is an error when nothing
//! else names a module, rather than silently ignored: a URI can come from a file name or a
//! pasted text, and loading a library runs its code (GnuTLS p11tool also ignores it unless
//! told). The binary reads the environment and passes what it found; this module only looks
//! at files.
//!
//! p11-kit's configuration, read as p11-kit 0.24 reads it (`p11-kit/conf.c`):
//!
//! - the global `pkcs11.conf`: `/etc/pkcs11/pkcs11.conf`, then the user's
//!   `~/.config/pkcs11/pkcs11.conf`, whose `user-config` (`none`, `merge`, `only` or
//!   `override`) decides whether the user's files count; the user's own `user-config` wins
//!   over the system's;
//! - the user's configuration is skipped altogether when the program runs as root, is
//!   setuid/setgid, or `P11_NO_USER_CONFIG` is set (p11-kit's rule; the binary finds out
//!   which and says so in [`ConfigDirs::user_skipped`]);
//! - `*.module` files are merged **key by key**: the user's file first, then
//!   `/etc/pkcs11/modules`, then `/usr/share/p11-kit/modules`, each supplying only the keys
//!   the earlier ones did not set (so a user file with just `disable-in: certscope`
//!   disables a system module);
//! - `enable-in`/`disable-in` name the programs (by short name) that load a module or not;
//!   `p11-kit-proxy` stands for the proxy module.
//!
//! A `module:` line names the library, relative names in p11-kit's module directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::token::error::TokenError;
use crate::token::uri::Pkcs11Uri;

/// The program name `enable-in`/`disable-in` lines are judged for when certscope loads a
/// module itself.
pub const PROGRAM_NAME: &str = "certscope";

/// The name p11-kit gives the proxy module in `enable-in`/`disable-in`.
pub const PROXY_NAME: &str = "p11-kit-proxy";

/// Where p11-kit's configuration lives. [`ConfigDirs::system`] gives the standard places;
/// tests point it elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigDirs {
    /// Package and admin `modules` directories, in precedence order (later wins).
    pub system: Vec<PathBuf>,
    /// The user's `modules` directory, if there is a home directory.
    pub user: Option<PathBuf>,
    /// The global `pkcs11.conf` (for `user-config`).
    pub global_conf: PathBuf,
    /// The user's `pkcs11.conf`, if there is a home directory.
    pub user_conf: Option<PathBuf>,
    /// Why the user's configuration is not read at all (root, setuid,
    /// `P11_NO_USER_CONFIG`), as p11-kit skips it; `None` reads it.
    pub user_skipped: Option<String>,
    /// Where relative `module:` names are found.
    pub module_dir: PathBuf,
}

/// p11-kit's module directory on Debian/Ubuntu (multiarch) and Fedora/RHEL.
const MODULE_DIRS: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/pkcs11",
    "/usr/lib/aarch64-linux-gnu/pkcs11",
    "/usr/lib64/pkcs11",
    "/usr/lib/pkcs11",
];

/// p11-kit's proxy module, same distributions.
const PROXY_CANDIDATES: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so",
    "/usr/lib/aarch64-linux-gnu/p11-kit-proxy.so",
    "/usr/lib64/p11-kit-proxy.so",
    "/usr/lib/p11-kit-proxy.so",
];

/// Which configuration files count (`user-config`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UserMode {
    None,
    Merge,
    Only,
}

fn user_mode(value: Option<&String>, default: UserMode) -> UserMode {
    match value.map(String::as_str) {
        Some("none") => UserMode::None,
        Some("merge") => UserMode::Merge,
        Some("only" | "override") => UserMode::Only,
        // p11-kit refuses to load anything on an invalid value; reading on as the default
        // shows the modules it would otherwise load.
        _ => default,
    }
}

impl ConfigDirs {
    /// The standard places, with the user's files under `home` (from `$HOME`).
    /// `user_skipped` is why the user's configuration must not be read, if it must not.
    pub fn system(home: Option<&Path>, user_skipped: Option<String>) -> ConfigDirs {
        let module_dir = MODULE_DIRS
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_dir())
            .unwrap_or_else(|| PathBuf::from(MODULE_DIRS.first().copied().unwrap_or("/")));
        ConfigDirs {
            system: vec![
                PathBuf::from("/usr/share/p11-kit/modules"),
                PathBuf::from("/etc/pkcs11/modules"),
            ],
            user: home.map(|h| h.join(".config/pkcs11/modules")),
            global_conf: PathBuf::from("/etc/pkcs11/pkcs11.conf"),
            user_conf: home.map(|h| h.join(".config/pkcs11/pkcs11.conf")),
            user_skipped,
            module_dir,
        }
    }

    /// The global settings as p11-kit merges them, and which module files count.
    fn mode(&self) -> UserMode {
        let system = read_config(&self.global_conf).unwrap_or_default();
        let mode = user_mode(system.get("user-config"), UserMode::Merge);
        if mode == UserMode::None || self.user_skipped.is_some() {
            return UserMode::None;
        }
        let user = self
            .user_conf
            .as_deref()
            .and_then(read_config)
            .unwrap_or_default();
        user_mode(user.get("user-config"), mode)
    }

    /// The `modules` directories to read, in precedence order (earlier wins, key by key).
    fn search_order(&self) -> Vec<PathBuf> {
        let mode = self.mode();
        let mut order = Vec::new();
        if mode != UserMode::None {
            order.extend(self.user.iter().cloned());
        }
        if mode != UserMode::Only {
            order.extend(self.system.iter().rev().cloned());
        }
        order
    }
}

/// A module registered with p11-kit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisteredModule {
    /// The file name without `.module` (what `module-name=` and p11-kit call it).
    pub name: String,
    /// The library, resolved to an absolute path.
    pub path: String,
    /// The `.module` file that set `module:` (the first in precedence order).
    pub config: String,
    /// Every `.module` file merged into this one, in precedence order.
    pub configs: Vec<String>,
    /// Whether the library file exists.
    pub exists: bool,
    /// `disable-in`, as written (`p11-kit-proxy` keeps the trust module out of the proxy,
    /// for instance).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_in: Option<String>,
    /// `enable-in`, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_in: Option<String>,
    /// Whether p11-kit would load it in certscope (`enable-in`/`disable-in` judged for
    /// the program name `certscope`): what `--all-modules` loads.
    pub enabled: bool,
    /// Whether p11-kit's proxy module (the default module) exposes its slots.
    pub in_proxy: bool,
    /// `trust-policy: yes`: the module holds trust anchors.
    pub trust_policy: bool,
    /// Every setting after merging (`x-init-reserved`, `priority`, ...).
    #[serde(skip)]
    pub settings: BTreeMap<String, String>,
}

impl RegisteredModule {
    /// Whether p11-kit loads this module in the program `program` (its short name), or in
    /// the proxy module when `proxy`: p11-kit's `is_module_enabled_unlocked`.
    pub fn enabled_in(&self, program: &str, proxy: bool) -> bool {
        enabled_in(
            self.enable_in.as_deref(),
            self.disable_in.as_deref(),
            program,
            proxy,
        )
    }
}

/// p11-kit's rule: with `enable-in`, loaded only in a program it names (or the proxy, if
/// it names `p11-kit-proxy`); with `disable-in`, loaded except in a program it names and
/// (when `proxy`) unless it names `p11-kit-proxy`; with neither, everywhere. Lists are
/// separated by commas and white space.
fn enabled_in(enable: Option<&str>, disable: Option<&str>, program: &str, proxy: bool) -> bool {
    let listed = |list: &str, name: &str| {
        list.split(|c: char| c == ',' || c.is_whitespace())
            .any(|item| item == name)
    };
    match (enable, disable) {
        (Some(e), _) => listed(e, program) || (proxy && listed(e, PROXY_NAME)),
        (None, Some(d)) => !(listed(d, program) || (proxy && listed(d, PROXY_NAME))),
        (None, None) => true,
    }
}

/// pkcs11.conf(5) `name: value` lines; `#` starts a comment line. A key set twice keeps
/// its last value, as p11-kit's dictionary does.
fn parse_config(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn read_config(path: &Path) -> Option<BTreeMap<String, String>> {
    std::fs::read_to_string(path)
        .ok()
        .map(|text| parse_config(&text))
}

/// One module's settings while its files are merged, the files read, and the one that set
/// `module:`.
type Merged = (BTreeMap<String, String>, Vec<PathBuf>, Option<PathBuf>);

/// Every module p11-kit would know, sorted by name, whether or not it is enabled (see
/// [`RegisteredModule::enabled`]). Files of the same name are merged key by key, the
/// earlier directory in precedence order winning; a module without a `module:` line, or
/// with an empty one, is left out (p11-kit skips it).
pub fn registered(dirs: &ConfigDirs) -> Vec<RegisteredModule> {
    let mut merged: BTreeMap<String, Merged> = BTreeMap::new();
    for dir in dirs.search_order() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "module") && !p.is_dir())
            .collect();
        files.sort();
        for file in files {
            let Some(name) = file.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
                continue;
            };
            let Some(conf) = read_config(&file) else {
                continue;
            };
            let (settings, files, module_file) = merged.entry(name).or_default();
            if module_file.is_none() && conf.contains_key("module") {
                *module_file = Some(file.clone());
            }
            for (k, v) in conf {
                settings.entry(k).or_insert(v);
            }
            files.push(file);
        }
    }
    merged
        .into_iter()
        .filter_map(|(name, (settings, files, module_file))| {
            let module = settings.get("module").filter(|m| !m.is_empty())?;
            let path = resolve_library(&dirs.module_dir, module);
            let disable_in = settings.get("disable-in").cloned();
            let enable_in = settings.get("enable-in").cloned();
            let enabled = enabled_in(
                enable_in.as_deref(),
                disable_in.as_deref(),
                PROGRAM_NAME,
                false,
            );
            let in_proxy = enabled_in(
                enable_in.as_deref(),
                disable_in.as_deref(),
                PROGRAM_NAME,
                true,
            );
            let shown = |p: &Path| p.to_string_lossy().into_owned();
            Some(RegisteredModule {
                name,
                exists: path.is_file(),
                path: shown(&path),
                config: module_file.as_deref().map(shown).unwrap_or_default(),
                configs: files.iter().map(|f| shown(f)).collect(),
                disable_in,
                enable_in,
                enabled,
                in_proxy,
                trust_policy: settings
                    .get("trust-policy")
                    .is_some_and(|v| v.eq_ignore_ascii_case("yes")),
                settings,
            })
        })
        .collect()
}

fn resolve_library(module_dir: &Path, module: &str) -> PathBuf {
    let p = Path::new(module);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        module_dir.join(p)
    }
}

/// How the module was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleOrigin {
    /// `--module`.
    Flag,
    /// `CERTSCOPE_PKCS11_MODULE`.
    Environment,
    /// A URI's `module-path`.
    UriPath,
    /// A URI's `module-name`, found in p11-kit's configuration.
    UriName(String),
    /// p11-kit's proxy module, the default.
    Proxy,
}

/// The module to load and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleChoice {
    /// The library.
    pub path: PathBuf,
    /// Where the choice came from.
    pub origin: ModuleOrigin,
}

impl ModuleChoice {
    /// The `module-path` object URIs should carry: every module but the proxy, which is
    /// the default anyway.
    pub fn uri_module_path(&self) -> Option<String> {
        (self.origin != ModuleOrigin::Proxy).then(|| self.path.to_string_lossy().into_owned())
    }
}

/// p11-kit's proxy module, if installed.
pub fn proxy() -> Option<PathBuf> {
    PROXY_CANDIDATES
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// Picks the module (see the module documentation for the order). `flag` is `--module`,
/// `env` the value of `CERTSCOPE_PKCS11_MODULE` (empty counts as unset), `uri` the URI
/// being read, if any, and `allow_uri_path` whether its `module-path` may be loaded.
pub fn resolve(
    flag: Option<&str>,
    env: Option<&str>,
    uri: Option<&Pkcs11Uri>,
    allow_uri_path: bool,
    dirs: &ConfigDirs,
) -> Result<ModuleChoice, TokenError> {
    // `--module` and the variable take a p11-kit module name as well as a path.
    let given = |path: &str, origin| ModuleChoice {
        path: module_arg(path, dirs),
        origin,
    };
    if let Some(p) = flag.filter(|p| !p.is_empty()) {
        return Ok(given(p, ModuleOrigin::Flag));
    }
    if let Some(p) = env.filter(|p| !p.is_empty()) {
        return Ok(given(p, ModuleOrigin::Environment));
    }
    if let Some(uri) = uri {
        let path = uri.module_path.as_deref().filter(|p| !p.is_empty());
        if let Some(p) = path.filter(|_| allow_uri_path) {
            return Ok(given(p, ModuleOrigin::UriPath));
        }
        if let Some(name) = uri.module_name.as_deref().filter(|n| !n.is_empty()) {
            return by_name(name, dirs).map(|path| ModuleChoice {
                path,
                origin: ModuleOrigin::UriName(name.to_string()),
            });
        }
        if let Some(p) = path {
            return Err(TokenError::UriModulePathNotAllowed {
                path: p.to_string(),
            });
        }
    }
    proxy()
        .map(|path| ModuleChoice {
            path,
            origin: ModuleOrigin::Proxy,
        })
        .ok_or(TokenError::NoModule)
}

/// What `--module VALUE` loads: a value with a `/` is a path; otherwise a registered
/// p11-kit module name (`softhsm2`), else a file of that name (or `NAME.so`) in p11-kit's
/// module directory, else the value as given (the dynamic loader then searches its path,
/// as for `libsofthsm2.so`).
pub fn module_arg(value: &str, dirs: &ConfigDirs) -> PathBuf {
    if value.contains('/') {
        return PathBuf::from(value);
    }
    if let Some(m) = registered(dirs).into_iter().find(|m| m.name == value) {
        return PathBuf::from(m.path);
    }
    [value.to_string(), format!("{value}.so")]
        .iter()
        .map(|f| dirs.module_dir.join(f))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(value))
}

/// A p11-kit module name to its library: the registered `NAME.module`, else `NAME.so` in
/// p11-kit's module directory (how p11-kit resolves a bare name too).
pub fn by_name(name: &str, dirs: &ConfigDirs) -> Result<PathBuf, TokenError> {
    if let Some(m) = registered(dirs).into_iter().find(|m| m.name == name) {
        return Ok(PathBuf::from(m.path));
    }
    // A name is a file name, never a path: `module-name=../x` must not escape.
    if !name.contains('/') {
        let so = dirs.module_dir.join(format!("{name}.so"));
        if so.is_file() {
            return Ok(so);
        }
    }
    let mut searched: Vec<String> = dirs
        .search_order()
        .iter()
        .map(|d| d.display().to_string())
        .collect();
    searched.push(dirs.module_dir.display().to_string());
    Err(TokenError::UnknownModuleName {
        name: name.to_string(),
        searched: searched.join(", "),
    })
}

/// The `x-init-reserved` string of the registered module `name` (its `.module` file), which
/// p11-kit passes to the module's `C_Initialize` as `pReserved` (NSS softoken needs one).
pub fn init_reserved(name: &str, dirs: &ConfigDirs) -> Option<String> {
    let module = registered(dirs).into_iter().find(|m| m.name == name)?;
    let text = std::fs::read_to_string(&module.config).ok()?;
    parse_config(&text)
        .remove("x-init-reserved")
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_reserved_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let d = dirs(tmp.path());
        std::fs::create_dir_all(&d.system[0]).unwrap();
        std::fs::write(
            d.system[0].join("nssdb.module"),
            "module: /usr/lib/libsoftokn3.so\nx-init-reserved: configdir='sql:/x' flags=readOnly\n",
        )
        .unwrap();
        std::fs::write(d.system[0].join("plain.module"), "module: /usr/lib/p.so\n").unwrap();
        assert_eq!(
            init_reserved("nssdb", &d).as_deref(),
            Some("configdir='sql:/x' flags=readOnly")
        );
        assert_eq!(init_reserved("plain", &d), None);
        assert_eq!(init_reserved("absent", &d), None);
    }

    fn dirs(root: &Path) -> ConfigDirs {
        ConfigDirs {
            system: vec![root.join("system"), root.join("admin")],
            user: Some(root.join("user")),
            global_conf: root.join("pkcs11.conf"),
            user_conf: Some(root.join("user.conf")),
            user_skipped: None,
            module_dir: root.join("lib"),
        }
    }

    #[test]
    fn module_files_merge_key_by_key() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = dirs(tmp.path());
        for sub in ["system", "admin", "user", "lib"] {
            std::fs::create_dir(tmp.path().join(sub)).unwrap();
        }
        let write = |f: &str, text: &str| std::fs::write(tmp.path().join(f), text).unwrap();
        write(
            "system/s.module",
            "module: s.so\npriority: 3\nx-init-reserved: a\n",
        );
        write("admin/s.module", "x-init-reserved: b\n");
        // The user's file sets one key; the rest comes from the system's.
        write("user/s.module", "disable-in: certscope\n");
        let mods = registered(&d);
        let s = &mods[0];
        assert_eq!(Path::new(&s.path), tmp.path().join("lib/s.so"));
        assert_eq!(s.settings.get("x-init-reserved").unwrap(), "b");
        assert_eq!(s.settings.get("priority").unwrap(), "3");
        assert!(!s.enabled && !s.in_proxy);
        assert_eq!(s.configs.len(), 3);
        assert!(s.config.ends_with("system/s.module"), "{}", s.config);
        // Running as root (or setuid, or P11_NO_USER_CONFIG): the user's files do not count.
        d.user_skipped = Some("running as root".into());
        assert!(registered(&d)[0].enabled);
        d.user_skipped = None;
        // The user's pkcs11.conf decides too: `only` drops the system's files.
        write("user.conf", "user-config: only\n");
        assert!(registered(&d).is_empty());
        write("user.conf", "user-config: none\n");
        assert!(registered(&d)[0].enabled);
        // ... unless the system's says none.
        write("user.conf", "user-config: only\n");
        write("pkcs11.conf", "user-config: none\n");
        assert_eq!(registered(&d).len(), 1);
        // A bare name given to --module is a registered module.
        assert_eq!(module_arg("s", &d), tmp.path().join("lib/s.so"));
        assert_eq!(module_arg("/x/s", &d), Path::new("/x/s"));
        assert_eq!(module_arg("libx.so", &d), Path::new("libx.so"));
    }

    #[test]
    fn enable_and_disable_in() {
        let e = |en, dis, prog, proxy| enabled_in(en, dis, prog, proxy);
        assert!(e(None, None, "certscope", false));
        assert!(e(Some("gnutls, certscope"), None, "certscope", false));
        assert!(!e(Some("gnutls"), None, "certscope", false));
        assert!(e(Some("p11-kit-proxy"), None, "certscope", true));
        assert!(!e(Some("p11-kit-proxy"), None, "certscope", false));
        assert!(!e(None, Some("certscope,x"), "certscope", false));
        assert!(e(None, Some("p11-kit-proxy"), "certscope", false));
        assert!(!e(None, Some("p11-kit-proxy"), "certscope", true));
        // enable-in wins when both are set, as in p11-kit.
        assert!(e(Some("certscope"), Some("certscope"), "certscope", false));
    }

    #[test]
    fn config_files_are_read_and_overridden() {
        let tmp = tempfile::tempdir().unwrap();
        let d = dirs(tmp.path());
        for sub in ["system", "admin", "user", "lib"] {
            std::fs::create_dir(tmp.path().join(sub)).unwrap();
        }
        std::fs::write(tmp.path().join("lib/a.so"), b"").unwrap();
        std::fs::write(
            tmp.path().join("system/a.module"),
            "# comment\nmodule: a.so\npriority: 1\ntrust-policy: yes\ndisable-in: p11-kit-proxy\n",
        )
        .unwrap();
        std::fs::write(tmp.path().join("system/b.module"), "module: /opt/b.so\n").unwrap();
        std::fs::write(tmp.path().join("system/c.module"), "module: c.so\n").unwrap();
        // The user disables c and moves b.
        std::fs::write(tmp.path().join("user/c.module"), "module:\n").unwrap();
        std::fs::write(tmp.path().join("user/b.module"), "module: /home/b.so\n").unwrap();
        let mods = registered(&d);
        let names: Vec<&str> = mods.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        let a = &mods[0];
        assert_eq!(Path::new(&a.path), tmp.path().join("lib/a.so"));
        assert!(a.exists && a.trust_policy);
        assert_eq!(a.disable_in.as_deref(), Some("p11-kit-proxy"));
        assert_eq!(mods[1].path, "/home/b.so");
        assert!(!mods[1].exists);

        // user-config: none ignores the user's files.
        std::fs::write(tmp.path().join("pkcs11.conf"), "user-config: none\n").unwrap();
        let names: Vec<String> = registered(&d).into_iter().map(|m| m.name).collect();
        assert_eq!(names, ["a", "b", "c"]);

        assert_eq!(by_name("a", &d).unwrap(), tmp.path().join("lib/a.so"));
        let e = by_name("zz", &d).unwrap_err();
        assert!(e.to_string().contains("zz.module"), "{e}");
        assert!(by_name("../lib/a", &d).is_err());
    }

    #[test]
    fn resolution_order() {
        let tmp = tempfile::tempdir().unwrap();
        let d = dirs(tmp.path());
        let uri = Pkcs11Uri::parse("pkcs11:?module-path=/u.so").unwrap();
        let r = |f, e, u| resolve(f, e, u, true, &d).unwrap();
        assert_eq!(
            r(Some("/f.so"), Some("/e.so"), Some(&uri)).origin,
            ModuleOrigin::Flag
        );
        assert_eq!(r(None, Some("/e.so"), Some(&uri)).path, Path::new("/e.so"));
        assert_eq!(r(None, Some(""), Some(&uri)).origin, ModuleOrigin::UriPath);
        let named = Pkcs11Uri::parse("pkcs11:?module-name=nothing-here").unwrap();
        assert!(resolve(None, None, Some(&named), true, &d).is_err());
        // Without the opt-in, module-path is never loaded: another source wins, and with
        // none the error names the flag.
        let e = resolve(None, None, Some(&uri), false, &d).unwrap_err();
        assert!(
            matches!(e, TokenError::UriModulePathNotAllowed { .. }),
            "{e}"
        );
        assert!(e.to_string().contains("--allow-uri-module"), "{e}");
        let env = resolve(None, Some("/e.so"), Some(&uri), false, &d).unwrap();
        assert_eq!(env.origin, ModuleOrigin::Environment);
        std::fs::create_dir(tmp.path().join("lib")).unwrap();
        std::fs::write(tmp.path().join("lib/reg.so"), b"").unwrap();
        let both = Pkcs11Uri::parse("pkcs11:?module-path=/u.so&module-name=reg").unwrap();
        let by_registry = resolve(None, None, Some(&both), false, &d).unwrap();
        assert_eq!(by_registry.path, tmp.path().join("lib/reg.so"));
        let choice = ModuleChoice {
            path: PathBuf::from("/x.so"),
            origin: ModuleOrigin::Flag,
        };
        assert_eq!(choice.uri_module_path().as_deref(), Some("/x.so"));
    }
}
