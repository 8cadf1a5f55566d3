//! Hostile inputs: relations (see main.rs).

#[allow(unused_imports)]
use super::support;
