//! Hostile inputs: output (see main.rs).

#[allow(unused_imports)]
use super::support;
