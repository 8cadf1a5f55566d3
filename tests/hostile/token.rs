//! Hostile inputs: token (see main.rs).

#[allow(unused_imports)]
use super::support;
