//! Text of the token information commands (`token modules`, `token slots`, `token
//! mechanisms`) and the fields of their JSON documents (written in a [`super::json::Document`]).

use std::io::{self, Write};

use serde::Serialize;

use super::sanitize::sanitize;
use super::style;
use crate::token::doctor::Diagnosis;
use crate::token::modules::RegisteredModule;
use crate::token::report::{MechanismsReport, ModuleReport, SlotReport};

/// Width of the label column (label and colon) in slot text.
pub const LABEL_WIDTH: usize = 16;

/// The fields of the JSON document.
#[derive(Serialize)]
pub struct ModulesDoc<'a> {
    /// `modules`.
    pub modules: &'a [RegisteredModule],
    /// `proxy`.
    pub proxy: Option<&'a str>,
    /// `user_config_skipped`: why the user's p11-kit configuration was not read (as
    /// p11-kit does not read it: running as root, setuid, `P11_NO_USER_CONFIG`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_config_skipped: Option<&'a str>,
}

/// The fields of the JSON document.
#[derive(Serialize)]
pub struct SlotsDoc<'a> {
    /// `module`.
    pub module: &'a ModuleReport,
    /// `slots`.
    pub slots: &'a [SlotReport],
}

/// The fields of the JSON document.
#[derive(Serialize)]
pub struct MechanismsDoc<'a> {
    /// `tokens`.
    pub tokens: &'a [MechanismsReport],
    /// `note`.
    pub note: &'static str,
}

fn field(w: &mut dyn Write, indent: usize, label: &str, value: &str) -> io::Result<()> {
    style::field(
        w,
        indent,
        &format!("{label}:"),
        LABEL_WIDTH,
        &sanitize(value),
    )
}

/// `4-255`; a bound the module does not know (`CK_UNAVAILABLE_INFORMATION`) is "not
/// available".
fn pin_lengths(min: Option<usize>, max: Option<usize>) -> String {
    let bound = |b: Option<usize>| b.map_or_else(|| "not available".to_string(), |b| b.to_string());
    match (min, max) {
        (None, None) => "not available".to_string(),
        // Some modules (kryoptic) report a maximum of 0 for "none": `8-0` would read as
        // an empty range, and certscope does not check such a maximum either.
        (Some(min), Some(0)) if min > 0 => format!("{min} or more (maximum given as 0)"),
        _ => format!("{}-{}", bound(min), bound(max)),
    }
}

fn memory(free: Option<usize>, total: Option<usize>) -> String {
    match (free, total) {
        (Some(f), Some(t)) => format!("{f} of {t} bytes free"),
        (None, Some(t)) => format!("{t} bytes"),
        (Some(f), None) => format!("{f} bytes free"),
        (None, None) => "not reported".to_string(),
    }
}

/// `token modules`: one line per registered module, then the default.
pub fn modules(
    w: &mut dyn Write,
    found: &[RegisteredModule],
    proxy: Option<&str>,
    user_config_skipped: Option<&str>,
) -> io::Result<()> {
    for m in found {
        let mut notes = Vec::new();
        if !m.exists {
            notes.push("library missing".to_string());
        }
        if m.trust_policy {
            notes.push("trust anchors".to_string());
        }
        if let Some(d) = &m.disable_in {
            notes.push(format!("disabled in {d}"));
        }
        if let Some(e) = &m.enable_in {
            notes.push(format!("enabled only in {e}"));
        }
        if !m.enabled {
            notes.push("not loaded by certscope's --all-modules".to_string());
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!("  ({})", notes.join(", "))
        };
        writeln!(w, "{}: {}{}", sanitize(&m.name), sanitize(&m.path), notes)?;
    }
    if let Some(why) = user_config_skipped {
        writeln!(
            w,
            "(your ~/.config/pkcs11 is not read, as p11-kit does not read it: {})",
            sanitize(why)
        )?;
    }
    match proxy {
        Some(p) => writeln!(w, "(default module when none is named: {p})"),
        None => writeln!(w, "(p11-kit's proxy module is not installed)"),
    }
}

/// `token slots`: the module, then each slot and its token.
pub fn slots(w: &mut dyn Write, info: &ModuleReport, slots: &[SlotReport]) -> io::Result<()> {
    writeln!(w, "Module: {}", sanitize(&info.path))?;
    field(
        w,
        2,
        "Library",
        &format!(
            "{} {} ({}), PKCS#11 {}",
            info.description, info.library_version, info.manufacturer, info.cryptoki_version
        ),
    )?;
    for s in slots {
        writeln!(w)?;
        writeln!(w, "Slot {}: {}", s.id, sanitize(&s.description))?;
        field(w, 2, "Manufacturer", &s.manufacturer)?;
        field(w, 2, "Flags", &s.flags.join(", "))?;
        if let Some(e) = &s.error {
            field(w, 2, "Token", &format!("cannot be read: {e}"))?;
            continue;
        }
        let Some(t) = &s.token else {
            field(w, 2, "Token", "none")?;
            continue;
        };
        let label = if t.label.is_empty() {
            "(no label)"
        } else {
            t.label.as_str()
        };
        field(w, 2, "Token", label)?;
        field(w, 4, "Manufacturer", &t.manufacturer)?;
        field(w, 4, "Model", &t.model)?;
        field(w, 4, "Serial", &t.serial)?;
        field(w, 4, "Flags", &t.flags.join(", "))?;
        field(
            w,
            4,
            "PIN length",
            &pin_lengths(t.min_pin_len, t.max_pin_len),
        )?;
        field(
            w,
            4,
            "Public memory",
            &memory(t.free_public_memory, t.total_public_memory),
        )?;
        field(
            w,
            4,
            "Private memory",
            &memory(t.free_private_memory, t.total_private_memory),
        )?;
    }
    Ok(())
}

/// `token mechanisms`: per token, one line per mechanism, like `pkcs11-tool -M`.
pub fn mechanisms(w: &mut dyn Write, reports: &[MechanismsReport]) -> io::Result<()> {
    for r in reports {
        writeln!(
            w,
            "Token \"{}\" (slot {}): {} mechanisms",
            sanitize(&r.token),
            r.slot,
            r.mechanisms.len()
        )?;
        for m in &r.mechanisms {
            let sizes = match (m.min_key_size, m.max_key_size) {
                (Some(a), Some(b)) if a != 0 || b != 0 => format!(", keySize={{{a},{b}}}"),
                _ => String::new(),
            };
            let flags = if m.flags.is_empty() {
                String::new()
            } else {
                format!(", {}", m.flags.join(", "))
            };
            writeln!(w, "  {}{sizes}{flags}", m.name)?;
        }
    }
    Ok(())
}

/// `token doctor`: each step with ok/FAILED, then the problems found, explained.
pub fn doctor(w: &mut dyn Write, d: &Diagnosis) -> io::Result<()> {
    writeln!(w, "Module: {}", sanitize(&d.module))?;
    for s in &d.steps {
        let slot = s.slot.map(|id| format!(" (slot {id})")).unwrap_or_default();
        let mark = if s.ok { "ok" } else { "FAILED" };
        writeln!(
            w,
            "  {:<18} {mark:<6} {}",
            format!("{}{slot}", s.step),
            sanitize(&s.result)
        )?;
    }
    if d.findings.is_empty() {
        return writeln!(w, "No known problem found.");
    }
    writeln!(w, "Problems:")?;
    for f in &d.findings {
        writeln!(w, "  - {}: {}", f.problem, sanitize(&f.explanation))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::pin_lengths;

    #[test]
    fn pin_lengths_read_as_a_range() {
        assert_eq!(pin_lengths(Some(4), Some(255)), "4-255");
        assert_eq!(pin_lengths(None, None), "not available");
        assert_eq!(pin_lengths(Some(4), None), "4-not available");
        // kryoptic's maximum of 0: not the empty range `8-0`.
        assert_eq!(
            pin_lengths(Some(8), Some(0)),
            "8 or more (maximum given as 0)"
        );
        assert_eq!(pin_lengths(Some(0), Some(0)), "0-0");
    }
}
