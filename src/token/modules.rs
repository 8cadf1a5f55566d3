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
//! p11-kit's configuration (pkcs11.conf(5)): `*.module` files in the system directory
//! (`/usr/share/p11-kit/modules`), the admin directory (`/etc/pkcs11/modules`) and the
//! user's (`~/.config/pkcs11/modules`), later ones overriding a file of the same name
//! unless `/etc/pkcs11/pkcs11.conf` says `user-config: none` (or `only`). A `module:` line
//! names the library, relative names in p11-kit's module directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::token::error::TokenError;
use crate::token::uri::Pkcs11Uri;

/// Where p11-kit's configuration lives. [`ConfigDirs::system`] gives the standard places;
/// tests point it elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigDirs {
    /// System and admin `modules` directories, in precedence order (later wins).
    pub system: Vec<PathBuf>,
    /// The user's `modules` directory, if there is a home directory.
    pub user: Option<PathBuf>,
    /// The global `pkcs11.conf` (for `user-config`).
    pub global_conf: PathBuf,
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

impl ConfigDirs {
    /// The standard places, with the user's directory under `home` (from `$HOME`).
    pub fn system(home: Option<&Path>) -> ConfigDirs {
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
            module_dir,
        }
    }

    /// The directories to read, in precedence order, as `user-config` decides.
    fn search_order(&self) -> Vec<PathBuf> {
        let user_config = std::fs::read_to_string(&self.global_conf)
            .ok()
            .and_then(|text| parse_config(&text).remove("user-config"))
            .unwrap_or_else(|| "merge".to_string());
        let user = self.user.iter().cloned();
        match user_config.as_str() {
            "none" => self.system.clone(),
            "only" => user.collect(),
            _ => self.system.iter().cloned().chain(user).collect(),
        }
    }
}

/// A module registered with p11-kit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisteredModule {
    /// The file name without `.module` (what `module-name=` and p11-kit call it).
    pub name: String,
    /// The library, resolved to an absolute path.
    pub path: String,
    /// The `.module` file that registered it.
    pub config: String,
    /// Whether the library file exists.
    pub exists: bool,
    /// `disable-in` / `enable-in` lines, as written (`p11-kit-proxy` keeps the trust
    /// module out of the proxy, for instance).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_in: Option<String>,
    /// `enable-in`, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_in: Option<String>,
    /// `trust-policy: yes`: the module holds trust anchors.
    pub trust_policy: bool,
}

/// pkcs11.conf(5) `name: value` lines; `#` starts a comment line.
fn parse_config(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Every module p11-kit would load, sorted by name. A later directory overrides an
/// earlier file of the same name; an empty `module:` disables the module.
pub fn registered(dirs: &ConfigDirs) -> Vec<RegisteredModule> {
    let mut by_name: BTreeMap<String, Option<RegisteredModule>> = BTreeMap::new();
    for dir in dirs.search_order() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "module"))
            .collect();
        files.sort();
        for file in files {
            let Some(name) = file.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
                continue;
            };
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let mut conf = parse_config(&text);
            let module = conf.remove("module").unwrap_or_default();
            let entry = (!module.is_empty()).then(|| {
                let path = resolve_library(&dirs.module_dir, &module);
                RegisteredModule {
                    name: name.clone(),
                    exists: path.is_file(),
                    path: path.to_string_lossy().into_owned(),
                    config: file.to_string_lossy().into_owned(),
                    disable_in: conf.remove("disable-in"),
                    enable_in: conf.remove("enable-in"),
                    trust_policy: conf
                        .get("trust-policy")
                        .is_some_and(|v| v.eq_ignore_ascii_case("yes")),
                }
            });
            by_name.insert(name, entry);
        }
    }
    by_name.into_values().flatten().collect()
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
    let given = |path: &str, origin| ModuleChoice {
        path: PathBuf::from(path),
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
            module_dir: root.join("lib"),
        }
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
