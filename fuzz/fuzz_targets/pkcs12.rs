//! Whole-input decoding with the password "test" (the fixtures' password), so that the
//! seeds' MACs verify and the fuzzer reaches bag decryption and the keys inside.
#![no_main]

use std::sync::OnceLock;

use certscope::input::secret::Secret;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    static PASSWORD: OnceLock<Secret> = OnceLock::new();
    let password = PASSWORD.get_or_init(|| Secret::new("test".to_string()));
    common::decode_and_render(data, Some(password));
});
