/work/main/tests/fault-module/target/debug/deps/cryptoki_sys-3fcfcded261fd0e2.d: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cryptoki-sys-0.5.0/src/lib.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cryptoki-sys-0.5.0/src/bindings/x86_64-unknown-linux-gnu.rs

/work/main/tests/fault-module/target/debug/deps/libcryptoki_sys-3fcfcded261fd0e2.rlib: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cryptoki-sys-0.5.0/src/lib.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cryptoki-sys-0.5.0/src/bindings/x86_64-unknown-linux-gnu.rs

/work/main/tests/fault-module/target/debug/deps/libcryptoki_sys-3fcfcded261fd0e2.rmeta: /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cryptoki-sys-0.5.0/src/lib.rs /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cryptoki-sys-0.5.0/src/bindings/x86_64-unknown-linux-gnu.rs

/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cryptoki-sys-0.5.0/src/lib.rs:
/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cryptoki-sys-0.5.0/src/bindings/x86_64-unknown-linux-gnu.rs:

# env-dep:CARGO_MANIFEST_DIR=/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/cryptoki-sys-0.5.0
