//! `cmd/pkcs11.rs` for a build without the `pkcs11` feature: a `pkcs11:` input is refused
//! with a message naming the feature (exit 2), so the driver needs no `cfg` of its own.

use certscope::decode::{Event, Options};

use crate::cli::UriTokenArgs;

/// Why `certscope token` and `pkcs11:` inputs cannot run in this build.
pub(super) const NOT_BUILT: &str = "this certscope was built without PKCS#11 support (the `pkcs11` \
feature; a static musl build cannot load modules): `certscope token` and pkcs11: inputs are unavailable";

/// Reports that this build cannot read `pkcs11:` inputs; returns `false` (no PIN was
/// refused), like the real reader's answer.
pub(super) fn uri_input(
    name: &str,
    _opts: &Options<'_>,
    _allow_uri_module: bool,
    _token_args: &UriTokenArgs,
    emit: &mut dyn FnMut(Event),
) -> bool {
    emit(Event::Problem {
        locator: name.to_string(),
        message: NOT_BUILT.to_string(),
    });
    false
}
