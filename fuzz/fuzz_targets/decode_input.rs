//! Detection and decoding of a whole input with no password, as `certscope inspect FILE`
//! does; every item is rendered too.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::decode_and_render(data, None);
});
