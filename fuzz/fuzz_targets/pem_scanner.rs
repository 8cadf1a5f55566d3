//! The PEM block scanner over arbitrary bytes: every block it yields must have a BEGIN line
//! inside the input, and the scan must end.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lines = data.iter().filter(|&&b| b == b'\n').count() + 1;
    for block in certscope::pem::Scanner::new(data) {
        assert!(block.line >= 1 && block.line <= lines, "line {} of {lines}", block.line);
        let _ = block.header("DEK-Info");
    }
});
