//! What key derivations may cost (issue 12): a budget per input, shared by the threads that
//! decode its items, and one memory-heavy derivation at a time per process.
//!
//! Work is counted in derivation rounds: PBKDF2 and PKCS#12-KDF iterations (each
//! derivation separately: a PKCS#12 PBE key and its IV are two), scrypt N·r·p block mixes
//! (about as costly per unit). Memory is scrypt's 128·N·r bytes. Both are summed over the
//! derivations of one input and held to `--max-kdf-iterations` and `--max-kdf-memory`,
//! whose defaults allow one maximal key: a file of many keys costs no more than one. Every
//! cost is known from the parameters, so it is charged before the derivation runs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Default `--max-kdf-memory`, in MiB: scrypt memory per input. Real keys use 16 MiB
/// (N=2^14, r=8; openssl refuses over 32 MiB by default); 256 MiB leaves room below the
/// 1 GiB a hostile-input run may use, so a limit is never found by running out of memory.
pub const DEFAULT_MAX_KDF_MEMORY_MIB: u64 = 256;

/// scrypt parallelism cap (p): fixed, far above real files (p = 1).
const MAX_SCRYPT_PARALLELISM: u64 = 16;

/// A derivation using more memory than this waits for any other such derivation to end, so
/// that decoding threads never hold two of them at once.
const HEAVY: u64 = 32 << 20;

/// One process-wide gate for memory-heavy derivations.
static HEAVY_GATE: Mutex<()> = Mutex::new(());

/// What one derivation costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// Rounds: iterations, or scrypt N·r·p.
    pub work: u64,
    /// Bytes held while deriving (scrypt), else 0.
    pub memory: u64,
}

impl Cost {
    /// PBKDF2 or PKCS#12-KDF with `iterations`.
    pub fn rounds(iterations: u64) -> Cost {
        Cost {
            work: iterations,
            memory: 0,
        }
    }

    /// scrypt with cost N, block size r, parallelism p; refused outright when p is over its
    /// fixed cap.
    pub fn scrypt(n: u64, r: u64, p: u64) -> Result<Cost, String> {
        if p > MAX_SCRYPT_PARALLELISM {
            return Err(format!(
                "asks scrypt for parallelism p={p}, over the fixed limit of \
                 {MAX_SCRYPT_PARALLELISM}"
            ));
        }
        Ok(Cost {
            work: n.saturating_mul(r).saturating_mul(p),
            memory: 128u64.saturating_mul(n).saturating_mul(r),
        })
    }
}

/// The KDF budget of one input. Cloning shares it (the decoding threads of one input).
#[derive(Debug, Clone)]
pub struct Budget(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    max_work: u64,
    max_memory: u64,
    work: AtomicU64,
    memory: AtomicU64,
}

impl Budget {
    /// A fresh budget: `max_work` rounds and `max_memory` bytes.
    pub fn new(max_work: u64, max_memory: u64) -> Budget {
        Budget(Arc::new(Inner {
            max_work,
            max_memory,
            work: AtomicU64::new(0),
            memory: AtomicU64::new(0),
        }))
    }

    /// The same limits, nothing spent.
    pub fn fresh(&self) -> Budget {
        Budget::new(self.0.max_work, self.0.max_memory)
    }

    /// Takes `cost` from the budget, or says which limit it breaks and which flag raises it
    /// (nothing is taken then). `what` names the derivation ("the key", "the MAC").
    pub fn charge(&self, what: &str, cost: Cost) -> Result<(), String> {
        let b = &self.0;
        if cost.memory > b.max_memory {
            return Err(format!(
                "{what} asks scrypt for {} MiB of memory, over the limit of {} MiB (raise it \
                 with --max-kdf-memory)",
                mib(cost.memory),
                mib(b.max_memory)
            ));
        }
        if cost.work > b.max_work {
            return Err(format!(
                "{what} asks for {} KDF iterations, over the limit of {} (raise it with \
                 --max-kdf-iterations)",
                cost.work, b.max_work
            ));
        }
        take(&b.memory, cost.memory, b.max_memory).map_err(|spent| {
            format!(
                "{what} asks scrypt for {} MiB of memory, and this input's KDF budget of {} \
                 MiB has {} MiB left (raise it with --max-kdf-memory)",
                mib(cost.memory),
                mib(b.max_memory),
                mib(b.max_memory.saturating_sub(spent))
            )
        })?;
        take(&b.work, cost.work, b.max_work).map_err(|spent| {
            // Give the memory back: this derivation will not run.
            b.memory.fetch_sub(cost.memory, Ordering::Relaxed);
            format!(
                "{what} asks for {} KDF iterations, and this input's KDF budget of {} has {} \
                 left (raise it with --max-kdf-iterations)",
                cost.work,
                b.max_work,
                b.max_work.saturating_sub(spent)
            )
        })
    }
}

/// Adds `amount` to `counter` unless the sum would pass `max`; the amount already spent
/// otherwise.
fn take(counter: &AtomicU64, amount: u64, max: u64) -> Result<(), u64> {
    counter
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |spent| {
            spent.checked_add(amount).filter(|sum| *sum <= max)
        })
        .map(|_| ())
}

fn mib(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

/// Runs a derivation of `cost`: memory-heavy ones one at a time in the process.
pub fn derive<T>(cost: Cost, f: impl FnOnce() -> T) -> T {
    if cost.memory > HEAVY {
        // A poisoned gate guards nothing (it holds no data): go on.
        let _gate = HEAVY_GATE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f()
    } else {
        f()
    }
}

/// The cost of a PKCS#5 scheme's key derivation (PBES2: PBKDF2 or scrypt; PBES1: PBKDF1).
pub fn pkcs5_cost(scheme: &pkcs8::pkcs5::EncryptionScheme) -> Result<Cost, String> {
    use pkcs8::pkcs5::pbes2::Kdf;
    match scheme {
        pkcs8::pkcs5::EncryptionScheme::Pbes2(p) => match &p.kdf {
            Kdf::Pbkdf2(k) => Ok(Cost::rounds(u64::from(k.iteration_count))),
            Kdf::Scrypt(s) => Cost::scrypt(
                s.cost_parameter,
                u64::from(s.block_size),
                u64::from(s.parallelization),
            ),
            // pkcs5 knows no other KDF; counted as free, it would not be derived anyway.
            _ => Ok(Cost::rounds(0)),
        },
        pkcs8::pkcs5::EncryptionScheme::Pbes1(p) => {
            Ok(Cost::rounds(u64::from(p.parameters.iteration_count)))
        }
        _ => Ok(Cost::rounds(0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_sums_and_names_the_flags() {
        let b = Budget::new(10, 100 << 20);
        assert!(b.charge("the key", Cost::rounds(6)).is_ok());
        let e = b.charge("the key", Cost::rounds(6)).unwrap_err();
        assert!(e.contains("KDF budget of 10 has 4 left"), "{e}");
        assert!(e.contains("--max-kdf-iterations"), "{e}");
        assert!(b.charge("the key", Cost::rounds(4)).is_ok());
        let e = b.charge("the key", Cost::rounds(11)).unwrap_err();
        assert!(e.contains("over the limit of 10"), "{e}");
        // A fresh budget for the next input.
        assert!(b.fresh().charge("the key", Cost::rounds(10)).is_ok());
    }

    #[test]
    fn memory_is_summed_and_refunded_when_work_fails() {
        let b = Budget::new(100, 64 << 20);
        let big = Cost {
            work: 50,
            memory: 40 << 20,
        };
        assert!(b.charge("k", big).is_ok());
        let e = b.charge("k", big).unwrap_err();
        assert!(
            e.contains("--max-kdf-memory") && e.contains("24 MiB left"),
            "{e}"
        );
        let greedy = Cost {
            work: 60,
            memory: 1 << 20,
        };
        assert!(b.charge("k", greedy).is_err());
        // The megabyte of the refused derivation was given back.
        assert!(b
            .charge(
                "k",
                Cost {
                    work: 50,
                    memory: 24 << 20
                }
            )
            .is_ok());
    }

    #[test]
    fn scrypt_costs() {
        let c = Cost::scrypt(1 << 20, 8, 16).unwrap();
        assert_eq!(c.work, 128 << 20);
        assert_eq!(c.memory, 1 << 30);
        assert!(Cost::scrypt(1 << 14, 1, 127).unwrap_err().contains("p=127"));
        assert_eq!(Cost::scrypt(u64::MAX, 8, 1).unwrap().memory, u64::MAX);
    }

    #[test]
    fn heavy_derivations_do_not_overlap() {
        use std::sync::atomic::AtomicUsize;
        static RUNNING: AtomicUsize = AtomicUsize::new(0);
        static MOST: AtomicUsize = AtomicUsize::new(0);
        let heavy = Cost {
            work: 1,
            memory: HEAVY + 1,
        };
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(move || {
                    derive(heavy, || {
                        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
                        MOST.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        RUNNING.fetch_sub(1, Ordering::SeqCst);
                    })
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(MOST.load(Ordering::SeqCst), 1);
    }
}
