//! The password SPEC parser on arbitrary UTF-8. `file:` specs are skipped: they read the
//! named path (a device such as /dev/zero would only measure the machine), and SPECs come
//! from the command line, not from files under inspection. `env:` only reads.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = std::str::from_utf8(data) else {
        return;
    };
    if spec.starts_with("file:") {
        return;
    }
    match certscope::input::secret::from_spec(spec) {
        Ok(secret) => {
            if let Some(text) = spec.strip_prefix("pass:") {
                assert_eq!(secret.expose(), text);
            }
            // Debug never shows the value.
            assert_eq!(format!("{secret:?}"), "Secret(redacted)");
        }
        Err(e) => {
            // A spec without a known prefix may be a password typed bare: the message must
            // not depend on it, so it cannot echo it.
            if !spec.starts_with("env:") && !spec.starts_with("pass:") {
                let reference = certscope::input::secret::from_spec("").map(|_| ()).unwrap_err();
                assert_eq!(e.to_string(), reference.to_string());
            }
        }
    }
});
