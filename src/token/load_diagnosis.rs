//! Why a module file did not load. Loading fails before any `CKR_` exists; [`classify_load_error`]
//! sorts the `dlopen` message (the only information libloading gives) and the file's ELF
//! header into the cases a user can act on: file missing, not a shared library, wrong
//! architecture, a dependency missing, no `C_GetFunctionList` symbol.

use std::path::Path;

/// What went wrong when loading a module file, sorted into cases a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadFailure {
    /// There is no file at the path.
    NotFound,
    /// The file exists but is not a shared library (text, a static archive, a directory).
    NotSharedLibrary,
    /// A shared library for another architecture or word size.
    WrongArchitecture,
    /// The file (or a directory on the way) cannot be read.
    PermissionDenied,
    /// The module needs a library that is not installed; the detail names it.
    MissingDependency,
    /// The module refers to a symbol no loaded library has.
    UnresolvedSymbol,
    /// A shared library without `C_GetFunctionList`: not a PKCS#11 module.
    NotPkcs11Module,
    /// `C_GetFunctionList` is there but failed; the detail has its `CKR_` sentence.
    FunctionListFailed,
    /// Anything else; the dynamic loader's message is kept in the detail.
    Other,
}

/// Sorts a dynamic loader message (`dlerror()` text, which is all libloading passes on)
/// for the module at `path`.
pub fn classify_load_error(path: &Path, message: &str) -> LoadFailure {
    let m = message.to_ascii_lowercase();
    if m.contains("no such file or directory") {
        // dlopen says this for the module, for a library it links against, and (glibc) for
        // a module built for another CPU of the same word size, whose e_machine it rejects
        // with ENOENT. Whether the file exists, and what its ELF header says, tell them apart.
        if !path.exists() {
            LoadFailure::NotFound
        } else if elf_target(path).is_some_and(|t| !t.runs_here()) {
            LoadFailure::WrongArchitecture
        } else {
            LoadFailure::MissingDependency
        }
    } else if m.contains("wrong elf class")
        || m.contains("elf file's machine")
        || m.contains("elf file data encoding")
    {
        LoadFailure::WrongArchitecture
    } else if m.contains("invalid elf header")
        || m.contains("file too short")
        || m.contains("only et_dyn and et_exec")
        || m.contains("not a dynamic")
        || m.contains("is a directory")
        || m.contains("no loadable segments")
        || m.contains("elf load command")
        // The rest of glibc's "ELF file ..." complaints (version, OS ABI, header sizes):
        // a damaged file rather than one for another machine, which is handled above.
        || m.contains("elf file")
    {
        LoadFailure::NotSharedLibrary
    } else if m.contains("permission denied") {
        LoadFailure::PermissionDenied
    } else if m.contains("undefined symbol") {
        LoadFailure::UnresolvedSymbol
    } else {
        LoadFailure::Other
    }
}

/// What an ELF header says a file was built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElfTarget {
    /// ELFCLASS64 rather than ELFCLASS32.
    pub bits64: bool,
    /// ELFDATA2LSB rather than ELFDATA2MSB.
    pub little_endian: bool,
    /// `e_machine`.
    pub machine: u16,
}

/// `e_machine` of the CPU certscope was built for, where it is one of the usual ones.
const HOST_MACHINE: Option<u16> = if cfg!(target_arch = "x86_64") {
    Some(62)
} else if cfg!(target_arch = "aarch64") {
    Some(183)
} else if cfg!(target_arch = "x86") {
    Some(3)
} else if cfg!(target_arch = "arm") {
    Some(40)
} else if cfg!(target_arch = "riscv64") {
    Some(243)
} else if cfg!(target_arch = "powerpc64") {
    Some(21)
} else if cfg!(target_arch = "s390x") {
    Some(22)
} else {
    None
};

impl ElfTarget {
    /// Could this process load it? (`true` when the host CPU is not one certscope knows:
    /// then the dynamic loader's word is taken.)
    pub fn runs_here(&self) -> bool {
        self.bits64 == cfg!(target_pointer_width = "64")
            && self.little_endian == cfg!(target_endian = "little")
            && HOST_MACHINE.is_none_or(|m| m == self.machine)
    }

    /// `AArch64 (64-bit)`.
    pub fn describe(&self) -> String {
        let cpu = match self.machine {
            3 => "i386".to_string(),
            8 => "MIPS".to_string(),
            20 => "PowerPC".to_string(),
            21 => "PowerPC 64".to_string(),
            22 => "s390".to_string(),
            40 => "ARM".to_string(),
            62 => "x86-64".to_string(),
            183 => "AArch64".to_string(),
            243 => "RISC-V".to_string(),
            258 => "LoongArch".to_string(),
            m => format!("ELF machine {m}"),
        };
        format!(
            "{cpu} ({}-bit{})",
            if self.bits64 { 64 } else { 32 },
            if self.little_endian {
                ""
            } else {
                " big-endian"
            }
        )
    }
}

/// The target in a file's ELF header; `None` when it is not an ELF file (or unreadable).
pub fn elf_target(path: &Path) -> Option<ElfTarget> {
    use std::io::Read;
    let mut head = [0u8; 20];
    std::fs::File::open(path).ok()?.read_exact(&mut head).ok()?;
    let (magic, rest) = head.split_first_chunk::<4>()?;
    if magic != b"\x7fELF" {
        return None;
    }
    let bits64 = match rest.first()? {
        1 => false,
        2 => true,
        _ => return None,
    };
    let little_endian = match rest.get(1)? {
        1 => true,
        2 => false,
        _ => return None,
    };
    let machine = [*head.get(18)?, *head.get(19)?];
    Some(ElfTarget {
        bits64,
        little_endian,
        machine: if little_endian {
            u16::from_le_bytes(machine)
        } else {
            u16::from_be_bytes(machine)
        },
    })
}

/// The host, in [`ElfTarget::describe`]'s words.
pub(crate) fn host_description() -> String {
    HOST_MACHINE.map_or_else(
        || std::env::consts::ARCH.to_string(),
        |machine| {
            ElfTarget {
                bits64: cfg!(target_pointer_width = "64"),
                little_endian: cfg!(target_endian = "little"),
                machine,
            }
            .describe()
        },
    )
}

pub(crate) fn load_sentence(kind: &LoadFailure) -> &'static str {
    match kind {
        LoadFailure::NotFound => "the file does not exist",
        LoadFailure::NotSharedLibrary => "the file is not a shared library",
        LoadFailure::WrongArchitecture => {
            "the library is built for another architecture (32/64-bit or CPU)"
        }
        LoadFailure::PermissionDenied => "permission denied",
        LoadFailure::MissingDependency => "a library the module needs is not installed",
        LoadFailure::UnresolvedSymbol => "the module needs a symbol no loaded library provides",
        LoadFailure::FunctionListFailed => "the module would not hand out its functions",
        LoadFailure::NotPkcs11Module => {
            "it is a shared library but not a PKCS#11 module (no C_GetFunctionList symbol)"
        }
        LoadFailure::Other => "the dynamic loader refused it",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_messages() {
        let missing = Path::new("/nonexistent/libnothing.so");
        assert_eq!(
            classify_load_error(
                missing,
                "/nonexistent/libnothing.so: cannot open shared object file: No such file or directory"
            ),
            LoadFailure::NotFound
        );
        // The file exists, so "No such file" is about something it links against.
        let exists = Path::new("/");
        assert_eq!(
            classify_load_error(
                exists,
                "libfoo.so.1: cannot open shared object file: No such file or directory"
            ),
            LoadFailure::MissingDependency
        );
        let c = |m: &str| classify_load_error(exists, m);
        assert_eq!(c("/x: invalid ELF header"), LoadFailure::NotSharedLibrary);
        assert_eq!(c("/x: file too short"), LoadFailure::NotSharedLibrary);
        assert_eq!(
            c("/x: ELF file's phentsize not the expected size"),
            LoadFailure::NotSharedLibrary
        );
        assert_eq!(
            c("/x: ELF file data encoding not little-endian"),
            LoadFailure::WrongArchitecture
        );
        assert_eq!(
            c("/x: wrong ELF class: ELFCLASS32"),
            LoadFailure::WrongArchitecture
        );
        assert_eq!(
            c("/x: cannot open shared object file: Permission denied"),
            LoadFailure::PermissionDenied
        );
        assert_eq!(
            c("/x: undefined symbol: foo"),
            LoadFailure::UnresolvedSymbol
        );
        assert_eq!(c("something new"), LoadFailure::Other);
    }

    #[test]
    fn elf_headers() {
        let dir = std::env::temp_dir();
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.join(format!("certscope-elf-{}-{name}", std::process::id()));
            std::fs::write(&p, bytes).unwrap();
            p
        };
        // ELF64 LSB, ET_DYN, EM_AARCH64 (183) / ELF32 LSB, EM_386 (3) / ELF64 MSB, EM_S390.
        let mut aarch64 = b"\x7fELF\x02\x01\x01\x00".to_vec();
        aarch64.extend([0u8; 8]);
        aarch64.extend([3, 0, 183, 0]);
        let mut i386 = b"\x7fELF\x01\x01\x01\x00".to_vec();
        i386.extend([0u8; 8]);
        i386.extend([3, 0, 3, 0]);
        let mut s390 = b"\x7fELF\x02\x02\x01\x00".to_vec();
        s390.extend([0u8; 8]);
        s390.extend([0, 3, 0, 22]);
        let cases = [
            (write("a", &aarch64), "AArch64 (64-bit)", 183),
            (write("i", &i386), "i386 (32-bit)", 3),
            (write("s", &s390), "s390 (64-bit big-endian)", 22),
        ];
        for (path, want, machine) in &cases {
            let t = elf_target(path).unwrap();
            let _ = std::fs::remove_file(path);
            assert_eq!(t.describe(), *want);
            assert_eq!(t.machine, *machine);
            if cfg!(all(target_arch = "x86_64", target_os = "linux")) {
                assert!(!t.runs_here(), "{want}");
            }
        }
        let text = write("t", b"not an ELF file at all, just text");
        let target = elf_target(&text);
        let _ = std::fs::remove_file(&text);
        assert_eq!(target, None);
        if cfg!(all(target_arch = "x86_64", target_os = "linux")) {
            // glibc's words for an AArch64 module on x86-64.
            let p = write("m", &aarch64);
            let kind = classify_load_error(
                &p,
                &format!(
                    "{}: cannot open shared object file: No such file or directory",
                    p.display()
                ),
            );
            let _ = std::fs::remove_file(&p);
            assert_eq!(kind, LoadFailure::WrongArchitecture);
            assert_eq!(host_description(), "x86-64 (64-bit)");
        }
    }
}
