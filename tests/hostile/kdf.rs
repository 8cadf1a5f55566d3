//! Hostile inputs: kdf (see main.rs).

#[allow(unused_imports)]
use super::support;
