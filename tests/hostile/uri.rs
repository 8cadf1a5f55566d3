//! Hostile inputs: uri (see main.rs).

#[allow(unused_imports)]
use super::support;
