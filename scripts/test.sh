#!/usr/bin/env bash
# Runs every test. Installs what the tests need (SoftHSM2, OpenSC, p11-kit modules) when it
# is missing, so that a fresh machine passes; SoftHSM tests then fail rather than skip.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -e /usr/lib/softhsm/libsofthsm2.so ] || need+=(softhsm2)
command -v softhsm2-util >/dev/null 2>&1 || need+=(softhsm2)
command -v pkcs11-tool >/dev/null 2>&1 || need+=(opensc)
[ -e /usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-trust.so ] || [ -e /usr/lib/aarch64-linux-gnu/pkcs11/p11-kit-trust.so ] || need+=(p11-kit-modules)
command -v p11-kit >/dev/null 2>&1 || need+=(p11-kit)
# The differential test (tests/cli/compare_openssl.rs) compares with openssl's own decoding.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# tests/token/token_cli.rs reads NSS's built-in roots module (a token without the initialised flag).
[ -e /usr/lib/x86_64-linux-gnu/libnssckbi.so ] || [ -e /usr/lib/aarch64-linux-gnu/libnssckbi.so ] || need+=(libnss3)
# tests/token/token_nss.rs makes NSS databases with certutil and reads them through libsoftokn3.
command -v certutil >/dev/null 2>&1 || need+=(libnss3-tools)
# tests/cli/check.rs lints the system trust store.
[ -e /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
# tests/cli/chain.rs renders `chain --format dot` and `inspect --format dot` with Graphviz.
command -v dot >/dev/null 2>&1 || need+=(graphviz)
# tests/cli/cli.rs checks that groff reads every man page.
command -v groff >/dev/null 2>&1 || need+=(groff-base)
# tests/token/token_p11kit.rs runs p11-kit and certscope as nobody (p11-kit ignores a root's ~/.config).
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
# tests/token/token_p11kit.rs runs kryoptic, built below from crates.io (bindgen needs libclang;
# kryoptic links the system OpenSSL and SQLite, found with pkg-config).
compgen -G '/usr/lib/llvm-*/lib/libclang.so' >/dev/null || need+=(libclang-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
[ -e /usr/include/openssl/evp.h ] || need+=(libssl-dev)
[ -e /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "scripts/test.sh: installing ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# tests/cli/inventory.rs runs docs/inventory.md's SQL in DuckDB (Python's duckdb package, in a
# venv under target/ so that an externally managed system Python is left alone).
if ! target/duckdb-venv/bin/python -c "import duckdb" >/dev/null 2>&1; then
  if ! python3 -c "import ensurepip" >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
  fi
  echo "scripts/test.sh: installing duckdb (pip) into target/duckdb-venv" >&2
  python3 -m venv target/duckdb-venv
  target/duckdb-venv/bin/pip install -q duckdb
fi
export CERTSCOPE_DUCKDB_PYTHON="$PWD/target/duckdb-venv/bin/python"
export CERTSCOPE_REQUIRE_DUCKDB=1
# tests/cli/check.rs cross-checks the lint fixtures with pkilint (PyPI), in a venv of its own
# (system pip may be externally managed).
pkilint_venv=target/pkilint-venv
if ! "$pkilint_venv/bin/python" -c "import pkilint" >/dev/null 2>&1; then
  echo "scripts/test.sh: installing pkilint into $pkilint_venv" >&2
  python3 -m venv "$pkilint_venv"
  "$pkilint_venv/bin/pip" install -q pkilint
fi
export CERTSCOPE_PKILINT_PYTHON="$PWD/$pkilint_venv/bin/python"
export CERTSCOPE_REQUIRE_PKILINT=1

# kryoptic (a PKCS#11 3.x token that counts failed logins) is built once into
# target/kryoptic-cache; later runs reuse it. The first build is started here, in the
# background, so that it overlaps the compilation of certscope's tests (docs/pkcs11.md,
# "kryoptic on Debian 12", has the timings); build-kryoptic.sh takes a lock, so a second
# run waits for it.
kryoptic_log=$(mktemp)
kryoptic_start=$SECONDS
scripts/build-kryoptic.sh >"$kryoptic_log.path" 2>"$kryoptic_log" &
kryoptic_pid=$!

export CERTSCOPE_REQUIRE_SOFTHSM=1
export CERTSCOPE_REQUIRE_OPENSSL=1
# Snapshots are compared, never rewritten, here; review changes with `cargo insta review`.
export INSTA_UPDATE=no
log=$(mktemp)
trap 'rm -f "$log" "$kryoptic_log" "$kryoptic_log.path"' EXIT
# The test-only fault-injecting PKCS#11 module has its own workspace and unit tests.
cargo test --manifest-path tests/fault-module/Cargo.toml 2>&1 | tee "$log"
cargo test --doc "$@" 2>&1 | tee -a "$log"
cargo test --all-targets --no-run "$@"
wait_start=$SECONDS
if wait "$kryoptic_pid"; then
  echo "scripts/test.sh: kryoptic ready after $((SECONDS - kryoptic_start)) s, $((SECONDS - wait_start)) s of it waited for" >&2
  CERTSCOPE_KRYOPTIC_MODULE=$(cat "$kryoptic_log.path")
else
  # The other tests still run; the kryoptic ones fail, naming this.
  cat "$kryoptic_log" >&2
  echo "scripts/test.sh: building kryoptic failed (scripts/build-kryoptic.sh)" >&2
  CERTSCOPE_KRYOPTIC_MODULE="(scripts/build-kryoptic.sh failed)"
fi
export CERTSCOPE_KRYOPTIC_MODULE
export CERTSCOPE_REQUIRE_KRYOPTIC=1
cargo test --all-targets "$@" 2>&1 | tee -a "$log"
# One closing line for the whole run (cargo prints one per test binary).
awk '/^test result:/ { p += $4; f += $6; i += $8 } END { printf "certscope: %d passed, %d failed, %d skipped\n", p, f, i }' "$log"
