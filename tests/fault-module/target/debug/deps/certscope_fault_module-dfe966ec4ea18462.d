/work/main/tests/fault-module/target/debug/deps/certscope_fault_module-dfe966ec4ea18462.d: src/lib.rs

/work/main/tests/fault-module/target/debug/deps/certscope_fault_module-dfe966ec4ea18462: src/lib.rs

src/lib.rs:
